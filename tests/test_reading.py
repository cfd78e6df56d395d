"""The steps of `normalize.records`, each on its own table of real strings.

Each case builds a small document (`make_doc`: paragraphs and tables, as Word or a .txt
gives them), runs the steps up to the one under test (`upto`) and reads what that step
filled in. The wordings are those of the samples and the corpus: the 项目支出绩效自评表
standard, forms pasted one after another inside one table (the real 单位决算 files), a
department report closing with its project forms (samples/203).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import make_doc

from normalize import reading
from normalize.model import ReportKind, Section
from normalize.parts import Reading, Table, Text

D = Decimal


def upto(step, *parts) -> Reading:
    """The Reading of a document made of `parts`, after `step` (and every step before it)."""
    r = reading.collect(make_doc(*parts))
    if step is reading.collect:
        return r
    for s in reading.STEPS:
        r = s(r)
        if s is step:
            return r
    raise AssertionError(step)


# ---- pieces of forms, as the standard and real files write them ---------------------

TITLE = "项目支出绩效自评表"
FUNDS_HEAD = ("项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
IND_HEAD = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分")


def form_rows(
    name: str, funds: tuple[str, str, str], score: str = "95", code: str = ""
) -> list[tuple[str, ...]]:
    """One filled form's rows: 项目名称, funds, one indicator, 总分."""
    return [
        ("项目名称", code + name, "", "", "", "", ""),
        ("实施单位", "青山县农业农村局", "", "", "", "", ""),
        FUNDS_HEAD,
        ("年度资金总额", *funds, "10", "100%", "10"),
        IND_HEAD,
        ("产出指标", "数量指标", "新建高标准农田面积", "≥1.2万亩", "1.2万亩", "90", str(D(score) - 10)),
        ("总分", "", "", "", "", "100", score),
    ]


A = form_rows("高标准农田建设项目", ("400.00", "420.00", "420.00"), "97.6")
B = form_rows("农作物病虫害统防统治补助", ("85.00", "85.00", "85.00"), "98")


# ---- collect -------------------------------------------------------------------------


def test_collect_keeps_order_captions_and_where_each_row_stands():
    r = upto(
        reading.collect,
        "单位：万元",
        [("项目名称", "高标准农田建设项目"), ("年度资金总额", "400.00")],
        "注：以上为全年数。",
    )
    assert [type(b).__name__ for b in r.blocks] == ["Text", "Table", "Text"]
    table = r.blocks[1]
    assert isinstance(table, Table) and table.caption == "单位：万元"
    page = r.doc.pages[0].text
    assert [page[row.where.start : row.where.end] for row in table.rows] == [
        "| 项目名称 | 高标准农田建设项目 |",
        "| 年度资金总额 | 400.00 |",
    ]


# ---- segment: where each form starts ---------------------------------------------------

SEGMENTS = {
    "one form under its title": ([TITLE, A], [("高标准农田建设项目", TITLE)]),
    "forms stacked in one table": (
        [A + B],
        [("高标准农田建设项目", None), ("农作物病虫害统防统治补助", None)],
    ),
    "title rows inside one table": (
        [
            [
                ("部门预算项目支出绩效自评表（2023年度）",) * 7,
                *A,
                ("部门预算项目支出绩效自评表（2023年度）",) * 7,
                *B,
            ]
        ],
        [
            ("高标准农田建设项目", "部门预算项目支出绩效自评表(2023年度)"),
            ("农作物病虫害统防统治补助", "部门预算项目支出绩效自评表(2023年度)"),
        ],
    ),
    "the key row repeated on the next page": ([A[:4], [A[0], *A[4:]]], [("高标准农田建设项目", None)]),
    "the report's own table, then a form": (
        [[("项目", "金额（万元）"), ("基本支出", "177.62")], TITLE, A],
        [(None, None), ("高标准农田建设项目", TITLE)],
    ),
    "a header row naming 项目名称 is no form": (
        [[("序号", "项目名称", "预算数", "执行数"), ("1", "政府门户网站运维项目", "20", "20")]],
        [(None, None)],
    ),
}


@pytest.mark.parametrize("parts, forms", SEGMENTS.values(), ids=SEGMENTS.keys())
def test_segment(parts, forms):
    r = upto(reading.segment, *parts)
    assert [(f.name, f.title) for f in r.forms] == forms


