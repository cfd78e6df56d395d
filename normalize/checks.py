"""Cross-checks: does the report agree with itself? Every check returns findings and
never raises (packaging's error collector). Codes are stable; messages are one sentence.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from normalize.model import Fact, Finding, Project, Report, Severity

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
            out.append(Finding(
                "conflicting_values", Severity.WARNING, f.field, _fmt(a.value), _fmt(f.value),
                f"{f.field} 前后表述不一致：先写 {a.raw}（{a.label}），后写 {f.raw}（{f.label}）"))
    return out


def _sum_check(code: str, field: str, total, parts: list, names: str) -> list[Finding]:
    if total is None or any(p is None for p in parts):
        return []
    s = sum(parts, Decimal(0))
    if abs(s - total) > TOLERANCE_YUAN:
        return [Finding(code, Severity.WARNING, field, _fmt(total), _fmt(s),
                        f"{names} 之和 {_fmt(s)} 元与 {field} {_fmt(total)} 元不符")]
    return []


def rate_mismatch(field_prefix: str, budget, spent, rate) -> list[Finding]:
    if budget is None or spent is None or rate is None or budget == 0:
        return []
    computed = (spent / budget * 100).quantize(Decimal("0.01"))
    if abs(computed - rate) > TOLERANCE_PCT:
        return [Finding("rate_mismatch", Severity.WARNING, f"{field_prefix}execution_rate", _fmt(computed), _fmt(rate),
                        f"执行率写作 {_fmt(rate)}%，按执行数/预算数应为 {_fmt(computed)}%")]
    return []


def score_above_max(field: str, score, maximum=MAX_SCORE) -> list[Finding]:
    if score is not None and score > maximum:
        return [Finding("score_above_max", Severity.ERROR, field, _fmt(maximum), _fmt(score),
                        f"{field} 得分 {_fmt(score)} 高于满分 {_fmt(maximum)}")]
    return []


def check(report: Report, projects: Iterable[Project], facts: Iterable[Fact]) -> list[Finding]:
    projects = list(projects)
    out = conflicting_values(facts)
    r = report
    total = r.expenditure
    out += _sum_check("basic_plus_project_eq_total", "expenditure", total,
                      [r.basic_expenditure, r.project_expenditure], "基本支出 + 项目支出")
    out += _sum_check("personnel_plus_public_eq_basic", "basic_expenditure", r.basic_expenditure,
                      [r.personnel_expenditure, r.public_expenditure], "人员经费 + 公用经费")
    budgets = [p.budget_adjusted for p in projects]
    if len(projects) > 1 and r.project_expenditure is not None and all(b is not None for b in budgets):
        out += _sum_check("projects_sum_eq_project_total", "project_expenditure", r.project_expenditure,
                          budgets, "各项目全年预算数")
    out += rate_mismatch("", r.budget_adjusted, r.expenditure, r.execution_rate)
    out += score_above_max("self_score", r.self_score)
    for p in projects:
        out += rate_mismatch(f"project[{p.seq}].", p.budget_adjusted, p.expenditure, p.execution_rate)
        out += score_above_max(f"project[{p.seq}].score", p.score)
    if r.fiscal_year and r.report_date and r.report_date.year < r.fiscal_year:
        out.append(Finding("fiscal_year_after_report_date", Severity.WARNING, "fiscal_year",
                           f"<= {r.report_date.year}", str(r.fiscal_year),
                           f"评价年度 {r.fiscal_year} 晚于报告日期 {r.report_date.isoformat()}"))
    return out
