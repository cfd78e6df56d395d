"""A person's decisions on extracted values, kept as data: DIR/corrections.csv.

Every decision a reviewer makes (`jixiao review`) is one line appended to the dataset's
corrections.csv (UTF-8 with a BOM, so Excel opens it): which file (its sha256, the
report id), which row (a table and the row's key: a project's name, an indicator's
path), which field, the value as read, the value decided, the kind of decision, who,
when, and a note. The file is the record; the tables follow it.

Every time rows are written (ingest, --reprocess, and after each decision), each
correction is applied to its row where the row still holds the value the reviewer saw:
the decided value replaces it, the field is named in the row's `decided` column and the
value read is kept in `read_values`. Where the row now holds another value (a new
jixiao read the figure differently), the correction is not applied to a figure the
reviewer never saw: the field is named in `review_stale`, and the review queue shows it
again. The last decision on a field wins.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path

from export.schema import REVIEW, REVIEWED  # the tables reviewed, and their review columns

CORRECTIONS = "corrections.csv"
DECIDED, READ_VALUES, STALE = (f.name for f in REVIEW)
# the kinds of decision: the value read is right; it is wrong, this is right; the document does
# not state it (the value becomes null)
CONFIRM, CORRECT, NOT_STATED = "confirmed", "corrected", "not_stated"
DECISIONS = (CONFIRM, CORRECT, NOT_STATED)
# fields no reviewer decides: keys, positions, what is computed from others
FIXED = {
    "report_id",
    "seq",
    "page",
    "project_key",
    "unit_key",
    "fiscal_year",
    "year",
    DECIDED,
    READ_VALUES,
    STALE,
}


@dataclass(frozen=True, slots=True)
class Correction:
    file_sha256: str
    table: str
    row_key: str
    field: str
    value_read: str
    value_decided: str
    decision: str
    reviewer: str
    decided_at: str
    note: str = ""

    @property
    def target(self) -> tuple[str, str, str, str]:
        return (self.file_sha256, self.table, self.row_key, self.field)


COLUMNS = tuple(f.name for f in fields(Correction))


class BadCorrection(ValueError):
    """A decision that cannot stand: an unknown table, field or kind, a value of the wrong type."""


def text_of(value) -> str:
    """A value as the reviewer sees and corrections.csv holds it: '4035100', '98.36',
    '2023-06-05', '' for none. Decimals lose trailing zeros, so 4035100.00 read today and
    4035100 written in the file are the same figure."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        s = format(value.normalize(), "f")
        return "0" if s in ("-0", "") else s
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def row_key(table: str, row: dict) -> str:
    """The key of a row within its report: '' for the report itself, a project's name, an
    indicator's path (project / level 1 / level 2 / level 3)."""
    if table == "reports":
        return ""
    if table == "projects":
        return str(row.get("project_name") or "")
    if table == "indicators":
        return " / ".join(str(row.get(k) or "") for k in ("project_name", "level1", "level2", "level3"))
    raise BadCorrection(f"no reviewed table {table!r}")


def parse(table: str, field: str, text: str):
    """The typed value a decided text stands for, by the column's type in the schema."""
    import pyarrow as pa

    from export.schema import arrow_schema

    schema = arrow_schema(table)
    if field in FIXED or field not in schema.names:
        raise BadCorrection(f"{table} has no field {field!r} to decide")
    text = text.strip()
    if not text:
        return None
    kind = schema.field(field).type
    try:
        if pa.types.is_decimal(kind):
            v = Decimal(text.replace(",", ""))
            if not v.is_finite():
                raise InvalidOperation
            return v.quantize(Decimal(1).scaleb(-kind.scale))
        if pa.types.is_integer(kind):
            return int(text)
        if pa.types.is_date(kind):
            return dt.date.fromisoformat(text)
        if pa.types.is_boolean(kind):
            return text.lower() in ("true", "1", "yes", "是")
    except (InvalidOperation, ValueError) as exc:
        raise BadCorrection(f"{field}: {text!r} is not a {kind}") from exc
    return text


def load(out: Path) -> list[Correction]:
    """The decisions in DIR/corrections.csv, in the order they were made."""
    path = Path(out) / CORRECTIONS
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [Correction(**{k: (r.get(k) or "") for k in COLUMNS}) for r in csv.DictReader(fh)]


