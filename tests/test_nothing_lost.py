"""Nothing lost, whatever arrives and whatever happens to the run: one test (or a few) per
point of the issue that listed them, each on inputs made here. The kill -9 cases (the same
bytes at two paths, two runs at once) are in test_crash_safety.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import ROOT, SAMPLES, assert_sound_dataset, copy_samples, rows, run_cli
from openpyxl.styles import Font, PatternFill

import extract.archive
import jixiao.engines
import jixiao.run

SEED = (SAMPLES / "000.txt").read_bytes()


def files_by_name(out: Path) -> dict[str, dict]:
    return {r["file_name"]: r for r in rows(out, "files")}


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """The command line in a child process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "jixiao.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


# ---- 1. a name that is not UTF-8 ------------------------------------------------------------


def test_names_that_are_not_utf8_are_kept_readable(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    gbk = os.fsdecode("自评报告.txt".encode("gbk"))  # as unzip leaves a Windows zip's names
    raw = os.fsdecode(b"\xff\xfe-report.txt")  # bytes no encoding reads
    (folder / gbk).write_bytes(SEED)
    (folder / raw).write_bytes(SEED + "\n附注：另一份。\n".encode())
    out = tmp_path / "out"
    assert run_cli([folder], out) == 0
    names = files_by_name(out)
    assert set(names) == {"自评报告.txt", "\\xff\\xfe-report.txt"}
    assert names["自评报告.txt"]["source_path"].endswith("/in/自评报告.txt")
    assert all(r["status"] == "ok" for r in names.values())
    assert run_cli([folder], out) == 0  # and again: nothing new, nothing doubled
    assert len(rows(out, "files")) == 2


# ---- 4. a nested zip bomb -----------------------------------------------------------------------


def nested_bomb(path: Path, inner: int = 8, members: int = 20, size: int = 1024**2) -> None:
    """`inner` zips of `members` members of `size` zeros each, in one zip: every archive
    passes a per-archive check; together they inflate to inner x members x size."""
    blob = bytes(size)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as outer:
        for i in range(inner):
            buf = path.with_name(f"inner{i}.zip")
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                for j in range(members):
                    zf.writestr(f"zeros{j:03d}.txt", blob)
            outer.write(buf, buf.name)
            buf.unlink()


def test_a_nested_zip_bomb_is_refused_before_it_writes_past_the_limit(tmp_path, monkeypatch):
    limit = 20 * 1024**2  # the budget of a whole bundle, made small to keep the test small
    monkeypatch.setattr(extract.archive, "MAX_TOTAL", limit)
    monkeypatch.setattr(
        extract.archive.Budget,
        "__init__",
        lambda self, bytes=limit, members=20_000: (
            (setattr(self, "bytes", bytes), setattr(self, "members", members)) and None
        ),
    )
    folder = tmp_path / "in"
    folder.mkdir()
    nested_bomb(folder / "bomb.zip")  # 160 MiB inside 8 zips
    out = tmp_path / "out"
    assert run_cli([folder], out) == 1
    files = rows(out, "files")
    bomb = next(r for r in files if r["source_path"].endswith("bomb.zip"))
    assert bomb["status"] == "failed" and "inflates past" in bomb["error"], bomb
    unpacked = [r for r in files if r["file_name"].startswith("zeros") and r["status"] != "failed"]
    assert sum(r["size_bytes"] for r in unpacked) <= limit


def test_an_archive_nested_too_deep_says_so(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    data, name = SEED, "000.txt"
    for depth in range(5):  # l4.zip holds l3.zip ... holds l0.zip holds 000.txt
        buf = tmp_path / f"l{depth}.zip"
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(name, data)
        data, name = buf.read_bytes(), buf.name
    (folder / name).write_bytes(data)
    out = tmp_path / "out"
    run_cli([folder], out)
    deep = [r for r in rows(out, "files") if r["status"] == "failed"]
    assert len(deep) == 1 and "nested deeper than 3" in deep[0]["error"], deep


def test_a_docx_without_its_document_is_one_failed_file_not_a_bundle(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    with zipfile.ZipFile(SAMPLES / "000.docx") as src, zipfile.ZipFile(folder / "broken.docx", "w") as dst:
        for item in src.infolist():
            if item.filename != "word/document.xml":
                dst.writestr(item, src.read(item))
    out = tmp_path / "out"
    assert run_cli([folder], out) == 1
    (row,) = rows(out, "files")
    assert (row["file_name"], row["status"], row["file_format"]) == ("broken.docx", "failed", "docx")


# ---- 5. a copied dataset --------------------------------------------------------------------------


def test_a_copied_dataset_answers_with_its_own_rows(tmp_path):
    out = tmp_path / "out"
    assert run_cli([copy_samples(["000.txt"], tmp_path / "a")], out) == 0
    copy = tmp_path / "copy"
    shutil.copytree(out, copy, symlinks=True)
    assert run_cli([copy_samples(["101.docx"], tmp_path / "b")], out) == 0  # the original grows

    def count(folder: Path) -> int:
        con = duckdb.connect(str(folder / "jixiao.duckdb"), read_only=True)
        try:
            return con.execute("select count(*) from reports").fetchone()[0]
        finally:
            con.close()

    assert (count(out), count(copy)) == (2, 1)
    shutil.rmtree(out)
    assert count(copy) == 1  # the original gone: the copy still answers


# ---- 6. a corrected resubmission ----------------------------------------------------------------


def test_a_newer_file_at_the_same_path_supersedes_the_older(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    report = folder / "报告.txt"
    report.write_bytes(SEED)
    out = tmp_path / "out"
    assert run_cli([folder], out) == 0
    corrected = SEED.decode("utf-8").replace("自评得分 88 分", "自评得分 90 分")
    assert corrected != SEED.decode("utf-8")
    report.write_text(corrected, encoding="utf-8")
    assert run_cli([folder], out) == 0
    files = rows(out, "files")
    assert sorted(r["status"] for r in files) == ["ok", "superseded"]
    (new,) = (r for r in files if r["status"] == "ok")
    assert [r["report_id"] for r in rows(out, "reports")] == [new["report_id"]]
    con = duckdb.connect(str(out / "jixiao.duckdb"), read_only=True)
    try:
        assert con.execute("select self_score from history").fetchall() == [(90,)]
    finally:
        con.close()
    assert_sound_dataset(out)


# ---- 7. a file changed while it is read ----------------------------------------------------------


def test_the_report_id_is_the_hash_of_the_bytes_read(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "报告.txt"
    path.write_bytes(SEED)
    real = jixiao.run.extract.read
    calls = []

    def read_while_written(p, fmt=None):
        calls.append(p)
        if len(calls) == 1:  # the sender is still writing: more bytes arrive while it is read
            with open(path, "ab") as fh:
                fh.write("\n附注：补充说明。\n".encode())
        return real(p, fmt)

    monkeypatch.setattr(jixiao.run.extract, "read", read_while_written)
    out = tmp_path / "out"
    assert run_cli([folder], out, "--workers", "1") == 0
    (row,) = rows(out, "files")
    assert row["report_id"] == jixiao.run.sha256(path)  # the bytes read the second time
    assert run_cli([folder], out) == 0
    assert len(rows(out, "files")) == 1  # no second row for the same bytes


# ---- 8, 9. workbooks by their bytes, and by their cells ------------------------------------------


def test_an_xlsx_under_another_name_is_read_as_what_it_is(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(SAMPLES / "202.xlsx", folder / "202.dat")
    out = tmp_path / "out"
    assert run_cli([folder], out) == 0
    (row,) = rows(out, "files")
    assert (row["file_format"], row["status"]) == ("xlsx", "ok")
    assert len(rows(out, "projects")) == 2


def test_formatted_empty_cells_far_away_are_no_cells(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "城区道路路灯维修改造项目"])
    ws.append(["自评得分", "96.5"])
    ws["A1048576"].font = Font(bold=True)  # one formatted empty cell in the last row
    ws.cell(row=1, column=16384).fill = PatternFill("solid", fgColor="FFFF00")  # and in column XFD
    wb.save(folder / "表.xlsx")
    out = tmp_path / "out"
    assert run_cli([folder], out) == 0
    (row,) = rows(out, "files")
    assert (row["status"], row["error"]) == ("ok", None)


# ---- 11. a small .doc beside big ones ----------------------------------------------------------


@pytest.mark.slow
def test_a_legacy_batch_that_hangs_is_retried_file_by_file(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(SAMPLES / "000.doc", folder / "small.doc")
    (folder / "big.doc").write_bytes((SAMPLES / "000.doc").read_bytes() + b"\0" * 1024)

    def convert(items, outdir):  # LibreOffice as it behaves: a batch with big.doc hangs
        if any(Path(p).name == "big.doc" for p, _ in items):
            time.sleep(600)
        keep = outdir / "small.docx"
        shutil.copyfile(SAMPLES / "000.docx", keep)
        return {p: keep for p, _ in items}

    import extract.convert

    monkeypatch.setattr(extract.convert, "to_docx", convert)
    monkeypatch.setattr(jixiao.run, "LEGACY_START", 0.0)
    out = tmp_path / "out"
    assert run_cli([folder], out, "--timeout", "2", "--workers", "1") == 1
    files = files_by_name(out)
    assert files["small.doc"]["status"] == "ok"
    assert (files["big.doc"]["status"], files["big.doc"]["error"]) == (
        "failed",
        "cut off: timed out after 4s",
    )


# ---- 12, 13. the output folder and the options, checked before anything is read -----------------


@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_an_out_that_cannot_be_a_folder_is_one_line_before_reading(tmp_path, where):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    out = blocker if where == "a file" else blocker / "out"
    proc = cli("ingest", str(SAMPLES / "000.txt"), "--out", str(out))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "cannot write the dataset folder" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_full_disk_is_one_line_and_the_dataset_stays_as_it_was(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    assert run_cli([copy_samples(["000.txt"], tmp_path / "a")], out) == 0
    before = rows(out, "files")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(jixiao.run, "write_sealed", full)
    capsys.readouterr()
    assert run_cli([copy_samples(["101.docx"], tmp_path / "b")], out) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    assert rows(out, "files") == before
    assert_sound_dataset(out)


@pytest.mark.parametrize(
    "option, value",
    [
        ("--workers", "0"),
        ("--workers", "-1"),
        ("--timeout", "0"),
        ("--timeout", "-5"),
        ("--timeout", "nan"),
        ("--timeout", "inf"),
        ("--max-memory", "0"),
        ("--max-memory", "-1"),
        ("--commit-every", "0"),
        ("--commit-every", "-1"),
    ],
)
def test_options_out_of_range_are_usage_errors(tmp_path, capsys, option, value):
    assert run_cli([SAMPLES / "000.txt"], tmp_path / "out", option, value) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and option in err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_an_unreachable_scheduler_is_one_line_soon(tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed")
    monkeypatch.setattr(jixiao.engines, "CONNECT_SECONDS", 2)
    t0 = time.monotonic()
    code = run_cli(
        [SAMPLES / "000.txt"], tmp_path / "out", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"
    )
    assert code == 2 and time.monotonic() - t0 < 30
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler" in err and "Traceback" not in err


# ---- 15. Ctrl-C -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_ctrl_c_is_one_line_and_exit_130(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(40):
        (folder / f"t{i:02d}.txt").write_bytes(SEED + f"\n附注：副本 {i}。\n".encode())
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jixiao.cli",
            "ingest",
            str(folder),
            "--out",
            str(out),
            "--workers",
            "2",
            "--commit-every",
            "5",
            "--quiet",
        ],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (out / "current").exists():  # reading has begun: a commit landed
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal does: the whole foreground group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err.count("interrupted") == 1, err
    assert_sound_dataset(out)


# ---- 16. scratch space --------------------------------------------------------------------------------


def test_scratch_left_by_a_killed_run_goes_and_a_run_leaves_none(tmp_path):
    import tempfile

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    left = [Path(tempfile.gettempdir()) / f"{prefix}{dead}-x" for prefix in jixiao.run.SCRATCHES]
    for d in left:
        (d / "profile").mkdir(parents=True)
    assert run_cli([SAMPLES / "000.txt"], tmp_path / "out") == 0
    assert not any(d.exists() for d in left)
    mine = [
        p
        for prefix in jixiao.run.SCRATCHES
        for p in Path(tempfile.gettempdir()).glob(f"{prefix}{os.getpid()}-*")
    ]
    assert mine == []


# ---- 17. names, odd entries, one file reached twice -----------------------------------------------


def test_a_name_with_a_bang_keeps_its_name(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "report!final.txt").write_bytes(SEED)
    out = tmp_path / "out"
    assert run_cli([folder], out) == 0
    (row,) = rows(out, "files")
    assert row["file_name"] == "report!final.txt" and row["source_path"].endswith("/report!!final.txt")


def test_a_line_break_in_a_name_does_not_split_the_failed_line(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad\nname.pdf").write_bytes(b"%PDF-1.4 broken")
    assert run_cli([folder], tmp_path / "out") == 1
    failed = [line for line in capsys.readouterr().err.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1 and "bad\\nname.pdf" in failed[0]


def test_hidden_files_fifos_and_dangling_links_get_a_row_and_never_hang(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "000.txt").write_bytes(SEED)
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    os.mkfifo(folder / "pipe")
    (folder / "gone.pdf").symlink_to(tmp_path / "nowhere.pdf")
    out = tmp_path / "out"
    assert run_cli([folder], out) == 0
    files = files_by_name(out)
    assert files["000.txt"]["status"] == "ok"
    assert {n: (files[n]["status"], files[n]["error"]) for n in (".DS_Store", "pipe", "gone.pdf")} == {
        ".DS_Store": ("skipped", "skipped: a hidden file"),
        "pipe": ("skipped", "skipped: not a regular file (a FIFO)"),
        "gone.pdf": ("skipped", "skipped: a link to nothing (dangling symlink)"),
    }
    assert run_cli([folder], out) == 0
    assert len(rows(out, "files")) == 4  # no second row for any of them


def test_one_file_reached_twice_is_one_file(tmp_path, monkeypatch):
    folder = copy_samples(["000.txt", "101.docx"], tmp_path / "a")
    (tmp_path / "link").symlink_to(folder)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    given = [Path("a"), Path("./a"), Path("a/../a"), Path("link"), folder / "000.txt", folder / "000.txt"]
    assert run_cli(given, out) == 0
    assert sorted(r["file_name"] for r in rows(out, "files")) == ["000.txt", "101.docx"]


def test_an_out_inside_the_input_folder_is_not_read(tmp_path):
    folder = copy_samples(["000.txt"], tmp_path / "in")
    out = folder / "out"
    assert run_cli([folder], out) == 0
    assert run_cli([folder], out) == 0  # out now holds parquet, csv and duckdb files
    assert [r["file_name"] for r in rows(out, "files")] == ["000.txt"]
