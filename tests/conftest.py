"""Shared fixtures: where the committed samples are, the optional ../shared folder,
and a way to run the real command line and read back what it wrote.

The suite needs neither ../shared nor LibreOffice: samples/ holds the seed report
(000.txt, 000.docx, 000.pdf) and the fictitious project report 101 (101.docx,
101.pdf; expected figures in tests/golden/), all committed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

import export

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"

# CI (CI=true) draws the same examples on every run, so a submission is never failed
# by a new random draw; a developer's run explores fresh ones and keeps what failed
# in .hypothesis/ for the next run.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/records/*.json from what jixiao reads now; review the diff",
    )


@pytest.fixture(scope="session")
def samples() -> Path:
    """The committed sample reports (samples/)."""
    return SAMPLES


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared (corpus, eval): skip the test when this checkout has none beside it."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent")
    return SHARED


def copy_samples(names: Iterable[str], dest: Path) -> Path:
    """Copy samples/NAME for each name into `dest`, keeping the names (000.txt, ...)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(SAMPLES / name, dest / name)
    return dest


def run_cli(paths: Iterable[Path], out: Path, *extra: str) -> int:
    """`jixiao ingest PATH... --out OUT --quiet [extra]` in this process; the exit code."""
    from jixiao.cli import main

    return main(["ingest", *map(str, paths), "--out", str(out), "--quiet", *extra])


def read_table(out: Path, table: str) -> pd.DataFrame:
    """One output table as pandas reads it (Parquet, decimals as Decimal objects)."""
    return pd.read_parquet(out / f"{table}.parquet")


@pytest.fixture(scope="session")
def ingest() -> Callable[..., int]:
    return run_cli


@pytest.fixture(scope="session")
def copy() -> Callable[[Iterable[str], Path], Path]:
    return copy_samples


@pytest.fixture(scope="session")
def table() -> Callable[[Path, str], pd.DataFrame]:
    return read_table


def rows(out: Path, table: str) -> list[dict]:
    """A table's rows as exact Python values (Decimal, date, int, None), as Parquet holds them."""
    import pyarrow.parquet as pq

    return pq.read_table(out / f"{table}.parquet").to_pylist()


def golden(stem: str) -> dict:
    """tests/golden/STEM.expected.json: money, rates and scores as strings, dates as ISO text."""
    import json

    return json.loads((ROOT / "tests" / "golden" / f"{stem}.expected.json").read_text(encoding="utf-8"))


def make_doc(*parts: str | Sequence[Sequence[str]]):
    """A Document of one unpaged body (as Word or a .txt gives): each str a paragraph
    ('# ' opens a heading), each sequence of rows a table, in order."""
    from extract.layout import Line, pages_from_lines
    from extract.model import Document, Format

    lines = []
    for part in parts:
        if isinstance(part, str):
            heading = part.startswith("# ")
            lines.append(Line(part[2:] if heading else part, heading=1 if heading else None))
        else:
            lines.append(Line("", table=tuple(tuple(row) for row in part)))
    return Document(Format.TXT, pages_from_lines([(None, lines)]), None)


# ---- whole datasets: what two runs wrote, compared row for row -----------------------

TABLES = tuple(export.TABLES)  # every table the schema declares
VOLATILE = ("seconds", "ingested_at", "ocr_engine_pages")  # differ from run to run over the same bytes


def comparable(out: Path, table: str, via: str = "") -> pd.DataFrame:
    """A table as pandas reads DIR/<table>.parquet (or DIR/<via>/<table>.parquet), less the
    volatile columns, the partition key as text, rows in one canonical order: two datasets
    holding the same rows compare equal with pandas.testing.assert_frame_equal."""
    df = pd.read_parquet(out / via / f"{table}.parquet").drop(columns=list(VOLATILE), errors="ignore")
    if "year" in df.columns:
        df["year"] = df["year"].astype(str)
    return df.sort_values(list(df.columns), key=lambda s: s.astype(str)).reset_index(drop=True)


def assert_same_dataset(out: Path, expected: Path) -> None:
    """Every table of `out` holds exactly the rows of `expected` (volatile columns aside)."""
    for t in TABLES:
        pd.testing.assert_frame_equal(comparable(out, t), comparable(expected, t), obj=f"table {t}")


def version_folders(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "versions").iterdir()) if (out / "versions").is_dir() else []


def assert_sound_dataset(out: Path) -> None:
    """What any reader may rely on: every Parquet part file under DIR/versions reads; the
    folders left are the current version and at most the one before it; DuckDB's views
    count what pandas reads; one files row per source path (besides those superseded); no
    repeated row in any table."""
    import duckdb
    import pyarrow.parquet as pq

    for part in (out / "versions").rglob("*.parquet"):
        if part.is_file():
            pq.read_table(part)  # raises on a torn or corrupt file
    current = os.readlink(out / "current")
    left = version_folders(out)
    assert Path(current).name in left, (current, left)
    assert len(left) <= 2 and max(left) == Path(current).name, f"leftover versions {left}, current {current}"
    con = duckdb.connect(str(out / "jixiao.duckdb"), read_only=True)
    try:
        for t in TABLES:
            df = read_table(out, t)
            assert con.execute(f'select count(*) from "{t}"').fetchone()[0] == len(df), t
            assert not comparable(out, t).duplicated().any(), f"repeated rows in {t}"
    finally:
        con.close()
    files = read_table(out, "files")
    files = files[files["status"] != "superseded"]  # a file a newer one at its path replaced, kept for audit
    assert files["source_path"].is_unique, files["source_path"][files["source_path"].duplicated()].tolist()
