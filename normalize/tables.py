"""A form's rows to what it states: its funds block, its 总分 row, its key cells, its
indicator rows and its problems.

Headers are found by their words, never by position: a funds header row names at
least two of 年初预算数 / 全年预算数 / 全年执行数 / 执行率, and the row below it labelled
年度资金总额 (or 总额, 合计) holds the totals. The money unit comes from the header or the
caption (资金情况(万元), 单位：万元); a cell that carries its own unit (4753.66万元) keeps
it. The words that head a field's column, name a key cell or label a row are declared
with the field (`normalize.fields`); the words here are the form's own furniture, which
feeds no output column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from itertools import zip_longest

import regex

from normalize import fields as F
from normalize import patterns as P
from normalize.amounts import Unit, parse_money, parse_percent, parse_score, table_unit
from normalize.facts import scan
from normalize.measures import measure
from normalize.model import Fact, Indicator, Problem, Where
from normalize.parts import Carry, Form, Funds, Listed, Row
from normalize.problems import section_of, split_items, theme
from normalize.tolerance import CONTRAST, Vocabulary, label_view

# a header's note in brackets: 全年预算数(A), 执行率(B/A)
HEADER_NOTE = regex.compile(r"[(（][^)）]*[)）]$")


@lru_cache(maxsize=8192)
def squash(cell: str) -> str:
    """A cell's words without spaces or line breaks: '全年预算\n数(A)' -> '全年预算数(A)'."""
    return P.SPACES.sub("", P.fold(cell or ""))


@lru_cache(maxsize=8192)
def label_of(cell: str) -> str:
    """A cell's words as a label is matched: squashed, in the label view (項目名稱 -> 项目名称,
    分傎 -> 分值; `normalize.tolerance`). Never a value: names and numbers come from the cell."""
    return label_view(squash(cell))


@lru_cache(maxsize=8192)
def _header_word(cell: str) -> str:
    return HEADER_NOTE.sub("", label_of(cell))  # 全年预算数(A) -> 全年预算数


MONEY_COLUMNS = (F.BUDGET_INITIAL, F.BUDGET_ADJUSTED, F.EXPENDITURE)
# funds-block columns: name -> header words (after squash); the block's own 分值 and 得分
# are headed as an indicator's are
FUNDS_COLUMNS: dict[str, tuple[str, ...]] = {
    **{f.name: f.columns for f in (*MONEY_COLUMNS, F.EXECUTION_RATE)},
    "weight": F.WEIGHT.columns,
    "score": F.INDICATOR_SCORE.columns,
}
# the totals row of the funds block
TOTAL_ROW = regex.compile(r"^(?:年度资金总额|资金总额|总额|合计|总计|年度资金总额合计)[:：]?$")
# the parts of the funds total: 其中：当年财政拨款, 上年结转资金, 其他资金, 财政专户管理资金, 单位资金
PART_ROW = regex.compile(r"财政拨款|上年结转|其他资金|财政资金|单位资金|专户|结转|自筹|社会资金")
# the final score row of a form: 总分 | … | 96.5
SCORE_ROW = regex.compile("^(?:" + "|".join(map(regex.escape, F.SELF_SCORE.rows)) + ")[:：]?$")

# a form's key cells: the value is the next non-empty cell to the right. 主管部门 feeds the
# unit only where no 实施单位 is stated (LABELING.md), so it is a key of its own.
DEPARTMENT_CELLS = ("主管部门", "主管部门及代码", "预算部门")
KEY_CELLS: dict[str, tuple[str, ...]] = {
    "project_name": F.PROJECT_NAME.cells,
    "unit_name": F.UNIT_NAME.cells,
    "department": DEPARTMENT_CELLS,
    "grade": F.GRADE.cells,
}

INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    # a table listing projects one row per indicator: | 项目名称 | 预算数 | … | 一级指标 | …
    F.PROJECT_NAME.name: F.PROJECT_NAME.columns,
    F.BUDGET_ADJUSTED.name: F.BUDGET_ADJUSTED.cells,
    **{f.name: f.columns for f in (F.LEVEL1, F.LEVEL2, F.LEVEL3)},
    "nature": ("指标性质",),  # ≥ | 1 | 次: a target split over three cells
    F.TARGET.name: F.TARGET.columns,
    "measure": ("度量单位", "计量单位"),
    **{f.name: f.columns for f in (F.ACTUAL, F.WEIGHT, F.INDICATOR_SCORE, F.DEVIATION_REASON)},
}
# a level's weight written into its cell: "产出指标(70分)", "效益指标30分", "目标任务15分"
# a level's weight written into its cell: "产出指标(70分)", "效益指标30分", "目标任务15分", a bonus or a
# penalty "绩效管理创新(+5分)", "扣分项（-5分）"; or before the name: "（20分） 项目决策", "（10） 绩效目标",
# "（特性指标70分） 项目绩效" (a rubric's 得分表)
WEIGHT = r"[+\-−]?\d+(?:\.\d+)?"
LEVEL_WEIGHT = regex.compile(rf"\s*(?:[(（]\s*(?P<w>{WEIGHT})\s*分?\s*[)）]|(?P<w>{WEIGHT})\s*分)$")
LEADING_WEIGHT = regex.compile(rf"^[(（][^()（）]{{0,8}}?(?P<w>{WEIGHT})\s*分?\s*[)）]\s*(?=\S)")
# rows that close an indicator table: its conclusion (评价结论 | 总评分（X） 优秀（X≥90分)…), its notes
NOTE_WORDS = ("备注", "说明", "填表说明", "填报说明", "填表人", "审核人")  # a form's notes and signers
CLOSING_ROW = regex.compile("^(?:评价结论|评价结果|结论|" + "|".join(NOTE_WORDS) + ")[:：]?$")
TEMPLATE_NO = regex.compile(r"^指标\s*\d+\s*[:：]?")
# a template's row left unfilled: …… (or six full stops, as OCR reads it)
PLACEHOLDER = regex.compile(r"^[.．。…⋯·・\s]+$")
# a row label of a problems cell: 存在问题 | …; longer cells are sentences, not labels
PROBLEM_LABEL_MAX = 20
# a template's prompt left in a cell nobody filled: "结合自评情况,分析存在的问题及原因。(200字以内)"
TEMPLATE_PROMPT = regex.compile(r"\d+\s*字(?:以内|以下|左右)")


# every word of the domain: labels of every field, and the forms' own furniture
DOMAIN = (
    frozenset(w for t in F.RECORDS.values() for f in t for w in (*f.labels, *f.columns, *f.cells, *f.rows))
    | frozenset(DEPARTMENT_CELLS)
    | frozenset(("年度资金总额", "资金总额", "年度资金总额合计", "指标性质", "度量单位", "计量单位"))
)


def _by_word(columns: dict[str, tuple[str, ...]]) -> Vocabulary:
    """header word -> the fields it names, in the columns' order."""
    grouped: dict[str, list[str]] = {}
    for name, words in columns.items():
        for w in words:
            grouped.setdefault(w, []).append(name)
    return Vocabulary({w: tuple(n) for w, n in grouped.items()}, DOMAIN, CONTRAST)


FUNDS_WORDS = _by_word(FUNDS_COLUMNS)
# a money field's key cell, its figure to its right: | 预算数: | 37 | 执行数: | 37 |
MONEY_KEYS = _by_word({f.name: f.cells for f in MONEY_COLUMNS})
INDICATOR_WORDS = _by_word(INDICATOR_COLUMNS)
KEY_WORDS = _by_word(KEY_CELLS)
# every word that heads a column or names a key: a key's value is none of them (a header
# row | 序号 | 项目名称 | 预算数 | names no project called 预算数)
HEADER_WORDS = _by_word({**FUNDS_COLUMNS, **INDICATOR_COLUMNS, **KEY_CELLS})
# the row labels of a form, read with the same tolerance: | 年度资金总颔 | …
TOTAL_WORDS = Vocabulary(
    {w: ("total",) for w in ("年度资金总额", "资金总额", "年度资金总额合计")}, DOMAIN, CONTRAST
)
SCORE_WORDS = Vocabulary({w: ("self_score",) for w in F.SELF_SCORE.rows}, DOMAIN, CONTRAST)


