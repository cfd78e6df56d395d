"""What a file really is, from its first bytes — never from its name.

Bureaus receive `.doc` files that are .docx, `.pdf` files that are an HTML error page
saved from a portal, and `.wps` files that are Word 97 binaries. `sniff` looks at the
magic numbers and, for zip and OLE2 containers, at the names inside.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from extract.model import Format

# OLE2 compound file (Word 97 .doc, WPS .wps, Excel 97 .xls)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(path: Path, head: bytes | None = None) -> Format:
    """The format of the file at `path`, from its bytes."""
    if head is None:
        with open(path, "rb") as fh:
            head = fh.read(8192)
    if not head:
        return Format.EMPTY
    if b"%PDF-" in head[:1024]:
        return Format.PDF
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(path)
    if head.startswith(OLE2):
        return _sniff_ole2(path)
    if head.startswith(b"{\\rtf"):
        return Format.RTF
    if head[:4] in (b"\x89PNG", b"II*\x00", b"MM\x00*") or head[:3] == b"\xff\xd8\xff":
        return Format.IMAGE
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in start[:512]:
        return Format.HTML
    if start.startswith(b"mime-version:") or b"content-type: multipart/related" in start[:2048]:
        return Format.HTML  # MHT, Word's "网页格式"
    if _is_text(head):
        return Format.MD if path.suffix.lower() in {".md", ".markdown"} else Format.TXT
    return Format.UNKNOWN


def _sniff_zip(path: Path) -> Format:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        # a truncated docx still starts with PK: say what the name promised
        suffix = path.suffix.lower()
        return {".docx": Format.DOCX, ".xlsx": Format.XLSX, ".ofd": Format.OFD}.get(suffix, Format.ZIP)
    if "word/document.xml" in names:
        return Format.DOCX
    if "xl/workbook.xml" in names:
        return Format.XLSX
    if "OFD.xml" in names or any(n.lower() == "ofd.xml" for n in names):
        return Format.OFD
    if "[Content_Types].xml" in names:
        # an Office document, not a bundle: one that lost its main part is a broken .docx or
        # .xlsx (one failed row), never unpacked into rows of its XML parts
        if any(n.startswith("xl/") for n in names) or path.suffix.lower() in (".xlsx", ".xlsm"):
            return Format.XLSX
        if any(n.startswith("word/") for n in names) or path.suffix.lower() in (".docx", ".docm"):
            return Format.DOCX
        return Format.UNKNOWN  # a .pptx, say: recognised as no report
    return Format.ZIP


def _sniff_ole2(path: Path) -> Format:
    with open(path, "rb") as fh:
        data = fh.read(1 << 20)
    if "WordDocument".encode("utf-16-le") in data:
        return Format.WPS if path.suffix.lower() == ".wps" else Format.DOC
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return Format.XLS
    return Format.DOC if path.suffix.lower() == ".doc" else Format.UNKNOWN


def _is_text(head: bytes) -> bool:
    """Decodes as UTF-8 or GB18030 with no control bytes beyond whitespace."""
    import codecs

    sample = head[:4096]
    for enc in ("utf-8", "gb18030"):
        try:
            # final=False: a multi-byte character cut at the sample's end is fine
            text = codecs.getincrementaldecoder(enc)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        bad = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
        return bad == 0
    return False
