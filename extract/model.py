"""The one model every reader produces: a `Document` of pages of blocks.

extract turns a file into a Document and knows nothing of budgets. normalize reads
the Document's text. Every block keeps where it came from: its page (None for Word,
which has no pages) and its span in that page's text, so a figure found later can be
traced back to the page and the characters a reviewer should look at.

A table is kept twice, on purpose: as rows of cell strings (for table readers) and as
`| a | b |` lines inside the page text (for the text parsers, the same shape the
flattened forms in real reports take).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Format(str, Enum):
    """A file's real format, sniffed from its bytes."""

    PDF = "pdf"
    DOCX = "docx"
    DOC = "doc"
    WPS = "wps"
    XLSX = "xlsx"
    XLS = "xls"
    TXT = "txt"
    MD = "md"
    HTML = "html"
    RTF = "rtf"
    OFD = "ofd"
    ZIP = "zip"
    IMAGE = "image"
    EMPTY = "empty"
    UNKNOWN = "unknown"


class BlockKind(str, Enum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    TABLE = "table"


@dataclass(frozen=True, slots=True)
class Block:
    """A heading, a paragraph or a table, as it stands in the page text.

    `start`/`end` are offsets into the page's text. For a table, `rows` holds the
    cells (merged cells repeated as python-docx does) and the text is its `|` lines.
    """

    kind: BlockKind
    text: str
    start: int
    end: int
    level: int = 0
    rows: tuple[tuple[str, ...], ...] = ()
    continued: bool = False  # a table that goes on from the previous page's last table


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a paged format, or the whole body of a Word file (number None)."""

    number: int | None
    text: str
    blocks: tuple[Block, ...] = ()

    @property
    def tables(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.kind is BlockKind.TABLE)


@dataclass(frozen=True, slots=True)
class Document:
    """What a file says, with no interpretation yet."""

    format: Format
    pages: tuple[Page, ...]
    page_count: int | None = None
    ocr: bool = False
    ocr_pages: int = 0  # pages read by OCR (a page with a usable text layer never is)
    ocr_engine_pages: int = 0  # of those, pages the OCR engine ran on (the rest came from its cache)
    ocr_page_numbers: tuple[int, ...] = ()  # which pages (1-based) were read by OCR
    warnings: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        """The pages' texts joined by newlines."""
        return "\n".join(p.text for p in self.pages)
