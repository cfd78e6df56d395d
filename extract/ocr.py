"""OCR for pages without a usable text layer: scans, image-only PDFs, images.

RapidOCR (the PP-OCR models ship inside its wheel, so it works offline) reads each page
image into text lines with their boxes, on the OpenVINO runtime where it is installed
(`rapidocr_openvino`: the same models about four times faster on one core than on
ONNX Runtime, measured side by side in bench/ocr.py), else on ONNX Runtime. The lines
then go through the same layout rules as a PDF's text lines (margins, wrapping,
headings). The engine is loaded once per process. OCR confusions in numbers (l/I for 1,
O for 0) are mended only inside numeric contexts.

A page is OCR'd once: the engine's lines are kept in an OcrCache (a folder beside the
dataset), keyed by the hash of the page image the engine reads and the engine's
identity, so a re-read after a parser change, or the same page in another file, costs
no OCR.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import regex

from extract.positioned import Placed, PlacedTable, PlacedText, joined

DPI = 150

# "2021年I月", "1O0%", "4l.28": a letter between digits or before a unit, read as the digit it resembles
_CONFUSED = regex.compile(
    r"(?<=\d)[lIｌ|](?=\d|[年月日%万元.])|(?<=[\d.])[oO〇](?=\d|[%万元])|(?<=\D|^)[lI](?=\d)|(?<=[年月])[lI](?=[月日\d])"
)
_DIGIT_FOR = {"l": "1", "I": "1", "ｌ": "1", "|": "1", "o": "0", "O": "0", "〇": "0"}


def mend_numbers(text: str) -> str:
    """'2021年I月' -> '2021年1月', '1O0%' -> '100%'; words are left alone."""
    return _CONFUSED.sub(lambda m: _DIGIT_FOR.get(m.group(0), m.group(0)), text)


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    score: float
    size: float = 0.0  # the type size in pixels where the line was measured in pieces (_split_at_gaps)


# The runtimes RapidOCR comes on, fastest first; JIXIAO_OCR_ENGINE names one to use alone.
ENGINES = ("rapidocr_openvino", "rapidocr_onnxruntime")
# what this module does to a page image before the engine sees it and to the lines after,
# and how the engine is run (_fixed_shapes): part of a cached result's key, raised when any changes
PIPELINE = 9
# Text lines go to the recogniser in batches of REC_BATCH, each padded to a width that is a
# multiple of REC_WIDTH_STEP line heights (see _fixed_shapes)
REC_BATCH = 6
REC_WIDTH_STEP = 2


@dataclass(frozen=True, slots=True)
class Engine:
    read: object  # RapidOCR's callable
    name: str  # "rapidocr_openvino 1.4.4 (openvino 2024.0.0)": part of every cache key


def _load(module: str):
    import importlib
    import importlib.metadata as meta
    import logging

    mod = importlib.import_module(module)
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    runtime = "openvino" if module.endswith("openvino") else "onnxruntime"
    name = f"{module} {meta.version(module.replace('_', '-'))} ({runtime} {meta.version(runtime)})"
    # one inference thread: the run parallelises over files, not inside one page
    if runtime == "openvino":
        eng = mod.RapidOCR(inference_num_threads=1, rec_batch_num=REC_BATCH)
    else:
        eng = mod.RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, rec_batch_num=REC_BATCH)
    return Engine(eng, name + _fixed_shapes(eng))


def _fixed_shapes(eng) -> str:
    """Give the recogniser few input shapes: each batch padded to REC_BATCH lines, and its
    width rounded up to a multiple of REC_WIDTH_STEP line heights (RapidOCR pads a batch to
    its widest line anyway: more padding reads the same). OpenVINO keeps memory for every
    input shape it meets: left as it is, a worker grew by some 60 MB a scanned file (past a
    4 GB cap within a 17-page scan); so shaped, it stays flat, and is no slower. RapidOCR
    1.4.4's own attributes (pinned in pyproject.toml); where they are not there, the engine
    runs as it comes. What is returned goes into the engine's name, so into cache keys."""
    import math

    import numpy as np

    rec = getattr(eng, "text_rec", None)
    if rec is None or not hasattr(rec, "resize_norm_img") or not hasattr(rec, "session"):
        return ""
    resize, session = rec.resize_norm_img, rec.session

    def resize_to_step(img, max_wh_ratio):
        return resize(img, math.ceil(max_wh_ratio / REC_WIDTH_STEP) * REC_WIDTH_STEP)

    def full_batch(batch):
        n = batch.shape[0]
        if n < REC_BATCH:
            batch = np.concatenate([batch, np.zeros((REC_BATCH - n, *batch.shape[1:]), batch.dtype)])
        out = session(batch)
        if isinstance(out, (list, tuple)):  # ONNX Runtime: the model's outputs, each by batch
            return type(out)(o[:n] for o in out)
        return out[:n]  # OpenVINO: the one output

    rec.resize_norm_img, rec.session = resize_to_step, full_batch
    return f"; rec batch {REC_BATCH}, widths x{REC_WIDTH_STEP}"


