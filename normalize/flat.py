"""Forms flattened into text, rebuilt into tables.

A web page's text, a PDF's text layer or a copy out of either loses a form's grid: each row
becomes one line, its cells apart by runs of spaces (or by one space, in a PDF's text), or
every cell stands on a line of its own, and the empty cells are gone. A reader still reads
such a form, because the form's rows and columns come in a known order:

    项目名称  X项目  负责人及电话  …            key cells: a label, its value to its right
    资金情况(万元)  全年预算数(A)  全年执行数(B)  分值  执行率(B/A)  得分      a header row
    年度资金总额:  20  20  10  100.00%  10       a label, then its figures in the header's order
    绩效指标  一级指标  二级指标  三级指标  分值  年度指标值  全年实际值  得分   a header row
    产出指标(70分)  数量指标  安装坡面水标尺  10  ≥266米  ≥266米  10
    水标尺宽度  10  ≥50厘米  ≥50厘米  10        its levels carried down from the row above
    总分  100  100

`rebuild` finds such runs of paragraphs (from a key cell or a header to the form's notes)
and turns each into a `Table` whose rows hold each cell at its header's column, with its
own span in the page text, so the table readers read it as any other form. A figure is put
in a column only where its place is certain: every way to lay the row's figures out under
its header that fits the columns' kinds (a score is a number, an execution rate a
percentage, a target and its actual value alike) puts it there. Where the ways disagree
(an empty cell dropped in the middle of a row) the figure is left out: a missing figure is
better than a wrong one. A run that rebuilds no header row, or puts no figure under one, is left as text (a checklist
whose columns hold no figures is read as lines: its grid is not evident).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import combinations

import regex

from extract.layout import CELL_GAP
from normalize import fields as F
from normalize import patterns as P
from normalize.amounts import parse_money, parse_percent, parse_score
from normalize.forms import form_title
from normalize.measures import QUALIFIER
from normalize.model import Where
from normalize.parts import Row, Table, Text
from normalize.scope import rank
from normalize.tables import (
    DEPARTMENT_CELLS,
    NOTE_WORDS,
    TEMPLATE_NO,
    header_columns,
    is_header_word,
    is_score_row,
    key_of,
    label_of,
    level_name,
    standard_level,
)

# cells of a flattened row apart by a single space, where no run of spaces parts them (a PDF's
# text layer); runs of spaces and tabs are extract.layout.CELL_GAP, which also keeps such a line
# from running into a sentence
SPACE = regex.compile(r"[ \u3000]+")
# a unit or a closing bracket cut from its number by a PDF's text layer: "≥266 米", "(70 分)"
UNIT_PIECE = regex.compile(
    r"^(?:[)）]|%|％|分[)）]?|(?:万元|元|米|厘米|公里|千米|平方米|亩|个|人次|人|户|次|家|项|所|台|套|座|吨|辆|件|批|场|篇"
    r"|条|份|本|盏|处|名|年|月|日|天|小时|周|期|栋|间|张|棵|株|册|km|m)(?:[)）%])?$)"
)
# what ends a run: the form's notes (注：1.…, 填表人：…)
NOTE = regex.compile("^(?:注|联系人|单位负责人|" + "|".join(NOTE_WORDS) + r")\s*[:：\d]")
# the key cells a value runs on into where a margin cut a row (…经费主管部门), longest first
KEY_TAILS = tuple(
    sorted({w for w in (*F.UNIT_NAME.cells, *DEPARTMENT_CELLS) if len(w) >= 4}, key=len, reverse=True)
)
# a paragraph this long is a sentence, not a cell
CELL_MAX = 300
# the ranks of a report's own numbered headings (第一部分 / 附件, 一、, （一）): a run ends there
SECTION_RANKS = (0, 1, 2)
# a template's row that holds only an ellipsis
ELLIPSIS = regex.compile(r"[…]+$|\.{3,}$")


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    where: Where


def rebuild(blocks: Sequence[Text | Table]) -> tuple[Text | Table, ...]:
    """The blocks with each flattened form rebuilt into a table, in document order."""
    out: list[Text | Table] = []
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if isinstance(b, Text) and not b.heading and _opens(b):
            end = _run_end(blocks, i)
            tables = _tables(blocks[i:end], out[-1].text if out and isinstance(out[-1], Text) else "")
            if tables:
                out.extend(tables)
                i = end
                continue
        out.append(b)
        i += 1
    if len(out) == len(blocks) and all(x is y for x, y in zip(out, blocks)):
        return tuple(blocks)
    return tuple(_renumbered(out))


def _renumbered(blocks: list[Text | Table]) -> Iterator[Text | Table]:
    for k, b in enumerate(blocks):
        yield replace(b, order=(k, 0)) if isinstance(b, Text) else replace(b, order=k)


def _opens(t: Text) -> bool:
    """A paragraph that opens a flattened form: a key cell, or a header, standing as cells."""
    lines = _lines(t, whole=False)
    cells = [c for line in lines for c in line]
    if len(cells) == 1:
        c = label_of(cells[0].text).rstrip(":：")
        return key_of(c) is not None or is_header_word(cells[0].text)
    return any(
        key_of(label_of(c.text).rstrip(":：")) is not None or header_columns([x.text for x in line])
        for line in lines
        for c in line[:1]
    )


def _run_end(blocks: Sequence[Text | Table], i: int) -> int:
    """Where the run of paragraphs from `i` ends: at a heading, a table, the form's notes, a
    numbered section, a new form's title or a long sentence."""
    j = i + 1
    while j < len(blocks):
        b = blocks[j]
        if not isinstance(b, Text) or b.heading or len(b.text) > CELL_MAX:
            break
        s = b.text.strip()
        if NOTE.match(s) or rank(s) in SECTION_RANKS or form_title(s):
            break
        j += 1
    return j


