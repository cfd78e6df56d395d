"""Excel for the staff: `jixiao export DIR --xlsx FILE` writes one workbook over a dataset.

It sits after the writers: it reads what a run committed (the Parquet part files of the
current version, and the DuckDB views such as `history`) and lays each table out as one
sheet a finance clerk can filter and sum — Chinese headers, the header row frozen, filters
on, number formats for 元, 万元 and percent. The last sheet, 字段说明, maps every header
back to its sheet, table, machine column name, type and meaning, so nothing is lost by
translating the headers. It knows nothing of parsing.

What the cells hold, and why (the values read back with openpyxl equal the Parquet):

- 元 is the value. A money cell holds the exact yuan amount, format `#,##0.00`, header
  「年初预算数（元）」: SUM, pivot tables and the round trip all see the dataset's number.
- 万元 is a twin column. Excel cannot divide by 10 000 in a number format (its `,` scales
  by thousands only; the `0!.0000` trick shows whole yuan as 万 but SUM and the formula bar
  still show yuan, and LibreOffice reads it differently). Reports state money in 万元, so
  each money column is followed by 「…（万元）」 = 元 ÷ 10 000, computed exactly in Decimal
  (4035100.00 -> 403.51), format `#,##0.00##` (as reports write it, up to 4 decimals so a
  single yuan stays visible). Machine name `<column>_wanyuan`; it is derived, for reading:
  the 元 column is the record.
- Percent as stated: the dataset holds 98.36 for 98.36%; so does the cell, with the format
  `0.00##"%"` (a quoted % is literal text, no ×100). Dividing by 100 for Excel's own % format
  would make the cell differ from the Parquet and the CSV, and 0.9836 is not exact in
  binary; a clerk computing with it divides by 100, as with the printed report.
- Scores as stated, `0.0###`; indicator measures (decimal(28,6)) in General format.
- Numbers and Decimal: openpyxl writes every number as `"%.16g" % float(value)`, so a
  Decimal passes through a double. A decimal of at most 15 significant digits survives
  that (DBL_DIG is 15: rounding the double back to 15 digits gives the decimal), so money
  below 10^13 yuan (十万亿), every rate and score, and ordinary measures are real numbers.
  A value with more digits (or an integer from 10^15 up) is written as its exact text
  rather than as a number Excel would show with other digits.
- Dates are real dates, `yyyy-mm-dd`. `ingested_at` (UTC) is written as UTC wall time,
  since Excel has no time zones; its header says （UTC）.
- Text stays text: a cell starting with = + - @ is a string cell, never a formula, and no
  quote is added (it reads back as it is). Characters XML cannot hold (control characters)
  are written as Excel's own `_xHHHH_` escapes, as is a literal `_xHHHH_` (Excel shows the
  original; openpyxl returns the escape). A text over Excel's 32 767 characters a cell is
  cut there, ending in …; an empty text is a blank cell (Excel has no other empty text).
  The CSV and Parquet keep both whole.
- The `year` folder key of the hive partitions is not a column: `fiscal_year` holds it.
- A table longer than a sheet (1 048 575 rows) goes on in 「金额（2）」, 「金额（3）」...

The workbook is written streaming (openpyxl write-only mode, which keeps freeze panes,
auto filter and column widths), to a temporary name renamed into place.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import unicodedata
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from export.dataset import Store
from export.schema import TABLES
from normalize.fields import Field, Kind

log = logging.getLogger(__name__)

__all__ = ["write_xlsx", "read_tables", "SHEETS", "INDEX_SHEET", "WANYUAN_SUFFIX"]

# table -> sheet name; a table not listed keeps its own name
SHEETS = {
    "files": "文件",
    "reports": "报告",
    "projects": "项目",
    "indicators": "绩效指标",
    "amounts": "金额",
    "findings": "核查发现",
    "problems": "问题与措施",
    "history": "单位年度",
    "project_history": "项目年度",
}
INDEX_SHEET = "字段说明"
WANYUAN_SUFFIX = "_wanyuan"

# a view's columns are its source table's (history over reports, project_history over projects)
VIEWS = {"history": "reports", "project_history": "projects"}
# a field's kind -> how its cells are written; the header and meaning come from its declaration
CELL_KIND = {
    Kind.MONEY: "money",
    Kind.RATE: "percent",
    Kind.SCORE: "score",
    Kind.MEASURE: "measure",
    Kind.TEXT: "text",
    Kind.GRADE: "text",
    Kind.DATE: "date",
    Kind.INT: "int",
    Kind.BIGINT: "int",
    Kind.FLOAT: "float",
    Kind.BOOL: "bool",
    Kind.TIME: "datetime",
}
UNIT = {"money": "（元）", "wanyuan": "（万元）", "percent": "（%）", "score": "（分）"}
FORMAT = {
    "money": "#,##0.00",
    "wanyuan": "#,##0.00##",
    "percent": '0.00##"%"',
    "score": "0.0###",
    "measure": "General",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
}
KIND_NAME = {
    "money": "金额（元）",
    "wanyuan": "金额（万元，由元列换算）",
    "percent": "百分数",
    "score": "分数",
    "measure": "数值",
    "int": "整数",
    "float": "小数",
    "bool": "是否",
    "date": "日期",
    "datetime": "日期时间",
    "text": "文本",
}

MAX_ROWS = 1_048_575  # Excel's 1 048 576 rows a sheet, less the header
MAX_TEXT = 32_767  # characters a cell
MAX_DIGITS = 15  # significant digits a double keeps (DBL_DIG)
WIDTH_SAMPLE = 2_000  # rows looked at to size a column
# characters XML 1.0 cannot hold, and a literal _xHHHH_ Excel would decode: escaped as Excel does
XML_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True, slots=True)
class Column:
    name: str  # machine name: the table's column, or <money column>_wanyuan
    source: str  # the table column the value comes from
    header: str
    kind: str
    meaning: str


def write_xlsx(out_dir: Path, xlsx_path: Path) -> None:
    """One workbook over the dataset at `out_dir`: a sheet per table and view, then 字段说明."""
    tables = read_tables(Path(out_dir))
    xlsx_path = Path(xlsx_path)
    wb = Workbook(write_only=True)
    wb.properties.creator = "jixiao"
    index: list[tuple[str, str, Column]] = []
    used: set[str] = {INDEX_SHEET}
    for name, table in tables.items():
        cols = columns_of(name, table.schema)
        base = _sheet_name(SHEETS.get(name, name), used)
        for part, start in enumerate(range(0, max(len(table), 1), MAX_ROWS)):
            title = base if part == 0 else _sheet_name(f"{base}（{part + 1}）", used)
            used.add(title)
            _write_sheet(wb, title, cols, table.slice(start, MAX_ROWS))
            index.extend((title, name, c) for c in cols)
    _write_review(wb, tables, Path(out_dir))
    _write_index(wb, index)
    tmp = xlsx_path.with_name(xlsx_path.name + ".tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, xlsx_path)
    finally:
        if tmp.exists():
            tmp.unlink()


def read_tables(out_dir: Path) -> dict[str, pa.Table]:
    """Every table of the dataset's current version (schema order first), then the DuckDB
    views that are not tables (e.g. history), each sorted by all its columns."""
    base = Store(out_dir).current() or out_dir
    found = {p.name[: -len(".parquet")] for p in base.glob("*.parquet")}
    names = [t for t in TABLES if t in found] + sorted(found - set(TABLES))
    out = {name: _read_parquet(base / f"{name}.parquet", name) for name in names}
    out.update(_read_views(out_dir / "jixiao.duckdb", set(out)))
    return out


def _read_parquet(path: Path, name: str) -> pa.Table:
    """The part files in path order, without the hive key (fiscal_year holds it); columns
    in schema order, then any others; a part from an older version lacking a column gets nulls."""
    parts = sorted(path.rglob("*.parquet")) if path.is_dir() else [path]
    tables = [pq.read_table(p) for p in parts]
    t = pa.concat_tables(tables, promote_options="permissive") if tables else pa.table({})
    known = [f.name for f in TABLES.get(name, ()) if f.name in t.schema.names]
    return t.select(known + [c for c in t.schema.names if c not in known])


def _read_views(db: Path, tables: set[str]) -> dict[str, pa.Table]:
    if not db.exists():
        return {}
    import duckdb

    out: dict[str, pa.Table] = {}
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        log.warning("jixiao.duckdb not readable, its views are left out: %s", exc)
        return {}
    try:
        views = [
            v
            for (v,) in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name"
            ).fetchall()
        ]
        for v in views:
            if v in tables:
                continue
            try:
                res = con.sql(f'SELECT * FROM "{v}" ORDER BY ALL').arrow()
            except duckdb.Error as exc:  # e.g. DIR moved since the views were written
                log.warning("view %s left out: %s", v, exc)
                continue
            out[v] = res.read_all() if isinstance(res, pa.RecordBatchReader) else res
    finally:
        con.close()
    return out


def _declared(table: str) -> dict[str, Field]:
    """column -> its declaration: the table's own, a view's source table's, then the first
    table that declares a column of that name."""
    out: dict[str, Field] = {}
    for name in (VIEWS.get(table, table), *TABLES):
        if name in TABLES:
            for f in TABLES[name]:
                out.setdefault(f.name, f)
    return out


def columns_of(table: str, schema: pa.Schema) -> list[Column]:
    """The sheet's columns: each table column, and a 万元 twin after each money column."""
    cols: list[Column] = []
    declared = _declared(table)
    for f in schema:
        d = declared.get(f.name)
        kind = CELL_KIND[d.kind] if d is not None else _kind(f.name, f.type)
        header, meaning = (d.header, d.meaning) if d is not None else (f.name, "")
        cols.append(Column(f.name, f.name, header + UNIT.get(kind, ""), kind, meaning))
        if kind == "money":
            cols.append(
                Column(
                    f.name + WANYUAN_SUFFIX,
                    f.name,
                    header + UNIT["wanyuan"],
                    "wanyuan",
                    f"由「{header}{UNIT['money']}」除以 10000 得出，仅供阅读，以元为准",
                )
            )
    seen: set[str] = set()
    for i, c in enumerate(cols):  # two columns with one header: the later one names its column
        if c.header in seen:
            cols[i] = Column(c.name, c.source, f"{c.header}（{c.name}）", c.kind, c.meaning)
        seen.add(cols[i].header)
    return cols


