"""Labels to facts, on real sentences: normalize.facts.scan and normalize.projects.item.

Every sentence here is copied from a real report: the seed (samples/000.txt, "seed")
or the corpus reports (../shared/corpus/NNN/source.txt, "corpus_NNN"), or from the
committed sample 101. They are hard-coded so the suite runs without ../shared.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from normalize.facts import scan
from normalize.projects import item

D = Decimal

# ---------------------------------------------------------------- the sentences

SEED_FUNDS = (
    "2022 年我部门年初预算批复数 403.51 万元，全年预算数 477.72 万元，年终决算数 477.72 万元，"
    "预算总体执行率为 100%。其中基本支出 177.62 万元，项目支出 300.10 万元，按照绩效自评全覆盖原则，"
    "本次绩效自评金额共计 477.72 万元。"
)
SEED_BREAKDOWN = (
    "部门整体支出 477.72 万元, 基本支出 177.61 万元, 项目支出 300.1 万元。基本支出按支出性质分为人员经费和"
    "公用经费, 人员经费 154.97 万元, 主要包括基本工资、津贴补贴、绩效工资、机关养老保险、医疗保险、其他社会保险; "
    "公用经费 22.64 万元, 主要包括办公费、印刷费、差旅费、维护费、工会经费、其他商品和服务支出。"
)
SEED_PERSONNEL = "基本支出按支出性质分为人员经费和公用经费, 人员经费 154.97 万元"
SEED_SCORE = (
    "综上我部门履职完成情况与财政拨款金额基本匹配, 较好地履行了部门职责, 部门整体支出绩效自评得分 88 分。"
)
SEED_ITEM_1 = (
    "(1) (一门式)全覆盖网络建设租赁费项目绩效自评综述:根据年初设定的绩效目标,项目自评得分 90 分。"
    "项目全年预算数 58 万元,执行数 58 万元,完成预算的 100%。主要产出和效果:通过项目实施,实现统一各县直单位"
    "接入互联网,保障保障宽带线路正常运行,提高网络安全性及保密性。"
)
SEED_ITEM_8 = (
    "(8) 政府门户网站运维项目绩效自评综述：根据年初设定的绩效目标，项目自评得分 88 分。项目全年预算数 5 万元，"
    "执行数 5 万元，完成预算的 100%。主要产出和效果：通过项目实施，实现网站信息发布 6676 条，网站年浏览量 "
    "1495223 次，网站栏目优化 11 个，安全监测评估 4 次。网站全年正常运行，无网络安全事故发生。"
)
SEED_PROJECT_TOTAL = (
    "项目 8 个、事业发展类项目 0 个、奖补类项目 0 个(所有项目包含中央、省、州、县本级项目)共涉及资金 "
    "300.1 万元,占一般公共预算项目支出总额的 100%。"
)
SEED_SUBPROJECTS = (
    "项目支出主要包括两大类, 一类是电子政务项目租赁费、二类是业务运维经费, 其中电子政务项目租赁费 250.3 万元, "
    "运维经费 49.7 万元。"
)
CORPUS_028 = (
    "2021年下达财政专项扶贫资金197万元,截止到2021年12月31日,实际已支付186.98万元,支付完成率为94.91%。"
    "第三方机构最终绩效评价总得分为91.8分,评价等级为优秀。"
)
CORPUS_025 = (
    "一是单位整体绩效自评情况:完成年度水系科学调度,保持 水系清水长流;水系管护实地监督复查强化监管,巩固水系建设 "
    "成果;加强工程维修养护,保障闸坝平稳运行。部门预算总金额 803.74 万元其中:基本支出 757.49 万元,项目支出 "
    "46.25 万元。 完成率均达到 100%;部门目标实现率 100%,整体绩效自评为优 秀;"
)
CORPUS_027 = "(一)海口市秀英区水务局2022年衔接资金共下达105万元,用于实施西秀镇龙头村蔬菜园产业项目。"
CORPUS_032 = "国家基本公共卫生服务项目州级补助资金2.00万元,截至2023年12月31日,资金已使用2.00万元,结余0万元,资金执行率100%。"
CORPUS_048 = "(一)资金投入情况分析。2022年城乡居民养老保险资金执行总量29675万元,预算执行率为98.67%。"
CORPUS_051 = "2021年度百岁宫大气监测专项项目经费实际执行数为10.01万元,预算执行率为63%。"
SAMPLE_101_FUNDS = (
    "2023年该项目年初预算数850.00万元，全年预算数920.50万元（年中追加70.50万元用于2所学校校舍抗震加固），"
    "全年执行数887.36万元，预算执行率96.40%。"
)
SAMPLE_101_SCORE = "经综合评价，该项目绩效自评得分93.5分，评价等级为“优”。"
SAMPLE_101_OUTPUT = (
    "数量指标：完成12所学校校舍维修改造，改造面积2.36万平方米，完成率100%。质量指标：工程竣工验收合格率100%。"
)


def facts(text: str) -> list[tuple[str, object]]:
    return [(f.field, f.value) for f in scan(text, None)]


def values(text: str, field: str) -> list[object]:
    return [f.value for f in scan(text, None) if f.field == field]


# ---------------------------------------------------------------- whole sentences


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(
            SEED_FUNDS,
            [
                ("budget_initial", D("4035100.00")),
                ("budget_adjusted", D("4777200.00")),
                ("expenditure", D("4777200.00")),
                ("execution_rate", D("100")),
                ("basic_expenditure", D("1776200.00")),
                ("project_expenditure", D("3001000.00")),
            ],
            id="seed_funds_paragraph",
        ),
        pytest.param(
            SEED_BREAKDOWN,
            [
                ("expenditure", D("4777200.00")),
                ("basic_expenditure", D("1776100.00")),
                ("project_expenditure", D("3001000.00")),
                ("personnel_expenditure", D("1549700.00")),
                ("public_expenditure", D("226400.00")),
            ],
            id="seed_breakdown_paragraph",
        ),
        pytest.param(
            SEED_PERSONNEL,
            [("personnel_expenditure", D("1549700.00"))],
            id="seed_basic_named_before_its_parts_gets_nothing",
        ),
        pytest.param(
            CORPUS_028,
            [
                ("budget_adjusted", D("1970000.00")),
                ("expenditure", D("1869800.00")),
                ("execution_rate", D("94.91")),
                ("self_score", D("91.8")),
                ("grade", "优秀"),
            ],
            id="corpus_028_project_sentence",
        ),
        pytest.param(
            SEED_ITEM_1,
            [
                ("self_score", D("90")),
                ("budget_adjusted", D("580000.00")),
                ("expenditure", D("580000.00")),
                ("execution_rate", D("100")),
            ],
            id="seed_project_item_1",
        ),
        pytest.param(
            SEED_ITEM_8,
            [
                ("self_score", D("88")),
                ("budget_adjusted", D("50000.00")),
                ("expenditure", D("50000.00")),
                ("execution_rate", D("100")),
            ],
            id="seed_project_item_8_counts_are_not_money",
        ),
        pytest.param(
            SAMPLE_101_FUNDS,
            [
                ("budget_initial", D("8500000.00")),
                ("budget_adjusted", D("9205000.00")),
                ("expenditure", D("8873600.00")),
                ("execution_rate", D("96.40")),
            ],
            id="sample_101_funds_an_aside_in_brackets_feeds_nothing",
        ),
        pytest.param(SAMPLE_101_OUTPUT, [], id="sample_101_completion_of_work_is_not_execution"),
        pytest.param(SEED_SUBPROJECTS, [], id="seed_subproject_amounts_feed_no_report_field"),
        pytest.param("2022 年无政府性基金项目支出。", [], id="seed_no_figure"),
        pytest.param("", [], id="empty"),
    ],
)
def test_scan_sentence(text, expected):
    assert facts(text) == expected


def test_scan_spans_point_at_the_value():
    """Each fact's span (offset by `base`, on `page`) is its raw text in the paragraph."""
    base = 1000
    for f in scan(SEED_FUNDS, 3, base):
        assert f.where.page == 3
        assert SEED_FUNDS[f.where.start - base : f.where.end - base] == f.raw
    assert [f.raw for f in scan(SEED_FUNDS, None)][:3] == ["403.51 万元", "477.72 万元", "477.72 万元"]


