"""export: records in, tables out (CSV, Parquet, DuckDB). Knows nothing of parsing.

    from export import write, Result, FileRow
    write(results, Path("out"))    # appends to the dataset in out/, atomically per table
    write_rows(rows(results), out) # the same, from results already made rows
"""

from __future__ import annotations

from pathlib import Path

from export.dataset import Store
from export.rows import FileRow, Result, rows
from export.schema import TABLES, arrow_schema, columns
from export.writers import to_arrow

__all__ = ["write", "write_rows", "rows", "known_files", "file_versions", "Result", "FileRow", "TABLES", "arrow_schema", "columns", "Store"]


def known_files(out: Path) -> set[tuple[str, str]]:
    """(report_id, source_path) of every file already in the dataset."""
    return set(file_versions(out))


def file_versions(out: Path) -> dict[tuple[str, str], str]:
    """(report_id, source_path) -> the extractor version that read it, for every file in the dataset."""
    t = Store(Path(out)).table("files", ["report_id", "source_path", "extractor_version"])
    if t is None:
        return {}
    return {(r, s): v for r, s, v in zip(t.column("report_id").to_pylist(), t.column("source_path").to_pylist(),
                                         t.column("extractor_version").to_pylist())}


def write(results: list[Result], out: Path, drop: set[str] | None = None) -> dict[str, int]:
    """Add `results` to the dataset at `out` as one commit (less the rows of the report ids
    in `drop`, being redone); return the row count of each table after it."""
    return write_rows(rows(results), out, drop)


def write_rows(new: dict[str, list[dict]], out: Path, drop: set[str] | None = None) -> dict[str, int]:
    """`write`, from results already made rows (export.rows): table -> row dicts."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = {name: to_arrow(name, new.get(name, [])) for name in TABLES}
    store = Store(out)
    store.commit(tables, drop)
    return {name: store.count(name) for name in TABLES}
