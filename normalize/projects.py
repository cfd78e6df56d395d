"""Project lines: numbered narrative items and the project a report is about.

    (1) X项目绩效自评综述：…项目自评得分 90 分。项目全年预算数 58 万元，执行数 58 万元，
        完成预算的 100%。主要产出和效果：…
    1、哈拉布拉乡南哈拉布拉村农田道路建设项目,…下达…资金197万元,…实际已支付186.98万元

An item is a project when its head (the words after the number, up to the first
punctuation) ends like a project's name does: 项目, 经费, 资金, 工程, 补助.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from extract.layout import MARKER
from normalize import patterns as P

# trailing words after a project's name in an item head or a title
NAME_TAIL = regex.compile(
    r"(?:(?:支出)?(?:整体)?绩效(?:目标)?(?:自评|自我评价|评价)(?:综述|情况|结果|报告|表)?(?:的报告)?|"
    r"(?:支出)?绩效目标(?:实际)?完成情况(?:综述)?|(?:支出)?绩效目标(?:全面|全部|基本)?完成|"
    r"自评(?:综述|情况|报告)|绩效评价报告|评价报告|的报告|报告|的|使用管理情况|使用情况|管理情况|"
    # the project's funds: "X项目资金绩效评价报告" is about X项目
    r"(?<=项目)资金)$"
)
# a project's name ends with one of these
PROJECT_END = regex.compile(r"(?:项目|经费|资金|工程|补助|补贴|专项|基金|费用)(?:[(（][^)）]{1,20}[)）])?$")
# a section heading is not a project, even when it ends like one: 项目概况, 项目资金使用情况
NOT_PROJECT = regex.compile(
    r"(?:情况|概况|背景|目标|问题|措施|经验|做法|结论|建议|结果|管理|分析|依据|范围|原则|方法|"
    r"指标|内容|组织|依据|对象|安排|说明|意见|总结|成效|效益)$|^(?:项目|资金|经费|专项)|"
    r"我|本单位|本部门|未|没有|出现|较大|"
    # a line of the budget's functional classification is no project: 农林水支出（类）农村综合改革（款）…（项）
    r"[(（]类[)）].*[(（]款[)）]|[(（]款[)）].*[(（]项[)）]"
)
# words of a sentence, not of a name: "…共下达105万元,用于实施…项目"
SENTENCE_WORDS = regex.compile(r"用于|下达|共计|\d+(?:\.\d+)?\s*(?:万元|元|亿元)|^(?:财政|预算)?支出项目$")
HEAD_END = regex.compile(r"[：:，,。；;!！]")
# template section numbering inside the head: "X项目绩效自评综述"
ITEM_NUMBER = regex.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|[一二三四五六七八九十]{1,3}\s*[、.．]|\d{1,2}\s*(?:[、)）]|[.．](?!\d)))\s*"
)


# a paragraph with no number that reports on one project by its name (a 决算 package's
# 项目绩效目标完成情况 part): "“乡镇基本财力保障”项目绩效目标完成情况综述。项目全年预算数37万元…",
# "农村危旧房改项目绩效目标全面完成。"
REPORTED_PROJECT = regex.compile(
    r"^[“\"]?[^，。,；;：:“”\"]{2,40}?[”\"]?(?:项目|经费|资金)?(?:支出)?绩效目标(?:实际)?(?:完成情况综述|全面完成|全部完成)"
)
QUOTES = regex.compile(r"[“”\"]")


# a form whose 项目名称 is the unit's whole budget is the unit's own form, no project
# (LABELING.md: 部门预算整体支出项目)
WHOLE_BUDGET = regex.compile(r"(?:部门|单位)(?:预算)?整体(?:支出)?(?:项目)?$")


def same_project(a: str, b: str) -> bool:
    """Two writings of one project's name: the form's 乡镇财力保障 and the text's 乡镇基本财力保障项目."""
    from difflib import SequenceMatcher

    x, y = (SQUASH_NAME.sub("", P.fold(n)) for n in (a, b))
    if not x or not y:
        return False
    if x == y or (min(len(x), len(y)) >= 4 and (x in y or y in x)):
        return True
    return SequenceMatcher(None, x, y).ratio() >= SAME_NAME


# what a name may differ by and stay the same name: spaces, quotes, brackets, a trailing 项目
SQUASH_NAME = regex.compile(r"[\s“”\"'()（）]|项目$")
SAME_NAME = 0.8


