"""Every regular expression of normalize, named, with the real text it matches.

Patterns run on folded text (`fold`): full-width digits and punctuation, and traditional
characters, are mapped one character to one character, so offsets found here are offsets
into the document's own text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

import regex


def _traditional() -> dict[str, str]:
    """traditional -> simplified, one character each (normalize/data/traditional.txt: no
    character of GB2312 is in it, so simplified text never changes)."""
    text = (files("normalize") / "data" / "traditional.txt").read_text(encoding="utf-8")
    pairs = (p for line in text.splitlines() if not line.startswith("#") for p in line.split())
    return {p[0]: p[1] for p in pairs if len(p) == 2}


# Full-width ASCII (！ to ～) and the ideographic space, and traditional characters, folded
# one-for-one: 績效 is 绩效, ２０２２ is 2022.
_FOLD = {chr(cp): chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)} | {"\u3000": " "} | _traditional()


# the standard library's re compiles a large character set to a bitmap: ten times faster here
_WIDE = re.compile("[" + "".join(re.escape(c) for c in _FOLD) + "]")


def fold(text: str) -> str:
    """'４０３．５１万元' -> '403.51万元', '預算數' -> '预算数', keeping every offset."""
    return text if text.isascii() else _fold_wide(text)


@lru_cache(maxsize=4096)
def _fold_wide(text: str) -> str:
    # the parsers fold one paragraph many times over (each label, each amount): once is
    # enough. One replace per distinct wide character (none: the text as it is); str.translate
    # looks up every character of a page in a dict, four times slower on Chinese text
    for ch in set(_WIDE.findall(text)):
        text = text.replace(ch, _FOLD[ch])
    return text


def new_document() -> None:
    """Forget the folds of the last document: the cache is for one document's repeats (and a
    benchmark of look-alike files must not profit from their sameness)."""
    _fold_wide.cache_clear()


# any run of spaces, tabs or line breaks: "全年预算\n数" squashed is "全年预算数"
SPACES = regex.compile(r"\s+")

# 403.51 | 1,234.56 | 2 345.60 (thin space groups are rare; commas common) | 100. Not the digits
# after a figure and a full-width comma or 、 ("477，72万元", "22、64万元"): a decimal point
# misread by OCR, where the digits alone would be another, wrong figure
NUMBER = r"(?<![\d.,]|\d[，、])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])"

# Chinese numerals written out: 贰拾叁 | 四百零三 | 一点五
CN_NUMBER = r"[零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟点]+"

# money with its unit: "403.51 万元", "2,345.60元", "6亿元", "1.2 亿元", "300千元"
MONEY = regex.compile(rf"(?P<num>{NUMBER})\s*(?P<unit>亿元|万元|千元|元)")

# money written in Chinese numerals: "贰拾叁万元", "四百零三万元", "一点五亿元"
CN_MONEY = regex.compile(rf"(?P<num>{CN_NUMBER}(?:[万亿]{CN_NUMBER}?)*[万亿]?)(?P<unit>元)")

# a percentage: "100%", "98.36 %", "100.00％"; or "百分之九十五"
PERCENT = regex.compile(rf"(?P<num>{NUMBER})\s*%")
CN_PERCENT = regex.compile(rf"百分之(?P<num>{CN_NUMBER})")

# a score: "88 分", "91.8分" (not 分值, 分钟, 分别, 分配, 分析, 分类, 分解, 分项)
SCORE = regex.compile(rf"(?P<num>{NUMBER})\s*分(?![值钟别配析类解项档数布散])")

# a bare number, as in a table cell under a 单位：万元 header: "41.28", "1,084.25"
BARE_NUMBER = regex.compile(rf"^\s*(?P<num>-?{NUMBER})\s*$")

# the unit of a table, from its caption or a header cell: "单位：万元", "金额单位:元",
# "（万元）", "(单位:万元)", "资金情况(万元)", "年度预算数(万元)"
TABLE_UNIT = regex.compile(r"(?:单位\s*[:：]?\s*|[(（]\s*)(?P<unit>亿元|万元|千元|元)")

# dates: "2023年6月5日", "2023 年 6 月 5 日", "2019年06月18日", "2023.6.5", "2023-06-05", "2023/6/5"
DATE_CN = regex.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
DATE_NUM = regex.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s*[.\-/]\s*(?P<m>\d{1,2})\s*[.\-/]\s*(?P<d>\d{1,2})(?![\d.])"
)
# a date written in Chinese numerals: "二〇二三年六月五日"
DATE_CN_NUMERAL = regex.compile(
    r"(?P<y>[二〇○零一三四五六七八九]{4})\s*年\s*(?P<m>[一二三四五六七八九十]{1,3})\s*月\s*(?P<d>[一二三四五六七八九十]{1,3})\s*日"
)

# the year evaluated: "2022年度", "2022 年", "（2023年度）"
YEAR = regex.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年(?P<du>度)?")

# how many projects a report covers: "项目共15个", "实施项目共15个", "共有 1 个项目",
# "选择10个2021年县级重点项目", "单位专项业务费项目 8 个"
PROJECT_COUNT = regex.compile(
    r"项目\s*(?:共|总计|合计)?\s*(?P<n>\d{1,4})\s*个(?!月|百分)"
    r"|共(?:有|计|涉及)?\s*(?P<n>\d{1,4})\s*个(?:[^，。,；\d]{0,10})项目"
    r"|(?:选择|选取|涉及|包括|实施)\s*(?P<n>\d{1,4})\s*个[^，。,；]{0,14}项目"
)

# the grade a report states: "评价等级为优秀", "等次：良", "自评为优"
GRADE = regex.compile(r"(?P<g>不合格|优秀|良好|合格|较差|[优良中差])(?![化势质先惠点等])")

# a budget code before a unit or a project's name: "219001-池州市…", "175007-巴中市…",
# "51000021R000000019951-工资性支出"
# "51000021R000000019951-工资性支出"; the project code of the 预算管理一体化 system (eight digits,
# a letter, twelve digits) also without a dash: "41673870Y561250206931397个村级电子政务外网运维项目"
LEADING_CODE = regex.compile(r"^(?:[0-9A-Za-z]{3,}\s*[-—_－]|\d{8}[A-Z]\d{12}(?=\S))\s*")

# a form's title: 项目支出绩效自评表, 部门整体支出绩效自评表, 项目绩效评价表, 部门整体支出绩效评价
# 得分表, 项目支出绩效目标完成情况表, 单位预算项目支出绩效目标表 (in a short line:
# a form starts there, a problems section ends there)
FORM_TITLE = regex.compile(r"自评表|绩效评价表|评价得分表|绩效目标(?:完成情况)?表|绩效目标申报表")

# an indicator's target or actual value: "≥120盏", ">=90%", "=100%", "≤85万元", "2.6亿元", "每亩100"
MEASURE = regex.compile(
    rf"^\s*(?P<pre>[^\d≥≤><=＝]{{0,6}}?)\s*(?P<op>≥|≤|>=|<=|=>|=<|>|<|=|大于等于|小于等于|不低于|不高于|不少于|不超过|大于|小于|达到)?\s*"
    rf"(?P<num>{NUMBER})\s*(?P<unit>[^\d\s，,。；;]{{0,8}}?)\s*(?:以上|以下|以内)?\s*$"
)

# grade bands a form states: "90分（含）以上为优", "80（含）-90分为良", "60分以下为差"
GRADE_BAND = regex.compile(
    r"(?<![<≤<=\d.])(?P<lo>\d{1,3})\s*分?\s*(?:[(（]含[)）])?\s*(?:分)?\s*(?:以上|及以上)?\s*"
    r"(?:[-—–~至到]\s*(?P<hi>\d{1,3})\s*分?\s*(?:[(（]不?含[)）])?\s*)?(?:分)?\s*(?:的)?\s*(?:为|：|:|评为|定为)\s*[“\"]?"
    r"(?P<g>优秀|良好|不合格|合格|较差|优|良|中|差)"
)
# bands as inequalities: "80分≤总分<90分为良", "总分≥90分为优", "总分<60分为差"
GRADE_RANGE = regex.compile(
    r"(?:(?P<lo>\d{1,3})\s*分?\s*(?:≤|<=|<)\s*)?(?:总分|得分|综合得分|评分|分数|总得分)?\s*"
    r"(?:(?P<ge>≥|>=|>)\s*(?P<lo2>\d{1,3})|(?:<|≤|<=)\s*(?P<hi>\d{1,3}))\s*分?\s*(?:的)?\s*(?:为|：|:|评为|定为)\s*[“\"]?"
    r"(?P<g>优秀|良好|不合格|合格|较差|优|良|中|差)"
)
GRADE_BELOW = regex.compile(
    r"(?P<hi>\d{1,3})\s*分\s*以下\s*(?:为|：|:|评为|定为)\s*[“\"]?(?P<g>差|不合格|较差)"
)
# what every band ends with, "…为优", "…：良": the bands are looked for only where it stands
GRADE_CUE = regex.compile(r"(?:为|：|:)\s*[“\"]?(?:优秀|良好|不合格|合格|较差|优|良|中|差)")
