"""Longer reports for the benchmark corpus, written once and cached in bench/.cache/.

The committed samples are 2 to 10 pages; a bureau's inbox also holds one-page project
reports and department reports of 20 or 30 pages with a stack of 项目支出绩效自评表 in the
annex. These are generated here with python-docx, in the house style of the samples
(tools/make_samples.py's 公文 page, tools/make_forms.py's form table), and converted to
PDF with one LibreOffice start for all of them.

The figures agree with each other (projects add up to the project expenditure, basic
expenditure is personnel plus public), so the checks have real work to do and find
little, as on a well-kept report.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(__file__).resolve().parent / ".cache"
GENERATOR = "t4"  # bump when the documents below change: the cache is keyed on it
LO_PROFILE = "file:///tmp/lo-bench"

D = Decimal
CENT = D("0.01")


@dataclass(frozen=True, slots=True)
class Spec:
    name: str
    kind: str  # "project" (one short report) | "dept" (narrative + forms annex) | "forms" (forms only)
    county: str  # the 2-character county name the corpus swaps to make each copy distinct
    dept: str
    projects: int  # numbered project items in the narrative
    forms: int  # 项目支出绩效自评表 in the annex
    seed: int


# Page counts after conversion are in the cache's pages.json; these land near 1, 5, 9, 14, 20, 30.
SPECS = (
    Spec("L01", "project", "石门", "交通运输局", 0, 0, 1),
    Spec("L05", "dept", "桃源", "文化旅游广电体育局", 6, 1, 5),
    Spec("L09", "dept", "安化", "卫生健康局", 14, 3, 9),
    Spec("L14", "dept", "平江", "住房和城乡建设局", 22, 6, 14),
    Spec("L20", "forms", "溆浦", "财政局", 0, 20, 20),
    Spec("L30", "dept", "宁乡", "农业农村局", 50, 14, 30),
)

PROJECT_NAMES = (
    "农村公路养护",
    "义务教育薄弱环节改善",
    "基层医疗卫生机构能力建设",
    "高标准农田建设",
    "城区污水管网改造",
    "农村饮水安全巩固提升",
    "公共文化服务体系建设",
    "全民健身设施建设",
    "乡村振兴衔接资金",
    "森林防火",
    "城乡居民养老保险补助",
    "残疾人康复服务",
    "食品安全抽检",
    "农产品质量安全监测",
    "河道清淤整治",
    "智慧城市运维",
    "电子政务外网运维",
    "城区路灯维修改造",
    "老旧小区改造",
    "动物疫病防控",
    "地质灾害防治",
    "退役军人优抚",
    "农村人居环境整治",
    "妇幼健康服务",
    "公共法律服务",
)
OUTCOMES = (
    "项目按计划完成建设任务，工程一次性通过验收，群众反映良好。",
    "通过项目实施，服务对象满意度明显提升，相关设施运行正常。",
    "资金拨付及时，严格执行政府采购和项目管理制度，未发生违规使用资金情况。",
    "项目实施过程中加强全过程绩效监控，及时纠正执行偏差，确保绩效目标如期实现。",
    "建立了长效管护机制，明确管护主体和责任，设施使用年限有保障。",
    "年度各项产出指标全部完成，部分指标超额完成，社会效益和可持续影响指标达到预期。",
    "受物价上涨和施工条件影响，个别子项目进度略有滞后，已于次年一季度完成。",
)
WORKS = (
    "完成年度重点工作任务，各项业务工作有序推进",
    "加强干部队伍建设，开展业务培训 6 期",
    "规范财务管理，严格执行中央八项规定精神",
    "推进政务公开，按时公开部门预决算信息",
    "落实安全生产责任制，全年未发生安全事故",
    "做好信访维稳工作，群众来信来访按期办结率 100%",
)
INDICATORS = (  # (一级, 二级, 三级, 指标值, 完成值) of the kind the forms carry
    ("产出指标", "数量指标", "完成建设任务数量", "≥{a}个", "{a}个"),
    ("产出指标", "数量指标", "受益人数", "≥{b}人", "{b}人"),
    ("产出指标", "质量指标", "工程验收合格率", "100%", "100%"),
    ("产出指标", "质量指标", "设施完好率", "≥95%", "98%"),
    ("产出指标", "时效指标", "项目完成时间", "{y}年12月底前", "{y}年11月30日"),
    ("产出指标", "成本指标", "项目总成本", "≤{c}万元", "{e}万元"),
    ("效益指标", "社会效益指标", "群众生产生活条件", "明显改善", "明显改善"),
    ("效益指标", "经济效益指标", "带动相关产业增收", "≥{d}万元", "{d}万元"),
    ("效益指标", "可持续影响指标", "长效管护机制", "建立健全", "已建立"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "95%"),
)


def _wan(rng: random.Random, lo: float, hi: float) -> Decimal:
    return D(str(round(rng.uniform(lo, hi), 2))).quantize(CENT)


def _project(rng: random.Random, unit: str, year: int, name: str) -> dict:
    budget = _wan(rng, 3, 260)
    rate_pick = rng.choice((D("1"), D("1"), D("0.985"), D("0.962"), D("0.931")))
    spent = (budget * rate_pick).quantize(CENT, ROUND_HALF_UP)
    initial = (budget * D(rng.choice(("1", "1", "0.9", "0.85")))).quantize(CENT, ROUND_HALF_UP)
    return {
        "name": f"{name}项目",
        "unit": unit,
        "initial": initial,
        "budget": budget,
        "spent": spent,
        "rate": (spent / budget * 100).quantize(CENT, ROUND_HALF_UP),
        "score": rng.choice(("86", "88", "90", "92", "95", "96.5")),
        "year": year,
    }


def _form(p: dict, rng: random.Random, county: str) -> dict:
    """A project as the dict tools/make_forms.py's form table takes (weights add to 100)."""
    picks = sorted(rng.sample(range(len(INDICATORS)), 8))
    weights = ["15", "10", "10", "10", "15", "10", "10", "10"]
    fill = {
        "a": rng.randint(3, 60),
        "b": rng.randint(200, 9000),
        "c": p["budget"],
        "e": p["spent"],
        "d": rng.randint(10, 300),
        "y": p["year"],
    }
    inds = [(*(s.format(**fill) for s in INDICATORS[i]), w, w, "") for i, w in zip(picks, weights)]
    score = D(10) * p["spent"] / p["budget"]
    rate = format(p["rate"].normalize(), "f")  # 100.00 -> "100", not "1E+2"
    return {
        "project_name": p["name"],
        "department": p["unit"],
        "unit": p["unit"],
        "fiscal_year": p["year"],
        "funds": {
            "total": (str(p["initial"]), str(p["budget"]), str(p["spent"])),
            "fiscal": (str(p["initial"]), str(p["budget"]), str(p["spent"])),
            "carryover": (None, None, None),
            "other": (None, None, None),
        },
        "funds_weight": "10",
        "rate": rate,
        "funds_score": str(score.quantize(CENT, ROUND_HALF_UP)),
        "goal_expected": f"按照{county}县年度工作部署，完成{p['name']}建设任务，资金执行率达到90%以上，"
        "项目质量合格，服务对象满意度达到90%以上。",
        "goal_actual": f"全年完成{p['name']}各项建设任务，资金执行率{rate}%，工程全部通过验收，服务对象满意度95%。",
        "indicators": inds,
        "total_weight": "100",
        "total_score": str((score + 90).quantize(D("0.1"), ROUND_HALF_UP)),
        "grade": "优",
    }


