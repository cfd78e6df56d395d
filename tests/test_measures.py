"""Indicator values (年度指标值, 实际完成值) as forms write them, to (comparison, value, unit).

The text itself is always kept as stated; these are the numbers a dashboard filters on.
Strings are lifted from the form samples and the corpus' indicator tables.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalize.measures import Measure, measure

D = Decimal
NONE = (None, None, None)


@pytest.mark.parametrize(
    "text, want",
    [
        # comparison symbols
        pytest.param("≥120盏", ("≥", D("120"), "盏"), id="at_least_lamps"),
        pytest.param(">=90%", ("≥", D("90"), "%"), id="ascii_at_least"),
        pytest.param("＞＝90％", ("≥", D("90"), "%"), id="full_width_at_least"),
        pytest.param("=100%", ("=", D("100"), "%"), id="equals"),
        pytest.param("≤85万元", ("≤", D("85"), "万元"), id="at_most_wan_yuan"),
        pytest.param("≤48小时", ("≤", D("48"), "小时"), id="at_most_hours"),
        pytest.param("<5%", ("<", D("5"), "%"), id="less_than"),
        pytest.param("≥ 6.5 公里", ("≥", D("6.5"), "公里"), id="spaced"),
        # comparison words, before or after
        pytest.param("95%以上", ("≥", D("95"), "%"), id="trailing_以上"),
        pytest.param("90%以下", ("≤", D("90"), "%"), id="trailing_以下"),
        pytest.param("3天以内", ("≤", D("3"), "天"), id="trailing_以内"),
        pytest.param("不低于90%", ("≥", D("90"), "%"), id="不低于"),
        pytest.param("不少于10台", ("≥", D("10"), "台"), id="不少于"),
        pytest.param("不超过40万元", ("≤", D("40"), "万元"), id="不超过"),
        pytest.param("达到95%", ("≥", D("95"), "%"), id="达到"),
        # plain values: no comparison, the unit as written (万 stays in the unit)
        pytest.param("100%", (None, D("100"), "%"), id="bare_percent"),
        pytest.param("102盏", (None, D("102"), "盏"), id="bare_count"),
        pytest.param("16.2万千瓦时", (None, D("16.2"), "万千瓦时"), id="wan_kwh"),
        pytest.param("≥8万亩次", ("≥", D("8"), "万亩次"), id="mu_times"),
        pytest.param("1,200人", (None, D("1200"), "人"), id="thousands_separator"),
        pytest.param("100", (None, D("100"), None), id="no_unit"),
        # a unit written before the number stays the unit
        pytest.param("每亩100", (None, D("100"), "每亩"), id="per_mu_before"),
        # not a number: the text alone carries it
        pytest.param("显著改善", NONE, id="words"),
        pytest.param("2023年12月底前", NONE, id="deadline"),
        pytest.param("2023年11月28日", NONE, id="date"),
        pytest.param("按季度拨付", NONE, id="schedule"),
        pytest.param("", NONE, id="empty"),
        pytest.param(None, NONE, id="none"),
        # a qualifier before the number is no unit (it was once read as unit '约人')
        pytest.param("约3000人", (None, D("3000"), "人"), id="about_is_no_unit"),
    ],
)
def test_measure(text, want):
    m = measure(text)
    assert (m.op, m.value, m.unit) == want
    assert m.value is None or type(m.value) is Decimal


@given(st.text(max_size=40))
def test_measure_never_raises(text):
    assert isinstance(measure(text), Measure)
