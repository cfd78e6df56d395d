"""The parts a report is read into, and `Reading`, the one frozen value the steps pass on.

    Document --collect--> Text and Table blocks, in document order
             --segment--> the report's paragraphs (some of them numbered project items)
                          and its forms (自评表: from a form title or a 项目名称 row to the next)
             --read-----> each part's facts: a paragraph's sentences, a form's rows
             --report, projects, indicators, findings, amounts, problems--> Records

The domain's unit is the form: a report is a set of forms and text, and a project owns
the form (or the numbered paragraph) that states its funds, score, grade, indicators and
problems. The report's own tables are a form like any other, one without a 项目名称.
Every step is a plain function `Reading -> Reading` (`normalize.reading`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from extract.model import Document
from normalize.model import AmountRow, Fact, Finding, Indicator, Problem, Project, Report, ReportKind, Where
from normalize.projects import Item


@dataclass(frozen=True, slots=True)
class Text:
    """A heading or a paragraph; `item` where it is a numbered paragraph about one project,
    `listed` the projects it lists with their money (其中: X经费 46.00 万元)."""

    text: str
    page: int | None
    start: int
    order: tuple[int, int]  # (block, row): its place in the document
    heading: bool = False
    item: Item | None = None
    facts: tuple[Fact, ...] = ()
    listed: tuple[Listed, ...] = ()


@dataclass(frozen=True, slots=True)
class Row:
    """One table row: its cells, and where its `|` line stands in the page text; a row
    rebuilt from flattened text (`normalize.flat`) has each cell's own span."""

    cells: tuple[str, ...]
    where: Where
    spans: tuple[Where, ...] | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A table block: its rows, the text just above it (a caption such as 单位：万元), and
    whether it goes on from the previous page's last table."""

    rows: tuple[Row, ...]
    page: int | None
    order: int
    caption: str = ""
    continued: bool = False


class Carry(str, Enum):
    """What a form's run of rows inherits from the rows above it."""

    NONE = "none"  # a table of its own: its unit from its caption
    ALL = "all"  # a table going on from the last page: unit, header columns, indicator levels
    UNIT = "unit"  # a form starting inside a table: the table's unit, nothing of the form above


@dataclass(frozen=True, slots=True)
class Piece:
    """The rows of one table that lie in one form."""

    rows: tuple[Row, ...]
    page: int | None
    caption: str = ""
    carry: Carry = Carry.NONE


@dataclass(frozen=True, slots=True)
class Funds:
    """A form's funds block: its totals row (field -> yuan), the parts under it (其中：财政拨款,
    上年结转 ...), and its execution rate, weight and score."""

    total: dict[str, Decimal]
    parts: list[tuple[str, dict[str, Decimal]]]  # filled in as the rows under the totals are read
    rate: Decimal | None = None
    weight: Decimal | None = None
    score: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Listed:
    """A project a table lists one row per indicator, its name in a 项目名称 column (a 决算
    package's 项目支出绩效目标表), or a sentence lists with its money: its name, what its
    rows or its sentence state, where it first stands."""

    name: str
    facts: tuple[Fact, ...]
    page: int | None
    order: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Form:
    """One filled-in 自评表, from its title or 项目名称 row to the next form's; `name` None
    for the report's own tables. What its rows state is filled in by the read step."""

    name: str | None
    title: str | None
    page: int | None
    order: tuple[int, int]
    pieces: tuple[Piece, ...] = ()
    facts: tuple[Fact, ...] = ()
    keys: dict[str, str] = field(default_factory=dict)  # project_name, unit_name, department, grade
    indicators: tuple[Indicator, ...] = ()
    funds: Funds | None = None
    total_score: Decimal | None = None
    problems: tuple[Problem, ...] = ()
    listed: tuple[Listed, ...] = ()  # the projects its indicator rows name


@dataclass(frozen=True, slots=True)
class Reading:
    """A document as far as it has been read: each step fills in its part."""

    doc: Document
    title: str | None = None
    blocks: tuple[Text | Table, ...] = ()  # after the scope step, only those that speak for the evaluation
    package: bool = False  # a 决算 / 预算 disclosure package (normalize.scope)
    performance: bool = True  # the file speaks of performance at all
    evidence: tuple[str, ...] = ()  # what its evaluation parts are called: headings, titles
    text: tuple[Text, ...] = ()
    forms: tuple[Form, ...] = ()
    kind: ReportKind = ReportKind.UNKNOWN
    report_facts: tuple[Fact, ...] = ()  # what the report's own parts state, the first of a field wins
    report: Report = field(default_factory=Report)
    projects: tuple[Project, ...] = ()
    sources: tuple[Form | Text | Listed, ...] = ()  # each project's form, paragraph or listing rows
    indicators: tuple[Indicator, ...] = ()
    findings: tuple[Finding, ...] = ()
    amounts: tuple[AmountRow, ...] = ()
    problems: tuple[Problem, ...] = ()
