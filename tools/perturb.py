"""Build a perturbation corpus: the development reports rewritten the ways real reports vary.

    python tools/perturb.py --corpus ../shared/corpus --out /tmp/perturb [--only 000,014]
        [--variants syn,ocr,...] [--no-pdf] [--seed 1]
    python tools/perturb.py --out /tmp/perturb --score /tmp/perturb-out    # F1 per variant

Every variant is a named, seeded transformation of a report's source.txt that a careful
reader reads the same way: labels written with another synonym, damaged by OCR, split over
two lines, in full-width digits and traditional characters; tables with their columns in
another order, a two-row header, forms stacked in one table, budget codes before project
names, tables flattened to lines; a unit that names itself only in the signature. The gold
record is carried over unchanged, except where a variant deliberately writes something new
(the signature's date). `orig` is the report itself through the same renderer, the control
the other variants are measured against.

Output, laid out so that ../shared/eval/score.py scores it unchanged:

    OUT/NNN-V/source.txt      the perturbed text (a line break inside a cell is CELL_BREAK)
    OUT/NNN-V/gold.json       the gold, "id" set to NNN-V
    OUT/rendered/NNN-V.docx   Word: headings, paragraphs, real tables (python-docx)
    OUT/rendered/NNN-V.pdf    the .docx exported by LibreOffice, in batches
    OUT/manifest.json         each variant made, what it changed; each one skipped, and why

With --score DATASET (what `jixiao ingest OUT/rendered --out DATASET` wrote) it builds nothing
and prints score.py's F1 per variant and format, beside `orig` on the same reports.

The label words come from normalize/fields.py, read as text (never imported: this tool must
not depend on the code it measures, and fields.py changes under it).
"""

from __future__ import annotations

import argparse
import ast
import copy
import dataclasses
import io
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIELDS_PY = ROOT / "normalize" / "fields.py"

CELL_BREAK = "<br>"  # a line break inside a table cell, in source.txt; a real break in the .docx

# ---- the words of the domain ----------------------------------------------------------

# The fields whose labels the variants touch, by their name in fields.py, and where their gold
# values sit: (report keys, project keys, indicator keys).
GOLD_OF: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "BUDGET_INITIAL": (("budget_initial",), ("budget_initial",), ()),
    "BUDGET_ADJUSTED": (("budget_adjusted",), ("budget_adjusted",), ()),
    "EXPENDITURE": (("expenditure",), ("expenditure",), ()),
    "EXECUTION_RATE": (("execution_rate",), ("execution_rate",), ()),
    "SELF_SCORE": (("self_score",), ("score",), ()),
    "WEIGHT": ((), (), ("weight",)),
    "INDICATOR_SCORE": ((), (), ("score",)),
    "TARGET": ((), (), ("target",)),
    "ACTUAL": ((), (), ("actual",)),
}
TEXT_VALUED = {"TARGET", "ACTUAL"}  # their gold is text (≥266米), compared as written
KEY = "KEY"  # the pseudo-field of a form's key cells: | 项目名称 | X |, | 实施单位 | Y |
KEY_FIELDS = ("PROJECT_NAME", "UNIT_NAME")  # fields.py fields whose `cells` are key cells
EXTRA_KEY_CELLS = ("主管部门",)  # the unit's fallback key cell in the standard forms (LABELING.md)
# The columns a form may lay out in any order (its row-label and level columns stay put)
MOVABLE_FIELDS = ("BUDGET_INITIAL", "BUDGET_ADJUSTED", "EXPENDITURE", "EXECUTION_RATE", "WEIGHT")
MOVABLE_FIELDS += ("INDICATOR_SCORE", "TARGET", "ACTUAL", "DEVIATION_REASON")
HEADER_FIELDS = MOVABLE_FIELDS + ("LEVEL1", "LEVEL2", "LEVEL3")  # words that make a row a header
MONEY_FIELDS = ("BUDGET_INITIAL", "BUDGET_ADJUSTED", "EXPENDITURE", "EXECUTION_RATE")
SPLIT_TARGET_HEADS = ("指标性质", "度量单位")  # ≥ | 1 | 次: the target's three cells move together

# Never swapped in or out: they name the field only where the text states no rival figure.
NEVER_SWAP = {
    # a single budget figure (LABELING.md: 项目预算资金 90 万元 is budget_adjusted only alone)
    *("项目预算资金", "项目预算", "预算总金额", "预算资金", "预算总额", "预算金额", "下达资金", "下达"),
    *("安排资金", "项目金额", "资金总额", "预算数", "批复预算", "部门预算总金额"),
    # the whole unit's spending, or an investment: another figure in most reports
    *("部门整体支出", "完成投资", "实际完成投资", "支出总额", "总支出"),
    # a rate of work done or of time as often as of money; a part score as often as the total
    *("完成率", "支出进度", "得分", "评价得分", "合计"),
}
# Replaced where found, never written in: verb phrases that read oddly as a column or before a figure
SOURCE_ONLY = {
    *("完成预算的", "已支付", "实际已支付", "实际支付", "拨付工程款", "已拨付工程款", "已拨付资金"),
    *("已使用", "资金已使用", "实际使用", "调整预算后", "累计支出", "累计支付", "实际执行", "执行总量"),
    "自评结果得分",
}
# A word written in ends as a label does (预算数, 支出, 执行率, 得分, 权重, 年初安排); a verb that fields.py
# lists only for running text (获得, 争取 … 万元) never replaces a label
LABEL_END = re.compile(r"[数额算率分值排复出重况]$")

# OCR look-alikes of label characters (digits never): 元→兀 as in 项目资金(万兀), 算→篡 ...
OCR_CONFUSIONS = {
    "元": "兀",
    "项": "顶",
    "率": "牢",
    "己": "已",
    "未": "末",
    "值": "傎",
    "位": "仕",
    "算": "篡",
    "数": "敉",
    "目": "日",
    "得": "淂",
}
OCR_LABELS = (1, 2)  # labels damaged per document: a low rate, as a fair scan has
# Simplified -> traditional for common characters of report labels and prose; one-to-one pairs
# only, in the sense reports use them (调整后→調整後, 关于→關於; 干/余/复/系 have several)
TRADITIONAL = dict(
    pair
    for pair in (
        "预預 执執 数數 项項 资資 单單 评評 价價 绩績 报報 门門 实實 际際 总總 额額 调調 决決 结結 级級 务務 "
        "县縣 区區 财財 据據 时時 间間 标標 为為 万萬 计計 划劃 费費 经經 开開 业業 对對 进進 况況 称稱 应應 "
        "设設 达達 优優 综綜 负負 责責 电電 话話 体體 见見 关關 办辦 织織 导導 说說 写寫 产產 质質 满滿 维維 "
        "护護 运運 监監 测測 网網 络絡 备備 农農 乡鄉 镇鎮 专專 后後 获獲 范範 准準 书書 会會 长長 问問 题題 "
        "与與 这這 个個 们們 来來 动動 将將 无無 现現 处處 过過 还還 国國 统統 规規 节節 条條 种種 发發 确確 "
        "终終 拨撥 则則 龙龍 号號 于於 当當 转轉"
    ).split()
)
FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789.,%:()/-+=<>"}  # ４０３．５１，（万元）
SPLIT_HEAD = re.compile(r"^(年初|全年|调整后|年度|实际|预算|一级|二级|三级|偏差原因|未完成原因)(\S.*)$")

