"""A process pool whose workers can be killed: a per-task time limit and a memory cap.

concurrent.futures cannot stop a task that hangs (a PDF whose parser loops) or bound
one that eats memory (a decompression bomb). Here every worker is a plain process with
a pipe; the parent waits on all pipes and process sentinels with a deadline, kills a
worker whose task overran, reports that task as timed out, and starts a fresh worker.
A worker that dies (killed by the memory cap, a crash in a C library) is reported the
same way. Workers are recycled after `max_tasks` tasks, so a library that leaks cannot
grow a long run.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any


class TaskTimeout(Exception):
    pass


class WorkerDied(Exception):
    pass


def _address_space() -> int:
    """This process's mapped address space in bytes (VmSize), 0 where /proc is not there."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


CAP_MB: int | None = None  # the memory cap of this process, where one is set (a worker's)

# what a library says when the cap refuses it memory: Python's MemoryError, C++'s bad_alloc, a
# shared object that cannot be mapped, malloc's ENOMEM, numpy's and onnxruntime's words
OUT_OF_MEMORY = re.compile(
    r"MemoryError|bad_alloc|bad allocation|failed to map segment|Cannot allocate memory|Unable to allocate|"
    r"[Ff]ailed to allocate|out of memory|std::length_error",
)


LIMIT_BYTES: int | None = None  # the address space the cap allows, in bytes
REACHED_CAP = False  # this worker's memory reached its cap: it asks to be replaced
# A worker whose address space has grown past this share of its cap is replaced after its
# task, before a file fails for want of memory: a library that keeps what it allocated (the
# OCR runtime keeps memory for each input shape it has seen: some 60 MB a scanned file)
# starts again from nothing, at the cost of loading its models again (half a second).
RENEW_AT = 0.75


