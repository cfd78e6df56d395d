"""The run: walk the inputs, read each file in a killable worker, hand the results to export.

The per-file boundary (`process`) is the one place that catches broadly: whatever goes
wrong with one file becomes its `files` row with a one-line reason, and the batch goes
on. A file that hangs or eats memory is cut off by the pool (jixiao.pool) at its limit.
Legacy Word/WPS/RTF files travel in batches, one LibreOffice start per batch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import extract
from export import FileRow, FileStatus, Result, Store, file_versions, rows, write_rows
from extract.archive import unpack
from extract.model import Format
from jixiao import __version__, engines
from jixiao.pool import forked, in_child

log = logging.getLogger("jixiao")

LEGACY = {Format.DOC, Format.WPS, Format.RTF}
LEGACY_BATCH = 12  # files per LibreOffice start


@dataclass(frozen=True, slots=True)
class Input:
    path: Path
    source_path: str  # as given / found; inside an archive: "bundle.zip!inner/name.pdf"
    error: str | None = None  # could not even be taken out of its archive


@dataclass(frozen=True, slots=True)
class Limits:
    timeout: float = 300.0  # seconds per file
    memory_mb: int | None = 4096  # address space per worker
    max_tasks: int | None = 200  # files per worker before it is replaced


def walk(paths: Iterable[Path], scratch: Path) -> Iterator[Input]:
    """Every file under the given paths, folders in name order, archives opened into `scratch`."""
    for p in paths:
        p = Path(p)
        files = (
            sorted(x for x in p.rglob("*") if x.is_file() and not x.name.startswith("."))
            if p.is_dir()
            else [p]
        )
        for f in files:
            if not _is_bundle(f):
                yield Input(f, str(f))
                continue
            # an archive that cannot be opened (truncated, a bomb refused whole) is a failed
            # row with its reason, not an "ok" row with nothing in it
            members: list[Input] = []
            try:
                for m in unpack(f, scratch / hashlib.sha1(str(f).encode()).hexdigest()[:12]):
                    members.append(Input(m.path or f, f"{f}!{m.inner}", m.error))
            except extract.ExtractError as exc:
                yield Input(f, str(f), _reason(exc))
                yield from members
                continue
            yield Input(f, str(f))
            yield from members


def _is_bundle(path: Path) -> bool:
    try:
        return extract.sniff(path) is Format.ZIP
    except OSError:
        return False


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _reason(exc: BaseException | str) -> str:
    msg = " ".join(str(exc).split()) or type(exc).__name__
    return msg[:300]


def _row(
    inp: Input, rid: str, fmt: str, size: int, pages, ocr: bool, status: FileStatus, error, t0: float
) -> FileRow:
    return FileRow(
        rid,
        inp.source_path,
        Path(inp.source_path.rsplit("!", 1)[-1]).name,
        fmt,
        size,
        pages,
        ocr,
        status,
        error,
        round(time.perf_counter() - t0, 4),
        __version__,
        dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
    )


def _records(inp: Input, rid: str, fmt: Format, size: int, doc: extract.Document, t0: float) -> Result:
    import normalize  # here, not at the top: a re-run with nothing new never loads the parsers

    try:
        recs = normalize.records(doc)
    except Exception as exc:  # a parser bug must not cost the file: keep it, say why
        return Result(
            _row(
                inp,
                rid,
                fmt.value,
                size,
                doc.page_count,
                doc.ocr,
                FileStatus.PARTIAL,
                f"read, but not parsed: {type(exc).__name__}: {_reason(exc)}",
                t0,
            )
        )
    status, error = (FileStatus.PARTIAL, "; ".join(doc.warnings)) if doc.warnings else (FileStatus.OK, None)
    return Result(_row(inp, rid, fmt.value, size, doc.page_count, doc.ocr, status, error, t0), recs)


def process(inp: Input, report_id: str | None = None) -> Result:
    """Read one file to records; never raises."""
    t0 = time.perf_counter()
    size, fmt = 0, Format.UNKNOWN
    try:
        size = inp.path.stat().st_size
        report_id = report_id or sha256(inp.path)
        fmt = extract.sniff(inp.path)
        doc = extract.read(inp.path, fmt)
    except extract.ExtractError as exc:
        return Result(
            _row(inp, report_id or "", fmt.value, size, None, False, FileStatus.FAILED, _reason(exc), t0)
        )
    except Exception as exc:  # the per-file boundary: a bug or a library failure on odd bytes
        return Result(
            _row(
                inp,
                report_id or "",
                fmt.value,
                size,
                None,
                False,
                FileStatus.FAILED,
                f"cannot read: {type(exc).__name__}: {_reason(exc)}",
                t0,
            )
        )
    return _records(inp, report_id, fmt, size, doc, t0)


def process_legacy(batch: list[tuple[Input, str, Format]]) -> list[Result]:
    """Convert a batch of .doc/.wps/.rtf with one LibreOffice start, then read each."""
    from extract.convert import to_docx

    t0 = time.perf_counter()
    out = Path(tempfile.mkdtemp(prefix="jixiao-docx-"))
    try:
        converted = to_docx([(inp.path, fmt.value) for inp, _, fmt in batch], out)
        results = []
        for inp, rid, fmt in batch:
            size = inp.path.stat().st_size
            got = converted.get(inp.path)
            if not isinstance(got, Path):
                results.append(
                    Result(
                        _row(
                            inp,
                            rid,
                            fmt.value,
                            size,
                            None,
                            False,
                            FileStatus.FAILED,
                            _reason(got or "not converted"),
                            t0,
                        )
                    )
                )
                continue
            try:
                doc = extract.read(got, Format.DOCX)
            except Exception as exc:
                results.append(
                    Result(_row(inp, rid, fmt.value, size, None, False, FileStatus.FAILED, _reason(exc), t0))
                )
                continue
            results.append(_records(inp, rid, fmt, size, doc, t0))
            t0 = time.perf_counter()
        return results
    finally:
        shutil.rmtree(out, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class Sealed:
    """A file's result on its way from a worker to a commit: its files row, and its table
    rows (export.rows) made and pickled once, in the worker, unpickled only in the commit's
    child. The parent holds up to a commit's worth of results: as Records they were some
    70 MB of small objects that every worker forked after them inherited (a worker's RSS
    grew with the parent's); as bytes they are a tenth of that, the parent spends no time
    on them, and the commit reads plain rows (several times faster to unpickle than
    dataclasses)."""

    file: FileRow
    rows: bytes | None = None  # None: the files row is all there is (a failed or skipped file)


def seal(res: Result) -> Sealed:
    return Sealed(
        res.file, None if res.records is None else pickle.dumps(rows([res]), pickle.HIGHEST_PROTOCOL)
    )


def write_sealed(batch: list[Sealed], out: Path, drop: set[str]) -> None:
    """A commit, in the child forked to write it (jixiao.pool.in_child)."""
    _without_pandas()
    merged: dict[str, list[dict]] = {}
    for s in batch:
        part = pickle.loads(s.rows) if s.rows is not None else rows([Result(s.file)])
        for table, got in part.items():
            merged.setdefault(table, []).extend(got)
    write_rows(merged, out, drop, beside=forked)  # half the tables in a second process


class _NoPandas:
    """An import finder that refuses pandas (see _without_pandas)."""

    def find_spec(self, name: str, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not imported in a commit's child")
        return None


def _without_pandas() -> None:
    """For a process that writes a commit and exits: pyarrow's first array asks whether
    pandas is installed (to accept DataFrames) by importing it, half a second for nothing
    here. Refused the import, pyarrow goes on without it; the parent is not touched."""
    if "pandas" not in sys.modules:
        sys.meta_path.insert(0, _NoPandas())


class Job(str, Enum):
    """What a pool task does."""

    FILE = "file"  # read one file by its format's reader
    LEGACY = "legacy"  # convert a batch of .doc/.wps/.rtf with one LibreOffice start, then read each


@dataclass(frozen=True, slots=True)
class Task:
    """One unit of a worker's work: the files it reads, each with its sha256 and planned format."""

    job: Job
    files: tuple[tuple[Input, str, Format], ...]


def work(task: Task) -> list[Sealed]:
    """One pool task: a file, or a batch of legacy files."""
    if task.job is Job.LEGACY:
        return [seal(r) for r in process_legacy(list(task.files))]
    ((inp, rid, _),) = task.files  # the format planned; the worker sniffs the bytes it reads again
    return [seal(process(inp, rid))]


@dataclass
class Summary:
    results: list[Result]
    skipped: int
    seconds: float

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if r.file.status == FileStatus.FAILED]