def _kind(name: str, typ: pa.DataType) -> str:
    """The cell kind of a column no table declares (a part file of another version), by its type."""
    if pa.types.is_dictionary(typ):
        typ = typ.value_type
    if pa.types.is_decimal(typ):
        if typ.scale == 2:
            return "money"
        if typ.scale == 4:
            return "percent" if name.endswith("_rate") else "score"
        return "measure"
    if pa.types.is_integer(typ):
        return "int"
    if pa.types.is_floating(typ):
        return "float"
    if pa.types.is_boolean(typ):
        return "bool"
    if pa.types.is_date(typ):
        return "date"
    if pa.types.is_timestamp(typ):
        return "datetime"
    return "text"


def _write_sheet(wb: Workbook, title: str, cols: list[Column], table: pa.Table) -> None:
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(table) + 1}"
    # write-only: widths are set before the first row goes out
    sample = table.slice(0, WIDTH_SAMPLE).to_pylist()
    for i, c in enumerate(cols, 1):
        width = max([_width(c.header)] + [_width(_shown(r.get(c.source), c.kind)) for r in sample])
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
    _header_row(ws, [c.header for c in cols])
    styles = {kind: _style(ws, fmt) for kind, fmt in FORMAT.items()}
    for batch in table.to_batches(max_chunksize=10_000):
        for r in batch.to_pylist():
            ws.append([_cell(ws, r.get(c.source), c.kind, styles) for c in cols])


