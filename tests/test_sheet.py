"""Excel cells as a person sees them, and a workbook as extract.read gives it.

A form filled in Excel stores numbers as binary floats and shows them through a number
format: 0.9512 under `0.00%` is what the clerk typed as 95.12%, and a 全年执行数 summed by
a formula (76.58 + 45.9) is stored as 122.47999999999999 but printed as 122.48. The reader
must hand on the printed text, never the float.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

import extract
from extract.model import BlockKind, Format
from extract.sheet import show


@pytest.mark.parametrize(
    "value, number_format, seen",
    [
        pytest.param(0.9512, "0.00%", "95.12%", id="rate_fraction_as_percent"),
        pytest.param(0.96, "0%", "96%", id="whole_percent"),
        pytest.param(0.9512, "0.00%;[Red]-0.00%", "95.12%", id="percent_with_negative_section"),
        pytest.param(80, "0.00", "80.00", id="int_two_places"),
        pytest.param(85.5, "0.00", "85.50", id="float_two_places"),
        pytest.param(45000.0, "0.00_ ", "45000.00", id="padded_format"),
        pytest.param(-3.5, "0.00", "-3.50", id="negative"),
        pytest.param(9.51, "General", "9.51", id="general"),
        pytest.param(0.1, "General", "0.1", id="float_0.1_shortest"),
        pytest.param(0.1, None, "0.1", id="no_format"),
        pytest.param(100.0, "General", "100", id="whole_float_general"),
        pytest.param(100, "General", "100", id="int_general"),
        pytest.param(0.1 + 0.2, "0.00", "0.30", id="noise_under_two_places"),
        pytest.param(76.58 + 45.9, "0.00", "122.48", id="formula_sum_under_two_places"),
        pytest.param(0.9512000000000001, "0.00%", "95.12%", id="noise_under_percent"),
        pytest.param(dt.datetime(2024, 3, 8), "yyyy-mm-dd", "2024年3月8日", id="datetime"),
        pytest.param(dt.date(2024, 3, 8), "General", "2024年3月8日", id="date"),
        pytest.param(None, "General", "", id="empty"),
        pytest.param(True, "General", "是", id="bool"),
        pytest.param("  城区道路  路灯 ", "General", "城区道路 路灯", id="text_spaces_folded"),
        pytest.param(
            "预期目标\n实际完成情况", "General", "预期目标\n实际完成情况", id="text_line_break_kept"
        ),
        # General prints at most 15 significant digits, as Excel does (once the float's repr leaked)
        pytest.param(0.1 + 0.2, "General", "0.3", id="noise_under_general"),
        pytest.param(76.58 + 45.9, "General", "122.48", id="formula_sum_under_general"),
        # Excel rounds half away from zero (once half to even: 9.625 -> 9.62)
        pytest.param(9.625, "0.00", "9.63", id="half_rounds_up"),
        pytest.param(0.125, "0.00", "0.13", id="half_rounds_up_small"),
        # a format without decimals is applied too (once 85.5 under '0' showed 85.5)
        pytest.param(85.5, "0", "86", id="integer_format"),
        pytest.param(0.965, "0%", "97%", id="whole_percent_rounds"),
    ],
)
def test_show(value, number_format, seen):
    assert show(value, number_format) == seen


TWO_PLACES = regex.compile(r"^-?\d+\.\d{2}$")


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_two_places_never_show_binary_noise(x):
    """Any float a form can hold under `0.00` prints as exactly two decimals."""
    assert TWO_PLACES.match(show(x, "0.00"))


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_typed_amounts_come_back_as_typed(d):
    """What a clerk types (two decimals) and Excel stores as a float prints back the same."""
    assert show(float(d), "0.00") == f"{d:f}"


# ---- a workbook made here ------------------------------------------------------------

NOISY = "122.47999999999999"  # 76.58 + 45.9 as Excel saves a formula's float: 17 digits


def make_workbook(path):
    """Two sheets, as a clerk fills the standard form in Excel: a merged title over the
    whole row, a merged 项目名称 value, a merged 项目资金（万元） label over two rows,
    money under `0.00`, the rate as a fraction under `0.00%`, a date cell.

    The 全年执行数 is a formula's sum: Excel saves it as 122.47999999999999. openpyxl
    would write it as 122.48 (%.16g), so the saved sheet is patched to hold what Excel writes."""
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "路灯"
    ws.append(["项目支出绩效自评表"])
    ws.merge_cells("A1:G1")
    ws.append(["（2023年度）"])
    ws.merge_cells("A2:G2")
    ws.append(["项目名称", "城区道路路灯维修改造项目"])
    ws.merge_cells("B3:G3")
    ws.append(["项目资金（万元）", None, "年初预算数", "全年预算数", "全年执行数", "执行率", "得分"])
    ws.append([None, "年度资金总额", 80, 125, 122.48, 0.97984, 9.8])
    ws.merge_cells("A4:A5")
    for col, fmt in zip("CDEFG", ("0.00", "0.00", "0.00", "0.00%", "0.00")):
        ws[f"{col}5"].number_format = fmt
    ws.append(["填报日期", dt.datetime(2024, 3, 8)])
    ws["B6"].number_format = 'yyyy"年"m"月"d"日"'
    ws2 = wb.create_sheet("污水")
    ws2.append(["项目支出绩效自评表"])
    ws2.merge_cells("A1:C1")
    ws2.append(["项目名称", "乡镇污水处理设施运维经费", "乡镇污水处理设施运维经费"])
    ws2.append(["总分", 100, 97.74])
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert data.count(b"<v>122.48</v>") == 1
                data = data.replace(b"<v>122.48</v>", f"<v>{NOISY}</v>".encode())
            dst.writestr(item, data)
    tmp.unlink()
    return path


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return extract.read(make_workbook(tmp_path_factory.mktemp("xlsx") / "自评表.xlsx"))


def test_the_workbook_holds_binary_noise(tmp_path):
    """The test is real: the saved cell is the 17-digit float, and openpyxl reads it as such."""
    import openpyxl

    path = make_workbook(tmp_path / "自评表.xlsx")
    assert openpyxl.load_workbook(path).active["E5"].value == 76.58 + 45.9
    assert repr(76.58 + 45.9) == NOISY


def test_one_page_per_sheet(book):
    assert book.format is Format.XLSX
    assert book.page_count == 2
    assert [p.number for p in book.pages] == [1, 2]


def test_merged_title_rows_are_paragraphs(book):
    kinds = [(b.kind, b.text) for b in book.pages[0].blocks if b.kind is not BlockKind.TABLE]
    assert [t for _, t in kinds] == ["项目支出绩效自评表", "（2023年度）"]
    assert [b.kind for b in book.pages[0].blocks][-1] is BlockKind.TABLE


def test_merged_cells_repeat_over_their_range(book):
    rows = book.pages[0].tables[0].rows
    assert rows[0] == ("项目名称",) + ("城区道路路灯维修改造项目",) * 6
    assert rows[1][0] == rows[2][0] == "项目资金（万元）"


def test_numbers_as_printed(book):
    rows = book.pages[0].tables[0].rows
    assert rows[2] == ("项目资金（万元）", "年度资金总额", "80.00", "125.00", "122.48", "97.98%", "9.80")
    assert rows[3][:2] == ("填报日期", "2024年3月8日")
    noise = regex.compile(r"\d\.\d{8,}")
    for page in book.pages:
        assert not noise.search(page.text), page.text


def test_second_sheet(book):
    page = book.pages[1]
    assert page.blocks[0].kind is BlockKind.PARAGRAPH and page.blocks[0].text == "项目支出绩效自评表"
    assert page.tables[0].rows == (
        ("项目名称", "乡镇污水处理设施运维经费", "乡镇污水处理设施运维经费"),
        ("总分", "100", "97.74"),
    )


def test_workbook_reads_as_a_form(book):
    """Through normalize: the sheet-1 funds row in 万元 becomes exact yuan, the rate a Decimal."""
    import normalize

    recs = normalize.records(book)
    assert [p.project_name for p in recs.projects] == ["城区道路路灯维修改造项目", "乡镇污水处理设施运维经费"]
    p = recs.projects[0]
    assert (p.budget_initial, p.budget_adjusted, p.expenditure, p.execution_rate) == (
        Decimal("800000.00"),
        Decimal("1250000.00"),
        Decimal("1224800.00"),
        Decimal("97.98"),
    )


def test_a_huge_number_does_not_fail_the_workbook(tmp_path):
    """One cell of 29+ digits (1e30) once raised decimal.InvalidOperation in show() and failed the
    whole workbook ('cannot read: InvalidOperation')."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["项目名称", "城区道路路灯维修改造项目"])
    wb.active.append(["银行账号", 1e30])
    wb.save(tmp_path / "账号.xlsx")
    doc = extract.read(tmp_path / "账号.xlsx")
    assert "城区道路路灯维修改造项目" in doc.text