def _sniffed(path: Path, known: str) -> str:
    if known != "unknown":
        return known
    try:
        return extract.sniff(path).value
    except OSError:
        return known


def _task_files(task: Task) -> list[tuple[Input, str, str]]:
    return [(inp, rid, fmt.value) for inp, rid, fmt in task.files]


def plan(
    paths: Iterable[Path], out: Path, scratch: Path, reprocess: bool = False
) -> tuple[list[Task], list[Result], int, set[str]]:
    """What to do: tasks for new files, rows for files that need no reading, the count
    skipped, and the report ids whose old rows go (redone by a newer extractor)."""
    known = file_versions(out)
    known_ids = {rid for rid, _ in known}
    drop: set[str] = set()
    tasks: list[Task] = []
    legacy: list[tuple[Input, str, Format]] = []
    settled: list[Result] = []
    skipped = 0
    seen: set[str] = set()
    for inp in walk(paths, scratch):
        t0 = time.perf_counter()
        if inp.error:
            # an archive that failed as a whole has its bytes; a member that could not be
            # taken out of it has none of its own
            rid = sha256(inp.path) if inp.source_path == str(inp.path) and inp.path.is_file() else ""
            fmt = extract.sniff(inp.path).value if rid else "unknown"
            size = inp.path.stat().st_size if rid else 0
            settled.append(Result(_row(inp, rid, fmt, size, None, False, FileStatus.FAILED, inp.error, t0)))
            continue
        try:
            rid = sha256(inp.path)
            fmt = extract.sniff(inp.path)
            size = inp.path.stat().st_size
        except OSError as exc:
            settled.append(
                Result(
                    _row(
                        inp,
                        "",
                        "unknown",
                        0,
                        None,
                        False,
                        FileStatus.FAILED,
                        f"cannot open: {_reason(exc)}",
                        t0,
                    )
                )
            )
            continue
        if (rid, inp.source_path) in known:
            if not (reprocess and known[(rid, inp.source_path)] != __version__):
                skipped += 1
                continue
            drop.add(rid)  # read by an older extractor: its rows go, the file is read again
            if rid in seen:  # ... once: the same bytes at another path stay a duplicate
                settled.append(
                    Result(_row(inp, rid, fmt.value, size, None, False, FileStatus.DUPLICATE, None, t0))
                )
                continue
        elif rid in seen or (rid in known_ids and rid not in drop):
            settled.append(
                Result(_row(inp, rid, fmt.value, size, None, False, FileStatus.DUPLICATE, None, t0))
            )
            continue
        seen.add(rid)
        if fmt is Format.ZIP:
            settled.append(Result(_row(inp, rid, fmt.value, size, None, False, FileStatus.OK, None, t0)))
        elif fmt in LEGACY:
            legacy.append((inp, rid, fmt))
        else:
            tasks.append(Task(Job.FILE, ((inp, rid, fmt),)))
    for i in range(0, len(legacy), LEGACY_BATCH):
        tasks.append(Task(Job.LEGACY, tuple(legacy[i : i + LEGACY_BATCH])))
    return tasks, settled, skipped, drop


