"""Problems and measures as data: the 存在的问题 and 改进措施 sections split into items,
each given a theme from a small editable keyword dictionary (data/problem_themes.txt),
so a county can count what recurs.

    存在的困难和问题：                      -> section "problems"
    (一)…。 (二)预算绩效管理意识不深入。…    -> one item each
    下一步改进措施：                        -> section "measures"
    （一）强化宣传，… 一是多措并举，…         -> an item and the paragraphs under it
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files

import regex

from extract.model import Block, BlockKind
from normalize import patterns as P
from normalize.model import Problem, Section
from normalize.segment import words

# the heading of each section, as reports word it
PROBLEM_HEAD = regex.compile(
    r"存在的?(?:主要)?(?:困难和|困难与)?问题|主要问题|问题及原因|存在问题|问题与不足|不足之处"
)
MEASURE_HEAD = regex.compile(
    r"改进措施|整改措施|下一步(?:工作)?(?:打算|计划|措施|工作)|意见(?:和|及)?建议|改进建议|工作建议"
)
# a chapter heading ends a section: 一、 二、 … or 第X部分
CHAPTER = regex.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*、|第[一二三四五六七八九十]+[章部分节]|附件|附表)"
)
# an item: （一） (1) 1、 1. 一是
ITEM = regex.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|\d{1,2}\s*[、.．](?!\d)|[①-⑳])\s*"
)
# the same numbering inside one form cell: "1.资金拨付滞后；2.宣传不足"
INLINE_ITEM = regex.compile(
    r"(?:^|(?<=[。；;!！\s]))\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,2}\s*[）)]|\d{1,2}\s*[、.．](?!\d)|[①-⑳])"
)


@lru_cache(maxsize=1)
def themes() -> tuple[tuple[str, tuple[str, ...]], ...]:
    out = []
    for line in (files("normalize") / "data" / "problem_themes.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or ":" not in line:
            continue
        name, _, kws = line.partition(":")
        out.append((name.strip(), tuple(kws.split())))
    return tuple(out)


def theme(text: str) -> str:
    """The theme whose keywords the item uses most (jieba tokens, or longer phrases as written)."""
    tokens = set(words(text))
    best, hits = "其他", 0
    for name, kws in themes():
        n = sum(1 for k in kws if k in tokens or (len(k) >= 3 and k in text))
        if n > hits:
            best, hits = name, n
    return best


def _heading_like(text: str) -> bool:
    return len(text) <= 40


def section_of(heading: str) -> Section | None:
    """The section a heading or a form's row label opens: '存在的问题' -> PROBLEMS."""
    if PROBLEM_HEAD.search(heading):
        return Section.PROBLEMS
    if MEASURE_HEAD.search(heading):
        return Section.MEASURES
    return None


def split_items(text: str) -> list[str]:
    """A cell's text as items: '1.资金拨付滞后。2.宣传不足。' -> two; no numbering -> one."""
    starts = [m.start() for m in INLINE_ITEM.finditer(text)]
    if len(starts) < 2:
        return [text.strip()] if text.strip() else []
    pieces = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)])]
    out = [ITEM.sub("", p, count=1).strip() for p in pieces]
    return [p for p in out if p]


def problems(blocks: Iterable[Block]) -> list[Problem]:
    section: Section | None = None
    items: dict[Section, list[str]] = {Section.PROBLEMS: [], Section.MEASURES: []}
    for b in blocks:
        if b.kind is BlockKind.TABLE:
            continue
        text = b.text.strip()
        short = _heading_like(text)
        if short and not ITEM.match(text):
            opened = section_of(text)
            if opened is not None:
                section = opened
                continue
            if CHAPTER.match(text) or P.FORM_TITLE.search(text) or b.kind is BlockKind.HEADING:
                section = None
                continue
        if section is None:
            continue
        if CHAPTER.match(text):
            section = None
            continue
        m = ITEM.match(text)
        if m:
            items[section].append(text[m.end() :].strip())
        elif items[section]:
            items[section][-1] += text  # the paragraphs under an item are part of it
    out = []
    for name in Section:
        for seq, text in enumerate(items[name], start=1):
            out.append(Problem(name, seq, text, theme(text)))
    return out
