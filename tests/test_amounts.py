"""Money, percentages, scores, numerals and dates: tables of real strings.

Strings are lifted from the seed report (samples/000.txt) and the corpus reports;
each row's id says what it is. Money is always yuan with its cents (SCHEMA.md:
'403.51万元' becomes 4035100.00, '1.2亿元' becomes 120000000.00).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from normalize.amounts import Unit, find_money, parse_money, parse_percent, parse_score, table_unit
from normalize.dates import find_dates, parse_date
from normalize.numerals import chinese_to_decimal, plain_number

D = Decimal


def case(text, expected, id, marks=()):
    return pytest.param(text, expected, id=id, marks=marks)


# ---------------------------------------------------------------- parse_money

MONEY = [
    case("403.51 万元", D("4035100.00"), "seed_budget_initial_wan_with_space"),
    case("477.72万元", D("4777200.00"), "wan_no_space"),
    case("58 万元", D("580000.00"), "seed_project_integer_wan"),
    case("300.10 万元", D("3001000.00"), "seed_trailing_zero_wan"),
    case("1.2亿元", D("120000000.00"), "yi_decimal"),
    case("6亿元", D("600000000.00"), "yi_integer"),
    case("300千元", D("300000.00"), "qian"),
    case("2,345.60元", D("2345.60"), "yuan_thousands_separator"),
    case("1,084.25万元", D("10842500.00"), "wan_thousands_separator"),
    case("46080元", D("46080.00"), "yuan_integer_corpus_043"),
    case("0.01元", D("0.01"), "one_cent"),
    case("４０３．５１万元", D("4035100.00"), "fullwidth_digits"),
    case("１，２３４．５６元", D("1234.56"), "fullwidth_thousands_separator"),
    case("贰拾叁万元", D("230000.00"), "daxie_numerals"),
    case("四百零三万元", D("4030000.00"), "chinese_numerals_with_zero"),
    case("壹佰贰拾叁元", D("123.00"), "daxie_yuan"),
    case("十万元", D("100000.00"), "bare_ten_wan"),
    case("一点五亿元", D("150000000.00"), "chinese_decimal_point_yi"),
    case("贰拾叁万元整", D("230000.00"), "daxie_with_zheng_as_on_vouchers"),
]


@pytest.mark.parametrize("text, expected", MONEY)
def test_parse_money(text, expected):
    value = parse_money(text)
    assert value == expected
    assert value.as_tuple().exponent == -2, "money is yuan with its cents"


@pytest.mark.parametrize(
    "text, unit, expected",
    [
        pytest.param("41.28", Unit.WAN, D("412800.00"), id="seed_cell_under_wan_header"),
        pytest.param("1,084.25", Unit.WAN, D("10842500.00"), id="thousands_under_wan_header_corpus_039"),
        pytest.param("850.00", Unit.YUAN, D("850.00"), id="cell_under_yuan_header"),
        pytest.param("0.5", Unit.YI, D("50000000.00"), id="cell_under_yi_header"),
        pytest.param("４１．２８", Unit.WAN, D("412800.00"), id="fullwidth_cell_under_wan_header"),
        pytest.param("41.28万元", Unit.YUAN, D("412800.00"), id="own_unit_beats_the_header"),
    ],
)
def test_parse_money_with_table_unit(text, unit, expected):
    assert parse_money(text, unit) == expected


@pytest.mark.parametrize(
    "text, unit",
    [
        pytest.param("万元", None, id="unit_alone"),
        pytest.param("元", None, id="yuan_alone"),
        pytest.param("abc", None, id="latin"),
        pytest.param("21个", None, id="a_count"),
        pytest.param("", None, id="empty"),
        pytest.param("100", None, id="bare_number_without_a_header_unit"),
        pytest.param("41.28", None, id="seed_cell_without_a_header_unit"),
        pytest.param("100%", None, id="a_percentage"),
        pytest.param("88分", None, id="a_score"),
        pytest.param("2023年6月5日", None, id="a_date"),
        pytest.param("百分之九十五", None, id="chinese_percentage"),
        pytest.param("abc", Unit.WAN, id="latin_under_wan_header"),
        pytest.param("—", Unit.WAN, id="dash_cell_under_wan_header"),
        pytest.param("21个", Unit.WAN, id="count_under_wan_header"),
    ],
)
def test_parse_money_none(text, unit):
    assert parse_money(text, unit) is None


# ---------------------------------------------------------------- find_money


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(
            "2022 年我部门年初预算批复数 403.51 万元，全年预算数 477.72 万元，年终决算数 477.72 万元，预算总体执行率为 100%。",
            [
                ("403.51 万元", D("4035100.00")),
                ("477.72 万元", D("4777200.00")),
                ("477.72 万元", D("4777200.00")),
            ],
            id="seed_funds_sentence",
        ),
        pytest.param(
            "全年预算数４０３．５１万元。",
            [("４０３．５１万元", D("4035100.00"))],
            id="fullwidth_raw_kept_as_written",
        ),
        pytest.param(
            "2,345.60元和1.2亿元",
            [("2,345.60元", D("2345.60")), ("1.2亿元", D("120000000.00"))],
            id="separator_and_yi",
        ),
        pytest.param("资金贰拾叁万元整", [("贰拾叁万元", D("230000.00"))], id="daxie_inside_text"),
        pytest.param(
            "补助款按照下达资金,严格按照补助标准发放,共计46080元全部发放完毕。",
            [("46080元", D("46080.00"))],
            id="corpus_043_yuan",
        ),
        pytest.param(
            "(2) 21 个乡镇街道视频会议系统运维项目，实现 397 个行政村级电子政务外网正常运转",
            [],
            id="counts_are_not_money",
        ),
        pytest.param(
            "远程视频会议系统正常运行, 节约差旅成本 5%, 提高行政效率。", [], id="percentages_are_not_money"
        ),
        pytest.param("截至2023年12月31日", [], id="dates_are_not_money"),
        pytest.param(
            "公用经费22、64万元，全年预算数477，72万元，执行数477.72万元",
            [("477.72万元", D("4777200.00"))],
            id="a_decimal_point_misread_by_ocr_leaves_no_figure",
        ),
        pytest.param("", [], id="empty"),
    ],
)
def test_find_money(text, expected):
    found = list(find_money(text))
    assert [(m.raw, m.yuan) for m in found] == expected
    for m in found:
        assert text[m.start : m.end] == m.raw, "the span points at the raw text in the text searched"


# ---------------------------------------------------------------- percentages and scores


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("100%", D("100"), id="seed_execution_rate"),
        pytest.param("98.36％", D("98.36"), id="fullwidth_percent_sign"),
        pytest.param("98.36 %", D("98.36"), id="space_before_sign"),
        pytest.param("１００％", D("100"), id="fullwidth_digits"),
        pytest.param("100.00%", D("100"), id="stated_with_cents"),
        pytest.param("96.40%", D("96.4"), id="sample_101_rate"),
        pytest.param("百分之九十五", D("95"), id="chinese_percentage"),
        pytest.param("86", D("86"), id="bare_number_in_a_rate_column"),
    ],
)
def test_parse_percent(text, expected):
    assert parse_percent(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("abc", id="latin"),
        pytest.param("%", id="sign_alone"),
        pytest.param("21个", id="a_count"),
        pytest.param("", id="empty"),
        pytest.param("403.51 万元", id="money"),
    ],
)
def test_parse_percent_none(text):
    assert parse_percent(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("88分", D("88"), id="seed_self_score"),
        pytest.param("88 分", D("88"), id="space_before_fen"),
        pytest.param("91.8", D("91.8"), id="bare_in_a_score_column"),
        pytest.param("93.5分", D("93.5"), id="sample_101_score"),
        pytest.param("９１．８分", D("91.8"), id="fullwidth"),
    ],
)
def test_parse_score(text, expected):
    assert parse_score(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("abc", id="latin"),
        pytest.param("分", id="fen_alone"),
        pytest.param("10分值", id="a_weight_column_header"),
        pytest.param("95%", id="a_rate"),
        pytest.param("", id="empty"),
    ],
)
def test_parse_score_none(text):
    assert parse_score(text) is None


# ---------------------------------------------------------------- table units


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("单位：万元", Unit.WAN, id="caption_fullwidth_colon"),
        pytest.param("金额单位:元", Unit.YUAN, id="caption_yuan"),
        pytest.param("（万元）", Unit.WAN, id="fullwidth_brackets"),
        pytest.param("(单位:万元)", Unit.WAN, id="bracketed_caption"),
        pytest.param("项目资金情况（单位：万元）", Unit.WAN, id="sample_101_caption"),
        pytest.param("资金情况(万元)", Unit.WAN, id="form_header_cell"),
        pytest.param("年度预算数(万元)", Unit.WAN, id="column_header"),
        pytest.param("单位：亿元", Unit.YI, id="yi"),
        pytest.param("单位:千元", Unit.QIAN, id="qian"),
        pytest.param("项目资金情况", None, id="caption_without_unit"),
        pytest.param("403.51万元", None, id="an_amount_is_not_a_unit_header"),
    ],
)
def test_table_unit(text, expected):
    assert table_unit(text) is expected


# ---------------------------------------------------------------- numerals


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("贰拾叁万", D(230000), id="daxie_wan"),
        pytest.param("四百零三万", D(4030000), id="zero_inside"),
        pytest.param("一点五亿", D(150000000), id="point_then_yi"),
        pytest.param("十二", D(12), id="leading_ten"),
        pytest.param("三千零五", D(3005), id="thousands_zero_units"),
        pytest.param("一百二十点五", D("120.5"), id="fraction"),
        pytest.param("两万", D(20000), id="liang"),
        pytest.param("壹佰", D(100), id="daxie_hundred"),
        pytest.param("零", D(0), id="zero"),
    ],
)
def test_chinese_to_decimal(text, expected):
    assert chinese_to_decimal(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("万", id="big_unit_alone"),
        pytest.param("abc", id="latin"),
        pytest.param("", id="empty"),
        pytest.param("二三", id="two_digits_without_unit"),
        pytest.param("五点", id="point_without_fraction"),
        pytest.param("12", id="arabic"),
        pytest.param("项目", id="words"),
    ],
)
def test_chinese_to_decimal_none(text):
    assert chinese_to_decimal(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("1,234.56", D("1234.56"), id="comma_groups"),
        pytest.param("１２３４．５６", D("1234.56"), id="fullwidth"),
        pytest.param("1 234.56", D("1234.56"), id="space_groups"),
        pytest.param("403.51", D("403.51"), id="plain"),
        pytest.param("-3", D("-3"), id="negative"),
    ],
)
def test_plain_number(text, expected):
    assert plain_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("abc", id="latin"),
        pytest.param("", id="empty"),
        pytest.param(".5", id="leading_point"),
        pytest.param("1.2.3", id="two_points"),
        pytest.param("12a", id="trailing_letter"),
        pytest.param("万元", id="unit"),
    ],
)
def test_plain_number_none(text):
    assert plain_number(text) is None


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("2023年6月5日", dt.date(2023, 6, 5), id="seed_signature_date"),
        pytest.param("2023 年 6 月 5 日", dt.date(2023, 6, 5), id="spaced"),
        pytest.param("2019年06月18日", dt.date(2019, 6, 18), id="zero_padded"),
        pytest.param("2023.6.5", dt.date(2023, 6, 5), id="dotted"),
        pytest.param("2023-06-05", dt.date(2023, 6, 5), id="iso"),
        pytest.param("2023/6/5", dt.date(2023, 6, 5), id="slashed"),
        pytest.param("二〇二三年六月五日", dt.date(2023, 6, 5), id="chinese_numerals"),
        pytest.param("二〇二三年十二月三十一日", dt.date(2023, 12, 31), id="chinese_numerals_tens"),
        pytest.param("２０２３年６月５日", dt.date(2023, 6, 5), id="fullwidth"),
        pytest.param("龙山县大数据中心 2023年6月5日", dt.date(2023, 6, 5), id="after_the_unit"),
        pytest.param(
            "截止到2021年12月31日,实际已支付186.98万元", dt.date(2021, 12, 31), id="corpus_028_in_a_sentence"
        ),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2023年2月30日", id="no_such_day"),
        pytest.param("2023年13月1日", id="no_such_month"),
        pytest.param("2023年", id="year_only"),
        pytest.param("2023年6月", id="month_only"),
        pytest.param("abc", id="latin"),
        pytest.param("", id="empty"),
        pytest.param("403.51", id="decimal_number"),
    ],
)
def test_parse_date_none(text):
    assert parse_date(text) is None


def test_find_dates_in_order_with_spans():
    text = "于2023年6月5日至2023年7月1日"
    found = list(find_dates(text))
    assert [d for d, _, _ in found] == [dt.date(2023, 6, 5), dt.date(2023, 7, 1)]
    assert [text[s:e] for _, s, e in found] == ["2023年6月5日", "2023年7月1日"]


# ---------------------------------------------------------------- digit runs no budget states


# Once these raised decimal.InvalidOperation (quantizing past Decimal's 28 digits), and the
# exception escaped find_money, facts.scan and normalize.records.
@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: parse_money("1" + "0" * 22 + "万元"), id="parse_money_23_digits_wan"),
        pytest.param(lambda: parse_money("1" * 30, Unit.YUAN), id="parse_money_30_digit_cell"),
        pytest.param(lambda: list(find_money("共" + "1" * 23 + "万元")), id="find_money_in_text"),
        pytest.param(lambda: parse_money("9" * 27 + "元"), id="parse_money_27_digits_yuan"),
    ],
)
def test_huge_number_is_not_money(call):
    """A digit run longer than any budget (an account or serial number) never raises."""
    assert call() in (None, [])
