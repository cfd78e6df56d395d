"""The command line: `jixiao ingest PATH... --out DIR`.

Exit 0 all good, 1 some file failed, 2 usage. One line per failed file, never a
traceback; a progress bar on a terminal, plain log lines otherwise.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from pathlib import Path

from jixiao import __version__


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="jixiao", description="绩效自评报告 -> exact dataset (CSV, Parquet, DuckDB)")
    ap.add_argument("--version", action="version", version=f"jixiao {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    ing = sub.add_parser("ingest", help="read reports into the dataset at --out")
    ing.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files, folders or archives")
    ing.add_argument("--out", required=True, type=Path, metavar="DIR")
    ing.add_argument("--workers", type=int, default=None, help="worker processes (default: the core count)")
    ing.add_argument("--quiet", action="store_true", help="no progress output")
    ing.add_argument("--timeout", type=float, default=300.0, help="seconds one file may take (default 300)")
    ing.add_argument("--max-memory", type=int, default=4096, metavar="MB",
                     help="memory cap of a worker process in MiB (default 4096)")
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = _parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command == "ingest":
        return _ingest(args)
    return 2


def _ingest(args) -> int:
    from jixiao.run import Limits, ingest

    missing = [p for p in args.paths if not p.exists()]
    if missing:
        for p in missing:
            print(f"jixiao: no such file or folder: {p}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    bar = None
    if not args.quiet and sys.stderr.isatty():
        from tqdm import tqdm
        bar = tqdm(unit="file", desc="ingest", file=sys.stderr)

    def progress(res) -> None:
        if bar is not None:
            bar.update(1)
            fails = bar.postfix or ""
            if res.file.status == "failed":
                bar.set_postfix_str(f"failed {int(fails.split()[-1]) + 1 if fails else 1}")
        elif not args.quiet:
            print(f"{res.file.status:9s} {res.file.source_path}", file=sys.stderr)

    try:
        summary = ingest(args.paths, args.out, workers=args.workers, progress=progress,
                         limits=Limits(timeout=args.timeout, memory_mb=args.max_memory))
    except KeyboardInterrupt:
        print("jixiao: interrupted; the dataset is as it was before this run", file=sys.stderr)
        return 130
    finally:
        if bar is not None:
            bar.close()
    for r in summary.failed:
        print(f"FAILED {r.file.source_path}: {r.file.error}", file=sys.stderr)
    counts = Counter(r.file.status for r in summary.results)
    fmts = Counter(r.file.file_format for r in summary.results)
    print(f"jixiao: {len(summary.results)} files in {summary.seconds:.1f}s "
          f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items())) or 'nothing new'}; "
          f"skipped {summary.skipped} already in {args.out}); formats: "
          f"{', '.join(f'{k} {v}' for k, v in sorted(fmts.items())) or '-'}", file=sys.stderr)
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main())