# 一级指标 read without its 一 (a lone stroke a scan's OCR takes for a ruling line)
ORDINAL_LOST = "级指标"
LEVELS = ("level1", "level2", "level3")


def _match_columns(row: Sequence[str], words: Vocabulary) -> dict[str, int]:
    """field -> column index, for a header row; the first column that names the field
    (`words`: FUNDS_WORDS or INDICATOR_WORDS). A level column headed 级指标 is the one
    level the row does not name otherwise."""
    found: dict[str, int] = {}
    lost = []
    for i, cell in enumerate(row):
        word = _header_word(cell or "")
        for name in words.get(word) or ():
            if name not in found:
                found[name] = i
                break
        if word == ORDINAL_LOST:
            lost.append(i)
    missing = [name for name in LEVELS if name not in found and words.get(f"一{ORDINAL_LOST}") is not None]
    if len(lost) == 1 and len(missing) == 1:
        found[missing[0]] = lost[0]
    return found


def header_columns(cells: Sequence[str]) -> tuple[dict[str, int], dict[str, int]] | None:
    """(funds columns, indicator columns) of a row that is a header, else None."""
    cols, icols = _match_columns(cells, FUNDS_WORDS), _match_columns(cells, INDICATOR_WORDS)
    return (cols, icols) if _heads(cols, icols) else None


def is_header_word(cell: str) -> bool:
    """Whether a cell heads a column of a funds block or an indicator table."""
    w = _header_word(cell)
    return w in FUNDS_WORDS or w in INDICATOR_WORDS


def is_score_row(cell: str) -> bool:
    """Whether a cell labels a form's final score row: 总分, 合计得分."""
    c = label_of(cell)
    return bool(SCORE_ROW.match(c)) or _is(c, SCORE_WORDS)


def level_name(cell: str) -> int | None:
    """1 or 2 where a cell names an indicator level: the first where it states its weight
    (产出指标(70分)) or is a first-level name only, the second where it ends in 指标."""
    c = label_of(cell)
    name = _level(c)
    if not name or not name.endswith("指标") or len(name) > 12:
        return None
    if name != c or (name in LEVEL1_NAMES and name not in LEVEL2_NAMES):
        return 1
    return 2


def standard_level(cell: str) -> bool:
    """Whether a cell names a standard first or second level (产出指标, 数量指标, 效益指标(30分))."""
    name = _level(label_of(cell))
    return name in LEVEL1_NAMES or name in LEVEL2_NAMES


def key_of(cell: str) -> str | None:
    """The key a label cell names (its words squashed); a label whose first characters were
    lost ('级预算单位名称', seen in a web copy) still ends like one."""
    c = label_view(cell.rstrip(":："))
    keys = KEY_WORDS.get(c)
    if keys:
        return keys[0]  # the first key that lists it
    if c.endswith(("单位名称", "部门名称")) and len(c) <= 10:
        return "unit_name"
    return None


def key_value(row: Sequence[str], i: int) -> str | None:
    """The value of the key cell at `i`: the next cell with words (a merged label cell
    repeats itself to the right), one line, unless it is a header word itself."""
    label = squash(row[i])
    for j in range(i + 1, len(row)):
        c = squash(row[j])
        if c and c != label:
            if _header_word(row[j]) in HEADER_WORDS:
                return None
            return " ".join(row[j].split())
    return None


