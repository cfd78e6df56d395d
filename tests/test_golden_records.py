"""The whole records of every sample, held against tests/golden/records/<file>.json: the
report, every project, indicator, amount, finding and problem, so that a figure lost or
changed anywhere is a failing diff (a form's funds once went missing from `amounts` with
every test green).

After a change that means to alter them, rewrite the files and review the diff:

    .venv/bin/python -m pytest tests/test_golden_records.py --update-golden
    git diff tests/golden/records

The scanned sample (101.scan.pdf) is not held here: what OCR reads may differ in a
character between machines; its figures are checked in test_legacy_formats.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
from decimal import Decimal
from enum import Enum

import pytest
from conftest import ROOT, SAMPLES

import extract
import normalize

GOLDEN = ROOT / "tests" / "golden" / "records"
FAST = (
    "000.txt",
    "000.docx",
    "000.pdf",
    "101.docx",
    "101.pdf",
    "201.docx",
    "201.pdf",
    "202.xlsx",
    "203.docx",
    "203.pdf",
    "301.ofd",
)
LEGACY = ("000.doc", "101.wps")  # read through LibreOffice


def plain(v):
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def canonical(records: normalize.Records) -> dict:
    """The records as JSON values: every field of every record, Decimals as their text."""
    out: dict = {}
    for f in dataclasses.fields(records):
        v = getattr(records, f.name)
        rows = v if isinstance(v, tuple) else (v,)
        out[f.name] = [{g.name: plain(getattr(x, g.name)) for g in dataclasses.fields(x)} for x in rows]
    return out


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def check(name: str, update: bool) -> None:
    got = dumps(canonical(normalize.records(extract.read(SAMPLES / name))))
    path = GOLDEN / f"{name}.json"
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
        return
    want = path.read_text(encoding="utf-8") if path.exists() else ""
    if got != want:
        diff = list(
            difflib.unified_diff(
                want.splitlines(), got.splitlines(), f"golden/{name}", "read now", lineterm="", n=2
            )
        )
        pytest.fail(
            f"{name}: the records differ from tests/golden/records/{name}.json "
            f"(--update-golden rewrites it):\n" + "\n".join(diff[:80]),
            pytrace=False,
        )


@pytest.mark.parametrize("name", FAST)
def test_whole_records(name, request):
    check(name, request.config.getoption("--update-golden"))


@pytest.mark.slow
@pytest.mark.parametrize("name", LEGACY)
def test_whole_records_of_legacy_word(name, request):
    check(name, request.config.getoption("--update-golden"))


def test_every_sample_is_held():
    held = {p.name[: -len(".json")] for p in GOLDEN.glob("*.json")}
    assert held == set(FAST) | set(LEGACY)
    assert {p.name for p in SAMPLES.iterdir()} - held == {"101.scan.pdf", "bundle.zip"}


def test_golden_files_are_what_the_dump_writes():
    # a hand edit that changed the form (order, spacing) would hide a real diff in noise
    for p in GOLDEN.glob("*.json"):
        text = p.read_text(encoding="utf-8")
        assert dumps(json.loads(text)) == text, p.name
