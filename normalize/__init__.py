"""normalize: a `Document` in, `Records` out. Knows budgets, units and labels; knows nothing of files.

    from normalize import records
    recs = records(doc)        # -> Records(report, projects, indicators, amounts, findings)

The flow, in document order: each paragraph is either a numbered project item or
report text; each table is read for its form (funds block, 总分, key cells, indicators).
The first statement of a field is its value; a later, different one is a finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from extract.model import BlockKind, Document
from normalize import checks, identity
from normalize import keys as linking
from normalize import patterns as P
from normalize import projects as proj
from normalize.amounts import find_money
from normalize.checks import check
from normalize.facts import scan
from normalize.model import (
    AmountRow,
    Fact,
    Finding,
    Indicator,
    ProblemRow,
    Project,
    Records,
    Report,
    ReportKind,
    Severity,
)
from normalize.problems import problems as find_problems
from normalize.tables import read_table, squash

__all__ = ["records", "Records", "Report", "Project", "Indicator", "AmountRow", "Finding", "Severity"]

REPORT_MONEY = ("budget_initial", "budget_adjusted", "expenditure", "basic_expenditure",
                "personnel_expenditure", "public_expenditure", "project_expenditure")
PROJECT_FIELDS = ("budget_initial", "budget_adjusted", "expenditure", "execution_rate")


@dataclass
class _Form:
    """One filled-in 自评表 (a table naming 项目名称), with what its tables state."""

    name: str
    page: int | None
    keys: dict = field(default_factory=dict)
    facts: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    funds: object | None = None
    total_score: object | None = None


def _first(facts: list[Fact], name: str):
    return next((f.value for f in facts if f.field == name), None)


def records(doc: Document) -> Records:
    P.new_document()
    title = identity.title(doc)
    report_facts: list[Fact] = []
    items: list[tuple[proj.Item, list[Fact]]] = []
    forms: list[_Form] = []
    keys: dict[str, str] = {}
    loose = _Form("", None)  # tables that belong to no named project: the report's own form
    count_text: list[str] = []

    state = None
    for page in doc.pages:
        caption = ""
        for b in page.blocks:
            if b.kind is BlockKind.TABLE:
                tf = read_table(b.rows, b.text, page.number, b.start, caption, state if b.continued else None)
                state = tf.state
                name = tf.keys.get("project_name")
                # a new form starts at each 项目名称, unless it repeats the one we are in
                if name and not (forms and squash(forms[-1].name) == squash(name)):
                    forms.append(_Form(name, page.number))
                target = forms[-1] if forms else None
                for k, v in tf.keys.items():
                    (target.keys if target else keys).setdefault(k, v)
                holder = target if target is not None else loose
                (holder.facts if target is not None else report_facts).extend(tf.facts)
                holder.indicators.extend(tf.indicators)
                holder.funds = holder.funds or tf.funds
                holder.total_score = holder.total_score if holder.total_score is not None else tf.total_score
                caption = ""
                continue
            it = proj.item(b.text, page.number, b.start)
            if it is not None:
                items.append((it, scan(b.text, page.number, b.start)))
            else:
                report_facts.extend(scan(b.text, page.number, b.start))
                count_text.append(b.text)
            caption = b.text

    stated_count = _project_count("\n".join(count_text))
    n_projects = len(forms) + len(items)
    kind = identity.report_kind(title, doc.text, n_projects, stated_count)
    if len(forms) == 1:
        # a single form is the report's own figures; a department report that closes with
        # one project's form states its own figures first, in its text
        report_facts = report_facts + forms[0].facts if kind is ReportKind.DEPT_OVERALL \
            else forms[0].facts + report_facts

    # the report's own key cells: its loose tables', and a single form's (not one of many)
    own = {**(forms[0].keys if len(forms) == 1 else {}), **keys}
    unit_keys = identity.clean_unit(own.get("implementer")), identity.clean_unit(own.get("department"))
    if kind is ReportKind.DEPT_OVERALL:
        # a department report followed by project forms: the unit is the report's, not a project's implementer
        unit = identity.unit_from_text(doc, title) or unit_keys[0] or unit_keys[1]
    else:
        unit = unit_keys[0] or identity.unit_from_text(doc, title) or unit_keys[1]
    if unit is None and forms:
        unit = identity.clean_unit(forms[0].keys.get("implementer") or forms[0].keys.get("department"))
    grade = _first(report_facts, "grade") or own.get("grade")
    report = Report(
        report_kind=kind, unit_name=unit, region=identity.region(unit),
        fiscal_year=identity.fiscal_year(title, doc.text), report_date=identity.report_date(doc),
        **{f: _first(report_facts, f) for f in REPORT_MONEY},
        execution_rate=_first(report_facts, "execution_rate"),
        self_score=_first(report_facts, "self_score"),
        grade=grade, project_count=stated_count, title=title,
    )

    projects: list[Project] = []
    for form in forms:
        projects.append(Project(len(projects) + 1, identity.clean_unit(form.name) or form.name,
                                *(_first(form.facts, f) for f in PROJECT_FIELDS),
                                score=_first(form.facts, "self_score"), grade=form.keys.get("grade"),
                                page=form.page))
    for it, facts in items:
        projects.append(Project(len(projects) + 1, it.name, *(_first(facts, f) for f in PROJECT_FIELDS),
                                score=_first(facts, "self_score"), grade=_first(facts, "grade"),
                                summary=proj.summary(it.text), page=it.page))
    if kind is ReportKind.PROJECT:
        if not projects:
            name = (proj.named_project(doc.text) or proj.title_project(_with_subtitle(doc, title), unit)
                    or proj.body_project(doc.text))
            if name:
                projects.append(Project(1, name, page=doc.pages[0].number))
        if len(projects) == 1:
            p = projects[0]
            projects[0] = replace(p, **{f: getattr(p, f) if getattr(p, f) is not None else getattr(report, f)
                                       for f in PROJECT_FIELDS},
                                  score=p.score if p.score is not None else report.self_score)

    indicators = list(loose.indicators)
    for form in forms:
        indicators.extend(replace(i, project_name=form.name) for i in form.indicators)

    all_facts = report_facts + [f for _, fs in items for f in fs] + [f for fm in forms[1:] for f in fm.facts]
    findings: list[Finding] = check(report, projects, report_facts)
    band_list = checks.bands(doc.text)
    findings += checks.form_checks(loose.funds, loose.indicators, loose.total_score, report.grade, band_list)
    if loose.total_score is None and not forms:  # a narrative report: its stated score against its stated grade
        findings += checks.grade_matches_score(report.self_score, report.grade, band_list, "")
    for i, form in enumerate(forms, start=1):
        findings += checks.form_checks(form.funds, form.indicators, form.total_score, form.keys.get("grade"),
                                       band_list, f"project[{i}].")
    report = replace(report, unit_key=linking.unit_key(report.unit_name))
    projects = [replace(p, project_key=linking.project_key(report.unit_name, p.project_name)) for p in projects]
    items = tuple(ProblemRow(x.section, x.seq, x.text, x.theme)
                  for x in find_problems(b for pg in doc.pages for b in pg.blocks))
    return Records(report, tuple(projects), tuple(indicators), _amounts(doc, all_facts), tuple(findings), items)


def _with_subtitle(doc: Document, title: str | None) -> str | None:
    """The title with a bracketed subtitle line under it: '…自评报告' + '(林业专项行动经费项目)'."""
    blocks = [b for p in doc.pages for b in p.blocks][:6]
    for a, b in zip(blocks, blocks[1:]):
        if title and a.text.strip("# ") == title and P.fold(b.text).strip().startswith("(") \
                and P.fold(b.text).strip().endswith(")") and len(b.text) <= 50:
            return title + b.text.strip()
    return title


def _project_count(text: str) -> int | None:
    m = P.PROJECT_COUNT.search(P.fold(text))
    return int(m.group("n")) if m else None


def _amounts(doc: Document, facts: list[Fact]) -> tuple[AmountRow, ...]:
    """Every money amount in the text, each tied to the field it fed where it fed one."""
    fed = {(f.where.page, f.where.start): f for f in facts if f.money}
    rows: list[AmountRow] = []
    seen = set()
    for page in doc.pages:
        for m in find_money(page.text):
            f = fed.get((page.number, m.start))
            seen.add((page.number, m.start))
            ctx = page.text[max(0, m.start - 30): m.end + 30].replace("\n", " ")
            rows.append(AmountRow(f.field if f else None, f.label if f else None, m.raw, m.yuan,
                                  page.number, m.start, m.end, ctx))
    # amounts read from table cells under a unit header (41.28 under 单位：万元)
    for (pg, start), f in fed.items():
        if (pg, start) not in seen:
            rows.append(AmountRow(f.field, f.label, f.raw, f.value, pg, f.where.start, f.where.end, f.context))
    return tuple(rows)
