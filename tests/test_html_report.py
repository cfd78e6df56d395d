"""`jixiao report DIR --html FILE` opened in a real headless Chromium (Debian's `chromium`,
driven by Playwright with executable_path, no downloaded browser).

The page must open with no console error and no request beyond the file itself, show
every section, draw its charts (checked on a screenshot, not only in the DOM), and keep
a report's `<script>` and `<img onerror>` as inert text. Skipped with a reason when no
Chromium or no Playwright is installed (tools/setup.sh installs both).
"""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SAMPLES, copy_samples, run_cli

pytestmark = pytest.mark.slow  # the page is opened in headless Chromium

SAMPLE_NAMES = ("000.txt", "000.docx", "101.docx", "201.docx", "202.xlsx", "203.docx")
SECTIONS = ("filters", "totals", "units", "distribution", "findings", "problems")
CHARTS = ("chart-totals", "chart-units", "chart-rates", "chart-scores")
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
# a department report whose heading (its title) and problem items carry markup
HOSTILE = f"""## 青山县{SCRIPT}测试中心{IMG} 2023 年部门整体支出绩效自评报告

### 一、资金拨付及执行情况

2023 年我部门年初预算批复数 100.00 万元，全年预算数 120.00 万元，年终决算数 110.00 万元，预算总体执行率为 91.67%。其中基本支出 60.00 万元，项目支出 50.00 万元。

部门整体支出绩效自评得分 85 分。

### 三、存在的问题及改进措施

存在的问题：

（一）<script>window.__pwned=3</script>资金拨付不及时。

（二）<img src=x onerror="window.__pwned=4">绩效目标设置不够细化。

2024 年 3 月 1 日
"""
BUDGET_BLUE = (0x4E, 0x79, 0xA7)  # SERIES[0] in export/html_report.py
HIST_GREEN = (0x59, 0xA1, 0x4F)


def chromium() -> str | None:
    found = os.environ.get("JIXIAO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return found if found and Path(found).exists() else None


def _add_hostile_unit(out: Path) -> None:
    """A reports row whose unit name itself is markup (the normalizer would not take such a name
    from text), committed through the store, so the filter options and data-unit carry it too."""
    import pyarrow as pa

    from export.dataset import Store
    from export.schema import arrow_schema

    row = {f.name: None for f in arrow_schema("reports")}
    row.update(
        report_id="f" * 64,
        report_kind="project",
        unit_name=f"白沙镇{SCRIPT}{IMG}",
        fiscal_year=2023,
        budget_adjusted=Decimal("300000.00"),
        expenditure=Decimal("150000.00"),
        self_score=Decimal("70"),
    )
    Store(out).commit({"reports": pa.Table.from_pylist([row], schema=arrow_schema("reports"))})


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("html")
    inp = copy_samples(SAMPLE_NAMES, base / "in")
    (inp / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    out = base / "out"
    assert run_cli([inp], out) == 0
    _add_hostile_unit(out)
    return out


@pytest.fixture(scope="module")
def page_html(dataset) -> Path:
    from jixiao.cli import main

    html = dataset.parent / "report.html"
    assert main(["report", str(dataset), "--html", str(html)]) == 0
    return html


def open_in_chromium(html: Path, shot: Path) -> dict:
    """Open the page; what the browser saw: console errors, requests, the DOM facts the tests need."""
    if chromium() is None:
        pytest.skip("no chromium installed (apt-get install chromium; tools/setup.sh does)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright not installed (pip install '.[dev]')"
    )
    url = html.resolve().as_uri()
    errors: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1200})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url) if r.url != url else None)
            page.goto(url, wait_until="load")
            seen = page.evaluate("""() => ({
                pwned: window.__pwned === undefined ? null : window.__pwned,
                sections: [...document.querySelectorAll('section[id], nav[id]')].map(e => e.id),
                rects: Object.fromEntries([...document.querySelectorAll('svg[id]')].map(
                    s => [s.id, s.querySelectorAll('rect').length])),
                scripts: document.querySelectorAll('script').length,
                imgs: document.querySelectorAll('img').length,
                text: document.body.innerText,
                units: [...document.querySelectorAll('#f-unit option')].map(o => o.value),
                years: [...document.querySelectorAll('#f-year option')].map(o => o.value),
            })""")
            page.screenshot(path=str(shot), full_page=True)
            boxes = {c: page.locator(f"#{c}").bounding_box() for c in seen["rects"]}
            seen["filtered"] = _filter_by_first_year(page, seen["years"])
        finally:
            browser.close()
    return {**seen, "errors": errors, "requests": requests, "boxes": boxes}


def _filter_by_first_year(page, years: list[str]) -> dict:
    """Choose the first year in the filter; which unit rows and histogram cells stay visible."""
    if len(years) < 2:
        return {}
    page.select_option("#f-year", years[1])
    return page.evaluate("""() => ({
        rows: [...document.querySelectorAll('#units-table tbody tr')].filter(r => r.style.display !== 'none')
              .map(r => r.dataset.year),
        cells: [...document.querySelectorAll('#chart-rates rect.item')].filter(r => r.style.display !== 'none').length,
        counted: [...document.querySelectorAll('#chart-rates text.count')].reduce((a, t) => a + +t.textContent, 0),
    })""")


