"""The run: walk the inputs, read each file in a killable worker, hand the results to export.

The per-file boundary (`process`) is the one place that catches broadly: whatever goes
wrong with one file becomes its `files` row with a one-line reason, and the batch goes
on. A file that hangs or eats memory is cut off by the pool (jixiao.pool) at its limit.
Legacy Word/WPS/RTF files travel in batches, one LibreOffice start per batch.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

import extract
from export import FileRow, FileStatus, Result, Store, known, review, rows, write_rows
from extract.archive import Member, unpack
from extract.model import Format
from jixiao import __version__, engines, evidence
from jixiao.inputs import Input, sha256, walk
from jixiao.pool import TaskTimeout, forked, in_child, over_the_cap, peak

log = logging.getLogger("jixiao")

LEGACY = {Format.DOC, Format.WPS, Format.RTF}
LEGACY_BATCH = 12  # files per LibreOffice start


@dataclass(frozen=True, slots=True)
class Limits:
    timeout: float = 300.0  # seconds per file
    memory_mb: int | None = 4096  # address space per worker
    max_tasks: int | None = 200  # files per worker before it is replaced


def _reason(exc: BaseException | str) -> str:
    """One line of at most 300 characters, whatever bytes a message holds (a name that is
    not UTF-8 leaves lone surrogates in an OSError's text)."""
    msg = " ".join(str(exc).split()) or type(exc).__name__
    msg = msg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if "Traceback (most recent call last)" in msg:  # a library's report of its own stack: its first words
        msg = msg.split("Traceback (most recent call last)")[0].rstrip(" :") or type(exc).__name__
    return msg[:300]


def _row(
    inp: Input,
    rid: str,
    fmt: str,
    size: int,
    pages,
    ocr: bool,
    status: FileStatus,
    error,
    t0: float,
    doc: extract.Document | None = None,
) -> FileRow:
    return FileRow(
        rid,
        inp.source_path,
        inp.name or Path(inp.source_path).name,
        fmt,
        size,
        pages,
        ocr,
        status,
        error,
        round(time.perf_counter() - t0, 4),
        __version__,
        dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
        doc.ocr_pages if doc is not None else None,
        doc.ocr_engine_pages if doc is not None else None,
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
                doc,
            )
        )
    status, error = (FileStatus.PARTIAL, "; ".join(doc.warnings)) if doc.warnings else (FileStatus.OK, None)
    try:
        found = tuple(evidence.collect(doc, recs, inp.path if evidence.BOXES else None))
    except Exception as exc:  # where values stand is for review: its failure costs no record
        found = ()
        status, error = (
            FileStatus.PARTIAL,
            f"read, but evidence not found: {type(exc).__name__}: {_reason(exc)}",
        )
    return Result(
        _row(inp, rid, fmt.value, size, doc.page_count, doc.ocr, status, error, t0, doc), recs, found
    )


def stamp(path: Path) -> tuple[int, int, int]:
    """What changes when a file's bytes do: its modification time, size and inode."""
    st = os.stat(path)
    return (st.st_mtime_ns, st.st_size, st.st_ino)


CHANGING = "the file changed while it was read (written to as it arrived?): read it again when it is complete"


def process(inp: Input, report_id: str | None = None) -> Result:
    """Read one file to records; never raises. The report id is the sha256 of the bytes
    read: hashed before and after reading, and read again once if they differ (a file
    still being written); a planned id that no longer holds (the file changed since the
    run began) gives way to the bytes read."""
    t0 = time.perf_counter()
    size, fmt = 0, Format.UNKNOWN
    peak_before = peak()
    try:
        for _ in range(2):
            first = stamp(inp.path)
            # unchanged since it was hashed when the run was planned: those are its bytes
            before = report_id if report_id and first == inp.stamp else sha256(inp.path)
            size = first[1]
            fmt = extract.sniff(inp.path)
            doc = extract.read(inp.path, fmt)
            if stamp(inp.path) == first:
                break
        else:
            return Result(_row(inp, before, fmt.value, size, None, False, FileStatus.FAILED, CHANGING, t0))
        report_id = before
    except extract.ExtractError as exc:
        why = over_the_cap(exc, peak_before) or _reason(exc)
        return Result(_row(inp, report_id or "", fmt.value, size, None, False, FileStatus.FAILED, why, t0))
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
                over_the_cap(exc, peak_before) or f"cannot read: {type(exc).__name__}: {_reason(exc)}",
                t0,
            )
        )
    return _records(inp, report_id, fmt, size, doc, t0)


