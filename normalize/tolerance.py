"""Labels read the way a reader reads them when they are damaged: a look-alike character
from OCR (年初预篡数, 项目资金(万兀), 分傎), a label in traditional characters (項目名稱),
a space or a line break inside a label (全年执行 数), one character wrong in a long label.

Labels only: a number or a name is never changed. Two tools, each measured on the corpus
(tests/test_tolerance.py: no tolerance matches a word that is no label there):

- `label_view(text)`: the text with each look-alike and each traditional character replaced
  by the label character it stands for, one character for one, so an offset in the view is
  an offset in the text. No declared label holds a character it replaces (a test checks),
  so a label is found in the view exactly as written.
- `Vocabulary.get(word)`: the label a cell's word is, exactly, in the view, or within one
  edit of one label of four characters or more: one character read in place of the label's
  or put into it. The edit must not be a word of the domain: the character is no label
  character (全年决算数 is no 全年预算数 misread, 上年预算数 no 全年预算数: 决 and 上 are label
  characters), the character makes no word with a neighbour (科目名称 and 栏目名称 are no
  项目名称, 点位名称 no 单位名称: 科目, 栏目, 点位 are words in jieba's dictionary; 预篡 and 单仕
  are none), and the match must be the only one. A character lost is no tolerance: a
  label less one character is often another word (年度目标 is the goal, 年度目标值 the target).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache, lru_cache

import regex

# OCR confusions of label characters: the character read -> the label character printed.
# Each left-hand character is one no label uses; the right-hand one is a label's.
LOOKALIKES: dict[str, str] = {
    "兀": "元",  # 万兀 for 万元
    "顶": "项",  # 顶目 for 项目
    "顷": "项",
    "牢": "率",  # 执行牢 for 执行率
    "己": "已",
    "巳": "已",
    "末": "未",
    "篡": "算",  # 年初预篡数 for 年初预算数
    "箅": "算",
    "傎": "值",  # 分傎 for 分值
    "仕": "位",  # 实施单仕 for 实施单位
    "颔": "额",  # 总颔 for 总额
    "诀": "决",  # 诀算 for 决算
    "攴": "支",
    "岀": "出",
    "兮": "分",
    "敉": "数",  # 执行敉 for 执行数
    "淂": "得",  # 淂分 for 得分
    "頟": "额",
    "祢": "称",
    "後": "后",  # 调整後预算数: a traditional form GB2312 holds too (fold keeps it)
}


@cache
def _replaced() -> regex.Pattern:
    return regex.compile("[" + "".join(regex.escape(c) for c in LOOKALIKES) + "]")


def label_view(text: str) -> str:
    """Folded text (`normalize.patterns.fold`: traditional characters are simplified there)
    as a label is read: '年初预篡数 120万兀' -> '年初预算数 120万元'; same length."""
    return text if text.isascii() else _view(text)


@lru_cache(maxsize=4096)
def _view(text: str) -> str:
    for ch in set(_replaced().findall(text)):
        text = text.replace(ch, LOOKALIKES[ch])
    return text


# Characters whose change makes another figure, not a damaged label: a word one character away
# from a label is that label misread only where the character is none of these (上年预算数 is
# last year's budget, 全年决算数 no 全年预算数, 预算执行率 no 预算执行数)
CONTRAST = "上去前后下本今明次决预初终末中央省市县区级均累计划标收入结余差小合总率数额值分"

# Labels of fewer characters are matched exactly: one edit in 分值 or 得分 is another word.
NEAR_MIN = 4
# a longer cell is a sentence, not a damaged label
NEAR_MAX = 16


def label_pattern_source(words: Iterable[str]) -> str:
    """An alternation of `words`, longest first, each allowing one space or line break
    between its characters (全年执行\\n数: a label wrapped in its cell or line)."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(r"\s?".join(regex.escape(c) for c in w) for w in ordered)


