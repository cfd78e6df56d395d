"""Which pages are OCR'd, and that each is OCR'd once.

A page with a usable text layer is read from it; a page whose layer is garbage (a font
embedded without a Unicode map: control codes, Latin-1 or ASCII-symbol mojibake), or a
page-sized picture under a few words, is read by OCR; a mixed PDF gets both. The OCR
engine's lines are cached in the dataset folder by page image, so a re-read after a
parser change (`--reprocess`) and a second file with the same pages run no OCR.

The PDFs here are made from the committed samples by real tools: the mojibake twin is
samples/000.pdf (LibreOffice's export) with its fonts' /ToUnicode maps renamed away,
the mixed PDF is pages of 000.pdf and of the scan 101.scan.pdf put together by pdfium.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from conftest import SAMPLES, comparable, copy_samples, read_table, run_cli

import jixiao
import jixiao.run
from extract import ocr
from extract.pdf import garbage, needs_ocr
from extract.positioned import PlacedText
from jixiao.progress import Progress, clock

needs_engine = pytest.mark.skipif(
    not any(importlib.util.find_spec(m) for m in ocr.ENGINES), reason="no OCR engine is installed"
)


# ---- the text layer: usable or garbage ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2022年我部门年初预算批复数403.51万元，全年预算数477.72万元",
        "1,234.56  7,890.12  98.36%  100  2022-12-31",  # a page of figures
        "Performance evaluation report of the county data centre, 2022",
        "第 3 页",
    ],
)
def test_a_text_layer_that_says_text_is_usable(text):
    assert not garbage(text)


@pytest.mark.parametrize(
    "text",
    [
        "\x01\x04\x05\x06\x07\x08\t\x01\x01\x01\n\x0b\x0c\r\x0e\x0f\x10\x11",  # codes 1..N of a subset font
        "\x06T+\x95e\x80\x95\x99\x9aX\x0c¡¢\x85\x0e£¤¥¦\x99\x9aX",  # the same past 0x7f
        "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß",  # Latin-1 where Chinese should be
        "!\"#$%&'()*+,-./0123 !#$&'*+4<=>?@[\\]^_`{|}~",  # codes from 0x21 on
        "(cid:12)(cid:34)(cid:56)(cid:78)",
        "\ue001\ue002\ue003\ue004",
    ],
)
def test_a_text_layer_of_mojibake_is_garbage(text):
    assert garbage(text)


def line(text: str) -> PlacedText:
    return PlacedText(text, 800.0, 810.0, 280.0, 320.0, 10.0, 842.0)


def test_a_scan_with_a_page_number_over_it_is_ocrd():
    """The layer says far fewer characters than the page shows: a page-sized picture
    under a page number."""
    assert needs_ocr([line("第 3 页")], picture=0.97)


def test_a_typed_page_with_a_photo_is_not_ocrd():
    assert not needs_ocr([line("第 3 页")], picture=0.2)
    assert not needs_ocr(
        [line("2022年我部门年初预算批复数403.51万元，全年预算数477.72万元。" * 2)], picture=0.97
    )


def test_an_empty_page_is_ocrd_only_when_it_holds_a_picture():
    assert needs_ocr([], picture=0.9)
    assert not needs_ocr([], picture=0.0)


def test_the_time_left_reads_as_a_clock():
    assert [clock(7), clock(190), clock(3725)] == ["7s", "3m10s", "1h02m"]


def test_progress_counts_ocr_pages_and_cache_hits():
    import io

    from export import FileRow, Result

    p = Progress(io.StringIO(), quiet=False)
    p.planned(2, 300)
    row = FileRow("a" * 64, "a.pdf", "a.pdf", "pdf", 100, 3, True, "ok", None, 1.0, "0", None, 3, 1)
    p(Result(row))
    assert (p.ocr_pages, p.ocr_cached) == (3, 2)
    assert p.ocr_line() == "OCR 3 pages (2 from cache)"
    assert p.left().endswith(" left")  # 200 of 300 bytes to go


# ---- real PDFs ----------------------------------------------------------------------------------


def mojibake_twin(src: Path, dest: Path) -> Path:
    """`src` with every font's /ToUnicode renamed to a key no reader knows (same length, so
    the cross-reference offsets hold): its text layer becomes the fonts' raw codes."""
    data = src.read_bytes()
    assert b"/ToUnicode" in data
    dest.write_bytes(data.replace(b"/ToUnicode", b"/XoUnicode"))
    return dest


