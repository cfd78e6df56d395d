"""What the person at the terminal sees: a live bar, or plain lines when not a terminal,
and a one-screen summary at the end. Logging for progress only: the library never prints.

Scans dominate a run's wall time, so the line says how many pages OCR has read (and how
many of those came from the OCR cache), and the time left is estimated from the bytes
still to read rather than the files: a scanned file is large, and slow, where a Word
file is small and quick.
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
        self.ocr_pages = self.ocr_cached = 0
        self.total = 0
        self.bytes_total = self.bytes_done = 0

    def planned(self, total: int, size: int = 0) -> None:
        """`total` files in the run, `size` bytes of them to read."""
        self.total = total
        self.bytes_total = size
        if self.live:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", desc="ingest", file=self.stream, dynamic_ncols=True)
        elif not self.quiet:
            print(f"jixiao: {total} files to read", file=self.stream)

    def __call__(self, res: Result) -> None:
        f = res.file
        self.done += 1
        self.pages += f.pages or 0
        self.failed += f.status == "failed"
        self.bytes_done += f.size_bytes or 0
        ocr = f.ocr_pages or 0
        self.ocr_pages += ocr
        self.ocr_cached += ocr - (f.ocr_engine_pages or 0)
        if self.bar is not None:
            secs = max(time.perf_counter() - self.t0, 1e-6)
            self.bar.set_postfix_str(
                f"{self.pages / secs:.1f} pages/s, {self.ocr_line()}, failed {self.failed}{self.left()}",
                refresh=False,
            )
            self.bar.update(1)
        elif not self.quiet:
            ocr_note = f" (OCR {ocr} pages)" if ocr else ""
            print(
                f"[{self.done}/{self.total}] {f.status:9s} {f.source_path}{ocr_note}{self.left()}",
                file=self.stream,
            )

    def ocr_line(self) -> str:
        cached = f" ({self.ocr_cached} from cache)" if self.ocr_cached else ""
        return f"OCR {self.ocr_pages} pages{cached}"

    def left(self) -> str:
        """', about 3m10s left': the time so far scaled by the bytes still to read."""
        if not self.bytes_total or not self.bytes_done or self.done >= self.total:
            return ""
        secs = time.perf_counter() - self.t0
        rest = max(self.bytes_total - self.bytes_done, 0) * secs / self.bytes_done
        return f", about {clock(rest)} left"

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def clock(seconds: float) -> str:
    """3725 -> '1h02m', 190 -> '3m10s', 7 -> '7s'."""
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    if s >= 60:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s}s"


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
    ocr = sum(r.file.ocr_pages or 0 for r in results)
    if ocr:
        ran = sum(r.file.ocr_engine_pages or 0 for r in results)
        lines.append(f"  OCR: {ocr} pages read from images, {ocr - ran} of them from the OCR cache")
    reasons = Counter((r.file.error or "").split(":")[0] for r in results if r.file.status == "failed")
    if reasons:
        lines.append(
            "  top failure reasons: " + "; ".join(f"{why} ×{n}" for why, n in reasons.most_common(5))
        )
    return lines