REVIEW_SHEET = "人工复核"  # how many values a person reviewed, corrected, ...
DECISIONS_SHEET = "复核记录"  # every decision, as DIR/corrections.csv holds it


def _write_review(wb: Workbook, tables: dict[str, pa.Table], out_dir: Path) -> None:
    """How many values a person reviewed and corrected; then every decision (corrections.csv)."""
    from export import review

    s = review.summary({n: tables[n].to_pylist() for n in review.REVIEWED if n in tables})
    counts = [
        ("复核的值", s.values),
        ("其中：确认", s.confirmed),
        ("其中：更正", s.corrected),
        ("其中：标为未说明", s.not_stated),
        ("读取已变化、待重新复核", s.stale),
        ("涉及报告", s.reports),
    ]
    _plain_sheet(wb, REVIEW_SHEET, ("项目", "数量"), counts, (28, 12))
    heads = ("文件 sha256", "表", "行", "字段", "读取值", "决定值", "决定", "复核人", "时间（UTC）", "备注")
    log = [[str(getattr(c, k)) for k in review.COLUMNS] for c in review.load(out_dir)]
    _plain_sheet(wb, DECISIONS_SHEET, heads, log, (24, 10, 30, 18, 14, 14, 12, 10, 22, 30))


def _plain_sheet(wb: Workbook, title: str, heads, rows, widths) -> None:
    """A small sheet like the others: bold header row, frozen, filters on."""
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(heads))}{len(rows) + 1}"
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    _header_row(ws, heads)
    for r in rows:
        ws.append([_text(ws, v) if isinstance(v, str) else v for v in r])