# ---- paragraphs to cells ----------------------------------------------------------------------


def _lines(t: Text, whole: bool = True) -> list[list[Cell]]:
    """A paragraph's cells, line by line: apart at runs of spaces where it has them, else at
    single spaces with a unit or bracket glued back to its number. A header standing inside a
    line (a PDF's text layer ran a row on into the next) starts a line of its own."""
    text = t.text
    gap = CELL_GAP if CELL_GAP.search(text) else SPACE
    cells: list[Cell] = []
    pos = 0
    for m in (*gap.finditer(text), None):
        a, b = pos, (m.start() if m else len(text))
        piece = text[a:b]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            piece = piece.strip()
            where = Where(t.page, t.start + a + lead, t.start + a + lead + len(piece))
            if gap is SPACE and cells and _glued(cells[-1].text, piece):
                prev = cells[-1]
                cells[-1] = Cell(prev.text + piece, Where(t.page, prev.where.start, where.end))
            else:
                cells.append(Cell(piece, where))
        pos = m.end() if m else len(text)
    cells = [c for c in (_trimmed(c) for c in cells) if c.text]
    if not whole:
        return [cells]  # enough to see whether a form opens here
    if gap is SPACE:
        cells = [piece for c in cells for piece in _run_together(c)]
    # a row run on into the next where the margin cut it: 偏差原因分析及改进措施产出指标 (a header
    # word, then the next row's level) is two lines
    for k, c in enumerate(cells):
        if k and c.where.end == c.where.start + len(c.text) and _header_word_then_level(c.text) is not None:
            n = _header_word_then_level(c.text)
            assert n is not None
            head = Cell(c.text[:n], Where(c.where.page, c.where.start, c.where.start + n))
            rest = Cell(c.text[n:], Where(c.where.page, c.where.start + n, c.where.end))
            return [*_header_split(cells[:k] + [head]), *_header_split([rest, *cells[k + 1 :]])]
    return _header_split(cells)


def _header_word_then_level(text: str) -> int | None:
    """Where a cell that is a header word run on into an indicator level splits."""
    for n in range(len(text) - 2, 1, -1):
        if is_header_word(text[:n]) and standard_level(text[n:]):
            return n
    return None


