"""The records normalize produces from one Document: plain frozen values.

`Records` is what export writes; report_id (the file's sha256) is added by the run,
since normalize knows nothing of files. The fields of each record class are declared,
with their kinds, labels and headers, in `normalize.fields`; a test holds the two together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum


class Code(str, Enum):
    """A closed set of words the tables hold: printed and formatted as its word ("ok", not
    "FileStatus.OK"), compared equal to it."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class ReportKind(Code):
    """What a file is (SCHEMA.md): the evaluation of a unit's whole spending, of one project,
    a table of targets set (nothing evaluated), no performance document at all, or else."""

    DEPT_OVERALL = "dept_overall"
    PROJECT = "project"
    TARGET = "target"
    OTHER = "other"
    UNKNOWN = "unknown"


class Section(Code):
    """Where a problem item stands: 存在的问题, or 改进措施 / 下一步打算."""

    PROBLEMS = "problems"
    MEASURES = "measures"


class Check(Code):
    """The cross-checks' stable codes (the `findings.check` column)."""

    CONFLICTING_VALUES = "conflicting_values"
    BASIC_PLUS_PROJECT_EQ_TOTAL = "basic_plus_project_eq_total"
    PERSONNEL_PLUS_PUBLIC_EQ_BASIC = "personnel_plus_public_eq_basic"
    PROJECTS_SUM_EQ_PROJECT_TOTAL = "projects_sum_eq_project_total"
    RATE_MISMATCH = "rate_mismatch"
    SCORE_ABOVE_MAX = "score_above_max"
    FISCAL_YEAR_AFTER_REPORT_DATE = "fiscal_year_after_report_date"
    FUNDS_SCORE_MISMATCH = "funds_score_mismatch"
    FUNDS_PARTS_NE_TOTAL = "funds_parts_ne_total"
    INDICATOR_SCORE_ABOVE_WEIGHT = "indicator_score_above_weight"
    INDICATOR_SUM_NE_TOTAL = "indicator_sum_ne_total"
    GRADE_MISMATCH = "grade_mismatch"


class Severity(Code):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Where:
    """Where a value stands: page (None for Word/text), offsets into that page's text."""

    page: int | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Fact:
    """One statement of a field's value in the document."""

    field: str
    value: object  # Decimal (yuan, percent, score), str, int or date
    raw: str
    label: str
    where: Where
    context: str = ""
    money: bool = False
    of_project: bool = False  # the label follows 项目 ("项目全年预算数58万元"): a project's figure


@dataclass(frozen=True, slots=True)
class Report:
    report_kind: ReportKind = ReportKind.UNKNOWN
    unit_name: str | None = None
    region: str | None = None
    fiscal_year: int | None = None
    report_date: dt.date | None = None
    budget_initial: Decimal | None = None
    budget_adjusted: Decimal | None = None
    expenditure: Decimal | None = None
    execution_rate: Decimal | None = None
    basic_expenditure: Decimal | None = None
    personnel_expenditure: Decimal | None = None
    public_expenditure: Decimal | None = None
    project_expenditure: Decimal | None = None
    self_score: Decimal | None = None
    grade: str | None = None
    project_count: int | None = None
    title: str | None = None
    unit_key: str | None = None  # the unit across years (normalize.keys)


@dataclass(frozen=True, slots=True)
class Project:
    seq: int
    project_name: str
    budget_initial: Decimal | None = None
    budget_adjusted: Decimal | None = None
    expenditure: Decimal | None = None
    execution_rate: Decimal | None = None
    score: Decimal | None = None
    grade: str | None = None
    summary: str | None = None
    page: int | None = None
    project_key: str | None = None  # the project across years, within its unit (normalize.keys)


@dataclass(frozen=True, slots=True)
class Indicator:
    project_name: str | None
    level1: str | None
    level2: str | None
    level3: str | None
    target: str | None = None
    actual: str | None = None
    weight: Decimal | None = None
    score: Decimal | None = None
    deviation_reason: str | None = None
    page: int | None = None
    target_op: str | None = None  # ≥ ≤ > < =, from the target text
    target_value: Decimal | None = None
    target_unit: str | None = None
    actual_op: str | None = None
    actual_value: Decimal | None = None
    actual_unit: str | None = None


@dataclass(frozen=True, slots=True)
class AmountRow:
    field: str | None
    label: str | None
    raw: str
    value: Decimal
    page: int | None
    char_start: int
    char_end: int
    context: str


@dataclass(frozen=True, slots=True)
class Finding:
    check: Check
    severity: Severity
    field: str | None
    expected: str | None
    actual: str | None
    message: str


@dataclass(frozen=True, slots=True)
class Problem:
    """One item of the 存在的问题 or 改进措施 section, with its theme; a form's own problems
    name its project."""

    section: Section
    seq: int
    text: str
    theme: str
    project_name: str | None = None


@dataclass(frozen=True, slots=True)
class Records:
    """Everything read from one document."""

    report: Report
    projects: tuple[Project, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    amounts: tuple[AmountRow, ...] = ()
    findings: tuple[Finding, ...] = field(default=())
    problems: tuple[Problem, ...] = ()
