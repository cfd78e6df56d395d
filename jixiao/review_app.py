"""`jixiao review DIR --reviewer NAME`: a person confirms each figure against its page.

A local web application (Flask) over a dataset folder. The queue lists the reports worst
first (findings, values left to re-review, OCR, fields a report of its kind usually has
but this one lacks); a report's page shows its values beside the source page, the
value's characters boxed on the page image (PDF, scan) or marked in the text (Word, text).
Each decision (confirm, correct, not stated; a note) is appended to DIR/corrections.csv
and applied to the dataset at once (export.review).

Safe by default: bound to 127.0.0.1; another host needs --token, and every request then
carries it (?token= once, then a cookie); without a token, a request from outside
loopback is refused. Every write carries the page's CSRF token in a header. All text is
escaped by the templates; no request names a path (a page image is asked for by report
id and page number, and drawn from the file the dataset lists for it); nothing is loaded
from a CDN.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import regex

from export import Store
from export import review as rv
from export.html_report import wan
from jixiao import evidence as ev
from normalize import fields as F

HEX64 = regex.compile(r"^[0-9a-f]{64}$")
# what a report of its kind usually states: missing, it goes up the queue
USUAL = {
    "dept_overall": ("budget_adjusted", "expenditure", "self_score"),
    "project": ("budget_adjusted", "expenditure", "self_score"),
}


def label(table: str, field: str) -> str:
    """A field's Chinese header, as normalize/fields.py declares it (the workbook's too)."""
    return next((f.header for f in F.RECORDS[table] if f.name == field), field)


PAGE_SCALE = 1.5  # page images at 108 dpi


@dataclass
class Settings:
    out: Path
    reviewer: str
    token: str | None
    csrf: str


def _loopback(addr: str | None) -> bool:
    try:
        return ipaddress.ip_address((addr or "").split("%")[0]).is_loopback
    except ValueError:
        return False


def _table(store: Store, name: str) -> list[dict]:
    t = store.table(name)
    return t.to_pylist() if t is not None else []


def _wan(v) -> str:
    return f"{wan(v)} 万元" if isinstance(v, Decimal) else ""


def queue(out: Path) -> list[dict]:
    """The reports, worst first: findings (errors count thrice), values whose correction no
    longer applies, money read by OCR or from a sentence rather than a form's cell (or found
    nowhere), OCR, usual fields missing; reports already reviewed last."""
    store = Store(out)
    files = {f["report_id"]: f for f in _table(store, "files") if f["status"] in ("ok", "partial")}
    findings: dict[str, list[dict]] = {}
    for x in _table(store, "findings"):
        findings.setdefault(x["report_id"], []).append(x)
    loose: dict[str, int] = {}  # money values not read from a form's cell
    for e in _table(store, "evidence"):
        if e["field"] in ev.MONEY and e.get("method") != "form_cell":
            loose[e["report_id"]] = loose.get(e["report_id"], 0) + 1
    marks: dict[str, dict[str, int]] = {}
    for name in rv.REVIEWED:
        for r in _table(store, name):
            m = marks.setdefault(r["report_id"], {"decided": 0, "stale": 0})
            m["decided"] += len((r.get(rv.DECIDED) or "").split(",")) if r.get(rv.DECIDED) else 0
            m["stale"] += len((r.get(rv.STALE) or "").split(",")) if r.get(rv.STALE) else 0
    out_rows = []
    for r in _table(store, "reports"):
        rid = r["report_id"]
        f = files.get(rid)
        if f is None:
            continue
        fs = findings.get(rid, [])
        m = marks.get(rid, {"decided": 0, "stale": 0})
        missing = [k for k in USUAL.get(r.get("report_kind") or "", ()) if r.get(k) is None]
        errors = sum(x["severity"] == "error" for x in fs)
        worst = (
            3 * errors
            + (len(fs) - errors)
            + 2 * m["stale"]
            + loose.get(rid, 0)
            + (2 if f.get("ocr") else 0)
            + len(missing)
        )
        reviewed = m["decided"] > 0 and m["stale"] == 0
        out_rows.append(
            {
                "report_id": rid,
                "file_name": f["file_name"],
                "unit_name": r.get("unit_name") or "（未识别单位）",
                "fiscal_year": r.get("fiscal_year"),
                "report_kind": r.get("report_kind") or "unknown",
                "findings": len(fs),
                "errors": errors,
                "ocr": bool(f.get("ocr")),
                "missing": missing,
                "loose": loose.get(rid, 0),
                "decided": m["decided"],
                "stale": m["stale"],
                "status": "reviewed" if reviewed else "to_review",
                "worst": worst,
            }
        )
    out_rows.sort(key=lambda q: (q["status"] == "reviewed", -q["worst"], q["file_name"]))
    return out_rows


def values(out: Path, rid: str) -> tuple[dict | None, list[dict]]:
    """A report's files row, and its values to review, each with where it stands (the
    evidence table's row; for a file without page images, the text around it)."""
    store = Store(out)
    f = next(
        (x for x in _table(store, "files") if x["report_id"] == rid and x["status"] in ("ok", "partial")),
        None,
    )
    if f is None:
        return None, []
    places = {(e["record_table"], e["row_key"], e["field"]): e for e in _rows_of(store, "evidence", rid)}
    doc = None
    if not places:  # a dataset written before the evidence table: find the places now
        doc = _document(f)
        if doc is not None:
            from jixiao.evidence import collect
            from normalize import records

            found = collect(doc, records(doc), Path(f["source_path"]))
            places = {(e["record_table"], e["row_key"], e["field"]): e for e in found}
    items: list[dict] = []
    for table, fields in ev.FIELDS.items():
        for row in _rows_of(store, table, rid):
            read = json.loads(row.get(rv.READ_VALUES) or "{}")
            decided = set(filter(None, (row.get(rv.DECIDED) or "").split(",")))
            stale = set(filter(None, (row.get(rv.STALE) or "").split(",")))
            key = rv.row_key(table, row)
            for field in fields:
                v = row.get(field)
                if v is None and field not in decided and field not in stale:
                    continue
                items.append(
                    {
                        "table": table,
                        "key": key,
                        "field": field,
                        "label": label(table, field),
                        "value": rv.text_of(v),
                        "read": read.get(field, rv.text_of(v)),
                        "wan": _wan(v) if field in ev.MONEY else "",
                        "state": "stale" if field in stale else "decided" if field in decided else "read",
                        "where": _where(places.get((table, key, field))),
                    }
                )
    _box(f, [i["where"] for i in items if i["where"] and i["where"]["box"] is None])
    texts = [
        i["where"]
        for i in items
        if i["where"] and i["where"]["box"] is None and i["where"]["start"] is not None
    ]
    if texts:  # no page image to box the value on: the text around it
        doc = doc or _document(f)
        pages = {p.number: p.text for p in doc.pages} if doc is not None else {}
        for w in texts:
            text = pages.get(w["page"], "")
            lo, hi = max(0, w["start"] - 300), min(len(text), w["end"] + 300)
            w["before"], w["mark"], w["after"] = (
                text[lo : w["start"]],
                text[w["start"] : w["end"]],
                text[w["end"] : hi],
            )
    return f, items