def process_legacy(batch: list[tuple[Input, str, Format]]) -> list[Result]:
    """Convert a batch of .doc/.wps/.rtf with one LibreOffice start, then read each."""
    from extract.convert import to_docx

    t0 = time.perf_counter()
    out = Path(tempfile.mkdtemp(prefix=f"jixiao-docx-{os.getpid()}-"))
    try:
        first = {inp.path: stamp(inp.path) for inp, _, _ in batch}
        converted = to_docx([(inp.path, fmt.value) for inp, _, fmt in batch], out)
        results = []
        for inp, rid, fmt in batch:
            size = first[inp.path][1]
            got = converted.get(inp.path)
            if stamp(inp.path) != first[inp.path]:  # written to while LibreOffice read it
                results.append(
                    Result(_row(inp, rid, fmt.value, size, None, False, FileStatus.FAILED, CHANGING, t0))
                )
                continue
            if first[inp.path] != inp.stamp:  # changed since the run was planned: the bytes read count
                rid = sha256(inp.path)
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


def write_sealed(
    batch: list[Sealed], out: Path, drop: set[str], superseded: set[tuple[str, str]] | None = None
) -> None:
    """A commit, in the child forked to write it (jixiao.pool.in_child)."""
    _without_pandas()
    merged: dict[str, list[dict]] = {}
    for s in batch:
        part = pickle.loads(s.rows) if s.rows is not None else rows([Result(s.file)])
        for table, got in part.items():
            merged.setdefault(table, []).extend(got)
    write_rows(merged, out, drop, beside=forked, superseded=superseded)  # half the tables in a second process


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
    ocr_cache: str | None = None  # the dataset's OCR cache folder (extract.ocr.OcrCache)
    boxes: bool = False  # find each value's box on its PDF or scanned page (jixiao.evidence)


OCR_CACHE = "ocr-cache"  # in the dataset folder: OCR results by page image, kept across runs


def work(task: Task) -> list[Sealed]:
    """One pool task: a file, or a batch of legacy files."""
    from extract import ocr

    ocr.cache_in(task.ocr_cache)
    evidence.BOXES = task.boxes
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


@dataclass
class Plan:
    """What a run does: tasks for the files to read; rows for those that need no reading;
    how many are already in the dataset; the report ids whose old rows go (to be read again);
    the files a newer one at their path supersedes; and duplicates that wait for their
    original (committed with it or after it, never before: a run killed in between must
    not leave the copy as the only row of its report)."""

    tasks: list[Task]
    settled: list[Result]
    skipped: int = 0
    drop: set[str] = field(default_factory=set)
    superseded: set[tuple[str, str]] = field(default_factory=set)
    waiting: dict[str, list[Result]] = field(default_factory=dict)


