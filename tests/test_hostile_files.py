"""Hostile files, made by the test in tmp_path (no committed binaries): what a bureau's
inbox and a careless or malicious sender produce. One run of the real command line (in a
child process, as a user runs it) over all of them and one good report:

- broken: zero bytes; truncated PDF, DOCX, XLSX; random bytes named .pdf/.doc/.xlsx; a .pdf
  that is a portal's HTML error page;
- misnamed but good: a .doc that is really a .docx;
- locked: a PDF with a user password; one with only an owner password (reads normally);
- bombs: a docx whose word/document.xml inflates past 200 MiB; a docx whose
  document.xml is the billion-laughs XML entity bomb; a zip member inflating > 200 times
  and past 10 MiB;
- archives: a member named '../../evil.txt' (path traversal), a zip in a zip, a member
  encrypted with a password (real ZipCrypto, written here).

The batch goes on: exit code 1, exactly one `files` row per input file and per archive
member, a one-line reason for every failure, no traceback. Then runs with limits: a file
that takes longer than `--timeout 2` is cut off while a good file in the same run is read,
and a file that needs more than `--max-memory 300` fails with a row, not a crash.

Once known misses, now tests: a zip inside a zip has a row of its own; a timed-out row
keeps its format and time; a worker's warm-up (jieba) is not charged to its first file; the
memory cap counts from the worker's starting address space; the reason of a file refused
by the memory cap names it.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ROOT, SAMPLES

pytestmark = pytest.mark.slow  # time limits, memory caps and killed workers

pypdf = pytest.importorskip("pypdf")  # a dev dependency: the encrypted PDFs are written with it

HTML_PAGE = (
    '<!DOCTYPE html>\n<html><head><meta charset="gbk"><title>502 Bad Gateway</title></head>\n'
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n"
)
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MIB = 1024 * 1024


# ---- makers -----------------------------------------------------------------------------------


def random_bytes(seed: int, n: int = 8192) -> bytes:
    data = random.Random(seed).randbytes(n)
    assert not data.startswith((b"%PDF", b"PK", b"\xd0\xcf")), "pick another seed"
    return data


def docx_with(
    document_xml: bytes | None = None, *, stream: list[bytes] | None = None, repeat: int = 0
) -> bytes:
    """samples/000.docx with its word/document.xml replaced: by `document_xml`, or by
    stream[0] + stream[1] * repeat + stream[2] written in pieces (a part of hundreds of MiB
    is never held in memory here)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(SAMPLES / "000.docx") as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            if info.filename != "word/document.xml":
                zout.writestr(info, zin.read(info))
            elif document_xml is not None:
                zout.writestr(info.filename, document_xml)
            else:
                head, body, tail = stream
                with zout.open(info.filename, "w", force_zip64=True) as fh:
                    fh.write(head)
                    block = body * max(1, MIB // len(body))
                    written = 0
                    while written < len(body) * repeat:
                        fh.write(block)
                        written += len(block)
                    fh.write(tail)
    return out.getvalue()


def document_xml(inner: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W_NS}"><w:body>{inner}</w:body></w:document>'
    ).encode()


def billion_laughs() -> bytes:
    """Ten levels of ten: one reference expands to 10^9 'lol's (3 GB) if entities are resolved."""
    ents = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE w:document [\n'
        + "\n".join(ents)
        + "\n]>\n"
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
    ).encode()


