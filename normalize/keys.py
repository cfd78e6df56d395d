"""Stable keys that link years: the same unit and the same project across fiscal years.

`unit_key`: a unit's name normalised — width, spaces, brackets, the 中共 / 人民政府
variants — and mapped through an editable alias table for renamed units
(normalize/data/unit_aliases.csv, or the file named by JIXIAO_UNIT_ALIASES).

`project_key`: a project's name within its unit, tolerant of year prefixes and small
wording changes: the name's jieba tokens, less years, places and generic words
(项目, 经费, 资金, 费), in a fixed order.
"""

from __future__ import annotations

import os
import unicodedata
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import regex

from normalize import patterns as P
from normalize.segment import words

YEARS = regex.compile(r"(?:19|20)\d{2}\s*(?:年度|年)?|第[一二三四五六七八九十\d]+[批期]")
PUNCT = regex.compile(r"[\s\p{P}\p{S}]+")
# generic words that carry no identity: "X项目" and "X经费" are the same project
GENERIC = frozenset(
    {
        "项目",
        "经费",
        "资金",
        "费",
        "专项",
        "专项资金",
        "工作",
        "年度",
        "费用",
        "补助",
        "补助资金",
        "的",
        "和",
        "及",
        "与",
    }
)
PARTY = regex.compile(r"^中共|^中国共产党")  # 中共X县委 and X县委 are one unit
SEAL = regex.compile(r"[(（](?:盖章|公章)[)）]")  # “(盖章)” after a name on a form
PLACE_END = ("省", "市", "州", "县", "区", "旗", "盟")


def fold(name: str) -> str:
    s = unicodedata.normalize("NFKC", name or "")
    s = s.replace("（", "(").replace("）", ")")
    return P.SPACES.sub("", s)


def _unit_form(name: str) -> str:
    s = fold(name)
    s = PARTY.sub("", s)
    s = s.replace("人民政府", "政府")
    s = SEAL.sub("", s)
    return PUNCT.sub("", s)


@lru_cache(maxsize=4)
def _aliases(path: str | None) -> dict[str, str]:
    text = (
        Path(path).read_text(encoding="utf-8")
        if path
        else (files("normalize") / "data" / "unit_aliases.csv").read_text(encoding="utf-8")
    )
    table = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "," not in line:
            continue
        old, new = (x.strip() for x in line.split(",", 1))
        table[_unit_form(old)] = _unit_form(new)
    return table


def unit_key(name: str | None) -> str | None:
    """'中共龙山县委 宣传部' and '龙山县委宣传部' -> one key; a renamed unit -> its new name's key."""
    if not name:
        return None
    form = _unit_form(name)
    if not form:
        return None
    aliases = _aliases(os.environ.get("JIXIAO_UNIT_ALIASES"))
    seen = set()
    while form in aliases and form not in seen:  # follow a chain of renames
        seen.add(form)
        form = aliases[form]
    return form


def project_key(unit: str | None, name: str | None) -> str | None:
    """'2022年乡镇视频会议系统租赁项目' and '乡镇视频会议系统租赁费项目' of one unit -> one key."""
    if not name:
        return None
    s = YEARS.sub("", fold(name))
    s = PUNCT.sub("", s)
    tokens: list[str] = []
    for w in words(s):
        w = w.strip()
        if not w or w in GENERIC:
            continue
        if w.endswith(PLACE_END) and len(w) <= 4 and not tokens:
            continue  # a leading place name: 龙山县, 红河州
        if len(w) > 1 and w.endswith("费"):
            w = w[:-1]  # 租赁费 ~ 租赁
        tokens.append(w)
    core = "".join(sorted(dict.fromkeys(tokens))) or s
    return f"{unit_key(unit) or ''}/{core}"