def ingest(
    paths: Iterable[Path],
    out: Path,
    workers: int | None = None,
    progress: Callable[[Result], None] | None = None,
    limits: Limits = Limits(),
    reprocess: bool = False,
    commit_every: int = 500,
    on_plan: Callable[[int], None] | None = None,
    scheduler: str | None = None,
) -> Summary:
    """Ingest every file under `paths` into the dataset at `out`.

    Results are committed every `commit_every` files, each commit whole (export.Store):
    a run killed midway keeps what it committed, and the same command run again reads
    only what is missing."""
    t0 = time.perf_counter()
    out = Path(out)
    scratch = Path(tempfile.mkdtemp(prefix="jixiao-run-"))
    Store(out).repair()  # a run killed inside its last commit: finish it first
    try:
        tasks, planned, skipped, drop = plan(paths, out, scratch, reprocess)
        pending = [seal(r) for r in planned]
        if on_plan:
            on_plan(sum(len(_task_files(t)) for t in tasks) + len(pending))
        order = {inp.source_path: i for task in tasks for i, (inp, _, _) in enumerate(_task_files(task))}
        done: list[Result] = []

        def commit(batch: list[Sealed]) -> None:
            nonlocal drop
            batch.sort(key=lambda r: (order.get(r.file.source_path, -1), r.file.source_path))
            # written by a child forked for it: the parent keeps nothing of what writing allocates
            in_child(write_sealed, batch, out, drop)
            drop = set()
            done.extend(Result(r.file) for r in batch)  # keep the files rows, let the records go
            batch.clear()

        def timeout_of(task: Task) -> float:
            return limits.timeout * len(task.files)  # a legacy batch: each file's time

        if scheduler:
            stream = engines.dask(work, tasks, timeout_of, scheduler, limits.memory_mb)
        else:
            formats = {Format(fmt) for task in tasks for _, _, fmt in _task_files(task)}
            stream = engines.local(
                work,
                tasks,
                timeout_of,
                workers or os.cpu_count() or 1,
                limits.memory_mb,
                limits.max_tasks,
                formats,
            )
        for task, ok, value in stream:
            if ok:
                batch = value
            else:
                why = f"cut off: {_reason(value)}" if not isinstance(value, str) else _reason(value)
                files = _task_files(task)
                spent = timeout_of(task) / len(files) if isinstance(value, engines.TaskTimeout) else 0.0
                batch = [
                    Sealed(
                        _row(
                            inp,
                            rid,
                            _sniffed(inp.path, fmt),
                            inp.path.stat().st_size if inp.path.exists() else 0,
                            None,
                            False,
                            FileStatus.FAILED,
                            why,
                            time.perf_counter() - spent,
                        )
                    )
                    for inp, rid, fmt in files
                ]
            for res in batch:
                pending.append(res)
                if progress:
                    progress(Result(res.file))
            if len(pending) >= commit_every:
                commit(pending)
        if pending or drop or not (out / "current").exists():
            commit(pending)
        return Summary(done, skipped, time.perf_counter() - t0)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
