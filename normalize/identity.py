"""Who reports, on what, for which year: title, report kind, unit, region, fiscal year,
report date, and the project a single-project report is about.
"""

from __future__ import annotations

import datetime as dt

import regex

from extract.model import BlockKind, Document
from normalize import patterns as P
from normalize.dates import find_dates
from normalize.model import ReportKind
from normalize.segment import leading_org, words

# Title words by report kind (LABELING.md): the whole spending of a unit, or one project.
DEPT_WORDS = regex.compile(r"(?:部门|单位|机关)?整体(?:支出)?|部门支出绩效|部门评价")
PROJECT_WORDS = regex.compile(r"项目|专项资金|专项|转移支付|资金")
REPORT_TITLE = regex.compile(r"绩效.{0,12}(?:报告|自评表|评价表|评价)|自评(?:报告|表)|评价报告")

# An organisation's name ends with one of these (龙山县大数据中心, 南县财政局, 吉首市乾州街道办事处).
ORG_SUFFIX = (
    r"(?:办事处|委员会|管理局|人民政府|政府|中心|局|委|办|院|站|所|学校|校|厅|处|队|会|馆|部|室|"
    r"公司|医院|指挥部|幼儿园|大学|学院|中学|小学|集团|协会|社|台|场|园|团)"
)
ORG = regex.compile(rf"^[\u4e00-\u9fff（）()]{{2,30}}?{ORG_SUFFIX}$")
# a title may name a township as the unit (关坝镇2023年部门整体支出绩效评价指标体系: its 人民政府 is
# one of its units); a line "白水镇" alone is no signature, a place a sentence was cut at
TITLE_ORG = regex.compile(rf"^[\u4e00-\u9fff（）()]{{2,30}}?(?:{ORG_SUFFIX}|镇|乡|街道)$")
# the unit named on a cover or in a letterhead field: "部门(单位)名称: 岳阳市…", "单位名称：…"
UNIT_FIELD = regex.compile(
    r"(?:部门\s*[(（]\s*单位\s*[)）]\s*名\s*称|单\s*位\s*名\s*称|部\s*门\s*名\s*称|填\s*报\s*单\s*位|"
    r"预算单位名称|实施单位|项目单位|评价单位)\s*(?:[(（]盖章[)）])?\s*[:：]?\s*"
    r"(?P<name>[^\s:：,，。|]{2,40}?)(?=\s|[:：,，。|]|主管部门|项目负责人|联系电话|评价方式|评价机构|报告日期|$)"
)
STAMP = regex.compile(r"[(（]\s*(?:盖章|公章|签章)\s*[)）]")
# leading place names of a unit: 龙山县, 红河州, 湖南省长沙市, 吉首市乾州街道
PLACE = regex.compile(
    r"^(?:[\u4e00-\u9fff]{1,8}?(?:自治区|自治州|自治县|特别行政区|省|市|州|盟|地区|县|区|旗))+"
)
# a report date line's own label: 报告日期, 填报日期, 评价日期
DATE_LABEL = regex.compile(r"(?:报告|填报|评价|编制|成文)日期\s*[:：]?\s*")
# the date a disclosure package gives its cover: "公开时间：2024年10月30日" (a report date when the
# document gives itself no other: LABELING.md, real files)
PUBLISHED = regex.compile(r"(?:公开|发布)(?:时间|日期)\s*[:：]?\s*")


def title(doc: Document) -> str | None:
    """The report's title: the first heading or short paragraph that names a performance report,
    else the title row of its first table that names one (a rubric or a form alone in a file)."""
    blocks = [b for p in doc.pages for b in p.blocks if b.kind is not BlockKind.TABLE][:12]
    for b in blocks:
        if len(b.text) <= 80 and REPORT_TITLE.search(P.fold(b.text)):
            return b.text.strip("# ")
    for t in [b for p in doc.pages for b in p.blocks if b.kind is BlockKind.TABLE][:1]:
        for row in t.rows[:3]:
            cells = {" ".join(c.split()) for c in row} - {""}
            if (
                len(cells) == 1
                and len(next(iter(cells))) <= 80
                and REPORT_TITLE.search(P.fold(next(iter(cells))))
            ):
                return next(iter(cells))
    for b in blocks:
        if b.kind is BlockKind.HEADING:
            return b.text
    return None


