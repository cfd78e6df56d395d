"""Positioned text to pages: the layout rules every fixed-layout reader shares.

PDF text lines, OCR boxes and OFD text objects all arrive as `PlacedText` (a line with its
top, bottom, x0, x1 and type size in points) or as `PlacedTable`. Here page numbers and running headers are
dropped, a table that goes on across a page break is stitched, and lines become
paragraphs: a line that reaches the right edge of the text block was cut by the margin,
a larger line is a heading, centred title lines run together.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, replace

import regex

from extract.layout import Line, is_page_number, pages_from_lines
from extract.model import Page

DIGITS = regex.compile(r"\d+")  # a header is the same header whatever its page number
BRACKETED = regex.compile(
    r"[(（][^()（）]*[)）]"
)  # a weight in brackets, "（90分）", is no figure of the row
FRAGMENT_CHARS = 40
# a page number's type against its neighbours' (a line of digits is some 0.8 of a CJK line's
# height in the same type; a footer's number is set smaller still)
SMALLER = 0.72  # the rest of cut cells is a few words


@dataclass(frozen=True, slots=True)
class PlacedText:
    """A line of text as a fixed-layout reader places it, in points from the page's top left."""

    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    size: float  # the type size
    height: float  # the page's height
    ocr: bool = False  # read by OCR, whose boxes vary with the glyphs they hold


@dataclass(frozen=True, slots=True)
class PlacedTable:
    """A table as a fixed-layout reader places it: its rows of cells and its top edge."""

    rows: tuple[tuple[str, ...], ...]
    top: float
    continued: bool = False  # goes on from the previous page's last table


# what every fixed-layout reader (PDF, OCR, OFD) gives for a page, in reading order
Placed = PlacedText | PlacedTable


def joined(prev: PlacedText, it: PlacedText) -> PlacedText:
    """Two boxes of one printed line as one line (OCR and OFD cut a line into runs)."""
    gap = it.x0 - prev.x1
    return replace(
        prev,
        text=prev.text + (" " if gap > it.size * 1.5 else "") + it.text,
        x1=it.x1,
        bottom=max(prev.bottom, it.bottom),
    )


