"""One self-contained HTML page over a dataset folder: `jixiao report DIR --html FILE`.

It sits after export: it reads the tables the run wrote (Parquet) and draws them for a
reader with only a browser — county totals per year, each report's budget against its
expenditure and score, the spread of execution rates and scores, the findings with the
file and page they point at, and the recurring problems.

Nothing is loaded from anywhere: styles, the filter script and the charts (plain SVG
drawn here) are inline, and a Content-Security-Policy forbids every fetch. The one
script is allowed by its sha256 hash, not by 'unsafe-inline', so even text that escaped
escaping could not run. All document text goes through `html.escape`; the filter data
is JSON in a `<script type="application/json">` with `<`, `>`, `&` written as \\u003c...
Money stays Decimal (yuan) until it is printed as 万元; only pixel sizes become ints.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from export import review

KINDS = {
    "dept_overall": "部门整体",
    "project": "项目",
    "target": "绩效目标表",
    "other": "非绩效文件",
    "unknown": "未识别",
}
NO_UNIT = "（未识别单位）"
NO_YEAR = "未知"
SERIES = (("预算数", "#4e79a7"), ("执行数", "#f28e2b"))
# histogram bins: (label, lower bound inclusive, upper bound exclusive); None is open
RATE_BINS = (
    ("<50%", None, 50),
    ("50–80%", 50, 80),
    ("80–90%", 80, 90),
    ("90–95%", 90, 95),
    ("95–100%", 95, 100),
    ("100%", 100, Decimal("100.0001")),
    (">100%", Decimal("100.0001"), None),
)
SCORE_BINS = (
    ("<60", None, 60),
    ("60–69", 60, 70),
    ("70–79", 70, 80),
    ("80–89", 80, 90),
    ("90–94", 90, 95),
    ("95–100", 95, Decimal("100.0001")),
    (">100", Decimal("100.0001"), None),
)
CENT = Decimal("0.01")

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0 2em 3em;color:#222}
h1{margin:.6em 0 .2em}h2{border-bottom:2px solid #4e79a7;padding-bottom:.2em;margin-top:1.6em}
nav{position:sticky;top:0;background:#f6f8fb;padding:.6em;border:1px solid #dde;z-index:1}
nav label{margin-right:1.2em}table{border-collapse:collapse;margin:.6em 0;font-size:14px}
th,td{border:1px solid #ccd;padding:3px 8px;vertical-align:top;white-space:nowrap}th{background:#eef2f7}
td.t{white-space:normal;min-width:16em}td.u{white-space:normal;min-width:7em;max-width:18em}
td.n{text-align:right;font-variant-numeric:tabular-nums}.note{color:#666;font-size:13px}
.error{color:#b00}.warning{color:#a60}.info{color:#357}i.calc{color:#888}
.charts{display:flex;flex-wrap:wrap;gap:2em}svg text{font-size:12px;fill:#333}
"""

SCRIPT = """(function(){
var data=JSON.parse(document.getElementById('jx-data').textContent),keys=['year','unit','kind'];
keys.forEach(function(k){var s=document.getElementById('f-'+k);
 data[k].forEach(function(o){var e=document.createElement('option');e.value=o[0];e.textContent=o[1];s.appendChild(e);});
 s.addEventListener('change',apply);});
function shown(el){for(var i=0;i<keys.length;i++){var v=document.getElementById('f-'+keys[i]).value,a='data-'+keys[i];
 if(v&&el.hasAttribute(a)&&el.getAttribute(a)!==v)return false;}return true;}
function apply(){
 document.querySelectorAll('[data-year],[data-unit],[data-kind]').forEach(function(el){el.style.display=shown(el)?'':'none';});
 document.querySelectorAll('svg.rows').forEach(function(svg){var h=+svg.dataset.h,top=+svg.dataset.top,i=0;
  svg.querySelectorAll('g.item').forEach(function(g){if(g.style.display!=='none'){g.setAttribute('transform','translate(0,'+(top+i*h)+')');i++;}});
  svg.setAttribute('height',top+i*h+8);});
 document.querySelectorAll('g.bin').forEach(function(b){var base=+b.dataset.base,c=+b.dataset.cell,i=0;
  b.querySelectorAll('rect.item').forEach(function(r){if(r.style.display!=='none'){i++;r.setAttribute('y',base-i*c);}});
  b.querySelector('text.count').textContent=i;});
}
})();"""


