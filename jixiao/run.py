"""The run: walk the inputs, read each file in a worker, hand the results to export.

The per-file boundary (`process`) is the one place that catches broadly: whatever
goes wrong with one file becomes its `files` row with a one-line reason, and the
batch goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import extract
import normalize
from export import FileRow, Result, known_files, write
from jixiao import __version__

log = logging.getLogger("jixiao")


@dataclass(frozen=True, slots=True)
class Input:
    path: Path
    source_path: str  # as given / found


def walk(paths: Iterable[Path]) -> Iterator[Input]:
    """Every file under the given paths, folders walked recursively in name order."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file() and not x.name.startswith(".")):
                yield Input(f, str(f))
        else:
            yield Input(p, str(p))


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _reason(exc: BaseException) -> str:
    msg = " ".join(str(exc).split()) or type(exc).__name__
    return msg[:300]


def process(inp: Input, report_id: str | None = None) -> Result:
    """Read one file to records; never raises."""
    t0 = time.perf_counter()
    path = inp.path
    size = 0
    fmt = extract.Format.UNKNOWN
    try:
        size = path.stat().st_size
        report_id = report_id or sha256(path)
        fmt = extract.sniff(path)
        doc = extract.read(path, fmt)
    except extract.ExtractError as exc:
        return Result(_row(inp, report_id or "", fmt.value, size, None, False, "failed", _reason(exc), t0))
    except Exception as exc:  # the per-file boundary: a bug or a library failure on odd bytes
        return Result(_row(inp, report_id or "", fmt.value, size, None, False, "failed",
                           f"cannot read: {type(exc).__name__}: {_reason(exc)}", t0))
    try:
        recs = normalize.records(doc)
    except Exception as exc:
        return Result(_row(inp, report_id, doc.format.value, size, doc.page_count, doc.ocr, "partial",
                           f"read, but not parsed: {type(exc).__name__}: {_reason(exc)}", t0))
    return Result(_row(inp, report_id, doc.format.value, size, doc.page_count, doc.ocr, "ok", None, t0), recs)


def _row(inp: Input, rid: str, fmt: str, size: int, pages, ocr: bool, status: str, error, t0: float) -> FileRow:
    return FileRow(rid, inp.source_path, inp.path.name, fmt, size, pages, ocr, status, error,
                   round(time.perf_counter() - t0, 4), __version__,
                   dt.datetime.now(dt.timezone.utc).replace(microsecond=0))


@dataclass
class Summary:
    results: list[Result]
    skipped: int
    seconds: float

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if r.file.status == "failed"]


def ingest(paths: Iterable[Path], out: Path, workers: int | None = None,
           progress: Callable[[Result], None] | None = None) -> Summary:
    """Ingest every file under `paths` into the dataset at `out`."""
    t0 = time.perf_counter()
    out = Path(out)
    known = known_files(out)
    known_ids = {rid for rid, _ in known}
    todo: list[tuple[Input, str]] = []
    results: list[Result] = []
    skipped = 0
    seen: set[str] = set()
    for inp in walk(paths):
        try:
            rid = sha256(inp.path)
        except OSError as exc:
            results.append(Result(_row(inp, "", "unknown", 0, None, False, "failed",
                                       f"cannot open: {_reason(exc)}", time.perf_counter())))
            continue
        if (rid, inp.source_path) in known:
            skipped += 1
            continue
        if rid in seen or rid in known_ids:
            size = inp.path.stat().st_size
            results.append(Result(_row(inp, rid, extract.sniff(inp.path).value, size, None, False, "duplicate",
                                       None, time.perf_counter())))
            continue
        seen.add(rid)
        todo.append((inp, rid))
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(todo) <= 1:
        for inp, rid in todo:
            res = process(inp, rid)
            results.append(res)
            if progress:
                progress(res)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futs = {pool.submit(process, inp, rid): (inp, rid) for inp, rid in todo}
            for fut in as_completed(futs):
                inp, rid = futs[fut]
                try:
                    res = fut.result()
                except Exception as exc:  # the worker died (a crash in a C library)
                    res = Result(_row(inp, rid, "unknown", 0, None, False, "failed",
                                      f"worker crashed: {type(exc).__name__}", time.perf_counter()))
                results.append(res)
                if progress:
                    progress(res)
    order = {inp.source_path: i for i, (inp, _) in enumerate(todo)}
    results.sort(key=lambda r: order.get(r.file.source_path, -1))
    if results or not (out / "files.parquet").exists():
        write(results, out)
    return Summary(results, skipped, time.perf_counter() - t0)