def _run_together(c: Cell) -> list[Cell]:
    """A value run on into the key after it (经费主管部门: the margin cut the row) is two cells."""
    for key in KEY_TAILS:
        if c.text.endswith(key) and len(c.text) > len(key):
            n = len(c.text) - len(key)
            return [
                Cell(c.text[:n], Where(c.where.page, c.where.start, c.where.start + n)),
                Cell(key, Where(c.where.page, c.where.start + n, c.where.end)),
            ]
    return [c]


def _header_split(cells: list[Cell]) -> list[list[Cell]]:
    # a header run inside the line: the cells before it are a line of their own
    for k in range(1, len(cells) - 1):
        if is_header_word(cells[k].text) and is_header_word(cells[k + 1].text):
            if any(not _labels_header(c.text) for c in cells[:k]) and header_columns(
                [c.text for c in cells[k:]]
            ):
                return [cells[:k], cells[k:]]
            break
    return [cells]


def _glued(prev: str, piece: str) -> bool:
    """Whether a piece after one space is the rest of the cell before it."""
    if UNIT_PIECE.match(piece) and prev[-1:].isdigit():
        return True
    if (piece.isdigit() and TEMPLATE_NO.fullmatch(prev + piece)) or (
        TEMPLATE_NO.fullmatch(prev) and regex.match(r"\p{Han}", piece)
    ):
        return True  # the template's numbering: 指标 1 工程完工率 is 指标1工程完工率
    return prev.count("(") + prev.count("（") > prev.count(")") + prev.count("）")


def _trimmed(c: Cell) -> Cell:
    m = ELLIPSIS.search(c.text)
    if not m or m.start() == 0:
        return c if not m else Cell("", c.where)
    text = c.text[: m.start()].rstrip()
    return Cell(text, Where(c.where.page, c.where.start, c.where.start + len(text)))


# ---- cells to rows ----------------------------------------------------------------------------

# the kind of figure a column holds
MONEY, RATE, NUMBER, TEXT, ANY = "money", "rate", "number", "text", "any"
KINDS = {
    **{f.name: MONEY for f in (F.BUDGET_INITIAL, F.BUDGET_ADJUSTED, F.EXPENDITURE)},
    F.EXECUTION_RATE.name: RATE,
    "weight": NUMBER,
    "score": NUMBER,
    F.DEVIATION_REASON.name: TEXT,
}
LEVELS = ("level1", "level2", "level3")


def _fits(kind: str, text: str) -> bool:
    if kind == MONEY:
        return _number(text) or (parse_money(text) is not None and parse_percent(text) is None)
    if kind == RATE:
        return parse_percent(text) is not None or _number(text)
    if kind == NUMBER:
        return _number(text) and parse_score(text) is not None
    if kind == TEXT:
        return not _figure_like(text)
    return True


def _figure_like(text: str) -> bool:
    """A number, a percentage or a measure (≥266米, 20万元, 95%以上): what fills a figure's cell."""
    if _number(text):
        return True
    m = P.MEASURE.match(P.fold(text))
    return m is not None and not QUALIFIER.sub("", m.group("pre")).strip()  # 约3000人, not 效益指标(20分)


def _number(text: str) -> bool:
    return bool(P.BARE_NUMBER.match(text))


@dataclass(frozen=True, slots=True)
class _Header:
    """A rebuilt header row: its width, and the field of each column it names."""

    width: int
    fields: dict[int, str]  # column -> field
    indicators: bool

    def values(self) -> list[int]:
        """The columns figures go in: every named column right of the labels (levels and
        the indicator's name are labels)."""
        first = min((c for c, f in self.fields.items() if f not in LEVELS), default=self.width)
        return [c for c in range(first, self.width) if self.fields.get(c) not in LEVELS]


def _tables(blocks: Sequence[Text | Table], caption: str) -> list[Table]:
    """The run's rows as tables, one per page; none where no header row was rebuilt."""
    units = [line for b in blocks if isinstance(b, Text) for line in _lines(b) if line]
    rows = _rows(units)
    if rows is None:
        return []
    tables: list[Table] = []
    for row in rows:
        if tables and tables[-1].page == row.where.page:
            tables[-1] = replace(tables[-1], rows=(*tables[-1].rows, row))
        else:
            tables.append(Table((row,), row.where.page, 0, caption if not tables else "", bool(tables)))
    return tables


