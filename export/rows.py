"""Records to rows: one plain dict per table row, keyed by the record's field names (which
`export.schema` holds to the declared columns: an undeclared one raises when written)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from enum import Enum
from typing import TYPE_CHECKING

from export.schema import TABLES
from normalize.model import Code

if TYPE_CHECKING:  # the parent of a run that finds nothing new never imports the parsers
    from normalize import Records


class FileStatus(Code):
    """What happened to an input file (the `files.status` column)."""

    OK = "ok"
    PARTIAL = "partial"  # read, but some pages or the parsing failed: `error` says what
    FAILED = "failed"  # not read: `error` says why
    DUPLICATE = "duplicate"  # the same bytes as a file read before
    SUPERSEDED = "superseded"  # a newer file arrived at its path: its records left the tables
    SKIPPED = "skipped"  # not read, and why: a hidden file, a FIFO, a dangling link


@dataclass(frozen=True, slots=True)
class FileRow:
    """What happened to one input file: the `files` table's row."""

    report_id: str
    source_path: str
    file_name: str
    file_format: str
    size_bytes: int
    pages: int | None
    ocr: bool
    status: FileStatus
    error: str | None
    seconds: float
    extractor_version: str
    ingested_at: dt.datetime | None = None
    ocr_pages: int | None = None  # pages read by OCR; None where the file was not read
    ocr_engine_pages: int | None = None  # of those, pages the OCR engine ran on (the rest: its cache)


@dataclass(frozen=True, slots=True)
class Result:
    """One input file's outcome: its files row, and its records when it was read."""

    file: FileRow
    records: Records | None = None
    evidence: tuple[dict, ...] = ()  # where each value came from (jixiao.evidence), the evidence table's rows


def _plain(v):
    if isinstance(v, Enum):
        return v.value
    return v


_NAMES: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    """A record class's field names, looked up once a class."""
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def _dict(obj) -> dict:
    return {n: _plain(getattr(obj, n)) for n in _names(type(obj))}


def rows(results: list[Result]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {t: [] for t in TABLES}
    for res in results:
        rec = res.records
        year = rec.report.fiscal_year if rec is not None else None
        out["files"].append({**_dict(res.file), "fiscal_year": year})
        if rec is None:
            continue
        rid = res.file.report_id
        out["reports"].append({"report_id": rid, **_dict(rec.report)})
        for name, items in (
            ("projects", rec.projects),
            ("indicators", rec.indicators),
            ("amounts", rec.amounts),
            ("findings", rec.findings),
            ("problems", rec.problems),
        ):
            out[name].extend({"report_id": rid, **_dict(x), "fiscal_year": year} for x in items)
        out["evidence"].extend({"report_id": rid, **e, "fiscal_year": year} for e in res.evidence)
    return out
