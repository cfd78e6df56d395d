"""normalize: a `Document` in, `Records` out. Knows budgets, units and labels; knows nothing of files.

    from normalize import records
    recs = records(doc)        # -> Records(report, projects, indicators, amounts, findings, problems)

`records` reads a document in named steps (`normalize.reading`): collect blocks, segment
them into text and forms (自评表), read each part, then the report, its projects, their
indicators, the cross-checks, every amount and the problems. Every field the records hold
is declared once in `normalize.fields`.

Importing this package loads only the records' model and the field declarations: export
reads those in a run's parent, which must not pay for the parsers (jieba, the patterns)
when it has nothing new to read. `records` loads them on its first call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from normalize.model import (
    AmountRow,
    Finding,
    Indicator,
    Problem,
    Project,
    Records,
    Report,
    ReportKind,
    Severity,
)

if TYPE_CHECKING:
    from extract.model import Document

__all__ = [
    "records",
    "Records",
    "Report",
    "Project",
    "Indicator",
    "AmountRow",
    "Finding",
    "Problem",
    "ReportKind",
    "Severity",
]


def records(doc: Document) -> Records:
    """Everything one document states, as records (see `normalize.reading`)."""
    from normalize.reading import records as read

    return read(doc)
