"""Tables to facts: the standard forms' funds block, their 总分 row, their key cells,
and their indicator rows.

Headers are found by their labels, never by position: a funds header row names at
least two of 年初预算数 / 全年预算数 / 全年执行数 / 执行率 / 分值 / 得分, and the row
below it labelled 年度资金总额 (or 总额, 合计) holds the totals. The money unit comes
from the header or the caption (资金情况(万元), 单位：万元); a cell that carries its
own unit (4753.66万元) keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from normalize import patterns as P
from normalize.amounts import Unit, parse_money, parse_percent, parse_score, table_unit
from normalize.facts import scan
from normalize.measures import measure
from normalize.model import Fact, Indicator, Where

Rows = Sequence[Sequence[str]]


# a header's note in brackets: 全年预算数(A), 执行率(B/A)
HEADER_NOTE = regex.compile(r"[(（][^)）]*[)）]$")


@lru_cache(maxsize=8192)
def squash(cell: str) -> str:
    """A cell's words without spaces or line breaks: '全年预算\n数(A)' -> '全年预算数(A)'."""
    return P.SPACES.sub("", P.fold(cell or ""))


@lru_cache(maxsize=8192)
def _header_word(cell: str) -> str:
    return HEADER_NOTE.sub("", squash(cell))  # 全年预算数(A) -> 全年预算数


# funds-block columns: field -> header words (after squash)
FUNDS_COLUMNS: dict[str, tuple[str, ...]] = {
    "budget_initial": ("年初预算数", "年初预算", "年初批复数", "年初数"),
    "budget_adjusted": ("全年预算数", "调整后预算数", "调整后预算", "全年预算", "预算数"),
    "expenditure": ("全年执行数", "预算执行数", "执行数", "实际支出", "全年实际支出", "决算数"),
    "execution_rate": ("执行率", "预算执行率"),
    "weight": ("分值", "权重"),
    "score": ("得分",),
}
# the totals row of the funds block
TOTAL_ROW = regex.compile(r"^(?:年度资金总额|资金总额|总额|合计|总计|年度资金总额合计)[:：]?$")
# the parts of the funds total: 其中：当年财政拨款, 上年结转资金, 其他资金, 财政专户管理资金, 单位资金
PART_ROW = regex.compile(r"财政拨款|上年结转|其他资金|财政资金|单位资金|专户|结转|自筹|社会资金")
# the final score row of a form
SCORE_ROW = regex.compile(r"^(?:总分|总得分|合计得分|综合得分|自评总分)[:：]?$")

# key cells of a form: the value is the next non-empty cell to the right
KEY_CELLS: dict[str, tuple[str, ...]] = {
    "project_name": ("项目名称",),
    "implementer": ("实施单位", "实施单位(盖章)", "项目实施单位", "填报单位", "填报单位(盖章)", "单位名称",
                    "部门名称", "部门(单位)名称", "预算单位名称", "预算单位", "一级预算单位名称", "单位名称(盖章)"),
    "department": ("主管部门", "主管部门及代码", "预算部门"),
    "grade": ("评价等级", "自评等级", "等级", "评价结果"),
}

INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标", "指标名称", "具体指标"),
    "nature": ("指标性质",),
    "target": ("年度指标值", "指标值", "年度目标值", "预期指标值", "目标值", "年度绩效指标值", "计划指标值"),
    "measure": ("度量单位", "计量单位"),
    "actual": ("实际完成值", "全年实际值", "完成值", "实际值", "实际完成情况", "全年实际完成值", "实际完成指标值"),
    "weight": ("分值", "权重"),
    "score": ("得分", "自评得分"),
    "reason": ("偏差原因分析及改进措施", "未完成原因及拟采取的改进措施", "未完成原因分析", "偏差原因分析",
               "原因分析及改进措施", "偏差原因", "未完成原因"),
}
# a level's weight written into its cell: "产出指标(70分)", "效益指标30分", "目标任务15分"
LEVEL_WEIGHT = regex.compile(r"\s*(?:[(（]\s*\d+(?:\.\d+)?\s*分?\s*[)）]|\d+(?:\.\d+)?\s*分)$")
TEMPLATE_NO = regex.compile(r"^指标\s*\d+\s*[:：]?")


