"""Tables to files: CSV (UTF-8 with BOM, formula-safe), Parquet and DuckDB.

Each table is written whole to a temporary name and renamed into place, so a reader
never sees half a file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from itertools import chain
from pathlib import Path

import pyarrow as pa

from export.schema import TABLES, arrow_schema

# A text cell starting with one of these is a formula to Excel and WPS.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class UndeclaredColumn(KeyError):
    """A row holds a key its table declares no column for: a field parsed but never declared
    (normalize/fields.py) would otherwise be dropped without a word."""


def to_arrow(table: str, rows: list[dict]) -> pa.Table:
    """A table's rows as Arrow, typed by the schema; a key the schema lacks raises."""
    schema = arrow_schema(table)
    extra = set(chain.from_iterable(rows)).difference(schema.names)
    if extra:
        raise UndeclaredColumn(
            f"table {table} has no column {', '.join(sorted(extra))}: "
            f"declare it in normalize/fields.py (or export/schema.py)"
        )
    try:
        # Arrow's own conversion (in C++, several times faster) where every amount fits its
        # column's scale as it is: it takes Decimals and ints, and refuses what would lose a digit
        return pa.Table.from_pylist(rows, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    # else each amount rounded to its column's places first
    cols = {}
    for f in schema:
        values = [r.get(f.name) for r in rows]
        if pa.types.is_decimal(f.type):
            q = Decimal(1).scaleb(-f.type.scale)
            values = [None if v is None else Decimal(v).quantize(q) for v in values]
        cols[f.name] = pa.array(values, type=f.type)
    return pa.table(cols, schema=schema)


# Trailing zeros of a rate or measure's fraction, and its point when nothing is left of it
# ("98.3600" -> "98.36", "100.0000" -> "100"); money keeps its cents ("4035100.00")
FRACTION_ZEROS = r"(\.[0-9]*[1-9])0+$|\.0+$"
FORMULA = "^[" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_START) + "]"


# A cell CSV must quote (as csv.QUOTE_MINIMAL does): one holding the delimiter, the quote
# or a line break; its quotes doubled inside
NEEDS_QUOTES = '[",\r\n]'
CSV_LINE_END = "\r\n"  # csv.writer's, which Excel expects


def _csv_cells(column: pa.ChunkedArray, typ: pa.DataType) -> pa.Array:
    """One column's values as CSV cells, formatted by Arrow where it can (null: an empty
    cell), without a Python call per value: money with its cents, a rate or measure as
    stated (trailing zeros off), text that would start a formula behind a quote, text with
    a comma, a quote or a line break quoted."""
    import pyarrow.compute as pc

    if pa.types.is_decimal(typ):
        text = pc.cast(column, pa.string())  # at the column's scale: 4035100.00, 98.3600
        if typ.scale != 2:
            text = pc.replace_substring_regex(text, FRACTION_ZEROS, r"\1")
        return pc.fill_null(text, "")
    if pa.types.is_boolean(typ) or pa.types.is_date(typ) or pa.types.is_integer(typ):
        return pc.fill_null(pc.cast(column, pa.string()), "")  # true/false, 2022-03-01, 42
    if not pa.types.is_string(typ):  # a timestamp in ISO form, a float as Python writes it
        show = datetime.isoformat if pa.types.is_timestamp(typ) else str
        return pa.array(["" if v is None else show(v) for v in column.to_pylist()], pa.string())
    text = pc.if_else(
        pc.match_substring_regex(column, FORMULA), pc.binary_join_element_wise("'", column, ""), column
    )
    quote = pc.match_substring_regex(text, NEEDS_QUOTES)
    if pc.any(quote).as_py():
        text = pc.if_else(
            quote, pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', ""), text
        )
    return pc.fill_null(text, "")


