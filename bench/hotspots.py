"""Where jixiao's per-file time goes: cProfile of the per-file work, in this process.

    python bench/hotspots.py [--n 30] [--format pdf] [--top 15] [-o /tmp/prof.out]

`python -m cProfile jixiao ingest ...` sees only the parent, which waits on its
workers' pipes: even `--workers 1` forks a worker (jixiao.pool), and the profile is one
line of `select.poll`. So this calls what a worker calls for each file,
`jixiao.run.process`, on the first N files of that format in the benchmark corpus
(bench/corpus, made by bench/run.py or bench/make_corpus.py), under cProfile, and prints
the top entries by cumulative time: all, then those under extract/ and normalize/.
The first file pays for the one-time set-up a fresh worker pays (imports, jieba's
dictionary); it is timed apart.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=30, help="files to profile (default 30)")
    ap.add_argument("--format", default="pdf", help="pdf, docx, txt or xlsx (default pdf)")
    ap.add_argument("--corpus", type=Path, default=HERE / "corpus")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("-o", "--output", type=Path, default=Path("/tmp/prof.out"))
    args = ap.parse_args(argv)
    manifest = json.loads((args.corpus / ".jixiao-bench.json").read_text())
    files = [args.corpus / f["path"] for f in manifest["files"] if f["format"] == args.format][: args.n]
    if not files:
        raise SystemExit(f"no {args.format} files in {args.corpus}: make it with bench/make_corpus.py")

    from jixiao.run import Input, process

    t0 = time.perf_counter()
    first = process(Input(files[0], str(files[0])))
    warm = time.perf_counter() - t0
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    results = [process(Input(f, str(f))) for f in files[1:]]
    prof.disable()
    wall = time.perf_counter() - t0
    prof.dump_stats(args.output)
    pages = sum(r.file.pages or 0 for r in results)
    print(f"first file (fresh-worker set-up included): {first.file.file_name} {warm:.2f}s")
    print(
        f"profiled {len(results)} {args.format} files, {pages} pages, {wall:.2f}s"
        + (f" = {pages / wall:.2f} pages/s" if pages else "")
        + f"; stats in {args.output}"
    )
    stats = pstats.Stats(str(args.output))
    stats.sort_stats("cumulative")
    print(f"\n== top {args.top} by cumulative time ==")
    stats.print_stats(args.top)
    print(f"\n== top {args.top} under extract/ and normalize/ ==")
    stats.print_stats(r"/(extract|normalize)/", args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