# ---- the shapes of report text ----------------------------------------------------------

HEADING = re.compile(r"^(#+)\s+(.*)$")  # "### 一、资金拨付及执行情况"
NUMBER = re.compile(r"\d[\d,，]*(?:[.．]\d+)?")  # 403.51, 215,457.6
# what stands between a label and its figure: 年初预算批复数 403.51 万元, 执行率为 100%, 总得分为91.8分
AFTER_LABEL = re.compile(r"[\s:：]*(?:为|是|达到|达|共计|合计|共|约|计)?[\s:：]*(\d[\d,，]*(?:[.．]\d+)?)")
BRACKET_SUFFIX = re.compile(r"[(（][^()（）]*[)）]$")  # 全年预算数(A), 项目资金(万元), 实施单位(盖章)
UNIT_HEADER = re.compile(r"[(（]\s*(万元|元)\s*[)）]|单位[:：]\s*(万元|元)")  # a table's unit in a header
VALUE_CELL = re.compile(r"^[\d,，.．%％\s/—–\-万元]*$")  # 4753.66万元, 100.00%, —, /
BUDGET_CODE = re.compile(r"^\d{6,}[A-Z]?\d*-")  # 51130021T000000229367- before a project name
# the number before a project in a list: (1) (一门式)全覆盖网络建设租赁费项目…, 1、哈拉布拉乡…项目
LIST_ITEM = re.compile(r"^\s*(?:[(（]\d{1,2}[)）]|\d{1,2}[、.．])\s*")
NAME_END = re.compile(r"$|[\s,，。.:：;；、(（]|绩效|项目|工程")  # where a project's name may end in its line
PAGE_MARKER = re.compile(r"^\s*[-—–]\s*\d+\s*[-—–]\s*$")  # -1-, — 2 —
DATE_LINE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")  # 2023年6月5日
KEY_LINE = re.compile(r"^[^:：]{0,14}[:：]?\s*$")  # what is left of 部门(单位)名称: X without X
CJK = re.compile(r"[\u4e00-\u9fff]")
FIGURE = re.compile(r"[0-9０-９.,．，%％=＝<>＜＞≥≤+\-]{2,}")  # 215,457.6 or ＝１００％: one line in a cell
PT_PER_CM = 28.35
TAB_CELL = re.compile(r"<p>(.*?)</p>")  # 000's 审核意见 block: tab-separated cells, <p> lines

LOOK_BELOW = 3  # rows under a header cell where its column's figure is looked for
SPLIT_TEXT_MAX = 3  # labels in running text split by a space, per document
SPLIT_MIN_CHARS = 3  # shorter labels in running text are left whole (下达, 总分)
TITLE_MAX = 40  # a form's title and year lines are short
TITLE_LINES = 3  # at most so many lines above a form are its title
HEAD_LINES = 6  # the report's first lines, where its title names the unit
SIGNATURE_LINES = 4  # a closing signature is among the last lines


# ---- source.txt as blocks ---------------------------------------------------------------


@dataclass
class Line:
    """A heading, a paragraph or a blank line of source.txt."""

    text: str
    level: int = 0  # the '#' count of a heading, 0 for a paragraph


@dataclass
class Table:
    """Consecutive `|` lines: one row each, cells between the bars."""

    rows: list[list[str]]
    raw: dict[tuple[str, ...], str] = dataclasses.field(default_factory=dict)  # cells -> the line as written


def split_row(line: str) -> list[str]:
    s = line.strip()[1:]
    return [c.strip() for c in (s[:-1] if s.endswith("|") else s).split("|")]


def parse(text: str) -> list[Line | Table]:
    """source.txt -> blocks, in order; dump() writes them back."""
    blocks: list[Line | Table] = []
    for line in text.split("\n"):
        if line.startswith("|"):
            if not (blocks and isinstance(blocks[-1], Table)):
                blocks.append(Table([]))
            blocks[-1].rows.append(split_row(line))
            blocks[-1].raw.setdefault(tuple(split_row(line)), line)
        elif m := HEADING.match(line):
            blocks.append(Line(m[2], len(m[1])))
        else:
            blocks.append(Line(line))
    return blocks


def dump(blocks: list[Line | Table]) -> str:
    lines: list[str] = []
    for b in blocks:
        if isinstance(b, Table):
            # a row left as it was keeps its spacing, so a diff shows only what a variant did
            lines += [b.raw.get(tuple(row)) or "| " + " | ".join(row) + " |" for row in b.rows]
        else:
            lines.append(f"{'#' * b.level} {b.text}" if b.level else b.text)
    return "\n".join(lines)


Where = tuple[int, ...]  # (block,) for a line, (block, row, column) for a cell


def pieces(blocks: list[Line | Table]) -> Iterator[tuple[Where, str]]:
    """Every text a transformation may edit: each heading, paragraph and cell."""
    for i, b in enumerate(blocks):
        if isinstance(b, Table):
            for r, row in enumerate(b.rows):
                for c, cell in enumerate(row):
                    if cell:
                        yield (i, r, c), cell
        elif b.text.strip():
            yield (i,), b.text


def set_piece(blocks: list[Line | Table], where: Where, text: str) -> None:
    b = blocks[where[0]]
    if isinstance(b, Table):
        b.rows[where[1]][where[2]] = text
    else:
        b.text = text


def get_piece(blocks: list[Line | Table], where: Where) -> str:
    b = blocks[where[0]]
    return b.rows[where[1]][where[2]] if isinstance(b, Table) else b.text


def line_numbers(blocks: list[Line | Table]) -> list[int]:
    """The 1-based line of source.txt where each block starts."""
    out, n = [], 1
    for b in blocks:
        out.append(n)
        n += len(b.rows) if isinstance(b, Table) else 1
    return out


