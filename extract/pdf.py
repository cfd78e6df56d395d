"""PDF, through pypdfium2, with pdfplumber and OCR for the pages that need them.

Per page: tables where the page has ruling lines (pdfplumber's lattice algorithm on
pdfium's paths and characters, extract.lattice), the remaining characters as text
lines, both in reading order by their top edge; then the shared layout rules of
extract.positioned. pdfplumber reads a page whose fonts pdfium cannot decode; a page
without a usable text layer (a scan, an image-only page, (cid:N) or private-use garbage
from a broken font) is read by OCR (extract.ocr). A file longer than MAX_PAGES is cut
there and kept as partial.
"""

from __future__ import annotations

import bisect
import functools
from pathlib import Path
from typing import TypeGuard

import regex

from extract.errors import CorruptFile, EmptyFile, EncryptedFile
from extract.model import Document, Format
from extract.ocr import OcrPage
from extract.positioned import Placed, PlacedTable, PlacedText, pages_from_items

MAX_PAGES = 1500  # read up to here; a longer file is kept as `partial`
MAX_OCR_PAGES = 60  # at about 5 s a page, a scan longer than this is cut (partial)
# A cell's text wraps inside its box; the pieces are one phrase.
CELL_BREAK = regex.compile(r"\s*\n\s*")
SPACE = regex.compile(r"\s+")
BLANKS = regex.compile(r"[ \t]+")  # a run of spaces in a line is one
CID = regex.compile(r"\(cid:\d+\)")  # a glyph pdfminer could not map to text
Box = tuple[float, float, float, float]  # a character's left, bottom, right, top, in points
# pdfium ends a line with \r\n; kept in the split so offsets stay the text page's
LINE_BREAK = regex.compile(r"(\r\n|\n|\r)")


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


@functools.cache
def _plumber_settings() -> dict:
    """pdfplumber's table settings with the tolerances every page is read with."""
    from extract.lattice import PAGE_TOLERANCES as t

    return {
        "snap_x_tolerance": t.snap_x,
        "snap_y_tolerance": t.snap_y,
        "join_x_tolerance": t.join_x,
        "join_y_tolerance": t.join_y,
        "intersection_x_tolerance": t.intersection_x,
        "intersection_y_tolerance": t.intersection_y,
        "edge_min_length": t.edge_min_length,
    }


def _page_lines(page) -> list[Placed]:
    """Text lines and tables of one page as pdfplumber reads them, in reading order."""
    items: list[Placed] = []
    boxes = []
    if page.lines or page.rects:
        for t in page.find_tables(table_settings=_plumber_settings()):
            rows = tuple(tuple(_cell(c) for c in row) for row in t.extract())
            if len(rows) >= 1 and any(any(r) for r in rows):
                boxes.append(t.bbox)
                items.append(PlacedTable(rows, t.bbox[1]))

    def outside(obj) -> bool:
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    rest = page.filter(outside) if boxes else page
    for ln in rest.extract_text_lines(return_chars=False):
        text = ln["text"].strip()
        if text:
            items.append(
                PlacedText(
                    text,
                    ln["top"],
                    ln["bottom"],
                    ln["x0"],
                    ln["x1"],
                    ln["bottom"] - ln["top"],
                    float(page.height),
                )
            )
    items.sort(key=lambda d: d.top)
    return items


PRIVATE = regex.compile(r"[\ue000-\uf8ff\ufffd]")  # private-use glyphs, replacement marks
CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # codes of a font without a Unicode map
LATIN1 = regex.compile(r"[\u00c0-\u00ff]")  # é, Ã...: mojibake where Chinese should be
HAN = regex.compile(r"[\u4e00-\u9fff]")
# ASCII symbols that a Chinese report's text rarely strings together ("!#$&'*+/:;<=>?@[\]^_`{|}~"),
# but that a subset font's codes 0x21... read as when it has no Unicode map
SYMBOL = regex.compile(r"""[!"#$&'()*+/:;<=>?@\[\\\]^_`{|}~]""")