def grade_of(cell: str) -> str | None:
    """The grade a cell states: the one grade word in it ('优', '良好（85分）'); none where it
    prints the bands without choosing ('优秀（X≥90分) 良好（90＞X≥75分）…')."""
    found = {m.group("g") for m in P.GRADE.finditer(squash(cell))}
    return found.pop() if len(found) == 1 else None


def project_name_in(cells: Sequence[str]) -> str | None:
    """The 项目名称 a row states, if it is a key row: | 项目名称 | X |."""
    for i, c in enumerate(cells):
        if key_of(squash(c)) == "project_name":
            return key_value(cells, i)
    return None


@dataclass(slots=True)
class TableState:
    """What a reader knows when a table goes on across a page break: its unit, its header
    columns, the indicator levels carried down, the funds block being read."""

    unit: Unit | None = None
    header: dict[str, int] | None = None
    score_col: int | None = None
    ind_header: dict[str, int] | None = None
    levels: list = field(default_factory=lambda: [None, None])
    funds: Funds | None = None


def read_form(form: Form, above: TableState | None = None) -> tuple[Form, TableState | None]:
    """A form with what its rows state; `above` is the reader's state at the row before the
    form's first, for a form that goes on from it (`Piece.carry`)."""
    facts: list[Fact] = []
    keys: dict[str, str] = {}
    indicators: list[Indicator] = []
    problems: list[Problem] = []
    funds: Funds | None = None
    total: Decimal | None = None
    listed: dict[str, Listed] = {}
    state = above
    for piece in form.pieces:
        if piece.carry is Carry.ALL and state is not None:
            st = state
        elif piece.carry is Carry.UNIT and state is not None:
            st = TableState(unit=state.unit)
        else:
            st = TableState(unit=table_unit(piece.caption))
        got = _read_rows(piece.rows, piece.page, st, form.name)
        facts.extend(got.facts)
        for k, v in got.keys.items():
            keys.setdefault(k, v)
        indicators.extend(got.indicators)
        problems.extend(got.problems)
        for item in got.listed:
            listed.setdefault(item.name, replace(item, order=(form.order[0], form.order[1] + len(listed))))
        funds = funds or got.funds
        total = total if total is not None else got.total_score
        state = got.state
    return replace(
        form,
        facts=tuple(facts),
        keys=keys,
        indicators=tuple(indicators),
        funds=funds,
        total_score=total,
        problems=tuple(problems),
        listed=tuple(listed.values()),
    ), state


@dataclass(frozen=True, slots=True)
class _Rows:
    facts: tuple[Fact, ...]
    keys: dict[str, str]
    indicators: tuple[Indicator, ...]
    problems: tuple[Problem, ...]
    state: TableState
    funds: Funds | None
    total_score: Decimal | None
    listed: tuple[Listed, ...]


def _flat(cell: str | None) -> str:
    """A cell as it stands in the page text's `|` line (see extract.layout.table_lines)."""
    return " ".join((cell or "").split())


def _cell_at(r: Row, i: int) -> tuple[str, Where]:
    """A cell's text and its exact span in the page text: its own (a form rebuilt from
    flattened text, `normalize.flat`), or its place in the row's `|` line."""
    text = _flat(r.cells[i])
    if r.spans is not None:
        return text, r.spans[i]
    start = r.where.start + 2 + sum(len(_flat(c)) + 3 for c in r.cells[:i])
    return text, Where(r.where.page, start, start + len(text))