@dataclass(frozen=True, slots=True)
class Item:
    name: str
    start: int  # offset of the item's text in its page
    end: int
    text: str
    page: int | None


# "关于XX项目" / "对XX项目…": the name starts after
LEAD_ABOUT = regex.compile(r"^(?:关于|对)")
LEAD_GUANYU = regex.compile(r"^关于")
# what is left before a name when its title's year is cut out: "年度", "的", "关于"
LEAD_FILLER = regex.compile(r"^(?:度|的|关于)")
DIGIT = regex.compile(r"\d")
# the stated outputs and effects: "主要产出和效果：…"
SUMMARY = regex.compile(r"(?:主要产出和效果|产出和效果|项目效益|实施效果)\s*[:：]\s*(?P<s>.+)")
# a subtitle in brackets at a title's end: "…自评报告（林业专项行动经费项目）"
SUBTITLE = regex.compile(r"[(（—\-]+\s*(?P<n>[^()（）]{4,40}?)\s*[)）]?$")
# the year in a title: "…补助资金2023年度绩效自评报告"
TITLE_YEAR = regex.compile(r"\s*((?:19|20)\d{2})\s*年度?")


def project_name(head: str) -> str | None:
    """'(一门式)全覆盖网络建设租赁费项目绩效自评综述' -> '(一门式)全覆盖网络建设租赁费项目'."""
    name = P.LEADING_CODE.sub("", head.strip(' “”"'))  # "17150672Y203788167360-哈拉布拉乡…项目"
    for _ in range(2):
        name = NAME_TAIL.sub("", name).strip()
    name = LEAD_ABOUT.sub("", name).strip()
    if len(name) < 4 or len(name) > 60:
        return None
    if not PROJECT_END.search(name) or NOT_PROJECT.search(name) or SENTENCE_WORDS.search(name):
        return None
    return name


def item(text: str, page: int | None, start: int) -> Item | None:
    """A numbered paragraph that is about one project, or one that opens by reporting on one
    by its name; or None. Read in folded text (２０２２ is 2022, 項目 is 项目); the name as written."""
    folded = P.fold(text)
    m = ITEM_NUMBER.match(folded)
    if m and MARKER.match(folded):
        rest, said = folded[m.end() :], text[m.end() :]
    elif REPORTED_PROJECT.match(folded):
        # “乡镇基本财力保障”项目 -> 乡镇基本财力保障项目 (quotes are not folded: the two stay aligned)
        rest, said = QUOTES.sub("", folded), QUOTES.sub("", text)
    else:
        return None
    # the head runs to the first punctuation; a name with a comma in it
    # ("村内干道,巷道路面硬化建设项目") runs on to the next
    cut = 0
    for _ in range(2):
        end = HEAD_END.search(rest, cut)
        head = rest[: end.start()] if end else rest
        if len(head) > 70:
            return None
        name = project_name(head)
        if name is not None:
            at = head.find(name)
            return Item(said[at : at + len(name)], start, start + len(text), text, page)
        if end is None or end.group(0) not in ",，" or DIGIT.search(P.LEADING_CODE.sub("", head)):
            return None  # a figure before the comma: a sentence, not a name (its budget code aside)
        cut = end.end()
    return None


# a sentence that lists the projects it counted, each with its money: "我单位共有 1 个项目批复了
# 绩效目标,项目金额 46.00 万元。其中: 河湖水系闸坝工程运行维修经费 46.00 万元。"
LISTING = regex.compile(r"(?:其中|分别为|分别是|包括)\s*[:：]\s*(?P<list>[^。；;]+)")
LIST_SEP = regex.compile(r"[，,、]")
LISTED_ITEM = regex.compile(rf"^\s*(?P<n>[^\s:：]{{4,40}}?)\s*(?P<m>{P.NUMBER}\s*(?:亿元|万元|元))\s*$")


@dataclass(frozen=True, slots=True)
class Named:
    """A project a sentence lists, with its money and where that stands in the sentence."""

    name: str
    money: str
    start: int
    end: int


def listed_in(text: str) -> tuple[Named, ...]:
    """The projects a sentence about projects lists after 其中: every piece of the list a
    project's name and its money, or none of them (a list of other things: 基本支出 X 万元)."""
    folded = P.fold(text)
    for m in LISTING.finditer(folded):
        if "项目" not in folded[max(0, m.start() - 80) : m.start()]:
            continue
        out: list[Named] = []
        pos = m.start("list")
        for piece in LIST_SEP.split(m.group("list")):
            got = LISTED_ITEM.match(piece)
            name = project_name(got.group("n")) if got else None
            if got is None or name is None:
                out = []
                break
            at = pos + got.start("m")
            out.append(Named(name, text[at : pos + got.end("m")], at, pos + got.end("m")))
            pos += len(piece) + 1
        if out:
            return tuple(out)
    return ()


