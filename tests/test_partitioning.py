"""The Parquet tables are partitioned hive style by fiscal year (year=2022, year=unknown):
a year reads alone through a filter, the exact fiscal_year stays an integer column, and
DuckDB reads the folder as one table.

Inputs: 000.txt (fiscal year 2022), 201.docx (2023) and an empty .pdf that fails.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pytest
from conftest import copy_samples, run_cli

from jixiao.run import sha256


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("partitioning")
    inp = copy_samples(("000.txt", "201.docx"), base / "in")
    (inp / "empty.pdf").write_bytes(b"")
    out = base / "out"
    assert run_cli([inp], out) == 1  # one file failed
    return out


def year_value(path: Path, year: int):
    """`year` as the partition key reads in this table: an integer, or text when a
    year=unknown folder makes the key a string."""
    typ = ds.dataset(path, format="parquet", partitioning="hive").schema.field("year").type
    return year if pa.types.is_integer(typ) else str(year)


def test_one_folder_per_year(out: Path) -> None:
    for table in ("reports", "files"):
        folders = {p.name for p in (out / f"{table}.parquet").iterdir()}
        assert folders - {"year=unknown"} == {"year=2022", "year=2023"}, table
    assert "year=unknown" in {p.name for p in (out / "files.parquet").iterdir()}
    unknown = out / "reports.parquet" / "year=unknown"  # may exist, empty: every report has its year
    assert not unknown.exists() or len(pd.read_parquet(unknown)) == 0


def test_a_filter_on_year_reads_that_year_alone(out: Path, samples: Path) -> None:
    path = out / "reports.parquet"
    got = pd.read_parquet(path, filters=[("year", "=", year_value(path, 2022))])
    assert got["report_id"].tolist() == [sha256(samples / "000.txt")]
    assert got["fiscal_year"].tolist() == [2022]


def test_fiscal_year_is_an_exact_integer_column(out: Path) -> None:
    reports = pd.read_parquet(out / "reports.parquet")
    assert pd.api.types.is_integer_dtype(reports["fiscal_year"]), reports["fiscal_year"].dtype
    assert sorted(reports["fiscal_year"].tolist()) == [2022, 2023]
    assert all(type(v) is int for v in reports["fiscal_year"].tolist())
    schema = ds.dataset(out / "reports.parquet", format="parquet", partitioning="hive").schema
    assert schema.field("fiscal_year").type == pa.int32()


def test_duckdb_reads_the_partitioned_folder(out: Path) -> None:
    where = (out / "reports.parquet").as_posix()
    got = duckdb.sql(f"select fiscal_year, count(*) from '{where}' group by 1 order by 1").fetchall()
    assert got == [(2022, 1), (2023, 1)]
    con = duckdb.connect(str(out / "jixiao.duckdb"), read_only=True)
    try:
        assert con.execute("select fiscal_year from reports order by 1").fetchall() == [(2022,), (2023,)]
        assert con.execute("select file_name, year from files where status = 'failed'").fetchall() == [
            ("empty.pdf", "unknown")
        ]
    finally:
        con.close()


def test_the_failed_file_is_in_year_unknown(out: Path) -> None:
    files = pd.read_parquet(out / "files.parquet")
    failed = files[files["status"] == "failed"]
    assert failed["file_name"].tolist() == ["empty.pdf"]
    assert failed["year"].astype(str).tolist() == ["unknown"]
    assert failed["fiscal_year"].isna().all()
    assert sorted(files.loc[files["status"] == "ok", "year"].astype(str)) == ["2022", "2023"]


def test_one_filter_reads_a_year_from_every_table(out: Path) -> None:
    """The key reads as one type in every table, whether or not the table has rows without a
    year (files has the failed file's; reports has none): the filter that reads 2022 from
    reports reads 2022 from files. (Before every table got a year=unknown folder, `year` was
    an integer in reports and text in files, and the same filter raised
    ArrowNotImplementedError on one of them.)"""
    value = year_value(out / "reports.parquet", 2022)
    for table in ("reports", "files"):
        got = pd.read_parquet(out / f"{table}.parquet", filters=[("year", "=", value)])
        assert got["fiscal_year"].tolist() == [2022], table
