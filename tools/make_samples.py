"""Build the committed sample reports that the tests read: the seed as .txt, .docx and .pdf.

    python tools/make_samples.py [--force]

000.*  the seed report (龙山县大数据中心 2022 部门整体支出绩效自评报告) in three formats. The
       .docx mirrors how the project owner renders such text (../shared/corpus/rendered/000.docx):
       Title + Heading N styles, one paragraph per text line, the 审核意见 block as a real table,
       a 公文-style page (A4, 16pt body, 28pt exact lines) and a "— N —" footer for the PDF.
101.*  a fictitious 项目支出绩效自评报告 (青山县教育局) whose figures are in EXPECTED_101 and
       tests/golden/101.expected.json, so tests can assert exact values.

Idempotent: a file is rewritten only when its bytes change (the .docx zip carries fixed
timestamps), and a PDF is re-exported only when its .docx changed, so a rerun leaves git clean.
PDFs need LibreOffice (`soffice`); the seed is read from ../shared when present, else from the
committed 000.txt.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor, Twips

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "samples"
GOLDEN = ROOT / "tests" / "golden"
SEED = ROOT.parent / "shared" / "seeds" / "000_8ae852161d2a76fd.txt"

# The figures of sample 101, in the terms of SCHEMA.md's `reports` table: money in yuan,
# rates and scores as stated. The document text states them in 万元.
EXPECTED_101 = {
    "report_kind": "project",
    "unit_name": "青山县教育局",
    "region": "青山县",
    "fiscal_year": 2023,
    "report_date": "2024-03-15",
    "project_name": "义务教育学校校舍维修改造项目",
    "budget_initial": "8500000.00",  # 850.00万元
    "budget_adjusted": "9205000.00",  # 920.50万元
    "expenditure": "8873600.00",  # 887.36万元
    "execution_rate": "96.40",  # 887.36 / 920.50 = 96.3998% -> stated 96.40%
    "self_score": "93.5",
    "grade": "优",
}

LATIN, SERIF, SANS = "Times New Roman", "Noto Serif CJK SC", "Noto Sans CJK SC"
INDENT = Pt(32)  # first-line indent of two 16pt characters, as in 公文
FIXED_TIME = dt.datetime(2024, 3, 15, 9, 0, 0)

HEADING = re.compile(r"^(#+)\s+(.*)$")  # "### 一、资金拨付及执行情况"
BULLET = re.compile(r"^-\s+")  # "- 1、完成州对县..." (the extractor's list marker)
P_TAG = re.compile(r"<p>(.*?)</p>")  # " <p>负责人签字: </p> <p>2023年6月7日</p>" (lines in a cell)
DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")  # "2023年6月5日"


def parse_text(text: str) -> list[tuple]:
    """Seed text -> blocks: ("title", s) ("heading", level, s) ("para", s) ("table", rows) ("sign", s)."""
    blocks: list[tuple] = []
    rows: list[list[str]] = []
    held: list[str] = []  # lines ended by a markdown hard break ("  "), joined to the next line
    for raw in text.splitlines():
        if "\t" in raw:  # the 审核意见 block: tab-separated cells, <p> fragments are lines
            rows.append(
                ["\n".join(s.strip() for s in P_TAG.findall(c)) or c.strip() for c in raw.split("\t")]
            )
            continue
        if rows:
            blocks.append(("table", rows))
            rows = []
        line = raw.strip()
        # Blank runs (3+ where a PDF page broke) only separate paragraphs: the words split by the
        # page break stay two paragraphs ("每季度督促各部门更" / "新网站信息;"), as the owner renders them.
        if not line:
            continue
        if m := HEADING.match(line):
            # The report title came out as "##" and sections one level deeper, so the Word level is
            # the '#' count minus one; the extractor's levels are noisy and are kept as they are.
            title_seen = any(b[0] == "title" for b in blocks)
            blocks.append(("heading", max(1, len(m[1]) - 1), m[2]) if title_seen else ("title", m[2]))
        elif raw.endswith("  "):
            held.append(line)
        elif held:  # closing "龙山县大数据中心  \n2023年6月5日": one right-aligned paragraph, two lines
            blocks.append(("sign" if DATE_LINE.match(line) else "para", "\n".join([*held, line])))
            held = []
        else:
            blocks.append(("para", BULLET.sub("", line)))
    if rows:
        blocks.append(("table", rows))
    return blocks


# Sample 101 in the seed's own markdown-ish shape, so one parser and one renderer serve both.
TEXT_101 = """\
# {unit_name}{fiscal_year}年度{project_name}支出绩效自评报告

