"""OCR cost per scanned page: jixiao's OCR step against raw RapidOCR, same pages, same run.

    python bench/ocr.py [--pdfs PATH ...] [--pages 40] [--arms raw,jixiao,...]

Not a timed test: it prints figures and writes them to bench/results/ocr-latest.json.
The pages of the input scans (up to --pages) are rendered once at extract.ocr.DPI with
pypdfium2, as extract/pdf.py renders a page for OCR, and kept as PNG files: rendering is
in no arm's time. Each arm runs in a process of its own, which loads its engine and reads
the first page once untimed (warm-up); then the arms read the pages in turn, page 1 by each
arm, then page 2, ... (the arms' order rotating), one process working at a time, so a slow
spell of the machine falls on every arm alike. Each page is timed in its arm's process,
wall (perf_counter) and CPU (process_time, all its threads); peak RSS is that process's.

  raw                 rapidocr_onnxruntime RapidOCR(intra_op_num_threads=1,
                      inter_op_num_threads=1), default parameters (det, cls, rec): the reference
  raw-openvino        rapidocr_openvino RapidOCR(inference_num_threads=1), default parameters
  jixiao              extract.ocr.page_items(image), OCR cache off, the engine jixiao picks
  jixiao-onnxruntime  the same with JIXIAO_OCR_ENGINE=rapidocr_onnxruntime
  jixiao-cached       page_items with the OCR cache on, after a pass that filled it: what a
                      page read again costs (`--reprocess`)

The headline is jixiao's wall seconds a page over raw's; the issue's acceptance is <= 0.5.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from subprocess import PIPE

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared" / "corpus" / "rendered"
# the repository first; bench/ (this script's folder) off the path, lest it shadow a library
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != HERE)]
ARMS = ("raw", "raw-openvino", "jixiao", "jixiao-onnxruntime", "jixiao-cached")
TARGET = 0.5  # jixiao's seconds a scanned page <= 0.5x raw RapidOCR's
SAY = "@@bench "  # an arm's answers on its stdout start with this


# ---- one arm, in a process of its own ----------------------------------------------------


def _image(path: Path):
    from PIL import Image

    im = Image.open(path)
    im.load()
    return im


def serve(arm: str, pages: list[Path]) -> None:
    """An arm's process: load and warm, then time each page the parent names on stdin; the
    lines (raw) or items (jixiao) found."""
    import numpy as np

    t0 = time.perf_counter()
    cached: list[bool] = []
    if arm.startswith("raw"):
        module = "rapidocr_openvino" if arm == "raw-openvino" else "rapidocr_onnxruntime"
        runtime = module.split("_")[1]
        if runtime == "openvino":
            one = {"inference_num_threads": 1}
        else:
            one = {"intra_op_num_threads": 1, "inter_op_num_threads": 1}
        eng = importlib.import_module(module).RapidOCR(**one)
        name = f"{module} {version(module.replace('_', '-'))} ({runtime} {version(runtime)})"

        def step(im) -> int:
            result, _ = eng(np.asarray(im))  # default parameters: det, cls, rec
            return len(result or [])

    else:
        from extract import ocr

        ocr.cache_in(None)
        name = ocr.engine().name

        def step(im) -> int:
            got = ocr.page_items(im)
            cached.append(got.cached)
            return len(got.items)

    load_s = time.perf_counter() - t0
    tmp = tempfile.TemporaryDirectory(prefix="jixiao-ocr-cache-")
    if arm == "jixiao-cached":
        ocr.cache_in(tmp.name)
    for p in pages if arm == "jixiao-cached" else pages[:1]:
        step(_image(p))  # the warm-up page, or the pass that fills the cache
    _say({"engine": name, "load_s": round(load_s, 3)})
    for line in sys.stdin:  # a page's number: read it, timed
        im = _image(pages[int(line)])
        cached.clear()
        w0, c0 = time.perf_counter(), time.process_time()
        found = step(im)
        _say([round(time.perf_counter() - w0, 4), round(time.process_time() - c0, 4), found, any(cached)])
    tmp.cleanup()
    _say({"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)})


def _say(obj) -> None:
    print(SAY + json.dumps(obj), flush=True)


def _hear(proc: subprocess.Popen, line: str | None = None):
    """Send a line to an arm's process (if any) and return its next answer."""
    assert proc.stdin is not None and proc.stdout is not None
    if line is not None:
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
    for out in proc.stdout:  # passing over what the libraries may print
        if out.startswith(SAY):
            return json.loads(out[len(SAY) :])
    raise RuntimeError(f"exit {proc.wait()}")


