"""extract: a file in, a `Document` out. Knows PDF and Word; knows nothing of budgets.

from extract import read
doc = read(Path("000.pdf"))        # -> Document, or raises ExtractError with a reason
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from extract.errors import CorruptFile, EmptyFile, EncryptedFile, ExtractError, TooLarge, UnsupportedFormat
from extract.model import Block, BlockKind, Document, Format, Page
from extract.sniff import sniff

__all__ = [
    "read",
    "sniff",
    "preload",
    "Document",
    "Page",
    "Block",
    "BlockKind",
    "Format",
    "ExtractError",
    "EmptyFile",
    "EncryptedFile",
    "CorruptFile",
    "UnsupportedFormat",
    "TooLarge",
]


def read(path: Path, fmt: Format | None = None) -> Document:
    """Read the file at `path` as the format its bytes say it is."""
    path = Path(path)
    fmt = fmt or sniff(path)
    reader = FORMATS.get(fmt)
    if reader is None or reader.function is None:
        raise _refusal(path, fmt, reader)
    module = importlib.import_module(reader.module)
    return getattr(module, reader.function)(path, fmt)


@dataclass(frozen=True, slots=True)
class Reader:
    """How a format is read: the function that reads it (`module.function(path, fmt)`), the
    libraries under it (imported before workers fork), or why this version does not read it."""

    module: str = ""
    function: str | None = None
    libraries: tuple[str, ...] = ()
    refused: str | None = None


# Every format a file's bytes can be, and how it is read. OCR's models load on a worker's
# first scan, not before; a legacy Word file is read as the .docx LibreOffice makes of it;
# pdfplumber is imported only for a page whose fonts pdfium cannot decode.
WORD = ("extract.word", "docx")
FORMATS: dict[Format, Reader] = {
    Format.PDF: Reader("extract.pdf", "read_pdf", ("extract.pdf", "extract.lattice", "pypdfium2")),
    Format.DOCX: Reader("extract.word", "read_docx", WORD),
    Format.DOC: Reader("extract.convert", "read_converted", WORD),
    Format.WPS: Reader("extract.convert", "read_converted", WORD),
    Format.RTF: Reader("extract.convert", "read_converted", WORD),
    Format.XLSX: Reader("extract.sheet", "read_xlsx", ("extract.sheet", "openpyxl")),
    Format.XLS: Reader("extract.sheet", "read_xls", ("extract.sheet", "xlrd")),
    Format.OFD: Reader("extract.ofd", "read_ofd", ("extract.ofd",)),
    Format.IMAGE: Reader("extract.ocr", "read_picture"),
    Format.TXT: Reader("extract.text", "read_text", ("extract.text",)),
    Format.MD: Reader("extract.text", "read_text", ("extract.text",)),
    Format.ZIP: Reader(refused="zip archives are not unpacked yet"),
    Format.HTML: Reader(refused="an HTML page, not a report document"),
}


def _refusal(path: Path, fmt: Format, reader: Reader | None) -> ExtractError:
    """Why a file is not read, in one line."""
    if fmt is Format.EMPTY:
        return EmptyFile("empty file (0 bytes)")
    if fmt is Format.HTML and path.suffix.lower() == ".pdf":
        return UnsupportedFormat("not a PDF: the file is an HTML page (a saved web or error page)")
    named = f" (named {path.suffix})" if path.suffix else ""
    if fmt is Format.UNKNOWN:
        return UnsupportedFormat(f"unrecognised file: the bytes are not PDF, Word, Excel or text{named}")
    reason = reader.refused if reader and reader.refused else f"{fmt.value} files are not read yet"
    return UnsupportedFormat(f"{reason}{named}")


def preload(formats: Iterable[Format] | None = None) -> None:
    """Import the readers of these formats (all, by default) once, before worker processes
    fork: they share the modules, and no file pays for an import (up to a second in a fresh
    worker) against its time limit."""
    wanted = FORMATS.values() if formats is None else [FORMATS[f] for f in formats if f in FORMATS]
    for name in dict.fromkeys(m for reader in wanted for m in reader.libraries):
        try:
            importlib.import_module(name)
        except ImportError:  # an optional reader's library is missing: its files say so
            pass