def describe(blocks: list[Line | Table], where: Where) -> str:
    line = line_numbers(blocks)[where[0]] + (where[1] if len(where) == 3 else 0)
    return f"line {line} cell {where[2] + 1}" if len(where) == 3 else f"line {line}"


def cell_label(text: str) -> str:
    """A cell as a label: no spaces, no (A) / (万元) / (盖章) suffix, no colon: 全年预算数(A) -> 全年预算数."""
    s = re.sub(r"\s+", "", text.replace(CELL_BREAK, ""))
    while (t := BRACKET_SUFFIX.sub("", s)) != s and t:
        s = t
    return s.rstrip(":：")


def edit(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


# ---- the label words, from fields.py ------------------------------------------------------


def read_fields(path: Path = FIELDS_PY) -> dict[str, dict[str, tuple[str, ...]]]:
    """fields.py's declarations, read from its source: NAME -> {labels, columns, cells, rows}."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        if getattr(node.value.func, "id", None) != "Field" or not isinstance(node.targets[0], ast.Name):
            continue
        words = {k: () for k in ("labels", "columns", "cells", "rows")}
        for kw in node.value.keywords:
            if kw.arg in words and isinstance(kw.value, ast.Tuple):
                words[kw.arg] = tuple(e.value for e in kw.value.elts if isinstance(e, ast.Constant))
        out[node.targets[0].id] = words
    return out


@dataclass(frozen=True)
class Vocabulary:
    """The label words the variants look for, and which field each names."""

    fields: dict[str, tuple[str, ...]]  # word -> the fields it may name (KEY for key cells)
    text_words: dict[str, tuple[str, ...]]  # field -> its words in running text (`labels`)
    cell_words: dict[str, tuple[str, ...]]  # field -> its words as a cell (`columns`, `cells`, `rows`)
    header_words: dict[str, str]  # a column word -> its field, for finding header rows
    pattern: re.Pattern[str]  # any word, longest first


def vocabulary(declared: dict[str, dict[str, tuple[str, ...]]]) -> Vocabulary:
    fields: dict[str, list[str]] = {}
    text_words, cell_words = {}, {}
    for name in GOLD_OF:
        d = declared[name]
        text_words[name] = d["labels"]
        cell_words[name] = d["columns"] + d["cells"] + d["rows"]
        for w in dict.fromkeys(d["labels"] + cell_words[name]):
            fields.setdefault(w, []).append(name)
    keys = [w for name in KEY_FIELDS for w in declared[name]["cells"]] + list(EXTRA_KEY_CELLS)
    for w in keys:
        fields.setdefault(w, []).append(KEY)
    header_words = {w: name for name in HEADER_FIELDS for w in declared[name]["columns"]}
    words = sorted(fields, key=lambda w: (-len(w), w))
    pattern = re.compile("|".join(re.escape(w) for w in words))
    return Vocabulary({w: tuple(f) for w, f in fields.items()}, text_words, cell_words, header_words, pattern)


# ---- gold values and names ----------------------------------------------------------------


def number(text: str) -> Decimal | None:
    try:
        return Decimal(unicodedata.normalize("NFKC", text).replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


def fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def gold_values(gold: dict, field: str) -> set:
    """The gold values a label of `field` may lead to: numbers, or folded text for targets."""
    rep_keys, proj_keys, ind_keys = GOLD_OF[field]
    raw = [gold["report"].get(k) for k in rep_keys]
    raw += [a for k in rep_keys for a in gold.get("alternatives", {}).get(k, [])]
    for p in gold.get("projects", []):
        raw += [p.get(k) for k in proj_keys] + [
            a for k in proj_keys for a in p.get("alternatives", {}).get(k, [])
        ]
    raw += [i.get(k) for i in gold.get("indicators", []) for k in ind_keys]
    if field in TEXT_VALUED:
        return {fold(str(v)) for v in raw if v}
    found = (NUMBER.match(unicodedata.normalize("NFKC", str(v))) for v in raw if v is not None)
    return {number(m.group()) for m in found if m}


def gold_names(gold: dict) -> list[str]:
    """The texts gold reads as written (unit, projects, indicators, grade): no variant edits them."""
    rep = gold["report"]
    names = [rep.get("unit_name"), rep.get("grade")] + [
        p.get("project_name") for p in gold.get("projects", [])
    ]
    for i in gold.get("indicators", []):
        names += [i.get(k) for k in ("level1", "level2", "level3", "target", "actual")]
    return sorted({n for n in names if n and CJK.search(n)}, key=len, reverse=True)


def name_pattern(name: str) -> re.Pattern[str]:
    """A name as the text may write it, with spaces anywhere: 结 算费用 for 结算费用."""
    return re.compile(r"\s*".join(re.escape(c) for c in re.sub(r"\s+", "", name)))


def guarded(text: str, patterns: list[re.Pattern[str]]) -> list[tuple[int, int]]:
    return [m.span() for p in patterns for m in p.finditer(text)]


def overlaps(span: tuple[int, int], guards: list[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in guards)


def matches(field: str, cell: str, values: set) -> bool:
    if field in TEXT_VALUED:
        return fold(cell.replace(CELL_BREAK, "")) in values
    return any(number(n) in values for n in NUMBER.findall(unicodedata.normalize("NFKC", cell)))


# ---- where the labels are ------------------------------------------------------------------


@dataclass(frozen=True)
class Spot:
    """One label word in one piece of text."""

    where: Where
    start: int
    end: int
    word: str
    field: str | None  # the field whose gold value this label leads to, KEY for a key cell; None: none
    in_cell: bool  # the label is the whole cell (a column header, key cell or row label)


def right_value(row: list[str], c: int) -> str:
    return next((x for x in row[c + 1 :] if x.strip()), "")


def cell_leads(rows: list[list[str]], r: int, c: int, field: str, values: set) -> bool:
    """A header cell's figure is below it, a key cell's to its right, a total row's along it."""
    below = rows[r + 1 : r + 1 + LOOK_BELOW]
    if any(c < len(row) and matches(field, row[c], values) for row in below):
        return True
    if matches(field, right_value(rows[r], c), values):
        return True
    return field == "SELF_SCORE" and any(matches(field, x, values) for x in rows[r][c + 1 :])


def find_spots(blocks: list[Line | Table], gold: dict, vocab: Vocabulary) -> list[Spot]:
    """Every label word outside the gold names, with the gold field it leads to, if any."""
    values = {f: gold_values(gold, f) for f in GOLD_OF}
    names = [name_pattern(n) for n in gold_names(gold)]
    spots = []
    for where, text in pieces(blocks):
        guards = guarded(text, names)
        label = cell_label(text) if len(where) == 3 else None
        for m in vocab.pattern.finditer(text):
            if overlaps(m.span(), guards):
                continue
            in_cell = label == cell_label(m.group()) and not text[: m.start()].strip()
            lead = None
            for f in vocab.fields[m.group()]:
                if f == KEY:
                    ok = in_cell and bool(right_value(blocks[where[0]].rows[where[1]], where[2]))
                elif in_cell:
                    ok = cell_leads(blocks[where[0]].rows, where[1], where[2], f, values[f])
                else:
                    after = AFTER_LABEL.match(unicodedata.normalize("NFKC", text[m.end() :]))
                    ok = f not in TEXT_VALUED and bool(after) and number(after[1]) in values[f]
                if ok:
                    lead = f
                    break
            spots.append(Spot(where, m.start(), m.end(), m.group(), lead, in_cell))
    return spots


def apply_edits(blocks: list[Line | Table], edits: list[tuple[Where, int, int, str]]) -> None:
    """Replace spans, right to left within each piece so earlier offsets hold."""
    for where, start, end, new in sorted(edits, key=lambda e: (e[0], -e[1])):
        set_piece(blocks, where, edit(get_piece(blocks, where), start, end, new))


# ---- the variants ------------------------------------------------------------------------------

Made = tuple[list[Line | Table], dict, list[dict]]  # the blocks, the gold, what changed
Variant = Callable[[list[Line | Table], dict, random.Random, Vocabulary], "Made | str"]


def orig(blocks, gold, rng, vocab) -> Made | str:
    """The report as it is, through the same renderer: the control for every other variant."""
    return blocks, gold, []


def fits(text: str, start: int, end: int, new: str, vocab: Vocabulary) -> bool:
    """The new word reads as itself where it lands: no 预算总体预算执行率, no longer word swallowing it."""
    if new[:2] in text[max(0, start - 4) : start]:
        return False
    after = edit(text, start, end, new)
    for m in vocab.pattern.finditer(after):
        if m.start() < start + len(new) and start < m.end():
            return m.start() == start and m.group() == new
    return False


def syn(blocks, gold, rng, vocab) -> Made | str:
    """Another report names the same figure with another usual word: 调整后预算数 for 全年预算数."""
    chosen: dict[tuple[str, bool], str] = {}
    edits, changes = [], []
    for s in find_spots(blocks, gold, vocab):
        if s.field in (None, KEY) or s.word in NEVER_SWAP:
            continue
        pool = (vocab.cell_words if s.in_cell else vocab.text_words)[s.field]
        cands = sorted(
            {w for w in pool if w != s.word and w not in NEVER_SWAP | SOURCE_ONLY and LABEL_END.search(w)}
        )
        if not cands:
            continue
        first = chosen.setdefault((s.word, s.in_cell), rng.choice(cands))  # one word for one word per report
        text = get_piece(blocks, s.where)
        new = next(
            (w for w in [first, *rng.sample(cands, len(cands))] if fits(text, s.start, s.end, w, vocab)), None
        )
        if new:
            edits.append((s.where, s.start, s.end, new))
            changes.append({"where": describe(blocks, s.where), "field": s.field, "from": s.word, "to": new})
    if not edits:
        return "no label that leads to a gold figure has a synonym"
    apply_edits(blocks, edits)
    return blocks, gold, changes


def ocr(blocks, gold, rng, vocab) -> Made | str:
    """A scanned report read back by OCR mistakes a stroke in a label or two: 年初预篡数, 分傎, (万兀)."""
    names = [name_pattern(n) for n in gold_names(gold)]
    cands = [(s.where, s.start, s.end) for s in find_spots(blocks, gold, vocab) if s.field]
    for where, text in pieces(blocks):
        if len(where) == 3 or len(text) <= TITLE_MAX:  # the unit of a table: 项目资金(万元), 单位：万元
            cands += [(where, *m.span(m.lastindex or 0)) for m in UNIT_HEADER.finditer(text)]
    cands = [
        c
        for c in cands
        if any(ch in OCR_CONFUSIONS for ch in get_piece(blocks, c[0])[c[1] : c[2]])
        and not overlaps(c[1:], guarded(get_piece(blocks, c[0]), names))
    ]
    if not cands:
        return "no label with a character OCR confuses"
    changes = []
    for where, start, end in rng.sample(cands, min(len(cands), rng.choice(OCR_LABELS))):
        text = get_piece(blocks, where)
        i = rng.choice([i for i in range(start, end) if text[i] in OCR_CONFUSIONS])
        set_piece(blocks, where, edit(text, i, i + 1, OCR_CONFUSIONS[text[i]]))
        changes.append(
            {
                "where": describe(blocks, where),
                "from": text[start:end],
                "to": get_piece(blocks, where)[start:end],
            }
        )
    return blocks, gold, changes


def split(blocks, gold, rng, vocab) -> Made | str:
    """A narrow column wraps a label over two lines (全年执行/数); running text breaks one with a space."""
    spots = [s for s in find_spots(blocks, gold, vocab) if s.field]
    cells = [s for s in spots if s.in_cell and len(cell_label(s.word)) >= 2]
    texts = [s for s in spots if not s.in_cell and len(s.word) >= SPLIT_MIN_CHARS]
    picks = cells + rng.sample(texts, min(SPLIT_TEXT_MAX, len(texts)))
    if not picks:
        return "no label that leads to a gold figure"
    edits, changes = [], []
    for s in picks:
        cut = s.start + rng.randint(1, len(cell_label(s.word)) - 1)
        gap = CELL_BREAK if s.in_cell else " "
        edits.append((s.where, cut, cut, gap))
        text = get_piece(blocks, s.where)
        changes.append(
            {
                "where": describe(blocks, s.where),
                "from": s.word,
                "to": text[s.start : cut] + gap + text[cut : s.end],
            }
        )
    apply_edits(blocks, edits)
    return blocks, gold, changes


def width(blocks, gold, rng, vocab) -> Made | str:
    """A report typed with full-width digits and punctuation, in traditional characters: 預算執行數 ４０３．５１."""
    names = [name_pattern(n) for n in gold_names(gold)]
    table = TRADITIONAL | FULL_WIDTH
    changed = 0
    for where, text in list(pieces(blocks)):
        guards = guarded(text, names)
        new = "".join(
            table.get(ch, ch) if not overlaps((i, i + 1), guards) else ch for i, ch in enumerate(text)
        )
        changed += sum(a != b for a, b in zip(text, new))
        set_piece(blocks, where, new)
    if not changed:
        return "nothing to widen"
    return blocks, gold, [{"characters_changed": changed}]


def header_fields(row: list[str], vocab: Vocabulary) -> list[str | None]:
    return [vocab.header_words.get(cell_label(c)) for c in row]


def is_header(row: list[str], vocab: Vocabulary) -> bool:
    return sum(f is not None for f in header_fields(row, vocab)) >= 2


def movable(row: list[str], vocab: Vocabulary) -> list[int]:
    """The columns of a header that may trade places: its figures, not its row labels or levels."""
    fields = header_fields(row, vocab)
    split_target = any(cell_label(c) in SPLIT_TARGET_HEADS for c in row)
    return [
        j for j, f in enumerate(fields) if j and f in MOVABLE_FIELDS and not (split_target and f == "TARGET")
    ]


def section_end(rows: list[list[str]], h: int, cols: list[int], funds: bool, vocab: Vocabulary) -> int:
    """A header's rows: to the next header; a funds block also ends at its first row of words."""
    end = h + 1
    while end < len(rows) and not is_header(rows[end], vocab):
        if funds and any(j < len(rows[end]) and not VALUE_CELL.match(rows[end][j]) for j in cols):
            break
        end += 1
    return end


def reorder(blocks, gold, rng, vocab) -> Made | str:
    """A form lays its columns out in another order: 全年执行数 before 年初预算数, 得分 before 分值."""
    changes = []
    for i, b in enumerate(blocks):
        if not isinstance(b, Table):
            continue
        for h, header in enumerate(b.rows):
            cols = movable(header, vocab) if is_header(header, vocab) else []
            if len(cols) < 2:
                continue
            funds = any(header_fields(header, vocab)[j] in MONEY_FIELDS for j in cols)
            order = cols[:]
            while order == cols:
                rng.shuffle(order)
            for r in range(h, section_end(b.rows, h, cols, funds, vocab)):
                row = b.rows[r] + [""] * (max(cols) + 1 - len(b.rows[r]))
                moved = row[:]
                for dst, src in zip(cols, order):
                    moved[dst] = row[src]
                while len(moved) > len(b.rows[r]) and not moved[-1]:
                    moved.pop()
                b.rows[r] = moved
            changes.append({"where": describe(blocks, (i, h, 0)), "columns": [b.rows[h][j] for j in cols]})
    if not changes:
        return "no table header with two figure columns"
    return blocks, gold, changes


def header2(blocks, gold, rng, vocab) -> Made | str:
    """A form heads its columns with two rows: 年初 | 全年 over 预算数 | 预算数 (the rest merged down)."""
    changes = []
    for i, b in enumerate(blocks):
        if not isinstance(b, Table):
            continue
        rows: list[list[str]] = []
        for row in b.rows:
            heads = [SPLIT_HEAD.match(c) for c in row] if is_header(row, vocab) else []
            if sum(m is not None for m in heads[1:]) < 2:
                rows.append(row)
                continue
            heads[0] = None  # the row-label column keeps its word whole
            rows.append([m[1] if m else c for m, c in zip(heads, row)])
            rows.append([m[2] if m else "" for m in heads])
            changes.append(
                {"where": describe(blocks, (i, len(rows) - 2, 0)), "top": rows[-2], "bottom": rows[-1]}
            )
        b.rows = rows
    if not changes:
        return "no table header with two words to split"
    return blocks, gold, changes


def is_form(b: Line | Table) -> bool:
    return isinstance(b, Table) and any(cell_label(c) == "项目名称" for row in b.rows for c in row[:2])


def title_start(blocks: list[Line | Table], i: int) -> int:
    """The first block of a form's title lines above block i (项目支出绩效自评表, (2022年度)), else i."""
    start, taken = i, 0
    for j in range(i - 1, -1, -1):
        b = blocks[j]
        if isinstance(b, Line) and not b.text.strip():
            continue
        if not isinstance(b, Line) or len(b.text.strip()) > TITLE_MAX or taken == TITLE_LINES:
            break
        taken += 1
        if b.level:
            return j
    return start


def stacked(blocks, gold, rng, vocab) -> Made | str:
    """A department pastes all its project forms, titles included, one after another into one Word table."""
    forms = [i for i, b in enumerate(blocks) if is_form(b)]
    if not forms:
        return "no project form (a table with 项目名称)"
    first, last = title_start(blocks, forms[0]), forms[-1]
    rows: list[list[str]] = []
    titles = []
    for b in blocks[first : last + 1]:
        if isinstance(b, Table):
            rows += b.rows
        elif b.text.strip() and not PAGE_MARKER.match(b.text):
            rows.append([b.text.strip()])
            titles.append(b.text.strip())
    raw = {k: v for b in blocks[first : last + 1] if isinstance(b, Table) for k, v in b.raw.items()}
    blocks[first : last + 1] = [Table(rows, raw)]
    return blocks, gold, [{"forms": len(forms), "title_rows": titles}]


def budget_code(rng: random.Random) -> str:
    """A code of the budget system: 8 digits of unit, a letter of kind, 12 digits of serial."""
    return f"{rng.randint(10**7, 10**8 - 1)}{rng.choice('TRY')}{rng.randint(0, 10**12 - 1):012d}"


def code(blocks, gold, rng, vocab) -> Made | str:
    """Forms and lists print the project's budget code before its name: 51130021T000000229367-退耕还林…"""
    names = [name_pattern(p["project_name"]) for p in gold.get("projects", []) if p.get("project_name")]
    codes: dict[str, str] = {}
    changes = []

    def coded(name: str) -> str:
        return codes.setdefault(fold(name), budget_code(rng)) + "-" + name

    for i, b in enumerate(blocks):
        if isinstance(b, Table):
            for r, row in enumerate(b.rows):
                for c, cell in enumerate(row[:-1]):
                    k = next((k for k in range(c + 1, len(row)) if row[k].strip()), None)
                    if cell_label(cell) == "项目名称" and k is not None and not BUDGET_CODE.match(row[k]):
                        row[k] = coded(row[k])
                        changes.append({"where": describe(blocks, (i, r, k)), "to": row[k]})
        elif (m := LIST_ITEM.match(b.text)) and not BUDGET_CODE.match(rest := b.text[m.end() :]):
            hits = (p.match(rest) for p in names)
            if hit := next((h for h in hits if h and NAME_END.match(rest, h.end())), None):
                b.text = b.text[: m.end()] + coded(hit.group()) + rest[hit.end() :]
                changes.append({"where": describe(blocks, (i,)), "to": b.text[m.end() : m.end() + 60]})
    if not changes:
        return "no 项目名称 cell or numbered project line"
    return blocks, gold, changes


def flat(blocks: list[Line | Table], gold: dict, row_line: Callable[[list[str]], list[str]]) -> Made | str:
    """Every table replaced by paragraph lines, row by row."""
    tables = [i for i, b in enumerate(blocks) if isinstance(b, Table)]
    if not tables:
        return "no table"
    for i in reversed(tables):
        rows = blocks[i].rows
        blocks[i : i + 1] = [Line(s) for row in rows for s in row_line([c for c in row if c.strip()])]
    return blocks, gold, [{"tables_flattened": len(tables)}]


def flat_cells(blocks, gold, rng, vocab) -> Made | str:
    """A web page or a copied PDF loses the table grid: every cell on a line of its own."""
    return flat(blocks, gold, lambda cells: cells)


def flat_spaces(blocks, gold, rng, vocab) -> Made | str:
    """A PDF's text layer keeps each row on one line, its cells apart by runs of spaces."""
    return flat(blocks, gold, lambda cells: [(" " * rng.randint(2, 4)).join(cells)] if cells else [])


def signature(blocks, gold, rng, vocab) -> Made | str:
    """A report whose title does not name its unit: only the closing signature (落款) does."""
    unit = gold["report"].get("unit_name")
    if not unit:
        return "gold names no unit"
    unit_re = name_pattern(unit)
    projects = [name_pattern(p["project_name"]) for p in gold.get("projects", []) if p.get("project_name")]
    changes: list[dict] = []
    head = [i for i, b in enumerate(blocks) if isinstance(b, Line) and b.text.strip()][:HEAD_LINES]
    first_table = next((i for i, b in enumerate(blocks) if isinstance(b, Table)), len(blocks))
    for i in reversed([i for i in head if i < first_table]):
        b = blocks[i]
        assert isinstance(b, Line)
        guards = guarded(b.text, projects)  # 隆回县人居环境指挥部乡村振兴项目 keeps its unit
        spans = [m.span() for m in unit_re.finditer(b.text) if not overlaps(m.span(), guards)]
        if not spans:
            continue
        rest, ours = b.text, b.text
        for a, z in reversed(spans):
            rest, ours = edit(rest, a, z, ""), edit(ours, a, z, "本单位")
        new: str | None
        if b.level:  # the title without its unit: 2022 年部门整体支出绩效自评报告
            new = rest.strip() or None
        elif KEY_LINE.match(rest):  # 部门(单位)名称: X, or X alone (a notice's signature): the line goes
            new = None
        else:  # 对南县财政局2020年度机关整体支出 -> 对本单位2020年度…
            new = ours
        changes.append({"where": describe(blocks, (i,)), "from": b.text.strip(), "to": new})
        if new is None:
            del blocks[i]
        else:
            b.text = new
    tail = [b for b in blocks if isinstance(b, Line) and b.text.strip()][-SIGNATURE_LINES:]
    signed = any(fold(a.text) == fold(unit) and DATE_LINE.match(z.text) for a, z in zip(tail, tail[1:]))
    if not signed:
        date = gold["report"].get("report_date")
        year = gold["report"].get("fiscal_year")
        if date:
            y, m, d = (int(x) for x in date.split("-"))
        elif year:
            y, m, d = year + 1, rng.randint(1, 6), rng.randint(1, 28)
            gold["report"]["report_date"] = f"{y:04d}-{m:02d}-{d:02d}"
            changes.append({"gold": {"report_date": gold["report"]["report_date"]}})
        else:
            return "no report date or fiscal year to date a signature with"
        while blocks and isinstance(blocks[-1], Line) and not blocks[-1].text.strip():
            blocks.pop()
        blocks += [Line(""), Line(unit), Line(f"{y}年{m}月{d}日"), Line("")]  # the last "" ends the file
        changes.append({"signature": [unit, f"{y}年{m}月{d}日"]})
    if not changes:
        return "the unit is named nowhere to remove and is signed already"
    return blocks, gold, changes


VARIANTS: dict[str, Variant] = {
    "orig": orig,
    "syn": syn,
    "ocr": ocr,
    "split": split,
    "width": width,
    "reorder": reorder,
    "header2": header2,
    "stacked": stacked,
    "code": code,
    "flat-cells": flat_cells,
    "flat-spaces": flat_spaces,
    "signature": signature,
}


def perturb(
    source: str, gold: dict, variant: str, rng: random.Random, vocab: Vocabulary
) -> tuple[str, dict, list] | str:
    """One variant of one report: (text, gold, changes), or the reason it does not apply."""
    if variant == "orig":
        return source, copy.deepcopy(gold), []
    made = VARIANTS[variant](parse(source), copy.deepcopy(gold), rng, vocab)
    if isinstance(made, str):
        return made
    blocks, new_gold, changes = made
    return dump(blocks), new_gold, changes


# ---- rendering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Look:
    """How the .docx looks: a CJK font LibreOffice has, so the PDF holds real text."""

    font: str = "Noto Sans CJK SC"
    body_pt: float = 11
    table_pt: float = 9
    heading_pt: tuple[float, ...] = (16, 14, 13, 12, 12)  # Title, Heading 1..4
    text_width_cm: float = 17  # A4 less 2 cm margins
    wide_cell_chars: int = 40  # a column's width grows with its text up to this many characters
    landscape_width_cm: float = 25.7  # A4 turned, for a table too wide to stand
    min_cell_cm: float = 0.9
    label_chars: int = 3  # a column is at least this many characters of its words wide
    cell_padding_cm: float = 0.45  # Word's cell margins, left and right, and a little air
    fixed_time: tuple[int, ...] = (2024, 1, 1, 0, 0, 0)  # zip entry times, so a rerun writes the same bytes


LOOK = Look()


def layout(text: str) -> Iterator[tuple]:
    """source.txt -> ("heading", level, text) / ("para", text) / ("table", rows), blank lines dropped.

    As the corpus renderings do: a tab-separated line is a table row (000's 审核意见 block), a
    line ending in two spaces continues on the next (the seed's signature), a "- " bullet mark
    is not text, and the first heading of a report is its title (level 0)."""
    tab_rows: list[list[str]] = []
    held: list[str] = []
    seen_text = False
    for b in parse(text):
        if isinstance(b, Line) and "\t" in b.text:
            tab_rows.append([CELL_BREAK.join(TAB_CELL.findall(c)) or c.strip() for c in b.text.split("\t")])
            continue
        if tab_rows:
            yield ("table", tab_rows)
            tab_rows = []
        if isinstance(b, Table):
            yield ("table", b.rows)
        elif b.level:
            yield ("heading", 0 if not seen_text else min(max(b.level - 1, 1), 4), b.text.strip())
        elif b.text.endswith("  ") and b.text.strip():
            held.append(b.text.strip())
        elif b.text.strip():
            yield ("para", "\n".join([*held, re.sub(r"^-\s+", "", b.text.strip())]))
            held = []
        seen_text = seen_text or bool(isinstance(b, Table) or b.text.strip())
    if tab_rows:
        yield ("table", tab_rows)
    if held:
        yield ("para", "\n".join(held))


def style_document(doc, landscape: bool) -> None:
    """Every text style in the CJK font, black; an A4 page, turned when a table needs it."""
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    names = ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4")
    for name, size in zip(names, (LOOK.body_pt, *LOOK.heading_pt)):
        style = doc.styles[name]
        style.font.size, style.font.color.rgb = Pt(size), RGBColor(0, 0, 0)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), LOOK.font)
    sec = doc.sections[0]  # A4, turned when a table needs it, as real forms are
    sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = Cm(
        (21 - LOOK.text_width_cm) / 2
    )
    sec.page_width, sec.page_height = (Cm(29.7), Cm(21)) if landscape else (Cm(21), Cm(29.7))
    sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT


def write_lines(para, lines: list[str], size_pt: float | None = None) -> None:
    """Lines into one paragraph, a real line break between them."""
    from docx.shared import Pt

    for k, line in enumerate(lines):
        run = para.add_run(line)
        if size_pt:
            run.font.size = Pt(size_pt)
        if k < len(lines) - 1:
            run.add_break()


def text_cm(text: str) -> float:
    """The printed width of a text in a table cell: CJK and full-width characters 1 em, others about half."""
    ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)
    return ems * LOOK.table_pt / PT_PER_CM


def least_widths(rows: list[list[str]]) -> list[float]:
    """Each column's narrowest width in cm: its longest figure on one line (a figure never wraps in
    a real form), and a few characters of its words."""
    least = [LOOK.min_cell_cm] * max(len(r) for r in rows)
    for row in rows:
        for c, text in enumerate(row if len(row) > 1 else []):
            words = [text_cm(line[: LOOK.label_chars]) for line in text.split(CELL_BREAK)]
            figures = [text_cm(t) for t in FIGURE.findall(text)]
            least[c] = max(least[c], *(w + LOOK.cell_padding_cm for w in words + figures))
    return least


def column_widths(rows: list[list[str]], total_cm: float) -> list[float]:
    """Columns in cm filling the page: the narrowest widths, and what is left shared out by how
    much text a column holds."""
    least = least_widths(rows)
    need = [1] * len(least)
    for row in rows:
        for c, text in enumerate(row if len(row) > 1 else []):
            need[c] = max(need[c], *(len(line) for line in text.split(CELL_BREAK)))
    weights = [min(k, LOOK.wide_cell_chars) ** 0.5 for k in need]
    spare = total_cm - sum(least)
    if spare <= 0:  # more than a page holds: shrink all alike
        return [total_cm * x / sum(least) for x in least]
    return [x + spare * w / sum(weights) for x, w in zip(least, weights)]


