"""Records built by hand -> export.write -> read back from Parquet, DuckDB and CSV.

Every Decimal must come back exactly (money decimal128(18,2) in yuan, rates and
scores decimal128(9,4)); the CSV is UTF-8 with a BOM, formula-safe, with plain
numbers; a null stays empty; a second write adds to the dataset.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import export
from export import FileRow, Result
from normalize.model import AmountRow, Finding, Indicator, Project, Records, Report, ReportKind, Severity

D = Decimal
MONEY = pa.decimal128(18, 2)
RATE = pa.decimal128(9, 4)
TABLES = ("files", "reports", "projects", "indicators", "amounts", "findings")


def file_row(rid: str, name: str, status: str = "ok", error: str | None = None) -> FileRow:
    return FileRow(
        rid,
        f"in/{name}",
        name,
        "pdf",
        1234,
        3,
        False,
        status,
        error,
        0.25,
        "0.1.0",
        dt.datetime(2024, 3, 15, 9, 0, tzinfo=dt.timezone.utc),
    )


def seed_like(rid: str = "a" * 64, name: str = "000.pdf") -> Result:
    report = Report(
        report_kind=ReportKind.DEPT_OVERALL,
        unit_name="=1+1",
        region="-龙山县",
        fiscal_year=2022,
        report_date=dt.date(2023, 6, 5),
        budget_initial=D("0.01"),
        budget_adjusted=D("4035100.00"),
        expenditure=D("99999999999999.99"),
        execution_rate=D("98.3600"),
        basic_expenditure=None,
        personnel_expenditure=D("1549700.00"),
        public_expenditure=D("226400.00"),
        project_expenditure=D("0.00"),
        self_score=D("91.8"),
        grade="优",
        project_count=8,
        title="龙山县大数据中心 2022 年部门整体支出绩效自评报告",
    )
    projects = (
        Project(
            1,
            "+电子政务外网租赁项目",
            None,
            D("1510200.00"),
            D("1510200.00"),
            D("100"),
            D("90"),
            None,
            "通过项目实施，实现全县电子政务外网网络正常运行",
            4,
        ),
        Project(2, "政府门户网站运维项目", None, D("50000.00"), None, None, D("88"), "良", None, None),
    )
    indicators = (
        Indicator(None, "产出指标", "数量指标", "@完成学校数", "≥12所", "12所", D("10"), D("9.5"), None, 2),
    )
    amounts = (
        AmountRow(
            "budget_initial",
            "年初预算批复数",
            "403.51 万元",
            D("4035100.00"),
            1,
            207,
            216,
            "2022 年我部门年初预算批复数 403.51 万元，全年预算数",
        ),
        AmountRow(None, None, "0.01元", D("0.01"), None, 0, 5, "\t0.01元"),
    )
    findings = (
        Finding(
            "conflicting_values",
            Severity.WARNING,
            "basic_expenditure",
            "1776200.00",
            "1776100.00",
            "-basic_expenditure 前后表述不一致",
        ),
    )
    return Result(file_row(rid, name), Records(report, projects, indicators, amounts, findings))


def failed(rid: str = "b" * 64) -> Result:
    return Result(file_row(rid, "bad.pdf", "failed", "encrypted PDF: a password is required to open it"))


@pytest.fixture()
def out(tmp_path) -> Path:
    out = tmp_path / "out"
    export.write([seed_like(), failed()], out)
    return out


# ---------------------------------------------------------------- Parquet


def read_schema(path):
    """The schema of a table as written: a hive-partitioned folder of part files."""
    import pyarrow.dataset as ds

    return ds.dataset(path, format="parquet", partitioning="hive").schema


def test_parquet_types_are_the_contract(out):
    schema = read_schema(out / "reports.parquet")
    for col in (
        "budget_initial",
        "budget_adjusted",
        "expenditure",
        "basic_expenditure",
        "personnel_expenditure",
        "public_expenditure",
        "project_expenditure",
    ):
        assert schema.field(col).type == MONEY, col
    for col in ("execution_rate", "self_score"):
        assert schema.field(col).type == RATE, col
    assert schema.field("report_date").type == pa.date32()
    assert schema.field("fiscal_year").type == pa.int32()
    assert read_schema(out / "amounts.parquet").field("value").type == MONEY
    assert read_schema(out / "projects.parquet").field("score").type == RATE
    assert read_schema(out / "indicators.parquet").field("weight").type == RATE


def test_parquet_columns_are_declared_once(out):
    for t in TABLES:
        # every part file holds exactly the declared columns (the folder adds its `year` key)
        for part in (out / f"{t}.parquet").rglob("*.parquet"):
            assert pq.read_schema(part).names == export.columns(t)


def test_pandas_reads_exact_decimals(out):
    r = pd.read_parquet(out / "reports.parquet").iloc[0]
    assert r["budget_initial"] == D("0.01") and isinstance(r["budget_initial"], Decimal)
    assert r["budget_adjusted"] == D("4035100.00")
    assert r["expenditure"] == D("99999999999999.99")
    assert r["execution_rate"] == D("98.36")
    assert r["self_score"] == D("91.8")
    assert r["project_expenditure"] == D("0"), "zero is a value, not a null"
    assert r["basic_expenditure"] is None
    assert r["report_date"] == dt.date(2023, 6, 5)
    assert r["unit_name"] == "=1+1", "Parquet keeps text as it was; only the CSV is neutralised"
    a = pd.read_parquet(out / "amounts.parquet")
    assert list(a["value"]) == [D("4035100.00"), D("0.01")]


def test_failed_file_has_a_files_row_and_no_report(out):
    files = pq.read_table(out / "files.parquet").to_pylist()
    assert [(f["file_name"], f["status"]) for f in files] == [("000.pdf", "ok"), ("bad.pdf", "failed")]
    assert files[1]["error"] == "encrypted PDF: a password is required to open it"
    assert pq.read_table(out / "reports.parquet").num_rows == 1


# ---------------------------------------------------------------- DuckDB


def test_duckdb_database_has_exact_decimals(out):
    con = duckdb.connect(str(out / "jixiao.duckdb"), read_only=True)
    try:
        row = con.execute(
            "select budget_initial, budget_adjusted, expenditure, execution_rate, self_score, "
            "basic_expenditure, report_date from reports"
        ).fetchall()
        counts = {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in TABLES}
    finally:
        con.close()
    assert row == [
        (D("0.01"), D("4035100.00"), D("99999999999999.99"), D("98.36"), D("91.8"), None, dt.date(2023, 6, 5))
    ]
    assert counts == {"files": 2, "reports": 1, "projects": 2, "indicators": 1, "amounts": 2, "findings": 1}


def test_duckdb_reads_the_parquet_file(out):
    path = (out / "reports.parquet").as_posix()
    got = duckdb.sql(f"select unit_name, expenditure, execution_rate from '{path}'").fetchall()
    assert got == [("=1+1", D("99999999999999.99"), D("98.36"))]


# ---------------------------------------------------------------- CSV


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_has_a_bom_and_a_header(out):
    for t in TABLES:
        raw = (out / f"{t}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), t
        assert raw[3:].decode("utf-8").splitlines()[0].split(",") == export.columns(t)


def test_csv_money_rates_dates_and_nulls(out):
    r = read_csv(out / "reports.csv")[0]
    assert r["budget_initial"] == "0.01"
    assert r["budget_adjusted"] == "4035100.00"
    assert r["expenditure"] == "99999999999999.99"
    assert r["project_expenditure"] == "0.00"
    assert r["execution_rate"] == "98.36"
    assert r["self_score"] == "91.8"
    assert r["basic_expenditure"] == "", "null stays empty, never 0"
    assert r["report_date"] == "2023-06-05"
    assert r["fiscal_year"] == "2022" and r["project_count"] == "8"
    p = read_csv(out / "projects.csv")
    assert [x["execution_rate"] for x in p] == ["100", ""]
    assert [x["expenditure"] for x in p] == ["1510200.00", ""]


@pytest.mark.parametrize(
    "table, column, row, expected",
    [
        pytest.param("reports", "unit_name", 0, "'=1+1", id="equals"),
        pytest.param("reports", "region", 0, "'-龙山县", id="minus"),
        pytest.param("projects", "project_name", 0, "'+电子政务外网租赁项目", id="plus"),
        pytest.param("indicators", "level3", 0, "'@完成学校数", id="at"),
        pytest.param("amounts", "context", 1, "'\t0.01元", id="tab"),
        pytest.param("findings", "message", 0, "'-basic_expenditure 前后表述不一致", id="minus_in_findings"),
        pytest.param(
            "reports",
            "title",
            0,
            "龙山县大数据中心 2022 年部门整体支出绩效自评报告",
            id="plain_text_untouched",
        ),
        pytest.param("projects", "project_name", 1, "政府门户网站运维项目", id="plain_name_untouched"),
    ],
)
def test_csv_neutralises_formulas(out, table, column, row, expected):
    assert read_csv(out / f"{table}.csv")[row][column] == expected


def test_csv_text_is_what_csv_writer_writes():
    """Cells Excel would misread (a comma, a quote, a line break in a unit's wording) are
    quoted exactly as Python's csv.writer quotes them; money keeps its cents, a rate its
    stated digits; a formula gets its quote; null is an empty cell."""
    table = pa.table(
        {
            "unit_name": pa.array(
                ["龙山县教育局,机关", '说明"见附件"', "第一行\n第二行", "=1+1", None, "", "卫健局\r"]
            ),
            "expenditure": pa.array(
                [D("177.62"), D("1"), None, D("-0.5"), D("4035100"), D("0.01"), D("12.3")],
                pa.decimal128(18, 2),
            ),
            "score": pa.array([D("98.36"), D("100"), D("0.0004"), None, D("7.5"), D("60"), D("1.1")], RATE),
            "seconds": pa.array([0.25, 1.0, None, 1e-07, 3.0, 12.5, 0.1]),
        }
    )
    expected = io.StringIO(newline="")
    csv.writer(expected).writerows(
        [
            ["龙山县教育局,机关", "177.62", "98.36", "0.25"],
            ['说明"见附件"', "1.00", "100", "1.0"],
            ["第一行\n第二行", "", "0.0004", ""],
            ["'=1+1", "-0.50", "", "1e-07"],
            ["", "4035100.00", "7.5", "3.0"],
            ["", "0.01", "60", "12.5"],
            ["卫健局\r", "12.30", "1.1", "0.1"],
        ]
    )
    assert "".join(export.writers.csv_text(table)) == expected.getvalue()


# ---------------------------------------------------------------- incremental writes


def test_second_write_appends_without_duplicating(out):
    second = seed_like("c" * 64, "101.pdf")
    counts = export.write([second], out)
    assert counts == {
        "files": 3,
        "reports": 2,
        "projects": 4,
        "indicators": 2,
        "amounts": 4,
        "findings": 2,
        "problems": 0,
        "evidence": 0,  # these results were made without a document: no places
    }
    # partitioned by year, the folder keeps no global row order: compare as sets of rows
    ids = sorted(f["report_id"] for f in pq.read_table(out / "files.parquet").to_pylist())
    assert ids == ["a" * 64, "b" * 64, "c" * 64]
    assert [r["report_id"] for r in read_csv(out / "reports.csv")] == ["a" * 64, "c" * 64]
    con = duckdb.connect(str(out / "jixiao.duckdb"), read_only=True)
    try:
        assert con.execute("select report_id, budget_initial from reports order by report_id").fetchall() == [
            ("a" * 64, D("0.01")),
            ("c" * 64, D("0.01")),
        ]
    finally:
        con.close()
    assert export.known_files(out) == {
        ("a" * 64, "in/000.pdf"),
        ("b" * 64, "in/bad.pdf"),
        ("c" * 64, "in/101.pdf"),
    }


def test_write_of_nothing_keeps_the_dataset(out):
    before = {t: pq.read_table(out / f"{t}.parquet").to_pylist() for t in ("reports", "amounts")}
    counts = export.write([], out)
    assert counts["files"] == 2 and counts["reports"] == 1
    assert {t: pq.read_table(out / f"{t}.parquet").to_pylist() for t in before} == before


def test_no_temporary_files_left(out):
    assert sorted(p.name for p in out.iterdir() if ".tmp" in p.name) == []


# ---------------------------------------------------------------- property

CENTS = st.integers(min_value=0, max_value=10**16 - 1).map(lambda c: D(c).scaleb(-2))
RATES = st.integers(min_value=0, max_value=10**7 - 1).map(lambda c: D(c).scaleb(-4))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(money=CENTS, rate=RATES)
def test_any_decimal_round_trips(tmp_path_factory, money, rate):
    out = tmp_path_factory.mktemp("rt")
    rep = Report(budget_adjusted=money, execution_rate=rate)
    export.write([Result(file_row("d" * 64, "x.pdf"), Records(rep))], out)
    r = pq.read_table(out / "reports.parquet").to_pylist()[0]
    assert (r["budget_adjusted"], r["execution_rate"]) == (money, rate)
    con = duckdb.connect(str(out / "jixiao.duckdb"), read_only=True)
    try:
        assert con.execute("select budget_adjusted, execution_rate from reports").fetchone() == (money, rate)
    finally:
        con.close()
    c = read_csv(out / "reports.csv")[0]
    assert D(c["budget_adjusted"]) == money and D(c["execution_rate"]) == rate
    assert c["budget_adjusted"] == f"{money:.2f}"


def test_an_amount_finer_than_its_column_is_rounded_to_it(tmp_path):
    # a rate computed to more places than decimal(9,4) holds, a sum in yuan with a stray
    # third place: each rounded half-even to its column, the other rows as they are
    out = tmp_path / "out"
    rep = Report(budget_adjusted=D("4035100.005"), execution_rate=D("98.36125"), self_score=D("91.8"))
    export.write([Result(file_row("e" * 64, "x.pdf"), Records(rep)), seed_like()], out)
    got = {r["report_id"]: r for r in pq.read_table(out / "reports.parquet").to_pylist()}
    assert (got["e" * 64]["budget_adjusted"], got["e" * 64]["execution_rate"]) == (
        D("4035100.00"),
        D("98.3612"),
    )
    assert got["a" * 64]["expenditure"] == D("99999999999999.99")
