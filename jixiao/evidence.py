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

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import regex

from export.review import text_of
from normalize import fields as F
from normalize.fields import Kind

TEN_THOUSAND = Decimal(10000)
# find boxes at ingest (`jixiao ingest --boxes`): a PDF's pages and their text are loaded a second
# time for it, about a third more time per text PDF; without, the review application finds the
# boxes of a report's values when it is opened
BOXES = False
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
    elif isinstance(value, dt.date):
        y, m, d = value.year, value.month, value.day
        out += [
            f"{y}年{m}月{d}日",
            f"{y} 年 {m} 月 {d} 日",
            f"{y}年{m:02d}月{d:02d}日",
            value.isoformat(),
            f"{y}.{m}.{d}",
        ]
    elif value is not None:
        s = str(value).strip()
        if s:
            out.append(s)
    return [n for n in out if n]


ROW_REACH = 400  # characters after a row's name (a project's, an indicator's) its values stand within


def locate(
    doc, value, page: int | None, amount: dict | None = None, anchor: str | None = None
) -> Evidence | None:
    """The first place `value` stands in the Document `doc`: at its amount, else after its
    row's name (`anchor`: an indicator's 三级指标, a project's name) on the row's page, else on
    that page, else anywhere; None where it is nowhere to be found. The name first, so that
    an indicator's weight "10" is the one in its row, not the first 10 on the page."""
    if amount is not None and amount.get("char_start") is not None:
        return Evidence(amount.get("page"), amount["char_start"], amount["char_end"], amount.get("raw"))
    pages = doc.pages
    at = [i for i, p in enumerate(pages) if p.number == page]
    order = at + [i for i in range(len(pages)) if i not in at] if at else range(len(pages))
    wanted = needles(value, amount.get("raw") if amount else None)
    if anchor:
        for i in order:
            text = pages[i].text
            a = text.find(anchor)
            if a < 0:
                continue
            for needle in wanted:
                k = text.find(needle, a + len(anchor), a + len(anchor) + ROW_REACH)
                if k >= 0:
                    return Evidence(pages[i].number, k, k + len(needle), needle)
            break
    for needle in wanted:
        for i in order:
            k = pages[i].text.find(needle)
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


# the values a reviewer decides, table by table, in the order they are shown
FIELDS = {
    "reports": (
        "unit_name",
        "report_date",
        "budget_initial",
        "budget_adjusted",
        "expenditure",
        "execution_rate",
        "basic_expenditure",
        "personnel_expenditure",
        "public_expenditure",
        "project_expenditure",
        "self_score",
        "grade",
    ),
    "projects": ("budget_initial", "budget_adjusted", "expenditure", "execution_rate", "score", "grade"),
    "indicators": ("target", "actual", "weight", "score"),
}
# the money fields, as normalize/fields.py declares them
MONEY = {f.name for table in FIELDS for f in F.RECORDS[table] if f.kind is Kind.MONEY}
Box = tuple[float, float, float, float]
AMOUNT_KEYS = ("field", "value", "raw", "page", "char_start", "char_end")  # of an amount, what places a value


def amount_for(amounts: list[dict], table: str, field: str, value, page: int | None) -> dict | None:
    """The amount the run tied to a money value: the same figure, fed to this field (a
    report's), else on the row's page, else anywhere in the report."""
    if field not in MONEY or not isinstance(value, Decimal):
        return None
    same = [a for a in amounts if a["value"] == value]
    exact = [a for a in same if a.get("field") == field] if table == "reports" else []
    on_page = [a for a in same if a.get("page") == page]
    pick = exact or on_page or same
    return pick[0] if pick else None