def colour_count(
    png: Path, box: dict | None = None, colour: tuple[int, int, int] | None = None
) -> tuple[int, int]:
    """(distinct colours, pixels of `colour` or else non-white pixels) in the screenshot or a box of it."""
    from PIL import Image

    with Image.open(png) as im:
        rgb = im.convert("RGB")
        if box:
            rgb = rgb.crop(
                (int(box["x"]), int(box["y"]), int(box["x"] + box["width"]), int(box["y"] + box["height"]))
            )
        colours = rgb.getcolors(maxcolors=1 << 24) or []
    want = (lambda c: c == colour) if colour else (lambda c: c != (255, 255, 255))
    return len(colours), sum(n for n, c in colours if want(c))


@pytest.fixture(scope="module")
def seen(page_html) -> dict:
    shot = page_html.with_suffix(".png")
    result = open_in_chromium(page_html, shot)
    shutil.copyfile(shot, "/tmp/jixiao-report.png")  # for a person to look at
    result["shot"] = shot
    return result


# ---- without a browser ------------------------------------------------------------------------
def test_report_needs_a_dataset(tmp_path):
    from jixiao.cli import main

    assert main(["report", str(tmp_path / "nothing"), "--html", str(tmp_path / "r.html")]) == 2


def test_markup_from_documents_is_escaped(page_html, dataset):
    import pandas as pd

    text = page_html.read_text(encoding="utf-8")
    titles = pd.read_parquet(dataset / "reports.parquet")["title"].dropna()
    assert titles.str.contains("<script>", regex=False).any(), "the hostile title did not reach the dataset"
    assert "__pwned" in text and "<script>window.__pwned" not in text and "<img src=x" not in text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in text
    assert "\\u003cscript\\u003ewindow.__pwned=1" in text  # the unit in the filters' JSON


def test_money_is_shown_in_wan_exactly(page_html):
    text = page_html.read_text(encoding="utf-8")
    assert "1,313.80" in text and "1,288.42" in text  # 青山县农业农村局: 13138000.00 and 12884200.00 yuan
    assert "本次合并 1 份" in text  # 000.txt and 000.docx are one report: the 2022 total counts it once


def test_problems_section_explains_an_older_dataset(dataset, tmp_path):
    from export.html_report import render

    old = tmp_path / "old"
    old.mkdir()
    for name in ("files", "reports", "projects", "findings", "amounts"):
        (old / f"{name}.parquet").symlink_to((dataset / f"{name}.parquet").resolve())
    html = render(old)
    assert 'id="problems"' in html and "还没有 problems 表" in html
    assert "还没有 problems 表" not in render(dataset)


# ---- in Chromium ------------------------------------------------------------------------------
def test_opens_offline_without_errors(seen):
    assert seen["errors"] == []
    assert seen["requests"] == []


def test_every_section_is_shown(seen):
    assert set(SECTIONS) <= set(seen["sections"])
    for label in (
        "县域合计",
        "预算数",
        "执行数",
        "执行率",
        "自评得分",
        "发现的问题",
        "反复出现的问题",
        "文件与页码",
    ):
        assert label in seen["text"], label


def test_injected_markup_stays_inert(seen):
    assert seen["pwned"] is None
    assert seen["scripts"] == 2 and seen["imgs"] == 0  # the page's JSON and its one script
    assert SCRIPT in seen["text"] and IMG in seen["text"]
    assert f"白沙镇{SCRIPT}{IMG}" in seen["units"]


def test_charts_drew(seen):
    for chart in CHARTS:
        assert seen["rects"].get(chart, 0) > 0, chart
    colours, inked = colour_count(seen["shot"])
    assert colours > 50 and inked > 50_000, (colours, inked)
    assert colour_count(seen["shot"], seen["boxes"]["chart-units"], BUDGET_BLUE)[1] > 500
    assert colour_count(seen["shot"], seen["boxes"]["chart-rates"], HIST_GREEN)[1] > 500


def test_year_filter_hides_other_years(seen):
    f = seen["filtered"]
    year = seen["years"][1]
    assert f["rows"] and set(f["rows"]) == {year}
    assert f["cells"] == f["counted"] > 0


# ---- the development corpus -------------------------------------------------------------------
@pytest.mark.corpus
def test_corpus_report_opens_clean(shared, tmp_path):
    rendered = shared / "corpus" / "rendered"
    if not rendered.is_dir():
        pytest.skip("no rendered corpus in ../shared")
    if chromium() is None:
        pytest.skip("no chromium installed")
    inp = tmp_path / "in"
    inp.mkdir()
    for path in sorted(rendered.glob("*.docx")):  # Word only, to be quick
        shutil.copyfile(path, inp / path.name)
    shutil.copyfile(SAMPLES / "203.docx", inp / "sample-203.docx")
    out = tmp_path / "out"
    run_cli([inp], out, "--workers", "2")  # exit 1 is allowed: a failed file is a files row
    html = tmp_path / "corpus.html"
    from jixiao.cli import main

    assert main(["report", str(out), "--html", str(html)]) == 0
    seen = open_in_chromium(html, tmp_path / "corpus.png")
    assert seen["errors"] == [] and seen["requests"] == []
    assert set(SECTIONS) <= set(seen["sections"])
    assert all(seen["rects"].get(c, 0) > 0 for c in CHARTS), seen["rects"]
    assert colour_count(tmp_path / "corpus.png")[1] > 50_000
