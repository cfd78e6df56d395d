"""What the person at the terminal sees: a live bar, or plain lines when not a terminal,
and a one-screen summary at the end. Logging for progress only: the library never prints.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import TextIO

from export import Result


class Progress:
    def __init__(self, stream: TextIO = sys.stderr, quiet: bool = False):
        self.stream = stream
        self.quiet = quiet
        self.live = not quiet and stream.isatty()
        self.bar = None
        self.t0 = time.perf_counter()
        self.done = self.pages = self.failed = 0
        self.total = 0

    def planned(self, total: int) -> None:
        self.total = total
        if self.live:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", desc="ingest", file=self.stream, dynamic_ncols=True)
        elif not self.quiet:
            print(f"jixiao: {total} files to read", file=self.stream)

    def __call__(self, res: Result) -> None:
        self.done += 1
        self.pages += res.file.pages or 0
        self.failed += res.file.status == "failed"
        if self.bar is not None:
            secs = max(time.perf_counter() - self.t0, 1e-6)
            self.bar.set_postfix_str(f"{self.pages / secs:.1f} pages/s, failed {self.failed}", refresh=False)
            self.bar.update(1)
        elif not self.quiet:
            print(f"[{self.done}/{self.total}] {res.file.status:9s} {res.file.source_path}", file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def summary(results: list[Result], skipped: int, seconds: float, out: str) -> list[str]:
    """The closing screen: counts by status and format, the commonest failure reasons, speed."""
    counts = Counter(r.file.status for r in results)
    fmts = Counter(r.file.file_format for r in results)
    pages = sum(r.file.pages or 0 for r in results)
    lines = [
        f"jixiao: {len(results)} files in {seconds:.1f}s "
        f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items())) or 'nothing new'}; "
        f"skipped {skipped} already in {out}); formats: "
        f"{', '.join(f'{k} {v}' for k, v in sorted(fmts.items())) or '-'}"
    ]
    if results and seconds > 0:
        lines.append(f"  speed: {len(results) / seconds:.2f} files/s, {pages / seconds:.1f} pages/s")
    reasons = Counter((r.file.error or "").split(":")[0] for r in results if r.file.status == "failed")
    if reasons:
        lines.append(
            "  top failure reasons: " + "; ".join(f"{why} ×{n}" for why, n in reasons.most_common(5))
        )
    return lines