@lru_cache(maxsize=1)
def engine() -> Engine:
    """The first OCR engine this machine has (ENGINES), loaded once per process."""
    wanted = os.environ.get("JIXIAO_OCR_ENGINE")
    tried = []
    for module in (wanted,) if wanted else ENGINES:
        try:
            return _load(module)
        except ImportError as exc:  # not installed here: the next runtime
            tried.append(f"{module}: {exc}")
    raise ImportError("no OCR engine: " + "; ".join(tried))


class OcrCache:
    """The engine's lines for each page image it has read, one small JSON file a page under
    `folder`, named by the sha256 of the engine's identity and the image's pixels. Written
    aside and renamed into place, so parallel workers never see half a file."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> Read | None:
        try:
            got = json.loads(self._path(key).read_text(encoding="utf-8"))
            return Read([OcrLine(*row) for row in got["lines"]], cached=True, turn=int(got["turn"]))
        except (OSError, ValueError, TypeError, KeyError):
            return None  # not cached, or a damaged entry: read the page again

    def put(self, key: str, read: Read) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            rows = [[ln.text, ln.x0, ln.top, ln.x1, ln.bottom, ln.score, ln.size] for ln in read.lines]
            tmp.write_text(
                json.dumps({"turn": read.turn, "lines": rows}, ensure_ascii=False), encoding="utf-8"
            )
            os.replace(tmp, path)
        except OSError:
            pass  # a full or read-only disk costs the cache, never the page


_cache: OcrCache | None = None


def cache_in(folder: Path | str | None) -> None:
    """Keep OCR results under `folder` from now on in this process (None: no cache)."""
    global _cache
    if folder is None:
        _cache = None
    elif _cache is None or _cache.folder != Path(folder):
        _cache = OcrCache(Path(folder))


def page_key(pixels, name: str) -> str:
    """The cache key of a page image: its pixels, size and mode, and who reads it how."""
    h = hashlib.sha256(f"{name}|pipeline {PIPELINE}|{pixels.shape}|{pixels.dtype}".encode())
    h.update(pixels.tobytes())
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class Read:
    lines: list[OcrLine]  # in the pixels of the image turned by `turn`
    cached: bool  # the lines came from the cache: the engine did not run
    turn: int = 0  # degrees counter-clockwise the page image was turned to stand upright


def cached_read(image) -> Read | None:
    """The page's read from the OCR cache, or None (no cache, or not there): never the engine."""
    if _cache is None:
        return None
    return _cache.get(page_key(_pixels(image), engine().name))


