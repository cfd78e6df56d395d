"""Where the per-file work runs: here (a killable process pool), or on a Dask cluster.

Both give the same stream of (task, ok, value) to the run, which alone writes the
dataset: the engines only read files. On Dask each worker process keeps a small local
pool of its own (jixiao.pool), so a file that hangs or eats memory is cut off there
just as here; the workers need only the installed package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from jixiao.pool import Pool, TaskTimeout, WorkerDied

__all__ = ["local", "dask", "warm", "TaskTimeout", "WorkerDied"]

Stream = Iterator[tuple[Any, bool, Any]]


def warm(formats: Iterable[Any] | None = None) -> None:
    """Load what the files need once, before the workers fork: they share it, and a
    worker's first file does not pay for it against its time limit. `formats`: the
    extract.Format values of the files to come (all, by default)."""
    import extract
    import normalize.reading  # noqa: F401  the parsers and their patterns, compiled once
    from normalize.segment import tokenizer

    extract.preload(formats)
    tokenizer().initialize()


def local(
    fn: Callable[[Any], Any],
    tasks: Sequence[Any],
    timeout_of: Callable[[Any], float],
    workers: int,
    memory_mb: int | None,
    max_tasks: int | None,
    formats: Iterable[Any] | None = None,
) -> Stream:
    if tasks:
        warm(formats)
    with Pool(min(workers, max(1, len(tasks))), memory_mb, max_tasks) as pool:
        yield from pool.run(fn, tasks, timeout_of)


_WORKER_POOL: Pool | None = None


def guarded(fn: Callable[[Any], Any], task: Any, timeout: float, memory_mb: int | None) -> tuple[bool, Any]:
    """Run one task on a Dask worker, inside that worker's own killable pool."""
    global _WORKER_POOL
    if _WORKER_POOL is None:
        import multiprocessing as mp

        # Dask runs its workers as daemon processes, and multiprocessing refuses a daemon
        # children. Ours are daemons themselves and die with this worker; lift the flag.
        me = mp.current_process()
        if me.daemon:
            me._config["daemon"] = False  # type: ignore[attr-defined]
        warm()
        _WORKER_POOL = Pool(1, memory_mb, max_tasks=200)
    for _, ok, value in _WORKER_POOL.run(fn, [task], lambda _: timeout):
        return ok, value if ok else str(value)
    return False, "no result"


CONNECT_SECONDS = 10  # how long to wait for a Dask scheduler to answer


def dask(
    fn: Callable[[Any], Any],
    tasks: Sequence[Any],
    timeout_of: Callable[[Any], float],
    scheduler: str,
    memory_mb: int | None,
) -> Stream:
    from distributed import Client, as_completed

    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError) as exc:  # no scheduler there: one line, after a bounded wait
        raise ConnectionError(f"no answer within {CONNECT_SECONDS}s ({type(exc).__name__})") from None
    with client:
        futures = {client.submit(guarded, fn, t, timeout_of(t), memory_mb, pure=False): t for t in tasks}
        for fut in as_completed(futures):
            task = futures[fut]
            try:
                ok, value = fut.result()
            except Exception as exc:  # the worker was lost, or the task could not be sent
                ok, value = False, f"dask: {type(exc).__name__}: {exc}"
            yield task, ok, value