def peak() -> int:
    """The most address space this process has mapped (VmPeak), 0 where /proc is not there."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def over_the_cap(what: BaseException | str, peak_before: int | None = None) -> str | None:
    """The reason to give for a failure the memory cap caused, or None: a library says it ran
    out of memory (in its own words), or the process's address space rose to its cap while
    the file was read (libxml2 then says only 'unknown error')."""
    global REACHED_CAP
    if not CAP_MB:
        return None
    text = what if isinstance(what, str) else f"{type(what).__name__}: {what}"
    said = isinstance(what, MemoryError) or bool(OUT_OF_MEMORY.search(text))
    now = peak()
    rose = (
        peak_before is not None and LIMIT_BYTES is not None and now > peak_before and now >= LIMIT_BYTES * 0.9
    )
    if said or rose:
        REACHED_CAP = True
        return f"over the memory limit of {CAP_MB} MB"
    return None


def _limit_memory(mb: int | None) -> None:
    """Cap how far a worker may grow: `mb` beyond the address space it starts with (the
    libraries a forked worker inherits already map a good deal that it never touches)."""
    global CAP_MB, LIMIT_BYTES
    if not mb:
        return
    CAP_MB = mb
    try:
        import resource

        limit = _address_space() + mb * 1024 * 1024
        LIMIT_BYTES = limit
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on this platform: run without the cap
        pass


def _own_group() -> None:
    """Lead a process group of one's own: what this process starts (LibreOffice, whose
    soffice.bin outlives its launcher) stays in it, and is killed with it (`_kill`); and a
    Ctrl-C at the terminal reaches the run, which stops the workers, not every worker at once."""
    try:
        os.setpgid(0, 0)
    except OSError:
        pass


def _kill(pid: int) -> None:
    """Kill a worker and everything it started (its process group)."""
    import signal

    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _worker(conn: Connection, fn: Callable[[Any], Any], memory_mb: int | None, parent_pid: int) -> None:
    name_process("jixiao-worker")
    _die_with_parent(parent_pid)  # in a group of its own, a kill of the run's group misses it
    _own_group()
    # what the worker inherits (the tokenizer's half a million words, the libraries) lives as
    # long as it does: the collector need not walk it, nor touch (and so copy) its pages
    gc.freeze()
    _limit_memory(memory_mb)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            result: tuple = (True, fn(task))
        except MemoryError:
            result = (False, f"over the memory limit of {memory_mb} MB")
        except BaseException as exc:  # reported to the parent, which decides
            result = (False, f"{type(exc).__name__}: {exc}")
        # a worker whose memory reached its cap asks to be replaced: what it holds now (a
        # fragmented heap, a peak that says nothing more) must not cost the next file; so does
        # one that is near it (RENEW_AT)
        near = LIMIT_BYTES is not None and _address_space() >= LIMIT_BYTES * RENEW_AT
        conn.send((*result, REACHED_CAP or near))


@dataclass
class _Slot:
    proc: Any
    conn: Connection
    task: Any = None
    deadline: float = 0.0
    done: int = 0
    fn: Any = None


class Pool:
    """`for task, ok, value in Pool(n).run(fn, tasks, timeout_of)`: ok False means value is
    the reason (an exception's text, TaskTimeout, WorkerDied)."""

    def __init__(self, workers: int, memory_mb: int | None = None, max_tasks: int | None = 200):
        self.workers = max(1, workers)
        self.memory_mb = memory_mb
        self.max_tasks = max_tasks
        self.ctx: Any = mp.get_context("fork" if os.name == "posix" else "spawn")  # has .Process
        self.slots: list[_Slot] = []  # kept between runs: a worker's loaded models stay warm

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for s in self.slots:
            self._stop(s, kill=s.task is not None)
        self.slots = []

    def _start(self, fn) -> _Slot:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker, args=(child, fn, self.memory_mb, os.getpid()), daemon=True)
        proc.start()
        child.close()
        return _Slot(proc, parent, fn=fn)

    @staticmethod
    def _stop(slot: _Slot, kill: bool = False) -> None:
        try:
            if kill:
                _kill(slot.proc.pid)
            else:
                slot.conn.send(None)
        except (OSError, BrokenPipeError):
            pass
        slot.proc.join(timeout=5 if not kill else 1)
        if slot.proc.is_alive():
            _kill(slot.proc.pid)
            slot.proc.join(timeout=1)
        slot.conn.close()

    def run(
        self, fn: Callable[[Any], Any], tasks: Iterable[Any], timeout_of: Callable[[Any], float]
    ) -> Iterator[tuple[Any, bool, Any]]:
        pending = list(tasks)
        pending.reverse()
        slots = self.slots
        if any(s.fn is not fn for s in slots):
            self.close()
            slots = self.slots
        try:
            while pending or any(s.task is not None for s in slots):
                # hand out work
                for s in slots:
                    if s.task is None and pending:
                        s.task = pending.pop()
                        s.deadline = time.monotonic() + timeout_of(s.task)
                        s.conn.send(s.task)
                while pending and len(slots) < self.workers:
                    s = self._start(fn)
                    slots.append(s)
                    s.task = pending.pop()
                    s.deadline = time.monotonic() + timeout_of(s.task)
                    s.conn.send(s.task)
                busy = [s for s in slots if s.task is not None]
                if not busy:
                    continue
                wait_for = max(0.0, min(s.deadline for s in busy) - time.monotonic())
                ready = wait([s.conn for s in busy] + [s.proc.sentinel for s in busy], timeout=wait_for)
                now = time.monotonic()
                for s in list(busy):
                    if s.conn in ready:
                        retire = False
                        try:
                            ok, value, retire = s.conn.recv()
                        except (EOFError, OSError):
                            ok, value = False, WorkerDied("the worker process died")
                        task, s.task = s.task, None
                        s.done += 1
                        yield task, ok, value
                        if not s.proc.is_alive() or retire or (self.max_tasks and s.done >= self.max_tasks):
                            self._stop(s, kill=not s.proc.is_alive())
                            slots.remove(s)
                    elif s.proc.sentinel in ready or not s.proc.is_alive():
                        task, s.task = s.task, None
                        code = s.proc.exitcode
                        self._stop(s, kill=True)
                        slots.remove(s)
                        died = f"the worker process died (exit code {code})"
                        if (
                            self.memory_mb and code is not None and code < 0
                        ):  # killed by a signal under the cap
                            died = f"over the memory limit of {self.memory_mb} MB ({died})"
                        yield task, False, WorkerDied(died)
                    elif now >= s.deadline:
                        task, s.task = s.task, None
                        self._stop(s, kill=True)
                        slots.remove(s)
                        yield task, False, TaskTimeout(f"timed out after {timeout_of(task):.0f}s")
        except BaseException:
            self.close()  # interrupted: no worker may keep running a task
            raise


