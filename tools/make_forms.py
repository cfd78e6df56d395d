"""Build the standard-form samples (项目支出绩效自评表) and their golden records.

    python tools/make_forms.py [--force]

Writes, from the figures in the constants below (fictitious units of 青山县, fiscal year 2023):

samples/201.docx, 201.pdf   one 项目支出绩效自评表 (城区道路路灯维修改造项目) as ONE Word table with
                            merged cells, long enough that the PDF table runs onto a second page,
                            splitting inside the indicator block (inside the merged 产出指标 /
                            数量指标 cells). Its first row (项目名称) is a repeated header row
                            (w:tblHeader), so page 2 starts again with 项目名称: Word and LibreOffice
                            repeat only rows at the top of a table, never the indicator header
                            row in the middle of it.
samples/202.xlsx            two project forms filled in Excel, one per sheet: merged label cells,
                            money as numbers in 万元 (format 0.00), 执行率 as a fraction (0.00%).
samples/203.docx, 203.pdf   a short 部门整体支出绩效自评报告 (青山县农业农村局) followed by
                            "附件：项目支出绩效自评表" with three project forms; the projects'
                            全年预算数 add up to the report's 项目支出.
tests/golden/NNN.expected.json
                            what a careful clerk reads off each sample, in the terms of SCHEMA.md
                            (money in yuan, rates and scores as stated, null where not stated),
                            derived from the same constants, never retyped.

Every figure is checked here before anything is written: the 其中 rows add up to 年度资金总额,
执行率 = 全年执行数 / 全年预算数 as stated, 得分 = 执行率 × 分值, Σ 分值 = 100, every 得分 ≤ its
分值, 资金得分 + Σ 指标得分 = 总分, 基本支出 = 人员经费 + 公用经费, 基本支出 + 项目支出 =
全年执行数 and Σ 项目全年预算数 = 项目支出.

Idempotent: a file is rewritten only when its bytes change (the .docx and .xlsx zips carry
fixed timestamps and metadata), and a PDF is re-exported only when its .docx changed, is
missing, or with --force. PDFs need LibreOffice (`soffice`) and the Noto CJK fonts.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLDEN = ROOT / "tests" / "golden"
sys.path.insert(0, str(ROOT))
# The seed samples' helpers: the CJK East Asian fonts, the 公文 page with its "— N —" footer,
# fixed core properties and the re-zip with fixed timestamps.
from tools.make_samples import FIXED_TIME, INDENT, SANS, docx_bytes, new_document  # noqa: E402

D = Decimal
WAN = D(10000)
LO_PROFILE = "file:///tmp/lo-forms"

# ---------------------------------------------------------------------------------------------
# The figures. Money in 万元 exactly as the forms print it; rates and scores as printed.
# A funds row is (年初预算数, 全年预算数, 全年执行数); None is an empty cell.
# An indicator is (一级指标, 二级指标, 三级指标, 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施).
# ---------------------------------------------------------------------------------------------

FORM_201 = {
    "project_name": "城区道路路灯维修改造项目",
    "department": "青山县住房和城乡建设局",
    "unit": "青山县市政设施服务中心",
    "fiscal_year": 2023,
    "report_date": (2024, 3, 8),  # 填报日期 under the table
    "funds": {
        "total": ("80.00", "85.50", "82.08"),
        "fiscal": ("80.00", "80.00", "76.58"),
        "carryover": ("0.00", "5.50", "5.50"),
        "other": (None, None, None),
    },
    "funds_weight": "10",
    "rate": "96",  # printed "96%": 82.08 / 85.50 = 0.96 exactly
    "funds_score": "9.6",
    "goal_expected": (
        "对城区主次干道及背街小巷老化损坏路灯进行维修改造，更换LED节能灯具不少于120盏，更换老旧配电箱"
        "不少于10台，改造照明线路不少于6.5公里，城区主次干道夜间照明覆盖率达到95%以上，消除路灯安全隐患，"
        "改善群众夜间出行条件。"
    ),
    "goal_actual": (
        "全年维修改造路灯102盏，更换老旧配电箱8台，改造照明线路6.8公里，工程于2023年11月28日全部完工并"
        "通过验收，城区主次干道夜间照明覆盖率达到97%，路灯亮灯率98.6%，年节约用电约16.2万千瓦时。因部分"
        "路段与道路提升改造工程交叉施工，18盏路灯和2台配电箱更换推迟至2024年实施。"
    ),
    "indicators": [
        (
            "产出指标",
            "数量指标",
            "维修更换LED路灯数量",
            "≥120盏",
            "102盏",
            "10",
            "8.5",
            "与道路提升改造工程交叉施工，18盏路灯更换推迟至2024年实施；今后加强项目统筹衔接。",
        ),
        (
            "产出指标",
            "数量指标",
            "更换老旧配电箱数量",
            "≥10台",
            "8台",
            "8",
            "6.4",
            "2台配电箱所在地块涉及征迁，暂缓更换，已纳入2024年计划。",
        ),
        ("产出指标", "数量指标", "改造照明线路长度", "≥6.5公里", "6.8公里", "5", "5", ""),
        ("产出指标", "质量指标", "工程验收合格率", "100%", "100%", "8", "8", ""),
        ("产出指标", "质量指标", "路灯亮灯率", "≥95%", "98.6%", "6", "6", ""),
        ("产出指标", "时效指标", "工程完工时间", "2023年12月底前", "2023年11月28日", "4", "4", ""),
        ("产出指标", "时效指标", "故障报修处理时限", "≤48小时", "24小时", "4", "4", ""),
        ("产出指标", "成本指标", "项目总成本", "≤85万元", "82.08万元", "5", "5", ""),
        ("效益指标", "社会效益指标", "城区主次干道夜间照明覆盖率", "≥95%", "97%", "8", "8", ""),
        ("效益指标", "社会效益指标", "夜间交通安全状况", "显著改善", "显著改善", "7", "7", ""),
        ("效益指标", "生态效益指标", "年节约用电量", "≥15万千瓦时", "16.2万千瓦时", "5", "5", ""),
        ("效益指标", "可持续影响指标", "路灯设施正常使用年限", "≥5年", "5年", "5", "5", ""),
        ("效益指标", "可持续影响指标", "路灯长效管护机制", "建立健全", "已建立", "5", "5", ""),
        ("满意度指标", "服务对象满意度指标", "沿线居民满意度", "≥95%", "97.3%", "10", "10", ""),
    ],
    "total_weight": "100",
    "total_score": "96.5",
    "grade": "优",
}

# 202.xlsx: two projects of 青山县水利局, one per sheet. Money cells are numbers (万元, 0.00);
# 执行率 is the fraction the cell holds (shown 0.00%); 分值 and 得分 are numbers.
FORMS_202 = [
    {
        "sheet": "农村饮水安全巩固提升工程",
        "project_name": "农村饮水安全巩固提升工程",
        "department": "青山县水利局",
        "unit": "青山县水利局",
        "fiscal_year": 2023,
        "funds": {
            "total": ("230", "250", "237.8"),
            "fiscal": ("230", "230", "219.3"),
            "carryover": (None, "20", "18.5"),
            "other": (None, None, None),
        },
        "funds_weight": "10",
        "rate": "0.9512",  # the cell value; shown 95.12%
        "funds_score": "9.51",
        "goal_expected": "新建改造农村集中供水工程6处，铺设供水管网42公里以上，更新净化消毒设备15套，巩固提升"
        "1.8万农村人口饮水安全保障水平，农村自来水普及率达到92%以上。",
        "goal_actual": "完成6处集中供水工程建设改造，铺设供水管网43.5公里，更新净化消毒设备15套，受益人口"
        "1.86万人，农村自来水普及率达到93.5%；2处水源枯水期浊度偏高，水质达标率略低于目标。",
        "indicators": [
            ("产出指标", "数量指标", "新建改造集中供水工程", "≥6处", "6处", "10", "10", ""),
            ("产出指标", "数量指标", "新铺设供水管网长度", "≥42公里", "43.5公里", "10", "10", ""),
            ("产出指标", "数量指标", "更新净化消毒设备", "≥15套", "15套", "5", "5", ""),
            ("产出指标", "质量指标", "工程验收合格率", "100%", "100%", "10", "10", ""),
            (
                "产出指标",
                "质量指标",
                "农村集中供水水质达标率",
                "≥95%",
                "93.6%",
                "5",
                "4",
                "2处水源枯水期浊度超标，已增设过滤设施，2024年加强水质检测。",
            ),
            ("产出指标", "时效指标", "工程完工时间", "2023年11月底前", "2023年11月25日", "5", "5", ""),
            ("产出指标", "成本指标", "单处工程平均造价", "≤40万元", "39.63万元", "5", "5", ""),
            ("效益指标", "社会效益指标", "受益农村人口", "≥1.8万人", "1.86万人", "10", "10", ""),
            ("效益指标", "社会效益指标", "农村自来水普及率", "≥92%", "93.5%", "10", "10", ""),
            ("效益指标", "可持续影响指标", "工程运行管护机制", "健全", "健全", "10", "10", ""),
            ("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "95.2%", "10", "10", ""),
        ],
        "total_weight": "100",
        "total_score": "98.51",
        "grade": "优",
    },
    {
        "sheet": "乡镇污水处理设施运维经费",
        "project_name": "乡镇污水处理设施运维经费",
        "department": "青山县水利局",
        "unit": "青山县水利局",
        "fiscal_year": 2023,
        "funds": {
            "total": ("100", "112.5", "109.62"),
            "fiscal": ("100", "100", "97.12"),
            "carryover": (None, None, None),
            "other": (None, "12.5", "12.5"),
        },
        "funds_weight": "10",
        "rate": "0.9744",  # shown 97.44%
        "funds_score": "9.74",
        "goal_expected": "保障全县12座乡镇污水处理站及配套管网正常运行，出水水质达标率90%以上，年处理生活污水"
        "85万吨以上，改善乡镇水环境质量。",
        "goal_actual": "12座乡镇污水处理站全年正常运行，巡查维护配套管网36公里，年处理生活污水87.3万吨；2座"
        "处理站进水浓度偏低，出水水质达标率88%。",
        "indicators": [
            ("产出指标", "数量指标", "运维乡镇污水处理站数量", "≥12座", "12座", "15", "15", ""),
            ("产出指标", "数量指标", "配套管网巡查维护长度", "≥36公里", "36公里", "10", "10", ""),
            (
                "产出指标",
                "质量指标",
                "出水水质达标率",
                "≥90%",
                "88%",
                "10",
                "8",
                "2座处理站进水浓度偏低、工艺调试周期长，下一步实施雨污分流改造。",
            ),
            ("产出指标", "质量指标", "设施正常运行率", "≥95%", "97%", "5", "5", ""),
            ("产出指标", "时效指标", "运维经费拨付时限", "按季度拨付", "按季度拨付", "5", "5", ""),
            ("产出指标", "成本指标", "单座处理站年运维成本", "≤9.5万元", "9.14万元", "5", "5", ""),
            ("效益指标", "生态效益指标", "年处理生活污水量", "≥85万吨", "87.3万吨", "15", "15", ""),
            ("效益指标", "可持续影响指标", "运维管理制度执行", "长期", "长期", "15", "15", ""),
            ("满意度指标", "服务对象满意度指标", "周边群众满意度", "≥90%", "93%", "10", "10", ""),
        ],
        "total_weight": "100",
        "total_score": "97.74",
        "grade": "优",
    },
]

# 203: the department report (万元) and its three project forms. The forms print 一级指标 with
# its points ("产出指标（50分）"), which the golden records drop (LABELING.md).
DEPT_203 = {
    "unit_name": "青山县农业农村局",
    "fiscal_year": 2023,
    "report_date": (2024, 3, 20),
    "budget_initial": "1236.50",
    "budget_adjusted": "1313.80",
    "expenditure": "1288.42",
    "execution_rate": "98.07",  # 1288.42 / 1313.80 = 98.068...% -> stated 98.07%
    "basic_expenditure": "710.82",
    "personnel_expenditure": "612.35",
    "public_expenditure": "98.47",
    "project_expenditure": "577.60",
    "self_score": "94.5",
    "grade": "优",
    "project_count": 3,
}

FORMS_203 = [
    {
        "project_name": "高标准农田建设项目",
        "department": "青山县农业农村局",
        "unit": "青山县农田建设服务中心",
        "fiscal_year": 2023,
        "funds": {
            "total": ("400", "420", "420"),
            "fiscal": ("400", "420", "420"),
            "carryover": (None, None, None),
            "other": (None, None, None),
        },
        "funds_weight": "10",
        "rate": "100",
        "funds_score": "10",
        "goal_expected": "新建高标准农田1.2万亩，完善灌溉排水、田间道路等配套设施，提高项目区粮食综合生产能力。",
        "goal_actual": "新建高标准农田1.2万亩，工程全部验收合格；受夏季干旱影响，亩均粮食产能提高46公斤。",
        "indicators": [
            ("产出指标", "数量指标", "新建高标准农田面积", "≥1.2万亩", "1.2万亩", "25", "25", ""),
            ("产出指标", "质量指标", "工程验收合格率", "100%", "100%", "15", "15", ""),
            ("产出指标", "时效指标", "项目完工时间", "2023年12月底前", "2023年12月20日", "10", "10", ""),
            (
                "效益指标",
                "经济效益指标",
                "亩均粮食产能提高",
                "≥50公斤",
                "46公斤",
                "30",
                "27.6",
                "受夏季持续干旱影响，产能提升未达预期；今后加强灌溉设施管护。",
            ),
            ("满意度指标", "服务对象满意度指标", "项目区农户满意度", "≥90%", "94%", "10", "10", ""),
        ],
        "total_weight": "100",
        "total_score": "97.6",
    },
    {
        "project_name": "农作物病虫害统防统治补助",
        "department": "青山县农业农村局",
        "unit": "青山县植保植检站",
        "fiscal_year": 2023,
        "funds": {
            "total": ("85", "85", "85"),
            "fiscal": ("85", "85", "85"),
            "carryover": (None, None, None),
            "other": (None, None, None),
        },
        "funds_weight": "10",
        "rate": "100",
        "funds_score": "10",
        "goal_expected": "开展水稻等主要农作物病虫害统防统治8万亩次以上，防治效果达到85%以上，减少粮食损失。",
        "goal_actual": "完成统防统治作业8.3万亩次，防治效果88%，挽回粮食损失3260吨。",
        "indicators": [
            ("产出指标", "数量指标", "统防统治作业面积", "≥8万亩次", "8.3万亩次", "25", "25", ""),
            ("产出指标", "质量指标", "病虫害防治效果", "≥85%", "88%", "15", "15", ""),
            ("产出指标", "成本指标", "亩次补助标准", "≤10元", "10元", "10", "10", ""),
            ("效益指标", "经济效益指标", "挽回粮食损失", "≥3000吨", "3260吨", "30", "30", ""),
            (
                "满意度指标",
                "服务对象满意度指标",
                "种植户满意度",
                "≥90%",
                "85%",
                "10",
                "8",
                "部分种植户对作业时间安排有意见，今后提前公告作业计划。",
            ),
        ],
        "total_weight": "100",
        "total_score": "98",
    },
    {
        "project_name": "农村人居环境整治村庄清洁行动经费",
        "department": "青山县农业农村局",
        "unit": "青山县农业农村局",
        "fiscal_year": 2023,
        "funds": {
            "total": ("60", "72.6", "72.6"),
            "fiscal": ("60", "60", "60"),
            "carryover": (None, "12.6", "12.6"),
            "other": (None, None, None),
        },
        "funds_weight": "10",
        "rate": "100",
        "funds_score": "10",
        "goal_expected": "在全县86个行政村开展村庄清洁行动，清理农村生活垃圾、沟塘和畜禽养殖粪污，改善农村人居环境。",
        "goal_actual": "86个行政村全部开展村庄清洁行动，验收合格率96.5%，农村人居环境明显改善。",
        "indicators": [
            ("产出指标", "数量指标", "开展村庄清洁行动行政村数", "≥86个", "86个", "20", "20", ""),
            ("产出指标", "质量指标", "村庄清洁行动验收合格率", "≥95%", "96.5%", "15", "15", ""),
            ("产出指标", "时效指标", "清洁行动完成时限", "2023年12月底前", "按期完成", "15", "15", ""),
            ("效益指标", "社会效益指标", "农村人居环境", "明显改善", "明显改善", "30", "30", ""),
            ("满意度指标", "服务对象满意度指标", "村民满意度", "≥90%", "92%", "10", "10", ""),
        ],
        "total_weight": "100",
        "total_score": "100",
    },
]

ROW_KEYS = ("total", "fiscal", "carryover", "other")
ROW_LABELS = ("年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金")


# ---------------------------------------------------------------------------------------------
# Consistency of the figures
# ---------------------------------------------------------------------------------------------


def dec(s: str | None) -> Decimal:
    return D(0) if s is None else D(s)


def check_form(f: dict, *, rate_is_fraction: bool = False) -> None:
    """Assert that one project form's figures agree with each other."""
    name = f["project_name"]
    funds = f["funds"]
    for i in range(3):  # 其中 rows add up to 年度资金总额, column by column
        parts = sum((dec(funds[k][i]) for k in ROW_KEYS[1:]), D(0))
        assert parts == dec(funds["total"][i]), (name, i, parts, funds["total"][i])
    _, adj, exp = (dec(x) for x in funds["total"])
    rate = D(f["rate"]) * (100 if rate_is_fraction else 1)  # percent
    places = -D(f["rate"]).as_tuple().exponent - (2 if rate_is_fraction else 0)
    stated = (exp / adj * 100).quantize(D(1).scaleb(-max(places, 0)), ROUND_HALF_UP)
    assert stated == rate, (name, "执行率", exp / adj * 100, rate)
    weight = D(f["funds_weight"])
    fscore = (rate / 100 * weight).quantize(D(f["funds_score"]), ROUND_HALF_UP)
    assert fscore == D(f["funds_score"]), (name, "资金得分", fscore, f["funds_score"])
    weights = [D(x[5]) for x in f["indicators"]]
    scores = [D(x[6]) for x in f["indicators"]]
    assert weight + sum(weights) == D(f["total_weight"]) == 100, (name, "Σ分值", weight + sum(weights))
    assert all(s <= w for s, w in zip(scores, weights)), (name, "得分 > 分值")
    for ind, w, s in zip(f["indicators"], weights, scores):  # a lost point is explained
        assert (s < w) == bool(ind[7]), (name, ind[2], "偏差原因")
    total = D(f["funds_score"]) + sum(scores)
    assert total == D(f["total_score"]), (name, "总分", total, f["total_score"])
    levels = [x[0] for x in f["indicators"]]
    assert levels == sorted(levels, key=("产出指标", "效益指标", "满意度指标").index), (
        name,
        "一级指标 order",
    )


