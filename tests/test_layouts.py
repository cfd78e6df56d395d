"""Forms laid out otherwise than the standard: a header written over two rows, columns in
another order. Each case is the standard 项目支出绩效自评表 with one thing changed."""

from __future__ import annotations

from decimal import Decimal

from conftest import make_doc

from normalize import records

D = Decimal
KEYS = [
    ("项目名称", "办公宿舍楼、食堂及餐厅暖通改造经费"),
    ("主管部门", "廊坊市发改委", "实施单位", "廊坊市食品工程学校"),
]


def read(*rows):
    return records(make_doc("项目支出绩效自评表", [*KEYS, *rows]))


def test_a_funds_header_over_two_rows_is_one_header():
    got = read(
        ("项目资金", "", "年初", "全年", "全年", "分值", "执行率", "得分"),
        ("", "", "预算数", "预算数(万元)", "执行数", "", "", ""),
        ("", "年度资金总额", "43.2", "43.2", "37.24", "10", "86%", "9"),
    )
    rep = got.report
    assert (rep.budget_initial, rep.budget_adjusted, rep.expenditure) == (
        D("432000.00"),
        D("432000.00"),
        D("372400.00"),
    )
    assert rep.execution_rate == D("86")


def test_an_indicator_header_over_two_rows_is_one_header():
    got = read(
        ("一级指标", "二级", "三级", "年度", "实际", "分值", "得分"),
        ("", "指标", "指标", "指标值", "完成值", "", ""),
        ("产出指标", "数量指标", "改造面积", "≥1200平方米", "1200平方米", "50", "50"),
    )
    (i,) = got.indicators
    assert (i.level1, i.level2, i.level3, i.target, i.actual, i.weight) == (
        "产出指标",
        "数量指标",
        "改造面积",
        "≥1200平方米",
        "1200平方米",
        D("50"),
    )


def test_a_text_row_above_a_whole_header_is_not_read_into_it():
    got = read(
        ("年度总体目标", "完成暖通改造，保障师生冬季取暖", ""),
        ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"),
        ("产出指标", "数量指标", "改造面积", "≥1200平方米", "1200平方米", "50", "50"),
    )
    assert [(i.level1, i.level2) for i in got.indicators] == [("产出指标", "数量指标")]


def test_columns_in_another_order_are_read_by_their_headers():
    got = read(
        ("项目资金（万元）", "全年执行数", "执行率", "年初预算数", "得分", "全年预算数", "分值"),
        ("年度资金总额", "37.24", "86%", "43.2", "9", "43.2", "10"),
    )
    rep = got.report
    assert (rep.budget_initial, rep.budget_adjusted, rep.expenditure) == (
        D("432000.00"),
        D("432000.00"),
        D("372400.00"),
    )
