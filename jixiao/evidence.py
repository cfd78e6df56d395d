"""Where a value came from: the page, the characters and, on a PDF or a scan, the box on the
page that a reviewer sees it in.

A report's source file is read again (fast: a scan's OCR comes from the dataset's OCR
cache) and each value is looked for where it should stand: a money figure at the amount
the run tied to its field (the `amounts` table: page, offsets and raw text), else at its
text in 万元 or yuan; a rate, score or word at its text, from the page its row was read
on. On a PDF page the box is pdfium's, of the characters found; on a scanned page it is
the OCR line's that holds them, cut to their share of it. Boxes are in points from the
page's top left, as the page image is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import regex

from export.review import text_of

TEN_THOUSAND = Decimal(10000)
SPACES = regex.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Evidence:
    page: int | None  # 1-based; None for a file without pages (Word, text)
    start: int | None  # offsets into that page's text
    end: int | None
    raw: str | None  # the characters as they stand
    box: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 in points, from the top left
    page_size: tuple[float, float] | None = None  # width, height in points
    method: str = "text"  # form_cell / sentence / ocr / text


def needles(value, amount_raw: str | None = None) -> list[str]:
    """What a value looks like in a document, most telling first: the raw text the run
    found for it, then a money figure in 万元 and in yuan, a number as stated, a word."""
    out: list[str] = []
    if amount_raw:
        m = regex.search(r"[\d,，.]+", amount_raw)
        out.append(m.group(0) if m else amount_raw)
    if isinstance(value, Decimal):
        wan = value / TEN_THOUSAND
        for v in (wan, value):
            s = text_of(v)
            if s not in out and s != "0":
                out.append(s)
            if "." not in s and s != "0":
                out.append(f"{s}.00")
            if abs(v) >= 1000 and "." in s:
                head, _, tail = s.partition(".")
                out.append(f"{int(head):,}.{tail}")
    elif value is not None:
        s = str(value).strip()
        if s:
            out.append(s)
    return [n for n in out if n]


def locate(doc, value, page: int | None, amount: dict | None = None) -> Evidence | None:
    """The first place `value` stands in the Document `doc`: on its amount's page, else on
    the row's `page`, else anywhere; None where it is nowhere to be found."""
    if amount is not None and amount.get("char_start") is not None:
        return Evidence(amount.get("page"), amount["char_start"], amount["char_end"], amount.get("raw"))
    pages = list(doc.pages)
    order = sorted(range(len(pages)), key=lambda i: (pages[i].number != page, i))
    for needle in needles(value, amount.get("raw") if amount else None):
        for i in order:
            text = pages[i].text
            k = text.find(needle)
            if k >= 0:
                return Evidence(pages[i].number, k, k + len(needle), needle)
    return None


def method_of(doc, ev: Evidence, ocr_page: bool) -> str:
    """How the value was read: by OCR, from a form's cell, or from a sentence."""
    if ocr_page:
        return "ocr"
    for p in doc.pages:
        if p.number != ev.page or ev.start is None:
            continue
        for b in p.blocks:
            if b.start <= ev.start < b.end:
                return "form_cell" if b.kind.value == "table" else "sentence"
    return "text"


def pdf_box(path: Path, ev: Evidence) -> tuple[tuple[float, float, float, float], tuple[float, float]] | None:
    """The box of the value's characters on its PDF page (pdfium's text), and the page size."""
    import pypdfium2 as pdfium

    if ev.page is None or not ev.raw:
        return None
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[ev.page - 1]
        width, height = page.get_size()
        tp = page.get_textpage()
        needle = SPACES.sub("", ev.raw)
        found = tp.search(needle).get_next()
        if not found and needle != ev.raw:
            found = tp.search(ev.raw).get_next()
        if not found:
            return None
        first, count = found
        boxes = [tp.get_charbox(k) for k in range(first, first + count)]
        boxes = [b for b in boxes if b[2] > b[0]]
        if not boxes:
            return None
        x0, x1 = min(b[0] for b in boxes), max(b[2] for b in boxes)
        y0, y1 = height - max(b[3] for b in boxes), height - min(b[1] for b in boxes)
        return (x0, y0, x1, y1), (width, height)
    finally:
        pdf.close()


def scan_box(
    path: Path, ev: Evidence
) -> tuple[tuple[float, float, float, float], tuple[float, float]] | None:
    """The box of the value on a scanned page: the OCR line that holds it (from the OCR
    cache where the run left it), cut to the characters' share of the line."""
    import pypdfium2 as pdfium

    from extract import ocr

    if ev.page is None or not ev.raw:
        return None
    pdf = pdfium.PdfDocument(str(path))
    try:
        image = pdf[ev.page - 1].render(scale=ocr.DPI / 72).to_pil()
    finally:
        pdf.close()
    if image.mode in ("RGB", "RGBA", "P"):
        image = image.convert("RGB").getchannel("R")
    upright = ocr.deskew(image)
    read = ocr.read_image(upright)
    if read.turn:
        return None  # a page turned to be read: its boxes are not the page image's
    needle = SPACES.sub("", ev.raw)
    scale = 72 / ocr.DPI
    size = (image.size[0] * scale, image.size[1] * scale)
    for ln in read.lines:
        text = SPACES.sub("", ln.text)
        k = text.find(needle)
        if k < 0:
            continue
        w = (ln.x1 - ln.x0) / max(len(text), 1)
        x0 = ln.x0 + w * k
        x1 = ln.x0 + w * (k + len(needle))
        return (x0 * scale, ln.top * scale, x1 * scale, ln.bottom * scale), size
    return None