def check_all() -> None:
    check_form(FORM_201)
    for f in FORMS_202:
        check_form(f, rate_is_fraction=True)
    for f in FORMS_203:
        check_form(f)
    d = DEPT_203
    assert dec(d["personnel_expenditure"]) + dec(d["public_expenditure"]) == dec(d["basic_expenditure"])
    assert dec(d["basic_expenditure"]) + dec(d["project_expenditure"]) == dec(d["expenditure"])
    assert sum(dec(f["funds"]["total"][1]) for f in FORMS_203) == dec(d["project_expenditure"])
    assert sum(dec(f["funds"]["total"][2]) for f in FORMS_203) == dec(d["project_expenditure"])
    assert len(FORMS_203) == d["project_count"]
    rate = (dec(d["expenditure"]) / dec(d["budget_adjusted"]) * 100).quantize(D("0.01"), ROUND_HALF_UP)
    assert rate == D(d["execution_rate"]), rate


# ---------------------------------------------------------------------------------------------
# Golden records (SCHEMA.md terms)
# ---------------------------------------------------------------------------------------------


def yuan(wan: str | None) -> str | None:
    return None if wan is None else f"{D(wan) * WAN:.2f}"


def plain(x: Decimal) -> str:
    """A decimal as stated, without an exponent or trailing zeros: 95.1200 -> 95.12, 100 -> 100."""
    return f"{x.normalize():f}"


