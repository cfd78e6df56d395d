"""Property tests of the pure core (hypothesis).

- Any amount of money, to the cent, written in any notation reports use (元, 万元, 亿元,
  thousands separators, full-width digits, Chinese numerals) parses back exactly.
- The scanning parsers and the whole of normalize never raise on arbitrary text:
  they return None, nothing, or a finding (STYLE.md: errors are values).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import normalize
from extract.layout import Line, pages_from_lines
from extract.model import Document, Format
from extract.text import lines_of
from normalize.amounts import Unit, find_money, parse_money, parse_percent, parse_score, table_unit
from normalize.dates import find_dates, parse_date
from normalize.facts import scan
from normalize.numerals import chinese_to_decimal, plain_number
from normalize.projects import item

QUICK = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# 0 .. 10^12 yuan, to the cent
MONEY = st.integers(min_value=0, max_value=10**14).map(lambda cents: Decimal(cents).scaleb(-2))
YUAN_INT = st.integers(min_value=1, max_value=10**12 - 1)

FULLWIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def plain(d: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 403.5100 -> '403.51', 0.00 -> '0'."""
    return f"{d.normalize():f}"


NOTATIONS = {
    "yuan": lambda n: f"{n:f}元",
    "yuan_space": lambda n: f"{n:f} 元",
    "yuan_thousands": lambda n: f"{n:,.2f}元",
    "wan": lambda n: f"{plain(n / 10_000)}万元",
    "wan_space": lambda n: f"{plain(n / 10_000)} 万元",
    "wan_thousands": lambda n: f"{n / 10_000:,f}万元",
    "yi": lambda n: f"{plain(n / 100_000_000)}亿元",
    "qian": lambda n: f"{plain(n / 1000)}千元",
    "fullwidth_yuan": lambda n: f"{n:,.2f}元".translate(FULLWIDTH),
    "fullwidth_wan": lambda n: f"{plain(n / 10_000)}万元".translate(FULLWIDTH),
}


@QUICK
@given(MONEY, st.sampled_from(sorted(NOTATIONS)))
def test_money_in_any_notation_parses_back_exactly(yuan, notation):
    text = NOTATIONS[notation](yuan)
    value = parse_money(text)
    assert value == yuan, text
    assert value.as_tuple().exponent == -2, text


@QUICK
@given(MONEY, st.sampled_from(sorted(NOTATIONS)))
def test_money_found_in_a_sentence(yuan, notation):
    written = NOTATIONS[notation](yuan)
    text = f"项目全年预算数 {written}，完成预算的 100%。"
    found = list(find_money(text))
    assert [(m.raw, m.yuan) for m in found] == [(written, yuan)]
    assert text[found[0].start : found[0].end] == written


@QUICK
@given(MONEY, st.sampled_from([Unit.YUAN, Unit.QIAN, Unit.WAN, Unit.YI]))
def test_bare_cell_under_a_unit_header(yuan, unit):
    cell = plain(yuan / unit.factor)
    assert parse_money(cell, unit) == yuan


# Chinese numerals for whole yuan: 四百零三万, 壹亿零伍万 ...
LOWER = ("零一二三四五六七八九", "十百千")
UPPER = ("零壹贰叁肆伍陆柒捌玖", "拾佰仟")


def cn_section(n: int, digits: str, units: str) -> str:
    """0 < n < 10000 in Chinese numerals, with 零 for skipped places (三千零五)."""
    out, zero = "", False
    for place, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // place % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += digits[0]
            zero = False
        out += digits[d] + unit
    return out


def cn_number(n: int, style: tuple[str, str]) -> str:
    digits, units = style
    parts = []
    for big, size in (("亿", 10**8), ("万", 10**4), ("", 1)):
        sec = n // size % 10_000
        if sec:
            if parts and sec < 1000:
                parts.append(digits[0])
            parts.append(cn_section(sec, digits, units) + big)
        elif parts and parts[-1] != digits[0] and n % size:
            parts.append(digits[0])
    return "".join(parts)