def _rows(out_dir: Path, name: str) -> list[dict] | None:
    """A table's rows as exact values (Decimal, int, None); None when the table is absent.
    Part files written by different versions may differ in columns: their schemas are unified."""
    parts = (
        sorted((out_dir / f"{name}.parquet").rglob("*.parquet"))
        if (out_dir / f"{name}.parquet").exists()
        else []
    )
    if not parts:
        return None
    schema = pa.unify_schemas([pq.read_schema(p) for p in parts])
    return ds.dataset([str(p) for p in parts], schema=schema, format="parquet").to_table().to_pylist()


def wan(yuan: Decimal | None) -> str:
    """Yuan as 万元 with two decimals and thousands separators; '—' when not stated."""
    return "—" if yuan is None else f"{(yuan / 10000).quantize(CENT, ROUND_HALF_UP):,}"


def pct(x: Decimal | None) -> str:
    return "—" if x is None else f"{x.quantize(CENT, ROUND_HALF_UP).normalize():f}"


def _budget(r: dict) -> Decimal | None:
    return r.get("budget_adjusted") if r.get("budget_adjusted") is not None else r.get("budget_initial")


def _add(total: Decimal | None, x: Decimal | None) -> Decimal | None:
    return total if x is None else x if total is None else total + x


def _rate(r: dict) -> tuple[Decimal | None, bool]:
    """The stated execution rate, else expenditure / budget (flagged as computed)."""
    if r.get("execution_rate") is not None:
        return r["execution_rate"], False
    b, e = _budget(r), r.get("expenditure")
    return ((e * 100 / b).quantize(CENT, ROUND_HALF_UP), True) if b and e is not None else (None, False)


def _attrs(**kv: object) -> str:
    return "".join(f' data-{k}="{escape(str(v))}"' for k, v in kv.items() if v is not None)


def _table(head: list[str], body: list[tuple[str, list[str]]], tid: str) -> str:
    """A table of already-escaped cells; each body row is (attributes of its <tr>, cells)."""
    th = "".join(f"<th>{h}</th>" for h in head)
    trs = "".join(f"<tr{a}>{''.join(cells)}</tr>" for a, cells in body)
    return f'<table id="{tid}"><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>'


def _num(text: str) -> str:
    return f'<td class="n">{text}</td>'


def _bars_svg(items: list[tuple[str, str, list[Decimal | None], str]], series, sid: str) -> str:
    """Horizontal grouped bars, one row per item (label, data attributes, values, note at the end).
    The filter script re-stacks the visible rows, so hidden ones leave no gap."""
    label_w, bar_w, h, top = 300, 560, 14 * len(series) + 10, 28
    top_v = max((v for _, _, vals, _ in items for v in vals if v is not None), default=Decimal(0)) or Decimal(
        1
    )
    legend = "".join(
        f'<rect x="{label_w + i * 90}" y="6" width="12" height="12" fill="{c}"/>'
        f'<text x="{label_w + i * 90 + 16}" y="17">{escape(n)}</text>'
        for i, (n, c) in enumerate(series)
    )
    rows = []
    for i, (label, attrs, vals, note) in enumerate(items):
        bars = "".join(
            f'<rect x="{label_w}" y="{4 + j * 14}" width="{max(int(v * bar_w / top_v), 1)}" height="12" '
            f'fill="{series[j][1]}"><title>{escape(series[j][0])} {wan(v)} 万元</title></rect>'
            for j, v in enumerate(vals)
            if v is not None
        )
        ends = [int(v * bar_w / top_v) for v in vals if v is not None] or [0]
        rows.append(
            f'<g class="item" transform="translate(0,{top + i * h})"{attrs}>'
            f'<text x="{label_w - 6}" y="{h // 2 + 2}" text-anchor="end">{escape(label[:28])}</text>{bars}'
            f'<text x="{label_w + max(ends) + 6}" y="{h // 2 + 2}">{escape(note)}</text></g>'
        )
    height = top + len(items) * h + 8
    return (
        f'<svg id="{sid}" class="rows" data-h="{h}" data-top="{top}" width="{label_w + bar_w + 200}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">{legend}{"".join(rows)}</svg>'
    )


