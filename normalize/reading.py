"""`records(doc)`: a Document read in named steps, each a plain function `Reading -> Reading`.

    collect    the document's headings, paragraphs and tables, in order, with where they stand
    unflatten  forms flattened into lines of text (one row a line, or one cell) rebuilt as tables
    scope      only what speaks for the evaluation: all of a report, a 决算 package's evaluation parts
    segment    each paragraph is report text or a numbered project item; tables into forms
    read       each part's facts: a paragraph's sentences, a form's rows
    report     who reports, on what, for which year, and the report's own figures
    projects   one project per named form and per numbered project item, in document order
    indicators every form's indicator rows, each under its form's project
    findings   the cross-checks, over the report and each form
    amounts    every money amount in the text, tied to the field it fed
    problems   the 存在的问题 / 改进措施 items, the report's and each form's

The first statement of a field is its value; a later, different one is a finding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from typing import Any, cast

from extract.model import BlockKind, Document
from normalize import checks, identity
from normalize import fields as F
from normalize import keys as linking
from normalize import patterns as P
from normalize import projects as proj
from normalize import scope as scoping
from normalize.amounts import find_money, parse_money
from normalize.facts import scan
from normalize.fields import PROJECTS, REPORTS, Kind
from normalize.flat import rebuild
from normalize.forms import segment_forms
from normalize.model import AmountRow, Fact, Finding, Indicator, Project, Records, Report, ReportKind, Where
from normalize.parts import Form, Listed, Reading, Row, Table, Text
from normalize.problems import problems as text_problems
from normalize.tables import read_form

# the report's figures a form or a sentence states, and the project's
REPORT_MONEY = tuple(f.name for f in REPORTS if f.kind is Kind.MONEY)
FIGURES = tuple(f.name for f in PROJECTS if f.kind in (Kind.MONEY, Kind.RATE))


def records(doc: Document) -> Records:
    """Everything one document states, as records."""
    P.new_document()
    r = collect(doc)
    for step in STEPS:
        r = step(r)
    return Records(r.report, r.projects, r.indicators, r.amounts, r.findings, r.problems)


def collect(doc: Document) -> Reading:
    """The document's paragraphs and tables in order, each table with its rows' spans and caption."""
    blocks: list[Text | Table] = []
    for page in doc.pages:
        caption = ""
        for b in page.blocks:
            if b.kind is BlockKind.TABLE:
                blocks.append(
                    Table(
                        _rows(b.rows, page.number, b.start, b.text),
                        page.number,
                        len(blocks),
                        caption,
                        b.continued,
                    )
                )
                caption = ""
            else:
                blocks.append(
                    Text(b.text, page.number, b.start, (len(blocks), 0), b.kind is BlockKind.HEADING)
                )
                caption = b.text
    return Reading(doc, title=identity.title(doc), blocks=tuple(blocks))


def _rows(cells: tuple[tuple[str, ...], ...], page: int | None, base: int, text: str) -> tuple[Row, ...]:
    """A table's rows with where each stands in the page text: one `|` line a row."""
    out, start = [], base
    lines = text.split("\n")
    for r, row in enumerate(cells):
        line = lines[r] if r < len(lines) else ""
        out.append(Row(tuple(row), Where(page, start, start + len(line))))
        start += len(line) + 1 if r < len(lines) else 0
    return tuple(out)


def unflatten(r: Reading) -> Reading:
    """Forms flattened into lines of text rebuilt into tables (`normalize.flat`)."""
    return replace(r, blocks=rebuild(r.blocks))


def scope(r: Reading) -> Reading:
    """Only the blocks that speak for the evaluation: all of a report, a package's evaluation parts."""
    s = scoping.scope(r.blocks)
    blocks = tuple(b for b, keep in zip(r.blocks, s.inside) if keep)
    texts = [scoping.label_of(b.text) for b in blocks if isinstance(b, Text)]
    evidence = (
        *s.headings,
        *scoping.table_titles(blocks),
        *(t for t in texts if len(t) <= scoping.COVER_MAX),
    )
    return replace(r, blocks=blocks, package=s.package, performance=s.performance, evidence=evidence)


def segment(r: Reading) -> Reading:
    """Each paragraph marked a numbered project item or left report text; the tables cut into forms."""
    text = tuple(_segment_text(t) for t in r.blocks if isinstance(t, Text))
    blocks = {t.order: t for t in text}
    ordered = tuple(blocks[b.order] if isinstance(b, Text) else b for b in r.blocks)
    forms = tuple(
        replace(f, name=None) if f.name and proj.WHOLE_BUDGET.search(proj.QUOTES.sub("", f.name)) else f
        for f in segment_forms(ordered)
    )  # the unit's own form (部门预算整体支出项目)
    return replace(r, blocks=ordered, text=text, forms=forms)