class Vocabulary:
    """The labels of one kind of cell (column headers, key cells, row labels), each with
    what it names; `get` finds a cell's word among them, damaged or not.

    `domain` is every word of the domain (all labels of all kinds, the forms' furniture):
    a cell that is one of them is that word, never another damaged; a damaged cell that
    could be two of them (预算执行敉: 执行数 or 执行率?) is neither. `contrast` holds the
    characters whose change makes another figure (上年预算数, 全年决算数)."""

    def __init__(
        self, words: Mapping[str, tuple[str, ...]], domain: Iterable[str] = (), contrast: str = ""
    ) -> None:
        self.words = dict(words)
        self.domain = frozenset(domain) | frozenset(self.words)
        self.contrast = frozenset(contrast)
        self._swapped = _swaps(self.domain)  # a word with one character marked -> domain words
        self._near: dict[str, str | None] = {}  # what near() found for a word: cells repeat

    def __contains__(self, word: str) -> bool:
        return self.get(word) is not None

    def get(self, word: str) -> tuple[str, ...] | None:
        """What `word` names: exactly (in the label view), else through its one near label."""
        word = label_view(word)
        found = self.words.get(word)
        if found is not None:
            return found
        near = self.near(word)
        return self.words[near] if near else None

    def near(self, word: str) -> str | None:
        """The one label within one edit of `word` (a label of NEAR_MIN characters or more):
        one character read in place of the label's or put into it, no contrast character and
        no word with its neighbour; and no other word of the domain as near. Else None."""
        if not NEAR_MIN - 1 <= len(word) <= NEAR_MAX or word in self.domain:
            return None
        if word in self._near:
            return self._near[word]
        if len(self._near) > NEAR_MEMO:
            self._near.clear()
        found = self._near[word] = self._nearest(word)
        return found

    def _nearest(self, word: str) -> str | None:
        hits: set[str] = set()
        for i, ch in enumerate(word):
            if ch in self.contrast or _makes_word(word, i):
                continue
            # this character read in place of the label's (年初预篡数), or put in (全年预算&数)
            hits |= self._swapped.get(word[:i] + "\0" + word[i + 1 :], set())
            rest = word[:i] + word[i + 1 :]
            if len(rest) >= NEAR_MIN and rest in self.domain:
                hits.add(rest)
        # the one label, or labels that name the same (全年预算数, 全年预算: 全年预算敉 is either)
        if not hits or not hits <= self.words.keys() or len({self.words[w] for w in hits}) != 1:
            return None
        return min(hits)


def _swaps(words: Iterable[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for w in words:
        if len(w) >= NEAR_MIN:
            for i in range(len(w)):
                out.setdefault(w[:i] + "\0" + w[i + 1 :], set()).add(w)
    return out


def _makes_word(word: str, i: int) -> bool:
    """Whether the character at `i` forms a dictionary word with the one before or after it:
    then the cell says something else, it is no damaged label."""
    from normalize.segment import is_word  # jieba's dictionary, loaded only when a cell is near

    return any(is_word(word[a : a + 2]) for a in (i - 1, i) if 0 <= a and a + 2 <= len(word))


NEAR_MEMO = 50_000  # words whose near label a vocabulary keeps

HAN_ONLY = regex.compile(r"\p{Han}+$")


class NearLabels:
    """Labels in running text with one character misread: '全年执衍数 510.00万元'. A label of
    NEAR_MIN characters or more keeps its first two or its last two intact under one
    misread character, so those pairs find where to look; the window there is the label
    read with the same guards as a cell (`Vocabulary.near`)."""

    def __init__(self, labels: Iterable[str], domain: Iterable[str], contrast: str) -> None:
        self.labels = frozenset(w for w in labels if len(w) >= NEAR_MIN)
        self.vocabulary = Vocabulary({w: (w,) for w in self.labels}, domain, contrast)
        self._heads: dict[str, list[str]] = {}
        self._tails: dict[str, list[str]] = {}
        for w in self.labels:
            self._heads.setdefault(w[:2], []).append(w)
            self._tails.setdefault(w[-2:], []).append(w)
        pairs = sorted(set(self._heads) | set(self._tails))
        self._anchor = regex.compile("(?=(" + "|".join(regex.escape(p) for p in pairs) + "))")

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, label) of each misread label in `text` (its label view)."""
        out: dict[int, tuple[int, int, str]] = {}
        for m in self._anchor.finditer(text):
            p, pair = m.start(), m.group(1)
            for w in self._heads.get(pair, ()):
                self._try(text, p, p + len(w), out)
            for w in self._tails.get(pair, ()):
                self._try(text, p + 2 - len(w), p + 2, out)
        return sorted(out.values())

    def _try(self, text: str, a: int, b: int, out: dict[int, tuple[int, int, str]]) -> None:
        if a < 0 or b > len(text) or a in out:
            return
        if not HAN_ONLY.match(text, a, b):
            return  # a label is misread into another character, never into a figure: 全年执行98.40
        label = self.vocabulary.near(text[a:b])
        if label is not None and len(label) == b - a:  # a character misread, none put in
            out[a] = (a, b, label)
