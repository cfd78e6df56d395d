"""`jixiao review DIR`: the queue, a report beside its pages, decisions that reach every table,
and what keeps it safe. The end-to-end test drives the real application in a real headless
Chromium (Playwright, as the HTML report's test does), served on loopback by werkzeug.

The dataset holds the seed report as PDF and as Word (samples/000.pdf, 000.docx) and the
stamped scan of project report 101 (samples/101.scan.pdf, read by OCR).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import threading
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import copy_samples, read_table, run_cli
from test_html_report import chromium

import jixiao.run
from export import review
from jixiao.review_app import create_app, queue, serve, values

pytestmark = pytest.mark.slow  # OCR of the scan; a browser
NAMES = ("000.pdf", "000.docx", "101.scan.pdf")
needs_engine = pytest.mark.skipif(
    importlib.util.find_spec("rapidocr_onnxruntime") is None, reason="no OCR engine: the scan is read by OCR"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("review")
    inp = copy_samples(NAMES, root / "in")
    out = root / "out"
    assert run_cli([inp], out) == 0
    return inp, out


@pytest.fixture
def dataset(built, tmp_path) -> tuple[Path, Path]:
    """A fresh copy of the built dataset for each test (decisions change it)."""
    import shutil

    inp, out = built
    mine = tmp_path / "out"
    shutil.copytree(out, mine, symlinks=True)
    return inp, mine


def rid_of(out: Path, name: str) -> str:
    files = read_table(out, "files")
    return files[files["file_name"] == name]["report_id"].iloc[0]


def client(out: Path, token: str | None = None):
    return create_app(out, "王会计", token).test_client()


def csrf_of(html: str) -> str:
    data = json.loads(re.search(r'id="jx-items">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    return data["csrf"]


# ---- safe by default ----------------------------------------------------------------------------


def test_a_request_from_outside_loopback_without_the_token_is_refused(dataset):
    _, out = dataset
    c = client(out)
    assert c.get("/").status_code == 200
    assert c.get("/", environ_base={"REMOTE_ADDR": "10.0.0.5"}).status_code == 403


def test_with_a_token_every_request_carries_it(dataset):
    _, out = dataset
    c = client(out, token="s3cret-token")
    assert c.get("/").status_code == 403
    assert c.get("/?token=wrong").status_code == 403
    first = c.get("/?token=s3cret-token", environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert first.status_code == 200 and "jx_token=" in first.headers.get("Set-Cookie", "")
    assert c.get("/", environ_base={"REMOTE_ADDR": "10.0.0.5"}).status_code == 200  # the cookie


def test_another_host_needs_a_token(dataset):
    _, out = dataset
    with pytest.raises(ValueError, match="--token"):
        serve(out, "王会计", host="0.0.0.0", port=0)


def test_a_write_without_the_csrf_token_is_refused(dataset):
    _, out = dataset
    c = client(out)
    rid = rid_of(out, "000.pdf")
    body = {
        "report_id": rid,
        "table": "reports",
        "key": "",
        "field": "budget_adjusted",
        "decision": "confirmed",
    }
    assert c.post("/decide", json=body).status_code == 403
    assert c.post("/decide", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert not (out / "corrections.csv").exists()
    token = csrf_of(c.get(f"/report/{rid}").get_data(as_text=True))
    got = c.post("/decide", json=body, headers={"X-CSRF-Token": token})
    assert got.status_code == 200 and got.get_json() == {"ok": True, "applied": True}
    assert [x.decision for x in review.load(out)] == ["confirmed"]


@pytest.mark.parametrize(
    "path",
    [
        "/page/../../../../etc/passwd",
        "/page/..%2f..%2f..%2fetc%2fpasswd/1.png",
        "/report/..%2f..%2fetc%2fpasswd",
        "/report/" + "0" * 64,
        "/static/../../etc/passwd",
        "/corrections.csv",
        "/reports.parquet",
    ],
)
def test_no_request_reads_a_file_by_its_path(dataset, path):
    _, out = dataset
    assert client(out).get(path).status_code == 404


def test_a_page_image_is_only_of_a_listed_file_and_page(dataset):
    _, out = dataset
    c = client(out)
    rid = rid_of(out, "000.pdf")
    assert c.get(f"/page/{rid}/1.png").headers["Content-Type"] == "image/png"
    assert c.get(f"/page/{rid}/99.png").status_code == 404
    assert c.get(f"/page/{rid_of(out, '000.docx')}/1.png").status_code == 404  # Word has no page images


def test_a_unit_named_like_markup_shows_as_text(dataset):
    import pyarrow as pa
    import pyarrow.compute as pc

    from export.dataset import Store

    _, out = dataset
    store = Store(out)
    rid = rid_of(out, "000.pdf")
    reports = store.table("reports")
    hostile = "<script>window.__pwned=1</script>龙山县"
    mine = reports.filter(pc.equal(reports.column("report_id"), rid))
    mine = mine.set_column(mine.schema.get_field_index("unit_name"), "unit_name", pa.array([hostile]))
    tables = {
        n: store.table(n) for n in ("files", "projects", "indicators", "amounts", "findings", "problems")
    }
    tables = {n: t.filter(pc.equal(t.column("report_id"), rid)) for n, t in tables.items()}
    store.commit({"reports": mine, **tables}, drop={rid})
    html = client(out).get("/").get_data(as_text=True)
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;龙山县" in html


# ---- the queue and a report's values -------------------------------------------------------------


@needs_engine
def test_the_queue_lists_every_report_worst_first_and_reviewed_last(dataset):
    _, out = dataset
    q = queue(out)
    assert sorted(x["file_name"] for x in q) == sorted(NAMES)
    assert [x["worst"] for x in q] == sorted((x["worst"] for x in q), reverse=True)
    scan = next(x for x in q if x["file_name"] == "101.scan.pdf")
    assert scan["ocr"] and scan["worst"] >= 2
    first = q[0]
    review.append(
        out,
        review.Correction(
            first["report_id"],
            "reports",
            "",
            "unit_name",
            first["unit_name"],
            first["unit_name"],
            review.CONFIRM,
            "王会计",
            review.now(),
        ),
    )
    with jixiao.run.writing(out):
        review.reconcile(out)
    again = queue(out)
    assert again[-1]["report_id"] == first["report_id"] and again[-1]["status"] == "reviewed"


def box_text(image_path: Path, box, size, scale: float) -> str:
    """OCR of what the evidence box covers on the page image: the value's characters."""
    import numpy as np
    from PIL import Image

    from extract import ocr

    img = Image.open(image_path).convert("RGB")
    x0, y0, x1, y1 = (round(v * scale) for v in box)
    crop = img.crop((x0 - 2, y0 - 2, x1 + 2, y1 + 2))
    got, _ = ocr.engine().read(np.asarray(crop), use_det=False, use_cls=False)  # type: ignore[operator]
    return "".join(t for t, _ in got or [])


