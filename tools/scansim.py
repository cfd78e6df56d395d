"""Simulate scanning: turn text PDFs into image-only PDFs that look printed, signed, stamped and scanned.

    python tools/scansim.py IN_DIR OUT_DIR [--seed 1] [--dpi 150] [--limit N]

For every X.pdf in IN_DIR (not *.scan.pdf) writes OUT_DIR/X.scan.pdf: each page rendered with
pypdfium2 at the scan resolution, put through the scanner model below, and saved as an
image-only PDF of JPEG pages (Pillow writes RGB pages as DCT). The random choices depend only
on --seed and the file name, so every file is reproducible on its own. Text stays readable:
each effect is mild enough that a person could still read every figure.

The effects, in the order a page meets them, what each models, and how often (per file/page):
  faint      worn toner: ink darkness through a gamma, thin strokes grey but legible  20% of pages
  streak     a dirty drum: a faint vertical line down the page                        8% of pages
  signature  a handwritten squiggle in blue ink after where the last page is signed (a date
             among its last lines, else 负责人/签字/盖章)                 60% of files signed so
  seal       the red official seal (公章): ring, star, the unit's name along the arc (else
             财务专用章), tilted, uneven ink, multiply-blended so black text under it shows;
             over the signing place (骑年盖月) 75% of the time it exists, else over a table's
             ruling lines, else in a page's lower half                              70% of files
  sideways   a landscape form printed on its side and scanned upright: the last page with
             ruling lines (else the last page) turned 90 or 270 degrees              5% of files
  warp       paper not flat on the glass: one side of a page (or a band) 4-12 px lower or
             higher than the rest, a smooth step over ~100 px (cv2.remap)           15% of files
  skew       the sheet fed askew: rotation -1.5..+1.5 degrees                       85% of pages
  shift      the sheet not aligned: offset up to ~2.5 mm, scale 0.98..1.02           every page
  paper      off-white or grey paper (225..245, a slight tint), uneven illumination  every file
  dust       dark specks on the glass, 0..12 a page                                  every page
  blur       optics slightly out of focus, gaussian sigma 0.5..1.0 px               35% of pages
  levels     the scanner's auto-exposure: contrast and brightness jitter             every page
  noise      sensor noise, gaussian sigma 4..10                                      every page
  jpeg       compression artefacts, quality 60..85                                   every file
"""

from __future__ import annotations

import argparse
import glob
import math
import random
import re
import subprocess
import time
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
SIGN = re.compile(r"(负责人|签字|签章|签名|经办人|盖章)\s*[:：]?")
ORG = r"(?:局|中心|委员会|办公室|办事处|院|所|站|队|馆|处|学校|政府|厅|协会)"
UNITS = (  # where a report names its unit: the signature line, the title, a "单位名称" cell
    re.compile(r"^\s*([\u4e00-\u9fff（）()]{3,24}" + ORG + r")\s*$", re.M),
    re.compile(r"^\s*([\u4e00-\u9fff]{3,20}?" + ORG + r")\s*(?:20\d\d|关于)", re.M),
    re.compile(r"单位(?:名称)?[（(]?(?:盖章|公章)?[）)]?\s*[:：]?\s*([\u4e00-\u9fff]{3,24}?" + ORG + ")"),
)
WHITE = (255.0, 255.0, 255.0)


def find_font() -> tuple[str, int] | None:
    """A CJK font for the seal's text (path, index of its Simplified Chinese face), or None."""
    paths = glob.glob("/usr/share/fonts/**/Noto*CJK*.tt[cf]", recursive=True)
    paths.sort(key=lambda p: ("Serif" not in p, "Bold" not in p, p))
    if not paths:
        try:
            out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=20)
            paths = sorted(line.split(":")[0].strip() for line in out.stdout.splitlines() if line.strip())
        except (OSError, subprocess.SubprocessError):
            return None
    for path in paths:
        for index in range(8):
            try:
                name = ImageFont.truetype(path, 10, index=index).getname()[0]
            except OSError:
                break
            if "SC" in name:
                return path, index
    return (paths[0], 0) if paths else None


