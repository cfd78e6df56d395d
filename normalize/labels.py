"""The label lookup of the sentence scanner, made from the field declarations (`fields`).

Every word that names a field in running text is declared with its field in
`normalize/fields.py`; here they become one lookup and one pattern. Longer labels win
over shorter ones where they overlap (年初预算批复数 over 预算数), so order within a
declaration does not matter. The pattern reads a label damaged as `normalize.tolerance`
says (look-alike and traditional characters, a space or line break inside).
"""

from __future__ import annotations

from functools import cache

import regex

from normalize.fields import REPORTS, Field, Kind
from normalize.tolerance import CONTRAST, NearLabels, label_pattern_source

# the report fields a sentence states, in declaration order
STATED: tuple[Field, ...] = tuple(f for f in REPORTS if f.labels)

# field -> the words that name it in running text
LABELS: dict[str, tuple[str, ...]] = {f.name: f.labels for f in STATED}

# label -> its field; a word declared for two fields would be ambiguous (a test forbids it)
LABEL_FIELD: dict[str, str] = {label: f.name for f in STATED for label in f.labels}

# field -> how its value is written after the label: money, a percentage, a score or a grade word
READS = {Kind.MONEY: "money", Kind.RATE: "percent", Kind.SCORE: "score", Kind.GRADE: "grade"}
VALUE_KIND: dict[str, str] = {f.name: READS[f.kind] for f in STATED}


@cache
def label_pattern() -> regex.Pattern:
    """Every label of every field as one alternation, longest first, so the longest label wins;
    a label may hold one space or line break between two characters (全年执行 数). Search it
    in the label view of a text (`normalize.tolerance`), and name the field of a hit by
    `field_of`."""
    return regex.compile(label_pattern_source(LABEL_FIELD))


def field_of(hit: str) -> str:
    """The field a label found by `label_pattern` names: '全年执行\n数' -> expenditure."""
    return LABEL_FIELD[regex.sub(r"\s", "", hit)]


@cache
def near_labels() -> NearLabels:
    """Labels with one character misread in running text (年初预箅数 is found exactly; 全年执衍数
    through this): every label of four characters or more, against every word of the domain."""
    from normalize.tables import DOMAIN  # the forms' words too: 预算执行敉 could be 执行率 as well

    return NearLabels(LABEL_FIELD, DOMAIN, CONTRAST)
