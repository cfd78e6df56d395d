"""Which parts of a document speak for the evaluation, and what kind of file it is.

A self-evaluation report, a form or a rubric is evaluation from end to end. A 决算 or
预算 disclosure package (部门决算, 单位决算, 单位预算 …: a county site publishes one per
unit a year) is mostly statistics — 收入支出决算总表, the 支出功能分类 lines
(社会保障和就业支出（类）…（项）), 基本支出 and 人员经费 of the whole unit — and embeds its
evaluation in a few parts found by their headings: a 预算绩效管理情况 section, an
attached 部门整体支出绩效自评报告, 绩效自评表 / 得分表 / 绩效目标完成情况表 forms. Only
those parts may feed the records (LABELING.md, "Real files"); the statistics never do, even
where a number would fit a label.

A part runs from its heading to the next heading of the same or a higher rank. The ranks
are the numbering Chinese documents use, outermost first:

    第一部分 / 附件1 / 附表      0
    一、                         1
    （一）                       2
    1. / 1、                     3
    （1）                        4

A short heading with no number ("预算绩效管理情况") sits one rank below the numbered
heading above it. A table that carries a form's title (…自评表, …绩效目标表) is a part of
its own, wherever it stands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from normalize import patterns as P
from normalize.parts import Table, Text
from normalize.tables import label_of

# a 决算 or 预算 disclosure, named on its cover: "2023年度…部门决算", "部门决算公开编制说明",
# "2023 年单位预算", "上海市普陀区财政局2024年度部门决算"
PACKAGE = regex.compile(r"(?:部门|单位)(?:决算|预算)|(?:决算|预算)(?:公开|编制说明|情况说明)")
# where a package is named: its first lines (cover, title), short ones
COVER_BLOCKS = 12
COVER_MAX = 40
# a heading that opens an evaluation part: 预算绩效管理情况, 部门整体支出绩效自评开展情况,
# 部门整体支出绩效评价自评报告, 项目支出绩效评价得分表, 绩效目标完成情况, 绩效指标体系
EVALUATION = regex.compile(r"绩效(?!工资)|自评|得分表|评价报告|评价结果")
# a performance report's own title on the cover: …绩效自评报告, …绩效评价报告, …自评表
REPORT_TITLE = regex.compile(r"绩效.{0,12}(?:报告|自评表|评价表)|自评(?:报告|表)")
# a performance word anywhere, or the words of the figures an evaluation states: a file with
# none is no performance document (a scan whose 绩效 OCR misread still states its 执行率)
PERFORMANCE = regex.compile(r"绩效(?!工资)|自评|预算执行率|年初预算数|全年预算数|全年执行数")
# what says the file evaluates a unit's whole spending: 部门整体支出绩效评价自评报告,
# 对2019年部门整体支出开展绩效自评, 部门整体支出绩效评价指标体系 (not 单位整体支出绩效目标表)
DEPT_EVALUATION = regex.compile(r"(?:部门|单位|机关)整体(?:支出)?.{0,10}?(?:自评|评价|得分)")
# what says a form only sets targets: 单位预算项目支出绩效目标表, 绩效目标申报表 (a 绩效目标完成情况表
# reports what was done)
TARGET_TITLE = regex.compile(r"绩效目标(?:申报)?表|目标申报表")
# heading numbering, by rank (outermost first)
RANK = (
    regex.compile(r"^(?:第[一二三四五六七八九十]{1,3}部分|附件\s*\d{0,2}(?![\d.])|附表)"),
    regex.compile(r"^[一二三四五六七八九十]{1,3}\s*[、.．]"),
    regex.compile(r"^[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]"),
    regex.compile(r"^\d{1,2}\s*[、.．](?!\d)"),
    regex.compile(r"^[（(]\s*\d{1,2}\s*[)）]"),
)
# the parts every 决算 / 预算 package has, by the template, also where their 第X部分 is left
# out: 部门概况, …部门决算情况说明, 名词解释, 附表 (an outermost part: rank 0)
TEMPLATE_PART = regex.compile(r"^(?:名词解释|(?:部门|单位)概况|.{0,24}(?:决算|预算)(?:编制|情况)?说明|附表)$")
HEADING_MAX = 40  # a longer paragraph is text, whatever its number
UNNUMBERED_MAX = 25  # a heading with no number is short: 预算绩效管理情况, 单位整体支出绩效目标表
TERMINAL = regex.compile(r"[。；;！？!?]$")
# lines under a part's heading that name what it is: "附件1" / "…镇2023年度" / "部门整体支出绩效评价自评报告"
TITLE_LINES = 4


@dataclass(frozen=True, slots=True)
class Scope:
    """Which blocks speak for the evaluation, and what the file is."""

    inside: tuple[bool, ...]  # per block
    package: bool  # a 决算 / 预算 disclosure package
    performance: bool  # the file speaks of performance at all
    headings: tuple[str, ...]  # the headings and titles of its evaluation parts


def rank(text: str) -> int | None:
    """The rank of a numbered heading, or None when the text is no heading."""
    s = P.fold(text).strip().lstrip("# ")
    if len(label_of(s)) > HEADING_MAX:
        return None
    if TEMPLATE_PART.match(label_of(s).rstrip("。")):
        return 0
    for r, pattern in enumerate(RANK):
        if pattern.match(s):
            return r
    return None


def is_package(blocks: Sequence[Text | Table]) -> bool:
    """A 决算 / 预算 disclosure: its cover or title names one, and names no performance
    report (a 部门整体支出绩效自评报告 may speak of its 部门决算 in its first lines)."""
    cover = [label_of(b.text) for b in blocks if isinstance(b, Text)][:COVER_BLOCKS]
    cover = [c for c in cover if len(c) <= COVER_MAX]
    return any(PACKAGE.search(c) for c in cover) and not any(REPORT_TITLE.search(c) for c in cover)


def _unnumbered_heading(b: Text, longest: int = UNNUMBERED_MAX) -> bool:
    s = label_of(b.text).lstrip("#")
    return bool(s) and len(s) <= longest and not TERMINAL.search(s)


def _form_title(t: Table) -> str | None:
    """The title a table carries in one of its first rows (a row of one text, merged over
    the width, or two: 单位公开表6 | …绩效目标表): …自评表, …得分表, …绩效目标表."""
    for row in t.rows[:3]:
        cells = {label_of(c) for c in row.cells} - {""}
        if len(cells) <= 2:
            for c in cells:
                if len(c) <= COVER_MAX and EVALUATION.search(c):
                    return c
    return None


def table_titles(blocks: Sequence[Text | Table]) -> list[str]:
    """The titles the tables carry in their first rows."""
    return [t for b in blocks if isinstance(b, Table) for t in [_form_title(b)] if t]


def scope(blocks: Sequence[Text | Table]) -> Scope:
    """What a document's blocks are: all evaluation in a report; a package's evaluation parts."""
    words = " ".join(b.text for b in blocks if isinstance(b, Text)) + " ".join(
        c for b in blocks if isinstance(b, Table) for row in b.rows[:40] for c in row.cells
    )
    performance = bool(PERFORMANCE.search(P.fold(words)))
    if not is_package(blocks):
        return Scope(tuple(True for _ in blocks), False, performance, ())
    inside: list[bool] = []
    headings: list[str] = []
    open_rank: int | None = None  # the rank that ends the evaluation part we are in
    numbered = 0  # the rank of the last numbered heading
    for i, b in enumerate(blocks):
        if isinstance(b, Table):
            titled = _form_title(b)
            if titled:
                headings.append(titled)
            inside.append(open_rank is not None or bool(titled))
            continue
        r = rank(b.text)
        if r is not None:
            numbered = r
            if open_rank is not None and r <= open_rank:
                open_rank = None  # the part ends here
            if open_rank is None:
                named = _names_evaluation(blocks, i, r)
                if named:
                    open_rank = r
                    headings.append(named)
        elif open_rank is None and _unnumbered_heading(b) and EVALUATION.search(label_of(b.text)):
            open_rank = numbered  # one rank below the numbered heading above it
            headings.append(label_of(b.text))
        inside.append(open_rank is not None)
    return Scope(tuple(inside), True, performance and bool(headings), tuple(headings))


def _names_evaluation(blocks: Sequence[Text | Table], i: int, r: int) -> str | None:
    """What names the numbered heading at `i` an evaluation part: the heading itself, or (an
    outermost part: 附件1) one of the short title lines under it."""
    head = blocks[i]
    if isinstance(head, Text) and EVALUATION.search(label_of(head.text)):
        return label_of(head.text)
    if r != 0:
        return None
    for b in blocks[i + 1 : i + 1 + TITLE_LINES]:
        # a title line may be longer than a heading: "平昌县双鹿乡人民政府2019年部门整体支出绩效评价报告"
        if not isinstance(b, Text) or rank(b.text) is not None or not _unnumbered_heading(b, HEADING_MAX):
            return None
        if EVALUATION.search(label_of(b.text)):
            return label_of(b.text)
    return None
