"""export: records in, tables out (CSV, Parquet, DuckDB). Knows nothing of parsing.

from export import write, Result, FileRow
write(results, Path("out"))    # appends to the dataset in out/, atomically per table
write_rows(rows(results), out) # the same, from results already made rows
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from export import review
from export.dataset import Store
from export.rows import FileRow, FileStatus, Result, rows
from export.schema import TABLES, arrow_schema, columns
from export.writers import to_arrow

__all__ = [
    "known",
    "write",
    "write_rows",
    "rows",
    "known_files",
    "file_versions",
    "Result",
    "FileRow",
    "FileStatus",
    "TABLES",
    "arrow_schema",
    "columns",
    "Store",
]


def known_files(out: Path) -> set[tuple[str, str]]:
    """(report_id, source_path) of every file already in the dataset."""
    return set(file_versions(out))


def file_versions(out: Path) -> dict[tuple[str, str], str]:
    """(report_id, source_path) -> the extractor version that read it, for every file in the dataset."""
    return {k: v for k, (v, _) in known(out).items()}


def known(out: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(report_id, source_path) -> (extractor version, status) of every files row in the dataset."""
    t = Store(Path(out)).table("files", ["report_id", "source_path", "extractor_version", "status"])
    if t is None:
        return {}
    cols = (t.column(c).to_pylist() for c in ("report_id", "source_path", "extractor_version", "status"))
    return {(r, s): (v, st) for r, s, v, st in zip(*cols)}


def write(
    results: list[Result],
    out: Path,
    drop: set[str] | None = None,
    superseded: set[tuple[str, str]] | None = None,
) -> dict[str, int]:
    """Add `results` to the dataset at `out` as one commit (less the rows of the report ids
    in `drop`, being redone, and the records of the files `superseded`); return the row
    count of each table after it."""
    return write_rows(rows(results), out, drop, superseded=superseded)


def write_rows(
    new: dict[str, list[dict]],
    out: Path,
    drop: set[str] | None = None,
    beside: Callable[..., Any] | None = None,
    superseded: set[tuple[str, str]] | None = None,
) -> dict[str, int]:
    """`write`, from results already made rows (export.rows): table -> row dicts.

    `beside(fn, *args)` starts `fn(*args)` in another process and returns a handle whose
    `result()` waits for it (jixiao.pool.forked): given one, that process writes about half
    the rows (whole tables) while this one writes the rest. The version becomes current
    only when both are done."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    new = review.apply_all(new, out)  # a person's decisions (DIR/corrections.csv) over what was read
    store = Store(out)
    draft = store.begin(drop, superseded)
    there, here = _halves(new) if beside is not None else ([], list(TABLES))
    job = beside(_write_tables, store, draft, new, there) if beside is not None and there else None
    _write_tables(store, draft, new, here)
    if job is not None:
        job.result()
    store.finish(draft)
    return {name: store.count(name) for name in TABLES}


def _write_tables(store: Store, draft, new: dict[str, list[dict]], names: list[str]) -> None:
    for name in names:
        store.write_table(draft, name, to_arrow(name, new.get(name, [])))


def _halves(new: dict[str, list[dict]]) -> tuple[list[str], list[str]]:
    """The tables in two groups of about equal work (rows times columns), largest first."""
    groups: tuple[list[str], list[str]] = ([], [])
    load = [0, 0]
    for name in sorted(TABLES, key=lambda t: -len(new.get(t, ())) * len(columns(t))):
        side = 0 if load[0] <= load[1] else 1
        groups[side].append(name)
        load[side] += len(new.get(name, ())) * len(columns(name))
    return groups