def zip_of(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return out.getvalue()


class ZipCrypto:
    """PKWARE's traditional zip encryption (APPNOTE 6.1), as `zip -P` and WinRAR's 'ZIP
    legacy encryption' write it; Python's zipfile reads it but cannot write it."""

    def __init__(self, password: bytes):
        self.keys = [0x12345678, 0x23456789, 0x34567890]
        for c in password:
            self._update(c)

    @staticmethod
    def _crc(crc: int, b: int) -> int:
        return zlib.crc32(bytes([b]), crc ^ 0xFFFFFFFF) ^ 0xFFFFFFFF

    def _update(self, c: int) -> None:
        k0, k1, k2 = self.keys
        k0 = self._crc(k0, c)
        k1 = ((k1 + (k0 & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        k2 = self._crc(k2, k1 >> 24)
        self.keys = [k0, k1, k2]

    def encrypt(self, data: bytes) -> bytes:
        out = bytearray()
        for c in data:
            t = (self.keys[2] | 2) & 0xFFFF
            out.append(c ^ (((t * (t ^ 1)) >> 8) & 0xFF))
            self._update(c)
        return bytes(out)


def zip_with_encrypted_member(members: list[tuple[str, bytes, bytes | None]]) -> bytes:
    """A zip written byte by byte, as WinRAR's legacy encryption on a Chinese system writes it:
    (name, data, password or None) members, deflated, names in GBK without the UTF-8 flag."""
    local, central = io.BytesIO(), io.BytesIO()
    dos_time, dos_date = (9 << 11) | (30 << 5), ((2024 - 1980) << 9) | (4 << 5) | 2
    for name, data, password in members:
        crc = zlib.crc32(data)
        comp = zlib.compressobj(9, zlib.DEFLATED, -15)
        body = comp.compress(data) + comp.flush()
        flags = 0
        if password is not None:
            flags = 0x1
            header = random.Random(7).randbytes(11) + bytes([crc >> 24])
            body = ZipCrypto(password).encrypt(header + body)
        raw = name.encode("gbk")
        offset = local.tell()
        local.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                flags,
                8,
                dos_time,
                dos_date,
                crc,
                len(body),
                len(data),
                len(raw),
                0,
            )
            + raw
            + body
        )
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                flags,
                8,
                dos_time,
                dos_date,
                crc,
                len(body),
                len(data),
                len(raw),
                0,
                0,
                0,
                0,
                0x20,
                offset,
            )
            + raw
        )
    cd = central.getvalue()
    n = len(members)
    blob = local.getvalue() + cd + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(cd), local.tell(), 0)
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:  # a real encrypted zip: zipfile opens it with the password
        for name, data, password in members:
            if password is not None:
                info = zf.getinfo(name.encode("gbk").decode("cp437"))
                assert info.flag_bits & 0x1 and not info.flag_bits & 0x800
                assert zf.read(info, pwd=password) == data
    return blob


def encrypted_pdf(dest: Path, user: str, owner: str, algorithm: str) -> None:
    writer = pypdf.PdfWriter(clone_from=str(SAMPLES / "101.pdf"))
    writer.encrypt(user_password=user, owner_password=owner, algorithm=algorithm)
    with open(dest, "wb") as fh:
        writer.write(fh)


