"""A commit is written by a child process forked for it (jixiao.pool.in_child): its result
comes back, its failure is raised in the run, and the run's parent keeps nothing of it.
The DuckDB views are written once and left alone while they stay the same."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from export import rows, write
from export.schema import TABLES
from export.writers import write_duckdb
from jixiao.pool import WorkerDied, forked, in_child


def _pid_and_value(x: int) -> tuple[int, int]:
    return os.getpid(), x * 2


def _refuse(path: str) -> None:
    raise PermissionError(f"cannot write {path}")


def _die() -> None:
    os._exit(3)


def test_the_child_writes_and_its_result_comes_back():
    pid, value = in_child(_pid_and_value, 21)
    assert value == 42 and pid != os.getpid()


def test_a_failure_in_the_child_is_raised_in_the_run():
    with pytest.raises(PermissionError, match="cannot write /data/out"):
        in_child(_refuse, "/data/out")


def test_a_child_that_dies_says_so():
    with pytest.raises(WorkerDied, match="exit code 3"):
        in_child(_die)


def test_the_database_is_written_once_a_version_and_again_when_gone(tmp_path: Path):
    write([], tmp_path)  # an empty dataset: every table, no rows
    db = tmp_path / "jixiao.duckdb"
    version = (tmp_path / "jixiao.duckdb.version").read_text(encoding="utf-8")
    first = db.stat().st_mtime_ns
    write_duckdb(tmp_path, list(TABLES), version)
    assert db.stat().st_mtime_ns == first  # it holds this version: left alone
    db.unlink()
    write_duckdb(tmp_path, list(TABLES), version)  # gone: written again
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (0,)
    finally:
        con.close()


def test_a_commit_child_writes_without_importing_pandas(tmp_path):
    # pyarrow imports pandas on its first array only to ask whether it is one; the commit's
    # child refuses the import and writes all the same (a fresh interpreter: pytest has pandas)
    code = (
        "import sys\n"
        "from jixiao.run import Sealed, write_sealed\n"
        "from export import FileRow\n"
        "row = FileRow('a' * 64, 'in/x.pdf', 'x.pdf', 'pdf', 10, 1, False, 'failed', 'encrypted PDF', 0.1, '0')\n"
        f"write_sealed([Sealed(row)], __import__('pathlib').Path({str(tmp_path / 'out')!r}), set())\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
    assert duckdb.connect(str(tmp_path / "out" / "jixiao.duckdb"), read_only=True).execute(
        "select status, error from files"
    ).fetchall() == [("failed", "encrypted PDF")]


def _sample_rows() -> dict[str, list[dict]]:
    """The table rows of the sample PDFs (text layer), read for real."""
    from jixiao.run import Input, process

    here = Path(__file__).parent.parent / "samples"
    return rows([process(Input(p, str(p))) for p in sorted(here.glob("*.pdf")) if "scan" not in p.name])


def test_tables_split_between_two_processes_make_the_same_dataset(tmp_path: Path):
    # a run's commit writes about half the tables in a second forked process (write_rows'
    # `beside`): the version it makes is the one a single process makes, byte for byte
    from export import write_rows

    new = _sample_rows()
    assert sum(len(v) for v in new.values()) > 100
    write_rows(new, tmp_path / "one", set())
    write_rows(new, tmp_path / "two", set(), beside=forked)
    for name in TABLES:
        one, two = tmp_path / "one" / f"{name}.csv", tmp_path / "two" / f"{name}.csv"
        assert one.read_bytes() == two.read_bytes(), name
        a = sorted(
            p.relative_to(tmp_path / "one") for p in (tmp_path / "one" / f"{name}.parquet").rglob("*.parquet")
        )
        b = sorted(
            p.relative_to(tmp_path / "two") for p in (tmp_path / "two" / f"{name}.parquet").rglob("*.parquet")
        )
        assert a == b, name
        for part in a:
            assert pq.read_table(tmp_path / "one" / part).equals(pq.read_table(tmp_path / "two" / part)), part


def _fail_beside(fn, *args):
    return forked(_refuse, "the amounts table")


def test_a_commit_whose_second_process_fails_leaves_the_dataset_as_it_was(tmp_path: Path):
    from export import write_rows

    new = _sample_rows()
    write([], tmp_path)
    before = os.readlink(tmp_path / "current")
    with pytest.raises(PermissionError, match="the amounts table"):
        write_rows(new, tmp_path, set(), beside=_fail_beside)
    assert os.readlink(tmp_path / "current") == before
    assert duckdb.connect(str(tmp_path / "jixiao.duckdb"), read_only=True).execute(
        "select count(*) from amounts"
    ).fetchone() == (0,)
