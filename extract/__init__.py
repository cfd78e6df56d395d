"""extract: a file in, a `Document` out. Knows PDF and Word; knows nothing of budgets.

from extract import read
doc = read(Path("000.pdf"))        # -> Document, or raises ExtractError with a reason
"""

from __future__ import annotations

from collections.abc import Iterable
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
    if fmt is Format.EMPTY:
        raise EmptyFile("empty file (0 bytes)")
    if fmt is Format.PDF:
        from extract.pdf import read_pdf

        return read_pdf(path)
    if fmt is Format.DOCX:
        from extract.word import read_docx

        return read_docx(path)
    if fmt is Format.XLSX:
        from extract.sheet import read_xlsx

        return read_xlsx(path)
    if fmt is Format.XLS:
        from extract.sheet import read_xls

        return read_xls(path)
    if fmt is Format.OFD:
        from extract.ofd import read_ofd

        return read_ofd(path)
    if fmt in (Format.DOC, Format.WPS, Format.RTF):
        # one file alone: one LibreOffice start (the run converts in batches instead)
        import shutil
        import tempfile

        from extract.convert import to_docx

        out = Path(tempfile.mkdtemp(prefix="jixiao-docx-"))
        try:
            got = to_docx([(path, fmt.value)], out).get(path)
            if not isinstance(got, Path):
                raise got or CorruptFile("LibreOffice could not convert the file")
            doc = read(got, Format.DOCX)
            return Document(fmt, doc.pages, doc.page_count, doc.ocr, doc.warnings)
        finally:
            shutil.rmtree(out, ignore_errors=True)
    if fmt is Format.IMAGE:
        from extract.ocr import read_picture

        return read_picture(path)
    if fmt in (Format.TXT, Format.MD):
        from extract.text import read_text

        return read_text(path, fmt)
    if fmt is Format.HTML and path.suffix.lower() == ".pdf":
        raise UnsupportedFormat("not a PDF: the file is an HTML page (a saved web or error page)")
    named = f" (named {path.suffix})" if path.suffix else ""
    if fmt is Format.UNKNOWN:
        raise UnsupportedFormat(f"unrecognised file: the bytes are not PDF, Word, Excel or text{named}")
    reason = UNREAD.get(fmt, f"{fmt.value} files are not read yet")
    raise UnsupportedFormat(f"{reason}{named}")


# The readers and the libraries under them, by format (OCR's models load on a worker's
# first scan; a legacy Word file is read as the .docx LibreOffice makes of it).
READERS: dict[Format, tuple[str, ...]] = {
    # pdfplumber only for a page whose fonts pdfium cannot decode: imported there, when needed
    Format.PDF: ("extract.pdf", "extract.lattice", "pypdfium2"),
    Format.DOCX: ("extract.word", "docx"),
    Format.DOC: ("extract.word", "docx"),
    Format.WPS: ("extract.word", "docx"),
    Format.RTF: ("extract.word", "docx"),
    Format.XLSX: ("extract.sheet", "openpyxl"),
    Format.XLS: ("extract.sheet", "xlrd"),
    Format.OFD: ("extract.ofd",),
    Format.TXT: ("extract.text",),
    Format.MD: ("extract.text",),
}


def preload(formats: Iterable[Format] | None = None) -> None:
    """Import the readers of these formats (all, by default) once, before worker processes
    fork: they share the modules, and no file pays for an import (up to a second in a fresh
    worker) against its time limit."""
    import importlib

    wanted = READERS if formats is None else {f: READERS.get(f, ()) for f in formats}
    for name in dict.fromkeys(m for mods in wanted.values() for m in mods):
        try:
            importlib.import_module(name)
        except ImportError:  # an optional reader's library is missing: its files say so
            pass


# Formats recognised but not read by this version, with what a user should know.
UNREAD = {
    Format.ZIP: "zip archives are not unpacked yet",
    Format.HTML: "an HTML page, not a report document",
}