def append(out: Path, c: Correction) -> None:
    """Add one decision to DIR/corrections.csv (written with its header and BOM when new);
    one write of one line, under an exclusive lock, so two reviewers never interleave."""
    if c.decision not in DECISIONS:
        raise BadCorrection(f"no decision {c.decision!r}")
    if not c.reviewer.strip():
        raise BadCorrection("a decision needs its reviewer")
    parse(c.table, c.field, c.value_decided)  # refuses what the column cannot hold
    path = Path(out) / CORRECTIONS
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    new = not path.exists() or path.stat().st_size == 0
    if new:
        w.writerow(COLUMNS)
    w.writerow([getattr(c, k) for k in COLUMNS])
    data = ("\ufeff" if new else "") + buf.getvalue()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)
    except ImportError:  # not on POSIX: appends of one line are still whole
        pass
    try:
        os.write(fd, data.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def latest(corrections: Iterable[Correction]) -> dict[tuple[str, str, str, str], Correction]:
    """The decision that stands for each (file, table, row, field): the last made."""
    out: dict[tuple[str, str, str, str], Correction] = {}
    for c in corrections:
        out[c.target] = c
    return out


def restore(table: str, row: dict) -> dict:
    """A row as it was read: every decided value back to the value read, no review marks."""
    row = dict(row)
    read = json.loads(row.get(READ_VALUES) or "{}")
    for field, text in read.items():
        row[field] = parse(table, field, text)
    row[DECIDED] = row[READ_VALUES] = row[STALE] = None
    return row


def apply(table: str, rows: list[dict], standing: dict[tuple[str, str, str, str], Correction]) -> list[dict]:
    """`rows` (as read) with the standing decisions applied: see the module's docstring."""
    if table not in REVIEWED or not standing:
        return rows
    mine: dict[tuple[str, str], list[Correction]] = {}
    for c in standing.values():
        if c.table == table:
            mine.setdefault((c.file_sha256, c.row_key), []).append(c)
    if not mine:
        return rows
    out = []
    for row in rows:
        got = mine.get((str(row.get("report_id") or ""), row_key(table, row)))
        if not got:
            out.append(row)
            continue
        row = dict(row)
        decided, stale, read = [], [], {}
        for c in sorted(got, key=lambda c: c.field):
            if c.field not in row:
                continue
            now_read = text_of(row[c.field])
            if now_read != c.value_read:
                stale.append(c.field)
                continue
            read[c.field] = now_read
            row[c.field] = parse(table, c.field, c.value_decided)
            decided.append(c.field)
        row[DECIDED] = ",".join(decided) or None
        row[READ_VALUES] = json.dumps(read, ensure_ascii=False) if read else None
        row[STALE] = ",".join(stale) or None
        out.append(row)
    return out


def apply_all(new: dict[str, list[dict]], out: Path) -> dict[str, list[dict]]:
    """The rows of a commit with DIR/corrections.csv applied (fresh rows are as read)."""
    standing = latest(load(out))
    if not standing:
        return new
    return {name: apply(name, rows, standing) for name, rows in new.items()}


def as_dict(c: Correction) -> dict:
    return asdict(c)


def reconcile(out: Path) -> set[str]:
    """Bring the dataset in line with corrections.csv: the reports whose rows do not show
    what the standing decisions make of them are rewritten, as one new version (all their
    rows, in every table, the reviewed ones redone from the values read). The caller holds
    the dataset (jixiao.run.writing). Returns the report ids rewritten."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from export.dataset import Store
    from export.schema import TABLES
    from export.writers import to_arrow

    if not (Path(out) / CORRECTIONS).exists():
        return set()  # nobody has decided anything: nothing to bring in line
    standing = latest(load(out))
    store = Store(Path(out))
    if store.current() is None:
        return set()
    mentioned = {c.file_sha256 for c in standing.values()}
    changed: set[str] = set()
    for name in REVIEWED:
        t = store.table(name)
        if t is None:
            continue
        marked = pc.is_valid(t.column(DECIDED)) if DECIDED in t.schema.names else None
        if marked is not None:
            marked = pc.or_(marked, pc.is_valid(t.column(STALE)))
        hit = pc.is_in(t.column("report_id"), value_set=pa.array(sorted(mentioned), pa.string()))
        t = t.filter(pc.or_(hit, marked) if marked is not None else hit)
        for row in t.to_pylist():
            again = apply(name, [restore(name, row)], standing)[0]
            if again != row:
                changed.add(row["report_id"])
    if not changed:
        return set()
    ids = pa.array(sorted(changed), pa.string())
    fresh = {}
    for name in TABLES:
        t = store.table(name)
        rows = t.filter(pc.is_in(t.column("report_id"), value_set=ids)).to_pylist() if t is not None else []
        if name in REVIEWED:
            rows = apply(name, [restore(name, r) for r in rows], standing)
        fresh[name] = to_arrow(name, rows)
    store.commit(fresh, drop=changed)
    return changed


@dataclass(frozen=True, slots=True)
class Summary:
    """How much of a dataset a person has reviewed."""

    values: int = 0  # values decided
    confirmed: int = 0
    corrected: int = 0
    not_stated: int = 0
    stale: int = 0  # corrections whose figure changed since: to review again
    reports: int = 0  # reports with a value decided

    def line(self) -> str:
        """The sentence the HTML report and the workbook show."""
        if not self.values and not self.stale:
            return "人工复核：尚无。"
        again = f"；{self.stale} 个值的读取已变化，待重新复核" if self.stale else ""
        return (
            f"人工复核：{self.reports} 份报告的 {self.values} 个值（确认 {self.confirmed}，"
            f"更正 {self.corrected}，标为未说明 {self.not_stated}）{again}。"
        )


def summary(tables: dict[str, list[dict]]) -> Summary:
    """Count the decided values of the reviewed tables' rows (as read from the dataset)."""
    n = {"values": 0, CONFIRM: 0, CORRECT: 0, NOT_STATED: 0, "stale": 0}
    reports: set[str] = set()
    for name in REVIEWED:
        for row in tables.get(name) or ():
            read = json.loads(row.get(READ_VALUES) or "{}")
            for field in filter(None, (row.get(DECIDED) or "").split(",")):
                n["values"] += 1
                reports.add(row.get("report_id") or "")
                now_ = text_of(row.get(field))
                kind = NOT_STATED if now_ == "" else CONFIRM if now_ == read.get(field, now_) else CORRECT
                n[kind] += 1
            n["stale"] += len([f for f in (row.get(STALE) or "").split(",") if f])
    return Summary(n["values"], n[CONFIRM], n[CORRECT], n[NOT_STATED], n["stale"], len(reports))