def _read_rows(rows: Sequence[Row], page: int | None, st: TableState, project: str | None) -> _Rows:
    """The facts of a run of one table's rows, read with (and into) `st`."""
    facts: list[Fact] = []
    keys: dict[str, str] = {}
    indicators: list[Indicator] = []
    problems: list[Problem] = []
    unit, header, score_col, ind_header, levels = st.unit, st.header, st.score_col, st.ind_header, st.levels
    since = 0  # indicator rows read since their header
    listed: list[Listed] = []
    total_score = None
    funds: Funds | None = st.funds
    below = False  # this row is the second row of a header read with the one above
    for k, r in enumerate(rows):
        if below:
            below = False
            continue
        row = r.cells
        cells = [label_of(c) for c in row]
        # a unit stated anywhere in a header cell applies from here on
        for c in row:
            u = table_unit(c)
            if u is not None and not parse_money(c):
                unit = u
        cols = _match_columns(row, FUNDS_WORDS)
        icols = _match_columns(row, INDICATOR_WORDS)
        if not _heads(cols, icols):
            two = _two_row_header(row, rows[k + 1].cells if k + 1 < len(rows) else None)
            if two is not None:
                cols, icols, below = two[0], two[1], True
                unit = next((u for c in rows[k + 1].cells if (u := table_unit(c)) is not None), unit)
        if {"level1", "level2"} <= icols.keys() or {"level3", "target"} <= icols.keys():
            if icols == ind_header:
                continue  # the header repeated on the next page: the levels carry on
            ind_header, levels, header, since = icols, [None, None], None, 0
            if "score" in icols:
                score_col = icols["score"]
            continue
        if _heads(cols, {}):
            header, ind_header = cols, None
            if "score" in cols:
                score_col = cols["score"]
            continue
        first = next((i for i, c in enumerate(cells) if c), None)
        if first is None:
            continue
        label_cells = [c for c in cells[: min(header.values())] if c] if header else []
        # the totals row of a funds block
        if header is not None and any(TOTAL_ROW.match(c) or _is(c, TOTAL_WORDS) for c in label_cells):
            money = _funds_money(row, header, unit)
            for name, (v, raw, col) in money.items():
                facts.append(Fact(name, v, raw, "年度资金总额", _cell_at(r, col)[1], " | ".join(row), True))
            rate = score = weight = None
            if "execution_rate" in header and header["execution_rate"] < len(row):
                raw, at = _cell_at(r, header["execution_rate"])
                rate = parse_percent(raw)
                if rate is not None:
                    facts.append(Fact("execution_rate", rate, raw, "执行率", at, " | ".join(row)))
            if "score" in header and header["score"] < len(row):
                score = parse_score(row[header["score"]])
            if "weight" in header and header["weight"] < len(row):
                weight = parse_score(row[header["weight"]])
            funds = Funds({f: m[0] for f, m in money.items()}, [], rate, weight, score)
            continue
        # the parts below it: 其中：财政拨款, 上年结转资金, 其他资金
        if header is not None and funds is not None and label_cells and PART_ROW.search(label_cells[-1]):
            funds.parts.append(
                (label_cells[-1], {f: m[0] for f, m in _funds_money(row, header, unit).items()})
            )
            continue
        header = None
        # the final score of the form (a rubric states it first: 评价得分 | … | 97)
        if SCORE_ROW.match(cells[first]) or _is(cells[first], SCORE_WORDS):
            if score_col is not None and score_col < len(row):
                raw, at = _cell_at(r, score_col)
                v = parse_score(raw)
                if v is not None:
                    facts.append(Fact("self_score", v, raw, cells[first], at, " | ".join(row)))
                    total_score = v
            if since:
                ind_header = None  # it closes the indicators above it
            continue
        if CLOSING_ROW.match(cells[first]):
            ind_header = None
        # indicator rows (a key row repeated on the next page is not one: 项目名称 | X)
        if ind_header is not None and not any(key_of(c) for c in cells):
            ind = _indicator(row, ind_header, levels, page)
            if ind is not None:
                indicators.append(ind)
                since += 1
                if ind.project_name:  # a project listed one row per indicator
                    listed.append(_listed(ind.project_name, r, ind_header, unit, page))
                continue
        # a problems cell: 存在问题 | 1.资金拨付滞后；2.…
        section = section_of(cells[first]) if len(cells[first]) <= PROBLEM_LABEL_MAX else None
        if section is not None:
            text = key_value(row, first)
            if text and not P.BARE_NUMBER.match(text) and not TEMPLATE_PROMPT.search(text):
                for seq, item in enumerate(split_items(text), start=1):
                    problems.append(Problem(section, seq, item, theme(item), project))
        # key cells and label cells
        for i, c in enumerate(cells):
            key = key_of(c)
            if key is not None:
                value = key_value(row, i)
                if value and key == "grade":
                    value = grade_of(value)
                if value and key not in keys:
                    keys[key] = value
            elif (money_key := MONEY_KEYS.get(c.rstrip(":："))) and c != (cells[i - 1] if i else ""):
                fact = _money_key(r, i, unit, money_key[0])
                if fact is not None:
                    facts.append(fact)
            elif c and not P.BARE_NUMBER.match(c):
                text_i, at = _cell_at(r, i)
                facts.extend(scan(text_i, page, at.start))
    state = TableState(unit, header, score_col, ind_header, levels, funds)
    return _Rows(
        tuple(facts), keys, tuple(indicators), tuple(problems), state, funds, total_score, tuple(listed)
    )


