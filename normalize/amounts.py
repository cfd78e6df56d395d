"""Money, percentages and scores: text in, exact `Decimal` out (money always in yuan).

Scanning functions return None for "not an amount" and never raise on messy text.
A found amount keeps its raw text and its span beside the value, as price-parser
keeps `amount_text` beside the Decimal.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from normalize import patterns as P
from normalize.numerals import chinese_to_decimal, plain_number
from normalize.tolerance import LOOKALIKES, label_view

CENT = Decimal("0.01")


class Unit(str, Enum):
    """Money units of Chinese budget documents, with their factor to yuan."""

    YUAN = "元"
    QIAN = "千元"
    WAN = "万元"
    YI = "亿元"

    @property
    def factor(self) -> Decimal:
        return {
            "元": Decimal(1),
            "千元": Decimal(1000),
            "万元": Decimal(10_000),
            "亿元": Decimal(100_000_000),
        }[self.value]


# The last character of every unit's name (元): a text without one states no money, and
# folding full-width characters makes none.
UNIT_ENDS = frozenset(u.value[-1] for u in Unit)
# …or a character misread for it (万兀)
UNIT_SIGNS = UNIT_ENDS | {c for c, label in LOOKALIKES.items() if label in UNIT_ENDS}


def _may_state_money(text: str) -> bool:
    return any(map(text.__contains__, UNIT_SIGNS))


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of money as found: value in yuan, the raw text, its span in the text searched."""

    yuan: Decimal
    raw: str
    start: int
    end: int


# More than this is no amount a budget states (a run of digits, a code): not money.
MAX_YUAN = Decimal("1e16")


def to_yuan(number: Decimal, unit: Unit) -> Decimal | None:
    value = number * unit.factor
    if abs(value) >= MAX_YUAN:
        return None
    return value.quantize(CENT)


def _number(text: str) -> Decimal | None:
    return plain_number(text) if any(ch.isdigit() for ch in text) else chinese_to_decimal(text)


def parse_money(text: str, default_unit: Unit | None = None) -> Decimal | None:
    """'403.51 万元' -> 4035100.00; '贰拾叁万元' -> 230000.00; '41.28' with 万元 -> 412800.00."""
    s = label_view(P.fold(text)).strip()  # 万兀 is 万元 misread (the unit is a label's word)
    s = s[:-1] if s.endswith("整") else s  # 大写 amounts close with 整: 贰拾叁万元整
    m = P.MONEY.fullmatch(s) or P.CN_MONEY.fullmatch(s)
    if m:
        num = _number(m.group("num"))
        if num is None:
            return None
        if m.group("unit") == "元" and not any(ch.isdigit() for ch in m.group("num")):
            return to_yuan(num, Unit.YUAN)  # 四百零三万元: the numeral already holds its 万
        return to_yuan(num, Unit(m.group("unit")))
    if default_unit is not None:
        m = P.BARE_NUMBER.match(s)
        if m:
            num = plain_number(m.group("num"))
            return None if num is None else to_yuan(num, default_unit)
    return None


def find_money(text: str) -> Iterator[Money]:
    """Every amount with a money unit in `text`, in order."""
    if not _may_state_money(text):
        return
    folded = label_view(P.fold(text))
    hits: list[Money] = []
    for pattern in (P.MONEY, P.CN_MONEY):
        for m in pattern.finditer(folded):
            value = parse_money(m.group(0))
            if value is not None:
                hits.append(Money(value, text[m.start() : m.end()], m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    last_end = -1
    for h in hits:
        if h.start >= last_end:
            yield h
            last_end = h.end


def parse_percent(text: str) -> Decimal | None:
    """'100%' -> 100; '98.36 ％' -> 98.36; '百分之九十五' -> 95; a bare '86' -> 86 (a rate column)."""
    s = P.fold(text).strip()
    m = P.PERCENT.fullmatch(s) or P.BARE_NUMBER.match(s)
    if m:
        return plain_number(m.group("num"))
    m = P.CN_PERCENT.fullmatch(s)
    if m:
        return chinese_to_decimal(m.group("num"))
    return None


def parse_score(text: str) -> Decimal | None:
    """'88分' -> 88; '91.8' -> 91.8."""
    s = P.fold(text).strip()
    m = P.SCORE.fullmatch(s) or P.BARE_NUMBER.match(s)
    return plain_number(m.group("num")) if m else None


def table_unit(text: str) -> Unit | None:
    """The money unit a caption or header states: '单位：万元' -> WAN; None when none is stated."""
    if not _may_state_money(text):
        return None
    m = P.TABLE_UNIT.search(label_view(P.fold(text)))
    return Unit(m.group("unit")) if m else None
