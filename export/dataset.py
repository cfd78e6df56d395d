"""The dataset folder: versioned, so that a run's results become visible only whole.

    DIR/
      versions/v000007/reports.parquet/year=2022/part-000007.parquet   immutable part files
      versions/v000007/reports.csv
      current -> versions/v000007       the one pointer readers follow
      reports.parquet -> current/reports.parquet    (and every other table, and its .csv)
      jixiao.duckdb                     the current version's tables (a copy), and the history views

A commit builds a new version beside the current one (hard links to the unchanged part
files, new part files for the new rows, the CSV copied and appended), then swaps the
`current` link with one rename: the dataset moves from one whole state to the next.
A process killed at any moment leaves either the old state or the new one; a version
folder that never became current is removed by the next run (`recover`).

Parquet is partitioned hive style by the report's fiscal year under the key `year`
(`year=2022`, `year=unknown`): the exact `fiscal_year` column stays in the files, so
pandas, pyarrow and DuckDB read it as an integer with nulls, and a year can be read
alone with a filter on `year`.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from export.schema import TABLES, arrow_schema
from export.writers import csv_text, write_duckdb

PARTITION = "year"
UNKNOWN_YEAR = "unknown"
SUPERSEDED, SKIPPED = "superseded", "skipped"  # files statuses (export.rows.FileStatus)


def _rewritten(
    name: str, t: pa.Table, gone: frozenset[str], superseded: frozenset[tuple[str, str]]
) -> pa.Table | None:
    """The rows a part keeps in the next version, or None when it keeps them all unchanged:
    less the rows of the report ids `gone`; in `files`, the superseded files marked so."""
    changed = False
    if gone:
        keep = pc.invert(pc.is_in(t.column("report_id"), value_set=pa.array(sorted(gone))))
        if not pc.all(keep).as_py():
            t, changed = t.filter(keep), True
    if name == "files" and superseded and len(t):
        pairs = zip(t.column("report_id").to_pylist(), t.column("source_path").to_pylist())
        marked = pa.array([p in superseded for p in pairs])
        if pc.any(marked).as_py():
            i = t.schema.get_field_index("status")
            t = t.set_column(i, "status", pc.if_else(marked, SUPERSEDED, t.column("status")))
            changed = True
    return t if changed else None


def _conform(t: pa.Table, schema: pa.Schema) -> pa.Table:
    """A part written by an older jixiao in today's columns: a column added since is null."""
    cols = [t.column(f.name) if f.name in t.schema.names else pa.nulls(len(t), f.type) for f in schema]
    return pa.table(cols, names=schema.names).cast(schema) if len(t) else schema.empty_table()


def _header(path: Path) -> str:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return fh.readline().rstrip("\r\n")


def _version_no(p: Path) -> int:
    try:
        return int(p.name[1:])
    except ValueError:
        return -1


def _read(part: Path) -> pa.Table:
    """One part file as written (pq.read_table would treat it as a dataset, and load
    pyarrow.dataset and pandas with it: half a second a run)."""
    return pq.ParquetFile(part).read()


@dataclass(frozen=True)
class Draft:
    """A version being written, not yet current: its folder and number, the version it
    follows, the report ids whose old rows it leaves out, the files it marks superseded
    (a newer file arrived at their path), and the report ids whose records go with them
    (their files rows stay, for audit)."""

    vdir: Path
    n: int
    cur: Path | None
    drop: frozenset[str]
    superseded: frozenset[tuple[str, str]] = frozenset()
    retired: frozenset[str] = frozenset()