def shown_rate(f: dict, fraction: bool) -> str:
    """The 执行率 as the reader sees it, in percent: "96", or an Excel 0.9512 shown 95.12%."""
    return plain(D(f["rate"]) * 100) if fraction else f["rate"]


def project_record(f: dict, *, fraction: bool = False) -> dict:
    ini, adj, exp = f["funds"]["total"]
    return {
        "project_name": f["project_name"],
        "budget_initial": yuan(ini),
        "budget_adjusted": yuan(adj),
        "expenditure": yuan(exp),
        "execution_rate": shown_rate(f, fraction),
        "score": f["total_score"],
    }


def indicator_records(f: dict) -> list[dict]:
    return [
        {
            "project_name": f["project_name"],
            "level1": l1,
            "level2": l2,
            "level3": l3,
            "target": target,
            "actual": actual,
            "weight": w,
            "score": s,
        }
        for l1, l2, l3, target, actual, w, s, _ in f["indicators"]
    ]


def empty_report(**kw) -> dict:
    keys = (
        "report_kind",
        "unit_name",
        "fiscal_year",
        "report_date",
        "budget_initial",
        "budget_adjusted",
        "expenditure",
        "execution_rate",
        "basic_expenditure",
        "personnel_expenditure",
        "public_expenditure",
        "project_expenditure",
        "self_score",
        "grade",
        "project_count",
    )
    rep = dict.fromkeys(keys)
    rep.update(kw)
    return rep