def _rows(lines: list[list[Cell]]) -> list[Row] | None:
    """Each line with several cells a row; lines of one cell read as a stream, cut into rows by
    the form's order (a key and its value; a header's words; a label and its figures; an
    indicator's levels, name and figures)."""
    out: list[Row] = []
    header: _Header | None = None
    headers = placed = 0
    stream = [line[0] for line in lines if len(line) == 1]
    single = len(stream) > len(lines) // 2
    cells = [c for line in lines for c in line] if single else []
    k = 0
    items: Iterator[list[Cell]] = iter(lines)
    while True:
        if single:
            if k >= len(cells):
                break
            row_cells, k = _take(cells, k, header)
        else:
            line = next(items, None)
            if line is None:
                break
            row_cells = line
        texts = [c.text for c in row_cells]
        cols = header_columns(texts)
        if cols is not None:
            funds, ind = cols
            named = {i: f for f, i in {**funds, **ind}.items()}
            header = _Header(len(texts), named, bool(ind) and not funds.keys() - {"weight", "score"})
            headers += 1
            out.append(_row(row_cells, list(range(len(row_cells))), len(row_cells)))
            continue
        if key_of(label_of(texts[0]).rstrip(":：")) is not None or header is None:
            header = None
            out.append(_row(row_cells, list(range(len(row_cells))), len(row_cells)))
            continue
        row, n = _placed(row_cells, header)
        if row is not None:
            out.append(row)
        placed += n
    return out if headers and placed else None


def _take(cells: list[Cell], k: int, header: _Header | None) -> tuple[list[Cell], int]:
    """The next row of a stream of cells, from `k`, and where the one after it starts."""
    first = cells[k].text
    if key_of(label_of(first).rstrip(":：")) is not None:
        nxt = cells[k + 1].text if k + 1 < len(cells) else ""
        if nxt and key_of(label_of(nxt).rstrip(":：")) is None and not is_header_word(nxt):
            return cells[k : k + 2], k + 2
        return cells[k : k + 1], k + 1
    if is_header_word(first) or (
        k + 1 < len(cells) and is_header_word(cells[k + 1].text) and _labels_header(first)
    ):
        j = k + 1
        while j < len(cells) and is_header_word(cells[j].text):
            j += 1
        if header_columns([c.text for c in cells[k:j]]):
            return cells[k:j], j
    if header is None:
        return cells[k : k + 1], k + 1
    if header.indicators and not is_score_row(first):
        return _take_indicator(cells, k, header)
    # a label and the figures after it
    j = k + 1
    while j < len(cells) and _figure_like(cells[j].text):
        j += 1
    return cells[k:j], j


def _labels_header(text: str) -> bool:
    """A short label cell before a header's words: 资金情况(万元), 绩效指标."""
    return len(text) <= 12 and not _figure_like(text)


def _take_indicator(cells: list[Cell], k: int, header: _Header) -> tuple[list[Cell], int]:
    """An indicator row of a stream: its level cells, its name, then as many figures as lay
    out under the header with the cell after them able to open the next row."""
    j = k
    while j < len(cells) and j - k < 2 and level_name(cells[j].text):
        j += 1
    if j < len(cells) and not level_name(cells[j].text) and not _figure_like(cells[j].text):
        j += 1  # the indicator's name
    else:
        return cells[k:j] or cells[k : k + 1], max(j, k + 1)
    columns = [c for c in header.values() if header.fields.get(c) != F.DEVIATION_REASON.name]
    stop = j
    while stop < len(cells) and stop - j < len(columns) and not _stops(cells[stop].text):
        stop += 1
    for n in range(stop - j, -1, -1):
        after = cells[j + n].text if j + n < len(cells) else None
        if after is not None and _figure_like(after):
            continue
        if n == 0 or _layouts([c.text for c in cells[j : j + n]], header, columns):
            return cells[k : j + n], j + n
    return cells[k:j], j


def _stops(text: str) -> bool:
    return bool(level_name(text)) or is_score_row(text) or key_of(label_of(text)) is not None


