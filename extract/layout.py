"""Lines to paragraphs, and paragraphs to page text.

Every reader ends here. Real reports reach us with paragraphs cut where they should
not be: PDF lines wrap at the margin, a sentence runs on across a page break
("每季度督促各部门更" / "新网站信息;" in the seed report), and text copied out of a PDF
into Word keeps those cuts as separate paragraphs. `join_broken` mends them with one
rule of Chinese typesetting: a body paragraph ends with terminal punctuation; one that
does not, followed by one that does not open with a list or section marker, is the
same paragraph.

Running headers, footers and page numbers ("— 1 —", "第 3 页 共 9 页") are dropped
here too, so no parser ever sees them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import regex

from extract.model import Block, BlockKind, Page

# A paragraph that ends with one of these is complete: 。；！？：… and their ASCII forms.
TERMINAL = regex.compile(r"[。；;！!？?：:…]\s*$")

# Opens a list item or a numbered section: 一、 （一） (1) 1、 1. 1） ① 第一 - • 附件
MARKER = regex.compile(
    r"^\s*(?:[-•·●▪]\s|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|[一二三四五六七八九十]{1,3}\s*[、.．]"
    r"|\d{1,2}\s*(?:、|[.．](?!\d))|\d{1,2}\s*[）)]|[①-⑳]|第[一二三四五六七八九十\d]+[章节部分条]|附件|附表|注[:：])"
)

# a numbered marker: (8) 1、 一、 （一）
NUMBERED = regex.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|[一二三四五六七八九十\d]{1,3}\s*[、.．)）])"
)

# Cells of a form flattened into one line stand apart by a run of spaces (or a tab); words of
# a sentence by one space at most. The gap itself, between two characters: it finds a row of
# cells (never the rest of a sentence) and parts its cells (normalize.flat)
CELL_GAP = regex.compile(r"(?<=\S)(?:[ \u3000]{2,}|\t)[ \t\u3000]*(?=\S)")

# Sentence punctuation inside a paragraph: a line with none of it is a title or a
# "label: value" field line ("部门(单位)名称: 岳阳市…"), never half of a broken sentence.
SENTENCE_PUNCT = regex.compile(r"[，、。；;]|,(?!\d{3}(?!\d))")  # not a thousands comma: 9,034
# "…综述：根据年初设": a colon with words after it
COLON_THEN_TEXT = regex.compile(r"[:：]\s*\S")

# Page furniture: "— 1 —", "- 12 -", "第 3 页", "第3页 共9页", "3 / 9", a bare page number.
PAGE_NUMBER = regex.compile(
    r"^\s*(?:[—–\-－]+\s*\d{1,4}\s*[—–\-－]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|[-—]?\s*\d{1,4}\s*[-—]?)\s*$"
)


@dataclass(frozen=True, slots=True)
class Line:
    """A piece of running text as a reader saw it.

    `wraps` is True when the reader knows the line was cut by the margin (a PDF line
    that reaches the right edge of the text block); None when it cannot know (Word,
    plain text) and the punctuation rule decides alone.
    """

    text: str
    heading: int | None = None  # heading level where the source says so (Word styles, '#')
    wraps: bool | None = None
    table: tuple[tuple[str, ...], ...] | None = None  # a table standing at this place
    continued: bool = False  # the table goes on from the previous page
    tail: str | None = None  # the last line of a paragraph mended from several, as it stood


def is_page_number(text: str) -> bool:
    return bool(PAGE_NUMBER.match(text))


def continues(prev: Line, nxt: Line) -> bool:
    """Is `nxt` the rest of the paragraph that `prev` began?"""
    if prev.table is not None or nxt.table is not None:
        return False
    if prev.heading is not None or nxt.heading is not None:
        return False
    a, b = (prev.tail or prev.text).rstrip(), nxt.text.lstrip()
    if not a or not b:
        return False
    if CELL_GAP.search(a) or CELL_GAP.search(b):
        # a row of a form flattened into a line, its cells apart by runs of spaces: the row
        # goes on only where the margin cut it
        return bool(prev.wraps) and bool(CELL_GAP.search(a)) and not CELL_GAP.search(b)
    if prev.wraps:
        # cut by the margin: always one paragraph, unless it also ended a sentence
        return not (TERMINAL.search(a) and MARKER.match(b))
    if TERMINAL.search(a) or MARKER.match(b):
        return False
    # the 、 of "一、" is the marker's, not the sentence's: a numbered title does not run on
    body = MARKER.sub("", a, count=1)
    if SENTENCE_PUNCT.search(body):
        return True
    # a numbered item that runs on after a colon ("(8) X项目绩效自评综述：根据年初设") is a sentence
    return body != a and bool(NUMBERED.match(a)) and bool(COLON_THEN_TEXT.search(body))


# A date standing alone closes a document (its 落款): "2018年5月20日", "二〇二三年六月五日"
DATE_ALONE = regex.compile(
    r"^\s*(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[二〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月"
    r"[一二三四五六七八九十]{1,3}日)\s*$"
)
# the signer's line above it: a name without punctuation
SIGNER_MAX = 30


def _closing(lines: Sequence[Line]) -> set[int]:
    """The lines of a signature: a date alone, and the short unpunctuated line just above it
    ("保山市教育局" / "2018年5月20日"). Neither is the rest of a sentence cut above them (an
    excerpt that stops mid-word, "…监测全市教", runs into no signature)."""
    out: set[int] = set()
    for i, line in enumerate(lines):
        if line.table is None and DATE_ALONE.match(line.text):
            out.add(i)
            above = lines[i - 1] if i else None
            if (
                above is not None
                and above.table is None
                and 0 < len(above.text.strip()) <= SIGNER_MAX
                and not SENTENCE_PUNCT.search(above.text)
                and not TERMINAL.search(above.text)
            ):
                out.add(i - 1)
    return out


def join_broken(lines: Iterable[Line]) -> list[Line]:
    """Merge lines that are one paragraph; keep headings, tables and a signature as they are."""
    lines = list(lines)
    closing = _closing(lines)
    out: list[Line] = []
    for i, line in enumerate(lines):
        if out and i not in closing and continues(out[-1], line):
            prev = out[-1]
            glue = " " if _ascii_word_end(prev.text) and _ascii_word_start(line.text) else ""
            out[-1] = Line(prev.text.rstrip() + glue + line.text.lstrip(), None, line.wraps, tail=line.text)
        else:
            out.append(line)
    return out


def _ascii_word_end(s: str) -> bool:
    s = s.rstrip()
    return bool(s) and s[-1].isascii() and s[-1].isalpha()


def _ascii_word_start(s: str) -> bool:
    s = s.lstrip()
    return bool(s) and s[0].isascii() and s[0].isalpha()


def table_lines(rows: Sequence[Sequence[str]]) -> str:
    """A table as `| a | b |` lines, cell line breaks folded to spaces."""
    return "\n".join("| " + " | ".join(" ".join((c or "").split()) for c in row) + " |" for row in rows)


def build_page(number: int | None, lines: Sequence[Line]) -> Page:
    """Lay lines out as one page text, one block per paragraph, heading or table."""
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for line in lines:
        if line.table is not None:
            text = table_lines(line.table)
            kind, rows = BlockKind.TABLE, line.table
        else:
            text = line.text.strip()
            kind = BlockKind.HEADING if line.heading is not None else BlockKind.PARAGRAPH
            rows = ()
        if not text:
            continue
        blocks.append(Block(kind, text, pos, pos + len(text), line.heading or 0, rows, line.continued))
        parts.append(text)
        pos += len(text) + 1
    return Page(number, "\n".join(parts), tuple(blocks))


def pages_from_lines(pages: Sequence[tuple[int | None, Sequence[Line]]]) -> tuple[Page, ...]:
    """Mend broken paragraphs within and across pages, then lay out each page.

    A paragraph cut by a page break is joined on the page where it starts: the reader
    finds the whole sentence there, as a person turning the page reads it.
    """
    fixed: list[list[Line]] = []
    for _, lines in pages:
        joined = join_broken(lines)
        if fixed and fixed[-1] and joined and continues(fixed[-1][-1], joined[0]):
            prev = fixed[-1][-1]
            fixed[-1][-1] = Line(
                prev.text.rstrip() + joined[0].text.lstrip(),
                None,
                joined[0].wraps,
                tail=joined[0].tail or joined[0].text,
            )
            joined = joined[1:]
        fixed.append(joined)
    return tuple(build_page(num, lines) for (num, _), lines in zip(pages, fixed))