def render_docx(text: str, path: Path) -> None:
    """A Word file of the text: headings, paragraphs, and tables as real Word tables."""
    import datetime as dt

    from docx import Document
    from docx.shared import Cm

    blocks = list(layout(text))
    wide = any(b[0] == "table" and sum(least_widths(b[1])) > LOOK.text_width_cm for b in blocks)
    doc = Document()
    style_document(doc, landscape=wide)
    for block in blocks:
        if block[0] == "heading":
            doc.add_paragraph(block[2], style="Title" if block[1] == 0 else f"Heading {block[1]}")
        elif block[0] == "para":
            write_lines(doc.add_paragraph(), block[1].split("\n"))
        else:
            rows = block[1]
            width_ = max(len(r) for r in rows)
            table = doc.add_table(rows=len(rows), cols=width_)
            table.style = doc.styles["Table Grid"]
            table.autofit = False
            widths = [
                Cm(w) for w in column_widths(rows, LOOK.landscape_width_cm if wide else LOOK.text_width_cm)
            ]
            for c, w in enumerate(widths):
                table.columns[c].width = w
            for r, cells in enumerate(rows):
                row_cells = table.rows[r].cells
                for cell, w in zip(row_cells, widths):
                    cell.width = w
                if len(cells) == 1 and width_ > 1:  # a one-cell row spans the table, as in Word
                    write_lines(
                        row_cells[0].merge(row_cells[-1]).paragraphs[0],
                        cells[0].split(CELL_BREAK),
                        LOOK.table_pt,
                    )
                else:
                    for c, cell_text in enumerate(cells):
                        write_lines(row_cells[c].paragraphs[0], cell_text.split(CELL_BREAK), LOOK.table_pt)
    when = dt.datetime(*LOOK.fixed_time)
    doc.core_properties.created = doc.core_properties.modified = when
    doc.core_properties.author = doc.core_properties.last_modified_by = "tools/perturb.py"
    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(fixed_zip(buf.getvalue()))