def page_texts(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def mixed_pdf(dest: Path) -> Path:
    """Two typed pages of 000.pdf, then the two scanned pages of 101.scan.pdf."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    typed = pdfium.PdfDocument(str(SAMPLES / "000.pdf"))
    scan = pdfium.PdfDocument(str(SAMPLES / "101.scan.pdf"))
    out.import_pages(typed, [0, 1])
    out.import_pages(scan, [0, 1])
    out.save(str(dest))
    for d in (out, typed, scan):
        d.close()
    return dest


@pytest.fixture
def engine_calls(monkeypatch, tmp_path) -> Path:
    """A log with one line each time the OCR engine runs on a page, in any worker: the
    real engine, wrapped (the pool forks its workers after this is set)."""
    log = tmp_path / "engine-calls.log"
    log.write_text("")
    real = ocr.engine

    def counting() -> ocr.Engine:
        eng = real()

        def read(*args, **kw):
            with open(log, "a") as fh:
                fh.write("page\n")
            return eng.read(*args, **kw)  # type: ignore[operator]

        return ocr.Engine(read, eng.name)

    monkeypatch.setattr(ocr, "engine", counting)
    # no cache left on in this process by another test (jixiao review turns one on): each
    # test says which cache it reads
    monkeypatch.setattr(ocr, "_cache", None)
    return log


def calls(log: Path) -> int:
    return len(log.read_text().splitlines())


def files_row(out: Path, name: str) -> dict:
    df = read_table(out, "files")
    return df[df["file_name"] == name].iloc[0].to_dict()


@pytest.mark.slow
@needs_engine
def test_a_mojibake_pdf_is_read_by_ocr_like_its_clean_twin(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    clean = copy_samples(["000.pdf"], inp) / "000.pdf"
    moji = mojibake_twin(clean, inp / "000-mojibake.pdf")
    assert not any("\u4e00" <= ch <= "\u9fff" for t in page_texts(moji) for ch in t), (
        "no Chinese in its layer"
    )

    out = tmp_path / "out"
    assert run_cli([inp], out) == 0
    row = files_row(out, "000-mojibake.pdf")
    assert (row["status"], row["ocr"], row["ocr_pages"]) == ("ok", True, row["pages"])
    assert files_row(out, "000.pdf")["ocr_pages"] == 0

    reports = comparable(out, "reports").set_index("report_id")
    rid = {n: files_row(out, n)["report_id"] for n in ("000.pdf", "000-mojibake.pdf")}
    money = ["budget_initial", "budget_adjusted", "expenditure", "basic_expenditure", "project_expenditure"]
    got, want = reports.loc[rid["000-mojibake.pdf"]], reports.loc[rid["000.pdf"]]
    assert [got[c] for c in money] == [want[c] for c in money]
    assert got["unit_name"] == want["unit_name"] and got["self_score"] == want["self_score"]
    projects = comparable(out, "projects")
    twin = {
        r: projects[projects["report_id"] == r][["project_name", "budget_adjusted"]] for r in rid.values()
    }
    assert len(twin[rid["000-mojibake.pdf"]]) == len(twin[rid["000.pdf"]]) == 8
    assert sorted(twin[rid["000-mojibake.pdf"]]["budget_adjusted"]) == sorted(
        twin[rid["000.pdf"]]["budget_adjusted"]
    )


@pytest.mark.slow
@needs_engine
def test_a_mixed_pdf_is_ocrd_only_on_its_image_pages(tmp_path, engine_calls):
    import extract

    pdf = mixed_pdf(tmp_path / "mixed.pdf")
    doc = extract.read(pdf)
    assert (doc.page_count, doc.ocr, doc.ocr_pages) == (4, True, 2)
    assert calls(engine_calls) == 2
    typed, scanned = doc.pages[0].text + doc.pages[1].text, doc.pages[2].text + doc.pages[3].text
    assert "龙山县大数据中心" in typed and "403.51" in typed  # the typed pages, from their text layer
    assert "校舍维修改造" in scanned  # the scanned pages, read by OCR


@pytest.mark.slow
@needs_engine
def test_reprocess_and_a_second_copy_of_a_scan_run_no_ocr(tmp_path, monkeypatch, engine_calls):
    inp = copy_samples(["101.scan.pdf"], tmp_path / "in")
    out = tmp_path / "out"
    with monkeypatch.context() as m:  # a run by jixiao 0.0.1: the same code, another version
        m.setattr(jixiao.run, "__version__", "0.0.1")
        m.setattr(jixiao, "__version__", "0.0.1")
        assert run_cli([inp], out) == 0
    assert calls(engine_calls) == 2
    first = files_row(out, "101.scan.pdf")
    assert (first["ocr_pages"], first["ocr_engine_pages"]) == (2, 2)
    projects_before = comparable(out, "projects")

    # a parser change: --reprocess reads the scan again, and takes its OCR from the cache
    assert run_cli([inp], out, "--reprocess") == 0
    again = files_row(out, "101.scan.pdf")
    assert again["extractor_version"] == jixiao.run.__version__
    assert (again["ocr_pages"], again["ocr_engine_pages"]) == (2, 0)
    assert calls(engine_calls) == 2, "no page was OCR'd again"
    assert comparable(out, "projects").equals(projects_before)

    # the same scan again in other bytes (a PDF with a comment appended): a new report id,
    # the same page images, no OCR
    (inp / "101-again.pdf").write_bytes((SAMPLES / "101.scan.pdf").read_bytes() + b"\n% sent twice\n")
    assert run_cli([inp], out) == 0
    copy = files_row(out, "101-again.pdf")
    assert copy["report_id"] != again["report_id"]
    assert (copy["status"], copy["ocr_pages"], copy["ocr_engine_pages"]) == ("ok", 2, 0)
    assert calls(engine_calls) == 2


@pytest.mark.slow
@needs_engine
def test_a_damaged_cache_entry_is_read_again(tmp_path, engine_calls):
    """A cache file cut short (a full disk) costs one OCR, never the page."""
    import extract

    ocr.cache_in(tmp_path / "cache")
    try:
        first = extract.read(SAMPLES / "101.scan.pdf")
        for entry in (tmp_path / "cache").rglob("*.json"):
            entry.write_text(entry.read_text()[:20])
        second = extract.read(SAMPLES / "101.scan.pdf")
    finally:
        ocr.cache_in(None)
    assert calls(engine_calls) == 4
    assert second.text == first.text


# ---- a scanned form's cells -----------------------------------------------------------------------


def ruled_page(cells: dict[tuple[int, int], str], rows: int = 3, cols: int = 4, skew: int = 0):
    """A white page image at the OCR resolution with a ruled table of rows x cols cells,
    the given text in the given cells (a DejaVu font: digits and signs), and its right
    half `skew` pixels lower than its left (a sheet not flat on the scanner)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 22)
    img = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(img)
    x0, y0, w, h = 150, 300, 220, 60
    for r in range(rows + 1):
        y = y0 + r * h
        mid = x0 + cols * w // 2
        draw.line([(x0, y), (mid, y)], fill="black", width=2)
        draw.line([(mid, y + skew), (x0 + cols * w, y + skew)], fill="black", width=2)
    for c in range(cols + 1):
        x = x0 + c * w
        dy = skew if x > x0 + cols * w // 2 else 0
        draw.line([(x, y0 + dy), (x, y0 + rows * h + dy)], fill="black", width=2)
    for (r, c), text in cells.items():
        dy = skew if c >= cols // 2 else 0
        draw.text((x0 + c * w + w // 2, y0 + r * h + h // 2 + dy), text, fill="black", font=font, anchor="mm")
    return img


needs_font = pytest.mark.skipif(
    not Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").exists(), reason="no DejaVu font"
)


@pytest.mark.slow
@needs_engine
@needs_font
def test_a_lone_digit_in_a_cell_is_read():
    """The detector passes over a single narrow glyph in a wide cell; the cell is read alone."""
    import numpy as np

    img = ruled_page({(0, 0): "2022", (1, 0): "2023", (1, 2): "1"})
    pixels = np.asarray(img)
    box = (150 + 2 * 220, 300 + 60, 150 + 3 * 220, 300 + 120)
    assert [ln.text for ln in ocr._read_cells(ocr.engine(), pixels, [box])] == ["1"]
    tables = [it for it in ocr.page_items(img).items if not isinstance(it, PlacedText)]
    assert len(tables) == 1 and tables[0].rows[1][2] == "1"  # type: ignore[attr-defined]


@pytest.mark.slow
@needs_engine
@needs_font
def test_a_row_lower_at_one_end_stays_one_row():
    figures = {
        (0, 0): "2022",
        (0, 3): "403.51",
        (1, 0): "2023",
        (1, 3): "477.72",
        (2, 0): "2024",
        (2, 3): "98.36",
    }
    tables = [
        it for it in ocr.page_items(ruled_page(figures, skew=10)).items if not isinstance(it, PlacedText)
    ]
    assert len(tables) == 1
    rows = [(r[0], r[-1]) for r in tables[0].rows]  # type: ignore[attr-defined]
    assert rows == [("2022", "403.51"), ("2023", "477.72"), ("2024", "98.36")]


def test_bands_join_cells_that_share_most_of_their_extent():
    # two rows, the right-hand cells 10 px lower; a merged cell spanning both rows
    spans = [(300, 360), (310, 370), (360, 420), (370, 430), (300, 420)]
    starts, band = ocr._bands(spans)
    assert starts == [300, 360] and band == [0, 0, 1, 1, 0]


@pytest.mark.slow
@needs_engine
@pytest.mark.parametrize("turned", [90, 270])
def test_a_page_scanned_sideways_reads_as_the_upright_page(turned):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(SAMPLES / "101.scan.pdf"))
    upright = pdf[0].render(scale=ocr.DPI / 72).to_pil()
    pdf.close()

    def text(page: ocr.OcrPage) -> list[str]:
        return [it.text for it in page.items if isinstance(it, PlacedText)][:6]

    want = text(ocr.page_items(upright))
    assert want[0].startswith("青山县教育局2023年度")
    assert text(ocr.page_items(upright.rotate(turned, expand=True))) == want


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("rapidocr_onnxruntime") is None, reason="no ONNX Runtime engine")
def test_the_onnxruntime_engine_reads_the_scan_as_openvino_does(monkeypatch):
    """ONNX Runtime is the fallback where OpenVINO is not installed (not x86): the same
    pipeline, batches padded the same way, reads the sample scan's figures."""
    import extract

    monkeypatch.setenv("JIXIAO_OCR_ENGINE", "rapidocr_onnxruntime")
    ocr.engine.cache_clear()
    try:
        assert ocr.engine().name.startswith("rapidocr_onnxruntime")
        doc = extract.read(SAMPLES / "101.scan.pdf")
    finally:
        ocr.engine.cache_clear()
    assert doc.ocr_pages == 2
    assert "校舍维修改造" in doc.text and "920.50" in doc.text


CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")


@pytest.mark.slow
@needs_engine
@pytest.mark.skipif(not CJK_FONT.exists(), reason="no Noto CJK font (fonts-noto-cjk)")
def test_a_row_of_an_unruled_form_keeps_its_cells_apart():
    """A form without ruling lines: the detector takes a row's cells for one text box, and
    the recogniser reads them run together (1.2万亩1.2万亩1010). The blank columns between
    them part the row, as a PDF's text layer parts its cells with spaces; a sentence with a
    full-width comma in it is left as it is."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(CJK_FONT), 22)
    img = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(img)
    x = 150
    for cell in ("造林面积", "1.2万亩", "1.2万亩", "10", "10"):
        draw.text((x, 400), cell, fill="black", font=font)
        x += int(draw.textlength(cell, font=font)) + 30  # about 1.4 characters apart
    draw.text((150, 500), "全年预算数477.72万元，执行率100%，自评得分98.5分。", fill="black", font=font)
    texts = [it.text for it in ocr.page_items(img).items if isinstance(it, PlacedText)]
    assert texts[0] == "造林面积 1.2万亩 1.2万亩 10 10"
    assert texts[1] == "全年预算数477.72万元，执行率100%，自评得分98.5分。"
