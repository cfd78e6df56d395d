"""Build the committed samples in the formats bureaus still receive, and their golden records.

    python tools/make_legacy.py

samples/000.doc       the seed report (000.docx) saved as Word 97 by LibreOffice.
samples/101.wps       101.docx saved as Word 97 and named .wps: a Kingsoft WPS Writer file
                      is a Word 97 (OLE2) binary underneath.
samples/301.ofd       an OFD (GB/T 33190) written here with zipfile + XML, as an OFD
                      writer lays out a 公文 page: one TextObject per printed line (Boundary
                      in mm, 三号 16pt 仿宋 body, 28 characters a line, 22 lines a page),
                      a 二号 title on two centred lines, "— N —" page numbers in the
                      bottom margin (right on odd pages, left on even ones, as GB/T 9704
                      puts them). Report 301: 青山县卫生健康局, 基层医疗卫生机构能力提升项目.
samples/101.scan.pdf  101.pdf printed and scanned: each page rendered at 150 dpi, turned
                      0.6 degrees, grey paper noise, a red round seal over the signature,
                      saved as JPEG pages with no text layer.
samples/bundle.zip    a zip as Chinese Windows tools write it: member names in GBK with the
                      UTF-8 flag (0x800) clear, directory entries, DOS timestamps. It holds
                      青山县文旅局/2023年度项目支出绩效自评报告.docx (report 302) and
                      附件/附件.zip, which holds 项目自评表.txt (form 303, a '|' table saved
                      by Notepad in GBK with CRLF line ends).
tests/golden/NNN.expected.json
                      000 (the seed, as test_e2e_samples states it), 301, 302, 303:
                      money in yuan, rates and scores as stated, dates ISO, null where the
                      document does not say.

Idempotent: every file is built in memory (LibreOffice converts into a scratch folder) and
written only when its bytes change; the zips carry fixed timestamps, the scan a fixed
noise seed and fixed PDF dates, so a rerun leaves git clean. Needs LibreOffice (`soffice`)
for the .doc and .wps, pypdfium2 and Pillow for the scan, the Noto CJK fonts for the seal.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLDEN = ROOT / "tests" / "golden"
sys.path.insert(0, str(ROOT))
from tools.make_forms import check_form, empty_report, form_layout, indicator_records, project_record  # noqa: E402
from tools.make_samples import EXPECTED_101, build, docx_bytes, parse_text  # noqa: E402

D = Decimal
WAN = D(10000)
LO_PROFILE = "file:///tmp/lo-legacy"
FIXED = (2024, 4, 2, 9, 30, 0)  # zip member times (DOS, 2-second resolution)

# ---------------------------------------------------------------------------------------------
# The figures, in 万元 as the documents print them.
# ---------------------------------------------------------------------------------------------

# The seed as tests/test_e2e_samples.py states it (SEED_REPORT, SEED_PROJECTS): 000.doc must
# give the same records as 000.docx. Project names without the typesetting spaces.
SEED = {
    "report": {
        "report_kind": "dept_overall",
        "unit_name": "龙山县大数据中心",
        "region": "龙山县",
        "fiscal_year": 2022,
        "report_date": "2023-06-05",
        "budget_initial": "4035100.00",
        "budget_adjusted": "4777200.00",
        "expenditure": "4777200.00",
        "execution_rate": "100",
        "basic_expenditure": "1776200.00",
        "personnel_expenditure": "1549700.00",
        "public_expenditure": "226400.00",
        "project_expenditure": "3001000.00",
        "self_score": "88",
        "grade": None,
        "project_count": 8,
    },
    "projects": [  # name, 全年预算数 = 执行数 (yuan), score; every one 100% executed, 年初预算数 not stated
        (name, money, score)
        for name, money, score in (
            ("(一门式)全覆盖网络建设租赁费项目", "580000.00", "90"),
            ("21个乡镇街道视频会议系统运维项目", "298000.00", "88"),
            ("397个村级电子政务外网运维项目", "100000.00", "90"),
            ("电子政务外网租赁项目", "1510200.00", "90"),
            ("扶贫专项经费项目", "20000.00", "90"),
            ("乡镇视频会议系统租赁项目", "412800.00", "90"),
            ("直机关电子政务外网运维项目", "30000.00", "90"),
            ("政府门户网站运维项目", "50000.00", "88"),
        )
    ],
}

REPORT_301 = {
    "unit_name": "青山县卫生健康局",
    "region": "青山县",
    "fiscal_year": 2023,
    "project_name": "基层医疗卫生机构能力提升项目",
    "report_date": (2024, 4, 2),
    "budget_initial": "320.00",
    "budget_adjusted": "345.60",
    "expenditure": "331.78",
    "execution_rate": "96.00",  # 331.78 / 345.60 = 96.0012% -> stated 96.00%
    "self_score": "92.5",
    "grade": "优",
}

REPORT_302 = {
    "unit_name": "青山县文化旅游广电局",
    "region": "青山县",
    "fiscal_year": 2023,
    "project_name": "公共文化服务体系运行保障经费",
    "report_date": (2024, 3, 28),
    "budget_initial": "186.00",
    "budget_adjusted": "198.50",
    "expenditure": "192.35",
    "execution_rate": "96.90",  # 192.35 / 198.50 = 96.9018% -> stated 96.90%
    "self_score": "91",
    "grade": "优",
}

# 303: the form attached to 302, in make_forms' terms (funds rows 年初/全年/执行, indicators).
FORM_303 = {
    "project_name": "乡镇综合文化站免费开放补助",
    "department": "青山县文化旅游广电局",
    "unit": "青山县文化馆",
    "region": "青山县",
    "fiscal_year": 2023,
    "report_date": (2024, 3, 25),  # 填报日期 under the table
    "funds": {
        "total": ("48.00", "48.00", "46.56"),
        "fiscal": ("40.00", "40.00", "38.56"),
        "carryover": ("8.00", "8.00", "8.00"),
        "other": (None, None, None),
    },
    "funds_weight": "10",
    "rate": "97",  # 46.56 / 48.00 = 0.97 exactly
    "funds_score": "9.7",
    "goal_expected": "保障全县16个乡镇综合文化站全年免费开放，每站每周开放不少于42小时，全年开展群众文化活动"
    "不少于320场次，服务群众12万人次以上。",
    "goal_actual": "16个乡镇综合文化站全年免费开放，全年开展群众文化活动336场次，服务群众12.8万人次；2个"
    "文化站因场馆维修暂停开放1个月，周开放时长未全部达标。",
    "indicators": [
        ("产出指标", "数量指标", "免费开放乡镇综合文化站数量", "16个", "16个", "15", "15", ""),
        ("产出指标", "数量指标", "开展群众文化活动场次", "≥320场次", "336场次", "15", "15", ""),
        (
            "产出指标",
            "质量指标",
            "每站每周开放时长",
            "≥42小时",
            "40小时",
            "10",
            "8",
            "2个文化站场馆维修期间暂停开放；今后维修安排在淡季并错峰施工。",
        ),
        ("产出指标", "时效指标", "补助资金拨付时限", "2023年6月底前", "2023年6月20日", "10", "10", ""),
        ("效益指标", "社会效益指标", "服务群众人次", "≥12万人次", "12.8万人次", "20", "20", ""),
        ("效益指标", "可持续影响指标", "基层公共文化服务长效机制", "健全", "健全", "10", "10", ""),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "93.6%", "10", "10", ""),
    ],
    "total_weight": "100",
    "total_score": "97.7",
    "grade": "优",
}


def yuan(wan: str) -> str:
    return f"{D(wan) * WAN:.2f}"


def iso(d: tuple[int, int, int]) -> str:
    return dt.date(*d).isoformat()


def cn_date(d: tuple[int, int, int]) -> str:
    return f"{d[0]}年{d[1]}月{d[2]}日"


def check_report(r: dict) -> None:
    """The narrative reports' figures agree: 执行率 as stated = 执行数 / 全年预算数."""
    exp, adj = D(r["expenditure"]), D(r["budget_adjusted"])
    stated = D(r["execution_rate"])
    assert (exp / adj * 100).quantize(stated, ROUND_HALF_UP) == stated, r["project_name"]
    assert D(r["budget_adjusted"]) >= D(r["budget_initial"])