class PdfBoxes:
    """Boxes of characters on the pages of one PDF: pdfium's, for a page with a text
    layer; the OCR line's share, from the OCR cache, for a page read by OCR. The file is
    opened once; each page's text (or OCR read) is taken once."""

    def __init__(self, path: Path, ocr_pages: tuple[int, ...] = ()):
        import pypdfium2 as pdfium

        self.pdf = pdfium.PdfDocument(str(path))
        self.ocr_pages = set(ocr_pages)
        self._text: dict[int, tuple] = {}  # page number -> (page, text page, size, text, offsets, CharBoxes)
        self._lines: dict[int, tuple[list, tuple[float, float]]] = {}

    def close(self) -> None:
        for page, tp, *_ in self._text.values():
            tp.close()
            page.close()
        self.pdf.close()

    def box(self, page_no: int | None, raw: str | None) -> tuple[Box, tuple[float, float]] | None:
        if page_no is None or not raw or not 1 <= page_no <= len(self.pdf):
            return None
        if page_no in self.ocr_pages:
            return self._ocr_box(page_no, raw)
        return self._text_box(page_no, raw)

    def _text_box(self, page_no: int, raw: str):
        from extract.pdf import CharBoxes

        got = self._text.get(page_no)
        if got is None:  # loading a page and its text is the cost: once a page
            page = self.pdf[page_no - 1]
            tp = page.get_textpage()
            text = tp.get_text_range()
            # the text without its spaces and line breaks, and where each character stands in it
            at = [i for i, ch in enumerate(text) if not ch.isspace()]
            squeezed = "".join(text[i] for i in at)
            got = self._text[page_no] = (page, tp, page.get_size(), squeezed, at, CharBoxes(tp, text))
        _, _, (width, height), squeezed, at, char_box = got
        # pdfium's text of the page, one character a character box: find the characters there,
        # whatever spaces or line breaks stand between them
        needle = SPACES.sub("", raw)
        k = squeezed.find(needle)
        if k < 0 or not needle:
            return None
        boxes = [b for b in map(char_box, at[k : k + len(needle)]) if b is not None and b[2] > b[0]]
        if not boxes:
            return None
        x0, x1 = min(b[0] for b in boxes), max(b[2] for b in boxes)
        y0, y1 = height - max(b[3] for b in boxes), height - min(b[1] for b in boxes)
        return (x0, y0, x1, y1), (width, height)

    def _ocr_box(self, page_no: int, raw: str):
        from extract import ocr

        got = self._lines.get(page_no)
        if got is None:
            image = self.pdf[page_no - 1].render(scale=ocr.DPI / 72).to_pil()
            size = (image.size[0] * 72 / ocr.DPI, image.size[1] * 72 / ocr.DPI)
            if image.mode in ("RGB", "RGBA", "P"):
                image = image.convert("RGB").getchannel("R")
            read = ocr.cached_read(ocr.deskew(image))
            # a page turned to be read has its lines in the turned image's pixels: no box
            got = self._lines[page_no] = (read.lines if read is not None and not read.turn else [], size)
        lines, size = got
        needle = SPACES.sub("", raw)
        scale = 72 / ocr.DPI
        for ln in lines:
            text = SPACES.sub("", ln.text)
            k = text.find(needle)
            if k < 0:
                continue
            w = (ln.x1 - ln.x0) / max(len(text), 1)
            return (
                (ln.x0 + w * k) * scale,
                ln.top * scale,
                (ln.x0 + w * (k + len(needle))) * scale,
                ln.bottom * scale,
            ), size
        return None


def collect(doc, records, path: Path | None = None) -> list[dict]:
    """The evidence table's rows of one report: for each value of its report, projects and
    indicators, where it stands (page, offsets, the box on a PDF or scanned page), how it was
    read, and its raw text. A value found nowhere has a row with no place."""
    from export.review import row_key

    amounts = [{k: getattr(a, k) for k in AMOUNT_KEYS} for a in records.amounts]
    boxes = PdfBoxes(path, doc.ocr_page_numbers) if path is not None and doc.format.value == "pdf" else None
    ocr_pages = set(doc.ocr_page_numbers)
    out: list[dict] = []
    try:
        for table, rows in (
            ("reports", [records.report]),
            ("projects", records.projects),
            ("indicators", records.indicators),
        ):
            for obj in rows:
                row = {f: getattr(obj, f, None) for f in ("project_name", "level1", "level2", "level3")}
                key = row_key(table, row)
                page = getattr(obj, "page", None)
                anchor = (
                    row["level3"]
                    if table == "indicators"
                    else row["project_name"]
                    if table == "projects"
                    else None
                )
                for field in FIELDS[table]:
                    v = getattr(obj, field, None)
                    if v is None:
                        continue
                    hit = locate(doc, v, page, amount_for(amounts, table, field, v, page), anchor)
                    e: dict[str, object] = {
                        "record_table": table,
                        "row_key": key,
                        "field": field,
                        "method": None,
                    }
                    if hit is not None:
                        e.update(page=hit.page, char_start=hit.start, char_end=hit.end, raw=hit.raw)
                        e["method"] = method_of(doc, hit, hit.page in ocr_pages)
                        boxed = boxes.box(hit.page, hit.raw) if boxes is not None else None
                        if boxed is not None:
                            (e["x0"], e["y0"], e["x1"], e["y1"]), (e["page_width"], e["page_height"]) = boxed
                    out.append(e)
    finally:
        if boxes is not None:
            boxes.close()
    return out