def garbage(text: str) -> bool:
    """A text layer that is no text: (cid:N) codes, private-use glyphs, replacement marks,
    control codes, or Latin-1 or ASCII-symbol mojibake where Chinese should be (a font
    embedded without a Unicode map)."""
    s = SPACE.sub("", text)
    if not s:
        return True
    bad = len(CID.findall(s)) * 6 + len(PRIVATE.findall(s)) + len(CONTROL.findall(s))
    if bad > len(s) * 0.2:
        return True
    if s.isascii():
        # a page with no Chinese at all: garbage when strewn with symbols; a page of figures is not
        return len(s) >= 20 and len(SYMBOL.findall(s)) > len(s) * 0.15
    latin1 = len(LATIN1.findall(s))
    return latin1 > len(s) * 0.3 and len(HAN.findall(s)) < len(s) * 0.05


def page_text(items: list[Placed]) -> str:
    """All the text a page's text layer gives: its lines and its tables' cells."""
    parts = []
    for it in items:
        if isinstance(it, PlacedText):
            parts.append(it.text)
        else:
            parts.extend(" ".join(row) for row in it.rows)
    return " ".join(parts)


# A page where a picture covers at least this share and the text layer says fewer than
# FEW characters is a scan with a few words laid over it (a page number, a stamp's caption):
# the text layer says far fewer characters than the page shows, so the page is OCR'd
SCANNED = 0.5
FEW = 30


def needs_ocr(items: list[Placed], picture: float) -> bool:
    """Whether a page's text layer is unusable and the page is to be read from its image:
    no text and a picture, a garbage layer, or a page-sized picture under a few words."""
    text = page_text(items)
    if not text.strip():
        return picture > 0
    if garbage(text):
        return True
    return picture >= SCANNED and len(SPACE.sub("", text)) < FEW


def _ocr_items(path: Path, numbers: list[int]) -> dict[int, OcrPage]:
    """OCR the given page indexes, rendered with pdfium at the OCR resolution."""
    import pypdfium2 as pdfium

    from extract import ocr

    out: dict[int, OcrPage] = {}
    doc = pdfium.PdfDocument(str(path))
    try:
        for i in numbers:
            image = doc[i].render(scale=ocr.DPI / 72).to_pil()
            out[i] = ocr.page_items(image)
    finally:
        doc.close()
    return out


CJK_GAP = regex.compile(r"(?<=\p{Han})[ \t]+|[ \t]+(?=\p{Han})")
RULED = 4  # path objects on a page from which it may hold a ruled table


def _open_pdfium(path: Path):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise EncryptedFile("encrypted PDF: a password is required to open it") from exc
        raise CorruptFile(f"corrupt PDF: {msg[:120]}") from exc