def in_child(fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)` in a forked child process, its result (pickled) or its exception raised
    here: `forked(fn, *args).result()`. A Ctrl-C while it runs waits for it to end (a commit
    is never left half made), then stops the run."""
    job = forked(fn, *args)
    try:
        return job.result()
    except KeyboardInterrupt:
        try:
            job.result()
        except Exception:
            pass
        raise


class Forked:
    """A call running in a forked child: `result()` waits for it, returns what it returned
    or raises what it raised. A child that dies without a word is a WorkerDied."""

    def __init__(self, pid: int | None, read_fd: int | None, value: Any = None, ok: bool = True) -> None:
        self.pid, self.read_fd = pid, read_fd
        self._chunks: list[bytes] = []
        self._done = pid is None
        self._ok, self._value = ok, value

    def result(self, timeout: float | None = None) -> Any:
        """What the call returned, or what it raised; TaskTimeout (the child killed, with
        all it started) when it takes longer than `timeout` seconds."""
        if not self._done and self.pid is not None and self.read_fd is not None:
            import pickle
            import signal

            data = self._read(timeout)
            if data is None:
                _kill(self.pid)
                os.waitpid(self.pid, 0)
                os.close(self.read_fd)
                self._done, self._ok = True, False
                self._value = TaskTimeout(f"timed out after {timeout:.0f}s")
                raise self._value
            _, status = os.waitpid(self.pid, 0)
            self._done = True
            if not data:
                sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
                name = signal.Signals(sig).name if sig else f"exit code {os.WEXITSTATUS(status)}"
                self._ok, self._value = False, WorkerDied(f"the writing process died ({name})")
            else:
                self._ok, self._value = pickle.loads(data)
        if not self._ok:
            raise self._value
        return self._value

    def _read(self, timeout: float | None) -> bytes | None:
        """All the child writes to its pipe; None when the deadline passes first."""
        import select

        assert self.read_fd is not None
        deadline = None if timeout is None else time.monotonic() + timeout
        # what was read so far stays with the call: a Ctrl-C in the middle, and result() asked
        # again, goes on where it stopped (the pipe is closed only once all is read)
        chunks = self._chunks
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return None
            ready, _, _ = select.select([self.read_fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                os.close(self.read_fd)
                return b"".join(chunks)
            chunks.append(chunk)


def forked(
    fn: Callable[..., Any], *args: Any, name: str = "jixiao-commit", memory_mb: int | None = None
) -> Forked:
    """Start `fn(*args)` in a forked child (named jixiao-commit) and return at once. The run
    writes each commit so (and waits for it): what writing allocates (Arrow's memory pool,
    DuckDB) goes with the child, so workers forked later for recycling start from a parent
    that does not grow over a long run. The child dies with the parent (a run killed
    mid-commit leaves the commit to `Store.repair`, as before)."""
    import pickle

    if not hasattr(os, "fork"):
        try:
            return Forked(None, None, fn(*args))
        except Exception as exc:
            return Forked(None, None, exc, ok=False)
    parent_pid = os.getpid()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 0
        try:
            os.close(r)
            name_process(name)
            _die_with_parent(parent_pid)
            import signal

            signal.signal(
                signal.SIGINT, signal.SIG_IGN
            )  # a Ctrl-C is the run's to answer: a commit ends whole
            if memory_mb:
                _own_group()  # a bounded call (unpacking an archive) is killed whole at its deadline
                _limit_memory(memory_mb)
            try:
                payload = pickle.dumps((True, fn(*args)))
            except BaseException as exc:  # reported to the parent, which raises it
                code = 1
                try:
                    payload = pickle.dumps((False, exc))
                except Exception:
                    payload = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
            with os.fdopen(w, "wb") as fh:
                fh.write(payload)
        finally:
            # _exit: no handler of the parent's runs here, and what the parent had buffered
            # for stdout when it forked is not written a second time
            os._exit(code)
    os.close(w)
    return Forked(pid, r)


def name_process(name: str) -> None:
    """Linux: the name `ps`, `top` and /proc/PID/comm show for this process (at most 15
    bytes), so that a worker and a commit writer can be told from the run itself."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(15, ctypes.c_char_p(name.encode()[:15]), 0, 0, 0)  # PR_SET_NAME
    except (OSError, AttributeError):
        pass


def _die_with_parent(parent_pid: int) -> None:
    """Linux: have the kernel kill this process when its parent dies (PR_SET_PDEATHSIG)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:  # the parent died before the line above took effect
        os._exit(1)