def _box(f: dict, places: list[dict]) -> None:
    """The boxes the evidence table does not hold (an ingest without --boxes), found now: on
    the PDF's text, or on a scanned page's OCR lines (the OCR cache; never a new OCR)."""
    path = Path(f["source_path"])
    if not places or f["file_format"] != "pdf" or "!" in f["source_path"] or not path.is_file():
        return
    scanned = tuple({w["page"] for w in places if w.get("method") == "ocr"})
    boxes = ev.PdfBoxes(path, scanned)
    try:
        for w in places:
            got = boxes.box(w["page"], w["raw"])
            if got is not None:
                w["box"], w["size"] = list(got[0]), list(got[1])
    finally:
        boxes.close()


def _rows_of(store: Store, table: str, rid: str) -> list[dict]:
    import pyarrow.compute as pc

    t = store.table(table)
    if t is None:
        return []
    return t.filter(pc.equal(t.column("report_id"), rid)).to_pylist()


def _document(f: dict):
    import extract

    path = Path(f["source_path"])
    if "!" in f["source_path"] or not path.is_file():
        return None  # a member of an archive, or a file moved away since: no page to show
    try:
        return extract.read(path)
    except Exception:  # the file changed or broke since it was read: its values still show
        return None


def _where(e: dict | None) -> dict | None:
    if e is None or e.get("char_start") is None and e.get("page") is None:
        return None
    boxed = e.get("x0") is not None
    return {
        "page": e.get("page"),
        "start": e.get("char_start"),
        "end": e.get("char_end"),
        "raw": e.get("raw"),
        "method": e.get("method"),
        "box": [e["x0"], e["y0"], e["x1"], e["y1"]] if boxed else None,
        "size": [e["page_width"], e["page_height"]] if boxed else None,
    }


