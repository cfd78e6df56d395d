"""The ingestion benchmark: jixiao end to end against raw pypdfium2 on the same PDFs.

    python bench/run.py --n 1000 --workers 2 [--scans 0] [--files-for-rss 500,5000]

Not a timed test: it prints figures and writes them to bench/results/latest.json.
Steps, in one run on one corpus (bench/make_corpus.py, kept in bench/corpus/):

  raw      pypdfium2 text of every page of the corpus' text PDFs, in a
           multiprocessing pool of --workers processes: the practical ceiling (run
           before jixiao's runs and again after them; the ratios use the mean)
  ingest   `jixiao ingest ... --workers N --quiet` into a fresh folder: wall time,
           docs/s, PDF pages/s, peak RSS per worker (bench/rss.py)
  rerun    the same command on the unchanged input: time, and that no row was added
  rss      with --files-for-rss A,B: fresh runs on the first A and the first B files,
           the worker peak RSS of each and their ratio

See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import make_corpus  # noqa: E402
from rss import Sampler  # noqa: E402

# The acceptance figures.
TARGET_RATIO = 0.25  # jixiao PDF pages/s >= 25% of raw pypdfium2 on the same PDFs
TARGET_WORKER_MB = 500
TARGET_RSS_GROWTH = 1.20  # RSS after the big run within 20% of the small run
TARGET_RERUN = 0.05  # a re-run on unchanged input under 5% of the first run


# ---- raw pypdfium2 ------------------------------------------------------------------------


def _raw_text(path: str) -> tuple[int, int, float]:
    import pypdfium2 as pdfium

    t0 = time.perf_counter()
    pdf = pdfium.PdfDocument(path)
    pages = chars = 0
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            chars += len(tp.get_text_range())
            tp.close()
            page.close()
            pages += 1
    finally:
        pdf.close()
    return pages, chars, time.perf_counter() - t0


def raw_pdfium(pdfs: list[Path], workers: int) -> dict:
    """Text of every page, `workers` processes (forked, as jixiao's pool), one file a task."""
    import pypdfium2  # noqa: F401  (imported before the fork: the workers start warm)

    ctx = mp.get_context("fork" if os.name == "posix" else "spawn")
    with ctx.Pool(workers) as pool:
        pool.map(_raw_text, [str(pdfs[0])] * workers) if pdfs else None  # warm every worker
        t0 = time.perf_counter()
        got = list(pool.imap_unordered(_raw_text, [str(p) for p in pdfs], chunksize=1))
        wall = time.perf_counter() - t0
    pages = sum(g[0] for g in got)
    return {
        "files": len(pdfs),
        "pages": pages,
        "chars": sum(g[1] for g in got),
        "wall_s": round(wall, 3),
        "pages_per_s": round(pages / wall, 1) if wall else None,
        "cpu_s": round(sum(g[2] for g in got), 3),
    }


# ---- jixiao -------------------------------------------------------------------------------


def jixiao_cmd() -> list[str]:
    script = Path(sys.executable).parent / "jixiao"
    if script.exists():
        return [str(script)]
    found = shutil.which("jixiao")
    return [found] if found else [sys.executable, "-m", "jixiao.cli"]


def ingest(paths: list[Path], out: Path, workers: int, log_name: str) -> dict:
    """One `jixiao ingest`, timed, its RSS sampled; its stderr kept in OUT/../<log_name>.stderr."""
    cmd = [*jixiao_cmd(), "ingest", *map(str, paths), "--out", str(out), "--workers", str(workers), "--quiet"]
    err = out.parent / f"{log_name}.stderr"
    with open(err, "wb") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=fh)
        with Sampler(proc.pid) as sampler:
            code = proc.wait()
        wall = time.perf_counter() - t0
    lines = err.read_text(errors="replace").splitlines()
    return {
        "exit_code": code,
        "wall_s": round(wall, 3),
        "rss": sampler.peaks.summary(),
        "failed_lines": [ln for ln in lines if ln.startswith("FAILED")][:10],
        "summary": [ln for ln in lines if not ln.startswith("FAILED")][-3:],
    }


