"""Cross-checks: does the report agree with itself? Every check returns findings and
never raises (packaging's error collector). Codes are stable; messages are one sentence.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from normalize.model import Check, Fact, Finding, Project, Report, Severity

# Money is stated to the cent, often rounded to 0.01万元 (100 yuan): totals may differ by that.
TOLERANCE_YUAN = Decimal("100.00")
TOLERANCE_PCT = Decimal("0.6")  # a rate stated to one or no decimal
MAX_SCORE = Decimal(100)


def _fmt(v) -> str:
    return f"{v:f}" if isinstance(v, Decimal) else str(v)


def conflicting_values(facts: Iterable[Fact]) -> list[Finding]:
    """The same field stated twice with two values (the seed: 基本支出 177.62 and 177.61 万元)."""
    first: dict[str, Fact] = {}
    out, said = [], set()
    for f in facts:
        if f.field not in first:
            first[f.field] = f
            continue
        a = first[f.field]
        if f.value != a.value and (f.field, str(f.value)) not in said:
            said.add((f.field, str(f.value)))
            out.append(
                Finding(
                    Check.CONFLICTING_VALUES,
                    Severity.WARNING,
                    f.field,
                    _fmt(a.value),
                    _fmt(f.value),
                    f"{f.field} 前后表述不一致：先写 {a.raw}（{a.label}），后写 {f.raw}（{f.label}）",
                )
            )
    return out


def _sum_check(code: Check, field: str, total, parts: list, names: str) -> list[Finding]:
    if total is None or any(p is None for p in parts):
        return []
    s = sum(parts, Decimal(0))
    if abs(s - total) > TOLERANCE_YUAN:
        return [
            Finding(
                code,
                Severity.WARNING,
                field,
                _fmt(total),
                _fmt(s),
                f"{names} 之和 {_fmt(s)} 元与 {field} {_fmt(total)} 元不符",
            )
        ]
    return []


def rate_mismatch(field_prefix: str, budget, spent, rate) -> list[Finding]:
    if budget is None or spent is None or rate is None or budget == 0:
        return []
    computed = (spent / budget * 100).quantize(Decimal("0.01"))
    if abs(computed - rate) > TOLERANCE_PCT:
        return [
            Finding(
                Check.RATE_MISMATCH,
                Severity.WARNING,
                f"{field_prefix}execution_rate",
                _fmt(computed),
                _fmt(rate),
                f"执行率写作 {_fmt(rate)}%，按执行数/预算数应为 {_fmt(computed)}%",
            )
        ]
    return []


def score_above_max(field: str, score, maximum=MAX_SCORE) -> list[Finding]:
    if score is not None and score > maximum:
        return [
            Finding(
                Check.SCORE_ABOVE_MAX,
                Severity.ERROR,
                field,
                _fmt(maximum),
                _fmt(score),
                f"{field} 得分 {_fmt(score)} 高于满分 {_fmt(maximum)}",
            )
        ]
    return []


def check(report: Report, projects: Iterable[Project], facts: Iterable[Fact]) -> list[Finding]:
    projects = list(projects)
    out = conflicting_values(facts)
    r = report
    total = r.expenditure
    out += _sum_check(
        Check.BASIC_PLUS_PROJECT_EQ_TOTAL,
        "expenditure",
        total,
        [r.basic_expenditure, r.project_expenditure],
        "基本支出 + 项目支出",
    )
    out += _sum_check(
        Check.PERSONNEL_PLUS_PUBLIC_EQ_BASIC,
        "basic_expenditure",
        r.basic_expenditure,
        [r.personnel_expenditure, r.public_expenditure],
        "人员经费 + 公用经费",
    )
    budgets = [p.budget_adjusted for p in projects]
    if len(projects) > 1 and r.project_expenditure is not None and all(b is not None for b in budgets):
        out += _sum_check(
            Check.PROJECTS_SUM_EQ_PROJECT_TOTAL,
            "project_expenditure",
            r.project_expenditure,
            budgets,
            "各项目全年预算数",
        )
    out += rate_mismatch("", r.budget_adjusted, r.expenditure, r.execution_rate)
    out += score_above_max("self_score", r.self_score)
    for p in projects:
        out += rate_mismatch(f"project[{p.seq}].", p.budget_adjusted, p.expenditure, p.execution_rate)
        out += score_above_max(f"project[{p.seq}].score", p.score)
    if r.fiscal_year and r.report_date and r.report_date.year < r.fiscal_year:
        out.append(
            Finding(
                Check.FISCAL_YEAR_AFTER_REPORT_DATE,
                Severity.WARNING,
                "fiscal_year",
                f"<= {r.report_date.year}",
                str(r.fiscal_year),
                f"评价年度 {r.fiscal_year} 晚于报告日期 {r.report_date.isoformat()}",
            )
        )
    return out


# ---- the standard forms ----------------------------------------------------------

SCORE_TOLERANCE = Decimal("0.1")  # forms round part scores to one decimal


def funds_score(funds, where: str) -> list[Finding]:
    """The funds block's 得分 is 执行率 × 分值 (capped at 分值)."""
    if funds is None or funds.rate is None or funds.weight is None or funds.score is None:
        return []
    expected = min(funds.rate, Decimal(100)) / 100 * funds.weight
    if abs(expected - funds.score) > SCORE_TOLERANCE:
        return [
            Finding(
                Check.FUNDS_SCORE_MISMATCH,
                Severity.WARNING,
                f"{where}funds.score",
                _fmt(expected.quantize(Decimal("0.01"))),
                _fmt(funds.score),
                f"资金执行得分 {_fmt(funds.score)} 与 执行率 {_fmt(funds.rate)}% × 分值 {_fmt(funds.weight)} 不符",
            )
        ]
    return []


