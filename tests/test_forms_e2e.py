"""End to end on the standard forms (项目支出绩效自评表): the real command line over the
form samples, read back from Parquet and held against tests/golden/20N.expected.json.

201.docx / 201.pdf  one form (城区道路路灯维修改造项目); in the PDF its table runs onto
                    page 2 inside the merged 产出指标 / 数量指标 cells, and page 2 opens
                    with the repeated 项目名称 row.
202.xlsx            two forms filled in Excel, one per sheet.
203.docx / 203.pdf  a department report (青山县农业农村局) followed by three forms.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from conftest import SAMPLES, copy_samples, golden, rows, run_cli

D = Decimal
FORMS = ("201.docx", "201.pdf", "202.xlsx", "203.docx", "203.pdf")
INDICATOR_KEYS = ("project_name", "level1", "level2", "level3", "target", "actual", "weight", "score")
TEXT_KEYS = {
    "report_kind",
    "unit_name",
    "region",
    "grade",
    "project_name",
    "level1",
    "level2",
    "level3",
    "target",
    "actual",
    "fiscal_year",
    "project_count",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One ingest of the five form samples."""
    base = tmp_path_factory.mktemp("forms")
    inp = copy_samples(FORMS, base / "in")
    out = base / "out"
    code = run_cli([inp], out)
    files = {r["file_name"]: r for r in rows(out, "files")}
    tables = {t: rows(out, t) for t in ("reports", "projects", "indicators", "findings")}
    return {"code": code, "out": out, "files": files, "tables": tables}


def by_file(run, table: str, name: str) -> list[dict]:
    """A table's rows for one input file, in the order they were written."""
    rid = run["files"][name]["report_id"]
    return [r for r in run["tables"][table] if r["report_id"] == rid]


def want(key: str, v):
    """A golden value as the Parquet reader returns it: money, rates and scores Decimal."""
    if v is None or key in TEXT_KEYS:
        return v
    if key == "report_date":
        return dt.date.fromisoformat(v)
    return D(v)


def stem(name: str) -> str:
    return name.split(".")[0]


def test_exit_code_is_zero(run):
    assert run["code"] == 0


@pytest.mark.parametrize(
    "name, fmt, pages",
    [
        pytest.param("201.docx", "docx", None, id="201_docx"),
        pytest.param("201.pdf", "pdf", 2, id="201_pdf"),
        pytest.param("202.xlsx", "xlsx", 2, id="202_xlsx_one_page_per_sheet"),
        pytest.param("203.docx", "docx", None, id="203_docx"),
        pytest.param("203.pdf", "pdf", 5, id="203_pdf"),
    ],
)
def test_files_row(run, name, fmt, pages):
    f = run["files"][name]
    assert (f["status"], f["error"], f["file_format"], f["pages"], f["ocr"]) == (
        "ok",
        None,
        fmt,
        pages,
        False,
    )
    assert f["size_bytes"] == (SAMPLES / name).stat().st_size


@pytest.mark.parametrize("name", FORMS)
def test_report_row(run, name):
    exp = {k: want(k, v) for k, v in golden(stem(name))["report"].items()}
    reports = by_file(run, "reports", name)
    assert len(reports) == 1
    got = {k: reports[0][k] for k in exp}
    assert got == exp
    # a Decimal, not a float that happens to compare equal
    assert all(type(got[k]) is Decimal for k, v in exp.items() if isinstance(v, Decimal))


@pytest.mark.parametrize("name", FORMS)
def test_projects(run, name):
    exp = [{k: want(k, v) for k, v in p.items()} for p in golden(stem(name))["projects"]]
    projects = sorted(by_file(run, "projects", name), key=lambda p: p["seq"])
    assert [p["seq"] for p in projects] == list(range(1, len(exp) + 1))
    assert [{k: p[k] for k in e} for p, e in zip(projects, exp)] == exp
    assert len(projects) == len(exp)


@pytest.mark.parametrize("name", FORMS)
def test_indicators_exactly_in_order(run, name):
    """Every indicator row of every form, its 一级/二级 path rebuilt from merged cells."""
    exp = [tuple(want(k, i[k]) for k in INDICATOR_KEYS) for i in golden(stem(name))["indicators"]]
    got = [tuple(i[k] for k in INDICATOR_KEYS) for i in by_file(run, "indicators", name)]
    assert got == exp


def test_201_pdf_indicators_follow_the_table_onto_page_2(run):
    """The PDF breaks inside the 数量指标 block: two rows on page 1, the rest on page 2
    under the repeated 项目名称 row, their 产出指标 / 数量指标 cells empty there."""
    inds = by_file(run, "indicators", "201.pdf")
    assert [i["page"] for i in inds] == [1, 1] + [2] * 12
    first_on_2 = inds[2]
    assert (first_on_2["level1"], first_on_2["level2"], first_on_2["level3"]) == (
        "产出指标",
        "数量指标",
        "改造照明线路长度",
    )
    # the repeated 项目名称 row is a key row, not an indicator, and starts no second project
    assert [p["project_name"] for p in by_file(run, "projects", "201.pdf")] == ["城区道路路灯维修改造项目"]