def create_app(out: Path, reviewer: str, token: str | None = None):
    from flask import Flask, abort, jsonify, make_response, render_template_string, request

    from extract import ocr
    from jixiao.review_pages import JS, QUEUE, REPORT

    out = Path(out).resolve()
    s = Settings(out, reviewer, token, secrets.token_urlsafe(32))
    ocr.cache_in(out / "ocr-cache")
    app = Flask("jixiao-review")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024

    @app.before_request
    def guard():
        if s.token is not None:
            given = (
                request.args.get("token") or request.cookies.get("jx_token") or request.headers.get("X-Token")
            )
            if not given or not hmac.compare_digest(given, s.token):
                abort(403)
        elif not _loopback(request.remote_addr):
            abort(403)  # no token: loopback only
        if request.method not in ("GET", "HEAD"):
            sent = request.headers.get("X-CSRF-Token", "")
            if not hmac.compare_digest(sent, s.csrf):
                abort(403)

    @app.after_request
    def headers(resp):
        resp.headers["Content-Security-Policy"] = (
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'self'; "
            "connect-src 'self'; form-action 'self'; frame-ancestors 'none'"
        )
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        if s.token is not None and request.args.get("token"):
            resp.set_cookie("jx_token", s.token, httponly=True, samesite="Strict")
        return resp

    @app.get("/")
    def index():
        rows = queue(s.out)
        want = {k: request.args.get(k, "") for k in ("year", "unit", "kind", "status")}
        shown = [
            q
            for q in rows
            if (not want["year"] or str(q["fiscal_year"]) == want["year"])
            and (not want["unit"] or q["unit_name"] == want["unit"])
            and (not want["kind"] or q["report_kind"] == want["kind"])
            and (not want["status"] or q["status"] == want["status"])
        ]
        options = {
            "year": sorted({str(q["fiscal_year"]) for q in rows if q["fiscal_year"] is not None}),
            "unit": sorted({q["unit_name"] for q in rows}),
            "kind": sorted({q["report_kind"] for q in rows}),
        }
        return render_template_string(QUEUE, rows=shown, want=want, options=options, reviewer=s.reviewer)

    @app.get("/report/<rid>")
    def report(rid: str):
        if not HEX64.match(rid):
            abort(404)
        f, items = values(s.out, rid)
        if f is None:
            abort(404)
        order = [q["report_id"] for q in queue(s.out)]
        nxt = order[(order.index(rid) + 1) % len(order)] if rid in order else None
        return render_template_string(
            REPORT, f=f, items=items, csrf=s.csrf, reviewer=s.reviewer, next_id=nxt, scale=PAGE_SCALE
        )

    @app.get("/favicon.ico")
    def favicon():
        return "", 204

    @app.get("/app.js")
    def script():
        resp = make_response(JS)
        resp.headers["Content-Type"] = "text/javascript; charset=utf-8"
        return resp

    @app.get("/page/<rid>/<int:n>.png")
    def page(rid: str, n: int):
        if not HEX64.match(rid):
            abort(404)
        f = next((x for x in _table(Store(s.out), "files") if x["report_id"] == rid), None)
        if f is None or f["file_format"] != "pdf" or "!" in f["source_path"]:
            abort(404)
        path = Path(f["source_path"])
        if not path.is_file() or not 1 <= n <= (f.get("pages") or 0):
            abort(404)
        import io

        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            image = pdf[n - 1].render(scale=PAGE_SCALE).to_pil()
        finally:
            pdf.close()
        buf = io.BytesIO()
        image.save(buf, "PNG")
        resp = make_response(buf.getvalue())
        resp.headers["Content-Type"] = "image/png"
        return resp

    @app.post("/decide")
    def decide():
        from jixiao.run import Busy, writing

        got = request.get_json(silent=True) or {}
        rid = str(got.get("report_id", ""))
        table, key, field = str(got.get("table", "")), str(got.get("key", "")), str(got.get("field", ""))
        decision = str(got.get("decision", ""))
        if not HEX64.match(rid) or table not in rv.REVIEWED or decision not in rv.DECISIONS:
            return jsonify(ok=False, error="bad request"), 400
        _, items = values(s.out, rid)
        item = next((i for i in items if (i["table"], i["key"], i["field"]) == (table, key, field)), None)
        if item is None:
            return jsonify(ok=False, error="no such value"), 404
        decided = {rv.CONFIRM: item["read"], rv.NOT_STATED: ""}.get(decision, str(got.get("value", "")))
        c = rv.Correction(
            rid,
            table,
            key,
            field,
            item["read"],
            decided.strip(),
            decision,
            s.reviewer,
            rv.now(),
            str(got.get("note", ""))[:500],
        )
        try:
            rv.append(s.out, c)
        except rv.BadCorrection as exc:
            return jsonify(ok=False, error=str(exc)), 400
        try:
            with writing(s.out):
                rv.reconcile(s.out)
            applied = True
        except Busy:  # an ingest holds the dataset: it applies the decision when it ends
            applied = False
        return jsonify(ok=True, applied=applied)

    return app


def serve(
    out: Path,
    reviewer: str,
    host: str = "127.0.0.1",
    port: int = 8765,
    token: str | None = None,
    ready=None,
) -> None:
    """Run the application until interrupted. A host other than loopback needs a token;
    `ready()` is called once it is allowed to start."""
    if not _loopback(host) and host != "localhost" and not token:
        raise ValueError(f"--host {host} is reachable from other machines: give --token")
    app = create_app(out, reviewer, token)
    if ready is not None:
        ready()
    app.run(host=host, port=port, debug=False, use_reloader=False, threaded=False)
