"""Files that cannot be read, made by the test (never committed binaries), in one
folder with good ones, through the real command line in a child process.

Every input file gets exactly one `files` row; a bad one is `failed` with a clear
one-line reason; the run goes on, prints one FAILED line per bad file and no
traceback, and exits 1.
"""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ROOT, SAMPLES

try:
    import pypdf
except ImportError:  # pypdf is a dev dependency; without it the encrypted files are left out
    pypdf = None

needs_pypdf = pytest.mark.skipif(pypdf is None, reason="pypdf is not installed")

HTML_PAGE = (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>404 Not Found</title></head>\n'
    "<body><h1>页面不存在</h1><p>您访问的页面不存在或已被删除。</p></body></html>\n"
)


def random_bytes(seed: int, n: int = 4096) -> bytes:
    data = random.Random(seed).randbytes(n)
    assert not data.startswith((b"%PDF", b"PK", b"\xd0\xcf")), "pick another seed"
    return data


def encrypted_copy(src: Path, dest: Path, user: str, owner: str) -> None:
    writer = pypdf.PdfWriter(clone_from=str(src))
    writer.encrypt(user_password=user, owner_password=owner, algorithm="AES-128")
    with open(dest, "wb") as fh:
        writer.write(fh)


def blank_pdf(dest: Path) -> None:
    """A PDF page with no text layer at all, as a scanner without OCR writes it (less the image)."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(dest, "wb") as fh:
        writer.write(fh)


# file name -> words of which the error must contain one (case-insensitive)
BAD = {
    "empty.pdf": ("empty",),
    "truncated.pdf": ("corrupt", "truncated", "damaged"),
    "x.pdf": ("unrecognised", "unrecognized", "unknown", "unsupported", "not a pdf", "corrupt"),
    "y.docx": ("unrecognised", "unrecognized", "unknown", "unsupported", "not a word", "corrupt"),
    "report.pdf": ("html",),
    "truncated.docx": ("corrupt", "truncated", "damaged"),
}
BAD_PYPDF = {
    "encrypted.pdf": ("encrypted", "password"),
    "blank.pdf": ("no text", "scan", "ocr", "empty"),
}
GOOD = ("000.txt", "gbk.txt", "word_named.pdf", "pdf_named.docx")
GOOD_PYPDF = ("owner_only.pdf",)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("bad")
    inp = base / "in"
    inp.mkdir()
    pdf = (SAMPLES / "000.pdf").read_bytes()
    (inp / "empty.pdf").write_bytes(b"")
    (inp / "truncated.pdf").write_bytes(pdf[: len(pdf) // 2])
    (inp / "x.pdf").write_bytes(random_bytes(1))
    (inp / "y.docx").write_bytes(random_bytes(2))
    (inp / "report.pdf").write_text(HTML_PAGE, encoding="utf-8")
    (inp / "truncated.docx").write_bytes((SAMPLES / "000.docx").read_bytes()[:3000])
    (inp / "000.txt").write_bytes((SAMPLES / "000.txt").read_bytes())
    (inp / "000_copy.txt").write_bytes((SAMPLES / "000.txt").read_bytes())
    # good files under the wrong name or in the legacy encoding Chinese Windows tools write
    (inp / "gbk.txt").write_bytes((SAMPLES / "000.txt").read_text(encoding="utf-8").encode("gb18030"))
    (inp / "word_named.pdf").write_bytes((SAMPLES / "101.docx").read_bytes())
    (inp / "pdf_named.docx").write_bytes((SAMPLES / "101.pdf").read_bytes())
    if pypdf is not None:
        encrypted_copy(SAMPLES / "101.pdf", inp / "encrypted.pdf", user="secret", owner="owner")
        encrypted_copy(SAMPLES / "101.pdf", inp / "owner_only.pdf", user="", owner="x")
        blank_pdf(inp / "blank.pdf")
    out = base / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "ingest", str(inp), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    files = {r["file_name"]: r for r in pq.read_table(out / "files.parquet").to_pylist()}
    return {
        "proc": proc,
        "in": inp,
        "out": out,
        "files": files,
        "names": sorted(p.name for p in inp.iterdir()),
    }


def bad_names(run) -> list[str]:
    return [n for n in run["names"] if n in BAD or n in BAD_PYPDF]


def test_exit_code_is_one(run):
    assert run["proc"].returncode == 1, run["proc"].stderr


def test_every_file_has_exactly_one_row(run):
    rows = pq.read_table(run["out"] / "files.parquet").to_pylist()
    assert sorted(r["file_name"] for r in rows) == run["names"]
    for r in rows:
        data = (run["in"] / r["file_name"]).read_bytes()
        assert r["report_id"] == hashlib.sha256(data).hexdigest()
        assert r["size_bytes"] == len(data)


def test_bad_files_fail_with_one_line_reasons(run):
    for name in bad_names(run):
        f = run["files"][name]
        assert f["status"] == "failed", name
        assert f["error"] and f["error"].strip() == f["error"], name
        assert "\n" not in f["error"] and "\r" not in f["error"], name
        assert "Traceback" not in f["error"], name


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, id=n) for n in BAD]
    + [
        # pdfplumber wraps pdfminer's PDFPasswordIncorrect in PdfminerException: once read as 'corrupt'
        pytest.param("encrypted.pdf", id="encrypted.pdf", marks=needs_pypdf),
        pytest.param("blank.pdf", id="blank.pdf", marks=needs_pypdf),
    ],
)
def test_reason_names_the_problem(run, name):
    error = run["files"][name]["error"].lower()
    words = {**BAD, **BAD_PYPDF}[name]
    assert any(w in error for w in words), error


@pytest.mark.parametrize(
    "name, fmt",
    [
        pytest.param("report.pdf", "html", id="html_named_pdf"),
        pytest.param("truncated.pdf", "pdf", id="truncated_pdf"),
        pytest.param("truncated.docx", "docx", id="truncated_docx"),
        pytest.param("000.txt", "txt", id="text"),
        pytest.param("gbk.txt", "txt", id="gb18030_text"),
        pytest.param("word_named.pdf", "docx", id="word_named_pdf"),
        pytest.param("pdf_named.docx", "pdf", id="pdf_named_docx"),
    ],
)
def test_format_is_sniffed_from_the_bytes(run, name, fmt):
    assert run["files"][name]["file_format"] == fmt


def test_random_bytes_are_not_taken_for_their_name(run):
    assert run["files"]["x.pdf"]["file_format"] != "pdf"
    assert run["files"]["y.docx"]["file_format"] != "docx"


@pytest.mark.parametrize(
    "name, unit",
    [
        pytest.param("000.txt", "龙山县大数据中心", id="000.txt"),
        pytest.param("gbk.txt", "龙山县大数据中心", id="gbk.txt"),
        pytest.param("word_named.pdf", "青山县教育局", id="word_named.pdf"),
        pytest.param("pdf_named.docx", "青山县教育局", id="pdf_named.docx"),
    ],
)
def test_good_files_are_read(run, name, unit):
    f = run["files"][name]
    assert (f["status"], f["error"]) == ("ok", None)
    reports = [
        r
        for r in pq.read_table(run["out"] / "reports.parquet").to_pylist()
        if r["report_id"] == f["report_id"]
    ]
    assert [r["unit_name"] for r in reports] == [unit]


def test_only_readable_files_have_reports(run):
    reports = pq.read_table(run["out"] / "reports.parquet").to_pylist()
    assert {r["report_id"] for r in reports} <= {
        f["report_id"] for f in run["files"].values() if f["status"] in ("ok", "partial")
    }


def test_same_bytes_twice_is_a_duplicate(run):
    f = run["files"]["000_copy.txt"]
    assert (f["status"], f["error"]) == ("duplicate", None)
    assert f["report_id"] == run["files"]["000.txt"]["report_id"]


@needs_pypdf
def test_owner_password_only_pdf_reads_normally(run):
    """Permissions (no printing, no copying) do not stop reading: the user password is empty."""
    f = run["files"]["owner_only.pdf"]
    assert (f["status"], f["error"]) == ("ok", None)
    reports = [
        r
        for r in pq.read_table(run["out"] / "reports.parquet").to_pylist()
        if r["report_id"] == f["report_id"]
    ]
    assert [r["unit_name"] for r in reports] == ["青山县教育局"]


def test_stderr_has_one_failed_line_per_failed_file_and_no_traceback(run):
    err = run["proc"].stderr
    assert "Traceback" not in err
    failed_lines = [ln for ln in err.splitlines() if ln.startswith("FAILED")]
    bad = bad_names(run)
    assert len(failed_lines) == len(bad)
    for name in bad:
        assert sum(name in ln for ln in failed_lines) == 1, name
    for name in GOOD + ("000_copy.txt",):
        assert not any(ln.endswith(name) or f"{name}:" in ln for ln in failed_lines)


def test_a_bug_of_jixiaos_is_no_corrupt_pdf(tmp_path, monkeypatch):
    # the file is sound: an error of jixiao's own reading code must say so, not blame the PDF
    import extract.pdf
    from jixiao.run import Input, process

    def broken(page):
        raise TypeError("unsupported operand type(s) for -: 'NoneType' and 'float'")

    monkeypatch.setattr(extract.pdf, "_pdfium_lines", broken)
    row = process(Input(SAMPLES / "000.pdf", "000.pdf")).file
    assert row.status == "failed"
    assert row.error.startswith("cannot read: TypeError: unsupported operand"), row.error
    assert "corrupt" not in row.error