@needs_engine
@pytest.mark.parametrize("name, figure", [("000.pdf", "477.72"), ("101.scan.pdf", "920.5")])
def test_the_evidence_box_covers_the_value_on_the_page(dataset, tmp_path, name, figure):
    _, out = dataset
    rid = rid_of(out, name)
    _, items = values(out, rid)
    item = next(i for i in items if i["table"] == "reports" and i["field"] == "budget_adjusted")
    where = item["where"]
    assert where["box"] is not None and where["page"] >= 1
    png = tmp_path / "page.png"
    png.write_bytes(client(out).get(f"/page/{rid}/{where['page']}.png").data)
    seen = box_text(png, where["box"], where["size"], 1.5)
    assert figure in seen.replace(" ", ""), seen


def test_a_word_value_is_marked_in_its_text(dataset):
    _, out = dataset
    _, items = values(out, rid_of(out, "000.docx"))
    item = next(i for i in items if i["table"] == "reports" and i["field"] == "budget_adjusted")
    where = item["where"]
    assert where["box"] is None and where["page"] is None
    assert "477.72" in where["mark"] and "全年预算" in where["before"][-40:] + where["mark"]


# ---- end to end, in a browser --------------------------------------------------------------------


@pytest.fixture
def server(dataset):
    from werkzeug.serving import make_server

    inp, out = dataset
    srv = make_server("127.0.0.1", 0, create_app(out, "王会计"))
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield inp, out, f"http://127.0.0.1:{srv.server_port}/"
    srv.shutdown()