def summary(arm: str, head: dict, rows: list, tail: dict) -> dict:
    wall, cpu, n = sum(r[0] for r in rows), sum(r[1] for r in rows), len(rows)
    return {
        "arm": arm,
        **head,
        "pages": n,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "s_per_page": round(wall / n, 4),
        "cpu_s_per_page": round(cpu / n, 4),
        "found": sum(r[2] for r in rows),
        "pages_from_cache": sum(r[3] for r in rows),
        **tail,
        "per_page": rows,  # [wall s, CPU s, lines or items found, from the OCR cache]
    }


# ---- the run ------------------------------------------------------------------------------


def render(pdfs: list[Path], limit: int, folder: Path) -> list[str]:
    """The pages at the OCR resolution, up to `limit`, to folder/NNNN.png; their names."""
    import pypdfium2 as pdfium

    from extract.ocr import DPI

    names: list[str] = []
    for f in pdfs:
        doc = pdfium.PdfDocument(str(f))
        for i in range(min(len(doc), limit - len(names))):
            doc[i].render(scale=DPI / 72).to_pil().save(folder / f"{len(names):04d}.png", compress_level=1)
            names.append(f"{f.name}#{i + 1}")
        doc.close()
    return names


def environment() -> dict:
    def git(*a: str) -> str:
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    info = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    return {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": next((ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name")), ""),
        "python": platform.python_version(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "git": git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--", "extract", "normalize", "export", "jixiao")),
    }