def table(out: Path, name: str):
    import pyarrow.dataset as ds

    path = out / f"{name}.parquet"
    if not path.exists():
        return None
    return ds.dataset(path, format="parquet", partitioning="hive").to_table()


def row_counts(out: Path) -> dict[str, int]:
    names = sorted(p.name[: -len(".parquet")] for p in out.glob("*.parquet"))
    return {n: table(out, n).num_rows for n in names}


def files_figures(out: Path, workers: int, wall: float) -> dict:
    """docs/s, pages/s and per-template times from the `files` table of a run."""
    t = table(out, "files").to_pylist()
    status: dict[str, int] = {}
    for r in t:
        status[r["status"]] = status.get(r["status"], 0) + 1
    pdf = [r for r in t if r["file_format"] == "pdf"]
    text_pdf = [r for r in pdf if "/scans/" not in r["source_path"]]
    pdf_pages = sum(r["pages"] or 0 for r in pdf)
    tp_pages = sum(r["pages"] or 0 for r in text_pdf)
    tp_seconds = sum(r["seconds"] for r in text_pdf)
    by: dict[str, dict] = {}
    for r in t:
        stem = Path(r["file_name"]).stem
        key = f"{stem.split('-', 1)[-1]}.{r['file_format']}"
        b = by.setdefault(key, {"files": 0, "pages": 0, "seconds": 0.0})
        b["files"] += 1
        b["pages"] += r["pages"] or 0
        b["seconds"] += r["seconds"]
    total_s = sum(r["seconds"] for r in t) or 1.0
    for b in by.values():
        b["s_per_file"] = round(b["seconds"] / b["files"], 3)
        b["s_per_page"] = round(b["seconds"] / b["pages"], 3) if b["pages"] else None
        b["share_pct"] = round(100 * b["seconds"] / total_s, 1)
        b["seconds"] = round(b["seconds"], 2)
    slow = sorted(t, key=lambda r: -r["seconds"])[:5]
    return {
        "files": len(t),
        "status": status,
        "docs_per_s": round(len(t) / wall, 2),
        "pdf_files": len(pdf),
        "pdf_pages": pdf_pages,
        "pdf_pages_per_s_wall": round(pdf_pages / wall, 2),
        "text_pdf_files": len(text_pdf),
        "text_pdf_pages": tp_pages,
        "text_pdf_seconds_sum": round(tp_seconds, 2),
        "text_pdf_pages_per_s_workers": round(tp_pages / (tp_seconds / workers), 2) if tp_seconds else None,
        "text_pdf_pages_per_s_wall": round(tp_pages / wall, 2),
        "seconds_sum_all": round(total_s, 2),
        "by_template": dict(sorted(by.items(), key=lambda kv: -kv[1]["seconds"])),
        "slowest": [{"file": r["file_name"], "pages": r["pages"], "seconds": r["seconds"]} for r in slow],
    }


# ---- the run ------------------------------------------------------------------------------


def environment(workers: int) -> dict:
    def git(*a: str) -> str:
        try:
            return subprocess.run(
                ["git", *a], cwd=ROOT, capture_output=True, text=True, timeout=30
            ).stdout.strip()
        except OSError:
            return ""

    versions = {}
    for mod in ("pypdfium2", "pdfplumber", "pdfminer", "docx", "psutil"):
        try:
            from importlib.metadata import version

            versions[mod] = version({"docx": "python-docx", "pdfminer": "pdfminer.six"}.get(mod, mod))
        except Exception:
            versions[mod] = None
    return {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "workers": workers,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "git": git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--", "extract", "normalize", "export", "jixiao")),
        "versions": versions,
    }


def warm(paths: list[Path]) -> None:
    """Read every input once, so neither side of the comparison pays for the disk."""
    for p in paths:
        for f in sorted(p.rglob("*")) if p.is_dir() else [p]:
            if f.is_file():
                f.read_bytes()


def pdfs_of(corpus: Path, manifest: dict, n: int) -> list[Path]:
    return [corpus / f["path"] for f in manifest["files"][:n] if f["format"] == "pdf"]