def _hist_svg(values: list[tuple[Decimal, str]], bins, title: str, sid: str) -> str:
    """A histogram whose bars are stacks of one cell per report, so the filter can re-count them."""
    col_w, plot_h, left = 64, 200, 30
    binned: list[list[str]] = [[] for _ in bins]
    for v, attrs in values:
        for k, (_, lo, hi) in enumerate(bins):
            if (lo is None or v >= lo) and (hi is None or v < hi):
                binned[k].append(attrs)
                break
    cell = Decimal(plot_h) / max(max(len(b) for b in binned), 1)
    cell = min(cell, Decimal(24)).quantize(CENT)
    base = 44 + int(cell * max(max(len(b) for b in binned), 3))
    out = [
        f'<text x="{left}" y="16" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{base}" x2="{left + col_w * len(bins)}" y2="{base}" stroke="#888"/>',
    ]
    for k, ((label, _, _), cells) in enumerate(zip(bins, binned)):
        x = left + k * col_w + 6
        rects = "".join(
            f'<rect class="item" x="{x}" y="{base - (i + 1) * cell}" width="{col_w - 12}" '
            f'height="{cell}" fill="#59a14f" stroke="#fff" stroke-width="0.5"{a}/>'
            for i, a in enumerate(cells)
        )
        out.append(
            f'<g class="bin" data-base="{base}" data-cell="{cell}">{rects}'
            f'<text class="count" x="{x + (col_w - 12) // 2}" y="{base - len(cells) * cell - 4}" '
            f'text-anchor="middle">{len(cells)}</text>'
            f'<text x="{x + (col_w - 12) // 2}" y="{base + 16}" text-anchor="middle">{escape(label)}</text></g>'
        )
    return (
        f'<svg id="{sid}" width="{left + col_w * len(bins) + 10}" height="{base + 26}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(out)}</svg>'
    )


def _file_cell(f: dict | None, pages: list[int]) -> str:
    where = "".join(f" 第 {p} 页" for p in pages[:3])
    if f is None:
        return f'<td class="t">{escape(where)}</td>'
    path = f.get("source_path") or f.get("file_name") or ""
    if Path(path).is_absolute() and "!" not in path:
        text = f'<a href="{escape(Path(path).as_uri())}">{escape(path)}</a>'
    else:
        text = escape(path)
    return f'<td class="t">{text}{escape(where)}</td>'


