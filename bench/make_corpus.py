"""A realistic benchmark corpus of N distinct reports, made fast from a few base documents.

    python bench/make_corpus.py OUT_DIR --n 1000 [--scans 0] [--seed 1]

Base documents: the repository's samples (narrative reports 000, 101, 203; the form 201;
the workbook 202; the seed as text) and the longer reports of bench/templates.py (1 to 30
pages, generated once and cached in bench/.cache/). Each output file is a base document
with its bytes changed cheaply, so that every file is distinct (a new sha256: jixiao reads
it, it is no `duplicate`) and still a valid report:

    .docx .xlsx  re-zipped with the county in every XML part renamed (青山县 -> 桂岭县),
                 so each is another unit's report
    .txt         the same renaming
    .pdf         a `%jixiao-bench NNNNNN` comment line after the final %%EOF, which
                 pdfium and pdfminer pass over (the text is the template's)

The mix is about 45% PDF, 45% DOCX, 10% other (text, Excel), weighted so that most files
are 1 to 5 pages and a few are 20 or 30. File i is a function of (seed, i) alone, so a
corpus made for 5,000 holds the one made for 1,000 as its first 1,000 files
(`OUT/b000/` ... `OUT/b009/`, 100 a folder); asking for more extends it, asking for fewer
trims it. `--scans K` adds K scanned PDFs (101.scan.pdf) under `OUT/scans/`.
OUT/.jixiao-bench.json (a dot file: jixiao does not read it) lists every file.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import templates  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
MANIFEST = ".jixiao-bench.json"
PER_FOLDER = 100


@dataclass(frozen=True, slots=True)
class Base:
    name: str  # template id, in the output file's name
    path: Path
    county: str  # swapped per file in .docx/.xlsx/.txt
    pages: int | None  # the PDF's pages, or the PDF twin's for a .docx (an estimate of its length)


# Weights within each format group: short reports are common, 20-30 page ones rare.
PDF_DOCX_WEIGHTS = {
    "101": 15,
    "201": 15,
    "203": 15,
    "000": 10,
    "L01": 15,
    "L05": 10,
    "L09": 8,
    "L14": 6,
    "L20": 4,
    "L30": 2,
}
SAMPLE_COUNTY = {"000": "龙山", "101": "青山", "201": "青山", "203": "青山", "202": "青山"}
FORMAT_WEIGHTS = {"pdf": 45, "docx": 45, "txt": 5, "xlsx": 5}

# Counties for the renamed copies: first x second (x third) characters, unique per index.
FIRST = "东南西北上下中新龙凤青白金银石松桂梅兰竹云山江河湖海安平永宁长泰福兴华丰盛和嘉德"
SECOND = "阳林溪川岭城口坪塘冈源州陵湾桥沙田岗洲浦峰坝台渡关泉港丘原池堰谷沟埠寨店集铺庄"


def county(i: int) -> str:
    a, b = len(FIRST), len(SECOND)
    name = FIRST[i % a] + SECOND[(i // a) % b]
    rest = i // (a * b)
    return name + (SECOND[(rest - 1) % b] if rest else "")


def bases() -> dict[str, dict[str, Base]]:
    """format -> template id -> Base."""
    folder, pages = templates.ensure()
    import pypdfium2 as pdfium

    def pdf_pages(p: Path) -> int:
        doc = pdfium.PdfDocument(str(p))
        try:
            return len(doc)
        finally:
            doc.close()

    out: dict[str, dict[str, Base]] = {"pdf": {}, "docx": {}, "txt": {}, "xlsx": {}}
    for stem in ("000", "101", "201", "203"):
        n = pdf_pages(SAMPLES / f"{stem}.pdf")
        out["pdf"][stem] = Base(stem, SAMPLES / f"{stem}.pdf", SAMPLE_COUNTY[stem], n)
        out["docx"][stem] = Base(stem, SAMPLES / f"{stem}.docx", SAMPLE_COUNTY[stem], n)
    for spec in templates.SPECS:
        n = pages[spec.name]
        out["pdf"][spec.name] = Base(spec.name, folder / f"{spec.name}.pdf", spec.county, n)
        out["docx"][spec.name] = Base(spec.name, folder / f"{spec.name}.docx", spec.county, n)
    out["txt"]["000"] = Base("000", SAMPLES / "000.txt", "龙山", None)
    out["xlsx"]["202"] = Base("202", SAMPLES / "202.xlsx", "青山", None)
    return out


def fingerprint(all_bases: dict[str, dict[str, Base]], scan: Path | None) -> str:
    """Changes when any base document changes: the corpus made from the old ones is remade."""
    h = hashlib.sha256(templates.GENERATOR.encode())
    for fmt in sorted(all_bases):
        for name in sorted(all_bases[fmt]):
            h.update(all_bases[fmt][name].path.read_bytes())
    if scan:
        h.update(scan.read_bytes())
    return h.hexdigest()[:16]


def pick(seed: int, i: int, all_bases: dict[str, dict[str, Base]]) -> Base:
    rng = random.Random(f"{seed}:{i}")  # str seeds hash with sha512: stable across runs and versions
    fmt = rng.choices(list(FORMAT_WEIGHTS), weights=list(FORMAT_WEIGHTS.values()))[0]
    names = list(all_bases[fmt])
    weights = [PDF_DOCX_WEIGHTS.get(n, 1) for n in names]
    return all_bases[fmt][rng.choices(names, weights=weights)[0]]


class Varier:
    """Distinct bytes per index, from cached base bytes."""

    def __init__(self) -> None:
        self.raw: dict[Path, bytes] = {}
        self.zips: dict[Path, list[tuple[zipfile.ZipInfo, bytes]]] = {}

    def _bytes(self, p: Path) -> bytes:
        if p not in self.raw:
            self.raw[p] = p.read_bytes()
        return self.raw[p]

    def pdf(self, base: Base, i: int) -> bytes:
        data = self._bytes(base.path)
        sep = b"" if data.endswith((b"\n", b"\r")) else b"\n"
        return data + sep + b"%jixiao-bench " + f"{i:06d}".encode() + b"\n"

    def text(self, base: Base, i: int) -> bytes:
        return self._bytes(base.path).replace(base.county.encode(), county(i).encode())

    def zipped(self, base: Base, i: int) -> bytes:
        if base.path not in self.zips:
            with zipfile.ZipFile(base.path) as z:
                self.zips[base.path] = [(info, z.read(info)) for info in z.infolist()]
        old, new = base.county.encode(), county(i).encode()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in self.zips[base.path]:
                if info.filename.endswith(".xml"):
                    data = data.replace(old, new)
                z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
        return out.getvalue()

    def make(self, base: Base, fmt: str, i: int) -> bytes:
        if fmt == "pdf":
            return self.pdf(base, i)
        if fmt == "txt":
            return self.text(base, i)
        return self.zipped(base, i)


def rel_path(i: int, base: Base, fmt: str) -> str:
    return f"b{i // PER_FOLDER:03d}/r{i:06d}-{base.name}.{fmt}"


def make(out: Path, n: int, scans: int = 0, seed: int = 1, log=print) -> dict:
    """Make (or extend, or trim) the corpus in `out`; returns its manifest."""
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    all_bases = bases()
    scan_src = SAMPLES / "101.scan.pdf"
    fp = fingerprint(all_bases, scan_src if scan_src.exists() else None)
    mpath = out / MANIFEST
    old = json.loads(mpath.read_text()) if mpath.exists() else None
    if old is None and any(p for p in out.iterdir()):
        raise SystemExit(f"{out} is not empty and holds no {MANIFEST}: give an empty or new folder")
    if old and (old["fingerprint"] != fp or old["seed"] != seed):
        log(f"base documents or seed changed: remaking {out}")
        for f in old["files"] + old.get("scan_files", []):
            (out / f["path"]).unlink(missing_ok=True)
        old = None
    have = {f["path"]: f for f in old["files"]} if old else {}
    varier = Varier()
    files, made = [], 0
    for i in range(n):
        base = pick(seed, i, all_bases)
        fmt = base.path.suffix[1:]
        rel = rel_path(i, base, fmt)
        if rel not in have or not (out / rel).exists():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_bytes(varier.make(base, fmt, i))
            made += 1
        files.append({"path": rel, "template": base.name, "format": fmt, "pages": base.pages})
    keep = {f["path"] for f in files}
    for rel in set(have) - keep:  # trimmed: files past the new n
        (out / rel).unlink(missing_ok=True)
    scan_files = []
    if scans and not scan_src.exists():
        raise SystemExit(f"--scans needs {scan_src}")
    scan_base = Base("scan101", scan_src, "青山", 2)
    for j in range(scans):
        rel = f"scans/s{j:04d}-scan101.pdf"
        if not (out / rel).exists():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_bytes(varier.pdf(scan_base, 900000 + j))
            made += 1
        scan_files.append({"path": rel, "template": "scan101", "format": "pdf", "pages": 2})
    for f in old.get("scan_files", []) if old else []:
        if f["path"] not in {s["path"] for s in scan_files}:
            (out / f["path"]).unlink(missing_ok=True)
    for d in out.iterdir():  # folders emptied by a trim
        if d.is_dir() and not any(d.iterdir()):
            d.rmdir()
    manifest = {
        "generator": templates.GENERATOR,
        "fingerprint": fp,
        "seed": seed,
        "n": n,
        "scans": scans,
        "files": files,
        "scan_files": scan_files,
    }
    mpath.write_text(json.dumps(manifest, ensure_ascii=False, indent=0))
    counts: dict[str, int] = {}
    for f in files:
        counts[f["format"]] = counts.get(f["format"], 0) + 1
    pdf_pages = sum(f["pages"] for f in files if f["format"] == "pdf")
    log(
        f"corpus {out}: {n} files ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}), "
        f"{pdf_pages} PDF pages, {scans} scans; {made} written in {time.perf_counter() - t0:.1f}s"
    )
    return manifest


def inputs(out: Path, manifest: dict, n: int, with_scans: bool) -> list[Path]:
    """The paths to give `jixiao ingest` for the first n files: whole folders, then single files."""
    full, rest = divmod(n, PER_FOLDER)
    paths = [out / f"b{k:03d}" for k in range(full)]
    paths += [out / f["path"] for f in manifest["files"][full * PER_FOLDER : n]] if rest else []
    if with_scans and manifest["scan_files"]:
        paths.append(out / "scans")
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, metavar="OUT_DIR")
    ap.add_argument("--n", type=int, default=1000, help="reports to make (default 1000)")
    ap.add_argument(
        "--scans", type=int, default=0, help="scanned PDFs to add under OUT_DIR/scans (default 0)"
    )
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    make(args.out, args.n, args.scans, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