def _segment_text(t: Text) -> Text:
    """A paragraph marked as a project item, or with the projects it lists."""
    item = proj.item(t.text, t.page, t.start)
    if item is not None:
        return replace(t, item=item)
    listed = []
    for k, n in enumerate(proj.listed_in(t.text)):
        value = parse_money(n.money)
        if value is None:
            return t
        where = Where(t.page, t.start + n.start, t.start + n.end)
        fact = Fact(F.BUDGET_ADJUSTED.name, value, n.money, "其中", where, t.text, True)
        listed.append(Listed(n.name, (fact,), t.page, (t.order[0], k)))
    return replace(t, listed=tuple(listed))


def read(r: Reading) -> Reading:
    """Each paragraph's sentences and each form's rows read to facts."""
    text = tuple(replace(t, facts=tuple(scan(t.text, t.page, t.start))) for t in r.text)
    forms, state = [], None
    for f in r.forms:
        got, state = read_form(f, state)
        forms.append(got)
    return replace(r, text=text, forms=tuple(forms))


def _named(r: Reading) -> list[Form]:
    return [f for f in r.forms if f.name]


def _own_forms(r: Reading, kind: ReportKind) -> list[Form]:
    """The report's own forms: those with no 项目名称, and a project report's one project form."""
    named = _named(r)
    own = [f for f in r.forms if not f.name]
    return own + named if kind is ReportKind.PROJECT and len(named) == 1 else own


def _items(r: Reading) -> list[Text]:
    return [t for t in r.text if t.item is not None]


def report(r: Reading) -> Reading:
    """The report's kind, unit, year and date, and its figures: the first each own part states."""
    stated = _project_count("\n".join(t.text for t in r.text if t.item is None))
    kind = _kind(r, stated)
    if kind is ReportKind.OTHER:  # no performance document: nothing of it is an evaluation figure
        return replace(r, kind=kind, report=Report(report_kind=kind, title=r.title))
    own = _own_forms(r, kind)
    # the report's text and its own tables in document order; a project report states its
    # figures in its project's form first (the standard's place for them), then in its text
    facts = [x for f in own if f.name for x in f.facts] + _in_order(r, [f for f in own if not f.name])
    # a department's figures are its own: "项目全年预算数58万元" is a project's, wherever it stands
    # (an item whose title was not read as one leaves its sentences in the report's text)
    mine = [x for x in facts if not x.of_project] if kind is ReportKind.DEPT_OVERALL else facts
    keys: dict[str, str] = {}
    for f in own:
        for k, v in f.keys.items():
            keys.setdefault(k, v)
    unit = _unit(r, kind, keys)
    report = Report(
        report_kind=kind,
        unit_name=unit,
        region=identity.region(unit),
        fiscal_year=identity.fiscal_year(r.title, r.doc.text),
        report_date=identity.report_date(r.doc),
        **{name: _first(mine, name) for name in REPORT_MONEY},
        execution_rate=_first(mine, "execution_rate"),
        self_score=_first(mine, "self_score"),
        grade=_first(mine, "grade") or keys.get("grade"),
        project_count=stated,
        title=r.title,
        unit_key=linking.unit_key(unit),
    )
    return replace(r, kind=kind, report_facts=tuple(facts), report=report)


def _kind(r: Reading, stated: int | None) -> ReportKind:
    """What the file is: no performance document; a table of targets only; the evaluation of
    a unit's whole spending or of one project (a package says so in its evaluation parts)."""
    if not r.performance:
        return ReportKind.OTHER
    n = len(_named(r)) + len(_items(r))
    indicators = [i for f in r.forms for i in f.indicators]
    if (
        indicators
        and all(i.actual is None and i.score is None for i in indicators)
        and any(scoping.TARGET_TITLE.search(e) for e in r.evidence)
    ):
        return ReportKind.TARGET
    if r.package:
        said = " ".join(r.evidence) + " ".join(t.text for t in r.text)
        if scoping.DEPT_EVALUATION.search(scoping.label_of(said)):
            return ReportKind.DEPT_OVERALL
        return ReportKind.PROJECT if n == 1 and not r.forms[1:] else ReportKind.UNKNOWN
    return identity.report_kind(r.title, r.doc.text, n, stated)


def _in_order(r: Reading, forms: list[Form]) -> list[Fact]:
    """The facts of the report's text and of these forms, in document order."""
    parts: list[tuple[tuple[int, int], tuple[Fact, ...]]] = [
        (t.order, t.facts) for t in r.text if t.item is None
    ]
    parts += [(f.order, f.facts) for f in forms]
    return [fact for _, facts in sorted(parts, key=lambda p: p[0]) for fact in facts]