def test_scan_keeps_money_facts_apart():
    kinds = {f.field: f.money for f in scan(CORPUS_028, None)}
    assert kinds == {
        "budget_adjusted": True,
        "expenditure": True,
        "execution_rate": False,
        "self_score": False,
        "grade": False,
    }


# ---------------------------------------------------------------- one test per field


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(SEED_FUNDS, D("4035100.00"), id="seed_年初预算批复数"),
        pytest.param(SAMPLE_101_FUNDS, D("8500000.00"), id="sample_101_年初预算数"),
    ],
)
def test_budget_initial(text, expected):
    assert values(text, "budget_initial") == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(SEED_FUNDS, D("4777200.00"), id="seed_全年预算数"),
        pytest.param(SEED_ITEM_1, D("580000.00"), id="seed_project_全年预算数"),
        pytest.param(SAMPLE_101_FUNDS, D("9205000.00"), id="sample_101_not_the_top_up_in_brackets"),
        pytest.param(CORPUS_025, D("8037400.00"), id="corpus_025_部门预算总金额"),
        pytest.param(CORPUS_027, D("1050000.00"), id="corpus_027_下达"),
        pytest.param(CORPUS_028, D("1970000.00"), id="corpus_028_下达"),
    ],
)
def test_budget_adjusted(text, expected):
    assert values(text, "budget_adjusted") == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(SEED_FUNDS, D("4777200.00"), id="seed_年终决算数"),
        pytest.param(SEED_BREAKDOWN, D("4777200.00"), id="seed_部门整体支出"),
        pytest.param(SEED_ITEM_1, D("580000.00"), id="seed_project_执行数"),
        pytest.param(SAMPLE_101_FUNDS, D("8873600.00"), id="sample_101_全年执行数"),
        pytest.param(CORPUS_028, D("1869800.00"), id="corpus_028_实际已支付"),
        pytest.param(CORPUS_032, D("20000.00"), id="corpus_032_资金已使用"),
        pytest.param(CORPUS_048, D("296750000.00"), id="corpus_048_执行总量"),
        pytest.param(CORPUS_051, D("100100.00"), id="corpus_051_实际执行数为"),
    ],
)
def test_expenditure(text, expected):
    assert values(text, "expenditure") == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(SEED_FUNDS, D("100"), id="seed_预算总体执行率为"),
        pytest.param(SEED_ITEM_1, D("100"), id="seed_project_完成预算的"),
        pytest.param(SAMPLE_101_FUNDS, D("96.40"), id="sample_101_预算执行率"),
        pytest.param(CORPUS_028, D("94.91"), id="corpus_028_支付完成率为"),
        pytest.param(CORPUS_032, D("100"), id="corpus_032_资金执行率"),
        pytest.param(CORPUS_048, D("98.67"), id="corpus_048_预算执行率为"),
        pytest.param(CORPUS_051, D("63"), id="corpus_051_预算执行率为"),
        pytest.param(CORPUS_025, D("100"), id="corpus_025_完成率_right_after_money"),
    ],
)
def test_execution_rate(text, expected):
    assert values(text, "execution_rate") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(SAMPLE_101_OUTPUT, id="sample_101_完成率_of_work_done"),
        pytest.param(
            "西秀镇龙头村蔬菜园产业项目已完成竣工验收,完成率100%。", id="corpus_027_construction_progress"
        ),
        pytest.param(SEED_PROJECT_TOTAL, id="seed_a_share_of_the_project_total"),
        pytest.param("远程视频会议系统正常运行, 节约差旅成本 5%, 提高行政效率。", id="seed_a_saving"),
    ],
)
def test_execution_rate_not_stated(text):
    assert values(text, "execution_rate") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(SEED_FUNDS, [D("1776200.00")], id="seed_first_statement"),
        pytest.param(SEED_BREAKDOWN, [D("1776100.00")], id="seed_second_statement_differs"),
        pytest.param(CORPUS_025, [D("7574900.00")], id="corpus_025_after_其中"),
        pytest.param(SEED_PERSONNEL, [], id="seed_named_as_the_whole_of_its_parts"),
    ],
)
def test_basic_expenditure(text, expected):
    assert values(text, "basic_expenditure") == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(SEED_BREAKDOWN, [D("1549700.00")], id="seed_人员经费"),
        pytest.param(SEED_PERSONNEL, [D("1549700.00")], id="seed_named_twice_valued_once"),
    ],
)
def test_personnel_expenditure(text, expected):
    assert values(text, "personnel_expenditure") == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(SEED_BREAKDOWN, [D("226400.00")], id="seed_公用经费_after_a_semicolon"),
        pytest.param(SEED_PERSONNEL, [], id="seed_named_without_a_figure"),
    ],
)
def test_public_expenditure(text, expected):
    assert values(text, "public_expenditure") == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(SEED_FUNDS, [D("3001000.00")], id="seed_项目支出_300.10"),
        pytest.param(SEED_BREAKDOWN, [D("3001000.00")], id="seed_项目支出_300.1"),
        pytest.param(CORPUS_025, [D("462500.00")], id="corpus_025"),
        pytest.param(SEED_PROJECT_TOTAL, [], id="seed_项目支出总额_of_a_share"),
        pytest.param(SEED_SUBPROJECTS, [], id="seed_项目支出_heading_a_list"),
    ],
)
def test_project_expenditure(text, expected):
    assert values(text, "project_expenditure") == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(SEED_SCORE, D("88"), id="seed_绩效自评得分"),
        pytest.param(SEED_ITEM_1, D("90"), id="seed_project_自评得分"),
        pytest.param(CORPUS_028, D("91.8"), id="corpus_028_总得分为"),
        pytest.param(SAMPLE_101_SCORE, D("93.5"), id="sample_101_自评得分"),
    ],
)
def test_self_score(text, expected):
    assert values(text, "self_score") == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(CORPUS_028, "优秀", id="corpus_028_评价等级为"),
        pytest.param(SAMPLE_101_SCORE, "优", id="sample_101_in_quotes"),
        pytest.param(CORPUS_025, "优秀", id="corpus_025_wrapped_优_秀"),
    ],
)
def test_grade(text, expected):
    assert values(text, "grade") == [expected]


