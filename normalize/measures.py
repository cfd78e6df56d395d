"""Indicator values: the text as stated (≥50个, ≤90万元, 达成预期指标, 100%) and, where it
is a number, its comparison, value and unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import regex

from normalize import patterns as P
from normalize.numerals import plain_number

# comparison words to one symbol
OPS = {
    ">=": "≥",
    "=>": "≥",
    "大于等于": "≥",
    "不低于": "≥",
    "不少于": "≥",
    "达到": "≥",
    "<=": "≤",
    "=<": "≤",
    "小于等于": "≤",
    "不高于": "≤",
    "不超过": "≤",
    "大于": ">",
    "小于": "<",
    "≥": "≥",
    "≤": "≤",
    ">": ">",
    "<": "<",
    "=": "=",
}
# words before a number that qualify it ("约3000人", "累计12次") rather than name a unit
QUALIFIER = regex.compile(r"^(?:约|大约|近|共|累计|合计|总计|全年|实际|计划)")
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
    pre = QUALIFIER.sub("", m.group("pre"))  # 约3000人: 约 qualifies the number, it is no unit
    unit = (pre + m.group("unit")).strip() or None
    return Measure(op, value, unit)