def _furniture(pages: list[list[Placed]]) -> set[tuple[int, int]]:
    """(page index, item index) of page numbers and of headers/footers repeated on many pages."""
    drop: set[tuple[int, int]] = set()
    seen: Counter[tuple[str, int]] = Counter()
    # bare numbers in the margins, (page index, item index) -> (height, number less page index):
    # page numbers unless a row's figure
    numbers: dict[tuple[int, int], tuple[int, int]] = {}
    for pi, items in enumerate(pages):
        for ii, it in enumerate(items):
            if not isinstance(it, PlacedText):
                continue
            band = it.top < it.height * 0.1 or it.bottom > it.height * 0.9
            if band and is_page_number(it.text):
                if it.text.strip().isdecimal():
                    numbers[(pi, ii)] = (round(it.top / 4), int(it.text) - pi)
                else:
                    drop.add((pi, ii))
            elif band:
                seen[(DIGITS.sub("#", it.text), round(it.top / 10))] += 1
    # a bare number is a page number where another page has one at its height that counts the
    # pages with it (7 on one page, 9 two pages on), or it stands apart from the text or is set
    # smaller than it
    counted = Counter(numbers.values())
    for (pi, ii), key in numbers.items():
        if counted[key] >= 2 or _apart(pages[pi], ii):
            drop.add((pi, ii))
    if len(pages) >= 3:
        repeated = {k for k, n in seen.items() if n >= max(3, len(pages) // 2)}
        for pi, items in enumerate(pages):
            for ii, it in enumerate(items):
                if isinstance(it, PlacedText) and (DIGITS.sub("#", it.text), round(it.top / 10)) in repeated:
                    drop.add((pi, ii))
    return drop


def _apart(items: list[Placed], i: int) -> bool:
    """Whether a bare number stands apart from the text above or below it, farther than the page's
    lines stand from each other and at least a line's height, or is set smaller than its
    neighbours, as a page number in a footer or a header is (a figure that ends a form's row at
    a page's foot or top stands as near its row as any line to the next, in the same type)."""
    it = items[i]
    assert isinstance(it, PlacedText)
    lines = sorted((x for x in items if isinstance(x, PlacedText)), key=lambda x: x.top)
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if b.top - a.bottom > 0]
    usual = sorted(gaps)[len(gaps) // 2] if gaps else 0.0
    k = next(n for n, x in enumerate(lines) if x is it)
    near = [lines[k].top - lines[k - 1].bottom] if k else []
    near += [lines[k + 1].top - lines[k].bottom] if k + 1 < len(lines) else []
    if not near or min(near) >= max(it.size, usual * 1.5):
        return True
    sizes = [x.size for x in lines[max(0, k - 1) : k + 2] if x is not it]
    return bool(sizes) and it.size < SMALLER * min(sizes)


def _fragment(row: tuple[str, ...], above: tuple[str, ...]) -> bool:
    """A row that is only the rest of cells cut by the page break: a little text, no
    figure but a weight in brackets, each piece under a cell of the row above that it
    finishes (a header cut in two: | 绩效指 | … | 指标 | … | 得 | over | 标（90分） | … | 性质 | … | 分 |)."""
    filled = [(c, a) for c, a in zip(row, above) if c]
    return (
        0 < len(filled) <= max(1, len(row) // 2)
        and all(a for _, a in filled)
        and not any(DIGITS.search(BRACKETED.sub("", c)) for c, _ in filled)
        and sum(len(c) for c, _ in filled) <= FRAGMENT_CHARS
    )


def _stitch(pages: list[list[Placed]]) -> None:
    """A table that opens a page with as many columns as the table that closed the previous
    page goes on from it: mark it, and give a row cut by the break back its cell text."""
    for prev, cur in zip(pages, pages[1:]):
        if not prev or not cur:
            continue
        above, below = prev[-1], cur[0]
        if not isinstance(above, PlacedTable) or not isinstance(below, PlacedTable):
            continue
        a, b = above.rows, below.rows
        if not a or not b or len(a[-1]) != len(b[0]):
            continue
        cur[0] = below = replace(below, continued=True)
        if _fragment(b[0], a[-1]):
            last = tuple(x + y for x, y in zip(a[-1], b[0]))
            prev[-1] = replace(above, rows=a[:-1] + (last,))
            cur[0] = replace(below, rows=b[1:])


HEADING = 1.15  # a line set this much larger than the body is a heading
HEADING_OCR = 1.25


def _to_lines(items: list[Placed], left: float, right: float, body: float) -> list[Line]:
    lines: list[Line] = []
    center = (left + right) / 2
    prev_title: PlacedText | None = None
    for it in items:
        if isinstance(it, PlacedTable):
            lines.append(Line("", table=it.rows, continued=it.continued))
            prev_title = None
            continue
        cw = max(it.size, 1.0)
        # OCR boxes vary in height with the glyphs they hold: ask more of a heading there
        heading = 1 if it.size > body * (HEADING_OCR if it.ocr else HEADING) else None
        short = it.x1 - it.x0 < (right - left) * 0.8
        centred = short and it.x0 > left + 2 * cw and abs((it.x0 + it.x1) / 2 - center) < 2 * cw
        # a title set larger (or centred) and wrapped onto a second line is one title
        same_size = abs(it.size - prev_title.size) < max(0.5, 0.15 * it.size) if prev_title else False
        if (
            prev_title is not None
            and heading is not None
            and same_size
            and it.top - prev_title.bottom < it.size
        ):
            last = lines[-1]
            lines[-1] = Line(last.text + it.text, heading=last.heading)
            prev_title = it
            continue
        # cut by the margin: reaches the right edge and starts at the left one (a
        # right-aligned signature line reaches the edge too, but starts far in)
        wraps = right - it.x1 < 2 * cw and it.x0 < left + 4 * cw and not centred
        lines.append(Line(it.text, heading=heading, wraps=wraps))
        prev_title = it if heading is not None else None
    return lines


# a page with no text line: sizes as an A4 page of 10-point type would have them
NO_TEXT = PlacedText("", 0.0, 10.0, 0.0, 600.0, 10.0, 842.0)


def pages_from_items(raw: list[list[Placed]]) -> tuple[Page, ...]:
    """Pages of positioned items (one list per page, 1-based numbers) laid out as pages."""
    drop = _furniture(raw)
    kept = [[it for ii, it in enumerate(items) if (pi, ii) not in drop] for pi, items in enumerate(raw)]
    _stitch(kept)
    texts = [it for items in kept for it in items if isinstance(it, PlacedText)] or [NO_TEXT]
    body = statistics.median(it.size for it in texts)
    body_lines = [it for it in texts if abs(it.size - body) < 0.5] or texts
    left = min(it.x0 for it in body_lines)
    right = max(it.x1 for it in body_lines)
    return pages_from_lines([(i + 1, _to_lines(items, left, right, body)) for i, items in enumerate(kept)])