# ---------------------------------------------------------------- once missed


# A label's window ended at any comma, so a thousands separator cut the amount off.
@pytest.mark.parametrize(
    "text, field, expected",
    [
        pytest.param(
            "全年预算数 2,345.60 万元，执行数 2,345.60 万元。",
            "budget_adjusted",
            D("23456000.00"),
            id="thousands_separator_after_label",
        ),
        pytest.param(
            "全年预算数：１，２３４．５６万元",
            "budget_adjusted",
            D("12345600.00"),
            id="fullwidth_thousands_separator_after_label",
        ),
        pytest.param(
            "年初预算数为12,345,678.90元。", "budget_initial", D("12345678.90"), id="yuan_with_two_separators"
        ),
    ],
)
def test_money_with_thousands_separator_after_label(text, field, expected):
    assert values(text, field) == [expected]


def test_bare_number_after_unit_and_label_corpus_039():
    """The label 预算资金 matched inside 年度预算资金总额 and left '总额):' before the number,
    so the unit stated before the label (万元) was never applied."""
    assert values("计划生育转移支付资金合计(万元) 年度预算资金总额): 1084.25", "budget_adjusted") == [
        D("10842500.00")
    ]


# ---------------------------------------------------------------- project items


@pytest.mark.parametrize(
    "text, name",
    [
        pytest.param(SEED_ITEM_1, "(一门式)全覆盖网络建设租赁费项目", id="seed_item_1_name_in_brackets"),
        pytest.param(
            "(1) (一门式)全覆盖网络建设租赁费项目绩效自评综述:根据年初设定的绩效目标,项目自评得分 90 分。",
            "(一门式)全覆盖网络建设租赁费项目",
            id="seed_item_1_head_only",
        ),
        pytest.param(SEED_ITEM_8, "政府门户网站运维项目", id="seed_item_8_fullwidth_colon"),
        pytest.param(
            "(5) 扶贫专项经费项目绩效自评综述：根据年初设定的绩效目标，项目自评得分 90 分。",
            "扶贫专项经费项目",
            id="seed_item_5",
        ),
        pytest.param(
            "1、哈拉布拉乡南哈拉布拉村农田道路建设项目,2021年下达财政专项扶贫资金197万元,截止到2021年12月31日,"
            "实际已支付186.98万元,支付完成率为94.91%。",
            "哈拉布拉乡南哈拉布拉村农田道路建设项目",
            id="corpus_028_item",
        ),
    ],
)
def test_project_item(text, name):
    it = item(text, None, 0)
    assert it is not None
    assert it.name == name
    assert (it.start, it.end, it.page, it.text) == (0, len(text), None, text)


