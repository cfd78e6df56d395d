"""The cross-checks on hand-made forms and report texts that disagree with themselves.

Each test builds a small 项目支出绩效自评表 (one table, as Word or a .txt gives it) or a
few sentences of a 部门整体支出绩效自评报告, breaks exactly one figure, runs
`normalize.records` and reads the finding by its stable code, field, expected and actual.
The same form left consistent gives no finding at all: a cross-check is also a test.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import make_doc

import extract
import normalize
from normalize import checks

D = Decimal
BANDS = "评价等级：90分（含）以上为优，80（含）-90分为良，60（含）-80分为中，60分以下为差。"

# ---- a consistent form, and ways to break it --------------------------------------

HEAD = [
    ("项目名称", "城区道路路灯维修改造项目", "", "", "", "", ""),
    ("主管部门", "青山县住房和城乡建设局", "", "实施单位", "青山县市政设施服务中心", "", ""),
]
FUNDS_HEADER = ("项目资金", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
# 年度资金总额 80 / 100 / 96 万元: 96% of 10 points is 9.6
FUNDS = ("年度资金总额", "80.00", "100.00", "96.00", "10", "96%", "9.6")
PARTS = (
    ("其中：当年财政拨款", "60.00", "70.00", "66.00", "—", "", ""),
    ("上年结转资金", "20.00", "30.00", "30.00", "—", "", ""),
)
IND_HEADER = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分")
# 分值 50 + 20 + 20 = 90, 得分 90; with the funds block's 9.6 the 总分 is 99.6
INDICATORS = (
    ("产出指标", "数量指标", "维修更换LED路灯数量", "≥120盏", "120盏", "50", "50"),
    ("", "", "更换老旧配电箱数量", "≥10台", "10台", "20", "20"),
    ("效益指标", "社会效益指标", "沿线居民满意度", "≥90%", "95%", "20", "20"),
)
# the same indicators scored to make 总分 85 (75.4 + 9.6)
INDICATORS_85 = (
    ("产出指标", "数量指标", "维修更换LED路灯数量", "≥120盏", "102盏", "50", "40.4"),
    ("", "", "更换老旧配电箱数量", "≥10台", "8台", "20", "15"),
    ("效益指标", "社会效益指标", "沿线居民满意度", "≥90%", "85%", "20", "20"),
)


def form_rows(
    *,
    funds=FUNDS,
    parts=PARTS,
    indicators=INDICATORS,
    total="99.6",
    grade="优",
    funds_header=FUNDS_HEADER,
    head=HEAD,
) -> list[tuple[str, ...]]:
    return [
        *head,
        funds_header,
        funds,
        *parts,
        IND_HEADER,
        *indicators,
        ("总分", "", "", "", "", "100", total),
        ("评价等级", "", "", "", "", grade, ""),
    ]


def form(*, caption: str | None = "单位：万元", notes: tuple[str, ...] = (), **changes):
    """One 项目支出绩效自评表 as a Document: title, year, caption, the table, notes under it."""
    parts = [
        "# 项目支出绩效自评表",
        "（2023年度）",
        *([caption] if caption else []),
        form_rows(**changes),
        *notes,
    ]
    return make_doc(*parts)


def findings(doc) -> list[tuple[str, str | None, str | None, str | None]]:
    return [(f.check, f.field, f.expected, f.actual) for f in normalize.records(doc).findings]


def one(doc, code: str):
    """The single finding of `code`, after checking it is the only finding of any kind."""
    found = normalize.records(doc).findings
    assert [f.check for f in found] == [code], found
    f = found[0]
    assert f.message and "\n" not in f.message
    return f


# ---- the consistent form ----------------------------------------------------------


@pytest.mark.parametrize("notes", [(), (BANDS,)], ids=["no_bands", "bands_stated"])
def test_consistent_form_has_no_finding(notes):
    doc = form(notes=notes)
    recs = normalize.records(doc)
    assert recs.findings == ()
    # and it was read: the checks had something to check
    assert (
        recs.report.budget_adjusted,
        recs.report.execution_rate,
        recs.report.self_score,
        recs.report.grade,
    ) == (D("1000000.00"), D("96"), D("99.6"), "优")
    assert [(i.level1, i.level2, i.level3, i.weight, i.score) for i in recs.indicators] == [
        ("产出指标", "数量指标", "维修更换LED路灯数量", D("50"), D("50")),
        ("产出指标", "数量指标", "更换老旧配电箱数量", D("20"), D("20")),
        ("效益指标", "社会效益指标", "沿线居民满意度", D("20"), D("20")),
    ]


# ---- funds_score_mismatch: 得分 = 执行率 × 分值 --------------------------------------


def test_funds_score_mismatch():
    """执行率 90%, 分值 10: the funds block earns 9, the form says 10 (and 总分 100 adds up with it)."""
    doc = form(
        funds=("年度资金总额", "80.00", "100.00", "90.00", "10", "90%", "10"),
        parts=(
            ("其中：当年财政拨款", "60.00", "70.00", "60.00", "—", "", ""),
            ("上年结转资金", "20.00", "30.00", "30.00", "—", "", ""),
        ),
        total="100",
    )
    f = one(doc, "funds_score_mismatch")
    assert f.field == "project[1].funds.score"
    assert D(f.expected) == D("9") and f.actual == "10"
    assert f.severity is normalize.Severity.WARNING


def test_funds_score_is_capped_at_its_weight():
    """Spent 105% of the budget: the funds block earns its full 10, no more, and 10 is right."""
    doc = form(
        funds=("年度资金总额", "80.00", "100.00", "105.00", "10", "105%", "10"),
        parts=(
            ("其中：当年财政拨款", "60.00", "70.00", "75.00", "—", "", ""),
            ("上年结转资金", "20.00", "30.00", "30.00", "—", "", ""),
        ),
        total="100",
    )
    assert findings(doc) == []


# ---- funds_parts_ne_total: 其中 rows add up to 年度资金总额 ---------------------------

BROKEN_PARTS = (
    ("其中：当年财政拨款", "60.00", "60.00", "66.00", "—", "", ""),
    ("上年结转资金", "20.00", "30.00", "30.00", "—", "", ""),
)


@pytest.mark.parametrize(
    "caption, funds_header",
    [
        pytest.param("单位：万元", FUNDS_HEADER, id="caption_wan"),
        pytest.param(None, ("项目资金（万元）",) + FUNDS_HEADER[1:], id="header_wan"),
    ],
)
def test_funds_parts_ne_total(caption, funds_header):
    """全年预算数 100 万元, but 当年财政拨款 60 + 上年结转资金 30 make 90."""
    f = one(form(caption=caption, funds_header=funds_header, parts=BROKEN_PARTS), "funds_parts_ne_total")
    assert (f.field, f.expected, f.actual) == ("project[1].budget_adjusted", "1000000.00", "900000.00")


def test_funds_parts_read_from_a_txt_file(tmp_path):
    """The same broken form typed as `|` rows in a .txt file, read by extract.read."""
    table = "\n".join("| " + " | ".join(r) + " |" for r in form_rows(parts=BROKEN_PARTS))
    path = tmp_path / "城区道路路灯维修改造项目自评表.txt"
    path.write_text(f"项目支出绩效自评表\n（2023年度）\n单位：万元\n{table}\n", encoding="utf-8")
    f = one(extract.read(path), "funds_parts_ne_total")
    assert (f.field, f.expected, f.actual) == ("project[1].budget_adjusted", "1000000.00", "900000.00")


def test_funds_parts_with_an_empty_part_still_add_up():
    """其他资金 left blank (or —) is no part: 70 + 30 = 100 with an empty third row."""
    doc = form(parts=(*PARTS, ("其他资金", "", "", "", "—", "", "")))
    assert findings(doc) == []


# ---- indicator_score_above_weight, indicator_sum_ne_total ---------------------------


def test_indicator_score_above_weight():
    """更换老旧配电箱数量: 分值 10, 得分 12 (the others keep 总分 99.6 true)."""
    doc = form(
        indicators=(
            ("产出指标", "数量指标", "维修更换LED路灯数量", "≥120盏", "120盏", "50", "48"),
            ("", "", "更换老旧配电箱数量", "≥10台", "12台", "10", "12"),
            ("效益指标", "社会效益指标", "沿线居民满意度", "≥90%", "95%", "30", "30"),
        )
    )
    f = one(doc, "indicator_score_above_weight")
    assert (f.field, f.expected, f.actual) == ("project[1].indicator.score", "10", "12")
    assert "更换老旧配电箱数量" in f.message
    assert f.severity is normalize.Severity.ERROR


def test_indicator_sum_ne_total():
    """Σ 指标得分 90 + 资金得分 9.6 = 99.6, but 总分 says 95."""
    f = one(form(total="95"), "indicator_sum_ne_total")
    assert (f.field, f.expected, f.actual) == ("project[1].self_score", "95", "99.6")


def test_a_sum_within_rounding_is_no_finding():
    """Forms round part scores to one decimal: 99.6 written as 99.55 is the same total."""
    assert findings(form(total="99.55")) == []


# ---- grade_mismatch ----------------------------------------------------------------


def test_grade_mismatch_against_stated_bands():
    """总分 85 is 良 by the bands the document states; the form says 优."""
    found = findings(form(indicators=INDICATORS_85, total="85", notes=(BANDS,)))
    assert ("grade_mismatch", "project[1].grade", "良", "优") in found
    assert {c for c, *_ in found} == {"grade_mismatch"}


def test_one_wrong_grade_is_one_finding():
    """Once reported the same wrong grade twice: as the form's (project[1].grade) and the report's."""
    found = findings(form(indicators=INDICATORS_85, total="85", notes=(BANDS,)))
    assert found == [("grade_mismatch", "project[1].grade", "良", "优")]


def test_no_grade_finding_without_stated_bands():
    """No bands in the document: 85 and 优 are not checked against a guess."""
    assert findings(form(indicators=INDICATORS_85, total="85")) == []


@pytest.mark.parametrize(
    "total, grade, expected",
    [
        pytest.param("90", "良", "优", id="90_is_优_bound_included"),
        pytest.param("90", "优", None, id="90_优"),
        pytest.param("90", "优秀", None, id="优秀_is_优"),
        pytest.param("80", "良", None, id="80_良"),
        pytest.param("80", "中", "良", id="80_not_中"),
        pytest.param("59.5", "中", "差", id="below_60_差"),
    ],
)
def test_grade_band_edges(total, grade, expected):
    """The (含) bound belongs to the higher band; 优秀 written for 优 is the same grade."""
    got = checks.grade_matches_score(D(total), grade, checks.bands(BANDS), "")
    assert [(f.check, f.expected, f.actual) for f in got] == (
        [("grade_mismatch", expected, grade)] if expected else []
    )


@pytest.mark.parametrize(
    "text, want",
    [
        pytest.param(BANDS, [(90, "优"), (80, "良"), (60, "中"), (0, "差")], id="form_note"),
        pytest.param(
            "等级一般划分为四档：90（含）-100分为优、80（含）-90分为良、60（含）-80分为中、60分以下为差。",
            [(90, "优"), (80, "良"), (60, "中"), (0, "差")],
            id="cai_yu_2020_10",
        ),
        pytest.param(
            "得分90分(含)以上为优秀，80分(含)至90分为良好，60分(含)至80分为合格，60分以下为不合格",
            [(90, "优秀"), (80, "良好"), (60, "合格"), (0, "不合格")],
            id="优秀_良好_合格",
        ),
        pytest.param(
            "90分（含）以上为“优”，80分（含）至90分为“良”，60分（含）至80分为“中”，60分以下为“差”",
            [(90, "优"), (80, "良"), (60, "中"), (0, "差")],
            id="quoted_grades",
        ),
        pytest.param("本项目自评得分85分，评价等级为优。", [], id="a_grade_is_no_band"),
        pytest.param(
            "总分≥90分为优；80分≤总分<90分为良；60分≤总分<80分为中；总分<60分为差。",
            [(90, "优"), (80, "良"), (60, "中"), (0, "差")],
            id="inequalities",
        ),
    ],
)
def test_bands(text, want):
    assert checks.bands(text) == [(D(lo), g) for lo, g in want]


def test_no_false_grade_mismatch_with_inequality_bands():
    """Bands written as inequalities were once read '<90分为良' as 90 -> 良, and a 99.6-point 优 form
    was reported as grade_mismatch expected 良."""
    doc = form(notes=("评价等级：总分≥90分为优；80分≤总分<90分为良；60分≤总分<80分为中；总分<60分为差。",))
    assert findings(doc) == []


# ---- several forms in one document --------------------------------------------------


def test_second_form_findings_name_their_form():
    """Two forms one after the other: only the second is broken, and its finding says so."""
    second = [("项目名称", "背街小巷亮化工程", "", "", "", "", ""), *HEAD[1:]]
    doc = make_doc(
        "# 项目支出绩效自评表",
        "单位：万元",
        form_rows(),
        "# 项目支出绩效自评表",
        "单位：万元",
        form_rows(head=second, total="95"),
    )
    recs = normalize.records(doc)
    assert [p.project_name for p in recs.projects] == ["城区道路路灯维修改造项目", "背街小巷亮化工程"]
    assert [(f.check, f.field, f.expected, f.actual) for f in recs.findings] == [
        ("indicator_sum_ne_total", "project[2].self_score", "95", "99.6")
    ]


# ---- the narrative checks (checks.check) -----------------------------------------

TITLE = "# 龙山县林业局2022年度部门整体支出绩效自评报告"


@pytest.mark.parametrize(
    "paragraphs, finding",
    [
        pytest.param(
            [
                "2022 年我部门年初预算数 100 万元，全年预算数 120 万元，全年执行数 110 万元，预算执行率为 95%。"
            ],
            ("rate_mismatch", "execution_rate", "91.67", "95"),
            id="rate_mismatch",
        ),
        pytest.param(
            [TITLE, "2022年度我局全年执行数 500 万元，其中：基本支出 300 万元，项目支出 150 万元。"],
            ("basic_plus_project_eq_total", "expenditure", "5000000.00", "4500000.00"),
            id="basic_plus_project",
        ),
        pytest.param(
            [
                TITLE,
                "2022年度我局全年执行数 500 万元，其中：基本支出 300 万元，项目支出 200 万元。"
                "基本支出中，人员经费 250 万元，公用经费 40 万元。",
            ],
            ("personnel_plus_public_eq_basic", "basic_expenditure", "3000000.00", "2900000.00"),
            id="personnel_plus_public",
        ),
        pytest.param(
            [
                TITLE,
                "2022年度我局项目支出 200 万元，共实施项目 2 个。",
                "1、森林防火项目：全年预算数 120 万元，全年执行数 120 万元，执行率 100%，自评得分 95 分。",
                "2、林木良种补贴项目：全年预算数 60 万元，全年执行数 60 万元，执行率 100%，自评得分 92 分。",
            ],
            ("projects_sum_eq_project_total", "project_expenditure", "2000000.00", "1800000.00"),
            id="projects_sum",
        ),
        pytest.param(
            [TITLE, "经自评，我局2022年度部门整体支出绩效自评得分 102 分，评价等级为优。"],
            ("score_above_max", "self_score", "100", "102"),
            id="score_above_max",
        ),
        pytest.param(
            [
                "# 龙山县林业局2024年度部门整体支出绩效自评报告",
                "我局2024年度全年预算数 100 万元。",
                "龙山县林业局",
                "2023年6月5日",
            ],
            ("fiscal_year_after_report_date", "fiscal_year", "<= 2023", "2024"),
            id="fiscal_year_after_date",
        ),
        pytest.param(
            [
                TITLE,
                "2022年度我局项目支出 180 万元，共实施项目 2 个。",
                "1、森林防火项目：全年预算数 120 万元，全年执行数 100 万元，执行率 100%，自评得分 95 分。",
                "2、林木良种补贴项目：全年预算数 60 万元，全年执行数 60 万元，执行率 100%，自评得分 92 分。",
            ],
            ("rate_mismatch", "project[1].execution_rate", "83.33", "100"),
            id="project_rate_mismatch",
        ),
    ],
)
def test_narrative_check(paragraphs, finding):
    assert findings(make_doc(*paragraphs)) == [finding]


def test_consistent_narrative_has_no_finding():
    """Every figure of the broken ones above, put right: 110 / 120 = 91.67%, 300 + 200 = 500,
    250 + 50 = 300, 120 + 80 = 200, 92 ≤ 100, dated the year after."""
    doc = make_doc(
        TITLE,
        "2022 年我局年初预算数 480 万元，全年预算数 545.45 万元，全年执行数 500 万元，预算执行率为 91.67%。"
        "其中：基本支出 300 万元，项目支出 200 万元。基本支出中，人员经费 250 万元，公用经费 50 万元。",
        "2022年度共实施项目 2 个。",
        "1、森林防火项目：全年预算数 120 万元，全年执行数 120 万元，执行率 100%，自评得分 95 分。",
        "2、林木良种补贴项目：全年预算数 80 万元，全年执行数 80 万元，执行率 100%，自评得分 92 分。",
        "经自评，我局2022年度部门整体支出绩效自评得分 92 分，评价等级为优。",
        "龙山县林业局",
        "2023年6月5日",
    )
    recs = normalize.records(doc)
    r = recs.report
    assert (r.expenditure, r.basic_expenditure, r.project_expenditure, r.execution_rate, r.self_score) == (
        D("5000000.00"),
        D("3000000.00"),
        D("2000000.00"),
        D("91.67"),
        D("92"),
    )
    assert len(recs.projects) == 2
    assert recs.findings == ()


def test_narrative_grade_checked_against_stated_bands():
    """A report with no form: its stated 自评得分 and 评价等级 against the bands in its text."""
    doc = make_doc(
        TITLE,
        "经自评，我局2022年度部门整体支出绩效自评得分 85 分，评价等级为优。",
        "评分标准：90分（含）以上为优，80（含）-90分为良，60（含）-80分为中，60分以下为差。",
    )
    assert findings(doc) == [("grade_mismatch", "grade", "良", "优")]


def test_narrative_grade_without_bands_is_not_checked():
    doc = make_doc(TITLE, "经自评，我局2022年度部门整体支出绩效自评得分 85 分，评价等级为优。")
    assert findings(doc) == []