def test_segment_marks_numbered_project_paragraphs():
    r = upto(
        reading.segment,
        "（一）乡镇视频会议系统租赁项目绩效自评综述：项目全年预算数 58 万元。",
        "二、存在的问题",
    )
    assert [t.item.name if t.item else None for t in r.text] == ["乡镇视频会议系统租赁项目", None]


# ---- read: a form's rows to its figures ------------------------------------------------

READS = {
    "caption unit": (
        ["单位：万元", A],
        (D("4000000.00"), D("4200000.00"), D("4200000.00"), D("100"), D("97.6")),
    ),
    "unit in the funds header": (
        [A],
        (D("4000000.00"), D("4200000.00"), D("4200000.00"), D("100"), D("97.6")),
    ),
    "unit stated once above stacked forms": (
        [[("单位：万元",) * 7, *[(c.replace("（万元）", ""), *rest) for c, *rest in B]]],
        (D("850000.00"), D("850000.00"), D("850000.00"), D("100"), D("98")),
    ),
}


@pytest.mark.parametrize("parts, figures", READS.values(), ids=READS.keys())
def test_read_a_form(parts, figures):
    form = [f for f in upto(reading.read, *parts).forms if f.name][0]
    got = {f.field: f.value for f in reversed(form.facts)}
    assert (
        got.get("budget_initial"),
        got.get("budget_adjusted"),
        got.get("expenditure"),
        got.get("execution_rate"),
        form.total_score,
    ) == figures


def test_read_a_paragraph():
    r = upto(reading.read, "2022年年初预算批复数403.51万元，全年预算数403.51万元。")
    assert [(f.field, f.value) for f in r.text[0].facts] == [
        ("budget_initial", D("4035100.00")),
        ("budget_adjusted", D("4035100.00")),
    ]


# ---- report: the report's own figures -------------------------------------------------

DEPT = "青山县农业农村局2023年度部门整体支出绩效自评报告"
REPORTS = {
    "a department report's text": (
        [DEPT, "2023年年初预算数1236.5万元，全年预算数1313.8万元，全年执行数1288.42万元，预算执行率98.07%。"],
        (ReportKind.DEPT_OVERALL, "青山县农业农村局", 2023, D("12365000.00"), D("98.07"), None),
    ),
    "its project forms are not its figures": (
        [DEPT, "部门整体支出综合得分94.5分。", TITLE, A],
        (ReportKind.DEPT_OVERALL, "青山县农业农村局", 2023, None, None, D("94.5")),
    ),
    "a project report's figures are its form's": (
        ["高标准农田建设项目2023年度绩效自评报告", TITLE, A],
        (ReportKind.PROJECT, "青山县农业农村局", 2023, D("4000000.00"), D("100"), D("97.6")),
    ),
}


@pytest.mark.parametrize("parts, want", REPORTS.values(), ids=REPORTS.keys())
def test_report(parts, want):
    rep = upto(reading.report, *parts).report
    assert (
        rep.report_kind,
        rep.unit_name,
        rep.fiscal_year,
        rep.budget_initial,
        rep.execution_rate,
        rep.self_score,
    ) == want


# ---- projects: one per form and numbered paragraph, in document order ---------------


def test_projects_in_document_order_each_with_its_own_figures():
    r = upto(
        reading.projects,
        DEPT,
        "（一）乡镇视频会议系统租赁项目绩效自评综述：项目全年预算数 58 万元，执行数 58 万元。",
        TITLE,
        A + B,
    )
    assert [(p.seq, p.project_name, p.budget_adjusted, p.expenditure, p.score) for p in r.projects] == [
        (1, "乡镇视频会议系统租赁项目", D("580000.00"), D("580000.00"), None),
        (2, "高标准农田建设项目", D("4200000.00"), D("4200000.00"), D("97.6")),
        (3, "农作物病虫害统防统治补助", D("850000.00"), D("850000.00"), D("98")),
    ]


def test_a_project_name_drops_its_budget_code():
    r = upto(
        reading.projects,
        TITLE,
        form_rows("退耕还林工程建设专项工作经费", ("10", "10", "10"), code="51130021T000000229367-"),
    )
    assert [p.project_name for p in r.projects] == ["退耕还林工程建设专项工作经费"]