@QUICK
@given(YUAN_INT, st.sampled_from([LOWER, UPPER]))
def test_chinese_numeral_money_parses_back_exactly(n, style):
    text = cn_number(n, style) + "元"
    assert parse_money(text) == Decimal(n).quantize(Decimal("0.01")), text
    assert chinese_to_decimal(cn_number(n, style)) == n


def test_chinese_numeral_writer_itself():
    """The test's own numeral writer, on the library's docstring examples."""
    assert cn_number(4_030_000, LOWER) == "四百零三万"
    assert cn_number(230_000, UPPER) == "贰拾叁万"
    assert cn_number(3005, LOWER) == "三千零五"
    assert cn_number(100_050_000, LOWER) == "一亿零五万"


# ---------------------------------------------------------------- never raise

# Report-like text: the characters labels, amounts, dates and markers are made of.
DOMAIN = (
    "年初预算批复数全年执行决算率基本人员公用经费项目支出自评得分等级优良中差万亿千元分%％.,，。；：:"
    "()（）一二三四五六七八九十百零〇壹贰叁拾佰仟点0123456789０１２３４５６７８９ \n|\t#-、月日度单位名称"
)
# Runs of digits with separators and units: account numbers, codes, overlong figures.
DIGITS = st.text(alphabet="0123456789０１２３４５６７８９,.，． 万亿千元%分", max_size=80)
TEXT = st.one_of(st.text(max_size=300), st.text(alphabet=DOMAIN, max_size=300), DIGITS)


@QUICK
@given(TEXT, st.sampled_from([None, Unit.WAN]))
def test_scanning_parsers_never_raise(text, unit):
    parse_money(text, unit)
    list(find_money(text))
    parse_percent(text)
    parse_score(text)
    table_unit(text)
    parse_date(text)
    list(find_dates(text))
    chinese_to_decimal(text)
    plain_number(text)
    item(text, None, 0)


@QUICK
@given(TEXT)
def test_found_money_points_at_its_raw_text(text):
    for m in find_money(text):
        assert text[m.start : m.end] == m.raw
        assert m.yuan >= 0


@QUICK
@given(TEXT, st.sampled_from([None, 2]), st.integers(0, 10_000))
def test_facts_scan_never_raises_and_spans_hold(text, page, base):
    for f in scan(text, page, base):
        assert f.where.page == page
        assert 0 <= f.where.start - base <= f.where.end - base <= len(text)


def document(text: str, paged: bool) -> Document:
    """Text as a reader would hand it over: form-feeds split pages of a PDF-like document,
    `|` and tab lines become tables (extract.text's rules)."""
    chunks = text.split("\f") if paged else [text]
    pages = [(i + 1 if paged else None, lines_of(chunk)) for i, chunk in enumerate(chunks)]
    return Document(
        Format.PDF if paged else Format.TXT, pages_from_lines(pages), len(chunks) if paged else None
    )


@QUICK
@given(st.one_of(TEXT, st.text(alphabet=DOMAIN + "\f", max_size=600)), st.booleans())
def test_records_never_raise_on_arbitrary_text(text, paged):
    recs = normalize.records(document(text, paged))
    pages = {p.number: p.text for p in document(text, paged).pages}
    for a in recs.amounts:
        assert a.page in pages
        assert 0 <= a.char_start <= a.char_end <= len(pages[a.page])


@QUICK
@given(
    st.lists(st.lists(st.text(alphabet=DOMAIN, max_size=12), min_size=1, max_size=6), min_size=1, max_size=8)
)
def test_records_never_raise_on_arbitrary_tables(rows):
    """Tables of any shape, ragged rows included, as Word hands them over."""
    table = tuple(tuple(r) for r in rows)
    doc = Document(Format.DOCX, pages_from_lines([(None, [Line("单位：万元"), Line("", table=table)])]), None)
    normalize.records(doc)