根据《{region}财政局关于开展{fiscal_year}年度预算绩效自评工作的通知》要求，我局对{fiscal_year}年度{project_name}开展了绩效自评，现将有关情况报告如下：

## 一、项目基本情况

### （一）项目概况

{project_name}由{unit_name}组织实施，主要用于全县12所义务教育阶段学校的屋面防水、门窗更换、厕所改造及校舍抗震加固，改善农村学校办学条件，消除校舍安全隐患。

### （二）项目资金情况

{fiscal_year}年该项目年初预算数{ini}万元，全年预算数{adj}万元（年中追加{added}万元用于2所学校校舍抗震加固），全年执行数{exp}万元，预算执行率{execution_rate}%。

项目资金情况（单位：万元）

项目\t年初预算数\t全年预算数\t全年执行数\t执行率
{project_name}\t{ini}\t{adj}\t{exp}\t{execution_rate}%

## 二、绩效目标完成情况

### （一）产出指标

数量指标：完成12所学校校舍维修改造，改造面积2.36万平方米，完成率100%。质量指标：工程竣工验收合格率100%。时效指标：所有工程于{fiscal_year}年8月底前完工，未影响秋季开学。成本指标：项目支出控制在预算范围内。

### （二）效益指标

社会效益指标：受益学生6850人，校舍安全隐患消除率100%。可持续影响指标：学校办学条件持续改善。满意度指标：师生及家长满意度96%。

## 三、自评结论

经综合评价，该项目绩效自评得分{self_score}分，评价等级为“{grade}”。

## 四、存在的问题及改进措施

一是部分工程结算审计进度较慢，结余资金{left}万元未能在年内支付；二是项目前期论证不够充分，年中追加预算。下一步将加快工程结算审计，提前开展项目储备和论证，提高预算编制的准确性。

{unit_name}{hard_break}
{date}
"""


def text_101() -> str:
    e = EXPECTED_101
    ini, adj, exp = (Decimal(e[k]) for k in ("budget_initial", "budget_adjusted", "expenditure"))
    rate = (exp / adj * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert rate == Decimal(e["execution_rate"]), (rate, e["execution_rate"])  # the figures must agree
    amounts = {"ini": ini, "adj": adj, "exp": exp, "added": adj - ini, "left": adj - exp}
    d = dt.date.fromisoformat(e["report_date"])
    # the signature as in the seed: unit name ending in a markdown hard break ("  "), then the date
    wan = {k: f"{v / 10000:.2f}" for k, v in amounts.items()}  # the text states 万元
    return TEXT_101.format(**e, **wan, hard_break="  ", date=f"{d.year}年{d.month}月{d.day}日")


def set_style(doc, name: str, east_asia: str, size: float, bold: bool = False, indent=None) -> None:
    """Black, 公文-sized style with an East Asian font; drops the template's theme fonts and colours."""
    style = doc.styles[name]
    font, fmt = style.font, style.paragraph_format
    font.size, font.bold, font.italic, font.color.rgb = Pt(size), bold, False, RGBColor(0, 0, 0)
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    fonts = {"ascii": LATIN, "hAnsi": LATIN, "cs": LATIN, "eastAsia": east_asia, "hint": "eastAsia"}
    for attr, value in fonts.items():  # hint: "—" and “” take the CJK font
        rfonts.set(qn(f"w:{attr}"), value)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(28)  # exact 28pt lines: 22 lines a page on a 公文 A4 page
    fmt.first_line_indent = indent


def new_document(title: str):
    doc = Document()
    doc.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    set_style(doc, "Normal", SERIF, 16)
    set_style(doc, "Title", SERIF, 22, bold=True)  # 方正小标宋 in the original
    doc.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.styles["Title"].paragraph_format.line_spacing = Pt(36)
    doc.styles["Title"].paragraph_format.space_after = Pt(16)
    pbdr = doc.styles["Title"].element.pPr.find(qn("w:pBdr"))  # the template's blue rule under titles
    if pbdr is not None:
        pbdr.getparent().remove(pbdr)
    set_style(doc, "Heading 1", SANS, 16, indent=INDENT)  # 黑体
    set_style(doc, "Heading 2", SERIF, 16, indent=INDENT)  # 楷体 (no Kai font installed)
    set_style(doc, "Heading 3", SERIF, 16, bold=True, indent=INDENT)  # 仿宋 bold
    set_style(doc, "Heading 4", SERIF, 16, bold=True, indent=INDENT)
    sec = doc.sections[0]  # A4 with GB/T 9704 margins: top 37mm, bottom 35mm, left 28mm, right 26mm
    sec.page_width, sec.page_height = Twips(11906), Twips(16838)
    sec.top_margin, sec.bottom_margin = Twips(2098), Twips(1984)
    sec.left_margin, sec.right_margin, sec.footer_distance = Twips(1587), Twips(1474), Twips(1134)
    # Footer "— N —", centred, PAGE as a simple field like the original: the running footer the
    # PDF reader has to strip.
    foot = sec.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    runs = [foot.add_run("— "), foot.add_run("1"), foot.add_run(" —")]
    for run in runs:
        run.font.size = Pt(14)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    runs[1]._r.addprevious(field)
    field.append(runs[1]._r)
    props = doc.core_properties  # fixed metadata so the bytes do not change between runs
    props.title, props.author, props.last_modified_by = title, "财务股", "财务股"
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision = 1
    return doc