def fixed_zip(data: bytes) -> bytes:
    """The same .docx bytes on every run: zip entries with one fixed time."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(
                zipfile.ZipInfo(info.filename, LOOK.fixed_time), src.read(info), zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


def convert_pdfs(docs: list[Path], out_dir: Path, workers: int = 2, timeout: float = 1800) -> list[str]:
    """Export .docx files to PDF with LibreOffice: one process per batch, each with its own profile
    (so it clashes with no other LibreOffice run), the batches side by side. Returns the names
    that did not convert."""
    batches = [docs[k::workers] for k in range(workers) if docs[k::workers]]
    profiles = [Path(tempfile.mkdtemp(prefix="perturb-lo-")) for _ in batches]
    procs = [
        subprocess.Popen(
            ["soffice", f"-env:UserInstallation={prof.as_uri()}", "--headless", "--convert-to", "pdf"]
            + ["--outdir", str(out_dir), *map(str, batch)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for batch, prof in zip(batches, profiles)
    ]
    deadline = time.monotonic() + timeout
    try:
        for p in procs:
            p.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        pass  # what did not convert in time is reported missing below
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        for prof in profiles:
            shutil.rmtree(prof, ignore_errors=True)
    return [d.name for d in docs if not (out_dir / (d.stem + ".pdf")).is_file()]


# ---- the run ----------------------------------------------------------------------------------


def rng_for(seed: int, gold_id: str) -> random.Random:
    """One generator per document and variant, the same on every run and in every process."""
    return random.Random(seed + zlib.crc32(gold_id.encode("utf-8")))


def build(
    corpus: Path,
    out: Path,
    only: list[str] | None = None,
    variants: list[str] | None = None,
    pdf: bool = True,
    seed: int = 1,
) -> dict:
    """Write every variant of every report in `corpus` to `out`; return the manifest."""
    vocab = vocabulary(read_fields())
    names = variants or list(VARIANTS)
    rendered = out / "rendered"
    rendered.mkdir(parents=True, exist_ok=True)
    manifest: dict = {"seed": seed, "variants": names, "made": [], "skipped": []}
    docs = sorted(
        p.name for p in corpus.iterdir() if (p / "gold.json").is_file() and (p / "source.txt").is_file()
    )
    written = []
    for doc in docs:
        if only and doc not in only:
            continue
        source = (corpus / doc / "source.txt").read_text(encoding="utf-8")
        gold = json.loads((corpus / doc / "gold.json").read_text(encoding="utf-8"))
        for v in names:
            gid = f"{doc}-{v}"
            made = perturb(source, gold, v, rng_for(seed, gid), vocab)
            if isinstance(made, str):
                manifest["skipped"].append({"doc": doc, "variant": v, "reason": made})
                continue
            text, new_gold, changes = made
            new_gold = {**new_gold, "id": gid, "perturbation": {"of": doc, "variant": v}}
            (out / gid).mkdir(exist_ok=True)
            (out / gid / "source.txt").write_text(text, encoding="utf-8")
            (out / gid / "gold.json").write_text(
                json.dumps(new_gold, ensure_ascii=False, indent=1), encoding="utf-8"
            )
            render_docx(text, rendered / f"{gid}.docx")
            written.append(rendered / f"{gid}.docx")
            manifest["made"].append({"id": gid, "doc": doc, "variant": v, "changes": changes})
    if pdf and written:
        manifest["pdf_failed"] = convert_pdfs(written, rendered)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


SCORE_PY = ROOT.parent / "shared" / "eval" / "score.py"  # the scorer beside this checkout
GROUPS = ("report", "projects", "indicators")


def score_subset(score_py: Path, dataset: Path, corpus_out: Path, gold_ids: list[str]) -> dict:
    """score.py's --by-format result on a few gold folders of the perturbation corpus."""
    with tempfile.TemporaryDirectory(prefix="perturb-score-") as tmp:
        for gold_id in gold_ids:
            (Path(tmp) / gold_id).symlink_to((corpus_out / gold_id).resolve())
        args = [str(dataset), tmp, "--inputs", str(corpus_out / "rendered"), "--by-format", "--json"]
        done = subprocess.run(
            [sys.executable, str(score_py), *args], capture_output=True, text=True, check=True
        )
    return json.loads(done.stdout)["scores"]


