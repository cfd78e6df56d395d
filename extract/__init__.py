"""extract: a file in, a `Document` out. Knows PDF and Word; knows nothing of budgets.

    from extract import read
    doc = read(Path("000.pdf"))        # -> Document, or raises ExtractError with a reason
"""

from __future__ import annotations

from pathlib import Path

from extract.errors import CorruptFile, EmptyFile, EncryptedFile, ExtractError, TooLarge, UnsupportedFormat
from extract.model import Block, BlockKind, Document, Format, Page
from extract.sniff import sniff

__all__ = [
    "read", "sniff", "Document", "Page", "Block", "BlockKind", "Format",
    "ExtractError", "EmptyFile", "EncryptedFile", "CorruptFile", "UnsupportedFormat", "TooLarge",
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
    if fmt in (Format.TXT, Format.MD):
        from extract.text import read_text
        return read_text(path, fmt)
    if fmt is Format.HTML and path.suffix.lower() == ".pdf":
        raise UnsupportedFormat("not a PDF: the file is an HTML page (a saved web or error page)")
    raise UnsupportedFormat(f"unsupported format: {fmt.value}" + (f" (named {path.suffix})" if path.suffix else ""))
