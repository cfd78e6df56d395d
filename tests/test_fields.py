"""Every field declared once (normalize/fields.py): the record classes, the label lookup,
the output schema and the Excel headers are that declaration or are held to it here, and a
field added to a declaration reaches Parquet, CSV, DuckDB and Excel with no other edit.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections import Counter
from decimal import Decimal

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest

import export
from export import FileRow, FileStatus, Result
from export.schema import ARROW, FILES, TABLES, arrow_schema
from export.writers import UndeclaredColumn, to_arrow
from export.xlsx import columns_of, write_xlsx
from normalize import fields as F
from normalize.fields import Field, Kind
from normalize.labels import LABEL_FIELD, LABELS
from normalize.model import AmountRow, Finding, Indicator, Problem, Project, Records, Report, ReportKind

RECORD_CLASSES = {
    "reports": Report,
    "projects": Project,
    "indicators": Indicator,
    "amounts": AmountRow,
    "findings": Finding,
    "problems": Problem,
}
# how each kind is annotated on a record class (annotations are strings: `from __future__`)
ANNOTATION = {
    Kind.MONEY: "Decimal",
    Kind.RATE: "Decimal",
    Kind.SCORE: "Decimal",
    Kind.MEASURE: "Decimal",
    Kind.TEXT: ("str", "ReportKind", "Check", "Severity", "Section"),
    Kind.GRADE: "str",
    Kind.DATE: "dt.date",
    Kind.INT: "int",
}


@pytest.mark.parametrize("table", list(RECORD_CLASSES))
def test_record_class_holds_exactly_the_declared_fields(table):
    cls = RECORD_CLASSES[table]
    assert [f.name for f in dataclasses.fields(cls)] == [f.name for f in F.RECORDS[table]]


@pytest.mark.parametrize("table", list(RECORD_CLASSES))
def test_record_class_types_follow_the_kinds(table):
    declared = {f.name: f.kind for f in F.RECORDS[table]}
    for f in dataclasses.fields(RECORD_CLASSES[table]):
        want = ANNOTATION[declared[f.name]]
        assert any(w in str(f.type) for w in ((want,) if isinstance(want, str) else want)), (f.name, f.type)


def test_file_row_holds_the_files_columns():
    # fiscal_year is added from the file's report when its row is written
    assert [f.name for f in dataclasses.fields(FileRow)] == [f.name for f in FILES if f.name != "fiscal_year"]


def test_every_column_has_a_chinese_header_and_one_name_per_table():
    for table in TABLES:
        names = [f.name for f in TABLES[table]]
        assert len(names) == len(set(names)), table
        for f in TABLES[table]:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in f.header), (table, f.name)


def test_a_label_names_one_field():
    said = Counter(label for words in LABELS.values() for label in words)
    assert [w for w, n in said.items() if n > 1] == []
    assert LABELS == {f.name: f.labels for f in F.REPORTS if f.labels}
    assert set(LABEL_FIELD.values()) == set(LABELS)


def test_a_field_names_its_words_once():
    for f in (*F.REPORTS, *F.PROJECTS, *F.INDICATORS):
        for words in (f.labels, f.columns, f.cells, f.rows):
            assert len(words) == len(set(words)), f.name


def test_the_arrow_schema_is_the_kinds():
    for table in TABLES:
        assert [(x.name, x.type) for x in arrow_schema(table)] == [
            (f.name, ARROW[f.kind]) for f in TABLES[table]
        ]


def test_excel_headers_are_the_declared_ones():
    units = {Kind.MONEY: "（元）", Kind.RATE: "（%）", Kind.SCORE: "（分）"}
    for table in TABLES:
        cols = [c for c in columns_of(table, arrow_schema(table)) if c.name == c.source]
        assert [c.header for c in cols] == [f.header + units.get(f.kind, "") for f in TABLES[table]], table


def test_a_key_no_column_declares_raises():
    with pytest.raises(UndeclaredColumn, match="audit_opinion"):
        to_arrow("reports", [{"report_id": "x", "audit_opinion": "无保留意见"}])


# ---- a field added to one declaration reaches every output -------------------------------

AUDIT = Field("audit_opinion", Kind.TEXT, "审计意见", "审计机关对该单位决算的意见")


@dataclasses.dataclass(frozen=True, slots=True)
class AuditedReport(Report):
    audit_opinion: str | None = None


def one_result() -> Result:
    report = AuditedReport(
        ReportKind.DEPT_OVERALL,
        "龙山县大数据中心",
        "龙山县",
        2022,
        dt.date(2023, 6, 5),
        budget_initial=Decimal("4035100.00"),
        audit_opinion="无保留意见",
    )
    row = FileRow(
        "ab" * 32,
        "in/000.docx",
        "000.docx",
        "docx",
        1000,
        None,
        False,
        FileStatus.OK,
        None,
        0.1,
        "0.1.0",
        dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    )
    return Result(row, Records(report))


def test_an_undeclared_report_field_is_refused_not_dropped(tmp_path):
    with pytest.raises(UndeclaredColumn, match="audit_opinion"):
        export.write([one_result()], tmp_path / "out")


def test_a_declared_field_reaches_parquet_csv_duckdb_and_excel(tmp_path, monkeypatch):
    monkeypatch.setitem(F.RECORDS, "reports", (*F.REPORTS, AUDIT))
    out = tmp_path / "out"
    export.write([one_result()], out)

    row = pq.read_table(out / "reports.parquet").to_pylist()[0]
    assert (row["audit_opinion"], row["budget_initial"]) == ("无保留意见", Decimal("4035100.00"))

    lines = list(csv.DictReader(io.StringIO((out / "reports.csv").read_text(encoding="utf-8-sig"))))
    assert lines[0]["audit_opinion"] == "无保留意见"

    con = duckdb.connect(str(out / "jixiao.duckdb"), read_only=True)
    try:
        assert con.execute("select audit_opinion from reports").fetchall() == [("无保留意见",)]
    finally:
        con.close()

    xlsx = tmp_path / "绩效.xlsx"
    write_xlsx(out, xlsx)
    sheet = openpyxl.load_workbook(xlsx)["报告"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("审计意见") + 1).value == "无保留意见"
