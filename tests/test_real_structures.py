"""The structures of real files, each on a table of real strings lifted from them
(../shared/corpus/real: 决算 packages r02-r04 and r12, rubrics r08/r09, a target table r19,
a Shanghai 决算 r14), held here without ../shared.

- what a file is (report_kind), and which of its parts feed the records;
- form variants read by their meaning (the Sichuan 自评表, a 得分表, a rubric, a 完成情况表,
  a table listing projects);
- figures a careful reader does not take for the unit's own.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import make_doc

import normalize
from normalize.model import ReportKind

D = Decimal

# ---- a 决算 package: statistics first, its evaluation in a few parts -----------------

COVER = ["2023年度", "四川省巴中市巴州区天马山镇", "部门决算", "公开时间：2024年10月30日"]
STATISTICS = [
    "# 第二部分 2023年度部门决算情况说明",
    "2023年度本年支出合计2348.74万元，其中：基本支出1597.94万元，占68.03%；项目支出750.8万元，占31.96%。",
    "五、一般公共预算财政拨款支出决算情况说明",
    "33.农林水支出（类）农村综合改革（款）对村民委员会和村党支部的补助（项）: 支出决算为251.21万元，完成预算100%，"
    "预算与决算数持平。",
    "六、一般公共预算财政拨款基本支出决算情况说明",
    "2023年度一般公共预算财政拨款基本支出1597.94万元，其中：",
    "人员经费1255.44万元，主要包括：基本工资、津贴补贴、奖金。",
]
PERFORMANCE_SECTION = [
    "（四）预算绩效管理情况",
    "本部门按要求对2023年部门整体支出开展绩效自评，从评价情况来看，2023年我部门整体支出绩效评价自查自评结果良好。",
    "2、项目绩效目标完成情况:",
    "“乡镇基本财力保障”项目绩效目标完成情况综述。项目全年预算数37万元，执行数为37万元，完成预算的100%。",
    [
        ("项目支出绩效目标完成情况表 (2023年度)",) * 6,
        ("项目名称", "项目名称", "项目名称", "乡镇财力保障", "乡镇财力保障", "乡镇财力保障"),
        (
            "预算单位",
            "预算单位",
            "预算单位",
            "巴中市巴州区天马山镇",
            "巴中市巴州区天马山镇",
            "巴中市巴州区天马山镇",
        ),
        ("预算执行情况(万元)", "预算数:", "预算数:", "37", "执行数:", "37"),
        ("预算执行情况(万元)", "其中-财政拨款:", "其中-财政拨款:", "37", "其中-财政拨款:", "37"),
        (
            "绩效指标完成情况",
            "一级指标",
            "二级指标",
            "三级指标",
            "预期指标值(包含数字及文字描述)",
            "实际完成指标值(包含数字及文字描述)",
        ),
        ("绩效指标完成情况", "项目完成指标", "产出指标", "数量指标", "辖区危旧房改造覆盖率", "不低于50%"),
        (
            "绩效指标完成情况",
            "效益指标",
            "社会效益指标",
            "防灾应急救助",
            "广泛宣传，购置灭火器等相关防火器材。",
            "加强防灭火知识宣传。",
        ),
    ],
    "# 第三部分 名词解释",
    "48.基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
]
ATTACHMENT = [
    "# 第四部分 附件",
    "附件1",
    "巴中市巴州区天马山镇2023年度",
    "部门整体支出绩效评价自评报告",
    "一、部门基本情况",
    "天马山镇2023年年初预算收入1528.75万元，决算报表收入2348.74万元。",
    "常年项目绩效分析。该类项目总数1个，涉及预算总金额37万元，1—12月预算执行总体进度为100%。",
    "根据《2023年部门预算项目支出绩效自评表》评分，本部门整体支出评价总得分95分。",
    "# 第五部分 附表",
    "一、收入支出决算总表",
]
PACKAGE = [*COVER, *STATISTICS, *PERFORMANCE_SECTION, *ATTACHMENT]


@pytest.fixture(scope="module")
def package():
    return normalize.records(make_doc(*PACKAGE))


def test_a_package_is_the_evaluation_it_embeds(package):
    r = package.report
    assert (r.report_kind, r.budget_initial, r.self_score, r.report_date.isoformat()) == (
        ReportKind.DEPT_OVERALL,
        D("15287500.00"),
        D("95"),
        "2024-10-30",
    )


def test_the_statistics_of_a_package_feed_nothing(package):
    r = package.report
    # 基本支出1597.94 / 人员经费1255.44万元 stand only in the 决算 explanation
    assert (r.basic_expenditure, r.personnel_expenditure, r.project_expenditure) == (None, None, None)
    assert all(a.value != D("2512100.00") for a in package.amounts)  # the 251.21万元 of a (类)(款)(项) line


def test_a_projects_paragraph_and_its_form_are_one_project(package):
    assert [
        (p.project_name, p.budget_adjusted, p.expenditure, p.execution_rate) for p in package.projects
    ] == [("乡镇财力保障", D("370000.00"), D("370000.00"), D("100"))]


def test_a_template_row_one_column_to_the_right(package):
    assert [(i.level1, i.level2, i.level3, i.target, i.actual) for i in package.indicators] == [
        ("产出指标", "数量指标", "辖区危旧房改造覆盖率", None, "不低于50%"),
        (
            "效益指标",
            "社会效益指标",
            "防灾应急救助",
            "广泛宣传，购置灭火器等相关防火器材。",
            "加强防灭火知识宣传。",
        ),
    ]


def test_what_counted_projects_involve_is_no_units_budget(package):
    # 该类项目总数1个，涉及预算总金额37万元: the projects', not the unit's
    assert package.report.budget_adjusted is None


# ---- what a file is ------------------------------------------------------------------

KINDS = {
    "a land-auction notice": (
        [
            "国有建设用地使用权挂牌出让须知",
            "平公共国土挂〔2022〕03号",
            "竞买保证金为人民币200万元。",
            [("项目名称", "平昌县老城区污水管网升级改造项目"), ("投资", "1200万元")],
        ],
        ReportKind.OTHER,
    ),
    "a budget table with a 绩效工资 line": (
        [
            [
                ("科目编码", "科目名称", "合计"),
                ("30107", "绩效工资", "58.47"),
                ("30108", "机关事业单位基本养老保险缴费", "40.1"),
            ]
        ],
        ReportKind.OTHER,
    ),
    "a 单位预算 with target tables only": (
        [
            "巴中市巴州区市政公用事业保障中心",
            "2023 年单位预算",
            "第二部分 单位预算表",
            "单位公开表 7",
            "单位整体支出绩效目标表",
            [
                ("年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值（包含数字及文字描述）"),
                ("年度绩效指标", "产出指标", "数量指标", "完成各项基础工作", "100%"),
                ("年度绩效指标", "满意度指标", "满意度指标", "社会公众满意度", "≧95%"),
            ],
            "第三部分",
            "巴中市巴州区市政公用事业保障中心2023年单位预算情况说明",
        ],
        ReportKind.TARGET,
    ),
    "a 决算 that only counts its project self-evaluations": (
        [
            "# 上海市普陀区财政局2024年度部门决算",
            "# 第三部分 部门决算情况说明",
            "十、预算绩效管理情况",
            "实行全过程绩效管理实施情况跟踪：绩效自评的2024年度项目4个，涉及预算金额598.42万元，平均得分99.43分。",
            "十一、其他重要事项的情况说明",
        ],
        ReportKind.UNKNOWN,
    ),
}


@pytest.mark.parametrize("parts, kind", KINDS.values(), ids=KINDS.keys())
def test_what_a_file_is(parts, kind):
    recs = normalize.records(make_doc(*parts))
    assert recs.report.report_kind == kind
    if kind is ReportKind.OTHER:
        assert (recs.projects, recs.indicators, recs.amounts, recs.findings) == ((), (), (), ())


def test_a_summary_of_project_evaluations_is_no_units_figure():
    recs = normalize.records(make_doc(*KINDS["a 决算 that only counts its project self-evaluations"][0]))
    r = recs.report
    assert (r.budget_adjusted, r.self_score, r.project_count) == (None, None, 4)


def test_a_target_table_lists_its_project_with_its_budget():
    rows = [
        ("单位公开表 6 单位预算项目支出绩效目标表",) * 9,
        ("", "", "", "", "", "", "金额单位：万元", "金额单位：万元", "金额单位：万元"),
        ("单位名称", "项目名称", "预算数", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "权重"),
        ("175-住建局", "", "5.00", "", "", "", "", "", ""),
        (
            "175007-巴中市巴州区市政公用事业保障中心",
            "市政设施管理工作经费",
            "5.00",
            "效益指标",
            "可持续发展指标",
            "市政日常巡查积极性",
            "定性",
            "高中低",
            "10",
        ),
        (
            "175007-巴中市巴州区市政公用事业保障中心",
            "市政设施管理工作经费",
            "5.00",
            "产出指标",
            "数量指标",
            "市政设施维修",
            "≥",
            "100",
            "20",
        ),
    ]
    recs = normalize.records(make_doc("巴中市巴州区市政公用事业保障中心", "2023 年单位预算", rows))
    assert recs.report.report_kind is ReportKind.TARGET
    assert [(p.project_name, p.budget_adjusted) for p in recs.projects] == [
        ("市政设施管理工作经费", D("50000.00"))
    ]
    assert [(i.project_name, i.level3, i.target, i.actual, i.weight) for i in recs.indicators] == [
        ("市政设施管理工作经费", "市政日常巡查积极性", "定性高中低", None, D("10")),
        ("市政设施管理工作经费", "市政设施维修", "≥100", None, D("20")),
    ]


# ---- form variants, by their meaning ----------------------------------------------------

SICHUAN = [
    ("部门预算项目支出绩效自评表（2023年度）",) * 11,
    ("项目名称", "项目名称", *("部门预算整体支出项目",) * 9),
    ("主管部门", "主管部门", *("巴州区天马山镇",) * 5, "实施单位 （盖章）", *("巴州区天马山镇",) * 3),
    (
        "预算执行情况（10分）",
        "年度预算数（万元）",
        "年初预算",
        "调整后预算数",
        "预算执行数",
        "预算执行数",
        "预算执行数",
        "预算执行率",
        "权重",
        "得分",
        "原因",
    ),
    (
        "预算执行情况（10分）",
        "总额",
        "1528.75",
        "2348.74",
        "2348.74",
        "2348.74",
        "2348.74",
        "100.00%",
        "10",
        "10",
        "",
    ),
    (
        "预算执行情况（10分）",
        "其中：财政资金",
        "1528.75",
        "2348.74",
        "2348.74",
        "2348.74",
        "2348.74",
        "100.00%",
        "10",
        "10",
        "",
    ),
    ("预算执行情况（10分）", "单位资金", "0.00", "", "", "", "", "0.00%", "/", "/", ""),
    (
        "绩效指标（90分）",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "度量单位",
        "完成值",
        "权重",
        "得分",
        "未完成原因分析",
    ),
    ("绩效指标（90分）", "产出指标", "数量指标", "完成年初任务数量", "≥", "90", "%", "100%", "10", "10", ""),
    (
        "绩效指标（90分）",
        "产出指标",
        "质量指标",
        "各项任务合格率",
        "≥",
        "90",
        "%",
        "90%",
        "10",
        "8",
        "居民医保参保率未完成",
    ),
    ("合计",) * 8 + ("100", "95", ""),
]


def test_the_sichuan_form_of_the_units_whole_budget_is_the_reports_own():
    recs = normalize.records(make_doc("附件2 部门预算项目支出绩效自评表（2023年度）", SICHUAN))
    r = recs.report
    assert (r.budget_initial, r.budget_adjusted, r.expenditure, r.execution_rate, r.self_score) == (
        D("15287500.00"),
        D("23487400.00"),
        D("23487400.00"),
        D("100.00"),
        D("95"),
    )
    assert recs.projects == ()  # 部门预算整体支出项目 is the unit's, no project
    assert [(i.level3, i.target, i.actual, i.weight, i.score) for i in recs.indicators] == [
        ("完成年初任务数量", "≥90%", "100%", D("10"), D("10")),
        ("各项任务合格率", "≥90%", "90%", D("10"), D("8")),
    ]


SCORE_SHEET = [
    ("一级指标", "二级指标", "三级指标", "得分"),
    ("部门决策（25分）", "目标任务（15分）", "相关性（5分）", "5"),
    ("部门决策（25分）", "目标任务（15分）", "明确性（5分）", "5"),
    ("部门绩效情况（45分）", "履职成效（20分）", "部门特性指标", ""),
]
PROJECT_SCORE_SHEET = [
    ("一级 指标", "二级 指标", "三级指标", "分值", "得分"),
    ("（20分） 项目决策", "（10分） 科学决策", "必要性 （政策依据)", "5", "5"),
    ("（特性指标70分） 项目绩效", "（50分） 项目效益", "经济效益（可选项）", "40", "6"),
]


def test_a_score_sheet_writes_its_weights_into_its_names():
    recs = normalize.records(
        make_doc(
            "2017年部门整体支出绩效评价得分表",
            SCORE_SHEET,
            "2017年项目支出绩效评价得分表",
            PROJECT_SCORE_SHEET,
        )
    )
    assert [(i.level1, i.level2, i.level3, i.weight, i.score) for i in recs.indicators] == [
        ("部门决策", "目标任务", "相关性", D("5"), D("5")),
        ("部门决策", "目标任务", "明确性", D("5"), D("5")),
        ("部门绩效情况", "履职成效", "部门特性指标", None, None),
        ("项目决策", "科学决策", "必要性 （政策依据)", D("5"), D("5")),
        ("项目绩效", "项目效益", "经济效益（可选项）", D("40"), D("6")),
    ]


RUBRIC = [
    ("附件",) * 3 + ("",) * 5,
    ("关坝镇2023年部门整体支出绩效评价指标体系",) * 8,
    ("一级指标", "二级指标", "三级指标", "分值", "评价内容", "评价标准及计算方法", "评价得分", "评价得分"),
    ("评价得分",) * 6 + ("97", "97"),
    (
        "基础工作管理（15分）",
        "组织机构完善",
        "岗位设置合理",
        "2",
        "成立各种相应的组织机构及机构合理性",
        "成立相应组织机构得2分",
        "2",
        "2",
    ),
    (
        "绩效管理创新(+5分)",
        "管理制度创新",
        "管理制度创新",
        "3",
        "在绩效管理制度上有创新",
        "有创新得3分",
        "",
        "",
    ),
    (
        "扣分项（-5分）",
        "扣分项（-5分）",
        "扣分项（-5分）",
        "-5",
        "被评价单位配合评价工作情况",
        "不配合扣5分",
        "",
        "",
    ),
    ("评价结论", "评价结论", "总评分（Ｘ） 优秀（Ｘ≥90分) 良好（90＞Ｘ≥75分）", "", "", "", "", ""),
]


def test_a_filled_rubric():
    recs = normalize.records(make_doc(RUBRIC))
    r = recs.report
    assert (r.report_kind, r.unit_name, r.fiscal_year, r.self_score, r.grade) == (
        ReportKind.DEPT_OVERALL,
        "关坝镇",
        2023,
        D("97"),
        None,
    )
    assert [(i.level1, i.level3, i.weight, i.score) for i in recs.indicators] == [
        ("基础工作管理", "岗位设置合理", D("2"), D("2")),
        ("绩效管理创新", "管理制度创新", D("3"), None),
        ("扣分项", "扣分项", D("-5"), None),
    ]


# ---- figures that are not the unit's own --------------------------------------------------

NOT_OWN = {
    "an average of project scores": ("绩效自评的2024年度项目4个，平均得分99.43分。", "self_score"),
    "what counted projects involve": (
        "编报绩效目标的2024年度项目4个，涉及预算金额598.42万元。",
        "budget_adjusted",
    ),
    "a cost item's figure": (
        "年终通过努力控制和压缩，实际支出为差旅费 18.1 万元，会议费 0.9 万元。",
        "expenditure",
    ),
}


@pytest.mark.parametrize("sentence, field", NOT_OWN.values(), ids=NOT_OWN.keys())
def test_not_the_units_own_figure(sentence, field):
    recs = normalize.records(make_doc("青山县农业农村局2023年度部门整体支出绩效自评报告", sentence))
    assert getattr(recs.report, field) is None
