"""Narrative text to facts: a label, then its value in the same clause.

"年初预算批复数 403.51 万元" -> Fact(budget_initial, 4035100.00). The value must follow
its label within a short window that ends at the clause's end, at a comma, or at the
next label of another field, so "基本支出按支出性质分为人员经费和公用经费, 人员经费
154.97 万元" gives 人员经费 its figure and 基本支出 none.
"""

from __future__ import annotations

from decimal import Decimal

import regex

from normalize import patterns as P
from normalize.amounts import find_money, plain_number, table_unit, to_yuan
from normalize.labels import VALUE_KIND, field_of, label_pattern, near_labels
from normalize.model import Fact, Where
from normalize.tolerance import label_view

# How far after its label a value may stand (characters).
WINDOW = {"money": 40, "percent": 16, "score": 14, "grade": 8}

# A window also ends at a comma: a clause names one figure.
STOP = regex.compile(r"[。；;！？!?\n]|,(?!\d{3}(?!\d))")  # folded text: ， is ,; 2,345.60 is one number

# Words that, right before a label, say the figure is not the unit's own (per-capita,
# last year's, a share, an average, what counted projects involve): "上年预算数", "人均公用经费",
# "较上年", "平均得分99.43分", "绩效自评的2024年度项目4个，涉及预算金额598.42万元"
NOT_OWN = regex.compile(r"(?:上年|去年|上一年|同比|人均|平均|较|比|涉及)$")

# Labels that name the execution rate only right after money was stated: "…项目支出 46.25 万元。
# 完成率均达到 100%" is spending; "完成12所学校校舍维修改造，完成率100%" is work done.
MONEY_CONTEXT = frozenset({"完成率"})

# Verbs that name a budget only when what was obtained is funds: "我市获得…专项资金17347万元",
# "争取上级补助资金50万元" (not "获得收益5万元")
FUNDS_VERBS = frozenset({"获得", "争取"})
FUNDS_OBTAINED = regex.compile(r"(?:资金|经费|补助|补贴|拨款)\s*(?:共|合计|总计|计)?\s*$")

# A percentage right after a score label is a rate, not a score ("得分率 95%"): guarded by
# SCORE's own pattern, which needs 分. A money label right before "的" describes a share:
# "占项目支出的 100%".


# a cost item named between a label and the figure: the figure is that item's, not the label's
# ("实际支出为差旅费 18.1 万元，会议费 0.9 万元": 18.1 万元 is the travel cost)
OTHER_ITEM = regex.compile(r"(?:^|[为是中:])\s*[\u4e00-\u9fff]{1,6}费(?!用)")


def _context(text: str, start: int, end: int) -> str:
    a = max(0, start - 30)
    b = min(len(text), end + 30)
    return text[a:b].replace("\n", " ")


def scan(text: str, page: int | None, base: int = 0) -> list[Fact]:
    """Facts stated in `text` (a paragraph at offset `base` of page `page`)."""
    folded = P.fold(text)
    # (start, end, the label's words in the view): a label as the pattern reads it, damaged or wrapped
    view = label_view(folded)
    hits = [(m.start(), m.end(), P.SPACES.sub("", m.group(0))) for m in label_pattern().finditer(view)]
    hits = _with_near(hits, near_labels().find(view))
    facts: list[Fact] = []
    said: int | None = None  # where a label said of a project ended (_of_project)
    for i, (s, e, label) in enumerate(hits):
        field = field_of(label)
        if NOT_OWN.search(folded[max(0, s - 3) : s]):
            continue
        if label in MONEY_CONTEXT and not any(find_money(text[max(0, s - 60) : s])):
            continue
        limit = len(folded)
        for s2, _, label2 in hits[i + 1 :]:
            if field_of(label2) != field:
                limit = s2
                break
        kind = VALUE_KIND[field]
        limit = min(limit, e + WINDOW[kind])
        stop = STOP.search(folded, e, limit)
        if stop and not (kind == "money" and stop.start() == e):
            limit = stop.start()
        window = text[e:limit]
        fact = _value(field, kind, window, e)
        if label in FUNDS_VERBS:
            if fact is None or not FUNDS_OBTAINED.search(text[e : fact[2]]):
                continue
        elif fact is None and kind == "money":
            fact = _bare_after_unit(folded, s, window, e)
        if fact is None:
            continue
        value, raw, vs, ve = fact
        if folded[max(0, s - 2) : s] == "项目":
            said = e
        facts.append(
            Fact(
                field,
                value,
                raw,
                P.SPACES.sub("", text[s:e]),  # as the document writes it
                Where(page, base + vs, base + ve),
                _context(text, s, ve),
                kind == "money",
                _of_project(folded, s, said),
            )
        )
    return facts