class Store:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.versions = self.root / "versions"

    # ---- reading ----------------------------------------------------------------
    def current(self) -> Path | None:
        link = self.root / "current"
        if not link.is_symlink() and not link.exists():
            return None
        target = (self.root / os.readlink(link)) if link.is_symlink() else link
        return target if target.exists() else None

    def table(self, name: str, columns: list[str] | None = None) -> pa.Table | None:
        cur = self.current()
        if cur is None or not (cur / f"{name}.parquet").exists():
            return None
        schema = arrow_schema(name)
        want = columns or schema.names
        parts = []
        typed = pa.schema([schema.field(c) for c in want])
        for part in sorted((cur / f"{name}.parquet").rglob("*.parquet")):
            f = pq.ParquetFile(part)
            n = f.metadata.num_rows
            if not n:
                continue
            have = set(f.schema_arrow.names)  # a part written before a column was added lacks it
            t = f.read(columns=[c for c in want if c in have])
            parts.append(
                pa.table(
                    [t.column(c) if c in have else pa.nulls(n, typed.field(c).type) for c in want], names=want
                ).cast(typed)
            )
        return pa.concat_tables(parts) if parts else typed.empty_table()

    def count(self, name: str) -> int:
        """Rows of a table, from the part files' footers (no data read)."""
        cur = self.current()
        if cur is None:
            return 0
        return sum(pq.ParquetFile(p).metadata.num_rows for p in (cur / f"{name}.parquet").rglob("*.parquet"))

    # ---- writing ----------------------------------------------------------------
    def recover(self) -> None:
        """Remove what a killed run left: versions that never became current."""
        cur = self.current()
        for tmp in self.root.glob("*.tmp"):
            if tmp.is_symlink() or tmp.is_file():
                tmp.unlink()
        if not self.versions.exists():
            return
        keep = _version_no(cur) if cur else -1
        for v in self.versions.iterdir():
            if _version_no(v) > keep:
                shutil.rmtree(v, ignore_errors=True)

    def repair(self) -> None:
        """Finish what a run killed inside its last commit left undone: the version it swapped
        in is whole, but the links, the DuckDB views or the clearing of old versions may not
        be there yet. Safe to call at any time."""
        self.recover()
        cur = self.current()
        if cur is None:
            return
        self._links()
        write_duckdb(self.root, list(TABLES), cur.name)  # nothing to do when it holds this version
        n = _version_no(cur)
        older = sorted((_version_no(v) for v in self.versions.iterdir() if _version_no(v) < n), reverse=True)
        self._collect(keep={n, *older[:1]})

    def commit(self, new: dict[str, pa.Table], drop: set[str] | None = None) -> Path:
        """A new version: the current one, less the rows of the `drop` report ids, plus `new`."""
        draft = self.begin(drop)
        for name in TABLES:
            self.write_table(draft, name, new.get(name))
        return self.finish(draft)

    # A commit in three steps (`commit` runs them in turn): `begin` a version, `write_table`
    # each table into it (the tables are independent: several processes may write them),
    # `finish` it (the swap that makes it current, then links and views).
    def begin(self, drop: set[str] | None = None, superseded: set[tuple[str, str]] | None = None) -> Draft:
        self.recover()
        self.versions.mkdir(parents=True, exist_ok=True)
        cur = self.current()
        n = max((_version_no(v) for v in self.versions.iterdir()), default=0) + 1
        vdir = self.versions / f"v{n:06d}"
        vdir.mkdir()
        gone = frozenset(superseded or ())
        return Draft(vdir, n, cur, frozenset(drop or ()), gone, self._retired(gone))

    def _retired(self, superseded: frozenset[tuple[str, str]]) -> frozenset[str]:
        """The report ids whose records go: superseded at every path that holds them."""
        if not superseded:
            return frozenset()
        t = self.table("files", ["report_id", "source_path", "status"])
        if t is None:
            return frozenset()
        held = {
            r
            for r, src, st in zip(*(t.column(c).to_pylist() for c in ("report_id", "source_path", "status")))
            if (r, src) not in superseded and st not in (SUPERSEDED, SKIPPED)
        }
        return frozenset(r for r, _ in superseded if r not in held)

    def write_table(self, draft: Draft, name: str, fresh: pa.Table | None) -> None:
        """One table of the version: its Parquet parts and its CSV."""
        changed = self._parquet(
            name, draft.cur, draft.vdir, draft.n, fresh, draft.drop, draft.superseded, draft.retired
        )
        self._csv(name, draft.cur, draft.vdir, fresh, changed)

    def finish(self, draft: Draft) -> Path:
        """Make the version current (one rename), then the links, the views, the clearing."""
        self._swap(draft.vdir)
        self._links()
        write_duckdb(self.root, list(TABLES), draft.vdir.name)
        self._collect(keep={draft.n, _version_no(draft.cur) if draft.cur else -1})
        return draft.vdir

    def _parquet(
        self,
        name: str,
        cur: Path | None,
        vdir: Path,
        n: int,
        fresh: pa.Table | None,
        drop: frozenset[str],
        superseded: frozenset[tuple[str, str]] = frozenset(),
        retired: frozenset[str] = frozenset(),
    ) -> bool:
        """Parts of the new version; True when old rows were dropped (the CSV must be rebuilt)."""
        target = vdir / f"{name}.parquet"
        target.mkdir()
        changed = False
        if cur is not None and (cur / f"{name}.parquet").exists():
            for part in sorted((cur / f"{name}.parquet").rglob("*.parquet")):
                rel = part.relative_to(cur / f"{name}.parquet")
                dest = target / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                if drop or retired or (name == "files" and superseded):
                    kept = _rewritten(
                        name, _read(part), drop | retired if name != "files" else drop, superseded
                    )
                    if kept is not None:
                        changed = True
                        if len(kept):
                            pq.write_table(kept, dest)
                        continue
                try:
                    os.link(part, dest)
                except OSError:
                    shutil.copy2(part, dest)
        if fresh is not None and len(fresh):
            groups: dict[str, list[int]] = defaultdict(list)
            years = (
                fresh.column("fiscal_year").to_pylist()
                if "fiscal_year" in fresh.schema.names
                else [None] * len(fresh)
            )
            for i, y in enumerate(years):
                groups[str(y) if y is not None else UNKNOWN_YEAR].append(i)
            for key, idx in groups.items():
                d = target / f"{PARTITION}={key}"
                d.mkdir(parents=True, exist_ok=True)
                pq.write_table(fresh.take(pa.array(idx)), d / f"part-{n:06d}.parquet")
        # every table has a year=unknown folder (an empty part where no row lacks a year): the
        # key then reads as text in every table alike, and an empty table keeps its columns
        d = target / f"{PARTITION}={UNKNOWN_YEAR}"
        if not d.exists() or not any(d.glob("*.parquet")):
            d.mkdir(parents=True, exist_ok=True)
            pq.write_table(arrow_schema(name).empty_table(), d / f"part-{n:06d}-empty.parquet")
        return changed

    def _csv(self, name: str, cur: Path | None, vdir: Path, fresh: pa.Table | None, rebuild: bool) -> None:
        target = vdir / f"{name}.csv"
        old = cur / f"{name}.csv" if cur is not None else None
        if (
            rebuild
            or old is None
            or not old.exists()
            # written by an older jixiao with other columns: the whole file anew in today's
            or _header(old) != ",".join(arrow_schema(name).names)
        ):
            whole = self._read_parts(vdir / f"{name}.parquet", name)
            with open(target, "w", encoding="utf-8", newline="") as fh:
                fh.write(
                    "\ufeff"
                )  # the BOM Excel wants, once (utf-8-sig's encoder costs a Python call a row)
                fh.writelines(csv_text(whole, header=True))
            return
        shutil.copyfile(old, target)
        if fresh is not None and len(fresh):
            with open(target, "a", encoding="utf-8", newline="") as fh:
                fh.writelines(csv_text(fresh))

    @staticmethod
    def _read_parts(folder: Path, name: str) -> pa.Table:
        schema = arrow_schema(name)
        parts = sorted(folder.rglob("*.parquet"))
        tables = [_conform(_read(p), schema) for p in parts]
        tables = [t for t in tables if len(t)]
        return pa.concat_tables(tables) if tables else schema.empty_table()

    def _swap(self, vdir: Path) -> None:
        tmp = self.root / "current.tmp"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(os.path.relpath(vdir, self.root), tmp)
        os.replace(tmp, self.root / "current")  # the commit: one atomic rename

    def _links(self) -> None:
        for name in TABLES:
            for ext in ("parquet", "csv"):
                link = self.root / f"{name}.{ext}"
                want = f"current/{name}.{ext}"
                if link.is_symlink() and os.readlink(link) == want:
                    continue
                if link.is_dir() and not link.is_symlink():
                    shutil.rmtree(link)
                elif link.exists() or link.is_symlink():
                    link.unlink()
                os.symlink(want, link)

    def _collect(self, keep: set[int]) -> None:
        """Old versions go; the previous one stays for a reader that opened it a moment ago."""
        for v in self.versions.iterdir():
            if _version_no(v) not in keep:
                shutil.rmtree(v, ignore_errors=True)