def report_golden(r: dict) -> dict:
    """A project report (301, 302) in SCHEMA.md terms, and its one project."""
    money = {k: yuan(r[k]) for k in ("budget_initial", "budget_adjusted", "expenditure")}
    report = empty_report(
        report_kind="project",
        unit_name=r["unit_name"],
        fiscal_year=r["fiscal_year"],
        report_date=iso(r["report_date"]),
        execution_rate=r["execution_rate"],
        self_score=r["self_score"],
        grade=r["grade"],
        **money,
    )
    report["region"] = r["region"]
    project = {
        "project_name": r["project_name"],
        **money,
        "execution_rate": r["execution_rate"],
        "score": r["self_score"],
    }
    return {"report": report, "projects": [project], "indicators": []}


def golden_303() -> dict:
    f = FORM_303
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
    report["region"] = f["region"]
    return {"report": report, "projects": [p], "indicators": indicator_records(f)}


def golden_000() -> dict:
    projects = [
        {
            "project_name": name,
            "budget_initial": None,
            "budget_adjusted": money,
            "expenditure": money,
            "execution_rate": "100",
            "score": score,
        }
        for name, money, score in SEED["projects"]
    ]
    return {"report": SEED["report"], "projects": projects, "indicators": []}


# ---------------------------------------------------------------------------------------------
# Writing, idempotently
# ---------------------------------------------------------------------------------------------


