"""Running again over a folder reads only what is new: unchanged files are skipped (no
worker task, no commit), the same bytes at a new path are one `duplicate` row, and
`--reprocess` reads again what an older extractor read, leaving one row per file.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import (
    SAMPLES,
    TABLES,
    assert_same_dataset,
    assert_sound_dataset,
    comparable,
    copy_samples,
    run_cli,
    version_folders,
)

import jixiao
import jixiao.run
from jixiao import engines
from jixiao.run import ingest, sha256

NAMES = ("000.txt", "201.docx", "202.xlsx")


@pytest.fixture
def tasks_run(monkeypatch) -> list[int]:
    """How many tasks each run handed to the local engine."""
    counts: list[int] = []
    local = engines.local

    def counting(fn, tasks, *args):
        counts.append(len(tasks))
        return local(fn, tasks, *args)

    monkeypatch.setattr(engines, "local", counting)
    return counts


def snapshot(out: Path) -> tuple:
    """The dataset's committed state: the version `current` names, and every file under
    versions/ with its size and modification time."""
    files = sorted(
        (str(p.relative_to(out)), p.stat().st_size, p.stat().st_mtime_ns)
        for p in (out / "versions").rglob("*")
        if p.is_file()
    )
    return os.readlink(out / "current"), files


def test_rerun_on_unchanged_input_reads_nothing_and_commits_nothing(tmp_path, tasks_run) -> None:
    inp = copy_samples(NAMES, tmp_path / "in")
    (inp / "empty.pdf").write_bytes(b"")  # a failed file is not retried on every run either
    out = tmp_path / "out"
    t0 = time.perf_counter()
    first = ingest([inp], out, workers=2)
    first_wall = time.perf_counter() - t0
    assert (len(first.results), first.skipped, tasks_run) == (4, 0, [4])
    before = snapshot(out)
    tables = {t: comparable(out, t) for t in TABLES}

    t0 = time.perf_counter()
    again = ingest([inp], out, workers=2)
    again_wall = time.perf_counter() - t0
    assert (again.results, again.skipped) == ([], 4)
    assert tasks_run == [4, 0], "no file should reach a worker"
    assert snapshot(out) == before, "nothing may be committed: no new version, no file touched"
    assert version_folders(out) == ["v000001"]
    for t in TABLES:
        assert comparable(out, t).equals(tables[t]), t
    # a sanity check, not a timing test: hashing four files is far less than reading them
    assert again_wall < 0.5 * first_wall, (again_wall, first_wall)


def test_same_bytes_at_a_new_path_is_one_duplicate_row(tmp_path) -> None:
    inp = copy_samples(("000.txt", "201.docx"), tmp_path / "in")
    out = tmp_path / "out"
    assert run_cli([inp], out) == 0
    reports = comparable(out, "reports")
    (inp / "sub").mkdir()
    shutil.copyfile(SAMPLES / "000.txt", inp / "sub" / "copy of 000.txt")

    assert run_cli([inp], out) == 0
    files = comparable(out, "files")
    assert len(files) == 3
    dup = files[files["status"] == "duplicate"]
    assert dup["source_path"].tolist() == [str(inp / "sub" / "copy of 000.txt")]
    assert dup["report_id"].tolist() == [sha256(SAMPLES / "000.txt")]
    assert files[files["report_id"] == sha256(SAMPLES / "000.txt")]["status"].tolist().count("ok") == 1
    assert comparable(out, "reports").equals(reports), "a duplicate adds no report"
    before = snapshot(out)

    assert run_cli([inp], out) == 0  # the duplicate row is known too: nothing more
    assert snapshot(out) == before
    assert_sound_dataset(out)


def test_same_bytes_twice_in_one_run_is_one_report_and_one_duplicate(tmp_path) -> None:
    inp = copy_samples(("000.txt",), tmp_path / "in")
    shutil.copyfile(SAMPLES / "000.txt", inp / "001.txt")
    out = tmp_path / "out"
    assert run_cli([inp], out, "--workers", "2") == 0
    files = comparable(out, "files")
    assert sorted(files["status"]) == ["duplicate", "ok"]
    assert len(comparable(out, "reports")) == 1
    assert_sound_dataset(out)


def older_run(monkeypatch, inp: Path, out: Path) -> None:
    """A run by jixiao 0.0.1: the same code, another extractor_version in the files rows."""
    with monkeypatch.context() as m:
        m.setattr(jixiao.run, "__version__", "0.0.1")
        m.setattr(jixiao, "__version__", "0.0.1")
        ingest([inp], out, workers=2)
    assert set(comparable(out, "files")["extractor_version"]) == {"0.0.1"}


def test_reprocess_reads_again_what_an_older_extractor_read(tmp_path, monkeypatch, tasks_run) -> None:
    inp = copy_samples(NAMES, tmp_path / "in")
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    older_run(monkeypatch, inp, out)
    assert run_cli([inp], fresh) == 0  # what this version makes of the inputs

    assert run_cli([inp], out) == 0  # without --reprocess the old rows stay
    assert set(comparable(out, "files")["extractor_version"]) == {"0.0.1"}

    assert run_cli([inp], out, "--reprocess") == 0
    assert tasks_run[-1] == len(NAMES), "every file read again"
    assert set(comparable(out, "files")["extractor_version"]) == {jixiao.run.__version__}
    assert_same_dataset(out, fresh)  # one row per file in every table, none left from 0.0.1
    assert_sound_dataset(out)

    assert run_cli([inp], out, "--reprocess") == 0  # now current: nothing to redo
    assert tasks_run[-1] == 0
    assert_same_dataset(out, fresh)


def test_reprocess_keeps_a_duplicate_a_duplicate(tmp_path, monkeypatch) -> None:
    """A file and its duplicate (same bytes, another path), both read by 0.0.1: --reprocess
    reads the bytes once and the second path stays a duplicate. (It once read both: plan()
    checked `seen` only for files not yet known, and reports/projects/amounts got every row
    twice.)"""
    inp = copy_samples(("000.txt", "201.docx"), tmp_path / "in")
    shutil.copyfile(SAMPLES / "000.txt", inp / "001.txt")
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    older_run(monkeypatch, inp, out)
    assert run_cli([inp], fresh) == 0

    assert run_cli([inp], out, "--reprocess") == 0
    assert_same_dataset(out, fresh)
