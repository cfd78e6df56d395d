"""Numbers as Chinese reports write them: full-width digits, thousands separators,
and Chinese numerals (贰拾叁万元, 四百零三万, 一百二十点五).

`chinese_to_decimal` reads a run of Chinese numeral characters exactly; it returns
None for anything that is not one, and never raises.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "幺": 1,
    "二": 2,
    "贰": 2,
    "貳": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "叁": 3,
    "參": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "陸": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
POINT = {"点", "點"}
NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS) + "".join(POINT)


def to_ascii(text: str) -> str:
    """Full-width digits and punctuation to ASCII (１２３，４５６．７８ -> 123,456.78)."""
    return unicodedata.normalize("NFKC", text)


def plain_number(text: str) -> Decimal | None:
    """'1,234.56', '１２３４．５６', '1 234.56' -> Decimal; None if not a plain number."""
    s = to_ascii(text).replace(",", "").replace(" ", "").replace("\u00a0", "")
    if not s or s.count(".") > 1:
        return None
    body = s[1:] if s[0] in "+-" else s
    if not body or not all(ch.isdigit() or ch == "." for ch in body) or body in (".",) or body[0] == ".":
        return None
    try:
        return Decimal(s)
    except ArithmeticError:
        return None


def _section(chars: str) -> int | None:
    """A numeral below 10,000: 三千零五 -> 3005, 十二 -> 12."""
    total, digit, seen = 0, None, False
    for ch in chars:
        if ch in DIGITS:
            if digit is not None and DIGITS[ch] != 0 and digit != 0:
                return None  # two digits in a row without a unit: 二三 is not a numeral here
            digit = DIGITS[ch]
            seen = True
        elif ch in SMALL_UNITS:
            total += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit, seen = None, True
        else:
            return None
    if digit:
        total += digit
    return total if seen else None


def chinese_to_decimal(text: str) -> Decimal | None:
    """贰拾叁万 -> 230000, 四百零三万 -> 4030000, 一点五亿 -> 150000000; None if not a numeral."""
    s = text.strip()
    if not s or any(ch not in NUMERAL_CHARS for ch in s):
        return None
    if not any(ch in DIGITS or ch in SMALL_UNITS for ch in s):
        return None  # a bare unit (万, 亿) is not a number
    if any(p in s for p in POINT):
        head, _, tail = s.replace("點", "点").partition("点")
        # the fraction is digit by digit; a big unit may follow it (一点五亿)
        unit = 1
        while tail and tail[-1] in BIG_UNITS:
            unit *= BIG_UNITS[tail[-1]]
            tail = tail[:-1]
        if not tail or any(ch not in DIGITS for ch in tail):
            return None
        whole = chinese_to_decimal(head) if head else Decimal(0)
        if whole is None:
            return None
        frac = "".join(str(DIGITS[ch]) for ch in tail)
        return (whole + Decimal("0." + frac)) * unit
    total = Decimal(0)
    rest = s
    for big in ("亿", "億", "万", "萬"):
        if big in rest:
            head, _, rest = rest.partition(big)
            value = _section(head) if head else 1
            if value is None:
                inner = chinese_to_decimal(head)  # 一千二百万亿 style: rare, still exact
                if inner is None:
                    return None
                value = int(inner)
            total += Decimal(value) * BIG_UNITS[big]
    if rest:
        value = _section(rest)
        if value is None:
            return None
        total += value
    return total