def plan(
    paths: Iterable[Path],
    out: Path,
    scratch: Path,
    reprocess: bool = False,
    limits: Limits | None = None,
    boxes: bool = False,
) -> Plan:
    """What to do with every input (see Plan)."""
    had = known(out)  # (report id, source path) -> (extractor version, status)
    # the reports the dataset holds: a report id with a row that is no copy of another
    originals = {rid for (rid, _), (_, st) in had.items() if st not in OWNERLESS}
    at_path = {
        src: rid for (rid, src), (_, st) in had.items() if st not in (FileStatus.SUPERSEDED, "superseded")
    }
    p = Plan([], [])
    cache = str(Path(out) / OCR_CACHE)
    legacy: list[tuple[Input, str, Format]] = []
    seen: set[str] = set()
    for inp in walk(paths, scratch, out, _bounded_unpack(limits or Limits())):
        t0 = time.perf_counter()
        if inp.skipped:
            if ("", inp.source_path) in had:
                p.skipped += 1
            else:
                p.settled.append(
                    Result(_row(inp, "", "unknown", 0, None, False, FileStatus.SKIPPED, inp.skipped, t0))
                )
            continue
        if inp.error:
            # an archive that failed as a whole has its bytes; a member that could not be
            # taken out of it has none of its own
            rid = sha256(inp.path) if not inp.member and inp.path.is_file() else ""
            if (rid, inp.source_path) in had:
                p.skipped += 1
                continue
            fmt = extract.sniff(inp.path).value if rid else "unknown"
            size = inp.path.stat().st_size if rid else 0
            p.settled.append(Result(_row(inp, rid, fmt, size, None, False, FileStatus.FAILED, inp.error, t0)))
            continue
        try:
            signature = stamp(inp.path)
            rid = sha256(inp.path)
            fmt = extract.sniff(inp.path)
            size = signature[1]
        except OSError as exc:
            p.settled.append(
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
        inp = replace(inp, stamp=signature)
        old = at_path.get(inp.source_path)
        if (rid, inp.source_path) in had:
            version, status = had[(rid, inp.source_path)]
            lost = status in (FileStatus.DUPLICATE, "duplicate") and rid not in originals
            if not lost and not (reprocess and version != __version__):
                p.skipped += 1
                continue
            # read by an older extractor, or a copy whose original never made it into the
            # dataset (a run killed between two commits): its rows go, the file is read again
            p.drop.add(rid)
        elif old is not None and old != rid:
            p.superseded.add((old, inp.source_path))  # a corrected resubmission: the newer file counts
        if rid in seen or (rid in originals and rid not in p.drop):
            dup = Result(_row(inp, rid, fmt.value, size, None, False, FileStatus.DUPLICATE, None, t0))
            if rid in seen:
                p.waiting.setdefault(rid, []).append(dup)  # until its original is committed
            else:
                p.settled.append(dup)
            continue
        seen.add(rid)
        if fmt is Format.ZIP:
            p.settled.append(Result(_row(inp, rid, fmt.value, size, None, False, FileStatus.OK, None, t0)))
        elif fmt in LEGACY:
            legacy.append((inp, rid, fmt))
        else:
            p.tasks.append(Task(Job.FILE, ((inp, rid, fmt),), cache, boxes))
    for i in range(0, len(legacy), LEGACY_BATCH):
        p.tasks.append(Task(Job.LEGACY, tuple(legacy[i : i + LEGACY_BATCH]), cache, boxes))
    # a zip's row is settled at once: its members that duplicate it wait for nothing
    for rid in {r.file.report_id for r in p.settled} & p.waiting.keys():
        p.settled.extend(p.waiting.pop(rid))
    return p


# statuses of a files row that holds no report of its own
OWNERLESS = {
    FileStatus.DUPLICATE,
    FileStatus.SUPERSEDED,
    FileStatus.SKIPPED,
    "duplicate",
    "superseded",
    "skipped",
}


def _bounded_unpack(limits: Limits):
    """Unpack an archive in a child process under the run's time limit and memory cap: a
    bomb or an archive that hangs costs its own row, never the run (planning is the parent's)."""

    def unpack_in(path: Path, dest: Path) -> list[Member]:
        try:
            got = forked(_unpack_all, path, dest, name="jixiao-unpack", memory_mb=limits.memory_mb).result(
                timeout=limits.timeout
            )
        except TaskTimeout as exc:
            raise extract.CorruptFile(f"cut off: unpacking {exc}") from None
        except MemoryError:
            raise extract.TooLarge(
                f"refused: unpacking needs more than the memory limit of {limits.memory_mb} MB"
            ) from None
        members, error = got
        if error is not None:
            refused = extract.TooLarge(error)
            refused.members = members  # type: ignore[attr-defined]  # those unpacked before it stopped
            raise refused
        return members

    return unpack_in


def _unpack_all(path: Path, dest: Path) -> tuple[list[Member], str | None]:
    """Every member of an archive, and why unpacking stopped early (None: it did not)."""
    members: list[Member] = []
    try:
        for m in unpack(path, dest):
            members.append(m)
    except extract.ExtractError as exc:
        if not members:
            raise
        return members, str(exc)
    return members, None


class Busy(Exception):
    """Another run is writing to the same dataset."""


class Unwritable(Exception):
    """The dataset folder cannot be written (a file, under a file, read-only)."""


@contextlib.contextmanager
def writing(out: Path) -> Iterator[None]:
    """Hold the dataset folder for one run: a lock file in it, which a second run finds taken
    (Busy) instead of committing over the first. A POSIX record lock: the kernel drops it when
    the run ends, however it ends, and no child process inherits it."""
    import fcntl

    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise Unwritable(f"cannot write the dataset folder {out}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            other = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            raise Busy(
                f"{out} is being written by another jixiao ingest (pid {other or '?'}); "
                f"wait for it to finish, or write to another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        if not os.access(out, os.W_OK):
            raise Unwritable(f"cannot write the dataset folder {out}: read-only")
        yield
    finally:
        os.close(fd)  # releases the lock


LOCK = ".jixiao.lock"
SCRATCH = "jixiao-run-"
# every scratch folder a run or its workers make, each named <prefix><pid>-: the run's own,
# LibreOffice's profile and input copies (extract.convert), its converted .docx
SCRATCHES = (SCRATCH, "jixiao-lo-", "jixiao-docx-")


def _scratch() -> Path:
    """A private folder for what a run unpacks, named for its process; the scratch folders
    (the run's, LibreOffice's profiles and outputs) of processes that are gone (a run killed)
    are removed first."""
    base = Path(tempfile.gettempdir())
    for prefix in SCRATCHES:
        for old in base.glob(f"{prefix}*"):
            try:
                pid = int(old.name[len(prefix) :].split("-", 1)[0])
            except ValueError:
                continue
            if not _alive(pid):
                shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{SCRATCH}{os.getpid()}-"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def ingest(
    paths: Iterable[Path],
    out: Path,
    workers: int | None = None,
    progress: Callable[[Result], None] | None = None,
    limits: Limits = Limits(),
    reprocess: bool = False,
    commit_every: int = 500,
    on_plan: Callable[[int, int], None] | None = None,
    scheduler: str | None = None,
    boxes: bool = False,
) -> Summary:
    """Ingest every file under `paths` into the dataset at `out`.

    Results are committed every `commit_every` files, each commit whole (export.Store):
    a run killed midway keeps what it committed, and the same command run again reads
    only what is missing. One run at a time writes a dataset (Busy)."""
    out = Path(out)
    with writing(out):
        return _ingest(
            paths, out, workers, progress, limits, reprocess, commit_every, on_plan, scheduler, boxes
        )


def _ingest(
    paths,
    out: Path,
    workers,
    progress,
    limits: Limits,
    reprocess: bool,
    commit_every: int,
    on_plan,
    scheduler,
    boxes: bool = False,
) -> Summary:
    t0 = time.perf_counter()
    scratch = _scratch()
    Store(out).repair()  # a run killed inside its last commit: finish it first
    try:
        p = plan(paths, out, scratch, reprocess, limits, boxes)
        pending = [seal(r) for r in p.settled]
        if on_plan:  # files in all, and the bytes of those to read (what the time left goes by)
            on_plan(
                sum(len(t.files) for t in p.tasks) + len(pending) + sum(map(len, p.waiting.values())),
                sum(inp.stamp[1] if inp.stamp else 0 for t in p.tasks for inp, _, _ in t.files),
            )
        order = {inp.source_path: i for task in p.tasks for i, (inp, _, _) in enumerate(task.files)}
        done: list[Result] = []
        drop, superseded = set(p.drop), set(p.superseded)

        def commit(batch: list[Sealed]) -> None:
            nonlocal drop, superseded
            batch.sort(key=lambda r: (order.get(r.file.source_path, -1), r.file.source_path))
            # written by a child forked for it: the parent keeps nothing of what writing allocates
            in_child(write_sealed, batch, out, drop, superseded)
            drop, superseded = set(), set()
            done.extend(Result(r.file) for r in batch)  # keep the files rows, let the records go
            batch.clear()

        def timeout_of(task: Task) -> float:
            if task.job is Job.LEGACY:  # the batch's time, then each file's alone if it hangs
                return limits.timeout * len(task.files) * 2 + LEGACY_START
            return limits.timeout

        retry: list[Task] = []
        for tasks in (p.tasks, retry):
            if tasks is retry and not retry:
                break
            for task, ok, value in _stream(tasks, timeout_of, workers, limits, scheduler):
                if ok:
                    batch = value
                elif task.job is Job.LEGACY and len(task.files) > 1:
                    # a batch that hung or died: each file alone, within its own time limit
                    retry.extend(Task(Job.LEGACY, (f,), task.ocr_cache, task.boxes) for f in task.files)
                    continue
                else:
                    batch = _failed(task, value, timeout_of)
                for res in batch:
                    pending.append(res)
                    if progress:
                        progress(Result(res.file))
                for _, rid, _ in task.files:  # the copies of what was just read may follow it
                    pending.extend(seal(r) for r in p.waiting.pop(rid, ()))
                if len(pending) >= commit_every:
                    commit(pending)
        for dups in p.waiting.values():  # an original that never came back: its copies all the same
            pending.extend(seal(r) for r in dups)
        if pending or drop or superseded or not (out / "current").exists():
            commit(pending)
        # decisions made while this run held the dataset (jixiao review saves them at once,
        # and applies them when it can): the rows they concern are brought in line now
        review.reconcile(out)
        return Summary(done, p.skipped, time.perf_counter() - t0)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


LEGACY_START = 60.0  # seconds LibreOffice may take to start, on top of each file's limit


def _stream(tasks: list[Task], timeout_of, workers, limits: Limits, scheduler):
    """(task, ok, value) for each task, from the local pool or a Dask cluster."""
    if scheduler:
        return engines.dask(work, tasks, timeout_of, scheduler, limits.memory_mb)
    formats = {Format(fmt) for task in tasks for _, _, fmt in _task_files(task)}
    return engines.local(
        work, tasks, timeout_of, workers or os.cpu_count() or 1, limits.memory_mb, limits.max_tasks, formats
    )


def _failed(task: Task, value, timeout_of) -> list[Sealed]:
    """The files rows of a task the pool cut off or lost, each with the reason."""
    why = f"cut off: {_reason(value)}" if not isinstance(value, str) else _reason(value)
    files = _task_files(task)
    spent = timeout_of(task) / len(files) if isinstance(value, engines.TaskTimeout) else 0.0
    return [
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