def test_project_item_keeps_page_and_offset():
    it = item(SEED_ITEM_8, 4, 120)
    assert (it.page, it.start, it.end) == (4, 120, 120 + len(SEED_ITEM_8))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "(二)我部门未出现未完成绩效目标或偏离绩效目标较大项目。", id="seed_no_project_missed_its_targets"
        ),
        pytest.param("1、预算绩效管理工作开展情况", id="seed_section_heading"),
        pytest.param("2、项目绩效自评结果", id="seed_results_heading"),
        pytest.param("（一）项目概况", id="sample_101_overview_heading"),
        pytest.param("（二）项目资金情况", id="sample_101_funds_heading"),
        pytest.param("一、项目基本情况", id="sample_101_basic_heading"),
        pytest.param("(一)加强组织领导", id="seed_practice_heading"),
        pytest.param("1、完成州对县大数据中心电子政务外网业务工作目标；", id="seed_work_item"),
        pytest.param("2.项目资金执行情况分析", id="corpus_032_heading"),
        pytest.param(CORPUS_027, id="corpus_027_sentence_naming_a_project_at_its_end"),
        pytest.param("龙山县大数据中心项目绩效自评情况", id="seed_unnumbered_heading"),
        pytest.param("", id="empty"),
    ],
)
def test_not_a_project_item(text):
    assert item(text, None, 0) is None


def test_a_level_header_that_lost_its_first_stroke_is_the_level_left():
    """OCR takes the lone stroke of 一 for a ruling line: 级指标 beside 二级指标 and 三级指标
    is 一级指标; where two levels are missing it stays unread."""
    from normalize.tables import header_columns

    row = ["绩效指标（90分）", "级指标", "二级指标", "三级指标", "指标值", "完成值", "权重", "得分"]
    _, icols = header_columns(row)  # type: ignore[misc]
    assert (icols["level1"], icols["level2"], icols["level3"]) == (1, 2, 3)
    _, icols = header_columns(["级指标", "级指标", "三级指标", "指标值", "完成值", "权重", "得分"])  # type: ignore[misc]
    assert "level1" not in icols and "level2" not in icols
