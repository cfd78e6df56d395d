"""A bureau's inbox as it is: mostly files that are no performance documents, made here by
real tools (python-docx, openpyxl), beside one self-evaluation from samples/. Each file is one
report of the right kind; the ones that evaluate nothing give no projects, indicators or
amounts, whatever figures and 项目名称 cells they hold.
"""

from __future__ import annotations

import shutil

import docx
import openpyxl
import pytest
from conftest import SAMPLES, rows, run_cli


def penalty_list(path):
    d = docx.Document()
    d.add_paragraph("龙山县市场监督管理局行政处罚信息公示")
    t = d.add_table(rows=1, cols=4)
    for cell, text in zip(t.rows[0].cells, ("序号", "当事人", "违法事实", "处罚内容")):
        cell.text = text
    for i, (who, what, fine) in enumerate(
        [("龙山县某超市", "销售过期食品", "罚款2万元"), ("龙山县某药店", "未按规定储存药品", "罚款5000元")],
        start=1,
    ):
        r = t.add_row().cells
        r[0].text, r[1].text, r[2].text, r[3].text = str(i), who, what, fine
    d.save(path)


def procurement_notice(path):
    path.write_text(
        "龙山县政务服务中心办公设备采购项目竞争性磋商公告\n项目名称：办公设备采购项目\n"
        "预算金额：35.6万元\n最高限价：35.6万元\n采购需求：台式计算机40台。\n",
        encoding="utf-8",
    )


def budget_table(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "基本支出预算表"
    ws.append(["单位：万元"])
    ws.append(["科目编码", "科目名称", "合计", "人员经费", "公用经费"])
    ws.append(["30101", "基本工资", 120.5, 120.5, None])
    ws.append(["30107", "绩效工资", 58.47, 58.47, None])
    ws.append(["30201", "办公费", 12.0, None, 12.0])
    wb.save(path)


def target_table(path):
    d = docx.Document()
    d.add_paragraph("龙山县市政公用事业保障中心2024年单位整体支出绩效目标表")
    t = d.add_table(rows=1, cols=5)
    for cell, text in zip(t.rows[0].cells, ("年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值")):
        cell.text = text
    for row in [
        ("年度绩效指标", "产出指标", "数量指标", "完成市政设施常态化维护", "100%"),
        ("年度绩效指标", "效益指标", "社会效益指标", "保障城区市政设施健康运行", "持续提升"),
        ("年度绩效指标", "满意度指标", "满意度指标", "社会公众满意度", "≥95%"),
    ]:
        for cell, text in zip(t.add_row().cells, row):
            cell.text = text
    d.save(path)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    base = tmp_path_factory.mktemp("inbox")
    folder = base / "in"
    folder.mkdir()
    penalty_list(folder / "行政处罚公示.docx")
    procurement_notice(folder / "采购公告.txt")
    budget_table(folder / "基本支出预算表.xlsx")
    target_table(folder / "绩效目标表.docx")
    shutil.copyfile(SAMPLES / "000.docx", folder / "自评报告.docx")
    assert run_cli([folder], base / "out") == 0
    tables = {t: rows(base / "out", t) for t in ("files", "reports", "projects", "indicators", "amounts")}
    name = {f["report_id"]: f["file_name"] for f in tables["files"]}
    return {t: [{**r, "file": name[r["report_id"]]} for r in got] for t, got in tables.items()}


def of(inbox, table: str, file: str) -> list[dict]:
    return [r for r in inbox[table] if r["file"] == file]


def test_one_report_per_file_of_its_kind(inbox):
    assert sorted((r["file"], r["report_kind"]) for r in inbox["reports"]) == [
        ("基本支出预算表.xlsx", "other"),
        ("绩效目标表.docx", "target"),
        ("自评报告.docx", "dept_overall"),
        ("行政处罚公示.docx", "other"),
        ("采购公告.txt", "other"),
    ]


@pytest.mark.parametrize("file", ["行政处罚公示.docx", "采购公告.txt", "基本支出预算表.xlsx"])
def test_no_figures_from_what_evaluates_nothing(inbox, file):
    assert of(inbox, "projects", file) == of(inbox, "indicators", file) == of(inbox, "amounts", file) == []
    (report,) = of(inbox, "reports", file)
    assert all(report[f] is None for f in ("budget_initial", "budget_adjusted", "expenditure", "self_score"))


def test_a_target_table_has_targets_and_no_actuals(inbox):
    got = [
        (i["level3"], i["target"], i["actual"], i["score"])
        for i in of(inbox, "indicators", "绩效目标表.docx")
    ]
    assert got == [
        ("完成市政设施常态化维护", "100%", None, None),
        ("保障城区市政设施健康运行", "持续提升", None, None),
        ("社会公众满意度", "≥95%", None, None),
    ]


def test_the_self_evaluation_is_read_as_ever(inbox):
    (report,) = of(inbox, "reports", "自评报告.docx")
    assert (report["unit_name"], report["self_score"]) == ("龙山县大数据中心", 88)
    assert len(of(inbox, "projects", "自评报告.docx")) == 8
