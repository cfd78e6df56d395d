"""Tables to files: CSV (UTF-8 with BOM, formula-safe), Parquet and DuckDB.

Each table is written whole to a temporary name and renamed into place, so a reader
never sees half a file.
"""

from __future__ import annotations

import csv
import os
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from export.rows import money_text
from export.schema import TABLES, arrow_schema

# A text cell starting with one of these is a formula to Excel and WPS.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_arrow(table: str, rows: list[dict]) -> pa.Table:
    schema = arrow_schema(table)
    cols = {}
    for f in schema:
        values = [r.get(f.name) for r in rows]
        if pa.types.is_decimal(f.type):
            q = Decimal(1).scaleb(-f.type.scale)
            values = [None if v is None else Decimal(v).quantize(q) for v in values]
        cols[f.name] = pa.array(values, type=f.type)
    return pa.table(cols, schema=schema)


def safe_text(s: str) -> str:
    return "'" + s if s.startswith(FORMULA_START) else s


def _csv_value(v, typ: pa.DataType):
    if v is None:
        return ""
    if pa.types.is_decimal(typ):
        return money_text(v, typ.scale)
    if pa.types.is_string(typ):
        return safe_text(str(v))
    if pa.types.is_boolean(typ):
        return "true" if v else "false"
    if pa.types.is_timestamp(typ):
        return v.isoformat()
    if pa.types.is_date(typ):
        return v.isoformat()
    return v


def write_csv(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    names = table.schema.names
    types = [f.type for f in table.schema]
    with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(names)
        for row in table.to_pylist():
            w.writerow([_csv_value(row[n], t) for n, t in zip(names, types)])
    os.replace(tmp, path)


def write_parquet(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def write_duckdb(tables: dict[str, pa.Table], path: Path) -> None:
    import duckdb

    tmp = path.with_name(path.name + ".tmp")
    if tmp.exists():
        tmp.unlink()
    con = duckdb.connect(str(tmp))
    try:
        for name, tbl in tables.items():
            con.register("incoming", tbl)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
            con.unregister("incoming")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, path)


def read_existing(out: Path, table: str) -> pa.Table | None:
    path = out / f"{table}.parquet"
    if not path.exists():
        return None
    t = pq.read_table(path)
    schema = arrow_schema(table)
    # columns added since the file was written come in as nulls
    cols = [t.column(f.name) if f.name in t.schema.names else pa.nulls(len(t), f.type) for f in schema]
    return pa.table(cols, schema=schema)


__all__ = ["TABLES", "to_arrow", "write_csv", "write_parquet", "write_duckdb", "read_existing"]