def unit_name(text: str) -> str:
    """The unit's name for the seal's arc, or the generic 财务专用章 when the report names none."""
    return next((m.group(1) for p in UNITS for m in [p.search(text)] if m), "财务专用章")


def sign_box(page, scale: float) -> tuple[float, float, float, float] | None:
    """Where the report is signed on its last page, as a pixel box: a date among its last lines,
    else the last signing label (负责人, 签字, 盖章, ...)."""
    tp = page.get_textpage()
    text = tp.get_text_range()
    if len(text) != tp.count_chars():
        return None
    dates = [m for m in DATE.finditer(text) if len(text[m.end() :].strip()) < 60]
    m = (dates or list(SIGN.finditer(text)) or [None])[-1]
    boxes = [b for b in (tp.get_charbox(i) for i in range(m.start(), m.end())) if b[2] > b[0]] if m else []
    if not boxes:
        return None
    x0, x1, top, bottom = min(b[0] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes), min(b[1] for b in boxes)  # fmt: skip
    h = page.get_height()
    return (x0 * scale, (h - top) * scale, x1 * scale, (h - bottom) * scale)


def table_box(a: np.ndarray) -> tuple[int, int, int, int] | None:
    """The largest block of ruling lines on a page (x0, y0, x1, y1), or None."""
    ink = (a.min(axis=2) < 200).astype(np.uint8)
    w = a.shape[1]
    hor = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (w // 8, 1)))
    ver = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, w // 25)))
    if not hor.any() or not ver.any():
        return None
    n, _, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(hor | ver, np.ones((9, 9), np.uint8)))
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, bw, bh = (int(v) for v in stats[i, :4])
    return (x, y, x + bw, y + bh) if bh > w // 20 else None


def ink(a: np.ndarray, mask: np.ndarray, x0: int, y0: int, colour) -> None:
    """Print `mask` (ink amount 0..1) at (x0, y0) in `colour`, multiplied over the page."""
    h, w = mask.shape
    ys, xs = max(0, -y0), max(0, -x0)
    ye, xe = min(h, a.shape[0] - y0), min(w, a.shape[1] - x0)
    if ye <= ys or xe <= xs:
        return
    m = mask[ys:ye, xs:xe, None]
    region = a[y0 + ys : y0 + ye, x0 + xs : x0 + xe]
    region *= 1 - m * (1 - np.asarray(colour, np.float32) / 255)


def faint(a: np.ndarray, rng: random.Random) -> np.ndarray:
    dark = (255 - a) / 255
    return 255 - 255 * rng.uniform(0.7, 0.88) * dark ** rng.uniform(1.3, 1.7)


