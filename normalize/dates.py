"""Dates and fiscal years: '2023年6月5日', '2023.6.5', '二〇二三年六月五日'."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from normalize import patterns as P
from normalize.numerals import DIGITS, chinese_to_decimal


def _make(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str) -> Iterator[tuple[dt.date, int, int]]:
    """Every valid date in `text` with its span, in order."""
    folded = P.fold(text)
    hits = []
    for pat in (P.DATE_CN, P.DATE_NUM):
        for m in pat.finditer(folded):
            d = _make(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            if d:
                hits.append((d, m.start(), m.end()))
    for m in P.DATE_CN_NUMERAL.finditer(folded):
        y = "".join(str(DIGITS.get(ch, "")) for ch in m.group("y"))
        mo, da = chinese_to_decimal(m.group("m")), chinese_to_decimal(m.group("d"))
        if len(y) == 4 and mo is not None and da is not None:
            d = _make(int(y), int(mo), int(da))
            if d:
                hits.append((d, m.start(), m.end()))
    yield from sorted(hits, key=lambda h: h[1])


def parse_date(text: str) -> dt.date | None:
    """The first date in `text`, or None."""
    return next((d for d, _, _ in find_dates(text)), None)