def score_by_variant(corpus_out: Path, dataset: Path, score_py: Path = SCORE_PY) -> list[dict]:
    """F1 of each variant and format, beside `orig` (the control) on the same reports."""
    manifest = json.loads((corpus_out / "manifest.json").read_text(encoding="utf-8"))
    rows = []
    for variant in manifest["variants"]:
        docs = sorted({m["doc"] for m in manifest["made"] if m["variant"] == variant})
        if not docs:
            continue
        scores = score_subset(score_py, dataset, corpus_out, [f"{d}-{variant}" for d in docs])
        control = (
            score_subset(score_py, dataset, corpus_out, [f"{d}-orig" for d in docs])
            if variant != "orig"
            else scores
        )
        for fmt, got in sorted(scores.items()):
            base = control.get(fmt, {})
            row = {
                "variant": variant,
                "format": fmt,
                "docs": len(docs),
                "f1": got["f1"],
                "orig_f1": base.get("f1"),
            }
            row |= {
                g: got["groups"][g]["f1"] if sum(got["groups"][g][k] for k in ("tp", "fp", "fn")) else None
                for g in GROUPS
            }
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="folders NNN/ with source.txt and gold.json")
    ap.add_argument("--out", type=Path, required=True, help="the perturbation corpus to write (or to score)")
    ap.add_argument("--only", help="comma-separated document ids (000,014)")
    ap.add_argument("--variants", help=f"comma-separated, of: {','.join(VARIANTS)}")
    ap.add_argument("--no-pdf", action="store_true", help="write .docx only (no LibreOffice)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--score",
        type=Path,
        metavar="DATASET",
        help="do not build: score what `jixiao ingest "
        "OUT/rendered --out DATASET` wrote, per variant, beside orig on the same reports",
    )
    ap.add_argument("--scorer", type=Path, default=SCORE_PY, help=f"score.py (default {SCORE_PY})")
    a = ap.parse_args(argv)
    if a.score:
        print(
            f"{'variant':12s} {'format':6s} {'docs':>4s} {'F1':>6s} {'orig':>6s} "
            + " ".join(f"{g:>10s}" for g in GROUPS)
        )
        for r in score_by_variant(a.out, a.score, a.scorer):
            cols = " ".join(f"{r[g]:10.4f}" if r[g] is not None else f"{'-':>10s}" for g in (*GROUPS,))
            print(
                f"{r['variant']:12s} {r['format']:6s} {r['docs']:4d} {r['f1']:6.4f} {r['orig_f1']:6.4f} {cols}"
            )
        return 0
    variants = a.variants.split(",") if a.variants else None
    if unknown := [v for v in variants or [] if v not in VARIANTS]:
        ap.error(f"unknown variants: {', '.join(unknown)}")
    if not a.corpus or not a.corpus.is_dir():
        ap.error(f"no corpus folder {a.corpus}")
    t0 = time.monotonic()
    m = build(a.corpus, a.out, a.only.split(",") if a.only else None, variants, not a.no_pdf, a.seed)
    print(
        f"{len(m['made'])} variants made, {len(m['skipped'])} skipped, in {time.monotonic() - t0:.1f} s -> {a.out}"
    )
    if m.get("pdf_failed"):
        print(f"no PDF for: {', '.join(m['pdf_failed'])}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