def write(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.write_bytes(data)
    print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")
    return True


def canonical(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# .doc and .wps: Word 97 through LibreOffice
# ---------------------------------------------------------------------------------------------


def word97(docx: Path) -> bytes:
    """The .docx saved by LibreOffice as 'MS Word 97' (its bytes do not change between runs)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("soffice not found: apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    with tempfile.TemporaryDirectory(prefix="make-legacy-") as tmp:
        subprocess.run(
            [
                soffice,
                "--headless",
                f"-env:UserInstallation={LO_PROFILE}",
                "--convert-to",
                "doc:MS Word 97",
                "--outdir",
                tmp,
                str(docx),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        return (Path(tmp) / f"{docx.stem}.doc").read_bytes()


# ---------------------------------------------------------------------------------------------
# OFD: a 公文 page of text objects
# ---------------------------------------------------------------------------------------------

OFD_NS = "http://www.ofdspec.org/2016"
PT = 25.4 / 72  # millimetres per point
BODY = 16 * PT  # 三号 仿宋_GB2312: 5.6444 mm
TITLE = 22 * PT  # 二号 方正小标宋简体
FOLIO = 14 * PT  # 四号 page number
LEFT, TOP = 28.0, 37.0  # GB/T 9704 margins: 28 mm left, 37 mm top
COLUMNS = 28  # characters a line
WIDTH = COLUMNS * BODY  # 158.04 mm
PITCH = 225.0 / 22  # 22 lines in the 225 mm text block: 10.23 mm (29 pt)
LINES_PER_PAGE = 22
FONTS = {"仿宋_GB2312": 3, "方正小标宋简体": 4, "黑体": 5, "楷体_GB2312": 6}
# a line may not open with these (避头): the last character of the line before is pushed
# down with them (推出), so no line runs past the measure
NO_START = set("，。、；：？！”’）》」〕％%")
NO_END = set("“‘（《「〔")  # and a line may not end with these (避尾)
TOKEN = re.compile(r"[!-~]+|.")  # a run of printable ASCII is one unbreakable word

TEXT_301 = """\
title|{unit_name}{fiscal_year}年度基层医疗卫生
title|机构能力提升项目支出绩效自评报告
blank|
para|根据《青山县财政局关于开展{fiscal_year}年度预算绩效自评工作的通知》（青财绩〔2024〕3号）要求，我局对{fiscal_year}年度{project_name}开展了绩效自评，现将有关情况报告如下：
h1|一、项目基本情况
h2|（一）项目概况
para|{project_name}由{unit_name}组织实施，主要用于全县14所乡镇卫生院和3所社区卫生服务中心医疗设备购置、基层医务人员培训及远程会诊系统运行维护，提升基层医疗卫生服务能力。
h2|（二）项目资金情况
para|{fiscal_year}年该项目年初预算数{budget_initial}万元，全年预算数{budget_adjusted}万元（年中追加{added}万元用于远程会诊系统扩容），全年执行数{expenditure}万元，预算执行率{execution_rate}%。
h1|二、绩效目标完成情况
h2|（一）产出指标
para|数量指标：为14所乡镇卫生院配置DR、彩超等医疗设备26台（套），培训基层医务人员420人次，完成率100%。质量指标：设备验收合格率100%，培训考核合格率98.3%。时效指标：设备于{fiscal_year}年10月底前全部安装调试到位。
h2|（二）效益指标
para|社会效益指标：乡镇卫生院门急诊人次同比增长12.6%，基层就诊率提高到65.2%。可持续影响指标：远程会诊系统覆盖全部乡镇卫生院。满意度指标：患者满意度95.4%。
h1|三、自评结论
para|经综合评价，该项目绩效自评得分{self_score}分，评价等级为“{grade}”。
h1|四、存在的问题及改进措施
para|一是部分设备采购招标周期较长，结余资金{left}万元未能在年内支付；二是个别乡镇卫生院专业技术人员不足，设备使用效率有待提高。下一步将提前启动政府采购程序，加强设备使用培训和人才引进，充分发挥项目资金效益。
blank|
blank|
unit|{unit_name}
date|{date}
"""


def advance(ch: str) -> float:
    """How far a character moves the pen, in ems: ASCII is half width in 仿宋."""
    return 0.5 if ord(ch) < 0x2000 else 1.0


def wrap(text: str, first_indent: int) -> list[tuple[str, int]]:
    """A paragraph cut into printed lines of COLUMNS ems, (text, indent in ems), as a word
    processor sets Chinese: a run of ASCII (2023, 331.78, 96.00%, DR) is never broken, a
    closing mark never opens a line and an opening one never ends it (避头尾)."""
    lines: list[tuple[str, int]] = []
    line: list[str] = []
    width, indent = float(first_indent), first_indent
    for tok in TOKEN.findall(text):
        if width + sum(advance(c) for c in tok) > COLUMNS and line:
            cut = len(line)
            if tok[0] in NO_START:  # push down the characters this one must not be parted from
                while cut > 1 and line[cut - 1][0] in NO_START:
                    cut -= 1
                cut -= 1
            while cut > 1 and line[cut - 1][-1] in NO_END:
                cut -= 1
            lines.append(("".join(line[:cut]), indent))
            line, indent = line[cut:], 0
            width = sum(advance(c) for t in line for c in t)
        line.append(tok)
        width += sum(advance(c) for c in tok)
    if line:
        lines.append(("".join(line), indent))
    return lines


def delta_x(text: str, size: float) -> str:
    """OFD DeltaX: the gap from each character to the next, runs written 'g N gap'."""
    gaps = [advance(ch) * size for ch in text[:-1]]
    out, i = [], 0
    while i < len(gaps):
        j = i
        while j < len(gaps) and gaps[j] == gaps[i]:
            j += 1
        value = f"{gaps[i]:.4f}"
        out.append(f"g {j - i} {value}" if j - i > 1 else value)
        i = j
    return " ".join(out)


def text_object(oid: int, text: str, x: float, baseline: float, size: float, font: str) -> str:
    width = sum(advance(ch) for ch in text) * size
    top = baseline - size  # the Boundary box holds the glyphs' em square, a little descent below
    box = f"{x:.4f} {top:.4f} {width:.4f} {size * 1.2:.4f}"
    dx = delta_x(text, size)
    dx_attr = f' DeltaX="{dx}"' if dx else ""
    return (
        f'<ofd:TextObject ID="{oid}" Boundary="{box}" Font="{FONTS[font]}" Size="{size:.4f}">'
        f'<ofd:FillColor Value="0 0 0"/>'
        f'<ofd:TextCode X="0" Y="{size:.4f}"{dx_attr}>{escape(text)}</ofd:TextCode></ofd:TextObject>'
    )


def ofd_lines(r: dict) -> list[tuple[str, str, float, float]]:
    """The printed lines of 301 in page order: (text, font, size, x) with None for a blank line."""
    money = {k: r[k] for k in ("budget_initial", "budget_adjusted", "expenditure")}
    added = D(r["budget_adjusted"]) - D(r["budget_initial"])
    left = D(r["budget_adjusted"]) - D(r["expenditure"])
    values = {**r, **money, "added": f"{added:.2f}", "left": f"{left:.2f}", "date": cn_date(r["report_date"])}
    out = []
    for row in TEXT_301.splitlines():
        kind, _, text = row.partition("|")
        text = text.format(**values)
        if kind == "title":
            w = sum(advance(ch) for ch in text) * TITLE
            out.append((text, "方正小标宋简体", TITLE, LEFT + (WIDTH - w) / 2))
        elif kind == "blank":
            out.append(("", "", BODY, LEFT))
        elif kind in ("h1", "h2", "para"):
            font = {"h1": "黑体", "h2": "楷体_GB2312", "para": "仿宋_GB2312"}[kind]
            for line, indent in wrap(text, 2):
                out.append((line, font, BODY, LEFT + indent * BODY))
        elif kind == "date":  # right-aligned, four characters in from the right edge
            w = sum(advance(ch) for ch in text) * BODY
            out.append((text, "仿宋_GB2312", BODY, LEFT + WIDTH - 4 * BODY - w))
        elif kind == "unit":  # centred over the date
            date = cn_date(r["report_date"])
            dw = sum(advance(ch) for ch in date) * BODY
            w = sum(advance(ch) for ch in text) * BODY
            centre = LEFT + WIDTH - 4 * BODY - dw / 2
            out.append((text, "仿宋_GB2312", BODY, centre - w / 2))
    return out


def ofd_pages(r: dict) -> list[str]:
    """Content.xml of each page: 22 body lines a page, the title lines at their own pitch."""
    pages: list[list[str]] = [[]]
    oid = 100
    baseline = TOP
    used = 0
    for text, font, size, x in ofd_lines(r):
        if used >= LINES_PER_PAGE:
            pages.append([])
            baseline, used = TOP, 0
        pitch = size * 1.3 if font == "方正小标宋简体" else PITCH
        baseline += pitch if used or pages[-1] else size
        used += 1
        if text:
            oid += 1
            pages[-1].append(text_object(oid, text, x, baseline, size, font))
    contents = []
    for n, objects in enumerate(pages, start=1):
        folio = f"— {n} —"
        fw = sum(advance(ch) for ch in folio) * FOLIO
        # GB/T 9704: 7 mm under the text block, one character in from the outer edge
        fx = LEFT + WIDTH - FOLIO - fw if n % 2 else LEFT + FOLIO
        oid += 1
        objects = [*objects, text_object(oid, folio, fx, TOP + 225 + 7 + FOLIO, FOLIO, "仿宋_GB2312")]
        layer = n * 10
        contents.append(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content><ofd:Layer ID="{layer}" Type="Body">'
            + "".join(objects)
            + "</ofd:Layer></ofd:Content></ofd:Page>\n"
        )
    return contents


def ofd_bytes(r: dict) -> bytes:
    pages = ofd_pages(r)
    title = f"{r['unit_name']}{r['fiscal_year']}年度{r['project_name']}支出绩效自评报告"
    ofd = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
        "<ofd:DocID>5f3c1e0a9b7d4c2e8a6f1b3d5e7c9a01</ofd:DocID>"
        f"<ofd:Title>{escape(title)}</ofd:Title><ofd:Author>{escape(r['unit_name'])}</ofd:Author>"
        f"<ofd:CreationDate>{iso(r['report_date'])}</ofd:CreationDate>"
        '<ofd:Creator CreatorVersion="3.0">OFD Writer</ofd:Creator>'
        "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>\n"
    )
    page_refs = "".join(
        f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages))
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ofd:Document xmlns:ofd="{OFD_NS}"><ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID>'
        "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
        "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
        f"<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>\n"
    )
    fonts = "".join(f'<ofd:Font ID="{i}" FontName="{n}" FamilyName="{n}"/>' for n, i in FONTS.items())
    public = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ofd:Res xmlns:ofd="{OFD_NS}" BaseLoc="Res"><ofd:Fonts>{fonts}</ofd:Fonts></ofd:Res>\n'
    )
    parts = [("OFD.xml", ofd), ("Doc_0/Document.xml", document), ("Doc_0/PublicRes.xml", public)]
    parts += [(f"Doc_0/Pages/Page_{i}/Content.xml", c) for i, c in enumerate(pages)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts:
            zf.writestr(
                zipfile.ZipInfo(name, FIXED), text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# The scan: 101.pdf printed, stamped and scanned
# ---------------------------------------------------------------------------------------------

SCAN_DPI = 150
SEAL_RED = (214, 36, 40)
SEAL_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
SEAL_FONT_SC = 2  # the SC face of the collection


def seal(diameter: int, text: str):
    """A red round seal (公章): a ring, the unit's name along the top arc, a star in the middle.
    Returned as an 'L' mask (255 = ink)."""
    import math

    from PIL import Image, ImageDraw, ImageFont

    mask = Image.new("L", (diameter, diameter), 0)
    draw = ImageDraw.Draw(mask)
    ring = max(4, diameter // 40)
    draw.ellipse((ring, ring, diameter - ring, diameter - ring), outline=255, width=ring)
    c = diameter / 2
    star_r = diameter * 0.16  # a five-pointed star
    points = [
        (
            c + (star_r if i % 2 == 0 else star_r * 0.38) * math.sin(math.pi * i / 5),
            c - (star_r if i % 2 == 0 else star_r * 0.38) * math.cos(math.pi * i / 5),
        )
        for i in range(10)
    ]
    draw.polygon(points, fill=255)
    font = ImageFont.truetype(SEAL_FONT, int(diameter * 0.15), index=SEAL_FONT_SC)
    radius = diameter / 2 - ring * 2 - diameter * 0.1
    spread = 220  # degrees of arc the name covers
    for i, ch in enumerate(text):
        angle = -spread / 2 + spread * i / (len(text) - 1)  # 0 = top, clockwise
        glyph = Image.new("L", (int(diameter * 0.2), int(diameter * 0.2)), 0)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.BICUBIC)
        a = math.radians(angle)
        gx, gy = c + radius * math.sin(a), c - radius * math.cos(a)
        mask.paste(255, (int(gx - glyph.width / 2), int(gy - glyph.height / 2)), glyph)
    return mask


def signature_box(pdf: Path) -> tuple[int, tuple[float, float, float, float]]:
    """The page index and box (points) of the closing unit name over the date."""
    import pdfplumber

    unit = EXPECTED_101["unit_name"]
    with pdfplumber.open(str(pdf)) as doc:
        for i in range(len(doc.pages) - 1, -1, -1):
            lines = [ln for ln in doc.pages[i].extract_text_lines() if ln["text"].strip() == unit]
            if lines:
                ln = lines[-1]
                return i, (ln["x0"], ln["top"], ln["x1"], ln["bottom"])
    raise SystemExit(f"no closing {unit} line in {pdf}")


def scan_bytes(pdf: Path) -> bytes:
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    rng = np.random.default_rng(20240315)
    sig_page, (x0, top, x1, bottom) = signature_box(pdf)
    scale = SCAN_DPI / 72
    doc = pdfium.PdfDocument(str(pdf))
    pages = []
    try:
        for i in range(len(doc)):
            page = doc[i].render(scale=scale).to_pil().convert("RGB")
            if i == sig_page:  # the seal is pressed on the paper before it is scanned
                d = int(42 / 25.4 * SCAN_DPI)  # a 42 mm seal
                mask = seal(d, EXPECTED_101["unit_name"])
                cx = (x0 + x1) / 2 * scale  # over the unit name, its lower edge on the date
                cy = bottom * scale + d * 0.05
                ink = Image.new("RGB", page.size, SEAL_RED)
                full = Image.new("L", page.size, 0)
                full.paste(mask, (int(cx - d / 2), int(cy - d / 2)))
                # ink multiplies with the print under it: black stays black
                page = Image.composite(
                    Image.fromarray(
                        (np.asarray(page, dtype=np.uint16) * np.asarray(ink, dtype=np.uint16) // 255).astype(
                            np.uint8
                        )
                    ),
                    page,
                    full.point(lambda v: v * 0.85),
                )
            # the paper fed 0.6 degrees askew (alternating), grey paper and sensor noise
            page = page.rotate(0.6 if i % 2 == 0 else -0.6, resample=Image.BICUBIC, fillcolor=(255, 255, 255))
            a = np.asarray(page, dtype=np.int16)
            noise = rng.normal(0, 5, a.shape[:2])[..., None]
            speckle = (rng.random(a.shape[:2]) < 0.0008)[..., None] * rng.integers(-120, -40, a.shape[:2])[
                ..., None
            ]
            a = np.clip(a * 0.96 + noise + speckle, 0, 255).astype(np.uint8)
            pages.append(Image.fromarray(a, "RGB"))
    finally:
        doc.close()
    out = io.BytesIO()
    when = dt.datetime(2024, 3, 18, 10, 12, 40).timetuple()  # Pillow writes a struct_time as a PDF date
    pages[0].save(
        out,
        "PDF",
        save_all=True,
        append_images=pages[1:],
        resolution=SCAN_DPI,
        quality=60,
        title="扫描件",
        author=None,
        creator="Scanner",
        producer="Scanner",
        creationDate=when,
        modDate=when,
    )
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# The bundle: GBK member names, no UTF-8 flag, a zip inside
# ---------------------------------------------------------------------------------------------


class GbkName(zipfile.ZipInfo):
    """A member as WinRAR, 好压 or Windows' own "send to compressed folder" write it on a
    Chinese system: the name in the ANSI code page (GBK), bit 11 (UTF-8) clear."""

    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's own hook
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def windows_zip(members: list[tuple[str, bytes | None]]) -> bytes:
    """A zip of (name, bytes) with GBK names; None is a directory entry."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = GbkName(name, FIXED)
            info.create_system = 0  # MS-DOS
            if data is None:
                info.external_attr = 0x10  # FILE_ATTRIBUTE_DIRECTORY
                zf.writestr(info, b"")
            else:
                info.external_attr = 0x20  # FILE_ATTRIBUTE_ARCHIVE
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
    data = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:  # as a reader sees it: cp437 text of GBK bytes
        for info, (name, _) in zip(zf.infolist(), members):
            assert not info.flag_bits & 0x800 and info.filename.encode("cp437") == name.encode("gbk"), name
    return data


TEXT_302 = """\
# {unit_name}{fiscal_year}年度{project_name}项目支出绩效自评报告

根据县财政局《关于开展{fiscal_year}年度财政支出绩效自评工作的通知》要求，我局组织对{fiscal_year}年度{project_name}开展了绩效自评。现将自评情况报告如下：

## 一、项目概况

{project_name}主要用于县图书馆、文化馆、博物馆免费开放运行，全县16个乡镇综合文化站和218个村（社区）综合性文化服务中心运行保障，以及“送戏下乡”“送书下乡”等群众文化活动。

## 二、资金投入和使用情况

{fiscal_year}年年初预算数{budget_initial}万元，年中追加{added}万元（用于春节群众文化活动），全年预算数{budget_adjusted}万元；全年执行数{expenditure}万元，预算执行率{execution_rate}%。未执行的{left}万元为部分采购项目尾款，已结转下年使用。

项目资金情况（单位：万元）

项目名称\t年初预算数\t全年预算数\t全年执行数\t执行率
{project_name}\t{budget_initial}\t{budget_adjusted}\t{expenditure}\t{execution_rate}%

## 三、绩效目标实现情况

全年组织送戏下乡演出120场，送书下乡2.4万册，开展公益培训86期，县级“三馆”免费开放接待群众31.6万人次，群众满意度94.8%。

## 四、自评结论

按照项目支出绩效评价指标体系，该项目自评得分{self_score}分，评价等级为“{grade}”。

## 五、存在的问题及下一步措施

一是乡镇综合文化站专职人员不足，部分站点活动开展不够经常；二是数字文化服务资源更新较慢。下一步将加强基层文化队伍建设，推进数字文化资源共享，提升公共文化服务效能。

附件：项目支出绩效自评表

{unit_name}{hard_break}
{date}
"""


def docx_302() -> bytes:
    r = REPORT_302
    added = D(r["budget_adjusted"]) - D(r["budget_initial"])
    left = D(r["budget_adjusted"]) - D(r["expenditure"])
    text = TEXT_302.format(
        **r, added=f"{added:.2f}", left=f"{left:.2f}", hard_break="  ", date=cn_date(r["report_date"])
    )
    return docx_bytes(build(parse_text(text), [2845, 1500, 1500, 1500, 1500]))


def txt_303() -> bytes:
    """Form 303 as a '|' table in a text file, saved by Notepad: GBK, CRLF."""
    f = FORM_303
    grid, _, _ = form_layout(f, points=False, grade_row=True, funds_fmt=lambda v: "" if v is None else v)
    rows = ["| " + " | ".join(row) + " |" for row in grid]
    lines = [
        "项目支出绩效自评表",
        f"（{f['fiscal_year']}年度）",
        "",
        *rows,
        "",
        f"填报单位：{f['unit']}　　　填报日期：{cn_date(f['report_date'])}",
        "",
    ]
    return "\r\n".join(lines).encode("gbk")


def bundle_bytes() -> bytes:
    inner = windows_zip([("项目自评表.txt", txt_303())])
    return windows_zip(
        [
            ("青山县文旅局/", None),
            ("青山县文旅局/2023年度项目支出绩效自评报告.docx", docx_302()),
            ("附件/", None),
            ("附件/附件.zip", inner),
        ]
    )


def main() -> None:
    check_report(REPORT_301)
    check_report(REPORT_302)
    check_form(FORM_303)
    write(SAMPLES / "000.doc", word97(SAMPLES / "000.docx"))
    write(SAMPLES / "101.wps", word97(SAMPLES / "101.docx"))
    write(SAMPLES / "301.ofd", ofd_bytes(REPORT_301))
    write(SAMPLES / "101.scan.pdf", scan_bytes(SAMPLES / "101.pdf"))
    write(SAMPLES / "bundle.zip", bundle_bytes())
    goldens = {
        "000": golden_000(),
        "301": report_golden(REPORT_301),
        "302": report_golden(REPORT_302),
        "303": golden_303(),
    }
    for stem, g in goldens.items():
        write(GOLDEN / f"{stem}.expected.json", canonical(g))


if __name__ == "__main__":
    main()