def read_image(image) -> Read:
    """Text lines of a page image (PIL), top to bottom, in image pixels: from the cache where
    this image was read before by the same engine, else from the engine. A page set
    sideways (a landscape form scanned upright) is turned first (Read.turn). A ruled
    table's cell that holds ink but no line the detector found (a lone "1", a "/" in a
    wide cell: the detector passes over a single narrow glyph) is read on its own, the
    cells of a page in one batch, and its text joins the lines."""
    pixels = _pixels(image)
    eng = engine()
    key = page_key(pixels, eng.name) if _cache is not None else ""
    if _cache is not None:
        hit = _cache.get(key)
        if hit is not None:
            return hit
    lines = _engine_lines(eng, pixels)
    turn = _turn(eng, pixels, lines)
    if turn:
        image = image.rotate(turn, expand=True)
        pixels = _pixels(image)
        lines = _engine_lines(eng, pixels)
    _, cells = _grid(pixels[:, :, 0])
    lines = _split_at_gaps(eng, pixels, lines)
    lines += _read_cells(eng, pixels, [c for c in cells if not any(_inside(ln, c) for ln in lines)])
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    read = Read(lines, cached=False, turn=turn)
    if _cache is not None:
        _cache.put(key, read)
    return read


GAP = 0.5  # a blank this wide inside a text box, in line heights, parts two cells of a row
CELL_MARK = "\t"  # where an OCR line's text was parted at such a gap


def _split_at_gaps(eng: Engine, pixels, lines: list[OcrLine]) -> list[OcrLine]:
    """A form without ruling lines scans as rows whose cells the detector takes for one text
    box ("1.2万亩1.2万亩1010" where the page shows 1.2万亩  1.2万亩  10  10). Where a box holds
    blank columns half a line high or wider between its marks, its pieces are recognised one
    by one (a page's pieces in one batch) and its text keeps a CELL_MARK between them. Letter-
    spaced text (a title set 绩 效 自 评, every piece one character) is left whole."""
    import numpy as np

    rec = getattr(eng.read, "text_rec", None)
    if rec is None:
        return lines
    pieces: list[tuple[int, tuple[int, int, int, int]]] = []  # (line index, piece box)
    for n, ln in enumerate(lines):
        x0, y0, x1, y1 = int(ln.x0), int(ln.top), int(ln.x1), int(ln.bottom)
        h = y1 - y0
        if h < GLYPH or x1 - x0 < 3 * h:
            continue
        box = pixels[y0:y1, x0:x1, 0]
        ink = (box < float(np.median(box)) - INK).any(axis=0)
        cols = np.flatnonzero(ink)
        if len(cols) < 2:
            continue
        gaps = np.flatnonzero(np.diff(cols) > GAP * h)
        if not len(gaps):
            continue
        starts = [cols[0], *(cols[g + 1] for g in gaps)]
        ends = [*(cols[g] + 1 for g in gaps), cols[-1] + 1]
        if all(e - s < 1.2 * h for s, e in zip(starts, ends)):
            continue  # every piece one character wide: letter-spaced text
        pieces.extend((n, (x0 + int(s), y0, x0 + int(e), y1)) for s, e in zip(starts, ends))
    if not pieces:
        return lines
    got, _ = rec([_padded(pixels, box, 4) for _, box in pieces])
    texts: dict[int, list[str]] = {}
    inked: dict[int, float] = {}  # the width of a line's pieces, its gaps left out
    for (n, (a, _, b, _)), (text, score) in zip(pieces, got):
        texts.setdefault(n, []).append(text.strip() if score >= MIN_SCORE else "")
        inked[n] = inked.get(n, 0.0) + (b - a)
    out = []
    for n, ln in enumerate(lines):
        parts = texts.get(n)
        # only a parting that reads the line's own text again: the pieces give its spaces,
        # never other characters (a faint 、 in a gap would be lost, a bracket read half-width)
        if parts and all(parts) and SPACE_RUN.sub("", "".join(parts)) == SPACE_RUN.sub("", ln.text):
            text = parts[0]
            for part in parts[1:]:
                # a full-width comma, colon or bracket leaves half its square blank: no cell ends there
                text += ("" if PUNCT_END.search(text) or PUNCT_START.match(part) else CELL_MARK) + part
            ems = sum(0.5 if ch.isascii() else 1.0 for ch in text if not ch.isspace())
            size = inked[n] / ems if ems >= 4 else 0.0
            ln = OcrLine(mend_numbers(text), ln.x0, ln.top, ln.x1, ln.bottom, ln.score, size)
        out.append(ln)
    return out


