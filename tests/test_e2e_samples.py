"""End to end: the real command line on the committed samples, read back from Parquet.

000.txt, 000.docx and 000.pdf are the seed report (龙山县大数据中心, 2022) in three
formats: all three must give the same exact records. 101.docx and 101.pdf are a
project report whose expected figures are in tests/golden/101.expected.json.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import SAMPLES, copy_samples, read_table, run_cli

import extract

D = Decimal
SEED = ("000.txt", "000.docx", "000.pdf")
P101 = ("101.docx", "101.pdf")


def rows(out: Path, table: str) -> list[dict]:
    """A table's rows as exact Python values (Decimal, date, int, None)."""
    return pq.read_table(out / f"{table}.parquet").to_pylist()


def squash(s: str | None) -> str | None:
    """Spaces between a number and a CJK word are typesetting (21 个乡镇): compare without them."""
    return None if s is None else "".join(s.split())


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One ingest of all five samples (in worker processes, as a user runs it)."""
    base = tmp_path_factory.mktemp("e2e")
    inp = copy_samples(SEED + P101, base / "in")
    out = base / "out"
    code = run_cli([inp], out)
    files = {r["file_name"]: r for r in rows(out, "files")}
    return {"code": code, "in": inp, "out": out, "files": files}


def by_file(run, table: str, name: str) -> list[dict]:
    rid = run["files"][name]["report_id"]
    return [r for r in rows(run["out"], table) if r["report_id"] == rid]


def test_exit_code_is_zero(run):
    assert run["code"] == 0


@pytest.mark.parametrize(
    "name, fmt, pages",
    [
        pytest.param("000.txt", "txt", None, id="txt"),
        pytest.param("000.docx", "docx", None, id="docx"),
        pytest.param("000.pdf", "pdf", 10, id="pdf"),
        pytest.param("101.docx", "docx", None, id="101_docx"),
        pytest.param("101.pdf", "pdf", 2, id="101_pdf"),
    ],
)
def test_files_row(run, name, fmt, pages):
    f = run["files"][name]
    data = (SAMPLES / name).read_bytes()
    assert f["status"] == "ok" and f["error"] is None
    assert f["file_format"] == fmt
    assert f["pages"] == pages
    assert f["size_bytes"] == len(data)
    assert f["report_id"] == hashlib.sha256(data).hexdigest()
    assert f["ocr"] is False
    assert f["source_path"].endswith(name)


SEED_REPORT = {
    "report_kind": "dept_overall",
    "unit_name": "龙山县大数据中心",
    "region": "龙山县",
    "fiscal_year": 2022,
    "report_date": dt.date(2023, 6, 5),
    "budget_initial": D("4035100.00"),
    "budget_adjusted": D("4777200.00"),
    "expenditure": D("4777200.00"),
    "execution_rate": D("100"),
    "basic_expenditure": D("1776200.00"),
    "personnel_expenditure": D("1549700.00"),
    "public_expenditure": D("226400.00"),
    "project_expenditure": D("3001000.00"),
    "self_score": D("88"),
    "grade": None,
    "project_count": 8,
}

SEED_PROJECTS = [  # name, 全年预算数 = 执行数 (yuan), score; every one 100% executed
    ("(一门式)全覆盖网络建设租赁费项目", D("580000.00"), D("90")),
    ("21个乡镇街道视频会议系统运维项目", D("298000.00"), D("88")),
    ("397个村级电子政务外网运维项目", D("100000.00"), D("90")),
    ("电子政务外网租赁项目", D("1510200.00"), D("90")),
    ("扶贫专项经费项目", D("20000.00"), D("90")),
    ("乡镇视频会议系统租赁项目", D("412800.00"), D("90")),
    ("直机关电子政务外网运维项目", D("30000.00"), D("90")),
    ("政府门户网站运维项目", D("50000.00"), D("88")),
]


@pytest.mark.parametrize("name", SEED)
def test_seed_report_row(run, name):
    reports = by_file(run, "reports", name)
    assert len(reports) == 1
    got = {k: reports[0][k] for k in SEED_REPORT}
    assert got == SEED_REPORT
    assert all(type(got[k]) is Decimal for k in SEED_REPORT if isinstance(SEED_REPORT[k], Decimal))


@pytest.mark.parametrize("name", SEED)
def test_seed_projects(run, name):
    projects = sorted(by_file(run, "projects", name), key=lambda p: p["seq"])
    assert [p["seq"] for p in projects] == list(range(1, 9))
    got = [
        (squash(p["project_name"]), p["budget_adjusted"], p["expenditure"], p["execution_rate"], p["score"])
        for p in projects
    ]
    assert got == [(n, money, money, D("100"), score) for n, money, score in SEED_PROJECTS]
    assert all(p["budget_initial"] is None for p in projects), "a project's 年初预算数 is not stated"
    assert all(p["summary"] and p["summary"].startswith("通过项目实施") for p in projects)
    if name.endswith(".pdf"):
        assert [p["page"] for p in projects] == [3, 3, 3, 4, 4, 4, 4, 4]
    else:
        assert all(p["page"] is None for p in projects)


@pytest.mark.parametrize("name", SEED)
def test_seed_parts_add_up(run, name):
    """The cross-check as a test: the projects' budgets add up to 项目支出, and
    基本支出 + 项目支出 = the total spent."""
    r = by_file(run, "reports", name)[0]
    projects = by_file(run, "projects", name)
    assert sum(p["budget_adjusted"] for p in projects) == r["project_expenditure"]
    assert r["basic_expenditure"] + r["project_expenditure"] == r["expenditure"]
    checks = {f["check"] for f in by_file(run, "findings", name)}
    assert "basic_plus_project_eq_total" not in checks
    assert "projects_sum_eq_project_total" not in checks


@pytest.mark.parametrize("name", SEED)
def test_seed_conflicting_basic_expenditure(run, name):
    """The seed says 基本支出 177.62 万元 and later 177.61 万元."""
    found = [
        f
        for f in by_file(run, "findings", name)
        if f["check"] == "conflicting_values" and f["field"] == "basic_expenditure"
    ]
    assert len(found) == 1
    f = found[0]
    assert (D(f["expected"]), D(f["actual"])) == (D("1776200.00"), D("1776100.00"))
    assert f["severity"] in ("warning", "error")
    assert f["message"] and "\n" not in f["message"]


def page_texts(path: Path) -> dict[int | None, str]:
    return {p.number: p.text for p in extract.read(path).pages}


@pytest.mark.parametrize("name", SEED + P101)
def test_amounts_point_at_their_raw_text(run, name):
    amounts = by_file(run, "amounts", name)
    assert amounts
    texts = page_texts(run["in"] / name)
    for a in amounts:
        if name.endswith(".pdf"):
            assert isinstance(a["page"], int) and 1 <= a["page"] <= run["files"][name]["pages"]
        else:
            assert a["page"] is None
        assert texts[a["page"]][a["char_start"] : a["char_end"]] == a["raw"], a


@pytest.mark.parametrize("name", SEED)
def test_seed_amounts_fed_fields(run, name):
    amounts = by_file(run, "amounts", name)
    fed = [(a["field"], a["label"], squash(a["raw"]), a["value"]) for a in amounts if a["field"]]
    assert ("budget_initial", "年初预算批复数", "403.51万元", D("4035100.00")) in fed
    assert ("personnel_expenditure", "人员经费", "154.97万元", D("1549700.00")) in fed
    assert ("public_expenditure", "公用经费", "22.64万元", D("226400.00")) in fed
    values = [a["value"] for a in amounts]
    assert D("2503000.00") in values, (
        "an amount that feeds no field is still listed (电子政务项目租赁费 250.3 万元)"
    )
    assert all(a["context"] for a in amounts)


def expected_101() -> dict:
    return json.loads((SAMPLES.parent / "tests" / "golden" / "101.expected.json").read_text(encoding="utf-8"))


def as_expected(key: str, v):
    """101.expected.json writes money, rates and scores as strings and dates as ISO text."""
    if v is None or key in ("report_kind", "unit_name", "region", "grade", "project_name", "fiscal_year"):
        return v
    if key == "report_date":
        return dt.date.fromisoformat(v)
    return D(v)


@pytest.mark.parametrize("name", P101)
def test_sample_101_report(run, name):
    want = {k: as_expected(k, v) for k, v in expected_101().items() if k != "project_name"}
    reports = by_file(run, "reports", name)
    assert len(reports) == 1
    assert {k: reports[0][k] for k in want} == want


@pytest.mark.parametrize("name", P101)
def test_sample_101_project(run, name):
    exp = expected_101()
    projects = by_file(run, "projects", name)
    assert [p["project_name"] for p in projects] == [exp["project_name"]]
    p = projects[0]
    for key, col in (
        ("budget_initial", "budget_initial"),
        ("budget_adjusted", "budget_adjusted"),
        ("expenditure", "expenditure"),
        ("execution_rate", "execution_rate"),
        ("self_score", "score"),
    ):
        assert p[col] == D(exp[key]), col


@pytest.mark.parametrize("name", P101)
def test_sample_101_is_consistent(run, name):
    """101 states each figure once and they agree (887.36 / 920.50 = 96.40%): no finding."""
    assert by_file(run, "findings", name) == []


def test_pandas_reads_decimals(run):
    reports = read_table(run["out"], "reports")
    assert len(reports) == 5
    assert set(reports["budget_initial"]) == {D("4035100.00"), D("8500000.00")}


def test_rerun_adds_nothing(tmp_path):
    inp = copy_samples(("000.txt", "000.docx", "101.pdf"), tmp_path / "in")
    out = tmp_path / "out"
    assert run_cli([inp], out) == 0
    before = {
        t: pq.read_table(out / f"{t}.parquet").num_rows
        for t in ("files", "reports", "projects", "indicators", "amounts", "findings")
    }
    assert before["files"] == 3 and before["reports"] == 3
    assert run_cli([inp], out) == 0
    after = {t: pq.read_table(out / f"{t}.parquet").num_rows for t in before}
    assert after == before