def iso(d: tuple[int, int, int] | None) -> str | None:
    return None if d is None else f"{d[0]:04d}-{d[1]:02d}-{d[2]:02d}"


def golden_201() -> dict:
    f = FORM_201
    p = project_record(f)
    report = empty_report(
        report_kind="project",
        unit_name=f["unit"],
        fiscal_year=f["fiscal_year"],
        report_date=iso(f["report_date"]),
        budget_initial=p["budget_initial"],
        budget_adjusted=p["budget_adjusted"],
        expenditure=p["expenditure"],
        execution_rate=p["execution_rate"],
        self_score=f["total_score"],
        grade=f["grade"],
    )
    return {"report": report, "projects": [p], "indicators": indicator_records(f)}


def golden_202() -> dict:
    # Two projects in one workbook: no report-level money or score (as corpus 060); both sheets
    # name the same 实施单位, so the unit is stated.
    units = {f["unit"] for f in FORMS_202}
    years = {f["fiscal_year"] for f in FORMS_202}
    assert len(units) == len(years) == 1
    report = empty_report(report_kind="unknown", unit_name=units.pop(), fiscal_year=years.pop())
    return {
        "report": report,
        "projects": [project_record(f, fraction=True) for f in FORMS_202],
        "indicators": [r for f in FORMS_202 for r in indicator_records(f)],
    }


