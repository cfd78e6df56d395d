"""Where each form (自评表) starts and ends, in a document's blocks.

A form starts at a form title (a paragraph, or a table row that holds nothing else:
部门预算项目支出绩效自评表（2023年度）) or at a 项目名称 row, also in the middle of a table,
and ends before the next. Real Word files paste dozens of filled forms one after another
inside one long table (the real 单位决算 r02-r04), so a table is no form's boundary:

    | 项目支出绩效自评表（2023年度） |            <- a title row: a new form
    | 项目名称 | 高标准农田建设项目 |              <- names it
    | 年度资金总额 | 400 | 420 | 420 | … |
    | 项目名称 | 农作物病虫害统防统治补助 |        <- another name: another form
    …

A 项目名称 row that repeats the name of the form it is in (the key row a PDF repeats on
the next page) goes on with that form. Tables before the first form are the report's own
form (no name); a table after a form goes on with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from normalize import patterns as P
from normalize.parts import Carry, Form, Piece, Row, Table, Text
from normalize.tables import project_name_in, squash
from normalize.tolerance import label_view

# a longer text that names a form is a sentence about it ("附表：…自评表" stays short enough)
TITLE_MAX = 40


def form_title(text: str) -> str | None:
    """The text, squashed, if it is a form's title."""
    s = squash(text)
    return s if len(s) <= TITLE_MAX and P.FORM_TITLE.search(label_view(s)) else None


def title_row(cells: Sequence[str]) -> str | None:
    """A table row that holds only a form's title (in one cell, or merged over all)."""
    distinct = {squash(c) for c in cells} - {""}
    return form_title(next(iter(distinct))) if len(distinct) == 1 else None


@dataclass(slots=True)
class _Open:
    """The form being gathered."""

    name: str | None
    title: str | None
    page: int | None
    order: tuple[int, int]
    pieces: list[Piece] = field(default_factory=list)

    def form(self) -> Form:
        return Form(self.name, self.title, self.page, self.order, tuple(self.pieces))


def segment_forms(blocks: Sequence[Text | Table]) -> tuple[Form, ...]:
    """The forms of a document's blocks, in order, each with its runs of table rows."""
    forms: list[_Open] = []

    def start(name: str | None, title: str | None, page: int | None, order: tuple[int, int]) -> _Open:
        forms.append(_Open(name, title, page, order))
        return forms[-1]

    for b in blocks:
        if isinstance(b, Text):
            title = form_title(b.text) if b.item is None else None
            if title and not (forms and forms[-1].title and not forms[-1].pieces):
                start(None, title, b.page, b.order)
            continue
        rows: list[Row] = []
        carry = Carry.ALL if b.continued else Carry.NONE
        for i, row in enumerate(b.rows):
            title = title_row(row.cells)
            name = None if title else project_name_in(row.cells)
            cur = forms[-1] if forms else None
            new: _Open | None = None
            if title:
                if not (cur and cur.title and not cur.pieces and not rows):
                    new = start(None, title, b.page, (b.order, i))
            elif name:
                if cur is not None and cur.name is not None and squash(cur.name) == squash(name):
                    pass  # the key row repeated on the next page: the same form goes on
                elif cur is not None and cur.name is None and (cur.title or not (cur.pieces or rows)):
                    cur.name, cur.page = name, b.page  # the form its title opened is named
                else:
                    new = start(name, None, b.page, (b.order, i))
            if new is not None and cur is not None and rows:
                cur.pieces.append(Piece(tuple(rows), b.page, b.caption, carry))
            if new is not None:
                rows, carry = [], Carry.UNIT if (i or b.continued) else Carry.NONE
            if not forms:
                start(None, None, b.page, (b.order, i))  # the report's own tables
            rows.append(row)
        if rows:
            forms[-1].pieces.append(Piece(tuple(rows), b.page, b.caption, carry))
    return tuple(f.form() for f in forms)
