"""The formats bureaus still receive, end to end: one run of the real command line over
copies of the committed samples (tools/make_legacy.py writes them), read back from Parquet
and held against tests/golden/.

000.doc       the seed report saved as Word 97: the same records as 000.docx (golden 000).
101.wps       101.docx saved as Word 97 under a WPS name (golden 101).
301.ofd       an OFD (GB/T 33190) of two pages, one TextObject per printed line (golden 301).
101.scan.pdf  101.pdf printed, sealed in red over the signature and scanned at 150 dpi,
              0.6 degrees askew, no text layer: read by OCR (golden 101; names compared
              without spaces).
bundle.zip    GBK member names without the UTF-8 flag: 青山县文旅局/2023年度项目支出绩效自评报告.docx
              (golden 302) and 附件/附件.zip holding 项目自评表.txt (a GBK '|' form, golden 303).

.doc and .wps need LibreOffice and the scan needs RapidOCR: those tests skip with the reason
when the tool is missing; the rest still run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import io
import shutil
import zipfile
from decimal import Decimal

import pytest
from conftest import SAMPLES, copy_samples, golden, rows, run_cli

import extract

pytestmark = pytest.mark.slow  # LibreOffice converts the .doc/.wps samples; the scan is read by OCR

D = Decimal
NAMES = ("000.doc", "101.wps", "301.ofd", "101.scan.pdf", "bundle.zip")
REPORT_302 = "bundle.zip!青山县文旅局/2023年度项目支出绩效自评报告.docx"
FORM_303 = "bundle.zip!附件/附件.zip!项目自评表.txt"

HAS_SOFFICE = shutil.which("soffice") is not None
needs_soffice = pytest.mark.skipif(
    not HAS_SOFFICE, reason="LibreOffice (soffice) is not installed: .doc and .wps are converted with it"
)
needs_ocr = pytest.mark.skipif(
    importlib.util.find_spec("rapidocr_onnxruntime") is None,
    reason="rapidocr_onnxruntime is not installed: the scan is read by OCR",
)

TEXT_KEYS = {
    "report_kind",
    "unit_name",
    "region",
    "grade",
    "project_name",
    "level1",
    "level2",
    "level3",
    "target",
    "actual",
    "fiscal_year",
    "project_count",
}
INDICATOR_KEYS = ("project_name", "level1", "level2", "level3", "target", "actual", "weight", "score")
MONEY = ("budget_initial", "budget_adjusted", "expenditure")


def want(key: str, v):
    """A golden value as the Parquet reader returns it: money, rates and scores Decimal."""
    if v is None or key in TEXT_KEYS:
        return v
    if key == "report_date":
        return dt.date.fromisoformat(v)
    return D(v)


def squash(s: str | None) -> str | None:
    """Spaces between a number and a CJK word are typesetting (21 个乡镇): compare without them."""
    return None if s is None else "".join(s.split())


def golden_of(stem: str) -> dict:
    """tests/golden/STEM.expected.json as {report, projects, indicators}; 101's flat record
    (one project report) is spread into that shape."""
    g = golden(stem)
    if "report" in g:
        return g
    report = {k: v for k, v in g.items() if k != "project_name"}
    project = {
        "project_name": g["project_name"],
        **{k: g[k] for k in (*MONEY, "execution_rate")},
        "score": g["self_score"],
    }
    return {"report": report, "projects": [project], "indicators": []}


# input (relative to the input folder) -> golden stem
GOLDEN = {
    "000.doc": "000",
    "101.wps": "101",
    "301.ofd": "301",
    "101.scan.pdf": "101",
    REPORT_302: "302",
    FORM_303: "303",
}
MARKS = {"000.doc": [needs_soffice], "101.wps": [needs_soffice], "101.scan.pdf": [needs_ocr]}


def each(*names: str, xfail: dict[str, str] | None = None):
    """pytest params for the given inputs, with their tool marks (and known misses)."""
    xfail = xfail or {}
    return [
        pytest.param(
            n,
            id=n,
            marks=[
                *MARKS.get(n, []),
                *([pytest.mark.xfail(strict=True, reason=xfail[n])] if n in xfail else []),
            ],
        )
        for n in names
    ]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One ingest of the five legacy samples, names kept."""
    base = tmp_path_factory.mktemp("legacy")
    inp = copy_samples(NAMES, base / "in")
    out = base / "out"
    code = run_cli([inp], out)
    files = {r["source_path"].removeprefix(f"{inp}/"): r for r in rows(out, "files")}
    tables = {t: rows(out, t) for t in ("reports", "projects", "indicators", "amounts", "findings")}
    return {"code": code, "in": inp, "out": out, "files": files, "tables": tables}


def by_file(run, table: str, name: str) -> list[dict]:
    rid = run["files"][name]["report_id"]
    return [r for r in run["tables"][table] if r["report_id"] == rid]


def gbk(name: str) -> str:
    """A member name as zipfile lists it when the UTF-8 flag is clear: GBK bytes read as cp437."""
    return name.encode("gbk").decode("cp437")