def golden_203() -> dict:
    d = DEPT_203
    money = (
        "budget_initial",
        "budget_adjusted",
        "expenditure",
        "basic_expenditure",
        "personnel_expenditure",
        "public_expenditure",
        "project_expenditure",
    )
    report = empty_report(
        report_kind="dept_overall",
        unit_name=d["unit_name"],
        fiscal_year=d["fiscal_year"],
        report_date=iso(d["report_date"]),
        execution_rate=d["execution_rate"],
        self_score=d["self_score"],
        grade=d["grade"],
        project_count=d["project_count"],
        **{k: yuan(d[k]) for k in money},
    )
    return {
        "report": report,
        "projects": [project_record(f) for f in FORMS_203],
        "indicators": [r for f in FORMS_203 for r in indicator_records(f)],
    }


# ---------------------------------------------------------------------------------------------
# Word: the form as one table with merged cells
# ---------------------------------------------------------------------------------------------

# 9 grid columns: 绩效指标 | 一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因
FORM_WIDTHS = [620, 1100, 1150, 1680, 1180, 1180, 620, 760, 1574]  # twips; 9864 = A4 less 1.8 cm margins
FORM_MARGIN = Twips(1021)  # 1.8 cm


def level1_label(f: dict, l1: str, with_points: bool) -> str:
    if not with_points:
        return l1
    pts = sum(D(x[5]) for x in f["indicators"] if x[0] == l1)
    return f"{l1}（{plain(pts)}分）"


def runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive equal keys -> (start, end) index ranges, end inclusive."""
    out, start = [], 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i] != rows[start]:
            out.append((start, i - 1))
            start = i
    return out


def form_layout(
    f: dict, *, points: bool, grade_row: bool, funds_fmt
) -> tuple[list[list[str]], list[tuple], int]:
    """The form as a text grid, merge rectangles (r0, c0, r1, c1) and the indicator header's row index.

    A merged cell's text sits in its top-left grid cell; the others are empty."""
    g: list[list[str]] = []
    merges: list[tuple] = []

    def row(cells: dict[int, str], spans: list[tuple[int, int]] = ()) -> int:
        r = len(g)
        g.append([""] * 9)
        for c, t in cells.items():
            g[r][c] = t
        for c0, c1 in spans:
            merges.append((r, c0, r, c1))
        return r

    row({0: "项目名称", 1: f["project_name"]}, [(1, 8)])
    row({0: "主管部门", 1: f["department"], 4: "实施单位", 6: f["unit"]}, [(1, 3), (4, 5), (6, 8)])
    r0 = row(
        {
            0: "项目资金（万元）",
            3: "年初预算数",
            4: "全年预算数",
            5: "全年执行数",
            6: "分值",
            7: "执行率",
            8: "得分",
        },
        [(1, 2)],
    )
    for key, label in zip(ROW_KEYS, ROW_LABELS):
        vals = [funds_fmt(v) for v in f["funds"][key]]
        cells = {1: label, 3: vals[0], 4: vals[1], 5: vals[2]}
        if key == "total":
            cells.update({6: f["funds_weight"], 7: f"{f['rate']}%", 8: f["funds_score"]})
        else:
            cells[6] = "—"
        row(cells, [(1, 2)])
    merges.append((r0, 0, len(g) - 1, 0))
    r0 = row({0: "年度总体目标", 1: "预期目标", 5: "实际完成情况"}, [(1, 4), (5, 8)])
    row({1: f["goal_expected"], 5: f["goal_actual"]}, [(1, 4), (5, 8)])
    merges.append((r0, 0, r0 + 1, 0))
    head = row(
        {
            0: "绩效指标",
            1: "一级指标",
            2: "二级指标",
            3: "三级指标",
            4: "年度指标值",
            5: "实际完成值",
            6: "分值",
            7: "得分",
            8: "偏差原因分析及改进措施",
        }
    )
    first = len(g)
    inds = f["indicators"]
    for l1, l2, l3, target, actual, w, s, why in inds:
        row({1: level1_label(f, l1, points), 2: l2, 3: l3, 4: target, 5: actual, 6: w, 7: s, 8: why})
    merges.append((head, 0, len(g) - 1, 0))
    for a, b in runs([x[0] for x in inds]):  # 一级指标 over its rows
        if b > a:
            merges.append((first + a, 1, first + b, 1))
    for a, b in runs([(x[0], x[1]) for x in inds]):  # 二级指标 over its rows
        if b > a:
            merges.append((first + a, 2, first + b, 2))
    for i in range(first + 1, len(g)):  # a merged cell's text is in its top cell only
        for c in (1, 2):
            if any(m[0] < i <= m[2] and m[1] == c for m in merges):
                g[i][c] = ""
    row({0: "总分", 6: f["total_weight"], 7: f["total_score"]}, [(0, 5)])
    if grade_row:
        row({0: "评价等级", 6: f["grade"]}, [(0, 5), (6, 8)])
    return g, merges, head


def set_cell_margins(table, left=57, right=57) -> None:
    tblPr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side, v in (("left", left), ("right", right)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(v))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblPr.append(mar)


def trpr_flag(row, tag: str) -> None:
    trPr = row._tr.get_or_add_trPr()
    el = OxmlElement(tag)
    trPr.append(el)


def cell_paragraph(cell, text: str, size: float, align, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    fmt = p.paragraph_format
    fmt.first_line_indent, fmt.line_spacing = Pt(0), Pt(size * 1.45)
    fmt.space_before = fmt.space_after = Pt(0)
    p.alignment = align
    if text:
        run = p.add_run(text)
        run.font.size, run.font.bold = Pt(size), bold
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


LABELS = {
    "项目名称",
    "主管部门",
    "实施单位",
    "项目资金（万元）",
    "年初预算数",
    "全年预算数",
    "全年执行数",
    "分值",
    "执行率",
    "得分",
    "年度总体目标",
    "预期目标",
    "实际完成情况",
    "绩效指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "偏差原因分析及改进措施",
    "总分",
    "评价等级",
    *ROW_LABELS,
}


def add_form_table(
    doc,
    f: dict,
    *,
    size: float,
    min_height: int,
    points: bool,
    grade_row: bool,
    header_rows: int,
    keep_together: bool,
    funds_fmt,
):
    grid, merges, head = form_layout(f, points=points, grade_row=grade_row, funds_fmt=funds_fmt)
    table = doc.add_table(rows=len(grid), cols=9)
    table.style, table.alignment, table.autofit = "Table Grid", WD_TABLE_ALIGNMENT.CENTER, False
    set_cell_margins(table)
    for gc, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), FORM_WIDTHS):
        gc.set(qn("w:w"), str(w))
    for r, tr in enumerate(table.rows):
        tr.height, tr.height_rule = Twips(min_height), WD_ROW_HEIGHT_RULE.AT_LEAST
        trpr_flag(tr, "w:cantSplit")  # a row never breaks across pages; the table does, between rows
        for c in range(9):
            table.cell(r, c).width = Twips(FORM_WIDTHS[c])
    # Word and LibreOffice repeat only rows at the top of a table (w:tblHeader on the indicator
    # header row, in the middle, is ignored by both: tried, no repeat), so the rows repeated are
    # the first `header_rows`; marking all rows down to the indicator header repeats the whole
    # top block and made 201 four pages.
    for r in range(header_rows):
        trpr_flag(table.rows[r], "w:tblHeader")
    covered = set()
    for r0, c0, r1, c1 in merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    for r, cells in enumerate(grid):
        for c, text in enumerate(cells):
            if (r, c) in covered:
                continue
            cell = table.cell(r, c)
            long_text = len(text) > 16
            align = WD_ALIGN_PARAGRAPH.LEFT if long_text else WD_ALIGN_PARAGRAPH.CENTER
            cell_paragraph(cell, text, size, align, bold=text in LABELS)
            if keep_together:
                cell.paragraphs[0].paragraph_format.keep_with_next = r < len(grid) - 1
    return table


