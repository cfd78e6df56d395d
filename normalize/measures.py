"""Indicator values: the text as stated (≥50个, ≤90万元, 达成预期指标, 100%) and, where it
is a number, its comparison, value and unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from normalize import patterns as P
from normalize.numerals import plain_number

# comparison words to one symbol
OPS = {">=": "≥", "=>": "≥", "大于等于": "≥", "不低于": "≥", "不少于": "≥", "达到": "≥",
       "<=": "≤", "=<": "≤", "小于等于": "≤", "不高于": "≤", "不超过": "≤",
       "大于": ">", "小于": "<", "≥": "≥", "≤": "≤", ">": ">", "<": "<", "=": "="}
# a trailing word that changes the comparison: "95%以上" is ≥ 95%
TRAILING = {"以上": "≥", "以下": "≤", "以内": "≤"}


@dataclass(frozen=True, slots=True)
class Measure:
    op: str | None
    value: Decimal | None
    unit: str | None


NONE = Measure(None, None, None)


def measure(text: str | None) -> Measure:
    """'≥120盏' -> (≥, 120, 盏); '>=90%' -> (≥, 90, %); '显著改善' -> (None, None, None)."""
    if not text:
        return NONE
    s = P.fold(text).strip()
    m = P.MEASURE.match(s)
    if not m:
        return NONE
    value = plain_number(m.group("num"))
    if value is None:
        return NONE
    op = OPS.get(m.group("op") or "")
    for word, sym in TRAILING.items():
        if s.endswith(word) and op is None:
            op = sym
    unit = (m.group("pre") + m.group("unit")).strip() or None
    return Measure(op, value, unit)