def build(spec: Spec):
    """The python-docx Document of one long report."""
    sys.path.insert(0, str(ROOT))
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from tools.make_forms import SANS, add_form_table, form_heading, form_page_setup, para, wan2
    from tools.make_samples import INDENT, new_document

    rng = random.Random(spec.seed)
    year = 2023
    unit = f"{spec.county}县{spec.dept}"
    names = rng.sample(PROJECT_NAMES, min(len(PROJECT_NAMES), max(spec.projects, spec.forms, 1)))
    names += [f"{n}二期" for n in PROJECT_NAMES][: max(spec.projects, spec.forms) - len(names)]
    projects = [_project(rng, unit, year, n) for n in names]

    def body(text: str) -> None:
        p = doc.add_paragraph(text)
        p.alignment, p.paragraph_format.first_line_indent = WD_ALIGN_PARAGRAPH.LEFT, INDENT

    def sign() -> None:
        p = doc.add_paragraph(f"{unit}\n{year + 1}年3月{rng.randint(5, 28)}日")
        p.alignment, p.paragraph_format.right_indent = WD_ALIGN_PARAGRAPH.RIGHT, INDENT
        p.paragraph_format.space_before = Pt(28)

    if spec.kind == "forms":
        doc = new_document(f"{spec.county}县{year}年度项目支出绩效自评表")
        form_page_setup(doc.sections[0])
        para(doc, f"{unit}关于报送{year}年度项目支出绩效自评表的说明", size=16, font=SANS, after=6)
        for i, p in enumerate(projects[: spec.forms]):
            f = _form(p, rng, spec.county)
            form_heading(doc, f, new_page=i > 0)
            add_form_table(
                doc,
                f,
                size=10.5,
                min_height=520,
                points=False,
                grade_row=True,
                header_rows=1,
                keep_together=False,
                funds_fmt=wan2,
            )
        return doc

    if spec.kind == "project":
        p = projects[0]
        doc = new_document(f"{unit}{year}年度{p['name']}支出绩效自评报告")
        doc.add_paragraph(f"{unit}{year}年度{p['name']}支出绩效自评报告", style="Title")
        body(
            f"根据《{spec.county}县财政局关于开展{year}年度预算绩效自评工作的通知》要求，我局对{p['name']}开展了绩效自评，"
            "现将有关情况报告如下："
        )
        doc.add_heading("一、项目资金情况", level=1)
        body(
            f"{year}年该项目年初预算数{p['initial']}万元，全年预算数{p['budget']}万元，全年执行数{p['spent']}万元，"
            f"预算执行率{p['rate']}%。"
        )
        doc.add_heading("二、自评结论", level=1)
        body(f"经综合评价，该项目绩效自评得分{p['score']}分，评价等级为“优”。{rng.choice(OUTCOMES)}")
        sign()
        return doc

    # a department report: narrative, numbered project items, then the forms annex
    proj_total = sum(p["spent"] for p in projects)
    personnel = _wan(rng, 150, 900)
    public = _wan(rng, 20, 120)
    basic = personnel + public
    spent = basic + proj_total
    budget = spent + _wan(rng, 0, 40)
    initial = (budget * D("0.92")).quantize(CENT, ROUND_HALF_UP)
    title = f"{unit}{year}年度部门整体支出绩效自评报告"
    doc = new_document(title)
    doc.add_paragraph(title, style="Title")
    body(
        f"为真实准确反映我部门{year}年度财政拨款资金使用效益，按照《{spec.county}县财政局关于开展{year}年度部门"
        f"预算支出绩效自评工作的通知》要求，现将我部门{year}年度部门整体支出绩效自评情况报告如下："
    )
    doc.add_heading("一、部门基本情况", level=1)
    body(
        f"{unit}内设股室{rng.randint(5, 12)}个，下属事业单位{rng.randint(1, 6)}个，编制内在职人员"
        f"{rng.randint(30, 160)}人。{rng.choice(OUTCOMES)}"
    )
    doc.add_heading("二、资金拨付及执行情况", level=1)
    body(
        f"{year}年我部门年初预算批复数{initial}万元，全年预算数{budget}万元，年终决算数{spent}万元，预算总体执行率"
        f"为{(spent / budget * 100).quantize(CENT, ROUND_HALF_UP)}%。其中基本支出{basic}万元（人员经费{personnel}"
        f"万元，公用经费{public}万元），项目支出{proj_total}万元。"
    )
    doc.add_heading("三、绩效自评情况", level=1)
    doc.add_heading("（一）部门整体支出绩效目标完成情况", level=2)
    for i, w in enumerate(rng.sample(WORKS, 4), 1):
        body(f"{i}、{w}；")
    doc.add_heading("（二）项目支出绩效自评", level=2)
    body(
        f"本部门组织对{year}年一般公共预算项目支出全面开展绩效自评，共涉及项目{len(projects)}个，资金{proj_total}万元。"
    )
    for i, p in enumerate(projects, 1):
        more = "".join(rng.sample(OUTCOMES, rng.randint(1, 3)))
        body(
            f"（{i}）{p['name']}绩效自评综述：根据年初设定的绩效目标，项目自评得分{p['score']}分。项目全年预算数"
            f"{p['budget']}万元，执行数{p['spent']}万元，完成预算的{p['rate']}%。主要产出和效果：{more}"
        )
    doc.add_heading("四、存在的问题及改进措施", level=1)
    body(
        "一是部分项目绩效目标设置不够细化，二是个别项目执行进度偏慢。下一步将加强项目前期论证，科学设定绩效"
        "目标，强化绩效运行监控，提高财政资金使用效益。"
    )
    doc.add_heading("五、自评结论", level=1)
    body(
        f"经综合评价，{year}年度部门整体支出绩效自评得分{rng.choice(('91', '93.5', '95'))}分，评价等级为“优”。"
    )
    sign()
    if spec.forms:
        section = doc.add_section(WD_SECTION.NEW_PAGE)
        form_page_setup(section)
        para(doc, "附件：项目支出绩效自评表", size=16, font=SANS, after=6)
        for i, p in enumerate(projects[: spec.forms]):
            f = _form(p, rng, spec.county)
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
                funds_fmt=wan2,
            )
    return doc


def ensure() -> tuple[Path, dict[str, int]]:
    """The cached templates' folder (L01.docx, L01.pdf, ...) and each PDF's page count."""
    folder = CACHE / f"templates-{GENERATOR}"
    pages_file = folder / "pages.json"
    if pages_file.exists():
        return folder, json.loads(pages_file.read_text())
    sys.path.insert(0, str(ROOT))
    from tools.make_samples import docx_bytes

    tmp = CACHE / f"templates-{GENERATOR}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    docs = []
    for spec in SPECS:
        path = tmp / f"{spec.name}.docx"
        path.write_bytes(docx_bytes(build(spec)))
        docs.append(str(path))
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("soffice not found: the long templates are converted to PDF with LibreOffice")
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation={LO_PROFILE}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp),
            *docs,
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    import pypdfium2 as pdfium

    pages = {}
    for spec in SPECS:
        pdf = pdfium.PdfDocument(str(tmp / f"{spec.name}.pdf"))
        pages[spec.name] = len(pdf)
        pdf.close()
    (tmp / "pages.json").write_text(json.dumps(pages, indent=1))
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return folder, pages


if __name__ == "__main__":
    where, counts = ensure()
    print(where, counts)