def para(
    doc,
    text: str,
    *,
    size: float,
    align=WD_ALIGN_PARAGRAPH.LEFT,
    bold=False,
    font=None,
    indent=None,
    spacing: float | None = None,
    before: float = 0,
    after: float = 0,
):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.first_line_indent, fmt.line_spacing = (
        indent if indent is not None else Pt(0),
        Pt(spacing or size * 1.5),
    )
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    p.alignment = align
    if text:
        run = p.add_run(text)
        run.font.size, run.font.bold = Pt(size), bold
        if font:
            run.font.name = font
            run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return p


def form_page_setup(section) -> None:
    section.left_margin = section.right_margin = FORM_MARGIN
    section.top_margin, section.bottom_margin = Twips(1418), Twips(1418)  # 2.5 cm
    section.footer_distance = Twips(850)


def form_heading(doc, f: dict, new_page: bool = False) -> None:
    p = para(doc, "项目支出绩效自评表", size=18, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, font=SANS)
    p.paragraph_format.page_break_before = new_page
    para(doc, f"（{f['fiscal_year']}年度）", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)


def wan2(v: str | None) -> str:
    return "" if v is None else f"{D(v):.2f}"


def wan_as_is(v: str | None) -> str:
    return "" if v is None else v


def build_201():
    f = FORM_201
    doc = new_document(f"{f['project_name']}绩效自评表")
    form_page_setup(doc.sections[0])
    para(doc, "附件2", size=14, font=SANS)
    form_heading(doc, f)
    y, m, d = f["report_date"]
    para(doc, f"填报单位（盖章）：{f['unit']}", size=12)
    para(doc, f"填报日期：{y}年{m}月{d}日", size=12, after=4)
    add_form_table(
        doc,
        f,
        size=10.5,
        min_height=560,
        points=False,
        grade_row=True,
        header_rows=1,
        keep_together=False,
        funds_fmt=wan2,
    )
    para(doc, "", size=10.5)
    para(doc, "填表人：李晓明　　　联系电话：0739-5123456　　　单位负责人：张建国", size=12)
    para(
        doc,
        "说明：1.年度总体目标和绩效指标按年初批复的绩效目标填列；2.得分一档最高不能超过该指标分值"
        "上限；3.实际完成值未达到年度指标值的，须在“偏差原因分析及改进措施”栏说明原因。",
        size=10.5,
        spacing=16,
    )
    return doc


TEXT_203 = [
    ("title", "{unit}{year}年度部门整体支出绩效自评报告"),
    (
        "para",
        "根据青山县财政局关于开展{year}年度预算绩效自评工作的要求，我局对{year}年度部门整体支出开展了"
        "绩效自评，现将有关情况报告如下：",
    ),
    ("heading", "一、部门基本情况"),
    (
        "para",
        "{unit}主要负责全县农业农村发展规划、耕地保护和高标准农田建设、农作物病虫害防控、农村人居"
        "环境整治等工作，内设股室9个，下属事业单位4个。",
    ),
    ("heading", "二、预算执行情况"),
    (
        "para",
        "{year}年年初预算数{budget_initial}万元，全年预算数{budget_adjusted}万元，全年执行数{expenditure}万元，"
        "预算执行率{execution_rate}%。其中：基本支出{basic_expenditure}万元（人员经费{personnel_expenditure}"
        "万元，公用经费{public_expenditure}万元）；项目支出{project_expenditure}万元。",
    ),
    ("heading", "三、绩效自评情况"),
    (
        "para",
        "纳入本次绩效自评的项目共{project_count}个，各项目自评情况见附件。经综合评价，{year}年度部门整体支出"
        "绩效自评得分{self_score}分，评价等级为“{grade}”。",
    ),
    ("heading", "四、存在的问题及改进措施"),
    (
        "para",
        "一是部分项目受天气影响，效益指标未完全达到预期；二是项目绩效目标设置还不够细化。下一步将加强"
        "项目前期论证，科学设定绩效目标，强化绩效运行监控，提高财政资金使用效益。",
    ),
    ("sign", "{unit}\n{date}"),
]


def build_203():
    d = DEPT_203
    y, m, day = d["report_date"]
    values = {**d, "unit": d["unit_name"], "year": d["fiscal_year"], "date": f"{y}年{m}月{day}日"}
    title = TEXT_203[0][1].format(**values)
    doc = new_document(title)
    for kind, text in TEXT_203:
        text = text.format(**values)
        if kind == "title":
            doc.add_paragraph(text, style="Title")
        elif kind == "heading":
            doc.add_heading(text, level=1)
        elif kind == "sign":
            p = doc.add_paragraph(text)
            p.alignment, p.paragraph_format.right_indent = WD_ALIGN_PARAGRAPH.RIGHT, INDENT
            p.paragraph_format.space_before = Pt(28)
        else:  # left-aligned: LibreOffice drops hanging punctuation of justified Noto CJK lines
            p = doc.add_paragraph(text)
            p.alignment, p.paragraph_format.first_line_indent = WD_ALIGN_PARAGRAPH.LEFT, INDENT
    section = doc.add_section(WD_SECTION.NEW_PAGE)  # the annex: form margins, same footer
    form_page_setup(section)
    para(doc, "附件：项目支出绩效自评表", size=16, font=SANS, after=6)
    for i, f in enumerate(FORMS_203):
        form_heading(doc, f, new_page=i > 0)
        add_form_table(
            doc,
            f,
            size=10.5,
            min_height=480,
            points=True,
            grade_row=False,
            header_rows=0,
            keep_together=True,
            funds_fmt=wan_as_is,
        )
    return doc