def member_bytes(name: str) -> bytes:
    """The bytes of a bundle member, 'bundle.zip!a/b.zip!c.txt' opened level by level."""
    archive, *inner = name.split("!")
    data = (SAMPLES / archive).read_bytes()
    for part in inner:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            data = zf.read(gbk(part))
    return data


# ---- files rows ---------------------------------------------------------------------------------


def test_exit_code(run):
    """0 with LibreOffice; without it the .doc and .wps fail (and say why), so 1."""
    assert run["code"] == (0 if HAS_SOFFICE else 1)


@pytest.mark.parametrize(
    "name, fmt, pages, ocr",
    [
        pytest.param("000.doc", "doc", None, False, id="doc", marks=needs_soffice),
        pytest.param("101.wps", "wps", None, False, id="wps", marks=needs_soffice),
        pytest.param("301.ofd", "ofd", 2, False, id="ofd"),
        pytest.param("101.scan.pdf", "pdf", 2, True, id="scan", marks=needs_ocr),
        pytest.param("bundle.zip", "zip", None, False, id="zip"),
        pytest.param(REPORT_302, "docx", None, False, id="zip_member_docx"),
        pytest.param(FORM_303, "txt", None, False, id="zip_in_zip_member_txt"),
    ],
)
def test_files_row(run, name, fmt, pages, ocr):
    f = run["files"][name]
    data = member_bytes(name) if "!" in name else (SAMPLES / name).read_bytes()
    assert (f["status"], f["error"]) == ("ok", None)
    assert (f["file_format"], f["pages"], f["ocr"]) == (fmt, pages, ocr)
    assert f["size_bytes"] == len(data)
    assert f["report_id"] == hashlib.sha256(data).hexdigest()


def test_bundle_members_keep_their_gbk_names(run):
    """The names are GBK bytes without the UTF-8 flag: decoded, the path through both
    archives is kept in source_path and the base name in file_name."""
    inp = run["in"]
    members = {k: f for k, f in run["files"].items() if k.startswith("bundle.zip!")}
    assert (
        members[REPORT_302]["source_path"]
        == f"{inp}/bundle.zip!青山县文旅局/2023年度项目支出绩效自评报告.docx"
    )
    assert members[FORM_303]["source_path"] == f"{inp}/bundle.zip!附件/附件.zip!项目自评表.txt"
    assert members[REPORT_302]["file_name"] == "2023年度项目支出绩效自评报告.docx"
    assert members[FORM_303]["file_name"] == "项目自评表.txt"
    # the directory entries are no files; nothing is left undecoded
    assert not any(k.endswith("/") or "\ufffd" in k or "╡" in k for k in members)


def test_one_row_per_input(run):
    sources = [r["source_path"] for r in rows(run["out"], "files")]
    assert len(sources) == len(set(sources))
    assert {*NAMES, REPORT_302, FORM_303} <= set(run["files"])


# ---- records against the golden files ---------------------------------------------------------


@pytest.mark.parametrize("name", each("000.doc", "101.wps", "301.ofd", REPORT_302, FORM_303))
def test_report_row(run, name):
    exp = {k: want(k, v) for k, v in golden_of(GOLDEN[name])["report"].items()}
    reports = by_file(run, "reports", name)
    assert len(reports) == 1
    got = {k: reports[0][k] for k in exp}
    assert got == exp
    assert all(type(got[k]) is Decimal for k, v in exp.items() if isinstance(v, Decimal))


@pytest.mark.parametrize("name", each("000.doc", "101.wps", "301.ofd", REPORT_302, FORM_303))
def test_project_figures(run, name):
    exp = [
        {k: want(k, v) for k, v in p.items() if k != "project_name"}
        for p in golden_of(GOLDEN[name])["projects"]
    ]
    projects = sorted(by_file(run, "projects", name), key=lambda p: p["seq"])
    assert [p["seq"] for p in projects] == list(range(1, len(exp) + 1))
    assert [{k: p[k] for k in e} for p, e in zip(projects, exp)] == exp


NAME_302 = (
    "the title '…运行保障经费项目支出绩效自评报告' gives '公共文化服务体系运行保障经费项目': the 项目 "
    "of '项目支出绩效自评报告' (the report kind) is kept as part of the name, though the funds table's "
    "项目名称 column and the body say '公共文化服务体系运行保障经费' (normalize.projects.title_project)"
)


@pytest.mark.parametrize(
    "name", each("000.doc", "101.wps", "301.ofd", REPORT_302, FORM_303, xfail={REPORT_302: NAME_302})
)
def test_project_names(run, name):
    exp = [p["project_name"] for p in golden_of(GOLDEN[name])["projects"]]
    projects = sorted(by_file(run, "projects", name), key=lambda p: p["seq"])
    assert [squash(p["project_name"]) for p in projects] == exp