def _placed(cells: list[Cell], header: _Header) -> tuple[Row | None, int]:
    """A row's cells at its header's columns: labels (levels and the name, or a row's label)
    left of the figures, each figure where every layout puts it; and how many figures were
    placed."""
    columns = header.values()
    texts = [c.text for c in cells]
    n_labels = 0
    if header.indicators and not is_score_row(texts[0]):
        while n_labels < len(texts) and n_labels < 2 and level_name(texts[n_labels]):
            n_labels += 1
        if n_labels < len(texts) and not _figure_like(texts[n_labels]):
            n_labels += 1
    else:
        while n_labels < len(texts) and not _figure_like(texts[n_labels]):
            n_labels += 1
    labels, figures = cells[:n_labels], cells[n_labels:]
    if header.indicators and is_score_row(texts[0]):
        columns = [c for c in columns if header.fields.get(c) in ("weight", "score")]
    at = _label_columns([c.text for c in labels], header)
    # a reason's sentence cut at its spaces (a PDF's text layer) is one cell: the last column's
    while columns and len(figures) > len(columns) and KINDS.get(header.fields.get(columns[-1], "")) == TEXT:
        a, b = figures[-2], figures[-1]
        figures = [
            *figures[:-2],
            Cell(a.text + " " + b.text, Where(a.where.page, a.where.start, b.where.end)),
        ]
    placed = _layouts([c.text for c in figures], header, columns)
    slots = dict(zip(at, labels))
    for i, col in placed.items():
        slots[col] = figures[i]
    if not slots:
        return None, 0
    order = sorted(slots)
    return _row([slots[c] for c in order], order, max(header.width, order[-1] + 1)), len(placed)


def _label_columns(labels: list[str], header: _Header) -> list[int]:
    """The columns of a row's label cells: under an indicator header its levels' and its
    name's (a lone level by its kind: 产出指标(70分) the first, 数量指标 the second), else the
    columns left of the figures, right-aligned."""
    by_field = {f: c for c, f in header.fields.items()}
    if header.indicators and labels:
        levels = [level_name(t) for t in labels]
        named = labels if all(levels) else labels[:-1]  # the last is the name, unless a level
        kinds = [1, 2] if len(named) == 2 else [levels[0]] if named else []
        found = [by_field.get(f"level{k}") for k in kinds]
        if not all(levels):
            found.append(by_field.get("level3"))
        cols = [c for c in found if c is not None]
        if len(cols) == len(found) and cols == sorted(set(cols)):
            return cols
    first = min(header.values(), default=header.width)
    start = max(0, first - len(labels))
    return list(range(start, start + len(labels)))


def _layouts(values: list[str], header: _Header, columns: list[int]) -> dict[int, int]:
    """value index -> column, for the values every fitting layout puts in the same column."""
    if not values or len(values) > len(columns):
        return {}
    kinds = [KINDS.get(header.fields.get(c, ""), ANY) for c in columns]
    fields = [header.fields.get(c) for c in columns]
    agreed: dict[int, set[int]] = {}
    for pick in combinations(range(len(columns)), len(values)):
        if not all(_fits(kinds[p], v) for p, v in zip(pick, values)):
            continue
        got = {fields[p]: v for p, v in zip(pick, values)}
        t, a = got.get(F.TARGET.name), got.get(F.ACTUAL.name)
        if t is not None and a is not None and _has_digit(t) != _has_digit(a):
            continue  # a target and its actual value are alike
        for i, p in enumerate(pick):
            agreed.setdefault(i, set()).add(columns[p])
    if len(agreed) < len(values):
        return {}
    return {i: next(iter(cols)) for i, cols in agreed.items() if len(cols) == 1}


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _row(cells: list[Cell], columns: list[int], width: int) -> Row:
    """A row of `width` cells, `cells` at `columns`, the others empty (at the row's start)."""
    page = cells[0].where.page
    start = cells[0].where.start
    texts = [""] * width
    spans = [Where(page, start, start)] * width
    for c, col in zip(cells, columns):
        texts[col] = c.text
        spans[col] = c.where
    same = [c.where for c in cells if c.where.page == page]
    return Row(tuple(texts), Where(page, start, max(w.end for w in same)), tuple(spans))
