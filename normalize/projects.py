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
from normalize.model import Fact

# trailing words after a project's name in an item head or a title
NAME_TAIL = regex.compile(
    r"(?:(?:支出)?(?:整体)?绩效(?:目标)?(?:自评|自我评价|评价)(?:综述|情况|结果|报告|表)?(?:的报告)?|"
    r"自评(?:综述|情况|报告)|绩效评价报告|评价报告|的报告|报告)$")
# a project's name ends with one of these
PROJECT_END = regex.compile(r"(?:项目|经费|资金|工程|补助|补贴|专项|基金|费用|[(（]\S{1,20}[)）])$")
# a section heading is not a project, even when it ends like one: 项目概况, 项目资金使用情况
NOT_PROJECT = regex.compile(r"(?:情况|概况|背景|目标|问题|措施|经验|做法|结论|建议|结果|管理|分析|依据|范围|原则|方法|"
                            r"指标|内容|组织|依据|对象|安排|说明|意见|总结|成效|效益)$|^(?:项目|资金|经费|专项)|"
                            r"我|本单位|本部门|未|没有|出现|较大")
HEAD_END = regex.compile(r"[：:，,。；;!！]")
# template section numbering inside the head: "X项目绩效自评综述"
ITEM_NUMBER = regex.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|[一二三四五六七八九十]{1,3}\s*[、.．]|\d{1,2}\s*[、.．)）](?!\d))\s*")


@dataclass(frozen=True, slots=True)
class Item:
    name: str
    start: int  # offset of the item's text in its page
    end: int
    text: str
    page: int | None


def project_name(head: str) -> str | None:
    """'(一门式)全覆盖网络建设租赁费项目绩效自评综述' -> '(一门式)全覆盖网络建设租赁费项目'."""
    name = head.strip(" “”\"")
    for _ in range(2):
        name = NAME_TAIL.sub("", name).strip()
    name = regex.sub(r"^(?:关于|对)", "", name).strip()
    if len(name) < 4 or len(name) > 60:
        return None
    if not PROJECT_END.search(name) or NOT_PROJECT.search(name):
        return None
    return name


def item(text: str, page: int | None, start: int) -> Item | None:
    """A numbered paragraph that is about one project, or None."""
    m = ITEM_NUMBER.match(text)
    if not m or not MARKER.match(text):
        return None
    rest = text[m.end():]
    end = HEAD_END.search(rest)
    head = rest[: end.start()] if end else rest
    if len(head) > 70:
        return None
    name = project_name(head)
    if name is None:
        return None
    return Item(name, start, start + len(text), text, page)


def summary(text: str) -> str | None:
    """The stated outputs and effects: the words after 主要产出和效果."""
    m = regex.search(r"(?:主要产出和效果|产出和效果|项目效益|实施效果)\s*[:：]\s*(?P<s>.+)", text)
    return m.group("s").strip() if m else None


def title_project(title_text: str | None, unit: str | None) -> str | None:
    """The project a single-project report names in its title:
    '中江县2022年XX项目绩效自评报告' -> 'XX项目'."""
    if not title_text:
        return None
    t = P.fold(title_text).strip()
    # a subtitle in brackets names the project: "…自评报告（林业专项行动经费项目）"
    m = regex.search(r"[(（—\-]+\s*(?P<n>[^()（）]{4,40}?)\s*[)）]?$", t)
    if m and PROJECT_END.search(m.group("n").strip()):
        return m.group("n").strip()
    t = regex.sub(r"^关于", "", t)
    if unit and t.startswith(unit):
        t = t[len(unit):]
    t = regex.sub(r"^.*?(?:19|20)\d{2}\s*年度?", "", t)
    t = regex.sub(r"^(?:度|的|关于)", "", t).strip()
    for _ in range(3):
        t = NAME_TAIL.sub("", t).strip()
    t = regex.sub(r"(?:项目)?支出$", "", t) if t.endswith("项目支出") else t
    if len(t) >= 4 and PROJECT_END.search(t) and not NOT_PROJECT.search(t):
        return t
    return None


def first(facts: list[Fact], field: str):
    return next((f.value for f in facts if f.field == field), None)