# a sentence's end: the figures after it are said of another subject
SENTENCE_END = regex.compile(r"[。；;\n]")


def _of_project(folded: str, s: int, said: int | None) -> bool:
    """Whether the label at `s` states a project's figure: it follows 项目 ("项目全年预算数58万元"),
    or such a label at `said` opened its sentence's figures ("…，执行数58万元" after it)."""
    if folded[max(0, s - 2) : s] == "项目":
        return True
    return said is not None and not SENTENCE_END.search(folded, said, s)


def _with_near(
    hits: list[tuple[int, int, str]], near: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """The exact hits and the misread labels that overlap none of them, in order."""
    if not near:
        return hits
    taken = [(s, e) for s, e, _ in hits]
    extra = [h for h in near if not any(h[0] < e and s < h[1] for s, e in taken)]
    return sorted(hits + extra)


# "计划生育转移支付资金合计(万元) 年度预算资金总额): 1084.25": a unit stated before the label
# in the same line applies to a bare number right after it
BARE_AFTER = regex.compile(
    rf"^[\u4e00-\u9fff]{{0,4}}[)）]?\s*[:：]?\s*(?P<num>{P.NUMBER})(?!\s*[%％个年月日次人万亿元.])"
)


def _bare_after_unit(folded: str, label_start: int, window: str, offset: int):
    line_start = max(folded.rfind("\n", 0, label_start) + 1, label_start - 30)
    unit = table_unit(folded[line_start:label_start])
    if unit is None:
        return None
    m = BARE_AFTER.match(P.fold(window))
    if m is None:
        return None
    num = plain_number(m.group("num"))
    if num is None:
        return None
    raw = window[m.start("num") : m.end("num")]
    yuan = to_yuan(num, unit)
    if yuan is None:
        return None
    return yuan, raw, offset + m.start("num"), offset + m.end("num")


BAND_WORDS = regex.compile(r"[≥≤<>＜＞]|不低于|不高于|低于|高于|达到|满分|为满分")
BAND_AFTER = regex.compile(r"\s*(?:\(含\)|（含）)?\s*(?:以上|以下|及以上|至|[-—~])")


def _value(field: str, kind: str, window: str, offset: int):
    folded = P.fold(window)
    if kind == "money":
        m = next(find_money(window), None)
        if m is None or OTHER_ITEM.search(folded, 0, m.start):
            return None
        return m.yuan, m.raw, offset + m.start, offset + m.end
    if kind == "percent":
        m = P.PERCENT.search(folded)
        if m is None:
            return None
        return plain_number(m.group("num")), window[m.start() : m.end()], offset + m.start(), offset + m.end()
    if kind == "score":
        m = P.SCORE.search(folded)
        if m is None or "%" in folded[m.start() : m.end() + 1]:
            return None
        # "总分≥90分为优", "得分在 90 分以上": a grade band, not the score
        if BAND_WORDS.search(folded[: m.start()]) or BAND_AFTER.match(folded, m.end()):
            return None
        value = plain_number(m.group("num"))
        if value is None or value > Decimal(1000):
            return None
        return value, window[m.start() : m.end()], offset + m.start(), offset + m.end()
    folded = P.SPACES.sub("", folded)  # "自评为优 秀": a line wrap inside the word
    m = P.GRADE.search(folded)
    if m is None or m.start() > 4:
        return None
    return m.group("g"), m.group("g"), offset + m.start(), offset + m.end()
