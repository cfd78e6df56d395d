"""Forms flattened into text (a web page's text, a PDF's text layer, a copy of either) and read
back by the form's known order: one row a line with its cells apart by runs of spaces, the
same with single spaces (a PDF's text layer, a unit cut from its number), one cell a line.
Empty cells are gone in all of them; a figure goes under a column only where its place is
certain."""

from __future__ import annotations

from decimal import Decimal

from conftest import make_doc

from normalize import records

D = Decimal
TITLE = "项目支出绩效自评表"
# the standard form, row by row, its empty cells dropped
FORM = [
    ["项目名称", "城北垃圾转运站提升改造项目"],
    ["主管部门", "青山县城市管理局", "实施单位", "青山县环境卫生服务中心"],
    ["资金情况(万元)", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["年度资金总额", "120", "120", "98.40", "10", "82.00%", "8.2"],
    ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分"],
    ["产出指标(50分)", "数量指标", "转运站改造座数", "30", "≥2座", "2座", "30"],
    ["质量指标", "验收合格率", "20", "100%", "100%", "20"],
    ["效益指标(30分)", "社会效益指标", "垃圾日转运能力", "30", "显著提升", "显著提升", "28"],
    ["总分", "100", "96.2"],
]


def spaced(rows, gap="   "):
    return [gap.join(r) for r in rows]


def one_cell_a_line(rows):
    return [c for r in rows for c in r]


def read(lines):
    return records(make_doc(TITLE, *lines))


def assert_form_read(got):
    rep = got.report
    assert (rep.budget_initial, rep.budget_adjusted, rep.expenditure) == (
        D("1200000.00"),
        D("1200000.00"),
        D("984000.00"),
    )
    assert rep.execution_rate == D("82.00")
    (p,) = got.projects
    assert p.project_name == "城北垃圾转运站提升改造项目"
    assert p.score == D("96.2")
    rows = [(i.level1, i.level2, i.level3, i.target, i.actual, i.weight, i.score) for i in got.indicators]
    assert rows == [
        ("产出指标", "数量指标", "转运站改造座数", "≥2座", "2座", D("30"), D("30")),
        ("产出指标", "质量指标", "验收合格率", "100%", "100%", D("20"), D("20")),
        ("效益指标", "社会效益指标", "垃圾日转运能力", "显著提升", "显著提升", D("30"), D("28")),
    ]


def test_a_form_flattened_into_lines_of_cells_apart_by_spaces_is_read_as_its_table():
    assert_form_read(read(spaced(FORM)))


def test_a_form_flattened_into_lines_with_tabs_is_read_as_its_table():
    assert_form_read(read(spaced(FORM, "\t")))


def test_a_form_flattened_one_cell_a_line_is_read_by_the_forms_order():
    assert_form_read(read(one_cell_a_line(FORM)))


def test_a_pdf_text_layer_row_apart_by_single_spaces_keeps_a_unit_with_its_number():
    rows = [r[:] for r in FORM]
    rows[5] = ["产出指标(50 分)", "数量指标", "转运站改造座数", "30", "≥2 座", "2 座", "30"]
    got = read(spaced(rows, " "))
    first = got.indicators[0]
    assert (first.level1, first.level3, first.target, first.actual, first.score) == (
        "产出指标",
        "转运站改造座数",
        "≥2座",
        "2座",
        D("30"),
    )
    assert got.report.expenditure == D("984000.00")


def test_each_figure_of_a_flattened_row_carries_its_own_place_in_the_text():
    lines = spaced(FORM)
    got = read(lines)
    doc_text = make_doc(TITLE, *lines).text
    spent = next(a for a in got.amounts if a.field == "expenditure")
    assert doc_text[spent.char_start : spent.char_end] == "98.40"


def test_a_row_missing_a_cell_in_its_middle_leaves_the_uncertain_figures_out():
    # the target and the actual value are empty: 30 and 30 could be any two of four columns
    rows = [r[:] for r in FORM]
    rows[6] = ["质量指标", "验收合格率", "20", "20"]
    got = read(spaced(rows))
    second = got.indicators[1]
    assert second.level3 == "验收合格率"
    assert (second.target, second.actual, second.weight, second.score) == (None, None, None, None)


def test_funds_missing_a_figure_leave_the_money_out_rather_than_shift_it():
    rows = [r[:] for r in FORM]
    rows[3] = ["年度资金总额", "120", "98.40", "10", "82.00%", "8.2"]  # one money cell empty
    got = read(spaced(rows))
    assert (got.report.budget_initial, got.report.budget_adjusted, got.report.expenditure) == (
        None,
        None,
        None,
    )
    assert got.report.execution_rate == D("82.00")


def test_a_checklist_whose_columns_hold_no_figures_stays_text():
    lines = [
        "一级指标 二级指标 三级指标 自评内容 完成情况",
        "项目预算管理 资金投入 预算编制科学性 项目预算编制符合国家政策要求",
        "资金下达 资金发放及时性 按时发放",
    ]
    got = read(lines)
    assert got.indicators == ()


def test_a_sentence_with_a_number_is_no_flattened_form():
    got = read(
        ["项目名称：城北垃圾转运站提升改造项目", "项目年初预算120万元，全年执行98.40万元，执行率82.00%。"]
    )
    assert got.report.budget_initial == D("1200000.00")
    assert got.report.expenditure == D("984000.00")


# ---- the text a flattened form reaches us as --------------------------------------------------


def test_a_line_of_cells_apart_by_spaces_is_never_run_into_a_sentence():
    from extract.layout import Line, join_broken

    lines = [
        Line("对项目区农业用水计量，为项目区农业生产夯实基础，"),
        Line("一级指标   二级指标   三级指标   分值"),
    ]
    assert [x.text for x in join_broken(lines)] == [lines[0].text, lines[1].text]


def test_cells_one_a_line_run_on_only_from_a_line_that_is_a_sentence_cut():
    from extract.layout import Line, join_broken

    lines = [
        Line("对农村地区供水计量设施设备进行改进，对项目区"),
        Line("农业用水计量"),
        Line("绩效指标"),
        Line("一级指标"),
    ]
    assert [x.text for x in join_broken(lines)] == [
        "对农村地区供水计量设施设备进行改进，对项目区农业用水计量",
        "绩效指标",
        "一级指标",
    ]


def page(*lines):
    """Lines of a PDF page as (text, top, type size), 842 points high."""
    from extract.positioned import PlacedText

    return [PlacedText(t, top, top + size, 60.0, 200.0, size, 842.0) for t, top, size in lines]


def test_a_figure_at_a_pages_foot_under_its_row_is_no_page_number():
    from extract.positioned import _furniture

    rows = [("年度资金总额:", 700.0 + 20 * k, 10.5) for k in range(4)] + [("10", 780.0, 8.2)]
    assert _furniture([page(*rows)]) == set()


def test_a_page_number_in_the_footer_is_dropped():
    from extract.positioned import _furniture

    body = [(f"第{k}行正文", 600.0 + 16 * k, 10.5) for k in range(10)]
    footers = [page(*body, (str(n), 773.0, 6.8)) for n in (7, 8)]
    assert _furniture(footers) == {(0, 10), (1, 10)}


def test_a_pdf_text_layer_row_run_on_where_the_margin_cut_it_is_read_as_its_rows():
    lines = [
        "项目名称 办公宿舍楼暖通改造经费主管部门 廊坊市发改委 实施单位 廊坊市食品工程学校",
        "项目资金(万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分",
        "年度资金总额 43.2 43.2 37.24 10 86% 9",
        # the header's last word and the first row, one line; the template's 指标1 cut from its name
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施产出指标 数量指标 "
        "指标 1 工程资金金额 43.2 37.24 10 9 已完工,剩余 3%尾款未付。",
    ]
    got = read(lines)
    assert got.projects[0].project_name == "办公宿舍楼暖通改造经费"
    (i,) = got.indicators
    assert (i.level1, i.level2, i.level3, i.target, i.actual, i.weight, i.score) == (
        "产出指标",
        "数量指标",
        "工程资金金额",
        "43.2",
        "37.24",
        D("10"),
        D("9"),
    )


def test_a_thousands_comma_is_no_sentence_a_cell_runs_on_from():
    from extract.layout import Line, join_broken

    lines = [Line("年度资金总额"), Line("20000.00"), Line("9,034"), Line("10")]
    assert [x.text for x in join_broken(lines)] == ["年度资金总额", "20000.00", "9,034", "10"]