# ---------------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------------

XL_WIDTHS = [7, 11, 14, 22, 13, 13, 7, 9, 26]  # characters, columns A..I
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
XL_FONT = "宋体"


def num(v: str | None):
    """A figure as the number Excel stores: int when whole, else float (what a typist enters)."""
    if v is None:
        return None
    x = D(v)
    return int(x) if x == x.to_integral_value() else float(x)


def fill_sheet(ws, f: dict) -> None:
    grid, merges, head = form_layout(f, points=False, grade_row=True, funds_fmt=wan_as_is)
    top = 4  # rows 1-3: title, year, caption
    ws.merge_cells("A1:I1")
    ws.merge_cells("A2:I2")
    ws.merge_cells("G3:I3")
    ws["A1"] = "项目支出绩效自评表"
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A2"] = f"（{f['fiscal_year']}年度）"
    ws["A2"].font = Font(name=XL_FONT, size=12)
    ws["G3"] = "单位：万元"
    ws["G3"].font = Font(name=XL_FONT, size=10)
    for ref in ("A1", "A2"):
        ws[ref].alignment = Alignment(horizontal="center", vertical="center")
    ws["G3"].alignment = Alignment(horizontal="right", vertical="center")
    ws.row_dimensions[1].height = 30
    for i, w in enumerate(XL_WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    funds_rows = {r for r, cells in enumerate(grid) if cells[1] in ROW_LABELS}
    score_cols = (6, 7)
    for r, cells in enumerate(grid):
        xr = top + r
        for c, text in enumerate(cells):
            cell = ws.cell(row=xr, column=c + 1)
            cell.border = BOX
            cell.font = Font(name=XL_FONT, size=10, bold=text in LABELS)
            cell.alignment = Alignment(
                horizontal="left" if len(text) > 16 else "center", vertical="center", wrap_text=True
            )
            if text == "":
                continue
            value, fmt = text, None
            if r in funds_rows and c in (3, 4, 5):
                value, fmt = num(text), "0.00"
            elif r in funds_rows and c == 7 and text.endswith("%"):
                value, fmt = num(text[:-1]), "0.00%"
            elif (r in funds_rows or r > head) and c in score_cols and text != "—":
                value = num(text) if re.fullmatch(r"\d+(\.\d+)?", text) else text
            elif r in funds_rows and c == 8:
                value = num(text)
            cell.value = value
            if fmt:
                cell.number_format = fmt
        ws.row_dimensions[xr].height = 42 if max(len(t) for t in cells) > 16 else 22
    ws.row_dimensions[top + head - 1].height = 90  # the 预期目标 / 实际完成情况 texts
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=top + r0, start_column=c0 + 1, end_row=top + r1, end_column=c1 + 1)
    ws.print_title_rows = f"{top + head}:{top + head}"
    ws.page_setup.orientation, ws.page_setup.paperSize = "portrait", ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def build_202() -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for f in FORMS_202:
        fill_sheet(wb.create_sheet(f["sheet"]), f)
    props = wb.properties
    props.creator = props.lastModifiedBy = "青山县水利局财务股"
    props.title = "项目支出绩效自评表"
    props.created = props.modified = FIXED_TIME
    raw = io.BytesIO()
    wb.save(raw)
    return restamp(raw.getvalue())


def restamp(data: bytes) -> bytes:
    """Re-zip with fixed timestamps, and pin the modified time that openpyxl sets to now on save."""
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    body,
                )
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME.timetuple()[:6])
            zout.writestr(fixed, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def write(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"wrote {path.relative_to(ROOT)}")
    return True


def to_pdf(docx: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("soffice not found: apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation={LO_PROFILE}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(docx.parent),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    print(f"wrote {docx.with_suffix('.pdf').relative_to(ROOT)}")


def golden_bytes(rec: dict) -> bytes:
    return (json.dumps(rec, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def main() -> None:
    force = "--force" in sys.argv[1:]
    check_all()
    for stem, build in (("201", build_201), ("203", build_203)):
        docx, pdf = SAMPLES / f"{stem}.docx", SAMPLES / f"{stem}.pdf"
        changed = write(docx, docx_bytes(build()))
        if changed or force or not pdf.exists():
            to_pdf(docx)
    write(SAMPLES / "202.xlsx", build_202())
    for stem, rec in (("201", golden_201()), ("202", golden_202()), ("203", golden_203())):
        write(GOLDEN / f"{stem}.expected.json", golden_bytes(rec))


if __name__ == "__main__":
    main()