SPACE_RUN = regex.compile(r"\s+")
PUNCT_END = regex.compile(r"[，。：；、,.;:（(《“‘）)》”’]$")
PUNCT_START = regex.compile(r"[，。：；、（(《“‘）)》”’]")


def _pixels(image):
    import numpy as np

    return np.ascontiguousarray(np.asarray(image.convert("RGB")))


def _engine_lines(eng: Engine, pixels) -> list[OcrLine]:
    result, _ = eng.read(pixels, use_cls=False)  # type: ignore[operator]
    lines = []
    for box, text, score in result or []:
        xs = [p[0] for p in box]
        ys = [p[1] for p in box]
        lines.append(
            OcrLine(
                mend_numbers(text),
                float(min(xs)),
                float(min(ys)),
                float(max(xs)),
                float(max(ys)),
                float(score),
            )
        )
    return lines


SIDEWAYS = 3  # text boxes standing upright, at least, and more than lying ones: a page set sideways


def _turn(eng: Engine, pixels, lines: list[OcrLine]) -> int:
    """0 for an upright page; for one set sideways, the quarter turn (90 or 270 degrees
    counter-clockwise) that makes its text read best: a few of its upright text boxes are
    recognised turned each way, and the way with the surer reading wins."""
    import numpy as np

    tall = [ln for ln in lines if ln.bottom - ln.top >= 2 * (ln.x1 - ln.x0)]
    wide = [ln for ln in lines if ln.x1 - ln.x0 >= 2 * (ln.bottom - ln.top)]
    rec = getattr(eng.read, "text_rec", None)
    if len(tall) < SIDEWAYS or len(tall) <= len(wide) or rec is None:
        return 0
    tall.sort(key=lambda ln: ln.x1 - ln.x0, reverse=True)  # the longest say most
    crops = [pixels[int(ln.top) : int(ln.bottom), int(ln.x0) : int(ln.x1)] for ln in tall[:8]]
    # a box turned 90 degrees clockwise reads as the page turned so (270 counter-clockwise)
    sure = {}
    for k, turn in ((3, 270), (1, 90)):
        got, _ = rec([np.ascontiguousarray(np.rot90(c, k)) for c in crops])
        sure[turn] = sum(score for _, score in got)
    return max(sure, key=lambda t: sure[t])


Box = tuple[int, int, int, int]  # left, top, right, bottom, in pixels
INK = 70  # a pixel this much darker than its cell's paper (0-255) is ink: a thin stroke scans grey
CORE = 100  # and a mark holds a pixel this much darker (a speck of dust or a seal's trace does not)
GLYPH = 8  # pixels: a mark at least this tall (or wide) in a cell may be a character, not dust
MIN_SCORE = 0.5  # RapidOCR's own threshold for a line it keeps


def _inside(ln: OcrLine, c: Box) -> bool:
    cx, cy = (ln.x0 + ln.x1) / 2, (ln.top + ln.bottom) / 2
    return c[0] <= cx <= c[2] and c[1] <= cy <= c[3]


def _ink(pixels, c: Box, margin: int = 4) -> Box | None:
    """The box of the marks inside a cell (its ruling lines left out), or None: no mark
    tall or wide enough to be a character (scanner dust, a stamp's red faded out)."""
    import cv2
    import numpy as np

    x0, y0, x1, y1 = c[0] + margin, c[1] + margin, c[2] - margin, c[3] - margin
    if x1 - x0 < GLYPH or y1 - y0 < GLYPH:
        return None
    cell = pixels[y0:y1, x0:x1, 0]
    paper = float(np.median(cell))
    ink = (cell < paper - INK).astype(np.uint8)
    core = cell < paper - CORE
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    marks = [
        stats[i]
        for i in range(1, n)
        if max(stats[i][2], stats[i][3]) >= GLYPH
        and core[stats[i][1] : stats[i][1] + stats[i][3], stats[i][0] : stats[i][0] + stats[i][2]][
            labels[stats[i][1] : stats[i][1] + stats[i][3], stats[i][0] : stats[i][0] + stats[i][2]] == i
        ].any()
    ]
    if not marks:
        return None
    left = min(m[0] for m in marks)
    top = min(m[1] for m in marks)
    right = max(m[0] + m[2] for m in marks)
    bottom = max(m[1] + m[3] for m in marks)
    return (x0 + left, y0 + top, x0 + right, y0 + bottom)