def _unit(r: Reading, kind: ReportKind, keys: dict[str, str]) -> str | None:
    """The reporting unit: a department report names itself in its text; a form names its
    实施单位, else its 主管部门 (LABELING.md); project forms name the unit that fills them."""
    own = identity.clean_unit(keys.get("unit_name")), identity.clean_unit(keys.get("department"))
    if kind is ReportKind.DEPT_OVERALL:
        unit = identity.unit_from_text(r.doc, r.title) or own[0] or own[1]
    else:
        unit = own[0] or identity.unit_from_text(r.doc, r.title) or own[1]
    if unit is None:
        named = [identity.clean_unit(f.keys.get("unit_name") or f.keys.get("department")) for f in _named(r)]
        common = Counter(n for n in named if n).most_common(1)
        unit = common[0][0] if common else None
    return unit


def projects(r: Reading) -> Reading:
    """One project per named form and per numbered project paragraph, in document order."""
    if r.kind is ReportKind.OTHER:
        return r
    listed = [x for f in r.forms if not f.name for x in f.listed]
    if r.kind is not ReportKind.PROJECT:  # a project report's own project has parts, not projects
        listed += [x for t in r.text for x in t.listed]
    sources: list[Form | Text | Listed] = sorted([*_named(r), *_items(r), *listed], key=lambda s: s.order)
    told = _told_twice(sources)
    twice = {id(t) for t in told.values()}
    sources = [s for s in sources if id(s) not in twice]
    out: list[Project] = []
    for s in sources:
        also = told.get(id(s))  # the paragraph that reports on this form's project too
        facts = [*s.facts, *(also.facts if also is not None else ())]
        figures = {f: _first(facts, f) for f in FIGURES}
        if isinstance(s, Form):
            name = identity.clean_unit(s.name) or s.name or ""
            out.append(
                Project(
                    len(out) + 1,
                    name,
                    **figures,
                    score=_first(facts, "self_score"),
                    grade=s.keys.get("grade"),
                    page=s.page,
                )
            )
        elif isinstance(s, Listed):
            out.append(Project(len(out) + 1, s.name, **figures, page=s.page))
        elif s.item is not None:
            out.append(
                Project(
                    len(out) + 1,
                    s.item.name,
                    **figures,
                    score=_first(s.facts, "self_score"),
                    grade=_first(s.facts, "grade"),
                    summary=proj.summary(s.item.text),
                    page=s.item.page,
                )
            )
    rep = r.report
    if r.kind is ReportKind.PROJECT:
        if not out:
            titled = proj.title_project(_with_subtitle(r))
            used_for = proj.used_for_project(r.doc.text)
            if titled and used_for and not proj.FUNDS_NAME.search(titled):
                used_for = None  # the title names the project; the funds' use is a part of it
            found = proj.named_project(r.doc.text) or used_for or titled or proj.body_project(r.doc.text)
            if found:
                out.append(Project(1, found, page=r.doc.pages[0].number))
        if len(out) == 1:  # the report is about this project: what the report states is its
            p = out[0]
            out[0] = replace(
                p,
                **{f: getattr(rep, f) if getattr(p, f) is None else getattr(p, f) for f in FIGURES},
                score=p.score if p.score is not None else rep.self_score,
            )
    out = [replace(p, project_key=linking.project_key(rep.unit_name, p.project_name)) for p in out]
    return replace(r, projects=tuple(out), sources=tuple(sources))


def _told_twice(sources: list[Form | Text | Listed]) -> dict[int, Text]:
    """A form's project that a paragraph also reports on, by name (a 决算 package's text lists
    “乡镇基本财力保障”项目 with its figures, then its form names 乡镇财力保障): form id -> paragraph."""
    items = [s for s in sources if isinstance(s, Text) and s.item is not None]
    out: dict[int, Text] = {}
    for f in sources:
        if isinstance(f, Form) and f.name:
            match = next((t for t in items if t.item and proj.same_project(f.name, t.item.name)), None)
            if match is not None:
                out[id(f)] = match
                items.remove(match)
    return out


def indicators(r: Reading) -> Reading:
    """Every form's indicator rows, a project form's under its project's name."""
    if r.kind is ReportKind.OTHER:
        return r
    names = _project_names(r)
    out: list[Indicator] = []
    for f in r.forms:
        out.extend(replace(i, project_name=names.get(f.order, i.project_name)) for i in f.indicators)
    return replace(r, indicators=tuple(out))


