"""export: records in, tables out (CSV, Parquet, DuckDB). Knows nothing of parsing.

    from export import write, Result, FileRow
    write(results, Path("out"))    # appends to the dataset in out/, atomically per table
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from export.rows import FileRow, Result, rows
from export.schema import TABLES, arrow_schema, columns
from export.writers import read_existing, to_arrow, write_csv, write_duckdb, write_parquet

__all__ = ["write", "known_files", "Result", "FileRow", "TABLES", "arrow_schema", "columns"]


def known_files(out: Path) -> set[tuple[str, str]]:
    """(report_id, source_path) of every file already in the dataset at `out`."""
    t = read_existing(Path(out), "files")
    if t is None:
        return set()
    return set(zip(t.column("report_id").to_pylist(), t.column("source_path").to_pylist()))


def known_reports(out: Path) -> set[str]:
    t = read_existing(Path(out), "files")
    if t is None:
        return set()
    return {rid for rid, st in zip(t.column("report_id").to_pylist(), t.column("status").to_pylist())
            if st in ("ok", "partial")}


def write(results: list[Result], out: Path) -> dict[str, int]:
    """Add `results` to the dataset at `out`; return the row count of each table."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    new = rows(results)
    tables: dict[str, pa.Table] = {}
    for name in TABLES:
        fresh = to_arrow(name, new[name])
        old = read_existing(out, name)
        tables[name] = pa.concat_tables([old, fresh]) if old is not None else fresh
    for name, tbl in tables.items():
        write_parquet(tbl, out / f"{name}.parquet")
        write_csv(tbl, out / f"{name}.csv")
    write_duckdb(tables, out / "jixiao.duckdb")
    return {name: t.num_rows for name, t in tables.items()}