def summary(text: str) -> str | None:
    """The stated outputs and effects: the words after 主要产出和效果."""
    m = SUMMARY.search(text)
    return m.group("s").strip() if m else None


def title_project(title_text: str | None) -> str | None:
    """The project a single-project report names in its title:
    '中江县2022年XX项目绩效自评报告' -> 'XX项目'."""
    if not title_text:
        return None
    t = P.fold(title_text).strip()
    # a subtitle in brackets names the project: "…自评报告（林业专项行动经费项目）"
    m = SUBTITLE.search(t)
    if m and PROJECT_END.search(m.group("n").strip()):
        return m.group("n").strip()
    # a unit before the name stays in it, as the title writes it ("隆回县人居环境指挥部乡村振兴
    # 项目资金绩效评价报告" is about 隆回县人居环境指挥部乡村振兴项目); a year cuts it off
    t = LEAD_GUANYU.sub("", t)
    # the name stands before the year ("…补助资金2023年度绩效自评报告") or after it
    before, _, after = TITLE_YEAR.sub("\x00", t, count=1).partition("\x00")
    for cand in (before, after) if after or before != t else (t,):
        c = LEAD_FILLER.sub("", cand).strip()
        for _ in range(3):
            c = NAME_TAIL.sub("", c).strip()
        c = c[:-2] if c.endswith("项目支出") else c
        if len(c) >= 4 and PROJECT_END.search(c) and not NOT_PROJECT.search(c):
            return c
    return None


# a project named in the opening sentences: "对2021年专项工作经费绩效情况进行…",
# "对环境监测站2021年度百岁宫大气监测专项项目使用管理情况认真开展了自评"
BODY_NAME = regex.compile(
    r"(?:19|20)\d{2}\s*年度?(?P<n>[^，。,；;：:、（）()“”]{4,40}?(?:项目|经费|资金|工程))"
    r"(?=绩效|使用|支出|资金使用|的绩效|实施|开展|进行|管理|自评|[，,。])"
)
# "项目名称公共文化服务体系运行保障经费项目单位…", "项目名称：X"
NAME_FIELD = regex.compile(
    r"项目名称\s*[:：]?\s*(?P<n>[^\s:：,，。|]{4,50}?)(?=项目单位|主管部门|实施单位|项目负责人|[\s,，。|]|$)"
)


# a paragraph that opens with the project's name: "瓯海区排水管网工程(二期)是为进一步提高…"
OPENING_NAME = regex.compile(
    r"(?m)^(?P<n>[^，。,；;：:、\s|#]{4,40}?(?:项目|工程|经费|资金)(?:[(（][^)）]{1,8}[)）])?)(?:是|位于|系|于\d|为)"
)


# the project funds are used for: "…衔接资金共下达105万元,用于实施西秀镇龙头村蔬菜园产业项目"
USED_FOR = regex.compile(
    r"用于(?:实施|建设|开展)?(?P<n>[^，。,；;：:、\s|（）()“”]{4,40}?(?:项目|工程))(?=[，。,；;、]|$|建设|实施)"
)
# a title that names funds, not the project they pay for: "…2022年衔接资金项目绩效自评报告"
FUNDS_NAME = regex.compile(r"资金(?:项目)?$")


def used_for_project(text: str) -> str | None:
    """The project an opening paragraph says the funds are used for."""
    m = USED_FOR.search(P.fold(text[:1500]))
    return project_name(m.group("n")) if m else None


def named_project(text: str) -> str | None:
    """The project a form or a cover names: 项目名称：X."""
    m = NAME_FIELD.search(P.fold(text[:1500]))
    if m and PROJECT_END.search(m.group("n")) and not SENTENCE_WORDS.search(m.group("n")):
        return m.group("n")
    return None


def body_project(text: str) -> str | None:
    """The project named near the start of a report that has no title naming it."""
    head = P.fold(text[:1500])
    for m in OPENING_NAME.finditer(head):
        name = project_name(m.group("n"))
        if name:
            return name
    for m in BODY_NAME.finditer(head):
        name = project_name(m.group("n"))
        if name:
            return name
    return None