def csv_text(table: pa.Table, header: bool = False) -> Iterator[str]:
    """A table as CSV text (the bytes csv.writer writes, Decimals as plain text, text
    formula-safe), in pieces of up to 10,000 lines, the header line first if asked: each
    line joined by Arrow, one Python string a line, none a cell."""
    import pyarrow.compute as pc

    if header:
        yield ",".join(table.schema.names) + CSV_LINE_END
    types = [f.type for f in table.schema]
    for batch in table.to_batches(max_chunksize=10_000):
        cells = [_csv_cells(col, t) for col, t in zip(batch.columns, types)]
        if len(cells) == 1:  # a line of one empty cell is written "" (an empty line is no row)
            lines = pc.if_else(pc.equal(cells[0], ""), '""', cells[0])
        else:
            lines = pc.binary_join_element_wise(*cells, ",")
        yield CSV_LINE_END.join(lines.to_pylist()) + CSV_LINE_END


def write_duckdb(root: Path, names: list[str], version: str) -> None:
    """jixiao.duckdb: one table per table of the dataset, holding its rows, and the `history`
    views over them. A table, not a view over DIR/<table>.parquet: DuckDB reads a view's path
    from where the reader stands, not from the database file, so a view would send a copied or
    moved folder back to the original's files (or to none). The database is a copy of the
    current version, written aside and renamed into place; the sidecar jixiao.duckdb.version
    says which version it holds, so a run finds one left behind by a kill and writes it again."""
    stamp = root / "jixiao.duckdb.version"
    try:
        if (root / "jixiao.duckdb").exists() and stamp.read_text(encoding="utf-8") == version:
            return
    except OSError:
        pass

    import duckdb

    tmp = root / "jixiao.duckdb.tmp"
    for p in (tmp, root / "jixiao.duckdb.tmp.wal"):
        if p.exists():
            p.unlink()
    con = duckdb.connect(str(tmp))
    try:
        for name in names:
            where = (root.resolve() / f"{name}.parquet").as_posix().replace("'", "''")
            con.execute(
                f"CREATE TABLE \"{name}\" AS SELECT * FROM read_parquet('{where}/**/*.parquet', "
                f"hive_partitioning = true, union_by_name = true)"
            )
        if "reports" in names and "projects" in names:
            con.execute(HISTORY)
            con.execute(PROJECT_HISTORY)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, root / "jixiao.duckdb")
    aside = root / "jixiao.duckdb.version.tmp"
    aside.write_text(version, encoding="utf-8")
    os.replace(aside, stamp)
    old = root / "jixiao.duckdb.views"  # the sidecar of the views an older jixiao wrote
    if old.exists():
        old.unlink()


# A unit x year panel of the main figures: one department report per unit and year (a
# unit that sent the same report twice, as .docx and .pdf, is counted once: the latest dated).
HISTORY = """
CREATE VIEW history AS
SELECT unit_key, fiscal_year, unit_name, region, report_id, report_date,
       budget_initial, budget_adjusted, expenditure, execution_rate,
       basic_expenditure, personnel_expenditure, public_expenditure, project_expenditure,
       self_score, grade, project_count
FROM (
  SELECT *, row_number() OVER (PARTITION BY unit_key, fiscal_year
                               ORDER BY report_date DESC NULLS LAST, report_id) AS n
  FROM reports
  WHERE report_kind = 'dept_overall' AND unit_key IS NOT NULL AND fiscal_year IS NOT NULL
) WHERE n = 1
"""

# A project's series across years: project_key x year, one line per project and year.
PROJECT_HISTORY = """
CREATE VIEW project_history AS
SELECT project_key, fiscal_year, project_name, report_id, budget_initial, budget_adjusted, expenditure,
       execution_rate, score
FROM (
  SELECT p.*, row_number() OVER (PARTITION BY p.project_key, p.fiscal_year ORDER BY p.report_id, p.seq) AS n
  FROM projects p WHERE p.project_key IS NOT NULL AND p.fiscal_year IS NOT NULL
) WHERE n = 1
"""


__all__ = ["TABLES", "to_arrow", "csv_text", "write_duckdb", "UndeclaredColumn"]