def findings(r: Reading) -> Reading:
    """The cross-checks: the report against itself, and each form against its own figures."""
    if r.kind is ReportKind.OTHER:
        return r
    rep = r.report
    out: list[Finding] = checks.check(rep, r.projects, r.report_facts)
    bands = checks.bands(r.doc.text)
    own = [f for f in r.forms if not f.name]
    for f in own:
        out += checks.form_checks(f.funds, f.indicators, f.total_score, rep.grade, bands)
    if all(f.total_score is None for f in own) and not _named(r):
        out += checks.grade_matches_score(rep.self_score, rep.grade, bands, "")  # a narrative report
    for p, s in zip(r.projects, r.sources):
        if isinstance(s, Form):
            out += checks.form_checks(
                s.funds, s.indicators, s.total_score, s.keys.get("grade"), bands, f"project[{p.seq}]."
            )
    return replace(r, findings=tuple(out))


def amounts(r: Reading) -> Reading:
    """Every money amount of the evaluation's text, each tied to the field it fed where it fed one."""
    if r.kind is ReportKind.OTHER:
        return r
    facts = [f for t in r.text for f in t.facts] + [f for form in r.forms for f in form.facts]
    fed = {(f.where.page, f.where.start): f for f in facts if f.money}
    texts = {p.number: p.text for p in r.doc.pages}
    rows: list[AmountRow] = []
    seen = set()
    for page, a, b in _spans(r):
        text = texts[page]
        for m in find_money(text[a:b]):
            start, end = a + m.start, a + m.end
            f = fed.get((page, start))
            seen.add((page, start))
            ctx = text[max(0, start - 30) : end + 30].replace("\n", " ")
            rows.append(
                AmountRow(
                    f.field if f else None, f.label if f else None, m.raw, m.yuan, page, start, end, ctx
                )
            )
    # amounts read from table cells under a unit header (41.28 under 单位：万元)
    for (pg, start), f in fed.items():
        if (pg, start) not in seen:
            yuan = cast(Decimal, f.value)  # a money fact's value is yuan
            rows.append(AmountRow(f.field, f.label, f.raw, yuan, pg, f.where.start, f.where.end, f.context))
    return replace(r, amounts=tuple(rows))


def _spans(r: Reading) -> list[tuple[int | None, int, int]]:
    """(page, start, end) of each block in scope, runs of neighbours joined."""
    out: list[tuple[int | None, int, int]] = []
    for b in r.blocks:
        page, a, e = (
            (b.page, b.start, b.start + len(b.text))
            if isinstance(b, Text)
            else (b.page, b.rows[0].where.start, b.rows[-1].where.end)
            if b.rows
            else (b.page, 0, 0)
        )
        if out and out[-1][0] == page and out[-1][2] + 1 >= a:
            out[-1] = (page, out[-1][1], max(e, out[-1][2]))
        else:
            out.append((page, a, e))
    return out


def problems(r: Reading) -> Reading:
    """The 存在的问题 / 改进措施 items of the report's text, then each project form's own."""
    if r.kind is ReportKind.OTHER:
        return r
    inside = {(t.page, t.start) for t in r.blocks if isinstance(t, Text)}
    out = list(text_problems(b for pg in r.doc.pages for b in pg.blocks if (pg.number, b.start) in inside))
    names = _project_names(r)
    for f in r.forms:
        out += [replace(x, project_name=names.get(f.order)) for x in f.problems]
    return replace(r, problems=tuple(out))


def _project_names(r: Reading) -> dict[tuple[int, int], str]:
    """A project form's place -> its project's name."""
    return {s.order: p.project_name for p, s in zip(r.projects, r.sources) if isinstance(s, Form)}


STEPS = (unflatten, scope, segment, read, report, projects, indicators, findings, amounts, problems)


def _first(facts: Iterable[Fact], name: str) -> Any:
    return next((f.value for f in facts if f.field == name), None)


def _with_subtitle(r: Reading) -> str | None:
    """The title with a bracketed subtitle line under it: '…自评报告' + '(林业专项行动经费项目)'."""
    title = r.title
    blocks = [b for p in r.doc.pages for b in p.blocks][:6]
    for a, b in zip(blocks, blocks[1:]):
        if (
            title
            and a.text.strip("# ") == title
            and P.fold(b.text).strip().startswith("(")
            and P.fold(b.text).strip().endswith(")")
            and len(b.text) <= 50
        ):
            return title + b.text.strip()
    return title


def _project_count(text: str) -> int | None:
    m = P.PROJECT_COUNT.search(P.fold(text))
    return int(m.group("n")) if m else None


__all__ = [
    "records",
    "collect",
    "segment",
    "read",
    "report",
    "projects",
    "indicators",
    "findings",
    "amounts",
    "problems",
    "STEPS",
]