# ---- indicators: under their form's project --------------------------------------------


def test_indicators_belong_to_their_forms_project():
    r = upto(
        reading.indicators,
        TITLE,
        form_rows("工资性支出", ("10", "10", "10"), code="51000021R000000019951-") + B,
    )
    assert [(i.project_name, i.level3, i.score) for i in r.indicators] == [
        ("工资性支出", "新建高标准农田面积", D("85")),
        ("农作物病虫害统防统治补助", "新建高标准农田面积", D("88")),
    ]


# ---- findings: the report's and each form's own ----------------------------------------


def test_a_second_forms_finding_names_its_project():
    broken = [
        row if row[0] != "总分" else ("总分", "", "", "", "", "100", "90") for row in B
    ]  # 88 + 10 is 98
    r = upto(reading.findings, DEPT, TITLE, A + broken)
    assert [(f.check, f.field, f.expected, f.actual) for f in r.findings] == [
        ("indicator_sum_ne_total", "project[2].self_score", "90", "98")
    ]


# ---- amounts: every form's figures, wherever the form stands -----------------------------


def test_every_forms_funds_are_amounts():
    r = upto(reading.amounts, DEPT, TITLE, A + B)
    fed = [(a.field, a.raw, a.value) for a in r.amounts if a.field]
    assert fed == [
        ("budget_initial", "400.00", D("4000000.00")),
        ("budget_adjusted", "420.00", D("4200000.00")),
        ("expenditure", "420.00", D("4200000.00")),
        ("budget_initial", "85.00", D("850000.00")),
        ("budget_adjusted", "85.00", D("850000.00")),
        ("expenditure", "85.00", D("850000.00")),
    ]
    page = r.doc.pages[0].text
    assert all(page[a.char_start : a.char_end] == a.raw for a in r.amounts)


# ---- problems: the report's, and each form's under its project --------------------------


def test_problems_of_the_text_and_of_a_form():
    problem_row = ("存在问题", "1.资金拨付滞后，影响项目进度；2.群众宣传不够。", "", "", "", "", "")
    prompt_row = (
        "改进措施",
        "针对项目自评中发现的问题,提出下一步改进完善的意见。(200字以内)",
        "",
        "",
        "",
        "",
        "",
    )
    r = upto(
        reading.problems,
        DEPT,
        "四、存在的问题",
        "（一）预算绩效管理意识不深入。",
        TITLE,
        [*A, problem_row, prompt_row],
    )
    assert [(p.section, p.seq, p.text, p.project_name) for p in r.problems] == [
        (Section.PROBLEMS, 1, "预算绩效管理意识不深入。", None),
        (Section.PROBLEMS, 1, "资金拨付滞后，影响项目进度；", "高标准农田建设项目"),
        (Section.PROBLEMS, 2, "群众宣传不够。", "高标准农田建设项目"),
    ]


def test_text_blocks_are_texts():
    r = upto(reading.segment, "一、部门基本情况")
    assert isinstance(r.text[0], Text) and r.text[0].item is None


@pytest.mark.parametrize(
    "text, year",
    [
        ("项目起止时间2021年1月起至2021年12月止计划安排资金（万元）", 2021),
        ("项目起止时间：2022年01月01日至2022年12月31日", 2022),
        ("2021年1月至2021年6月完成一期工程，报告日期2022年8月22日", None),  # half a year: no
    ],
)
def test_a_project_period_of_one_whole_year_is_the_year_evaluated(text, year):
    from normalize.identity import fiscal_year

    assert fiscal_year(None, text) == year


def test_a_department_takes_no_projects_figure_as_its_own():
    """An item the reader did not take for a project (its title misread by OCR) leaves its
    sentences in the report's text: "项目全年预算数58万元，执行数58万元" is still a project's."""
    from normalize import records

    doc = make_doc(
        "# 龙山县大数据中心2022年部门整体支出绩效自评报告",
        "一、部门整体支出绩效自评情况",
        "（1）全覆盖网络建设租赁费项目效自评综述：项目全年预算数58万元，执行数58万元，完成预算的100%。",
        "部门年初预算数403.51万元。",
    )
    r = records(doc).report
    assert r.report_kind.value == "dept_overall"
    assert (r.budget_initial, r.budget_adjusted, r.expenditure) == (Decimal("4035100.00"), None, None)