def run(args) -> dict:
    pdfs: list[Path] = []
    for p in args.pdfs:  # a folder: its *.scan.pdf files, else its *.pdf files
        pdfs += (sorted(p.glob("*.scan.pdf")) or sorted(p.glob("*.pdf"))) if p.is_dir() else [p]
    res: dict = {"args": {"pdfs": [str(p) for p in pdfs], "pages": args.pages, "arms": args.arms}}
    res["env"] = environment()
    with tempfile.TemporaryDirectory(prefix="jixiao-ocr-pages-") as folder:
        print(f"rendering up to {args.pages} pages of {len(pdfs)} scanned PDFs ...", flush=True)
        res["pages"] = render(pdfs, args.pages, Path(folder))
        if not res["pages"]:
            raise SystemExit("no pages to read: give --pdfs")
        procs: dict[str, subprocess.Popen] = {}
        heads: dict[str, dict] = {}
        rows: dict[str, list] = {}
        tails: dict[str, dict] = {}
        failed: dict[str, str] = {}  # arm: what went wrong (its traceback is on stderr)
        try:
            for arm in args.arms:
                env = {k: v for k, v in os.environ.items() if k != "JIXIAO_OCR_ENGINE"}
                if arm == "jixiao-onnxruntime":
                    env["JIXIAO_OCR_ENGINE"] = "rapidocr_onnxruntime"
                print(f"{arm}: loading, warming ...", flush=True)
                cmd = [sys.executable, __file__, "--arm", arm, "--pages-dir", folder]
                procs[arm] = subprocess.Popen(cmd, env=env, stdin=PIPE, stdout=PIPE, text=True)
                try:
                    heads[arm], rows[arm] = _hear(procs[arm]), []
                except (RuntimeError, OSError) as exc:
                    failed[arm] = f"loading: {exc}"
            live = [a for a in args.arms if a not in failed]
            n = len(res["pages"])
            for i in range(n):
                print(f"page {i + 1}/{n} {res['pages'][i]}", end="", flush=True)
                for arm in live[i % len(live) :] + live[: i % len(live)] if live else []:
                    try:
                        rows[arm].append(_hear(procs[arm], str(i)))
                        print(f"  {arm} {rows[arm][-1][0]:.2f}s", end="", flush=True)
                    except (RuntimeError, OSError) as exc:
                        failed[arm] = f"page {i + 1}: {exc}"
                live = [a for a in live if a not in failed]
                print()
            for arm in live:  # stdin closed: the arm answers with its peak RSS
                proc = procs[arm]
                if proc.stdin:
                    proc.stdin.close()
                tails[arm] = _hear(proc)
                proc.wait()
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.kill()
    arms = {arm: summary(arm, heads[arm], rows[arm], tails[arm]) for arm in live}
    res["failed"] = failed
    if raw := arms.get("raw"):
        for a in arms.values():
            a["ratio"] = round(a["s_per_page"] / raw["s_per_page"], 4)
            a["ratio_cpu"] = round(a["cpu_s_per_page"] / raw["cpu_s_per_page"], 4)
    res["arms"] = arms
    res["ratio"] = arms.get("jixiao", {}).get("ratio")
    res["pass"] = res["ratio"] is not None and res["ratio"] <= TARGET
    if raw and "raw-openvino" in arms:
        same = zip(raw["per_page"], arms["raw-openvino"]["per_page"])
        res["raw_lines_same_pages"] = sum(x[2] == y[2] for x, y in same)
    res["env"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    return res


def report(res: dict) -> str:
    e = res["env"]
    L = [
        f"jixiao OCR benchmark  {e['when']}  git {e['git']}{' (dirty)' if e['git_dirty'] else ''}  "
        f"{e['cpus_usable']}/{e['cpus']} cores ({e['cpu_model']})  load {e['loadavg_start']} -> "
        f"{e['loadavg_end']}",
        f"{len(res['pages'])} scanned pages at 150 dpi from {len(res['args']['pdfs'])} PDFs; "
        "one process an arm, one thread, warmed first",
        "",
        f"  {'arm':<19}{'pages':>6}{'s/page':>8}{'CPU s/p':>9}{'CPU/wall':>9}{'x raw':>7}"
        f"{'CPU x raw':>10}{'found':>7}{'RSS MB':>8}  engine",
    ]
    for name, a in res["arms"].items():
        x, xc = (f"{a[k]:.3f}" if k in a else "-" for k in ("ratio", "ratio_cpu"))
        L.append(
            f"  {name:<19}{a['pages']:>6}{a['s_per_page']:>8.3f}{a['cpu_s_per_page']:>9.3f}"
            f"{a['cpu_s'] / a['wall_s']:>9.2f}{x:>7}{xc:>10}{a['found']:>7}{a['peak_rss_mb']:>8.0f}  "
            f"{a['engine']}" + (f"; {a['pages_from_cache']} pages from the cache" if "cached" in name else "")
        )
    L += [f"  {name:<19} FAILED, {why}" for name, why in res["failed"].items()]
    L += ["", "  found: text lines (raw arms), items (jixiao arms: text lines, tables)"]
    if "raw_lines_same_pages" in res:
        L[-1] += f"; raw-openvino as many lines as raw on {res['raw_lines_same_pages']} pages"
    busy = [k for k, a in res["arms"].items() if a["cpu_s"] < 0.9 * a["wall_s"]]
    if busy:
        L.append(
            f"  CPU/wall < 0.9 in {', '.join(busy)}: the process waited (another load on the machine?), "
            "so its wall figures include waiting; the CPU columns do not"
        )
    r, rc = res["ratio"], res["arms"].get("jixiao", {}).get("ratio_cpu")
    verdict = "" if r is None else "PASS" if res["pass"] else "FAIL"
    L.append(
        f"RATIO jixiao / raw = {'n/a' if r is None else f'{r:.3f}'} (target <= {TARGET}) {verdict}"
        f"   in CPU seconds {'n/a' if rc is None else f'{rc:.3f}'}"
    )
    return "\n".join(L)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument(
        "--pdfs",
        nargs="+",
        type=Path,
        default=[ROOT / "samples" / "101.scan.pdf", *([SHARED] if SHARED.is_dir() else [])],
        help="scanned PDFs, or folders to take *.scan.pdf (else *.pdf) from "
        "(default samples/101.scan.pdf and ../shared/corpus/rendered/ where it exists)",
    )
    ap.add_argument("--pages", type=int, default=40, help="read at most this many pages (default 40)")
    ap.add_argument("--arms", default=",".join(ARMS), help=f"comma-separated, of {', '.join(ARMS)}")
    ap.add_argument("--json", type=Path, default=HERE / "results" / "ocr-latest.json")
    ap.add_argument("--arm", choices=ARMS, help=argparse.SUPPRESS)  # a child process: one arm
    ap.add_argument("--pages-dir", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.arm:
        serve(args.arm, sorted(args.pages_dir.glob("*.png")))
        return 0
    args.arms = [a.strip() for a in args.arms.split(",") if a.strip()]
    if bad := [a for a in args.arms if a not in ARMS]:
        ap.error(f"unknown arm(s): {', '.join(bad)}")
    res = run(args)
    res["report"] = report(res).splitlines()
    print("", *res["report"], sep="\n")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n")
    print(f"\nwritten {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