def _edges(paths: list, height: float) -> list[dict]:
    """The page's ruling lines as pdfplumber edges, from pdfium's path objects: a thin path is
    one line, a box (a cell drawn as a rectangle) four."""
    import ctypes

    bounds = _c("FPDFPageObj_GetBounds", ctypes.c_int)
    v = (ctypes.c_float * 4)()  # left, bottom, right, top
    refs = _pointers(v)
    edges = []
    for obj in paths:
        if not bounds(obj, *refs):
            continue
        x0, x1, top, bottom = v[0], v[2], height - v[3], height - v[1]
        w, h = x1 - x0, bottom - top
        if h <= 2 and w > 2:
            y = (top + bottom) / 2
            edges.append(
                {"x0": x0, "x1": x1, "top": y, "bottom": y, "width": w, "height": 0, "orientation": "h"}
            )
        elif w <= 2 and h > 2:
            x = (x0 + x1) / 2
            edges.append(
                {"x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0, "height": h, "orientation": "v"}
            )
        elif w > 2 and h > 2:
            for y in (top, bottom):
                edges.append(
                    {"x0": x0, "x1": x1, "top": y, "bottom": y, "width": w, "height": 0, "orientation": "h"}
                )
            for x in (x0, x1):
                edges.append(
                    {
                        "x0": x,
                        "x1": x,
                        "top": top,
                        "bottom": bottom,
                        "width": 0,
                        "height": h,
                        "orientation": "v",
                    }
                )
    return edges


@functools.cache
def _c(name: str, restype):
    """pdfium's function `name`, called with ctypes values as they are: pointers as c_void_p
    objects (_pointer, _pointers, or a _Pointer it returned), indexes as Python ints (C ints).
    pypdfium2's binding checks and converts every argument on every call, and so do declared
    argument types; undeclared, ctypes passes its own objects through (0.7 µs a character
    box against 1.2), where a page makes hundreds of calls (a box per character, a type
    per object)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    address = ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value
    if address is None:
        raise ImportError(f"pdfium has no {name}")
    return ctypes.CFUNCTYPE(restype)(address)


def _pointer(handle):
    """A pypdfium2 handle as a c_void_p object."""
    import ctypes

    return ctypes.c_void_p(ctypes.cast(handle, ctypes.c_void_p).value)


def _pointers(array) -> tuple:
    """A pointer (c_void_p) to each element of a ctypes array, where pdfium writes its results."""
    import ctypes

    size = ctypes.sizeof(array._type_)
    return tuple(ctypes.c_void_p(ctypes.addressof(array) + i * size) for i in range(len(array)))


@functools.cache
def _pointer_type():
    """The restype of a pdfium function that returns a handle: a c_void_p subclass, which
    ctypes hands back as an object (a plain c_void_p comes back as an int) to pass on as it is."""
    import ctypes

    return type("_Pointer", (ctypes.c_void_p,), {})


class CharBoxes:
    """The box (left, bottom, right, top) of a character of the text page, by its index in
    the page's text; None for a space or a character pdfium has no box for. Read on demand
    (one pdfium call each, a microsecond or two) and kept."""

    def __init__(self, tp, text: str) -> None:
        import ctypes

        self.text = text
        self._got: dict[int, Box | None] = {}
        self._v = v = (ctypes.c_double * 4)()  # left, right, bottom, top
        self._refs = _pointers(v)
        self._get = _c("FPDFText_GetCharBox", ctypes.c_int)
        self._raw = _pointer(tp.raw)

    def __call__(self, k: int) -> Box | None:
        box = self._got.get(k, _UNREAD)
        if box is not _UNREAD:
            return box
        box = None
        if not self.text[k].isspace() and self._get(self._raw, k, *self._refs):
            v = self._v
            box = (v[0], v[2], v[1], v[3])
        self._got[k] = box
        return box


# a character whose box is not read yet (None: read, and it has none): a box of its own,
# told apart by identity
_UNREAD: Box = (-1.0, -1.0, -1.0, -1.0)


def _solid(b: Box | None) -> TypeGuard[Box]:
    return b is not None and b[2] > b[0] and b[3] > b[1]


SOLID = regex.compile(r"\S+")  # a run of characters with no space or line break in it


def _cell_texts(cells: list[tuple], text: str, box: CharBoxes, height: float) -> dict[tuple, str]:
    """The text of each cell: the characters whose centre lies in it (the cell shrunk a
    little, so a neighbour's glyph that touches the rule stays out), in text order. Within
    a cell, a space between characters of one line is kept; a line break is no gap (a
    cell's text wraps inside its box: the pieces are one phrase).

    A run of characters with no space in it whose first and last characters lie in one cell
    lies there whole (pdfium puts a space where glyphs stand apart, as the texts of two
    cells do): only its two ends are looked up. A run whose ends differ goes by character."""
    xs = sorted({v for c in cells for v in (c[0], c[2])})
    ys = sorted({v for c in cells for v in (c[1], c[3])})
    slot: dict[tuple[int, int], tuple] = {}
    for c in cells:
        for ix in range(bisect.bisect_left(xs, c[0]), bisect.bisect_left(xs, c[2])):
            for iy in range(bisect.bisect_left(ys, c[1]), bisect.bisect_left(ys, c[3])):
                slot[(ix, iy)] = c

    right = bisect.bisect_right

    def cell_of(k: int) -> tuple | None:
        b = box(k)
        if b is None:
            return None
        cx, cy = (b[0] + b[2]) / 2, height - (b[1] + b[3]) / 2
        c = slot.get((right(xs, cx) - 1, right(ys, cy) - 1))
        if c is None or not (c[0] + 0.5 <= cx <= c[2] - 0.5 and c[1] + 0.5 <= cy <= c[3] - 0.5):
            return None
        return c

    parts: dict[tuple, list[str]] = {}
    last: dict[tuple, int] = {}

    def put(c: tuple, k: int, piece: str) -> None:
        got = parts.setdefault(c, [])
        j = last.get(c)
        if j is not None and j < k - 1:
            gap = text[j + 1 : k]
            if "\n" not in gap and "\r" not in gap and any(ch.isspace() for ch in gap):
                got.append(" ")
        got.append(piece)
        last[c] = k + len(piece) - 1

    for run in SOLID.finditer(text):
        first, end = run.start(), run.end() - 1
        at = cell_of(first)
        if at is not None and (end == first or cell_of(end) is at):  # a cell is one tuple in `slot`
            put(at, first, run.group())
            continue
        if at is None and end > first and cell_of(end) is None:
            continue  # both ends outside every cell: text beside the table
        for k in range(first, end + 1):
            ck = cell_of(k)
            if ck is not None:
                put(ck, k, text[k])
    # pdfium puts a space where glyphs stand apart (CJK next to Latin or digits); in a
    # cell those are no words' gaps: "≥120 盏" is "≥120盏"
    return {c: _no_cjk_gap("".join(p).strip()) for c, p in parts.items()}


def _no_cjk_gap(s: str) -> str:
    return CJK_GAP.sub("", s) if " " in s or "\t" in s else s


# a justified line set letter-spaced: pdfium puts a space between every two characters
# ("572.5 万 元 ， 执 行 数 为 572.5 万 元", the real r03.pdf): Chinese has no spaces between words,
# so those are the type's, and a label or a unit (执行数, 万元) must be read whole
SPACED = regex.compile(r"(?<=[\p{Han}，。、；：（）])[ ](?=[\p{Han}，。、；：（）])")
SPACED_SHARE = 0.3  # of the line's Chinese characters followed by one space and another


# a letter-spaced word in a line set otherwise: "项 目 名 称 ： 平昌县老城区污水管网升级改造项目"
SPACED_RUN = regex.compile(r"(?:[\p{Han}] ){3,}[\p{Han}：:]")


def _unspaced(line: str) -> str:
    gaps = len(SPACED.findall(line))
    han = sum(1 for ch in line if "\u4e00" <= ch <= "\u9fff")
    if han and gaps >= 3 and gaps >= han * SPACED_SHARE:
        return SPACED.sub("", line)
    return SPACED_RUN.sub(lambda m: m.group().replace(" ", ""), line)


def _pdfium_tables(paths: list, text: str, boxes: CharBoxes, height: float) -> list[tuple[tuple, tuple]]:
    """Ruled tables with pdfplumber's lattice algorithm (edges -> intersections -> cells ->
    tables), fed with pdfium's lines and characters: its logic at pdfium's speed."""
    from extract import lattice

    t = lattice.PAGE_TOLERANCES
    edges = [e for e in _edges(paths, height) if max(e["width"], e["height"]) >= t.edge_min_length]
    if len(edges) < 4:
        return []
    edges = lattice.merge_edges(edges, t.snap_x, t.snap_y, t.join_x, t.join_y)
    cells = lattice.cells(lattice.intersections(edges, t.intersection_x, t.intersection_y))
    if not cells:
        return []
    texts = _cell_texts(cells, text, boxes, height)
    out = []
    for group in lattice.tables(cells):
        xs = sorted({c[0] for c in group})
        rows = []
        by_top: dict[float, dict[float, tuple]] = {}
        for c in group:
            by_top.setdefault(c[1], {})[c[0]] = c
        for top in sorted(by_top):
            by_x = by_top[top]
            rows.append(tuple(texts.get(by_x[x], "") if x in by_x else "" for x in xs))
        bbox = (
            min(c[0] for c in group),
            min(c[1] for c in group),
            max(c[2] for c in group),
            max(c[3] for c in group),
        )
        if any(any(r) for r in rows):
            out.append((bbox, tuple(rows)))
    return out


def _sampled(line: str) -> list[int]:
    """Where in `line` to look at character boxes: every character that is not a space, or,
    past 8 of them, the first, the last and 5 evenly between (by rank among them)."""
    words = line.split()
    if len(words) == 1:  # most lines of CJK text: the characters are a range
        start, n = line.index(words[0]), len(words[0])
        if n <= 8:
            return list(range(start, start + n))
        step = n / 6
        return sorted({start, start + n - 1, *(start + int(i * step) for i in range(1, 6))})
    runs: list[tuple[int, int]] = []  # (offset, length) of each run with no space in it
    at = n = 0
    for word in words:
        at = line.index(word, at)
        runs.append((at, len(word)))
        at += len(word)
        n += len(word)
    if n <= 8:
        return [k for start, length in runs for k in range(start, start + length)]
    step = n / 6
    ranks = sorted({0, n - 1, *(int(i * step) for i in range(1, 6))})
    out, before = [], 0  # `before`: characters in the runs passed
    it = iter(runs)
    start, length = next(it)
    for r in ranks:
        while r >= before + length:
            before += length
            start, length = next(it)
        out.append(start + r - before)
    return out


def _ends(line: str, stripped: str, start: int, box: CharBoxes) -> tuple:
    """The boxes of a line's first and last sampled characters (_sampled) with a box: its
    first and last characters that are no space, unless one has no box."""
    k = start + line.index(stripped[0])
    first, last = box(k), box(k + len(stripped) - 1)
    if _solid(first) and _solid(last):
        return first, last  # _sampled always holds both: they are its first and its last
    solid = _sampled(line)
    return (
        next((b for b in map(box, (start + k for k in solid)) if _solid(b)), None),
        next((b for b in map(box, (start + k for k in reversed(solid))) if _solid(b)), None),
    )


class _Visible:
    """Whether a path draws something on white paper: a stroke, or a fill, in a colour that is
    not (near) white nor transparent. A word processor puts a white rectangle behind each text
    frame (LibreOffice's PDF of a WPS file: 169 on one page of the real r04); their edges are
    no ruling lines, and taken for ones they make a table of every paragraph."""

    WHITE = 250  # each of r, g, b at least this: no ink

    def __init__(self) -> None:
        import ctypes

        self._mode = _c("FPDFPath_GetDrawMode", ctypes.c_int)
        self._fill = _c("FPDFPageObj_GetFillColor", ctypes.c_int)
        self._stroke = _c("FPDFPageObj_GetStrokeColor", ctypes.c_int)
        self._ints = (ctypes.c_int * 2)()  # fill mode, stroke
        self._rgba = (ctypes.c_uint * 4)()
        self._int_refs = _pointers(self._ints)
        self._rgba_refs = _pointers(self._rgba)

    def _inked(self, get, obj) -> bool:
        if not get(obj, *self._rgba_refs):
            return True  # no colour to read: count it, as pdfplumber would
        r, g, b, a = self._rgba
        return a > 0 and min(r, g, b) < self.WHITE

    def __call__(self, obj) -> bool:
        if not self._mode(obj, *self._int_refs):
            return True
        fill, stroke = self._ints
        return bool((stroke and self._inked(self._stroke, obj)) or (fill and self._inked(self._fill, obj)))


def _pdfium_lines(page) -> tuple[list[Placed], int, float]:
    """Text lines of a page read by pdfium (its text runs joined by line), the number of
    path objects (ruling lines) and the share of the page its largest image covers."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    paths: list = []  # pdfium path objects (_Pointer)
    picture = 0.0
    bounds = _c("FPDFPageObj_GetBounds", ctypes.c_int)
    edges = (ctypes.c_float * 4)()
    edge_refs = _pointers(edges)
    # through the raw API: a wrapper object per page object costs more than the work
    get = _c("FPDFPage_GetObject", _pointer_type())
    kind_of = _c("FPDFPageObj_GetType", ctypes.c_int)
    raw, path_kind, image_kind = _pointer(page.raw), pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE
    visible = _Visible()
    for k in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = get(raw, k)
        kind = kind_of(obj)
        if kind == path_kind:
            if visible(obj):
                paths.append(obj)
        elif kind == image_kind:
            if bounds(obj, *edge_refs):  # left, bottom, right, top
                area = max(edges[2] - edges[0], 0) * max(edges[3] - edges[1], 0)
                picture = max(picture, min(area / (width * height or 1), 1.0))
            else:
                picture = max(picture, 1e-3)  # an image of unknown size: still a picture
    tp = page.get_textpage()
    text = tp.get_text_range()
    items: list[Placed] = []
    box = CharBoxes(tp, text)
    tables = _pdfium_tables(paths, text, box, height) if len(paths) >= RULED else []
    for bbox, rows in tables:
        items.append(PlacedTable(rows, bbox[1]))
    start = 0
    # pdfium puts a line break (\r\n) where a line ends; each character of the text is one
    # character of the text page, so its box is at the same index
    for line in LINE_BREAK.split(text):
        if line in ("\r\n", "\n", "\r"):
            start += len(line)
            continue
        stripped = line.strip()
        if tables and stripped:
            # its ends first: a line inside a table is skipped without the rest
            first, last = _ends(line, stripped, start, box)
            if first is not None:
                cx = (first[0] + last[2]) / 2
                cy = height - (first[1] + first[3]) / 2
                if any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b, _ in tables):
                    start += len(line)
                    continue  # text of a table cell: it is in the table
        # a few characters' boxes say where the line is and how large its type: the
        # first and last (its ends) and some between (its height)
        boxes = [b for b in map(box, (start + k for k in _sampled(line))) if _solid(b)]
        clean = (BLANKS.sub(" ", line) if "  " in line or "\t" in line else line).strip()
        if " " in clean:
            clean = _unspaced(clean)
        if clean and boxes:
            left = min(b[0] for b in boxes)
            right = max(b[2] for b in boxes)
            top = height - max(b[3] for b in boxes)
            bottom = height - min(b[1] for b in boxes)
            # the type size: the tallest glyph box (a CJK character fills its em)
            size = max(b[3] - b[1] for b in boxes)
            items.append(PlacedText(clean, top, bottom, left, right, size, float(height)))
        start += len(line)
    tp.close()
    items.sort(key=lambda it: it.top)
    return items, (0 if tables else len(paths)), picture


def _pdfminer_errors() -> tuple[type[BaseException], ...]:
    """What pdfminer and pdfplumber raise on a page they cannot parse."""
    from pdfminer.pdfexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    return (PSException, PdfminerException, MalformedPDFException)


def read_pdf(path: Path, fmt: Format = Format.PDF) -> Document:
    """pdfium reads the text of every page (fast), and the tables of the pages with ruling
    lines (extract.lattice); pdfplumber the pages whose ruling lines made no table there
    (its own table finder) and the pages whose fonts pdfium cannot decode; OCR what is left."""
    import pypdfium2 as pdfium

    doc = _open_pdfium(path)
    warnings: list[str] = []
    try:
        n = len(doc)
        if n == 0:
            raise EmptyFile("PDF has no pages")
        if n > MAX_PAGES:
            warnings.append(f"cut at {MAX_PAGES} of {n} pages")
        raw: list[list[Placed]] = []
        pictured: dict[int, float] = {}  # pages that hold an image, and its share of the page
        plumb: list[int] = []  # pages pdfplumber reads: ruled tables, or text pdfium cannot decode
        try:
            for i in range(min(n, MAX_PAGES)):
                page = doc[i]
                items, paths, picture = _pdfium_lines(page)
                page.close()
                raw.append(items)
                if picture:
                    pictured[i] = picture
                lines_text = " ".join(it.text for it in items if isinstance(it, PlacedText))
                if paths >= RULED or (lines_text and garbage(lines_text)):
                    plumb.append(i)
        except pdfium.PdfiumError as exc:  # pdfium could not load or read a page: a damaged file
            raise CorruptFile(
                f"corrupt PDF: page {len(raw) + 1}: {str(exc)[:80] or type(exc).__name__}"
            ) from exc
        # anything else is jixiao's own bug: it reaches the run, which keeps the file as a failed
        # row naming the exception, never as a "corrupt PDF"
    finally:
        doc.close()
    if plumb:
        unparsable = _pdfminer_errors()
        with _open(path) as pdf:
            try:
                for i in plumb:
                    page = pdf.pages[i]
                    raw[i] = _page_lines(page)
                    page.flush_cache()
            except unparsable as exc:  # pdfminer could not parse the page: a damaged file
                raise CorruptFile(f"corrupt PDF: page {i + 1}: {type(exc).__name__}") from exc
    # pages with no usable text layer are read by OCR (a scan, an image-only page, broken fonts)
    need = [i for i, items in enumerate(raw) if needs_ocr(items, pictured.get(i, 0.0))]
    if need:
        if len(need) > MAX_OCR_PAGES:
            warnings.append(f"OCR cut at {MAX_OCR_PAGES} of {len(need)} image pages")
            need = need[:MAX_OCR_PAGES]
    engine_pages = 0
    for i, got in (_ocr_items(path, need) if need else {}).items():
        raw[i] = got.items
        engine_pages += not got.cached
    if not any(items for items in raw):
        raise EmptyFile("no text: the PDF's pages are blank (no text layer, and OCR found nothing)")
    pages = pages_from_items(raw)
    return Document(
        Format.PDF,
        pages,
        n,
        ocr=bool(need),
        ocr_pages=len(need),
        ocr_engine_pages=engine_pages,
        ocr_page_numbers=tuple(i + 1 for i in need),
        warnings=tuple(warnings),
    )