def add_table(doc, rows: list[list[str]], widths: list[int]) -> None:
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style, table.alignment, table.autofit = "Table Grid", WD_TABLE_ALIGNMENT.CENTER, False
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.width = Twips(widths[c])
            p = cell.paragraphs[0]
            p.paragraph_format.line_spacing, p.paragraph_format.first_line_indent = 1.0, Pt(0)
            # keep the table on one page, as in the owner's PDF (else the header row is orphaned)
            p.paragraph_format.keep_with_next = r < len(rows) - 1
            # the original centres its cells but left-aligns the "负责人签字:\n日期" ones
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if "\n" in text else WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(text).font.size = Pt(10.5)  # "\n" becomes a line break, read back as "\n"


def build(blocks: list[tuple], widths: list[int]):
    doc = new_document(next(b[1] for b in blocks if b[0] == "title"))
    for kind, *rest in blocks:
        if kind == "title":
            doc.add_paragraph(rest[0], style="Title")
        elif kind == "heading":
            doc.add_heading(rest[1], level=rest[0])
        elif kind == "table":
            add_table(doc, rest[0], widths)
        elif kind == "sign":  # unit name and date: one right-aligned paragraph, a line break between
            p = doc.add_paragraph(rest[0])
            p.alignment, p.paragraph_format.right_indent = WD_ALIGN_PARAGRAPH.RIGHT, INDENT
        else:
            # Left-aligned, not justified as in the original: LibreOffice 7.4 drops a "，" or "。" that
            # hangs past the right margin of a justified Noto CJK line (and ignores overflowPunct=0).
            p = doc.add_paragraph(rest[0])
            p.alignment, p.paragraph_format.first_line_indent = WD_ALIGN_PARAGRAPH.LEFT, INDENT
    return doc


def docx_bytes(doc) -> bytes:
    """The saved .docx re-zipped with fixed timestamps, so identical content gives identical bytes."""
    raw, out = io.BytesIO(), io.BytesIO()
    doc.save(raw)
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME.timetuple()[:6])
            zout.writestr(fixed, zin.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.write_bytes(data)
    print(f"wrote {path.relative_to(ROOT)}")
    return True


def to_pdf(docx: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("soffice not found: apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    args = "--headless -env:UserInstallation=file:///tmp/lo-samples --convert-to pdf --outdir".split()
    subprocess.run(
        [soffice, *args, str(docx.parent), str(docx)], check=True, capture_output=True, timeout=300
    )
    print(f"wrote {docx.with_suffix('.pdf').relative_to(ROOT)}")


def main() -> None:
    force = "--force" in sys.argv[1:]
    txt = HERE / "000.txt"
    seed = SEED.read_bytes() if SEED.exists() else txt.read_bytes()
    write(txt, seed)  # the text variant: the seed's bytes, verbatim
    made = {
        # 审核意见 table column widths as in the original; 101's five columns fill the 8845-twip line
        "000": (parse_text(seed.decode("utf-8")), [5472, 3373]),
        "101": (parse_text(text_101()), [2845, 1500, 1500, 1500, 1500]),
    }
    for stem, (blocks, widths) in made.items():
        docx, pdf = HERE / f"{stem}.docx", HERE / f"{stem}.pdf"
        changed = write(docx, docx_bytes(build(blocks, widths)))
        if changed or force or not pdf.exists():  # not by mtime: a git checkout sets those at random
            to_pdf(docx)
    expected = json.dumps(EXPECTED_101, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write(GOLDEN / "101.expected.json", expected.encode("utf-8"))


if __name__ == "__main__":
    main()
