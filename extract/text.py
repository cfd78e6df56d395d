"""Plain text and Markdown reports: lines, `#` headings, `|` and tab tables."""

from __future__ import annotations

from pathlib import Path

import regex

from extract.errors import EmptyFile
from extract.layout import Line, pages_from_lines
from extract.model import Document, Format

HTML_TAG = regex.compile(r"<[^>]{1,40}>")
BULLET = regex.compile(r"^\s*[-*•]\s+")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, the superset of GBK most Chinese Windows tools write."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _cells(line: str) -> tuple[str, ...]:
    if line.lstrip().startswith("|"):
        parts = line.strip().strip("|").split("|")
    else:
        parts = line.split("\t")
    cells = []
    for p in parts:
        # a cell written with HTML paragraphs (<p>负责人签字:</p><p>2023年6月7日</p>)
        p = regex.sub(r"</p>\s*<p>", "\n", p)
        cells.append(HTML_TAG.sub("", p).strip())
    return tuple(cells)


def lines_of(text: str) -> list[Line]:
    lines: list[Line] = []
    table: list[tuple[str, ...]] = []

    def flush() -> None:
        if table:
            lines.append(Line("", table=tuple(table)))
            table.clear()

    for raw in text.splitlines():
        s = raw.strip()
        is_row = s.startswith("|") or ("\t" in raw and len(raw.split("\t")) >= 2 and s)
        if is_row:
            row = _cells(raw)
            if s.startswith("|") and all(regex.fullmatch(r":?-{2,}:?", c) for c in row if c):
                continue  # markdown separator row
            table.append(row)
            continue
        flush()
        if not s:
            continue
        m = regex.match(r"^(#{1,6})\s*(.*)$", s)
        if m:
            lines.append(Line(m.group(2), heading=len(m.group(1))))
        else:
            lines.append(Line(BULLET.sub("", s)))
    flush()
    return lines


def read_text(path: Path, fmt: Format) -> Document:
    text = decode(path.read_bytes())
    if not text.strip():
        raise EmptyFile("empty file: no text")
    pages = pages_from_lines([(None, lines_of(text))])
    return Document(fmt, pages, None)