@pytest.mark.parametrize("name", ["201.docx", "203.docx"])
def test_word_indicators_have_no_page(run, name):
    assert {i["page"] for i in by_file(run, "indicators", name)} == {None}


def test_203_pdf_indicators_on_their_forms_pages(run):
    """One form per page (3, 4, 5), five indicators each."""
    assert [i["page"] for i in by_file(run, "indicators", "203.pdf")] == [3] * 5 + [4] * 5 + [5] * 5
    assert [p["page"] for p in by_file(run, "projects", "203.pdf")] == [3, 4, 5]


def test_202_each_sheet_is_one_form(run):
    """Sheet 1 and sheet 2 are pages 1 and 2; each indicator belongs to its sheet's project."""
    projects = by_file(run, "projects", "202.xlsx")
    sheet_project = {p["page"]: p["project_name"] for p in projects}
    assert sheet_project == {1: "农村饮水安全巩固提升工程", 2: "乡镇污水处理设施运维经费"}
    inds = by_file(run, "indicators", "202.xlsx")
    assert [i["page"] for i in inds] == [1] * 11 + [2] * 9
    assert all(i["project_name"] == sheet_project[i["page"]] for i in inds)


@pytest.mark.parametrize(
    "name, level3, target, actual",
    [
        pytest.param(
            "201.pdf",
            "维修更换LED路灯数量",
            ("≥", D("120"), "盏"),
            (None, D("102"), "盏"),
            id="at_least_lamps",
        ),
        pytest.param(
            "201.docx",
            "故障报修处理时限",
            ("≤", D("48"), "小时"),
            (None, D("24"), "小时"),
            id="at_most_hours",
        ),
        pytest.param(
            "201.pdf", "项目总成本", ("≤", D("85"), "万元"), (None, D("82.08"), "万元"), id="cost_in_wan"
        ),
        pytest.param(
            "201.pdf", "工程验收合格率", (None, D("100"), "%"), (None, D("100"), "%"), id="bare_percent"
        ),
        pytest.param(
            "201.pdf", "年节约用电量", ("≥", D("15"), "万千瓦时"), (None, D("16.2"), "万千瓦时"), id="wan_kwh"
        ),
        pytest.param(
            "201.pdf", "工程完工时间", (None, None, None), (None, None, None), id="deadline_is_no_number"
        ),
        pytest.param("201.docx", "夜间交通安全状况", (None, None, None), (None, None, None), id="words_only"),
        pytest.param(
            "202.xlsx",
            "受益农村人口",
            ("≥", D("1.8"), "万人"),
            (None, D("1.86"), "万人"),
            id="xlsx_wan_people",
        ),
        pytest.param(
            "203.pdf", "统防统治作业面积", ("≥", D("8"), "万亩次"), (None, D("8.3"), "万亩次"), id="mu_times"
        ),
    ],
)
def test_indicator_measures(run, name, level3, target, actual):
    ind = next(i for i in by_file(run, "indicators", name) if i["level3"] == level3)
    assert (ind["target_op"], ind["target_value"], ind["target_unit"]) == target
    assert (ind["actual_op"], ind["actual_value"], ind["actual_unit"]) == actual


@pytest.mark.parametrize("name", ["201.docx", "201.pdf"])
def test_201_deviation_reasons(run, name):
    """Only the two short-fallen indicators explain themselves (偏差原因分析及改进措施)."""
    reasons = [i["deviation_reason"] for i in by_file(run, "indicators", name)]
    assert reasons[0].startswith("与道路提升改造工程交叉施工")
    assert reasons[1].startswith("2台配电箱所在地块涉及征迁")
    assert reasons[2:] == [None] * 12


@pytest.mark.parametrize("name", FORMS)
def test_forms_add_up(run, name):
    """The cross-check as a test: in every form the indicators' 分值 and the funds block's 10
    make 100, no 得分 passes its 分值, and the samples, built consistent, give no finding."""
    inds = by_file(run, "indicators", name)
    for project in {i["project_name"] for i in inds}:
        weights = [i["weight"] for i in inds if i["project_name"] == project]
        assert sum(weights) + 10 == 100, project
    assert all(i["score"] <= i["weight"] for i in inds)
    assert by_file(run, "findings", name) == []


@pytest.mark.parametrize("name", ["203.docx", "203.pdf"])
def test_203_projects_add_up_to_the_report(run, name):
    r = by_file(run, "reports", name)[0]
    projects = by_file(run, "projects", name)
    assert sum(p["budget_adjusted"] for p in projects) == r["project_expenditure"]
    assert r["basic_expenditure"] + r["project_expenditure"] == r["expenditure"]
    assert r["personnel_expenditure"] + r["public_expenditure"] == r["basic_expenditure"]
