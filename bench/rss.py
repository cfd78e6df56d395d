"""Resident memory of a running `jixiao ingest` and of its worker processes, sampled.

A thread looks every 0.2 s at the jixiao process and its children: with psutil when it
is installed, else from /proc (`/proc/PID/task/*/children`, `VmRSS` in `/proc/PID/status`).
Workers are the children named `jixiao-worker` (jixiao.pool names them; where process
names are not set, the children with jixiao's own command line); the process that writes
a commit (`jixiao-commit`, forked for each commit) is counted apart, as are other children
(LibreOffice for legacy Word files). Workers are
replaced every few hundred files, so "per worker" is per process id: the peak of each.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

try:
    import psutil
except ImportError:  # the /proc fallback below
    psutil = None

MB = 1024 * 1024


def _proc_children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _proc_rss(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _proc_cmdline(pid: int) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


def _proc_comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _kind(name: str, same_command: bool) -> str:
    if name == "jixiao-worker":
        return "worker"
    if name == "jixiao-commit":
        return "commit"
    if name.startswith("jixiao-"):
        return "other"
    return "worker" if same_command else "other"


@dataclass
class Peaks:
    main: int = 0  # bytes
    workers: dict[int, int] = field(default_factory=dict)  # pid -> peak bytes
    others: int = 0  # peak of the other children together
    commit: int = 0  # peak of the commit writer
    total: int = 0  # peak of jixiao + all its children at one moment
    samples: int = 0

    def summary(self) -> dict:
        w = sorted(self.workers.values())
        return {
            "main_peak_mb": round(self.main / MB, 1),
            "worker_peak_mb": round(w[-1] / MB, 1) if w else None,
            "worker_median_peak_mb": round(w[len(w) // 2] / MB, 1) if w else None,
            "workers_seen": len(w),
            "commit_peak_mb": round(self.commit / MB, 1),
            "other_children_peak_mb": round(self.others / MB, 1),
            "total_peak_mb": round(self.total / MB, 1),
            "samples": self.samples,
        }


class Sampler(threading.Thread):
    """`with Sampler(pid) as s: ...; s.peaks`"""

    def __init__(self, pid: int, every: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peaks = Peaks()
        self._stop_event = threading.Event()

    def __enter__(self) -> Sampler:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop_event.set()
        self.join()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self.sample()
            except Exception:  # the process ended between two looks
                pass
            self._stop_event.wait(self.every)

    def sample(self) -> None:
        rows = self._psutil() if psutil else self._proc()
        if rows is None:
            return
        main_rss, kids = rows
        p = self.peaks
        p.samples += 1
        p.main = max(p.main, main_rss)
        others = 0
        for pid, rss, kind in kids:
            if kind == "worker":
                p.workers[pid] = max(p.workers.get(pid, 0), rss)
            elif kind == "commit":
                p.commit = max(p.commit, rss)
            else:
                others += rss
        p.others = max(p.others, others)
        p.total = max(p.total, main_rss + sum(r for _, r, _ in kids))

    def _psutil(self):
        try:
            me = psutil.Process(self.pid)
            main_rss, cmd = me.memory_info().rss, me.cmdline()
            kids = []
            for c in me.children(recursive=True):
                try:
                    kids.append((c.pid, c.memory_info().rss, _kind(c.name(), c.cmdline() == cmd)))
                except psutil.Error:
                    pass
            return main_rss, kids
        except psutil.Error:
            return None

    def _proc(self):
        main_rss, cmd = _proc_rss(self.pid), _proc_cmdline(self.pid)
        if main_rss is None:
            return None
        kids, todo = [], _proc_children(self.pid)
        while todo:
            pid = todo.pop()
            rss = _proc_rss(pid)
            if rss is not None:
                kids.append((pid, rss, _kind(_proc_comm(pid), _proc_cmdline(pid) == cmd)))
                todo += _proc_children(pid)
        return main_rss, kids