def ingest(paths: list[Path], out: Path, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """The command line in a child process, as a user runs it."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "jixiao.cli",
            "ingest",
            *map(str, paths),
            "--out",
            str(out),
            "--quiet",
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )


def files_rows(out: Path) -> list[dict]:
    return pq.read_table(out / "files.parquet").to_pylist()


# ---- the corpus -------------------------------------------------------------------------------

# file -> (status, words of which the reason must hold one; () for any one-line reason)
EXPECTED = {
    "empty.docx": ("failed", ("empty",)),
    "truncated.pdf": ("failed", ("corrupt", "truncated", "damaged")),
    "truncated.docx": ("failed", ("corrupt", "truncated", "damaged")),
    "truncated.xlsx": ("failed", ("corrupt", "truncated", "damaged")),
    "random.pdf": ("failed", ("unrecognised", "unrecognized", "unknown", "unsupported")),
    "random.doc": ("failed", ("unrecognised", "unrecognized", "unknown", "unsupported")),
    "random.xlsx": ("failed", ("unrecognised", "unrecognized", "unknown", "unsupported")),
    "error_page.pdf": ("failed", ("html",)),
    "really_docx.doc": ("ok", ()),
    "user_password.pdf": ("failed", ("encrypted",)),
    "owner_only.pdf": ("ok", ()),
    "bomb.docx": ("failed", ("bomb", "refused", "too large")),
    "laughs.docx": ("failed", ()),
    "traversal.zip": ("ok", ()),
    "traversal.zip!../../evil.txt": (None, ()),  # any status: the point is its row and where it went
    "zipbomb.zip": ("ok", ()),
    "zipbomb.zip!zeros.txt": ("failed", ("bomb", "refused")),
    "nested.zip": ("ok", ()),
    "nested.zip!inner.zip!000_gbk.txt": ("ok", ()),
    "locked.zip": ("ok", ()),
    "locked.zip!自评报告.txt": ("failed", ("encrypted", "password")),
    "locked.zip!readme.txt": ("ok", ()),
    "000.txt": ("ok", ()),
}
BOMB_INFLATES = 210 * MIB


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("hostile")
    inp = base / "in"
    inp.mkdir()
    pdf, docx, xlsx = ((SAMPLES / n).read_bytes() for n in ("000.pdf", "000.docx", "202.xlsx"))
    seed = (SAMPLES / "000.txt").read_bytes()
    files = {
        "empty.docx": b"",
        "truncated.pdf": pdf[: len(pdf) // 3],
        "truncated.docx": docx[: len(docx) // 2],
        "truncated.xlsx": xlsx[: len(xlsx) // 2],
        "random.pdf": random_bytes(11),
        "random.doc": random_bytes(12),
        "random.xlsx": random_bytes(13),
        "error_page.pdf": HTML_PAGE.encode(),
        "really_docx.doc": docx,
        "bomb.docx": docx_with(
            stream=[
                document_xml("<w:p><w:r><w:t>")[: -len("</w:body></w:document>")],
                b" ",
                b"</w:t></w:r></w:p></w:body></w:document>",
            ],
            repeat=BOMB_INFLATES,
        ),
        "laughs.docx": docx_with(billion_laughs()),
        "traversal.zip": zip_of([("../../evil.txt", "这不是报告，只是一行字。\n".encode())]),
        "zipbomb.zip": zip_of([("zeros.txt", b"0" * (20 * MIB))]),
        "nested.zip": zip_of(
            [("inner.zip", zip_of([("000_gbk.txt", seed.decode("utf-8").encode("gb18030"))]))]
        ),
        "locked.zip": zip_with_encrypted_member(
            [
                ("自评报告.txt", seed, b"123456"),
                ("readme.txt", "解压密码请向财务股索取。\n".encode(), None),
            ]
        ),
        "000.txt": seed,
    }
    for name, data in files.items():
        (inp / name).write_bytes(data)
    encrypted_pdf(inp / "user_password.pdf", user="secret", owner="owner", algorithm="RC4-128")
    encrypted_pdf(inp / "owner_only.pdf", user="", owner="x", algorithm="AES-256")
    with zipfile.ZipFile(inp / "bomb.docx") as zf:
        part = zf.getinfo("word/document.xml")
        assert part.file_size > 200 * MIB and part.compress_size < 2 * MIB, (
            part.file_size,
            part.compress_size,
        )
    out = base / "out"
    t0 = time.monotonic()
    proc = ingest([inp], out)
    seconds = time.monotonic() - t0
    rows = files_rows(out)
    return {
        "base": base,
        "in": inp,
        "out": out,
        "proc": proc,
        "seconds": seconds,
        "rows": rows,
        "by_key": {key(r, inp): r for r in rows},
    }


def key(row: dict, inp: Path) -> str:
    """A row's source_path relative to the input folder: 'nested.zip!inner.zip!000_gbk.txt'."""
    return row["source_path"].removeprefix(str(inp) + os.sep)


def test_exit_code_is_one(corpus):
    assert corpus["proc"].returncode == 1, corpus["proc"].stderr


def test_no_traceback(corpus):
    assert "Traceback" not in corpus["proc"].stderr
    assert "Traceback" not in corpus["proc"].stdout


def test_every_file_and_member_has_exactly_one_row(corpus):
    keys = sorted(key(r, corpus["in"]) for r in corpus["rows"])
    assert len(keys) == len(set(keys)), keys
    for want in EXPECTED:
        assert want in keys, want
    # nothing else, bar an archive inside an archive (see test_nested_archive_has_its_own_row)
    assert set(keys) - set(EXPECTED) <= {"nested.zip!inner.zip"}


def test_input_files_rows_identify_their_bytes(corpus):
    for r in corpus["rows"]:
        k = key(r, corpus["in"])
        if "!" in k:
            continue
        data = (corpus["in"] / k).read_bytes()
        assert (r["report_id"], r["size_bytes"], r["file_name"]) == (
            hashlib.sha256(data).hexdigest(),
            len(data),
            k,
        )


@pytest.mark.parametrize("name", list(EXPECTED))
def test_status_and_reason(corpus, name):
    row = corpus["by_key"][name]
    status, words = EXPECTED[name]
    if status is not None:
        assert row["status"] == status, (name, row["status"], row["error"])
    if row["status"] == "failed":
        reason = row["error"]
        assert reason and reason == reason.strip() and "\n" not in reason and "\r" not in reason, reason
        assert "Traceback" not in reason
        assert not words or any(w in reason.lower() for w in words), reason
    elif row["status"] == "ok":
        assert row["error"] is None, (name, row["error"])


def test_stderr_has_one_failed_line_per_failed_row(corpus):
    failed = [r for r in corpus["rows"] if r["status"] == "failed"]
    lines = [ln for ln in corpus["proc"].stderr.splitlines() if ln.startswith("FAILED")]
    assert len(lines) == len(failed)
    for r in failed:
        assert sum(ln.startswith(f"FAILED {r['source_path']}:") for ln in lines) == 1, r["source_path"]


def reports_of(out: Path, row: dict) -> list[dict]:
    return [
        r for r in pq.read_table(out / "reports.parquet").to_pylist() if r["report_id"] == row["report_id"]
    ]


@pytest.mark.parametrize(
    "name, unit",
    [
        pytest.param("000.txt", "龙山县大数据中心", id="good_txt"),
        pytest.param("really_docx.doc", "龙山县大数据中心", id="docx_named_doc"),
        pytest.param("nested.zip!inner.zip!000_gbk.txt", "龙山县大数据中心", id="gbk_txt_in_a_zip_in_a_zip"),
        pytest.param("owner_only.pdf", "青山县教育局", id="owner_password_only_pdf"),
    ],
)
def test_good_files_are_read(corpus, name, unit):
    row = corpus["by_key"][name]
    assert (row["status"], row["error"]) == ("ok", None)
    assert [r["unit_name"] for r in reports_of(corpus["out"], row)] == [unit]


def test_docx_named_doc_is_a_docx(corpus):
    """Sniffed from the bytes: no LibreOffice round trip for a .docx saved under .doc."""
    assert corpus["by_key"]["really_docx.doc"]["file_format"] == "docx"


def test_failed_files_have_no_reports(corpus):
    failed = {r["report_id"] for r in corpus["rows"] if r["status"] == "failed"}
    reports = {r["report_id"] for r in pq.read_table(corpus["out"] / "reports.parquet").to_pylist()}
    assert not failed & reports


def test_bombs_are_refused_quickly(corpus):
    """Neither bomb is inflated: refused from the sizes the zip declares, or parsed without
    expanding entities; none runs into the 300 s default time limit."""
    for name in ("bomb.docx", "laughs.docx", "zipbomb.zip!zeros.txt"):
        row = corpus["by_key"][name]
        assert "timed out" not in (row["error"] or ""), row["error"]
        assert row["seconds"] < 20, (name, row["seconds"])
    assert corpus["seconds"] < 60


def test_traversal_member_writes_nothing_outside(corpus):
    """'../../evil.txt' is unpacked under a private name: nothing lands beside the input,
    the output, the test's folders or the temporary directory, and it still has its row."""
    base = corpus["base"]
    for folder in (
        corpus["in"],
        corpus["out"],
        base,
        base.parent,
        base.parent.parent,
        Path(tempfile.gettempdir()),
        ROOT,
    ):
        assert not (folder / "evil.txt").exists(), folder
    row = corpus["by_key"]["traversal.zip!../../evil.txt"]
    assert row["file_name"] == "evil.txt"
    assert row["status"] in ("ok", "failed")


def test_encrypted_member_keeps_its_name(corpus):
    """The encrypted member is not read, but its row names it (and the member beside it is read)."""
    row = corpus["by_key"]["locked.zip!自评报告.txt"]
    assert row["file_name"] == "自评报告.txt"


def test_nested_archive_has_its_own_row(corpus):
    """nested.zip holds inner.zip: inner.zip is an archive member like any other, so it has a row."""
    row = corpus["by_key"].get("nested.zip!inner.zip")
    assert row is not None
    assert (row["file_format"], row["status"]) == ("zip", "ok")


# ---- limits: a file that takes too long, a file that needs too much memory --------------------


@pytest.fixture(scope="module")
def slow_run(tmp_path_factory) -> dict:
    """A 30 MB text file (far more than 2 s of reading) beside the good seed text, --timeout 2."""
    base = tmp_path_factory.mktemp("slow")
    inp = base / "in"
    inp.mkdir()
    line = "经综合评价，该项目绩效自评得分93.5分，年初预算数850.00万元，全年执行数887.36万元。\n"
    with open(inp / "huge.txt", "w", encoding="utf-8") as fh:
        block = line * 1000
        while fh.tell() < 30 * MIB:
            fh.write(block)
    (inp / "000.txt").write_bytes((SAMPLES / "000.txt").read_bytes())
    out = base / "out"
    t0 = time.monotonic()
    proc = ingest([inp], out, "--timeout", "2", "--workers", "2")
    return {
        "proc": proc,
        "seconds": time.monotonic() - t0,
        "rows": {r["file_name"]: r for r in files_rows(out)},
    }


def test_timeout_cuts_off_a_slow_file(slow_run):
    proc, rows = slow_run["proc"], slow_run["rows"]
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert set(rows) == {"huge.txt", "000.txt"}
    slow = rows["huge.txt"]
    assert slow["status"] == "failed" and "timed out" in slow["error"], slow
    assert "\n" not in slow["error"]
    assert slow["size_bytes"] >= 30 * MIB
    assert slow_run["seconds"] < 30, "the slow file was killed at its limit, not waited for"


WARM_UP = (
    "a fresh worker's warm-up is charged to the first file it reads: normalize.keys.project_key "
    "builds the jieba tokenizer (normalize.segment.tokenizer, 1.1-1.4 s of CPU, 3-5 s wall on a "
    "loaded machine) inside that file's deadline and `seconds`, so under --timeout 2 a 13 KB report "
    "can be 'cut off: timed out after 2s'"
)


def test_good_file_beside_the_slow_one_is_read(slow_run):
    good = slow_run["rows"]["000.txt"]
    assert (good["status"], good["error"]) == ("ok", None)


def test_worker_warm_up_is_not_charged_to_a_file(tmp_path):
    """One worker reads the seed twice (UTF-8, then GB18030: other bytes, same text): the
    first read may not take longer than the second by more than noise."""
    inp = tmp_path / "in"
    inp.mkdir()
    seed = (SAMPLES / "000.txt").read_bytes()
    (inp / "000.txt").write_bytes(seed)
    (inp / "000_gbk.txt").write_bytes(seed.decode("utf-8").encode("gb18030"))
    out = tmp_path / "out"
    proc = ingest([inp], out, "--workers", "1", "--timeout", "120")
    assert proc.returncode == 0, proc.stderr
    seconds = sorted(r["seconds"] for r in files_rows(out))
    assert seconds[1] - seconds[0] < 0.4, seconds


def test_timed_out_row_keeps_its_sniffed_format(slow_run):
    assert slow_run["rows"]["huge.txt"]["file_format"] == "txt"


def test_timed_out_row_counts_the_time_spent(slow_run):
    assert slow_run["rows"]["huge.txt"]["seconds"] >= 2


@pytest.fixture(scope="module")
def big_docx() -> bytes:
    """A docx whose document.xml is 150 MiB of tiny paragraphs: under the 200 MiB size
    refusal, but a parsed tree of gigabytes."""
    para = "<w:p><w:r><w:t>测</w:t></w:r></w:p>".encode()
    head = document_xml("")[: -len("</w:body></w:document>")]
    return docx_with(stream=[head, para, b"</w:body></w:document>"], repeat=150 * MIB // len(para))


def test_memory_cap_fails_the_file_not_the_run(tmp_path, big_docx):
    """--max-memory 300: the big docx fails with a one-line row, the dataset is written, no
    crash, no traceback. (No good file beside it here: under a 300 MiB address-space cap the
    jieba tokenizer's cache does not load and a 13 KB report takes 20-45 s; see the 1 GiB
    tests below for that cap's reading.)"""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "big.docx").write_bytes(big_docx)
    out = tmp_path / "out"
    proc = ingest([inp], out, "--max-memory", "300", "--workers", "1")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    rows = {r["file_name"]: r for r in files_rows(out)}
    assert set(rows) == {"big.docx"}
    big = rows["big.docx"]
    assert big["status"] == "failed", big
    assert big["error"] and big["error"] == big["error"].strip() and "\n" not in big["error"]
    assert f"FAILED {inp / 'big.docx'}:" in proc.stderr


@pytest.fixture(scope="module")
def capped_1g(tmp_path_factory, big_docx) -> dict:
    """--max-memory 1024 over the big docx and a 39 KB report (101.docx)."""
    base = tmp_path_factory.mktemp("capped")
    inp = base / "in"
    inp.mkdir()
    (inp / "big.docx").write_bytes(big_docx)
    (inp / "101.docx").write_bytes((SAMPLES / "101.docx").read_bytes())
    out = base / "out"
    proc = ingest([inp], out, "--max-memory", "1024", "--workers", "2")
    return {"proc": proc, "rows": {r["file_name"]: r for r in files_rows(out)}}


CAP_IS_ADDRESS_SPACE = (
    "the cap is RLIMIT_AS (address space) set in a worker forked from a parent that already maps "
    "~1.4 GiB (pyarrow, duckdb, onnxruntime reservations): under any --max-memory below ~1.5 GiB the "
    "worker cannot map lxml or charset_normalizer and every docx/pdf/xlsx fails with 'cannot read: "
    "ImportError: ... failed to map segment from shared object'"
)


def test_memory_cap_of_1g_reads_a_small_docx(capped_1g):
    row = capped_1g["rows"]["101.docx"]
    assert (row["status"], row["error"]) == ("ok", None)


def test_memory_cap_reason_names_memory(capped_1g):
    # once a strict xfail (CAP_IS_ADDRESS_SPACE): libxml2 refused memory says only "unknown
    # error"; the worker now sees its address space reach the cap while it reads the file
    row = capped_1g["rows"]["big.docx"]
    assert (row["status"], row["error"]) == ("failed", "over the memory limit of 1024 MB")