def _header_row(ws, heads) -> None:
    """The sheet's first row: the headers, bold."""
    bold = Font(bold=True)
    row = []
    for h in heads:
        cell = WriteOnlyCell(ws, h)
        cell.font = bold
        row.append(cell)
    ws.append(row)


def _write_index(wb: Workbook, index: list[tuple[str, str, Column]]) -> None:
    ws = wb.create_sheet(INDEX_SHEET)
    heads = ("工作表", "表", "字段名", "列标题", "类型", "说明")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:F{len(index) + 1}"
    for letter, width in zip("ABCDEF", (12, 16, 26, 30, 24, 60)):
        ws.column_dimensions[letter].width = width
    _header_row(ws, heads)
    for title, table, c in index:
        ws.append([title, table, c.name, c.header, KIND_NAME[c.kind], c.meaning or None])


def _style(ws, number_format: str):
    """The style of a cell with this number format, to give each such cell a copy: setting
    `number_format` on every cell looks the format up each time and doubles the writing time."""
    cell = WriteOnlyCell(ws)
    cell.number_format = number_format
    return cell._style


def _cell(ws, v, kind: str, styles: dict):
    """A value as openpyxl should write it (see the module docstring)."""
    if v is None:
        return None
    if kind in FORMAT:
        if kind == "wanyuan":
            v = v.scaleb(-4)  # exact: moves the decimal point
        elif kind == "datetime" and v.tzinfo is not None:
            v = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
        if isinstance(v, Decimal) and not exact_in_double(v):
            return str(v)
        cell = WriteOnlyCell(ws, v)
        cell._style = copy(styles[kind])
        return cell
    if kind == "int":
        return v if abs(v) < 10**MAX_DIGITS else str(v)
    if kind in ("float", "bool"):
        return v if v == v else None  # NaN: no number Excel can hold
    return _text(ws, v if isinstance(v, str) else str(v))


def exact_in_double(d: Decimal) -> bool:
    """Whether a Decimal of at most 15 significant digits: it survives openpyxl's float."""
    return d.is_finite() and len(d.normalize().as_tuple().digits) <= MAX_DIGITS


def _text(ws, s: str):
    if not s:
        return None
    if len(s) > MAX_TEXT:
        s = s[: MAX_TEXT - 1] + "…"
    s = XML_ESCAPE.sub(lambda m: "_x005F_" if m.group() == "_" else f"_x{ord(m.group()):04X}_", s)
    if s.startswith("="):  # openpyxl would take it for a formula: make it a string cell
        cell = WriteOnlyCell(ws, s)
        cell.data_type = "s"
        return cell
    return s


def _shown(v, kind: str) -> str:
    """Roughly what the cell shows, to size its column."""
    if v is None:
        return ""
    if kind in ("money", "wanyuan"):
        return f"{(v.scaleb(-4) if kind == 'wanyuan' else v):,.2f}"
    if kind == "datetime":
        return "2000-01-01 00:00:00"
    return str(v)


def _width(s: str) -> int:
    """Display width: a CJK (wide) character counts as two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s[:200])


def _sheet_name(name: str, used: set[str]) -> str:
    """A valid, unused sheet name: no []:*?/\\, at most 31 characters."""
    name = SHEET_BAD.sub("_", name)[:31] or "表"
    stem, n = name, 2
    while name in used:
        suffix = f"_{n}"
        name, n = stem[: 31 - len(suffix)] + suffix, n + 1
    return name