FUNDS_HEAD = frozenset({"budget_initial", "budget_adjusted", "expenditure", "execution_rate"})


def _heads(cols: dict[str, int], icols: dict[str, int]) -> bool:
    """Whether a row's columns make a header: a funds block's (two of its figures) or an
    indicator table's (一级 and 二级, or 三级 and its target)."""
    return (
        len(cols.keys() & FUNDS_HEAD) >= 2
        or {"level1", "level2"} <= icols.keys()
        or {"level3", "target"} <= icols.keys()
    )


def _two_row_header(
    row: Sequence[str], below: Sequence[str] | None
) -> tuple[dict[str, int], dict[str, int]] | None:
    """A header written over two rows, each column's words split between them (| 一级 | 全年 |
    over | 指标 | 预算数(A) |): the columns the two name read together, where they make a header
    the first row alone does not, naming more than the second alone. Neither row holds a
    figure or names a key."""
    if below is None or not any(c.strip() for c in below):
        return None
    if any(_FIGURE.match(label_of(c)) for c in (*row, *below)):
        return None
    if any(key_of(label_of(c)) for c in (*row, *below)):
        return None
    joined = [a + b for a, b in zip_longest(row, below, fillvalue="")]
    cols, icols = _match_columns(joined, FUNDS_WORDS), _match_columns(joined, INDICATOR_WORDS)
    alone = len(_match_columns(below, FUNDS_WORDS)) + len(_match_columns(below, INDICATOR_WORDS))
    if len(cols) + len(icols) <= alone:
        return None  # the header is the row below, whole (a text row above it adds nothing)
    return (cols, icols) if _heads(cols, icols) else None


# a cell that is a figure: 43.2, 86%, 5.00万元 (a header's digits stand among its words: 预算执行情况(10分))
_FIGURE = regex.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?(?:%|万元|元|分)?$")


def _is(cell: str, words: Vocabulary) -> bool:
    """Whether a cell is one of a row's labels, damaged or not (a colon after it)."""
    return cell.rstrip(":：") in words


def _listed(name: str, r: Row, cols: dict[str, int], unit: Unit | None, page: int | None) -> Listed:
    """A project a listing row names, with its budget where the row states it in the table's unit."""
    facts = []
    row = r.cells
    col = cols.get(F.BUDGET_ADJUSTED.name)
    if col is not None and col < len(row):
        raw, at = _cell_at(r, col)
        value = parse_money(raw, unit)
        if value is not None:
            facts.append(Fact(F.BUDGET_ADJUSTED.name, value, raw, "预算数", at, " | ".join(row), True))
    return Listed(name, tuple(facts), page, (0, 0))


def _money_key(r: Row, i: int, unit: Unit | None, name: str) -> Fact | None:
    """The figure a money key cell names in the cell to its right: | 预算数: | 37 | (万元 from the
    row's label or the table's unit)."""
    row = r.cells
    label = squash(row[i])
    for j in range(i + 1, len(row)):
        c = squash(row[j])
        if c and c != label:
            raw, at = _cell_at(r, j)
            value = parse_money(raw, unit)
            if value is None:
                return None
            return Fact(name, value, raw, label.rstrip(":："), at, " | ".join(row), True)
    return None