def _by_word(columns: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """header word -> the fields it names, in the columns' order."""
    grouped: dict[str, list[str]] = {}
    for name, words in columns.items():
        for w in words:
            grouped.setdefault(w, []).append(name)
    return {w: tuple(n) for w, n in grouped.items()}


FUNDS_WORDS = _by_word(FUNDS_COLUMNS)
INDICATOR_WORDS = _by_word(INDICATOR_COLUMNS)
KEY_WORDS = _by_word(KEY_CELLS)


def _match_columns(row: Sequence[str], words: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """field -> column index, for a header row; the first column that names the field
    (`words`: FUNDS_WORDS or INDICATOR_WORDS)."""
    found: dict[str, int] = {}
    for i, cell in enumerate(row):
        for name in words.get(_header_word(cell or ""), ()):
            if name not in found:
                found[name] = i
                break
    return found


@dataclass(slots=True)
class Funds:
    """The funds block of a form: its totals row, the parts under it, rate, weight and score."""

    total: dict
    parts: list  # (label, {field: yuan})
    rate: object | None = None
    weight: object | None = None
    score: object | None = None


@dataclass(slots=True)
class TableState:
    """What a reader knows when a table goes on across a page break: its unit, its
    header columns, the indicator levels carried down."""

    unit: Unit | None = None
    header: dict[str, int] | None = None
    score_col: int | None = None
    ind_header: dict[str, int] | None = None
    levels: list = field(default_factory=lambda: [None, None])
    funds: Funds | None = None


@dataclass(frozen=True, slots=True)
class TableFacts:
    facts: tuple[Fact, ...]
    keys: dict[str, str]  # project_name, implementer, department, grade
    indicators: tuple[Indicator, ...]
    part_score: object | None = None  # the funds block's own 得分 (a part, not the total)
    state: TableState | None = None
    funds: Funds | None = None
    total_score: object | None = None


def _row_spans(page: int | None, base: int, text: str, rows: int) -> list[Where]:
    """Where each of a table's first `rows` rows stands in the page text: one `|` line a row."""
    lines = text.split("\n")
    out, start = [], base
    for r in range(rows):
        out.append(Where(page, start, start + len(lines[r]) if r < len(lines) else start))
        if r < len(lines):
            start += len(lines[r]) + 1
    return out


def _flat(cell: str | None) -> str:
    """A cell as it stands in the page text's `|` line (see extract.layout.table_lines)."""
    return " ".join((cell or "").split())


def _cell_at(row_where: Where, row: Sequence[str], i: int) -> tuple[str, Where]:
    """A cell's text and its exact span in the page text."""
    start = row_where.start + 2 + sum(len(_flat(c)) + 3 for c in row[:i])
    text = _flat(row[i])
    return text, Where(row_where.page, start, start + len(text))


def read_table(rows: Rows, text: str, page: int | None, base: int, caption: str = "",
               state: TableState | None = None) -> TableFacts:
    """Facts of one table; `state` carries a table on from the previous page."""
    facts: list[Fact] = []
    keys: dict[str, str] = {}
    indicators: list[Indicator] = []
    st = state or TableState(unit=table_unit(caption))
    unit, header, score_col, ind_header, levels = st.unit, st.header, st.score_col, st.ind_header, st.levels
    part_score = None
    total_score = None
    funds: Funds | None = st.funds
    spans = _row_spans(page, base, text, len(rows))
    for r, row in enumerate(rows):
        cells = [squash(c) for c in row]
        where = spans[r]
        # a unit stated anywhere in a header cell applies from here on
        for c in row:
            u = table_unit(c)
            if u is not None and not parse_money(c):
                unit = u
        cols = _match_columns(row, FUNDS_WORDS)
        icols = _match_columns(row, INDICATOR_WORDS)
        if {"level1", "level2"} <= icols.keys() or {"level3", "target"} <= icols.keys():
            if icols == ind_header:
                continue  # the header repeated on the next page: the levels carry on
            ind_header, levels = icols, [None, None]
            if "score" in icols:
                score_col = icols["score"]
            continue
        if len(cols.keys() & {"budget_initial", "budget_adjusted", "expenditure", "execution_rate"}) >= 2:
            header, ind_header = cols, None
            if "score" in cols:
                score_col = cols["score"]
            continue
        first = next((i for i, c in enumerate(cells) if c), None)
        if first is None:
            continue
        label_cells = [c for c in cells[: min(header.values())] if c] if header else []
        # the totals row of a funds block
        if header is not None and any(TOTAL_ROW.match(c) for c in label_cells):
            money = _funds_money(row, header, unit)
            for field, (v, raw, col) in money.items():
                facts.append(Fact(field, v, raw, "年度资金总额", _cell_at(where, row, col)[1], " | ".join(row), True))
            rate = score = weight = None
            if "execution_rate" in header and header["execution_rate"] < len(row):
                raw, at = _cell_at(where, row, header["execution_rate"])
                rate = parse_percent(raw)
                if rate is not None:
                    facts.append(Fact("execution_rate", rate, raw, "执行率", at, " | ".join(row)))
            if "score" in header and header["score"] < len(row):
                score = part_score = parse_score(row[header["score"]])
            if "weight" in header and header["weight"] < len(row):
                weight = parse_score(row[header["weight"]])
            funds = Funds({f: m[0] for f, m in money.items()}, [], rate, weight, score)
            continue
        # the parts below it: 其中：财政拨款, 上年结转资金, 其他资金
        if header is not None and funds is not None and label_cells and PART_ROW.search(label_cells[-1]):
            funds.parts.append((label_cells[-1], {f: m[0] for f, m in _funds_money(row, header, unit).items()}))
            continue
        header = None
        # the final score of the form
        if SCORE_ROW.match(cells[first]):
            if score_col is not None and score_col < len(row):
                raw, at = _cell_at(where, row, score_col)
                v = parse_score(raw)
                if v is not None:
                    facts.append(Fact("self_score", v, raw, cells[first], at, " | ".join(row)))
                    total_score = v
            ind_header = None
            continue
        # indicator rows (a key row repeated on the next page is not one: 项目名称 | X)
        if ind_header is not None and not any(_key(c) for c in cells):
            ind = _indicator(row, ind_header, levels, page)
            if ind is not None:
                indicators.append(ind)
                continue
        # key cells and label cells
        for i, c in enumerate(cells):
            key = _key(c)
            if key is not None:
                # the next cell with a value; a merged label cell repeats itself to the right
                value = next((row[j].strip() for j in range(i + 1, len(row))
                              if squash(row[j]) and squash(row[j]) != c), None)
                if value and key not in keys:
                    keys[key] = " ".join(value.split())
            elif c and not P.BARE_NUMBER.match(c):
                text_i, at = _cell_at(where, row, i)
                facts.extend(scan(text_i, page, at.start))
    return TableFacts(tuple(facts), keys, tuple(indicators), part_score,
                      TableState(unit, header, score_col, ind_header, levels, funds), funds, total_score)


def _funds_money(row: Sequence[str], header: dict[str, int], unit: Unit | None) -> dict:
    """field -> (yuan, raw, column) for the money columns of a funds row."""
    out = {}
    for name in ("budget_initial", "budget_adjusted", "expenditure"):
        col = header.get(name)
        if col is not None and col < len(row):
            raw = _flat(row[col])
            v = parse_money(raw, unit)
            if v is not None:
                out[name] = (v, raw, col)
    return out


def _key(cell: str) -> str | None:
    """The key a label cell names; a label whose first characters were lost
    ('级预算单位名称', seen in a web copy) still ends like one."""
    c = cell.rstrip(":：")
    keys = KEY_WORDS.get(c)
    if keys:
        return keys[0]  # the first key that lists it
    if c.endswith(("单位名称", "部门名称")) and len(c) <= 10:
        return "implementer"
    return None


def _cell(row: Sequence[str], cols: dict[str, int], field: str) -> str | None:
    i = cols.get(field)
    if i is None or i >= len(row):
        return None
    v = " ".join((row[i] or "").split())
    return v or None


def _indicator(row: Sequence[str], cols: dict[str, int], levels: list, page: int | None) -> Indicator | None:
    l1, l2, l3 = _cell(row, cols, "level1"), _cell(row, cols, "level2"), _cell(row, cols, "level3")
    # a merged cell is empty below its first row in a PDF, repeated in Word: carry it down
    if l1:
        levels[0] = LEVEL_WEIGHT.sub("", l1).strip()
        levels[1] = None
    if l2:
        levels[1] = LEVEL_WEIGHT.sub("", l2).strip()
    if not l3 or l3 in ("……", "...", "…"):
        return None
    l3 = TEMPLATE_NO.sub("", l3).strip()
    if not l3:
        return None
    target = _cell(row, cols, "target")
    if "nature" in cols or "measure" in cols:
        parts = [_cell(row, cols, "nature"), target, _cell(row, cols, "measure")]
        target = "".join(p for p in parts if p) or None
    weight = _cell(row, cols, "weight")
    score = _cell(row, cols, "score")
    actual = _cell(row, cols, "actual")
    t, a = measure(target), measure(actual)
    return Indicator(None, levels[0], levels[1], l3, target, actual,
                     parse_score(weight) if weight else None, parse_score(score) if score else None,
                     _cell(row, cols, "reason"), page, t.op, t.value, t.unit, a.op, a.value, a.unit)
