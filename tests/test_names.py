"""Names read whole: a unit or a project is taken from the cell or the phrase that holds
it, as written, never a piece of a longer name. Each test is named after the structure
it reads; the sentences are of the kind the reports write.
"""

from __future__ import annotations

from decimal import Decimal

from conftest import make_doc

from normalize import records
from normalize.facts import scan

D = Decimal
DEPT = "# 2023年度部门整体支出绩效自评报告"
PROJECT = "# 2023年度项目支出绩效自评报告"


def unit(*parts) -> str | None:
    return records(make_doc(*parts)).report.unit_name


def names(*parts) -> list[tuple[str, Decimal | None]]:
    return [(p.project_name, p.budget_adjusted) for p in records(make_doc(*parts)).projects]


# ---- units ---------------------------------------------------------------------------


def test_a_unit_defined_by_its_short_name_in_the_opening_sentence():
    assert unit(DEPT, "青山县民政局（以下简称“本局”）是县政府工作部门，内设股室5个。") == "青山县民政局"


def test_a_unit_defined_after_a_purpose_clause_starts_at_its_place_name():
    opening = "为加强吉首市乾州街道办事处(以下简称“本单位”)财政资金管理，提高资金使用效益…"
    assert unit(DEPT, opening) == "吉首市乾州街道办事处"


def test_a_unit_that_introduces_itself_after_wo_danwei():
    assert unit(DEPT, "我单位青山县第一中学是全日制公办中学。") == "青山县第一中学"


def test_the_facility_a_project_title_builds_is_no_unit():
    """关于青山县城北垃圾转运站提升改造项目…: 转运站 is what the works improve; the signature signs."""
    got = records(
        make_doc(
            "# 关于青山县城北垃圾转运站提升改造项目的绩效自评报告",
            "项目预算资金90万元，实际支出88.5万元。",
            "青山县城市管理局",
            "2024年2月1日",
        )
    )
    assert got.report.unit_name == "青山县城市管理局"
    assert [p.project_name for p in got.projects] == ["青山县城北垃圾转运站提升改造项目"]


def test_a_unit_of_the_title_that_runs_into_its_project_is_the_unit():
    title = "# 隆回县人居环境指挥部乡村振兴项目资金绩效评价报告"
    got = records(make_doc(title, "为进一步规范乡村振兴资金管理，提高资金使用效益…"))
    assert got.report.unit_name == "隆回县人居环境指挥部"
    assert [p.project_name for p in got.projects] == ["隆回县人居环境指挥部乡村振兴项目"]


def test_a_form_names_its_implementing_unit_not_the_department_over_it():
    form = [
        ("项目名称", "青山县第一中学校舍维修项目"),
        ("主管部门", "青山县教育局", "实施单位", "青山县第一中学"),
    ]
    assert unit("# 项目支出绩效自评表", form) == "青山县第一中学"


# ---- projects ------------------------------------------------------------------------


def test_the_project_funds_are_used_for_names_a_report_whose_title_names_the_funds():
    got = names(
        "# 海口市秀英区水务局2022年衔接资金项目绩效自评报告",
        "(一)海口市秀英区水务局2022年衔接资金共下达105万元,用于实施西秀镇龙头村蔬菜园产业项目。",
    )
    assert got == [("西秀镇龙头村蔬菜园产业项目", D("1050000.00"))]


def test_the_project_in_a_sentence_of_a_report_without_a_named_title():
    got = names(
        PROJECT, "为改善人居环境，我局用于实施青山县城北垃圾转运站提升改造项目，获得省级专项资金90万元。"
    )
    assert got == [("青山县城北垃圾转运站提升改造项目", D("900000.00"))]


def test_projects_listed_after_qizhong_with_their_money():
    got = names(
        DEPT,
        "二是项目绩效自评情况。我单位共有 1 个项目批复了绩效目标，项目金额 46.00 万元。"
        "其中: 河湖水系闸坝工程运行维修经费 46.00 万元。",
    )
    assert got == [("河湖水系闸坝工程运行维修经费", D("460000.00"))]


def test_a_list_of_spending_kinds_after_qizhong_lists_no_project():
    assert names(DEPT, "部门预算总金额 803.74 万元其中:基本支出 757.49 万元,项目支出 46.25 万元。") == []


def test_the_parts_of_a_project_reports_own_project_are_no_projects():
    got = names(
        "# 青山县农村公路养护项目绩效自评报告",
        "本项目分乡村两级实施，其中：乡道养护项目 46.00 万元，村道养护项目 74.00 万元。",
    )
    assert [n for n, _ in got] == ["青山县农村公路养护项目"]


# ---- funds obtained ----------------------------------------------------------------


def test_funds_obtained_are_the_budget():
    (f,) = [f for f in scan("我市获得2023年度中央水污染防治专项资金17347万元", None) if f.money]
    assert (f.field, f.value) == ("budget_adjusted", D("173470000.00"))


def test_anything_else_obtained_is_no_budget():
    assert [f for f in scan("该项目获得经济收益5万元", None) if f.money] == []


# ---- the signature and the budget code ------------------------------------------------


def test_the_signature_stays_apart_from_a_sentence_cut_above_it():
    """An excerpt that stops mid-word ('…监测全市教') does not run on into 保山市教育局 / 2018年5月20日."""
    got = records(
        make_doc(DEPT, "(6)负责本部门教育经费的统筹管理,监测全市教", "保山市教育局", "2018年5月20日")
    )
    assert (got.report.unit_name, str(got.report.report_date)) == ("保山市教育局", "2018-05-20")


def test_a_numbered_project_after_its_budget_code():
    """The 预算管理一体化 project code before the name, with or without its dash."""
    got = names(
        DEPT,
        "1、17150672Y203788167360-哈拉布拉乡南哈拉布拉村农田道路建设项目,铺建砂石路11公里。2021年下达财政专项扶贫资金197万元。",
        "2、41673870Y561250206931397个村级电子政务外网运维项目,全年预算数20万元。",
    )
    assert [n for n, _ in got] == ["哈拉布拉乡南哈拉布拉村农田道路建设项目", "397个村级电子政务外网运维项目"]


def test_a_name_with_a_comma_after_its_budget_code():
    """A comma inside the name (村内干道,巷道路面硬化建设项目) is read past also when a budget
    code, digits and all, stands before the name."""
    got = names(
        DEPT,
        "3、71258203Y413657019221-哈拉布拉乡北哈拉布拉村村内干道,巷道路面硬化建设项目,硬化道路8公里。"
        "2021年下达财政专项扶贫资金300万元,实际已支付289.14万元。",
    )
    assert [n for n, _ in got] == ["哈拉布拉乡北哈拉布拉村村内干道,巷道路面硬化建设项目"]