def report_kind(title_text: str | None, text: str, n_projects: int, stated_count: int | None) -> ReportKind:
    t = P.fold(title_text or "")
    text = P.fold(text)
    if DEPT_WORDS.search(t):
        return ReportKind.DEPT_OVERALL
    many = n_projects > 1 or (stated_count or 0) > 1
    if PROJECT_WORDS.search(t):
        return ReportKind.UNKNOWN if many else ReportKind.PROJECT
    head = text[:600]
    if DEPT_WORDS.search(head) and "整体" in head:
        return ReportKind.DEPT_OVERALL
    if PROJECT_WORDS.search(head) or n_projects == 1:
        return ReportKind.UNKNOWN if many else ReportKind.PROJECT
    return ReportKind.UNKNOWN


def clean_unit(name: str | None) -> str | None:
    if not name:
        return None
    s = STAMP.sub("", name).strip()
    s = P.LEADING_CODE.sub("", s).strip(" :：")
    return s or None


def unit_from_text(doc: Document, title_text: str | None) -> str | None:
    text = doc.text
    for m in UNIT_FIELD.finditer(P.fold(text[:3000])):
        name = clean_unit(m.group("name"))
        # run together without a colon ("项目单位临湘市文化旅游广电局主管部门…"), only a
        # name that ends like an organisation counts ("项目单位基本情况" does not)
        if name and (m.group(0).rstrip(name).rstrip().endswith((":", "：")) or ORG.match(name)):
            return name
    if title_text:
        # "龙山县大数据中心 2022 年部门整体支出绩效自评报告": the unit stands before the year
        head = regex.split(r"\s*(?:(?:19|20)\d{2}\s*年|关于)", title_text, maxsplit=1)[0]
        head = regex.sub(r"^关于", "", head).strip()
        if head and head != title_text and TITLE_ORG.match(head) and not PLACE.fullmatch(head):
            return head
        bare = regex.sub(r"^关于", "", title_text)
        org = leading_org(bare)
        if org and not PLACE.fullmatch(org) and not WORKS_ON.match(bare, len(org)):
            return org
    return opening_unit(doc) or signature_unit(doc)


# a title's organisation followed by building works is what the project builds, not who
# reports: "关于青山县城北垃圾转运站提升改造项目的…" (a school's 教学楼建设 is no work on the school)
WORKS_ON = regex.compile(r"(?:提升|改造|改扩建|扩建|新建|改建|建设|维修|修缮|维护|搬迁|装修|升级|加固|提质)")

# the unit an opening sentence names: "青山县民政局（以下简称“本局”）…", "我单位青山县第一中学是…",
# "青山县林业局是县政府工作部门" — the name with a place before its organisation word
SHORT_NAME = regex.compile(r"[(（]\s*以下简称")
SELF_NAMED = regex.compile(r"(?:我|本)(?:单位|局|委|办|院|中心|部门|站|所|校)[,，\s]*(?=\p{Han})")
IS_NAMED = regex.compile(r"(?:是|系|为|成立于|始建于|于(?:19|20)\d{2}年)")
OPENING_BLOCKS = 6


def opening_unit(doc: Document) -> str | None:
    """The unit an opening paragraph defines or introduces by its full name."""
    blocks = [b for p in doc.pages for b in p.blocks if b.kind is not BlockKind.TABLE][:OPENING_BLOCKS]
    for b in blocks:
        text = P.fold(b.text)
        for m in SHORT_NAME.finditer(text):
            name = _name_before(text[max(0, m.start() - 40) : m.start()])
            if name:
                return name
        for m in SELF_NAMED.finditer(text):
            name = _name_at(text[m.end() : m.end() + 40])
            if name and IS_NAMED.match(text, m.end() + len(name)):
                return name
        name = _name_at(text[:40])
        if name and IS_NAMED.match(text, len(name)):
            return name
    return None


PLACE_END = ("省", "市", "州", "县", "区", "旗", "盟")