def streak(a: np.ndarray, rng: random.Random, nrng: np.random.Generator) -> None:
    x, w = rng.randrange(a.shape[1] // 10, a.shape[1] * 9 // 10), rng.randint(1, 3)
    along = np.clip(nrng.normal(rng.uniform(0.05, 0.15), 0.03, (a.shape[0], 1, 1)), 0, 0.25)
    a[:, x : x + w] *= 1 - along.astype(np.float32)


def signature(a: np.ndarray, rng: random.Random, box, dpi: int) -> None:
    """Two or three cursive pen strokes in dark blue after the date: slanted loops (a prolate cycloid)."""
    s = dpi / 150
    w, h = int(rng.uniform(150, 210) * s), int(rng.uniform(45, 65) * s)
    img = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(img)
    x, slant, n = rng.uniform(0.05, 0.1) * w, rng.uniform(0.2, 0.5), rng.randint(2, 3)
    for _ in range(n):
        length = rng.uniform(0.6, 0.9) * w / n
        t = np.linspace(0, 1, 160)
        turns = rng.uniform(2.5, 5) * 2 * math.pi
        phase = turns * t + 0.6 * np.sin(rng.uniform(3, 8) * t + rng.uniform(0, 6))
        amp = h * (0.22 + 0.15 * np.sin(rng.uniform(2, 6) * t + rng.uniform(0, 6)))
        yc = h * (0.5 + rng.uniform(-0.1, 0.1)) - rng.uniform(-0.15, 0.15) * h * t
        y = yc - amp * np.sin(phase)
        xs = x + length * t + rng.uniform(0.03, 0.06) * w * np.cos(phase) + slant * (h / 2 - y)
        draw.line(list(zip(xs, y)), fill=255, width=max(2, round(rng.uniform(1.6, 2.4) * s)), joint="curve")
        x += length + rng.uniform(0.03, 0.08) * w
    if rng.random() < 0.5:  # a flourish under the name
        y0 = rng.uniform(0.8, 0.95) * h
        draw.line(
            [(0.1 * w, y0), (min(x, w - 2), y0 - rng.uniform(0, 0.2) * h)],
            fill=255,
            width=max(2, round(2 * s)),
        )
    mask = cv2.GaussianBlur(np.asarray(img, np.float32) / 255, (0, 0), 0.6) * rng.uniform(0.8, 0.95)
    x0 = int(box[2] + rng.uniform(2, 25) * s)
    y0 = int((box[1] + box[3]) / 2 - h * rng.uniform(0.55, 0.8))
    ink(a, mask, x0, y0, (rng.randint(20, 50), rng.randint(30, 60), rng.randint(110, 150)))


def make_seal(rng: random.Random, nrng: np.random.Generator, font, text: str, dpi: int) -> np.ndarray:
    """The seal's ink (0..1): a ring, a five-pointed star, the unit name along the upper arc."""
    ss = 2  # drawn at twice the size, then reduced: smooth edges
    r = rng.uniform(0.78, 0.95) * dpi * ss
    ring = rng.uniform(3.5, 5) * dpi / 150 * ss
    size = int(2 * r + 4 * ring)
    c = size / 2
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    draw.ellipse((c - r, c - r, c + r, c + r), outline=255, width=round(ring))
    rs = r * rng.uniform(0.26, 0.32)
    star = [(c + (rs if k % 2 == 0 else rs * 0.382) * math.cos(math.radians(-90 + 36 * k)),
             c + (rs if k % 2 == 0 else rs * 0.382) * math.sin(math.radians(-90 + 36 * k))) for k in range(10)]  # fmt: skip
    draw.polygon(star, fill=255)
    if font and text:
        fs = r * 0.21
        rt = r - ring - fs * 0.75
        step = min(fs * 1.1 / rt, math.radians(250) / len(text))
        fs = min(fs, step * rt / 1.05)
        face = ImageFont.truetype(font[0], max(8, round(fs)), index=font[1])
        for i, ch in enumerate(text):
            theta = (i + 0.5 - len(text) / 2) * step  # clockwise from the top
            glyph = Image.new("L", (int(fs * 1.6),) * 2, 0)
            mid = glyph.width / 2
            ImageDraw.Draw(glyph).text((mid, mid), ch, fill=255, font=face, anchor="mm")
            glyph = glyph.rotate(-math.degrees(theta), resample=Image.BICUBIC)
            gx, gy = c + rt * math.sin(theta) - glyph.width / 2, c - rt * math.cos(theta) - glyph.height / 2
            img.paste(255, (int(gx), int(gy)), glyph)
    img = img.rotate(rng.uniform(-25, 25), resample=Image.BICUBIC)
    img = img.resize((size // ss, size // ss), Image.LANCZOS)
    mask = np.asarray(img, np.float32) / 255
    blotch = nrng.uniform(0.55, 1.0, (6, 6)).astype(np.float32)  # uneven ink: pale and dark patches
    blotch = cv2.resize(blotch, mask.shape[::-1], interpolation=cv2.INTER_CUBIC)
    grain = nrng.uniform(0.8, 1.0, mask.shape).astype(np.float32)
    return np.clip(mask * blotch * grain * rng.uniform(0.75, 0.95), 0, 1)


def warp(a: np.ndarray, rng: random.Random, d: float, dpi: int) -> np.ndarray:
    """Shift the page right of x0 (or a band of columns) down by d px, a smooth step over ~100 px."""
    h, w = a.shape[:2]
    t = 100 * dpi / 150
    x = np.arange(w, dtype=np.float32)

    def step(x0: float) -> np.ndarray:
        s = np.clip((x - x0) / t, 0, 1)
        return s * s * (3 - 2 * s)

    x0 = rng.uniform(0.25, 0.6) * w
    s = step(x0) - (step(rng.uniform(x0 + 2 * t, w)) if rng.random() < 0.3 else 0)
    map_x = np.broadcast_to(x, (h, w)).astype(np.float32)
    map_y = (np.arange(h, dtype=np.float32)[:, None] - d * s[None, :]).astype(np.float32)
    return cv2.remap(a, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=WHITE)


def skew(a: np.ndarray, angle: float, rng: random.Random, dpi: int) -> np.ndarray:
    """Rotate by `angle` degrees and misplace the sheet a little (offset, scale); white fill."""
    h, w = a.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, rng.uniform(0.98, 1.02))
    m[:, 2] += [rng.uniform(-0.1, 0.1) * dpi, rng.uniform(-0.1, 0.1) * dpi]
    return cv2.warpAffine(a, m, (w, h), borderValue=WHITE)  # bilinear, constant border


def sensor(a: np.ndarray, rng: random.Random, nrng: np.random.Generator, paper, notes: list) -> np.ndarray:
    """Paper colour and illumination, dust, blur, exposure, noise."""
    h, w = a.shape[:2]
    light = 1 + rng.uniform(-0.03, 0.03) * np.linspace(-1, 1, w, dtype=np.float32)[None, :, None]
    a = a * (np.asarray(paper, np.float32) / 255) * light
    for _ in range(rng.randint(0, 12)):
        speck = (rng.randrange(w), rng.randrange(h))
        cv2.circle(a, speck, rng.randint(0, 2), (rng.uniform(40, 160),) * 3, -1)
    if rng.random() < 0.35:
        notes.append("blur")
        a = cv2.GaussianBlur(a, (0, 0), rng.uniform(0.5, 1.0))
    a = (a - 128) * rng.uniform(0.92, 1.08) + 128 + rng.uniform(-6, 4)
    a += nrng.normal(0, rng.uniform(4, 10), (h, w, 1)).astype(np.float32)
    return np.clip(a, 0, 255)


def scan_file(src: Path, dst: Path, seed: int, dpi: int, font) -> str:
    rng = random.Random(f"{seed}:{src.name}")
    nrng = np.random.default_rng(rng.getrandbits(64))
    pdf = pdfium.PdfDocument(str(src))
    pages = [np.asarray(page.render(scale=dpi / 72).to_pil().convert("RGB"), np.float32) for page in pdf]
    unit = unit_name("\n".join(page.get_textpage().get_text_range().replace("\r", "") for page in pdf))
    signed = sign_box(pdf[len(pdf) - 1], dpi / 72)
    pdf.close()
    n, last = len(pages), len(pages) - 1
    notes: dict[str, list[str]] = {}

    def note(key: str, text: str) -> None:
        notes.setdefault(key, []).append(text)

    for i, a in enumerate(pages):
        if rng.random() < 0.2:
            pages[i] = faint(a, rng)
            note("faint", f"p{i + 1}")
        if rng.random() < 0.08:
            streak(pages[i], rng, nrng)
            note("streak", f"p{i + 1}")
    if signed and rng.random() < 0.6:
        signature(pages[last], rng, signed, dpi)
        note("sign", f"p{n}")
    if rng.random() < 0.7:
        seal = make_seal(rng, nrng, font, unit, dpi)
        tables = [(i, b) for i, b in ((i, table_box(a)) for i, a in enumerate(pages)) if b]
        if signed and (rng.random() < 0.75 or not tables):
            i, (x0, y0, x1, y1), where = last, signed, "signature"
            cx, cy = (x0 + x1) / 2 + rng.uniform(-0.3, 0.3) * dpi, y0 - rng.uniform(0, 0.4) * dpi
        elif tables:
            i, (x0, y0, x1, y1) = rng.choice(tables)
            cx, cy, where = rng.uniform(x0, max(x0, x1 - seal.shape[1] / 2)), rng.uniform(y0, y1), "table"
        else:
            i, where = rng.randrange(n), "lower half"
            h, w = pages[i].shape[:2]
            cx, cy = rng.uniform(0.25, 0.75) * w, rng.uniform(0.55, 0.85) * h
        ink(pages[i], seal, int(cx - seal.shape[1] / 2), int(cy - seal.shape[0] / 2), (rng.randint(200, 235), rng.randint(25, 60), rng.randint(30, 60)))  # fmt: skip
        note("seal", f"p{i + 1} ({where}{', ' + unit if font else ''})")
    if rng.random() < 0.05:
        i = next((i for i in range(last, -1, -1) if table_box(pages[i])), last)
        k = rng.choice((1, 3))
        pages[i] = np.ascontiguousarray(np.rot90(pages[i], k))  # = Image.rotate(90 * k, expand=True)
        note("sideways", f"p{i + 1} ({90 * k})")
    warped = rng.sample(range(n), min(n, rng.randint(1, 2))) if rng.random() < 0.15 else []
    base = rng.uniform(225, 245)  # the paper's white, a little yellow or blue
    paper = (base, base + rng.uniform(-2, 1), base - rng.uniform(-2, 6))
    quality = rng.randint(60, 85)
    angles, images = [], []
    for i in range(n):
        a, pages[i] = pages[i], None  # free each page as it is scanned
        if i in warped:
            d = rng.choice((-1, 1)) * rng.uniform(4, 12) * dpi / 150
            a = warp(a, rng, d, dpi)
            note("warp", f"{d:+.0f}px p{i + 1}")
        angle = rng.uniform(-1.5, 1.5) if rng.random() < 0.85 else 0.0
        angles.append(angle)
        page_notes: list[str] = []
        a = sensor(skew(a, angle, rng, dpi), rng, nrng, paper, page_notes)
        for key in page_notes:
            note(key, f"p{i + 1}")
        images.append(Image.fromarray(a.astype(np.uint8), "RGB"))
    dst.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(dst, "PDF", resolution=dpi, save_all=True, append_images=images[1:], quality=quality)
    skews = [x for x in angles if x]
    parts = [
        f"{n} pages",
        f"skew {min(skews):+.1f}..{max(skews):+.1f}" if skews else "no skew",
        f"jpeg q{quality}",
    ]
    parts += [f"{key} {','.join(v)}" for key, v in notes.items()]
    return f"{dst.name}: " + ", ".join(parts)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("in_dir", type=Path)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args(argv)
    files = sorted(p for p in args.in_dir.glob("*.pdf") if not p.name.endswith(".scan.pdf"))[: args.limit]
    font = find_font()
    if font is None:
        print("no CJK font found: seals carry no text")
    start = time.monotonic()
    for src in files:
        try:
            print(
                scan_file(src, args.out_dir / f"{src.stem}.scan.pdf", args.seed, args.dpi, font), flush=True
            )
        except pdfium.PdfiumError as e:  # an unreadable PDF: report it, scan the others
            print(f"{src.name}: skipped, {e}", flush=True)
    print(f"{len(files)} files in {time.monotonic() - start:.0f} s -> {args.out_dir}")


if __name__ == "__main__":
    main()
