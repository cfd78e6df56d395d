"""PDF, through pdfplumber, with OCR for the pages that need it.

Per page: tables where the page has ruling lines (pdfplumber's lattice finder), the
remaining characters as text lines, both in reading order by their top edge; then the
shared layout rules of extract.positioned. A page without a usable text layer (a scan,
an image-only page, (cid:N) or private-use garbage from a broken font) is read by OCR
(extract.ocr). A file longer than MAX_PAGES is cut there and kept as partial.
"""

from __future__ import annotations

from pathlib import Path

import regex

from extract.errors import CorruptFile, EmptyFile, EncryptedFile
from extract.model import Document, Format
from extract.positioned import pages_from_items

MAX_PAGES = 1500  # read up to here; a longer file is kept as `partial`
MAX_OCR_PAGES = 60  # at about 5 s a page, a scan longer than this is cut (partial)
# A cell's text wraps inside its box; the pieces are one phrase.
CELL_BREAK = regex.compile(r"\s*\n\s*")


def _cell(text: str | None) -> str:
    if not text:
        return ""
    return CELL_BREAK.sub(lambda m: "", text).strip()


def _open(path: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        return pdfplumber.open(str(path))
    except PDFPasswordIncorrect as exc:
        raise EncryptedFile("encrypted PDF: a password is required to open it") from exc
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        # pdfplumber wraps pdfminer's errors (PdfminerException): look at the cause too
        causes = [exc, exc.__cause__, exc.__context__, *(a for a in exc.args if isinstance(a, BaseException))]
        names = " ".join(type(c).__name__ for c in causes if c is not None)
        name = type(exc).__name__
        if "Password" in names or "Encrypt" in names:
            raise EncryptedFile("encrypted PDF: a password is required to open it") from exc
        raise CorruptFile(f"corrupt PDF: {name}: {str(exc)[:120] or 'unreadable'}") from exc


def _page_lines(page) -> list[dict]:
    """Text lines and tables of one page, each a dict with top/x0/x1/size, in reading order."""
    items: list[dict] = []
    boxes = []
    if page.lines or page.rects:
        for t in page.find_tables():
            rows = tuple(tuple(_cell(c) for c in row) for row in t.extract())
            if len(rows) >= 1 and any(any(r) for r in rows):
                boxes.append(t.bbox)
                items.append({"table": rows, "top": t.bbox[1]})

    def outside(obj) -> bool:
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    rest = page.filter(outside) if boxes else page
    for ln in rest.extract_text_lines(return_chars=False):
        text = ln["text"].strip()
        if text:
            items.append({"text": text, "top": ln["top"], "bottom": ln["bottom"],
                          "x0": ln["x0"], "x1": ln["x1"], "size": ln["bottom"] - ln["top"],
                          "height": float(page.height)})
    items.sort(key=lambda d: d["top"])
    return items


def garbage(text: str) -> bool:
    """A text layer that is no text: (cid:N) codes, private-use glyphs, replacement marks,
    or Latin-1 mojibake where Chinese should be."""
    s = regex.sub(r"\s+", "", text)
    if not s:
        return True
    bad = len(regex.findall(r"\(cid:\d+\)", s)) * 6 + sum(
        1 for ch in s if "\ue000" <= ch <= "\uf8ff" or ch == "\ufffd")
    latin1 = sum(1 for ch in s if "\u00c0" <= ch <= "\u00ff")
    cjk = sum(1 for ch in s if "\u4e00" <= ch <= "\u9fff")
    return bad > len(s) * 0.2 or (latin1 > len(s) * 0.3 and cjk < len(s) * 0.05)


def _ocr_items(path: Path, numbers: list[int]) -> dict[int, list[dict]]:
    """OCR the given page indexes, rendered with pdfium at the OCR resolution."""
    import pypdfium2 as pdfium

    from extract import ocr

    out = {}
    doc = pdfium.PdfDocument(str(path))
    try:
        for i in numbers:
            image = doc[i].render(scale=ocr.DPI / 72).to_pil()
            out[i] = ocr.page_items(image)
    finally:
        doc.close()
    return out


def read_pdf(path: Path) -> Document:
    pdf = _open(path)
    warnings: list[str] = []
    with pdf:
        try:
            n = len(pdf.pages)
        except Exception as exc:
            raise CorruptFile(f"corrupt PDF: {type(exc).__name__}") from exc
        if n == 0:
            raise EmptyFile("PDF has no pages")
        if n > MAX_PAGES:
            warnings.append(f"cut at {MAX_PAGES} of {n} pages")
        raw: list[list[dict]] = []
        pictured: set[int] = set()  # pages that hold an image: a scan may be there to OCR
        try:
            for i, page in enumerate(pdf.pages[:MAX_PAGES]):
                raw.append(_page_lines(page))
                if page.images:
                    pictured.add(i)
                page.flush_cache()
        except Exception as exc:
            raise CorruptFile(f"corrupt PDF: page {len(raw) + 1}: {type(exc).__name__}") from exc
    # pages with no usable text layer are read by OCR (a scan, an image-only page, broken fonts)
    need = [i for i, items in enumerate(raw)
            if (i in pictured or any("text" in it for it in items))
            and garbage(" ".join(it["text"] for it in items if "text" in it)) and not any("table" in it for it in items)]
    if need:
        if len(need) > MAX_OCR_PAGES:
            warnings.append(f"OCR cut at {MAX_OCR_PAGES} of {len(need)} image pages")
            need = need[:MAX_OCR_PAGES]
        for i, items in _ocr_items(path, need).items():
            raw[i] = items
    texts = [it for items in raw for it in items if "text" in it]
    if not texts and not any("table" in it for items in raw for it in items):
        raise EmptyFile("no text: the PDF's pages are blank (no text layer, and OCR found nothing)")
    pages = pages_from_items(raw)
    return Document(Format.PDF, pages, n, ocr=bool(need), warnings=tuple(warnings))
