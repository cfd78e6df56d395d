"""A run killed at any moment, then run again, ends with exactly the dataset one
uninterrupted run makes: no file lost, none twice, no torn Parquet, no stray version.

The inputs are 32 real reports made from the samples, each with bytes of its own (so each
is its own report, not a duplicate): 000.txt with a line appended, 000.docx and 201.docx
re-saved with one paragraph changed, 101.pdf with a comment after %%EOF. The real command
line runs in a child process of its own session; the test SIGKILLs the whole process group
(the run and its workers) at chosen moments:

- by the clock (during start-up and planning), and by the dataset (as a commit begins,
  just after one lands while files are being read, a moment into one, as the run's final
  commit begins), one kill after another on the same folder, each resumed run finding
  what the last kill left;
- at exact points inside a commit (before the swap of `current`, after it, before the
  DuckDB views, before old versions are collected), through a hook in the child.
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import docx
import pandas as pd
import pdfplumber
import pytest
from conftest import (
    ROOT,
    SAMPLES,
    TABLES,
    assert_same_dataset,
    assert_sound_dataset,
    comparable,
    run_cli,
)

from export import Store

pytestmark = pytest.mark.slow  # runs are killed and run again

COPIES = 12  # of each of the four samples: 48 reports (a run long enough for its timed kill points)
COMMIT_EVERY = 5


def variants(dest: Path, copies: int = COPIES) -> list[Path]:
    """`copies` distinct files from each of 000.txt, 000.docx, 201.docx, 101.pdf."""
    dest.mkdir(parents=True, exist_ok=True)
    txt, pdf = (SAMPLES / "000.txt").read_bytes(), (SAMPLES / "101.pdf").read_bytes()
    for i in range(copies):
        (dest / f"t{i:02d}.txt").write_bytes(txt + f"\n附注：副本 {i}。\n".encode())
        (dest / f"p{i:02d}.pdf").write_bytes(pdf + f"%copy {i}\n".encode())  # after %%EOF: a comment
        for stem in ("000", "201"):
            d = docx.Document(str(SAMPLES / f"{stem}.docx"))
            # 000.docx has empty paragraphs; 201.docx ends with a 说明 paragraph
            p = next((p for p in d.paragraphs if not p.text.strip()), d.paragraphs[-1])
            p.text += f"（副本 {i}）"
            d.save(str(dest / f"w{stem}-{i:02d}.docx"))
    return sorted(dest.iterdir())


def command(inp: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "jixiao.cli",
        "ingest",
        str(inp),
        "--out",
        str(out),
        "--commit-every",
        str(COMMIT_EVERY),
        "--workers",
        "2",
        "--quiet",
        *extra,
    ]


def start(cmd: list[str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as fh:  # the child keeps its own descriptor
        return subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=fh, stderr=subprocess.STDOUT)


def kill_when(proc: subprocess.Popen, ready: Callable[[], bool], limit: float = 60) -> bool:
    """SIGKILL the run and its workers (its whole process group) as soon as `ready()`;
    False when the run ended first."""
    deadline = time.monotonic() + limit
    while proc.poll() is None:
        if ready():
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
            return proc.returncode == -signal.SIGKILL
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            pytest.fail(f"the kill point was never reached in {limit}s")
        time.sleep(0.002)
    return False


def committed(out: Path) -> tuple[int, int]:
    """(the current version's number, 0 for none; the files it holds)."""
    cur = Store(out).current()
    return (int(cur.name[1:]), Store(out).count("files")) if cur else (0, 0)


def assert_committed_part_of(out: Path, reference: Path) -> None:
    """What a killed run left is whole commits: every table holds exactly the reference's
    rows of the files committed so far, read through `current` (the one pointer)."""
    if Store(out).current() is None:
        return
    files = comparable(out, "files", via="current")
    assert files["source_path"].is_unique
    ids = set(files["report_id"])
    for t in TABLES:
        want = comparable(reference, t)
        want = want[want["report_id"].isin(ids)].reset_index(drop=True)
        # a subset may lack the nulls that make pandas read an int column as float
        pd.testing.assert_frame_equal(
            comparable(out, t, via="current"), want, check_dtype=False, obj=f"table {t}"
        )


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "in"
    variants(folder)
    with pdfplumber.open(folder / "p00.pdf") as pdf:  # the comment after %%EOF keeps it a PDF
        assert pdf.pages[0].extract_text().strip()
    return folder


@pytest.fixture(scope="module")
def reference(inputs: Path) -> Path:
    out = inputs.parent / "reference"
    assert run_cli([inputs], out, "--commit-every", str(COMMIT_EVERY), "--workers", "2") == 0
    assert len(comparable(out, "files")) == len(list(inputs.iterdir())) == 4 * COPIES
    assert_sound_dataset(out)
    return out


def test_the_inputs_are_distinct_reports(inputs: Path, reference: Path) -> None:
    files = comparable(reference, "files")
    assert files["report_id"].is_unique and set(files["status"]) == {"ok"}
    assert set(files["source_path"]) == {str(p) for p in inputs.iterdir()}
    assert len(comparable(reference, "reports")) == 4 * COPIES


def test_killed_again_and_again_then_resumed_equals_one_uninterrupted_run(
    inputs, reference, tmp_path
) -> None:
    out = tmp_path / "out"
    log = tmp_path / "runs.log"

    def after(seconds: float) -> Callable[[float], Callable[[], bool]]:
        return lambda t0: lambda: time.monotonic() - t0 >= seconds

    def commit_begins(which: Callable[[int], int], plus: float = 0.0):
        """The run's commit number which(remaining files) has made its version folder (+ plus seconds)."""

        def arm(t0: float):
            cur, done = committed(out)
            folder = out / "versions" / f"v{cur + which(len(list(inputs.iterdir())) - done):06d}"
            # a folder of that name left by the last kill (never current) is not this commit's
            stale = folder.stat().st_ctime_ns if folder.exists() else -1
            seen: list[float] = []

            def ready() -> bool:
                try:
                    if not seen and folder.stat().st_ctime_ns > stale:
                        seen.append(time.monotonic())
                except FileNotFoundError:
                    pass
                return bool(seen) and time.monotonic() - seen[0] >= plus

            return ready

        return arm

    def commit_lands(t0: float) -> Callable[[], bool]:
        """Just after the run's first commit has become current: the run reads on."""
        start = committed(out)[0]

        def ready() -> bool:
            cur = Store(out).current()
            return cur is not None and int(cur.name[1:]) > start

        return ready

    steps = {
        "0.5 s after start (importing)": after(0.5),
        "1.5 s after start (planning, reading)": after(1.5),
        "as the first commit begins": commit_begins(lambda _: 1),
        # by progress, not the clock: a run of what is left can end within a few seconds
        "just after a commit lands (reading on)": commit_lands,
        # 10 ms in: a commit of a few files now takes about 0.1 s (at 0.15 s the kill could come
        # after the run's last commit, and the next step had no commit left to kill)
        "10 ms into the second commit": commit_begins(lambda _: 2, plus=0.01),
        "as the final commit begins": commit_begins(lambda left: math.ceil(left / COMMIT_EVERY)),
    }
    for name, arm in steps.items():
        t0 = time.monotonic()
        proc = start(command(inputs, out), log)
        ready = arm(t0)
        assert kill_when(proc, ready), f"the run ended before the kill point '{name}': {log.read_text()}"
        assert_committed_part_of(out, reference)
    assert committed(out)[1] < 4 * COPIES, "the final kill should have cost the last commit"

    done = subprocess.run(command(inputs, out), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert_same_dataset(out, reference)
    assert_sound_dataset(out)
    assert len(comparable(out, "files")) == 4 * COPIES


# ---- exact points inside a commit -------------------------------------------------------

# The child: the real command line, killed (with its workers) at one point of commit number AT.
HOOKED = """
import os, signal, sys
import export.dataset as dataset
at, point = int(sys.argv[1]), sys.argv[2]
n = [0]
def die():
    os.killpg(os.getpgid(0), signal.SIGKILL)
# commits are written by a forked child (jixiao.pool.in_child): count them, where each
# begins its version, in a file
counter = sys.argv[sys.argv.index("--out") + 1] + ".commits"
begin = dataset.Store.begin
def counted(self, *a, **k):
    n[0] = (int(open(counter).read()) if os.path.exists(counter) else 0) + 1
    with open(counter, "w") as fh:
        fh.write(str(n[0]))
    return begin(self, *a, **k)
dataset.Store.begin = counted
def hook(owner, name, before):
    orig = getattr(owner, name)
    def hooked(*a, **k):
        if before and n[0] == at:
            die()
        r = orig(*a, **k)
        if not before and n[0] == at:
            die()
        return r
    setattr(owner, name, hooked)
owner, name, before = {
    "before_swap": (dataset.Store, "_swap", True),
    "after_swap": (dataset.Store, "_swap", False),
    "before_views": (dataset, "write_duckdb", True),
    "before_collect": (dataset.Store, "_collect", True),
}[point]
hook(owner, name, before)
from jixiao.cli import main
sys.exit(main(sys.argv[3:]))
"""

SMALL = 3  # .txt reports


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("small") / "in"
    folder.mkdir()
    for i in range(SMALL):
        (folder / f"t{i}.txt").write_bytes(
            (SAMPLES / "000.txt").read_bytes() + f"\n附注：副本 {i}。\n".encode()
        )
    ref = folder.parent / "reference"
    assert run_cli([folder], ref, "--workers", "1") == 0
    return folder, ref


LINKS_LOST = (
    "a run killed between the swap of `current` and the table links of its only commit leaves "
    "no DIR/<table>.parquet links and no jixiao.duckdb; the run again finds every file known, "
    "commits nothing, and never makes them"
)
VIEWS_LOST = (
    "a run killed before the DuckDB views of its only commit leaves no jixiao.duckdb; the run again "
    "commits nothing and never writes it"
)
NOT_COLLECTED = (
    "a run killed before `_collect` of its last commit leaves the version before the previous "
    "one; the run again commits nothing and never removes it (recover runs only in a commit)"
)


@pytest.mark.parametrize(
    ("point", "commit_every", "at"),
    [
        pytest.param("before_swap", 1, SMALL, id="before-swap-of-the-last-commit"),
        # once strict xfails (LINKS_LOST, VIEWS_LOST, NOT_COLLECTED): the next run now repairs first
        pytest.param("after_swap", 5, 1, id="after-swap-of-the-only-commit"),
        pytest.param("before_views", 5, 1, id="before-the-duckdb-views-of-the-only-commit"),
        pytest.param("before_collect", 1, SMALL, id="before-old-versions-are-collected"),
    ],
)
def test_killed_at_a_point_inside_a_commit(small, tmp_path, point: str, commit_every: int, at: int) -> None:
    folder, reference = small
    out = tmp_path / "out"
    args = [
        "ingest",
        str(folder),
        "--out",
        str(out),
        "--commit-every",
        str(commit_every),
        "--workers",
        "1",
        "--quiet",
    ]
    killed = subprocess.run(
        [sys.executable, "-c", HOOKED, str(at), point, *args],
        cwd=ROOT,
        start_new_session=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert_committed_part_of(out, reference)

    assert run_cli([folder], out, "--commit-every", str(commit_every), "--workers", "1") == 0
    assert_same_dataset(out, reference)
    assert_sound_dataset(out)


def test_killed_after_a_commit_never_leaves_a_copy_as_its_reports_only_row(tmp_path) -> None:
    """The same bytes at two paths, the copy found after the original: the copy's duplicate
    row waits for the original's commit. Killed after the first commit (which the old code
    gave the copy's row alone), the run again reads the original: the report exists, and no
    report id is held by duplicate rows only (the copy stayed a duplicate of nothing)."""
    folder = tmp_path / "in"
    folder.mkdir()
    seed = (SAMPLES / "000.txt").read_bytes()
    (folder / "a_other.txt").write_bytes(seed + "\n附注：另一份。\n".encode())
    (folder / "m_original.txt").write_bytes(seed)
    (folder / "z_copy.txt").write_bytes(seed)
    out = tmp_path / "out"
    args = ["ingest", str(folder), "--out", str(out), "--commit-every", "2", "--workers", "1", "--quiet"]
    killed = subprocess.run(
        [sys.executable, "-c", HOOKED, "1", "after_swap", *args],
        cwd=ROOT,
        start_new_session=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert run_cli([folder], out, "--workers", "1") == 0
    files = {r["file_name"]: r for r in comparable(out, "files").to_dict("records")}
    assert (files["m_original.txt"]["status"], files["z_copy.txt"]["status"]) == ("ok", "duplicate")
    reports = set(comparable(out, "reports")["report_id"])
    assert files["m_original.txt"]["report_id"] in reports
    owners = {r["report_id"] for r in files.values() if r["status"] != "duplicate"}
    assert {r["report_id"] for r in files.values()} <= owners
    assert_sound_dataset(out)


def test_a_second_run_into_the_same_dataset_waits_its_turn(tmp_path) -> None:
    """Two runs into one --out at once: the second is refused at once with one line (exit 2)
    and writes nothing; the first ends as if alone."""
    inp = tmp_path / "in"
    variants(inp, copies=6)
    out = tmp_path / "out"
    first = start(command(inp, out, "--commit-every", "2"), tmp_path / "first.log")
    lock = out / ".jixiao.lock"
    deadline = time.monotonic() + 60
    while not (lock.exists() and lock.read_text().strip() == str(first.pid)):
        assert time.monotonic() < deadline and first.poll() is None, "the first run never took the dataset"
        time.sleep(0.01)
    second = subprocess.run(command(inp, out), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert second.returncode == 2
    assert second.stderr.strip().count("\n") == 0 and "another jixiao ingest" in second.stderr
    assert f"pid {first.pid}" in second.stderr
    assert first.wait(timeout=300) == 0, (tmp_path / "first.log").read_text()
    assert len(comparable(out, "files")) == 24
    assert_sound_dataset(out)