def test_a_reviewer_corrects_one_figure_and_confirms_another(server, tmp_path, monkeypatch):
    if chromium() is None:
        pytest.skip("no chromium installed (apt-get install chromium; tools/setup.sh does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    inp, out, url = server
    errors: list[str] = []
    outside: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: None if r.url.startswith(url) else outside.append(r.url))
            page.goto(url)
            assert page.locator("#queue tr.q").count() == len(NAMES)
            page.click("text=000.pdf")
            page.wait_for_selector("#values tr.item")
            budget = page.locator('tr.item[data-table="reports"][data-field="budget_adjusted"]')
            initial = page.locator('tr.item[data-table="reports"][data-field="budget_initial"]')
            budget.click()
            page.wait_for_selector("#hl", state="visible")  # the value boxed on the page image
            budget.locator("input.val").fill("4777300")
            budget.locator("input.nt").fill("决算表为477.73万元")
            budget.locator("button.fix").click()
            page.wait_for_function(
                """() => document.querySelector('tr.item[data-field="budget_adjusted"] .st').textContent === '已更正'"""
            )
            initial.click()
            page.keyboard.press("c")  # the keyboard: confirm
            page.wait_for_function(
                """() => document.querySelector('tr.item[data-field="budget_initial"] .st').textContent === '已确认'"""
            )
            page.screenshot(path=str(tmp_path / "review.png"))
        finally:
            browser.close()
    assert errors == [] and outside == []

    decided = [(c.field, c.value_read, c.value_decided, c.decision, c.reviewer) for c in review.load(out)]
    assert decided == [
        ("budget_adjusted", "4777200", "4777300", "corrected", "王会计"),
        ("budget_initial", "4035100", "4035100", "confirmed", "王会计"),
    ]
    assert review.load(out)[0].note == "决算表为477.73万元"
    rid = rid_of(out, "000.pdf")

    def shown() -> tuple:
        reports = read_table(out, "reports").set_index("report_id")
        with open(out / "reports.csv", encoding="utf-8-sig", newline="") as fh:
            in_csv = {r["report_id"]: r for r in csv.DictReader(fh)}[rid]
        con = duckdb.connect(str(out / "jixiao.duckdb"), read_only=True)
        try:
            in_db = con.execute(
                "select budget_adjusted, decided from reports where report_id = ?", [rid]
            ).fetchone()
        finally:
            con.close()
        return (
            reports.loc[rid, "budget_adjusted"],
            reports.loc[rid, "decided"],
            in_csv["budget_adjusted"],
            in_db,
        )

    want = (
        Decimal("4777300.00"),
        "budget_adjusted,budget_initial",
        "4777300.00",
        (Decimal("4777300.00"), "budget_adjusted,budget_initial"),
    )
    assert shown() == want
    # a new jixiao reads every file again: the decisions stand
    monkeypatch.setattr(jixiao.run, "__version__", "9.9.9")
    assert run_cli([inp], out, "--reprocess") == 0
    assert read_table(out, "files")["extractor_version"].iloc[0] == "9.9.9"
    assert shown() == want


def evidence_row(out: Path, name: str, field: str) -> dict:
    ev = read_table(out, "evidence")
    rid = rid_of(out, name)
    rows = ev[(ev["report_id"] == rid) & (ev["record_table"] == "reports") & (ev["field"] == field)]
    return rows.iloc[0].to_dict()


def test_the_evidence_table_says_where_each_value_stands(dataset):
    """Page, offsets, raw text and how it was read, for every format; no boxes without --boxes
    (the review application finds them when a report is opened)."""
    import pandas as pd

    _, out = dataset
    pdf = evidence_row(out, "000.pdf", "budget_adjusted")
    assert (pdf["page"], pdf["method"]) == (1, "sentence") and "477.72" in pdf["raw"]
    assert pd.isna(pdf["x0"])
    word = evidence_row(out, "000.docx", "budget_adjusted")
    assert pd.isna(word["page"]) and word["char_end"] > word["char_start"] and "477.72" in word["raw"]


@needs_engine
def test_ingest_with_boxes_writes_them_into_the_evidence_table(tmp_path):
    inp = copy_samples(["000.pdf", "101.scan.pdf"], tmp_path / "in")
    out = tmp_path / "out"
    assert run_cli([inp], out, "--boxes") == 0
    for name, method in (("000.pdf", "sentence"), ("101.scan.pdf", "ocr")):
        e = evidence_row(out, name, "budget_adjusted")
        assert e["method"] == method
        assert 0 <= e["x0"] < e["x1"] <= e["page_width"] and 0 <= e["y0"] < e["y1"] <= e["page_height"]


def test_the_command_refuses_another_host_without_a_token_and_a_missing_dataset(dataset, tmp_path, capsys):
    from jixiao.cli import main

    _, out = dataset
    assert main(["review", str(out), "--reviewer", "王会计", "--host", "0.0.0.0"]) == 2
    assert "give --token" in capsys.readouterr().err
    assert main(["review", str(tmp_path / "nothing"), "--reviewer", "王会计"]) == 2
