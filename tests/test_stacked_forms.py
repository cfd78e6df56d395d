"""Forms pasted one after another inside one long Word table, as real 单位决算 files hold
dozens of 项目支出绩效自评表 (the real r02-r04): each form is one project with its own
funds, score and indicators.

The file is made with python-docx, the title rows merged over the table's width as Word
does, and read by the real command line.
"""

from __future__ import annotations

from decimal import Decimal

import docx
import pytest
from conftest import rows, run_cli

D = Decimal
WIDTH = 7

# (name, 年初预算数, 全年预算数, 全年执行数, 执行率, funds 得分, indicators, 总分), money in 万元
FORMS = [
    (
        "高标准农田建设项目",
        "400",
        "420",
        "420",
        "100%",
        "10",
        [
            ("产出指标", "数量指标", "新建高标准农田面积", "≥1.2万亩", "1.2万亩", "50", "50"),
            ("效益指标", "经济效益指标", "亩均增产", "≥50公斤", "48公斤", "40", "37.6"),
        ],
        "97.6",
    ),
    (
        "农作物病虫害统防统治补助",
        "85",
        "85",
        "85",
        "100%",
        "10",
        [
            ("产出指标", "数量指标", "统防统治面积", "≥5万亩", "5.2万亩", "45", "45"),
            ("满意度指标", "服务对象满意度指标", "农户满意度", "≥90%", "95%", "45", "43"),
        ],
        "98",
    ),
    (
        "农村人居环境整治村庄清洁行动经费",
        "60",
        "72.6",
        "70.1",
        "96.56%",
        "9.7",
        [("产出指标", "质量指标", "村庄清洁达标率", "≥95%", "96%", "90", "88")],
        "97.7",
    ),
]


def stacked_docx(path):
    d = docx.Document()
    d.add_paragraph("青山县农业农村局2023年度项目支出绩效自评表")
    table = d.add_table(rows=0, cols=WIDTH)
    table.style = "Table Grid"

    def row(*cells: str):
        r = table.add_row()
        for cell, text in zip(r.cells, cells):
            cell.text = text
        return r

    for name, initial, adjusted, spent, rate, funds_score, indicators, total in FORMS:
        title = row("部门预算项目支出绩效自评表（2023年度）")
        title.cells[0].merge(title.cells[WIDTH - 1])
        row("项目名称", name, "", "主管部门", "青山县农业农村局", "", "")
        row("实施单位", "青山县农业农村局", "", "", "", "", "")
        row("项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
        row("年度资金总额", initial, adjusted, spent, "10", rate, funds_score)
        row("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分")
        for ind in indicators:
            row(*ind)
        row("总分", "", "", "", "", "100", total)
        row("评价结论", "优", "", "", "", "", "")
    d.save(path)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("stacked")
    (base / "in").mkdir()
    stacked_docx(base / "in" / "自评表汇总.docx")
    assert run_cli([base / "in"], base / "out") == 0
    return {t: rows(base / "out", t) for t in ("reports", "projects", "indicators", "amounts", "findings")}


def test_one_project_per_form_with_its_own_funds_and_score(run):
    got = [
        (
            p["seq"],
            p["project_name"],
            p["budget_initial"],
            p["budget_adjusted"],
            p["expenditure"],
            p["execution_rate"],
            p["score"],
        )
        for p in run["projects"]
    ]
    assert got == [
        (1, "高标准农田建设项目", D("4000000.00"), D("4200000.00"), D("4200000.00"), D("100"), D("97.6")),
        (2, "农作物病虫害统防统治补助", D("850000.00"), D("850000.00"), D("850000.00"), D("100"), D("98")),
        (
            3,
            "农村人居环境整治村庄清洁行动经费",
            D("600000.00"),
            D("726000.00"),
            D("701000.00"),
            D("96.56"),
            D("97.7"),
        ),
    ]


def test_each_form_keeps_its_own_indicators(run):
    got = [(i["project_name"], i["level3"], i["weight"], i["score"]) for i in run["indicators"]]
    assert got == [
        ("高标准农田建设项目", "新建高标准农田面积", D("50"), D("50")),
        ("高标准农田建设项目", "亩均增产", D("40"), D("37.6")),
        ("农作物病虫害统防统治补助", "统防统治面积", D("45"), D("45")),
        ("农作物病虫害统防统治补助", "农户满意度", D("45"), D("43")),
        ("农村人居环境整治村庄清洁行动经费", "村庄清洁达标率", D("90"), D("88")),
    ]


def test_every_forms_funds_are_amounts(run):
    fed = sorted((a["field"], a["value"]) for a in run["amounts"] if a["field"])
    want = sorted(
        (f, D(v) * 10000)
        for _, *money, _, _, _, _ in FORMS
        for f, v in zip(("budget_initial", "budget_adjusted", "expenditure"), money)
    )
    assert fed == want


def test_the_forms_add_up(run):
    # each form's indicator scores and funds score make its 总分: no finding
    assert run["findings"] == []


def test_a_set_of_forms_is_no_report_of_one_project(run):
    (rep,) = run["reports"]
    assert (rep["report_kind"], rep["unit_name"], rep["budget_adjusted"]) == (
        "unknown",
        "青山县农业农村局",
        None,
    )