@pytest.mark.parametrize("name", each("000.doc", "101.wps", "301.ofd", REPORT_302, FORM_303))
def test_indicators_exactly_in_order(run, name):
    exp = [tuple(want(k, i[k]) for k in INDICATOR_KEYS) for i in golden_of(GOLDEN[name])["indicators"]]
    got = [tuple(i[k] for k in INDICATOR_KEYS) for i in by_file(run, "indicators", name)]
    assert got == exp


@needs_soffice
def test_doc_has_the_seed_finding(run):
    """The seed says 基本支出 177.62 万元 and later 177.61 万元: found in the Word 97 copy too."""
    found = [
        (f["check"], f["field"], D(f["expected"]), D(f["actual"]))
        for f in by_file(run, "findings", "000.doc")
    ]
    assert found == [("conflicting_values", "basic_expenditure", D("1776200.00"), D("1776100.00"))]


@pytest.mark.parametrize("name", each("101.wps", "301.ofd", REPORT_302, FORM_303))
def test_consistent_samples_have_no_finding(run, name):
    assert by_file(run, "findings", name) == []


# ---- OFD: pages and positions -----------------------------------------------------------------


def test_ofd_amounts_point_at_their_raw_text(run):
    """Every amount's page and offsets index the text of that OFD page; the money is on page 1."""
    texts = {p.number: p.text for p in extract.read(run["in"] / "301.ofd").pages}
    amounts = by_file(run, "amounts", "301.ofd")
    assert amounts
    for a in amounts:
        assert texts[a["page"]][a["char_start"] : a["char_end"]] == a["raw"], a
    fed = {a["field"]: (a["page"], squash(a["raw"])) for a in amounts if a["field"]}
    assert fed["budget_initial"] == (1, "320.00万元")
    assert fed["expenditure"] == (1, "331.78万元")


def test_ofd_page_text_is_clean():
    """Page numbers ("— 1 —") are furniture, a title on two centred lines is one heading,
    and lines cut by the margin are one paragraph again."""
    doc = extract.read(SAMPLES / "301.ofd")
    assert [p.number for p in doc.pages] == [1, 2]
    one, two = (p.text for p in doc.pages)
    assert "—" not in one + two
    assert one.startswith("青山县卫生健康局2023年度基层医疗卫生机构能力提升项目支出绩效自评报告\n")
    assert "开展2023年度预算绩效自评工作的通知》（青财绩〔2024〕3号）要求，" in one
    assert "全年执行数331.78万元，预算执行率96.00%。" in one
    assert two.endswith("青山县卫生健康局\n2024年4月2日")


# ---- the scan -----------------------------------------------------------------------------------

SCAN_FIGURES = (*MONEY, "execution_rate", "self_score", "report_kind", "fiscal_year", "grade")


@needs_ocr
def test_scan_figures_are_exact(run):
    """OCR gives the money, rate and score exactly (and the project's, from its table)."""
    exp = golden_of("101")
    reports = by_file(run, "reports", "101.scan.pdf")
    assert len(reports) == 1
    assert {k: reports[0][k] for k in SCAN_FIGURES} == {k: want(k, exp["report"][k]) for k in SCAN_FIGURES}
    projects = by_file(run, "projects", "101.scan.pdf")
    want_p = [{k: want(k, v) for k, v in p.items() if k != "project_name"} for p in exp["projects"]]
    assert [{k: p[k] for k in e} for p, e in zip(projects, want_p)] == want_p and len(projects) == 1


@needs_ocr
def test_scan_names(run):
    exp = golden_of("101")
    r = by_file(run, "reports", "101.scan.pdf")[0]
    assert (squash(r["unit_name"]), squash(r["region"])) == (
        exp["report"]["unit_name"],
        exp["report"]["region"],
    )
    assert [squash(p["project_name"]) for p in by_file(run, "projects", "101.scan.pdf")] == [
        p["project_name"] for p in exp["projects"]
    ]


@needs_ocr
def test_scan_report_date(run):
    r = by_file(run, "reports", "101.scan.pdf")[0]
    assert r["report_date"] == want("report_date", golden_of("101")["report"]["report_date"])


@needs_ocr
def test_scan_has_no_text_layer():
    """The sample is what a scanner writes: image pages only (so the OCR path is what is tested)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(SAMPLES / "101.scan.pdf"))
    try:
        assert len(doc) == 2
        assert all(doc[i].get_textpage().get_text_range().strip() == "" for i in range(len(doc)))
    finally:
        doc.close()


def test_samples_are_what_their_names_say():
    """The committed bytes: OLE2 under .doc and .wps, a zip of OFD.xml, a GBK-named zip."""
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    assert (SAMPLES / "000.doc").read_bytes().startswith(ole2)
    assert (SAMPLES / "101.wps").read_bytes().startswith(ole2)
    with zipfile.ZipFile(SAMPLES / "301.ofd") as zf:
        assert "OFD.xml" in zf.namelist()
    with zipfile.ZipFile(SAMPLES / "bundle.zip") as zf:
        infos = zf.infolist()
        assert infos and not any(i.flag_bits & 0x800 for i in infos)
        assert gbk("青山县文旅局/2023年度项目支出绩效自评报告.docx") in zf.namelist()