def _padded(pixels, box: Box, pad: int):
    """The part of the page in `box` (left, top, right, bottom), on white `pad` pixels wide
    all round: what the recogniser reads a cell or a piece of a line from."""
    import numpy as np

    x0, y0, x1, y1 = box
    crop = np.full((y1 - y0 + 2 * pad, x1 - x0 + 2 * pad, 3), 255, np.uint8)
    crop[pad:-pad, pad:-pad] = pixels[y0:y1, x0:x1]
    return crop


def _read_cells(eng: Engine, pixels, cells: list[Box]) -> list[OcrLine]:
    """The text of each inked cell no detected line fell in, recognised without detection."""

    rec = getattr(eng.read, "text_rec", None)
    boxes = [b for b in (_ink(pixels, c) for c in cells) if b is not None]
    if rec is None or not boxes:
        return []
    got, _ = rec([_padded(pixels, box, 6) for box in boxes])
    return [
        OcrLine(mend_numbers(text), float(b[0]), float(b[1]), float(b[2]), float(b[3]), float(score))
        for b, (text, score) in zip(boxes, got)
        if text.strip() and score >= MIN_SCORE
    ]


def _grid(gray):
    """Cells of the ruled tables on a page image: (table boxes, cell boxes), in pixels."""
    import cv2
    import numpy as np

    bw = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    h, w = bw.shape
    horiz = cv2.morphologyEx(
        bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 25), 1))
    )
    vert = cv2.morphologyEx(
        bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, h // 50)))
    )
    lines = cv2.dilate(horiz | vert, np.ones((3, 3), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    tables = [tuple(stats[i][:4]) for i in range(1, n) if stats[i][2] > w * 0.3 and stats[i][3] > h * 0.03]
    if not tables:
        return [], []
    n, _, stats, _ = cv2.connectedComponentsWithStats(255 - lines, connectivity=4)
    cells = []
    for i in range(1, n):
        x, y, cw, ch, area = stats[i]
        if cw < 8 or ch < 8 or x == 0 or y == 0 or x + cw >= w or y + ch >= h:
            continue
        for tx, ty, tw, th in tables:
            if x >= tx and y >= ty and x + cw <= tx + tw and y + ch <= ty + th and cw * ch < tw * th * 0.9:
                cells.append((x, y, x + cw, y + ch))
                break
    return tables, cells


def _bands(spans: list[tuple[float, float]], share: float = 0.6) -> tuple[list[float], list[int]]:
    """The rows (or columns) of a ruled grid from its cells' extents: each band's start,
    and the band of each cell. A cell joins a band it shares `share` of its or the band's
    extent with, so a row whose ruling line is a few pixels lower at one end than at the
    other (a sheet that was not flat on the scanner) stays one row; the smallest cells
    make the bands, and a merged cell that spans several belongs to the first."""
    order = sorted(range(len(spans)), key=lambda i: spans[i][1] - spans[i][0])
    bands: list[tuple[float, float]] = []
    of = [0] * len(spans)
    for i in order:
        lo, hi = spans[i]
        fits = [
            k
            for k, (blo, bhi) in enumerate(bands)
            if min(hi, bhi) - max(lo, blo) >= share * min(hi - lo, bhi - blo)
        ]
        if fits:
            of[i] = min(fits, key=lambda k: bands[k][0])
        else:
            bands.append((lo, hi))
            of[i] = len(bands) - 1
    rank = sorted(range(len(bands)), key=lambda k: bands[k][0])
    place = {k: r for r, k in enumerate(rank)}
    return [bands[k][0] for k in rank], [place[of[i]] for i in range(len(spans))]


def deskew(image):
    """A scan fed in at a slant (0.5-2 degrees is common): straighten it by its longest
    ruling lines or, on a page without a table, by its text lines."""
    import cv2
    import numpy as np
    from PIL import Image

    gray = np.asarray(image.convert("L"))
    bw = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    h, w = bw.shape
    # smear text and rules into long horizontal strokes, then measure their slope
    strokes = cv2.morphologyEx(bw, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (w // 40, 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(strokes, connectivity=8)
    angles = []
    for i in range(1, n):
        x, y, cw, ch, area = stats[i]
        if cw < w * 0.25 or ch > h * 0.05:
            continue
        ys, xs = np.nonzero(labels[y : y + ch, x : x + cw] == i)
        if len(xs) < 50:
            continue
        slope = np.polyfit(xs.astype(float), ys.astype(float), 1)[0]
        angles.append(np.degrees(np.arctan(slope)))
    if not angles:
        return image
    angle = float(np.median(angles))
    if abs(angle) < 0.1 or abs(angle) > 5:
        return image
    return image.convert("L").rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)


def _type_size(ln: OcrLine) -> float:
    """The type size of an OCR line in pixels. A box's height varies with the glyphs it holds
    (brackets, descenders); its width over its characters (a Chinese character is one em,
    a digit or Latin letter half) is steadier once a line has a few characters."""
    if ln.size:  # measured on its pieces, the gaps between them left out
        return ln.size
    ems = sum(0.5 if ch.isascii() else 1.0 for ch in ln.text if not ch.isspace())
    if ems >= 4 and CELL_MARK not in ln.text:  # a row parted at its gaps is wider than its type
        return (ln.x1 - ln.x0) / ems
    return (ln.bottom - ln.top) * 0.8


@dataclass(frozen=True, slots=True)
class OcrPage:
    items: list[Placed]
    cached: bool  # read from the OCR cache: the engine did not run on this page


def page_items(image) -> OcrPage:
    """A page image as the PDF reader's items: text lines and tables, with sizes in points."""
    import numpy as np

    scale = 72 / DPI
    # read the red channel: black type stays dark, while a red seal over the signature and
    # date (the usual place for one) fades to near white instead of hiding the digits
    if image.mode in ("RGB", "RGBA", "P"):
        image = image.convert("RGB").getchannel("R")
    image = deskew(image)
    read = read_image(image)
    if read.turn:
        image = image.rotate(read.turn, expand=True)
    gray = np.asarray(image.convert("L"))
    tables, cells = _grid(gray)
    lines = read.lines
    in_cell: dict[int, list[OcrLine]] = {}
    free: list[OcrLine] = []
    for ln in lines:
        cx, cy = (ln.x0 + ln.x1) / 2, (ln.top + ln.bottom) / 2
        hit = next((i for i, c in enumerate(cells) if c[0] <= cx <= c[2] and c[1] <= cy <= c[3]), None)
        if hit is None:
            if any(t[0] <= cx <= t[0] + t[2] and t[1] <= cy <= t[1] + t[3] for t in tables):
                continue  # text on a ruling line: noise
            free.append(ln)
        else:
            in_cell.setdefault(hit, []).append(ln)
    items: list[Placed] = []
    for tx, ty, tw, th in tables:
        mine = [
            i
            for i, c in enumerate(cells)
            if tx <= c[0] and c[2] <= tx + tw and ty <= c[1] and c[3] <= ty + th
        ]
        if not mine:
            continue
        tops, row_of = _bands([(cells[i][1], cells[i][3]) for i in mine])
        lefts, col_of = _bands([(cells[i][0], cells[i][2]) for i in mine])
        grid = [["" for _ in lefts] for _ in tops]
        gaps = sorted(b - a for a, b in zip(tops, tops[1:]))
        typical = gaps[len(gaps) // 2] if gaps else 0
        for k, i in enumerate(mine):
            lines_in = sorted(in_cell.get(i, []), key=lambda ln: (ln.top, ln.x0))
            text = "".join(ln.text.replace(CELL_MARK, "") for ln in lines_in)
            r, c = row_of[k], col_of[k]
            # a thin row left by a page break ("度" of a cut cell): a cell that only starts
            # there because a ruling line is faint belongs to the row its text stands in
            if (
                lines_in
                and r + 1 < len(tops)
                and tops[r + 1] - tops[r] < typical * 0.6
                and (lines_in[0].top + lines_in[0].bottom) / 2 > tops[r + 1]
            ):
                r += 1
            grid[r][c] = (grid[r][c] + text) if grid[r][c] else text
        rows = tuple(tuple(r) for r in grid if any(r))
        if rows:
            items.append(PlacedTable(rows, ty * scale))
    height = image.size[1] * scale
    for ln in free:
        size = _type_size(ln) * scale
        items.append(
            PlacedText(
                ln.text.replace(CELL_MARK, " "),
                ln.top * scale,
                ln.bottom * scale,
                ln.x0 * scale,
                ln.x1 * scale,
                size,
                height,
                ocr=True,
            )
        )
    items.sort(key=lambda d: d.top)
    return OcrPage(_merge_same_line(items, gray), read.cached)


def _merge_same_line(items: list[Placed], gray=None) -> list[Placed]:
    """OCR may cut one printed line into several boxes: join boxes that share a line. Boxes
    apart by a blank of half a line or more on the page (measured on the image: the
    detector's boxes reach past their ink, and may overlap) are two cells of a row, and a
    space parts them, as a PDF's text layer has it; nearer, they are one run of text."""
    out: list[Placed] = []
    for it in items:
        prev = out[-1] if out else None
        if (
            isinstance(prev, PlacedText)
            and isinstance(it, PlacedText)
            and abs(it.top - prev.top) < it.size * 0.5
            and it.x0 > prev.x1 - it.size * 0.5
        ):
            apart = _blank_between(gray, prev, it) >= GAP * (it.bottom - it.top)
            out[-1] = replace(joined(prev, it), text=prev.text + (" " if apart else "") + it.text)
        else:
            out.append(it)
    return out


def _blank_between(gray, a: PlacedText, b: PlacedText) -> float:
    """The widest blank (no ink), in points, between the middle of box `a` and the middle of
    box `b` of one line on the page image; their distance apart where no image is given."""
    import numpy as np

    if gray is None:
        return b.x0 - a.x1
    k = DPI / 72
    top, bottom = int(min(a.top, b.top) * k), int(max(a.bottom, b.bottom) * k) + 1
    left, right = int((a.x0 + a.x1) / 2 * k), int((b.x0 + b.x1) / 2 * k)
    if right <= left or bottom <= top:
        return b.x0 - a.x1
    band = gray[top:bottom, left:right]
    cols = np.flatnonzero((band < float(np.median(band)) - INK).any(axis=0))
    if len(cols) < 2:
        return (right - left) / k
    return float(np.diff(cols).max() - 1) / k


def read_picture(path, fmt=None):  # fmt: Format.IMAGE, as extract.read passes it
    """A photo or scan saved as an image (.jpg, .png, .tif; every frame of a TIFF a page)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    from extract.errors import CorruptFile, EmptyFile
    from extract.model import Document, Format
    from extract.positioned import pages_from_items

    try:
        img = Image.open(path)
        frames = [f.copy() for f in ImageSequence.Iterator(img)][:60]
    except (UnidentifiedImageError, OSError) as exc:
        raise CorruptFile(f"corrupt image: {exc}") from exc
    raw = []
    engine_pages = 0
    for frame in frames:
        # bring the picture to the OCR resolution, taking an A4 page as the measure
        frame = frame.convert("RGB")
        scale = (11.69 * DPI) / max(frame.size)
        if abs(scale - 1) > 0.2:
            frame = frame.resize((round(frame.size[0] * scale), round(frame.size[1] * scale)))
        got = page_items(frame)
        raw.append(got.items)
        engine_pages += not got.cached
    if not any(items for items in raw):
        raise EmptyFile("no text found in the image")
    pages = pages_from_items(raw)
    return Document(
        Format.IMAGE,
        pages,
        len(raw),
        ocr=True,
        ocr_pages=len(raw),
        ocr_engine_pages=engine_pages,
        ocr_page_numbers=tuple(range(1, len(raw) + 1)),
    )