def render(out_dir: Path) -> str:
    """The whole report as one HTML string (UTF-8, no outside references)."""
    out_dir = Path(out_dir)
    reports = _rows(out_dir, "reports") or []
    files = _rows(out_dir, "files") or []
    findings = _rows(out_dir, "findings") or []
    amounts = _rows(out_dir, "amounts") or []
    problems = _rows(out_dir, "problems")
    reviewed = review.summary(
        {
            "reports": reports,
            "projects": _rows(out_dir, "projects") or [],
            "indicators": _rows(out_dir, "indicators") or [],
        }
    )

    file_of: dict[str, dict] = {}
    for f in files:
        if f["report_id"] not in file_of or file_of[f["report_id"]].get("status") == "duplicate":
            file_of[f["report_id"]] = f
    who: dict[str, dict] = {}  # report_id -> what the filters match on
    for r in reports:
        who[r["report_id"]] = {
            "year": r.get("fiscal_year") or NO_YEAR,
            "unit": r.get("unit_name") or NO_UNIT,
            "kind": r.get("report_kind") or "unknown",
        }

    def attrs(rid: str) -> str:
        return _attrs(**who.get(rid, {}))

    def unit_cells(rid: str) -> list[str]:
        w = who.get(rid, {})
        return [
            f'<td class="u">{escape(str(w.get("unit", "—")))}</td>',
            f"<td>{escape(str(w.get('year', '—')))}</td>",
        ]

    # ---- county totals per year and kind (sums of Decimals) ----
    # the same report read from two formats (000.docx beside 000.txt) counts once in the totals
    once, keys = [], set()
    for r in reports:
        key = (
            r.get("unit_name"),
            r.get("fiscal_year"),
            r.get("report_kind"),
            r.get("title"),
            _budget(r),
            r.get("expenditure"),
        )
        if r.get("unit_name") and (key[4] is not None or key[5] is not None):
            if key in keys:
                continue
            keys.add(key)
        once.append(r)
    totals: dict[tuple, list] = defaultdict(lambda: [0, None, None, Decimal(0), Decimal(0)])
    for r in once:
        t = totals[(who[r["report_id"]]["year"], who[r["report_id"]]["kind"])]
        b, e = _budget(r), r.get("expenditure")
        t[0] += 1
        t[1], t[2] = _add(t[1], b), _add(t[2], e)  # stays None (—) when no report states it
        if b and e is not None:  # the rate counts only reports that state both
            t[3] += b
            t[4] += e
    total_rows, total_bars = [], []
    for (year, kind), (n, b, e, rb, re_) in sorted(totals.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        rate = (re_ * 100 / rb).quantize(CENT, ROUND_HALF_UP) if rb else None
        a = _attrs(year=year, kind=kind)
        total_rows.append(
            (
                a,
                [
                    f"<td>{escape(str(year))}</td>",
                    f"<td>{KINDS.get(kind, escape(kind))}</td>",
                    _num(str(n)),
                    _num(wan(b)),
                    _num(wan(e)),
                    _num(pct(rate)),
                ],
            )
        )
        total_bars.append(
            (f"{year} 年 · {KINDS.get(kind, kind)}", a, [b, e], f"执行率 {pct(rate)}%" if rate else "")
        )

    # ---- per report: budget, expenditure, rate, score ----
    unit_rows, unit_bars, rate_vals, score_vals = [], [], [], []
    for r in sorted(reports, key=lambda r: (-(_budget(r) or 0), who[r["report_id"]]["unit"])):
        rid, w = r["report_id"], who[r["report_id"]]
        rate, computed = _rate(r)
        a = attrs(rid)
        rate_html = f'<i class="calc" title="按执行数/预算数计算">{pct(rate)}</i>' if computed else pct(rate)
        unit_rows.append(
            (
                a,
                [
                    *unit_cells(rid),
                    f"<td>{KINDS.get(w['kind'], escape(w['kind']))}</td>",
                    f'<td class="t">{escape(r.get("title") or "")}</td>',
                    _num(wan(_budget(r))),
                    _num(wan(r.get("expenditure"))),
                    _num(rate_html),
                    _num(pct(r.get("self_score"))),
                    f"<td>{escape(r.get('grade') or '')}</td>",
                    _file_cell(file_of.get(rid), []),
                ],
            )
        )
        if _budget(r) is not None or r.get("expenditure") is not None:
            unit_bars.append(
                (
                    f"{w['unit']} · {w['year']}",
                    a,
                    [_budget(r), r.get("expenditure")],
                    f"执行率 {pct(rate)}% · 得分 {pct(r.get('self_score'))}",
                )
            )
        if rate is not None:
            rate_vals.append((rate, a))
        if r.get("self_score") is not None:
            score_vals.append((r["self_score"], a))

    # ---- findings, each with its file and the pages where its field's amounts were read ----
    pages: dict[tuple, set[int]] = defaultdict(set)
    for m in amounts:
        if m.get("page") is not None and m.get("field"):
            pages[(m["report_id"], m["field"])].add(m["page"])
    sev_order = {"error": 0, "warning": 1, "info": 2}
    finding_rows = []
    for f in sorted(
        findings,
        key=lambda f: (
            sev_order.get(f.get("severity") or "", 3),
            who.get(f["report_id"], {}).get("unit", ""),
        ),
    ):
        rid = f["report_id"]
        pg = sorted(pages.get((rid, f.get("field")), set()))
        sev = escape(f.get("severity") or "")
        finding_rows.append(
            (
                attrs(rid),
                [
                    *unit_cells(rid),
                    f'<td class="{sev}">{sev}</td>',
                    *(
                        f"<td>{escape(str(f.get(c) or ''))}</td>"
                        for c in ("check", "field", "expected", "actual")
                    ),
                    f'<td class="t">{escape(f.get("message") or "")}</td>',
                    _file_cell(file_of.get(rid), pg),
                ],
            )
        )

    # ---- recurring problems (a newer table; the section says so when it is absent) ----
    if problems is None:
        problems_html = '<p class="note">此数据集中还没有 problems 表（由较新版本的 jixiao ingest 生成），暂无问题归类。</p>'
    else:
        items = [p for p in problems if p.get("section") == "problems"]
        by_theme: dict[str, list[dict]] = defaultdict(list)
        for p in items:
            by_theme[p.get("theme") or "其他"].append(p)
        ranked = sorted(by_theme.items(), key=lambda kv: (-len({p["report_id"] for p in kv[1]}), kv[0]))
        theme_rows = []
        for theme, ps in ranked:
            named = Counter(who.get(p["report_id"], {}).get("unit", NO_UNIT) for p in ps)
            years = sorted({str(who.get(p["report_id"], {}).get("year", NO_YEAR)) for p in ps})
            theme_rows.append(
                (
                    "",
                    [
                        f"<td>{escape(theme)}</td>",
                        _num(str(len({p["report_id"] for p in ps}))),
                        _num(str(len(ps))),
                        f"<td>{escape('、'.join(years))}</td>",
                        f"<td>{escape('、'.join(u for u, _ in named.most_common(5)))}</td>",
                    ],
                )
            )
        theme_bars: list[tuple[str, str, list[Decimal | None], str]] = [
            (t, "", [Decimal(len({p["report_id"] for p in ps}))], f"{len(ps)} 条") for t, ps in ranked
        ]
        item_rows = [
            (
                attrs(p["report_id"]),
                [
                    *unit_cells(p["report_id"]),
                    f"<td>{'问题' if p.get('section') == 'problems' else '措施'}</td>",
                    f"<td>{escape(p.get('theme') or '')}</td>",
                    f'<td class="t">{escape(p.get("text") or "")}</td>',
                ],
            )
            for p in sorted(
                problems, key=lambda p: (p["report_id"], p.get("section") or "", p.get("seq") or 0)
            )
        ]
        problems_html = (
            f'<p class="note">{len(items)} 条问题，{len(problems) - len(items)} 条改进措施；按主题归类，按涉及的报告数排序。</p>'
            + (_bars_svg(theme_bars, (("报告数", "#e15759"),), "chart-problems") if theme_bars else "")
            + _table(["主题", "报告数", "条数", "年度", "涉及单位"], theme_rows, "problems-themes")
            + f"<details><summary>全部条目（{len(problems)}）</summary>"
            + _table(["单位", "年度", "类别", "主题", "内容"], item_rows, "problems-items")
            + "</details>"
        )

    # ---- filters: their options as JSON for the script ----
    years = sorted({str(w["year"]) for w in who.values()})
    units = sorted({w["unit"] for w in who.values()})
    kinds = sorted({w["kind"] for w in who.values()})
    options = {
        "year": [[y, y] for y in years],
        "unit": [[u, u] for u in units],
        "kind": [[k, KINDS.get(k, k)] for k in kinds],
    }
    data = (
        json.dumps(options, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    csp = (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    status = Counter(f.get("status") for f in files)
    selects = "".join(
        f'<label>{n} <select id="f-{k}"><option value="">全部</option></select></label>'
        for k, n in (("year", "年度"), ("unit", "单位"), ("kind", "报告类型"))
    )
    no_findings = '<p class="note">没有发现问题。</p>'
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>绩效自评报告汇总</title><style>{CSS}</style></head><body>
<h1>绩效自评报告汇总</h1>
<p class="note">{len(files)} 个文件（成功 {status.get("ok", 0)}，部分 {status.get("partial", 0)}，失败 {status.get("failed", 0)}，重复 {status.get("duplicate", 0)}）；
{len(reports)} 份报告；{len(findings)} 条核对发现。金额单位：万元。</p>
<p class="note" id="review">{escape(reviewed.line())}</p>
<nav id="filters">筛选：{selects}</nav>
<section id="totals"><h2>县域合计（按年度）</h2>
<p class="note">预算数取全年（调整后）预算数，未列示时取年初预算数；执行率 = 执行数合计 ÷ 预算数合计，只计两者都列示的报告。部门整体与项目报告分列，避免重复计算；单位、年度、标题和金额都相同的报告（同一报告的不同格式）只计一次{f"（本次合并 {len(reports) - len(once)} 份）" if len(once) < len(reports) else ""}。</p>
{_table(["年度", "报告类型", "报告数", "预算数（万元）", "执行数（万元）", "执行率（%）"], total_rows, "totals-table")}
{_bars_svg(total_bars, SERIES, "chart-totals") if total_bars else ""}</section>
<section id="units"><h2>各单位预算执行与自评得分</h2>
{_bars_svg(unit_bars, SERIES, "chart-units") if unit_bars else ""}
{_table(["单位", "年度", "类型", "标题", "预算数（万元）", "执行数（万元）", "执行率（%）", "自评得分", "等级", "文件"], unit_rows, "units-table")}
<p class="note">灰色斜体的执行率由执行数 ÷ 预算数计算，报告未列示。</p></section>
<section id="distribution"><h2>执行率与自评得分分布</h2><div class="charts">
{_hist_svg(rate_vals, RATE_BINS, f"执行率（{len(rate_vals)} 份报告）", "chart-rates")}
{_hist_svg(score_vals, SCORE_BINS, f"自评得分（{len(score_vals)} 份报告）", "chart-scores")}</div></section>
<section id="findings"><h2>发现的问题（核对结果）</h2>
{_table(["单位", "年度", "严重程度", "检查", "字段", "应为", "实为", "说明", "文件与页码"], finding_rows, "findings-table") if finding_rows else no_findings}</section>
<section id="problems"><h2>反复出现的问题</h2>
{problems_html}</section>
<script type="application/json" id="jx-data">{data}</script>
<script>{SCRIPT}</script>
</body></html>
"""


def write_html(out_dir: Path, html_path: Path) -> Path:
    """Write `render(out_dir)` to `html_path` (UTF-8); the path written."""
    html_path = Path(html_path)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(render(out_dir), encoding="utf-8")
    return html_path
