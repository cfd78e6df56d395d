"""PDF with a text layer, through pdfplumber.

Per page: tables where the page has ruling lines (pdfplumber's lattice finder), the
remaining characters as text lines, both in reading order by their top edge. A line
that reaches the right edge of the text block was cut by the margin (`wraps`);
lines set larger than the body are headings; centred lines of a title run together.
Page numbers and running headers/footers repeated across pages are dropped.

A PDF without any text layer (a scan) is refused here with a reason; OCR is a reader
of its own.
"""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path

import regex

from extract.errors import CorruptFile, EmptyFile, EncryptedFile
from extract.layout import Line, is_page_number, pages_from_lines
from extract.model import Document, Format

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


def _furniture(pages: list[list[dict]]) -> set[tuple[int, int]]:
    """(page index, item index) of page numbers and of headers/footers repeated on many pages."""
    drop: set[tuple[int, int]] = set()
    seen: Counter[tuple[str, int]] = Counter()
    for pi, items in enumerate(pages):
        for ii, it in enumerate(items):
            if "text" not in it:
                continue
            band = it["top"] < it["height"] * 0.1 or it["bottom"] > it["height"] * 0.9
            if band and is_page_number(it["text"]):
                drop.add((pi, ii))
            elif band:
                seen[(regex.sub(r"\d+", "#", it["text"]), round(it["top"] / 10))] += 1
    if len(pages) >= 3:
        repeated = {k for k, n in seen.items() if n >= max(3, len(pages) // 2)}
        for pi, items in enumerate(pages):
            for ii, it in enumerate(items):
                if "text" in it and (regex.sub(r"\d+", "#", it["text"]), round(it["top"] / 10)) in repeated:
                    drop.add((pi, ii))
    return drop


def _fragment(row: tuple[str, ...], above: tuple[str, ...]) -> bool:
    """A row that is only the rest of cells cut by the page break: a little text, no
    figures, each piece under a cell of the row above that it finishes."""
    filled = [(c, a) for c, a in zip(row, above) if c]
    return (0 < len(filled) <= max(1, len(row) // 3)
            and all(a for _, a in filled)
            and not any(regex.search(r"\d", c) for c, _ in filled))


def _stitch(pages: list[list[dict]]) -> None:
    """A table that opens a page with as many columns as the table that closed the previous
    page goes on from it: mark it, and give a row cut by the break back its cell text."""
    for prev, cur in zip(pages, pages[1:]):
        if not prev or not cur or "table" not in prev[-1] or "table" not in cur[0]:
            continue
        a, b = prev[-1]["table"], cur[0]["table"]
        if not a or not b or len(a[-1]) != len(b[0]):
            continue
        cur[0]["continued"] = True
        if _fragment(b[0], a[-1]):
            last = tuple(x + y for x, y in zip(a[-1], b[0]))
            prev[-1]["table"] = a[:-1] + (last,)
            cur[0]["table"] = b[1:]


def _to_lines(items: list[dict], left: float, right: float, body: float) -> list[Line]:
    lines: list[Line] = []
    center = (left + right) / 2
    prev_title: dict | None = None
    for it in items:
        if "table" in it:
            lines.append(Line("", table=it["table"], continued=it.get("continued", False)))
            prev_title = None
            continue
        cw = max(it["size"], 1.0)
        heading = 1 if it["size"] > body * 1.15 else None
        centred = it["x0"] > left + 2 * cw and abs((it["x0"] + it["x1"]) / 2 - center) < 2 * cw
        # a title set larger (or centred) and wrapped onto a second line is one title
        if prev_title is not None and heading is not None and abs(it["size"] - prev_title["size"]) < 0.5 \
                and it["top"] - prev_title["bottom"] < it["size"]:
            last = lines[-1]
            lines[-1] = Line(last.text + it["text"], heading=last.heading)
            prev_title = it
            continue
        # cut by the margin: reaches the right edge and starts at the left one (a
        # right-aligned signature line reaches the edge too, but starts far in)
        wraps = right - it["x1"] < 2 * cw and it["x0"] < left + 4 * cw and not centred
        lines.append(Line(it["text"], heading=heading, wraps=wraps))
        prev_title = it if heading is not None else None
    return lines


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
        try:
            for page in pdf.pages[:MAX_PAGES]:
                raw.append(_page_lines(page))
                page.flush_cache()
        except Exception as exc:
            raise CorruptFile(f"corrupt PDF: page {len(raw) + 1}: {type(exc).__name__}") from exc
    # pages with no usable text layer are read by OCR (a scan, an image-only page, broken fonts)
    need = [i for i, items in enumerate(raw)
            if garbage(" ".join(it["text"] for it in items if "text" in it)) and not any("table" in it for it in items)]
    if need:
        if len(need) > MAX_OCR_PAGES:
            warnings.append(f"OCR cut at {MAX_OCR_PAGES} of {len(need)} image pages")
            need = need[:MAX_OCR_PAGES]
        for i, items in _ocr_items(path, need).items():
            raw[i] = items
    texts = [it for items in raw for it in items if "text" in it]
    if not texts and not any("table" in it for items in raw for it in items):
        raise EmptyFile("no text: the PDF's pages are blank (no text layer, and OCR found nothing)")
    texts = texts or [{"size": 10.0, "x0": 0.0, "x1": 600.0}]
    drop = _furniture(raw)
    kept = [[it for ii, it in enumerate(items) if (pi, ii) not in drop] for pi, items in enumerate(raw)]
    _stitch(kept)
    body = statistics.median(it["size"] for it in texts)
    body_lines = [it for it in texts if abs(it["size"] - body) < 0.5] or texts
    left = min(it["x0"] for it in body_lines)
    right = max(it["x1"] for it in body_lines)
    pages = pages_from_lines([(i + 1, _to_lines(items, left, right, body)) for i, items in enumerate(kept)])
    return Document(Format.PDF, pages, n, ocr=bool(need), warnings=tuple(warnings))