def run(args) -> dict:
    rss_sizes = [int(x) for x in args.files_for_rss.split(",")] if args.files_for_rss else []
    n_corpus = max([args.n, *rss_sizes])
    res: dict = {
        "args": vars(args) | {"corpus": str(args.corpus), "work": str(args.work)},
        "env": environment(args.workers),
    }
    print(f"corpus: {n_corpus} files in {args.corpus} ...", flush=True)
    manifest = make_corpus.make(args.corpus, n_corpus, args.scans, args.seed)
    paths = make_corpus.inputs(args.corpus, manifest, args.n, with_scans=True)
    warm(paths)
    args.work.mkdir(parents=True, exist_ok=True)

    pdfs = pdfs_of(args.corpus, manifest, args.n)
    print(f"raw pypdfium2: {len(pdfs)} text PDFs, {args.workers} processes ...", flush=True)
    res["raw"] = raw_pdfium(pdfs, args.workers)

    out = args.work / "main"
    shutil.rmtree(out, ignore_errors=True)
    print(f"jixiao ingest: {args.n} files + {args.scans} scans -> {out} ...", flush=True)
    first = ingest(paths, out, args.workers, "main")
    first |= files_figures(out, args.workers, first["wall_s"])
    res["ingest"] = first

    print("re-run on the unchanged input ...", flush=True)
    before, link_before = row_counts(out), os.readlink(out / "current")
    again = ingest(paths, out, args.workers, "rerun")
    after, link_after = row_counts(out), os.readlink(out / "current")
    res["rerun"] = {
        "wall_s": again["wall_s"],
        "exit_code": again["exit_code"],
        "pct_of_first": round(100 * again["wall_s"] / first["wall_s"], 2),
        "rows_added": {k: after.get(k, 0) - before.get(k, 0) for k in sorted(set(before) | set(after))},
        "new_version": link_before != link_after,
        "summary": again["summary"],
    }

    # the same PDFs alone, end to end: start-up, reading, parsing and the commit, on the
    # very files the raw run read
    o = args.work / "pdf-only"
    shutil.rmtree(o, ignore_errors=True)
    print(f"jixiao ingest: the {len(pdfs)} text PDFs alone -> {o} ...", flush=True)
    alone = ingest(pdfs, o, args.workers, "pdf-only")
    pages = files_figures(o, args.workers, alone["wall_s"])["text_pdf_pages"]
    res["pdf_only"] = {
        "wall_s": alone["wall_s"],
        "exit_code": alone["exit_code"],
        "pages": pages,
        "pages_per_s": round(pages / alone["wall_s"], 2),
    }
    shutil.rmtree(o, ignore_errors=True)

    # the ceiling again, right after jixiao's runs: this machine's speed drifts by 10-20%
    # within minutes, so the ratios are taken to the mean of the two raw runs around them
    print(f"raw pypdfium2 again: {len(pdfs)} text PDFs, {args.workers} processes ...", flush=True)
    res["raw_after"] = raw_pdfium(pdfs, args.workers)
    raw_pps = res["raw_pps"] = round((res["raw"]["pages_per_s"] + res["raw_after"]["pages_per_s"]) / 2, 1)
    first["ratio_workers"] = round(first["text_pdf_pages_per_s_workers"] / raw_pps, 4) if raw_pps else None
    first["ratio_wall"] = round(first["text_pdf_pages_per_s_wall"] / raw_pps, 4) if raw_pps else None
    res["pdf_only"]["ratio"] = round(pages / alone["wall_s"] / raw_pps, 4) if raw_pps else None

    res["rss_growth"] = []
    for k in rss_sizes:
        o = args.work / f"rss-{k}"
        shutil.rmtree(o, ignore_errors=True)
        print(f"RSS run: first {k} files -> {o} ...", flush=True)
        r = ingest(
            make_corpus.inputs(args.corpus, manifest, k, with_scans=False), o, args.workers, f"rss-{k}"
        )
        figs = files_figures(o, args.workers, r["wall_s"])
        res["rss_growth"].append(
            {
                "files": k,
                "wall_s": r["wall_s"],
                "docs_per_s": figs["docs_per_s"],
                "exit_code": r["exit_code"],
                **r["rss"],
            }
        )
        shutil.rmtree(o, ignore_errors=True)
    if len(res["rss_growth"]) >= 2:
        a, b = res["rss_growth"][0], res["rss_growth"][-1]
        res["rss_ratio_worker"] = round(b["worker_peak_mb"] / a["worker_peak_mb"], 3)
        res["rss_ratio_main"] = round(b["main_peak_mb"] / a["main_peak_mb"], 3)
    res["env"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    res["acceptance"] = acceptance(res)
    return res


def acceptance(res: dict) -> dict:
    i, r = res["ingest"], res["rerun"]
    out = {
        "ratio_workers>=0.25": i["ratio_workers"] is not None and i["ratio_workers"] >= TARGET_RATIO,
        "ratio_wall>=0.25": i["ratio_wall"] is not None and i["ratio_wall"] >= TARGET_RATIO,
        "ratio_pdf_only>=0.25": (res.get("pdf_only", {}).get("ratio") or 0) >= TARGET_RATIO,
        "worker_peak<500MB": (i["rss"]["worker_peak_mb"] or 0) < TARGET_WORKER_MB,
        "rerun_adds_nothing": not any(r["rows_added"].values()) and not r["new_version"],
        "rerun<5%": r["pct_of_first"] < 100 * TARGET_RERUN,
    }
    if "rss_ratio_worker" in res:
        out["rss_growth_worker<=1.2"] = res["rss_ratio_worker"] <= TARGET_RSS_GROWTH
        out["rss_growth_main<=1.2"] = res["rss_ratio_main"] <= TARGET_RSS_GROWTH
    return out


# ---- the report ---------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def report(res: dict) -> str:
    e, raw, i, r = res["env"], res["raw"], res["ingest"], res["rerun"]
    L = []
    L.append(
        f"jixiao benchmark  {e['when']}  git {e['git']}{' (dirty)' if e['git_dirty'] else ''}  "
        f"{e['cpus_usable']}/{e['cpus']} cores, {e['workers']} workers  load {e['loadavg_start']} -> "
        f"{e.get('loadavg_end')}"
    )
    L.append(
        f"corpus: {i['files']} files ({', '.join(f'{k} {v}' for k, v in sorted(i['status'].items()))}); "
        f"{i['pdf_files']} PDFs with {i['pdf_pages']} pages"
    )
    L.append("")
    rows = [
        (
            "raw pypdfium2 text, text PDFs",
            f"{res.get('raw_pps', raw['pages_per_s'])} pages/s",
            f"{raw['pages']} pages; mean of a run before jixiao's ({raw['pages_per_s']} pages/s, {raw['wall_s']} s) "
            f"and one after ({res['raw_after']['pages_per_s'] if 'raw_after' in res else 'n/a'} pages/s)",
        ),
        ("jixiao wall time", f"{i['wall_s']} s", f"exit {i['exit_code']}"),
        ("jixiao docs/s (all files)", f"{i['docs_per_s']} docs/s", f"{i['files']} files / wall"),
        (
            "jixiao PDF pages/s, end to end",
            f"{i['pdf_pages_per_s_wall']} pages/s",
            f"all {i['pdf_pages']} PDF pages / wall (wall includes DOCX etc.)",
        ),
        (
            "jixiao text-PDF pages/s, per-file",
            f"{i['text_pdf_pages_per_s_workers']} pages/s",
            f"{i['text_pdf_pages']} pages / (sum of PDF seconds {i['text_pdf_seconds_sum']} / {e['workers']})",
        ),
        ("RATIO per-file PDF rate / raw", _pct(i["ratio_workers"]), f"target >= {TARGET_RATIO:.0%}"),
        (
            "RATIO end-to-end (wall) / raw",
            _pct(i["ratio_wall"]),
            f"text-PDF pages / wall; target >= {TARGET_RATIO:.0%}",
        ),
        (
            "peak RSS per worker (max)",
            f"{i['rss']['worker_peak_mb']} MB",
            f"median {i['rss']['worker_median_peak_mb']} MB over {i['rss']['workers_seen']} worker pids; "
            f"target < {TARGET_WORKER_MB} MB",
        ),
        (
            "peak RSS jixiao main process",
            f"{i['rss']['main_peak_mb']} MB",
            f"jixiao + children at once: {i['rss']['total_peak_mb']} MB",
        ),
        (
            "re-run, unchanged input",
            f"{r['wall_s']} s = {r['pct_of_first']}% of first",
            f"rows added {sum(r['rows_added'].values())}, new version {r['new_version']}; target < 5%",
        ),
    ]
    if "pdf_only" in res:
        po = res["pdf_only"]
        rows[7:7] = [
            (
                "jixiao on the PDFs alone, end to end",
                f"{po['pages_per_s']} pages/s",
                f"{po['pages']} pages / {po['wall_s']} s wall: a fresh run on the raw run's files",
            ),
            ("RATIO PDFs alone, end to end / raw", _pct(po["ratio"]), f"target >= {TARGET_RATIO:.0%}"),
        ]
    for g in res["rss_growth"]:
        rows.append(
            (
                f"RSS run, {g['files']} files",
                f"worker {g['worker_peak_mb']} MB",
                f"main {g['main_peak_mb']} MB, {g['workers_seen']} worker pids, {g['docs_per_s']} docs/s",
            )
        )
    if "rss_ratio_worker" in res:
        rows.append(
            (
                "RSS growth, big / small run",
                f"worker x{res['rss_ratio_worker']}",
                f"main x{res['rss_ratio_main']}; target <= x{TARGET_RSS_GROWTH}",
            )
        )
    w0 = max(len(a) for a, _, _ in rows)
    w1 = max(len(b) for _, b, _ in rows)
    L += [f"  {a:<{w0}}  {b:>{w1}}   {c}" for a, b, c in rows]
    L.append("")
    L.append("  where jixiao's time goes (per-file seconds, summed over workers):")
    L.append(f"    {'template':<14}{'files':>6}{'pages':>7}{'s/file':>8}{'s/page':>8}{'share':>7}")
    for k, b in i["by_template"].items():
        spp = f"{b['s_per_page']:.3f}" if b["s_per_page"] is not None else "-"
        L.append(
            f"    {k:<14}{b['files']:>6}{b['pages']:>7}{b['s_per_file']:>8.3f}{spp:>8}{b['share_pct']:>6.1f}%"
        )
    L.append("  slowest files: " + ", ".join(f"{s['file']} {s['seconds']:.1f}s" for s in i["slowest"]))
    if i["failed_lines"]:
        L.append("  failed: " + "; ".join(i["failed_lines"][:3]))
    L.append("")
    L.append(
        "  acceptance: " + ", ".join(f"{k} {'PASS' if v else 'FAIL'}" for k, v in res["acceptance"].items())
    )
    return "\n".join(L)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="reports in the main run (default 1000)")
    ap.add_argument(
        "--workers", type=int, default=2, help="processes, for jixiao and for raw pypdfium2 (default 2)"
    )
    ap.add_argument("--scans", type=int, default=0, help="scanned PDFs added to the main run (default 0)")
    ap.add_argument(
        "--files-for-rss",
        metavar="A,B",
        help="also ingest the first A, then the first B files "
        "into fresh folders and compare worker RSS (e.g. 500,5000)",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--corpus", type=Path, default=HERE / "corpus", help="corpus folder (default bench/corpus)"
    )
    ap.add_argument("--work", type=Path, default=HERE / "out", help="datasets and logs (default bench/out)")
    ap.add_argument("--json", type=Path, default=HERE / "results" / "latest.json")
    args = ap.parse_args(argv)
    res = run(args)
    text = report(res)
    print()
    print(text)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    res["report"] = text.splitlines()
    args.json.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str) + "\n")
    print(f"\nwritten {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