def _place_starts(text: str) -> list[int]:
    """Where a place name begins in `text`, by jieba's words: a word ending like a place
    (吉首市, 锡林郭勒盟), or one followed by a place word alone (青山 | 县)."""
    toks = words(text)
    starts, at = [], 0
    for i, w in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if (len(w) >= 2 and w.endswith(PLACE_END)) or (nxt in PLACE_END and regex.fullmatch(r"\p{Han}+", w)):
            starts.append(at)
        at += len(w)
    return starts


def _name_before(text: str) -> str | None:
    """The organisation that ends `text`, from the place name it starts with:
    '为加强吉首市乾州街道办事处' -> '吉首市乾州街道办事处'."""
    for at in _place_starts(text):
        name = text[at:]
        if ORG.match(name) and not PLACE.fullmatch(name):
            return name
    return None


def _name_at(text: str) -> str | None:
    """The organisation `text` opens with, whole: its place, then words up to an organisation's
    ending at a word boundary ('青山县第一中学是…' -> '青山县第一中学')."""
    if 0 not in _place_starts(text[:12]):
        return None
    org = leading_org(text)
    return org if org and not PLACE.fullmatch(org) else None


def signature_unit(doc: Document) -> str | None:
    """The unit that signs: a short organisation line just before the closing date."""
    blocks = [b for p in doc.pages for b in p.blocks if b.kind is not BlockKind.TABLE]
    for b in reversed(blocks[-8:]):
        s = P.fold(b.text).strip()
        s = P.DATE_CN.sub("", s).strip()
        s = STAMP.sub("", s).strip()
        if s and len(s) <= 30 and ORG.match(s) and not PLACE.fullmatch(s):
            return s
    return None


def region(unit: str | None) -> str | None:
    if not unit:
        return None
    m = PLACE.match(unit)
    return m.group(0) if m and m.group(0) != unit else None


# a year that is part of a date or a month ("2018 年7月", "2022年8月22日") is not the year evaluated
YEAR_NOT_DATE = regex.compile(r"(?<![\d〔\[])(?P<y>(?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")
YEAR_DU = regex.compile(r"(?<![\d〔\[])(?P<y>(?:19|20)\d{2})\s*年度")
# a project period of one whole year: "2021年1月起至2021年12月止" (项目起止时间)
WHOLE_YEAR = regex.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年\s*0?1\s*月(?:\s*0?1\s*日)?\s*(?:起\s*)?(?:至|到|—|-|~)\s*(?P=y)\s*年\s*12\s*月"
)


def fiscal_year(title_text: str | None, text: str) -> int | None:
    """The year evaluated: the title's year, else the first 'YYYY年度' or project period of
    one whole year (2021年1月至2021年12月), else the first year near the start that is not
    part of a date."""
    if title_text:
        m = P.YEAR.search(P.fold(title_text))
        if m:
            return int(m.group("y"))
    folded = P.fold(text)
    m = YEAR_DU.search(folded) or WHOLE_YEAR.search(folded)
    if m:
        return int(m.group("y"))
    body = regex.sub(r"《[^》]*》", "", folded[:600])  # a cited document's year is not ours
    m = YEAR_NOT_DATE.search(body)
    return int(m.group("y")) if m else None


def report_date(doc: Document) -> dt.date | None:
    """The date the report gives itself: a labelled 报告日期, else the last date standing alone
    (the signature: "龙山县大数据中心 / 2023年6月5日")."""
    text = P.fold(doc.text)
    m = DATE_LABEL.search(text)
    if m:
        for d, s, _ in find_dates(text[m.end() : m.end() + 20]):
            if s <= 2:
                return d
    blocks = [b for p in doc.pages for b in p.blocks if b.kind is not BlockKind.TABLE]
    for b in reversed(blocks):
        line = P.fold(b.text).strip()
        dates = list(find_dates(line))
        if len(dates) == 1:
            d, a, e = dates[0]
            rest = (line[:a] + line[e:]).strip()
            rest = STAMP.sub("", rest).strip()
            if not rest or (len(rest) <= 30 and ORG.match(rest)):
                return d
    m = PUBLISHED.search(text[:3000])
    if m:
        for d, s, _ in find_dates(text[m.end() : m.end() + 20]):
            if s <= 2:
                return d
    return None
