"""The command line: `jixiao ingest PATH... --out DIR`, `jixiao report DIR --html FILE`,
`jixiao export DIR --xlsx FILE`.

Exit 0 all good, 1 some file failed, 2 usage. One line per failed file, never a
traceback; a progress bar on a terminal, plain log lines otherwise.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from jixiao import __version__


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="jixiao", description="绩效自评报告 -> exact dataset (CSV, Parquet, DuckDB)"
    )
    ap.add_argument("--version", action="version", version=f"jixiao {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    ing = sub.add_parser("ingest", help="read reports into the dataset at --out")
    ing.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files, folders or archives")
    ing.add_argument("--out", required=True, type=Path, metavar="DIR")
    ing.add_argument("--workers", type=int, default=None, help="worker processes (default: the core count)")
    ing.add_argument("--quiet", action="store_true", help="no progress output")
    ing.add_argument("--timeout", type=float, default=300.0, help="seconds one file may take (default 300)")
    ing.add_argument(
        "--max-memory",
        type=int,
        default=4096,
        metavar="MB",
        help="memory cap of a worker process in MiB (default 4096)",
    )
    ing.add_argument(
        "--reprocess", action="store_true", help="read again the files an older jixiao version extracted"
    )
    ing.add_argument(
        "--commit-every",
        type=int,
        default=500,
        metavar="N",
        help="make results visible every N files (default 500); a killed run keeps them",
    )
    ing.add_argument(
        "--boxes",
        action="store_true",
        help="also find each value's box on its PDF or scanned page for the evidence table "
        "(about a third more time per text PDF; jixiao review finds them when a report is opened)",
    )
    ing.add_argument("--engine", choices=("local", "dask"), default="local")
    ing.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://10.0.0.5:8786")
    rep = sub.add_parser("report", help="one self-contained HTML page over the dataset DIR")
    rep.add_argument("dir", type=Path, metavar="DIR", help="a dataset folder jixiao ingest wrote")
    rep.add_argument("--html", required=True, type=Path, metavar="FILE", help="where to write the page")
    rev = sub.add_parser("review", help="confirm or correct each value against its page (a local web page)")
    rev.add_argument("dir", type=Path, metavar="DIR", help="a dataset folder jixiao ingest wrote")
    rev.add_argument(
        "--reviewer", required=True, metavar="NAME", help="who decides: written with each decision"
    )
    rev.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    rev.add_argument("--port", type=int, default=8765)
    rev.add_argument(
        "--token", default=None, help="required of every request; needed for a --host other than loopback"
    )
    exp = sub.add_parser("export", help="the dataset DIR as one Excel workbook for the staff")
    exp.add_argument("dir", type=Path, metavar="DIR", help="a dataset folder jixiao ingest wrote")
    exp.add_argument(
        "--xlsx",
        required=True,
        type=Path,
        metavar="FILE",
        help="where to write the workbook (one sheet per table, Chinese headers)",
    )
    return ap


def run() -> None:
    """The console script: main(), then out without tearing the interpreter down. Freeing
    what a run loaded (the tokenizer's half a million words, the libraries) takes a tenth of
    a second or more, for nothing: the process ends, and everything was written and waited
    for before main() returned."""
    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said there
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    ap = _parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command == "ingest":
        return _ingest(args)
    if args.command == "report":
        return _report(args)
    if args.command == "export":
        return _export(args)
    if args.command == "review":
        return _review(args)
    return 2


def _review(args) -> int:
    from jixiao.review_app import serve

    if not (args.dir / "reports.parquet").exists():
        print(
            f"jixiao: no dataset in {args.dir} (run jixiao ingest ... --out {args.dir} first)",
            file=sys.stderr,
        )
        return 2
    if not args.reviewer.strip():
        print("jixiao: --reviewer NAME: who decides is written with each decision", file=sys.stderr)
        return 2
    where = f"http://{args.host}:{args.port}/" + (f"?token={args.token}" if args.token else "")
    try:
        serve(
            args.dir,
            args.reviewer,
            args.host,
            args.port,
            args.token,
            ready=lambda: print(
                f"jixiao: reviewing {args.dir} as {args.reviewer}: open {where}", file=sys.stderr
            ),
        )
    except ValueError as exc:
        print(f"jixiao: {exc}", file=sys.stderr)
        return 2
    return 0


def _write_from_dataset(folder: Path, target: Path, writer) -> int:
    """Write one file from a dataset folder (the HTML report, the Excel workbook)."""
    if not (folder / "reports.parquet").exists():
        print(f"jixiao: no dataset in {folder} (run jixiao ingest ... --out {folder} first)", file=sys.stderr)
        return 2
    try:
        writer(folder, target)
    except OSError as exc:
        print(f"jixiao: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"jixiao: wrote {target}", file=sys.stderr)
    return 0


def _report(args) -> int:
    from export.html_report import write_html

    return _write_from_dataset(args.dir, args.html, write_html)


def _export(args) -> int:
    from export.xlsx import write_xlsx

    return _write_from_dataset(args.dir, args.xlsx, write_xlsx)


def _bad_options(args) -> str | None:
    """What is wrong with the numbers given, in one line, or None."""
    import math

    if args.workers is not None and args.workers < 1:
        return f"--workers must be 1 or more (got {args.workers})"
    if not (math.isfinite(args.timeout) and args.timeout > 0):
        return f"--timeout must be a number of seconds above 0 (got {args.timeout})"
    if args.max_memory < 1:
        return f"--max-memory must be 1 MB or more (got {args.max_memory})"
    if args.commit_every < 1:
        return f"--commit-every must be 1 or more (got {args.commit_every})"
    return None


def one_line(text: str) -> str:
    """A name or a reason as one printable line: a line break in a file name is shown as \\n."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _ingest(args) -> int:
    from jixiao.progress import Progress, summary
    from jixiao.run import Busy, Limits, Unwritable, ingest

    missing = [p for p in args.paths if not p.exists() and not p.is_symlink()]
    if missing:
        for p in missing:
            print(f"jixiao: no such file or folder: {one_line(str(p))}", file=sys.stderr)
        return 2
    bad = _bad_options(args)
    if bad:
        print(f"jixiao: {bad}", file=sys.stderr)
        return 2
    if args.engine == "dask" and not args.scheduler:
        print("jixiao: --engine dask needs --scheduler ADDRESS", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    progress = Progress(sys.stderr, quiet=args.quiet)
    try:
        result = ingest(
            args.paths,
            args.out,
            workers=args.workers,
            progress=progress,
            limits=Limits(timeout=args.timeout, memory_mb=args.max_memory),
            reprocess=args.reprocess,
            boxes=args.boxes,
            commit_every=args.commit_every,
            on_plan=progress.planned,
            scheduler=args.scheduler if args.engine == "dask" else None,
        )
    except KeyboardInterrupt:
        progress.close()
        print(
            "jixiao: interrupted; the dataset keeps what was committed, run again to go on", file=sys.stderr
        )
        return 130
    except (Busy, Unwritable) as exc:
        progress.close()
        print(f"jixiao: {exc}", file=sys.stderr)
        return 2
    except ConnectionError as exc:  # the Dask scheduler cannot be reached (an OSError too: first)
        progress.close()
        print(f"jixiao: cannot reach the Dask scheduler {args.scheduler}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a full disk while committing: the dataset is as it was before
        progress.close()
        print(
            f"jixiao: cannot write the dataset in {args.out}: {exc.strerror or exc}; it is as it was "
            f"before this commit",
            file=sys.stderr,
        )
        return 1
    finally:
        progress.close()
    for r in result.failed:
        print(f"FAILED {one_line(r.file.source_path)}: {one_line(r.file.error or '')}", file=sys.stderr)
    for line in summary(result.results, result.skipped, result.seconds, str(args.out)):
        print(line, file=sys.stderr)
    return 1 if result.failed else 0


if __name__ == "__main__":
    run()