def _funds_money(row: Sequence[str], header: dict[str, int], unit: Unit | None) -> dict:
    """field -> (yuan, raw, column) for the money columns of a funds row."""
    out = {}
    for f in MONEY_COLUMNS:
        col = header.get(f.name)
        if col is not None and col < len(row):
            raw = _flat(row[col])
            v = parse_money(raw, unit)
            if v is not None:
                out[f.name] = (v, raw, col)
    return out


def _cell(row: Sequence[str], cols: dict[str, int], name: str) -> str | None:
    i = cols.get(name)
    if i is None or i >= len(row):
        return None
    v = " ".join((row[i] or "").split())
    return v or None


# the standard names of the first and second levels (the Ministry of Finance's framework of
# 共性指标): a row whose 二级 and 三级 cells hold them stands one column to the right
LEVEL1_NAMES = frozenset({"产出指标", "效益指标", "满意度指标", "成本指标"})
LEVEL2_NAMES = frozenset(
    {
        "数量指标",
        "质量指标",
        "时效指标",
        "成本指标",
        "经济效益指标",
        "社会效益指标",
        "生态效益指标",
        "可持续影响指标",
        "服务对象满意度指标",
        "满意度指标",
    }
)


def _level(cell: str) -> str:
    """A level's name without the weight written into its cell: '（20分） 项目决策' -> '项目决策'."""
    return LEVEL_WEIGHT.sub("", LEADING_WEIGHT.sub("", cell)).strip()


def _indicator(row: Sequence[str], cols: dict[str, int], levels: list, page: int | None) -> Indicator | None:
    l1, l2, l3 = _cell(row, cols, "level1"), _cell(row, cols, "level2"), _cell(row, cols, "level3")
    target = _cell(row, cols, "target")
    if l2 in LEVEL1_NAMES and l3 in LEVEL2_NAMES and l1 not in LEVEL1_NAMES:
        # a template row one column to the right: | 项目完成指标 | 产出指标 | 数量指标 | 辖区危旧房改造覆盖率 | 不低于50% |
        # under 一级 | 二级 | 三级 | 预期指标值 | 实际完成指标值 (the real r02): the name in the 预期 column
        l1, l2, l3, target = l2, l3, target, None
    # a merged cell is empty below its first row in a PDF, repeated in Word: carry it down
    if l1:
        levels[0] = _level(l1)
        levels[1] = None
    if l2:
        levels[1] = _level(l2)
    if not l3 or PLACEHOLDER.match(l3):
        return None
    l3 = TEMPLATE_NO.sub("", l3).strip()
    # a 得分表 writes the indicator's weight into its name: "相关性（5分）" (no 分值 column)
    named = LEVEL_WEIGHT.search(l3)
    l3 = _level(l3)
    if not l3:
        return None
    if "nature" in cols or "measure" in cols:
        parts = [_cell(row, cols, "nature"), target, _cell(row, cols, "measure")]
        target = "".join(p for p in parts if p) or None
    weight = _cell(row, cols, "weight") or (named.group("w").lstrip("+").replace("−", "-") if named else None)
    score = _cell(row, cols, "score")
    actual = _cell(row, cols, "actual")
    t, a = measure(target), measure(actual)
    project = _cell(row, cols, F.PROJECT_NAME.name)
    return Indicator(
        P.LEADING_CODE.sub("", project) if project else None,
        levels[0],
        levels[1],
        l3,
        target,
        actual,
        parse_score(weight) if weight else None,
        parse_score(score) if score else None,
        _cell(row, cols, "deviation_reason"),
        page,
        t.op,
        t.value,
        t.unit,
        a.op,
        a.value,
        a.unit,
    )
