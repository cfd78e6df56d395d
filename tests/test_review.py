"""A person's decisions on extracted values survive: DIR/corrections.csv, applied to every
table written afterwards, never to a figure the reviewer did not see.

The seed report (samples/000.pdf) states 全年预算数 477.72 万元 and 年初预算数 403.51 万元.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import copy_samples, read_table, run_cli

import jixiao
import jixiao.run
from export import review
from export.review import BadCorrection, Correction


def decide(out: Path, field: str, read: str, decided: str, decision: str = review.CORRECT, **kw) -> None:
    rid = read_table(out, "reports")["report_id"].iloc[0]
    review.append(
        out,
        Correction(
            kw.get("rid", rid),
            kw.get("table", "reports"),
            kw.get("key", ""),
            field,
            read,
            decided,
            decision,
            kw.get("reviewer", "王会计"),
            review.now(),
            kw.get("note", ""),
        ),
    )


def reconcile(out: Path) -> set[str]:
    with jixiao.run.writing(out):
        return review.reconcile(out)


@pytest.fixture
def seed(tmp_path) -> tuple[Path, Path]:
    inp = copy_samples(["000.pdf"], tmp_path / "in")
    out = tmp_path / "out"
    assert run_cli([inp], out) == 0
    return inp, out


def report(out: Path) -> dict:
    return read_table(out, "reports").iloc[0].to_dict()


def test_a_decided_value_shows_in_parquet_csv_and_duckdb(seed):
    _, out = seed
    assert report(out)["budget_adjusted"] == Decimal("4777200.00")
    decide(out, "budget_adjusted", "4777200", "4777300", note="决算表为477.73万元")
    decide(out, "budget_initial", "4035100", "4035100", review.CONFIRM)
    assert reconcile(out) == {report(out)["report_id"]}

    r = report(out)
    assert r["budget_adjusted"] == Decimal("4777300.00") and r["budget_initial"] == Decimal("4035100.00")
    assert r["decided"] == "budget_adjusted,budget_initial"
    assert r["read_values"] == '{"budget_adjusted": "4777200", "budget_initial": "4035100"}'
    with open(out / "reports.csv", encoding="utf-8-sig", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["budget_adjusted"] == "4777300.00" and row["decided"] == "budget_adjusted,budget_initial"
    con = duckdb.connect(str(out / "jixiao.duckdb"), read_only=True)
    assert con.execute("select budget_adjusted from reports").fetchone() == (Decimal("4777300.00"),)
    assert con.execute("select budget_adjusted from history").fetchone() == (Decimal("4777300.00"),)
    con.close()
    assert reconcile(out) == set(), "nothing left to do"


def test_corrections_csv_is_what_excel_opens(seed):
    _, out = seed
    decide(out, "budget_adjusted", "4777200", "4777300")
    decide(out, "self_score", "98.5", "", review.NOT_STATED)
    raw = (out / "corrections.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    rows = review.load(out)
    assert [(c.field, c.value_decided, c.decision, c.reviewer) for c in rows] == [
        ("budget_adjusted", "4777300", "corrected", "王会计"),
        ("self_score", "", "not_stated", "王会计"),
    ]


def test_not_stated_makes_a_value_null(seed):
    _, out = seed
    score = review.text_of(report(out)["self_score"])
    decide(out, "self_score", score, "", review.NOT_STATED)
    reconcile(out)
    assert report(out)["self_score"] is None


def test_a_reprocess_keeps_the_decision(seed, monkeypatch):
    inp, out = seed
    # read by jixiao 0.0.1 ...
    monkeypatch.setattr(jixiao.run, "__version__", "0.0.1")
    assert run_cli([inp], out, "--reprocess") == 0
    decide(out, "budget_adjusted", "4777200", "4777300")
    reconcile(out)
    # ... and read again by this one: the figure is read afresh, and the decision applied to it
    monkeypatch.undo()
    assert run_cli([inp], out, "--reprocess") == 0
    r = report(out)
    assert read_table(out, "files")["extractor_version"].iloc[0] == jixiao.run.__version__
    assert r["budget_adjusted"] == Decimal("4777300.00") and r["decided"] == "budget_adjusted"


def test_a_correction_whose_figure_changed_is_flagged_not_applied(seed):
    """The reviewer corrected 477.70 万元; the figure now read is 477.72 万元 (a new jixiao, or
    another file): the correction is shown again, never applied to a figure not seen."""
    _, out = seed
    decide(out, "budget_adjusted", "4777000", "4777300")
    reconcile(out)
    r = report(out)
    assert r["budget_adjusted"] == Decimal("4777200.00")
    assert r["review_stale"] == "budget_adjusted" and pd.isna(r["decided"])


def test_a_project_and_an_indicator_are_keyed_by_name_and_path(seed):
    _, out = seed
    projects = read_table(out, "projects")
    p = projects.iloc[0].to_dict()
    decide(
        out,
        "expenditure",
        review.text_of(p["expenditure"]),
        "123456.78",
        table="projects",
        key=review.row_key("projects", p),
    )
    reconcile(out)
    after = read_table(out, "projects")
    got = after[after["project_name"] == p["project_name"]].iloc[0]
    assert got["expenditure"] == Decimal("123456.78") and got["decided"] == "expenditure"
    assert len(after) == len(projects)


@pytest.mark.parametrize(
    "field, value",
    [("budget_adjusted", "四百万"), ("report_date", "2023-13-45"), ("report_id", "x"), ("no_such", "1")],
)
def test_a_decision_the_column_cannot_hold_is_refused(seed, field, value):
    _, out = seed
    with pytest.raises(BadCorrection):
        decide(out, field, "", value)
    assert not (out / "corrections.csv").exists()


def test_a_decision_needs_its_reviewer(seed):
    _, out = seed
    with pytest.raises(BadCorrection):
        decide(out, "budget_adjusted", "4777200", "4777300", reviewer=" ")


@pytest.mark.parametrize(
    "value, text",
    [(Decimal("4777200.00"), "4777200"), (Decimal("98.3600"), "98.36"), (Decimal("0.00"), "0"), (None, "")],
)
def test_a_value_reads_as_its_plain_text(value, text):
    assert review.text_of(value) == text


def test_the_html_report_and_the_workbook_count_the_decisions(seed, tmp_path):
    from openpyxl import load_workbook

    from export.html_report import render
    from export.xlsx import DECISIONS_SHEET, REVIEW_SHEET, write_xlsx

    _, out = seed
    decide(out, "budget_adjusted", "4777200", "4777300")
    decide(out, "budget_initial", "4035100", "4035100", review.CONFIRM)
    decide(out, "self_score", review.text_of(report(out)["self_score"]), "", review.NOT_STATED)
    reconcile(out)
    line = "人工复核：1 份报告的 3 个值（确认 1，更正 1，标为未说明 1）。"
    assert f'<p class="note" id="review">{line}</p>' in render(out)
    write_xlsx(out, tmp_path / "book.xlsx")
    book = load_workbook(tmp_path / "book.xlsx", read_only=True)
    counts = dict(list(book[REVIEW_SHEET].iter_rows(values_only=True))[1:])
    assert counts == {
        "复核的值": 3,
        "其中：确认": 1,
        "其中：更正": 1,
        "其中：标为未说明": 1,
        "读取已变化、待重新复核": 0,
        "涉及报告": 1,
    }
    log = list(book[DECISIONS_SHEET].iter_rows(values_only=True))[1:]
    assert [(r[0], r[3], r[6]) for r in log] == [
        (report(out)["report_id"], "budget_adjusted", "corrected"),
        (report(out)["report_id"], "budget_initial", "confirmed"),
        (report(out)["report_id"], "self_score", "not_stated"),
    ]