def funds_parts(funds, where: str) -> list[Finding]:
    """财政拨款 + 上年结转 + 其他资金 = 年度资金总额, column by column."""
    if funds is None or not funds.parts:
        return []
    out = []
    for field, total in funds.total.items():
        values = [p.get(field) for _, p in funds.parts]
        if all(v is None for v in values):
            continue
        s = sum((v for v in values if v is not None), Decimal(0))
        if abs(s - total) > TOLERANCE_YUAN:
            out.append(
                Finding(
                    Check.FUNDS_PARTS_NE_TOTAL,
                    Severity.WARNING,
                    f"{where}{field}",
                    _fmt(total),
                    _fmt(s),
                    f"{'、'.join(lbl for lbl, _ in funds.parts)} 之和 {_fmt(s)} 元与年度资金总额 {_fmt(total)} 元不符",
                )
            )
    return out


def indicator_scores(indicators, funds, total_score, where: str) -> list[Finding]:
    """Each indicator's 得分 ≤ 分值; Σ indicator 得分 + funds 得分 = 总分."""
    out = []
    for ind in indicators:
        if ind.score is not None and ind.weight is not None and ind.score > ind.weight:
            out.append(
                Finding(
                    Check.INDICATOR_SCORE_ABOVE_WEIGHT,
                    Severity.ERROR,
                    f"{where}indicator.score",
                    _fmt(ind.weight),
                    _fmt(ind.score),
                    f"指标“{ind.level3}”得分 {_fmt(ind.score)} 高于分值 {_fmt(ind.weight)}",
                )
            )
    scores = [i.score for i in indicators]
    if (
        total_score is not None
        and scores
        and all(s is not None for s in scores)
        and funds is not None
        and funds.score is not None
    ):
        s = sum(scores, Decimal(0)) + funds.score
        if abs(s - total_score) > SCORE_TOLERANCE:
            out.append(
                Finding(
                    Check.INDICATOR_SUM_NE_TOTAL,
                    Severity.WARNING,
                    f"{where}self_score",
                    _fmt(total_score),
                    _fmt(s),
                    f"各指标得分与资金执行得分之和 {_fmt(s)} 与总分 {_fmt(total_score)} 不符",
                )
            )
    return out


def bands(text: str) -> list[tuple[Decimal, str]]:
    """The grade bands a document states, as (lowest score, grade), highest first."""
    from normalize import patterns as P

    found: dict[str, Decimal] = {}
    folded = P.fold(text)
    # a band states its grade after 为 or a colon: search only the stretches before those
    # (a band's words before its cue run to some 40 characters; 120 is ample)
    spans: list[tuple[int, int]] = []
    for cue in P.GRADE_CUE.finditer(folded):
        a, b = max(0, cue.start() - 120), cue.end()
        if spans and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    # each band form, and the lowest score of its band: 80分≤总分<90分, 90分以上, 60分以下
    forms = (
        (P.GRADE_RANGE, lambda m: m.group("lo") or m.group("lo2") or "0"),
        (P.GRADE_BAND, lambda m: m.group("lo")),
        (P.GRADE_BELOW, lambda m: "0"),
    )
    for pattern, lowest in forms:
        for a, b in spans:
            for m in pattern.finditer(folded, a, b):
                found.setdefault(m.group("g"), Decimal(lowest(m)))
    return sorted(((lo, g) for g, lo in found.items()), reverse=True) if len(found) >= 2 else []


def grade_matches_score(score, grade: str | None, band_list, where: str) -> list[Finding]:
    if score is None or not grade or not band_list:
        return []
    expected = next((g for lo, g in band_list if score >= lo), None)
    if (
        expected is not None
        and expected != grade
        and not (expected.startswith(grade) or grade.startswith(expected))
    ):
        return [
            Finding(
                Check.GRADE_MISMATCH,
                Severity.WARNING,
                f"{where}grade",
                expected,
                grade,
                f"总分 {_fmt(score)} 按文中等级标准应为“{expected}”，写作“{grade}”",
            )
        ]
    return []


def form_checks(funds, indicators, total_score, grade, band_list, where: str = "") -> list[Finding]:
    return (
        funds_score(funds, where)
        + funds_parts(funds, where)
        + indicator_scores(indicators, funds, total_score, where)
        + grade_matches_score(total_score, grade, band_list, where)
    )
