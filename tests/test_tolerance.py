"""Labels read when damaged, and only labels: look-alike characters of OCR, traditional
characters, a space or a line break inside a label, one character wrong in a long label.

Each tolerance has its true case (a damaged label read as the label) and its false case
(a word one character away that is another word, never read as the label); and on the
samples, which hold no damaged label, no tolerance matches anything: any match there
would be a false one (precision must not drop).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import make_doc

import extract
from normalize import fields as F
from normalize import records
from normalize import tables as T
from normalize.facts import scan
from normalize.patterns import fold
from normalize.tolerance import LOOKALIKES, label_view

D = Decimal
FUNDS_HEAD = ("项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")


def fact(sentence: str, field: str) -> Decimal | None:
    return next((f.value for f in scan(sentence, None) if f.field == field), None)


def form(head, total=("年度资金总额", "100", "120", "90", "10", "75%", "7.5")):
    return records(
        make_doc(
            "项目支出绩效自评表", [("项目名称", "青山县农村公路养护项目", "", "", "", "", ""), head, total]
        )
    )


# ---- look-alike characters ---------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, field, value",
    [
        ("年初预篡数 500.00万元", "budget_initial", D("5000000.00")),  # 篡 for 算
        ("预算执行牢为98.5%", "execution_rate", D("98.5")),  # 牢 for 率
        ("全年预算数 120万兀", "budget_adjusted", D("1200000.00")),  # 兀 for 元, in a unit
    ],
)
def test_a_look_alike_character_is_read_as_the_label_character(sentence, field, value):
    assert fact(sentence, field) == value


def test_a_header_unit_with_a_look_alike_character_gives_the_unit():
    head = ("项目资金(万兀)", *FUNDS_HEAD[1:])
    assert form(head).report.budget_adjusted == D("1200000.00")


def test_no_label_uses_a_character_the_view_replaces():
    """So a label is found in the view exactly as it is written."""
    words = {w for t in F.RECORDS.values() for f in t for w in (*f.labels, *f.columns, *f.cells, *f.rows)}
    assert {w for w in words if label_view(w) != w} == set()
    assert set(LOOKALIKES) & set("".join(words)) == set()


def test_the_view_keeps_every_offset():
    text = "項目資金（万兀）：年初预篡数 403.51"
    assert len(label_view(text)) == len(text)


# ---- traditional characters ---------------------------------------------------------


def test_a_form_in_traditional_characters_is_read():
    head = ("項目資金（萬元）", "年初預算數", "全年預算數", "全年執行數", "分值", "執行率", "得分")
    rep = form(head).report
    assert (rep.budget_initial, rep.budget_adjusted, rep.expenditure) == (
        D("1000000.00"),
        D("1200000.00"),
        D("900000.00"),
    )


def test_a_name_in_traditional_characters_is_kept_as_written():
    recs = records(
        make_doc(
            "项目支出绩效自评表", [("項目名稱", "青山縣農村公路養護項目"), ("实施单位", "青山縣交通運輸局")]
        )
    )
    assert recs.report.unit_name == "青山縣交通運輸局"


# ---- a space or a line break inside a label ---------------------------------------


@pytest.mark.parametrize(
    "sentence, field, value",
    [
        ("全年执行 数 510.00万元", "expenditure", D("5100000.00")),
        ("年初预算\n数 403.51 万元", "budget_initial", D("4035100.00")),
    ],
)
def test_a_label_broken_by_a_space_or_a_line_is_one_label(sentence, field, value):
    assert fact(sentence, field) == value


def test_the_label_recorded_is_the_documents_own_words():
    (f,) = [f for f in scan("年初预篡\n数 403.51 万元", None) if f.money]
    assert f.label == "年初预篡数"


# ---- one character wrong in a long label ---------------------------------------------


@pytest.mark.parametrize(
    "cell, field",
    [
        ("全年执衍数", "expenditure"),  # a character no label uses, read in place of 行
        ("实际完成傎", "actual"),
        ("年度指标傎", "target"),
        ("二级指祘", "level2"),
    ],
)
def test_a_long_header_with_one_unknown_character_is_its_label(cell, field):
    found = (T.FUNDS_WORDS.get(cell) or ()) + (T.INDICATOR_WORDS.get(cell) or ())
    assert field in found


@pytest.mark.parametrize(
    "cell",
    [
        "全年决算数",  # 决 is a word of the domain: another figure
        "上年预算数",  # last year's budget
        "科目名称",  # 科目 is a word: a budget code's name, no project
        "栏目名称",
        "点位名称",  # no 单位名称
        "年度目标",  # the goal, not 年度目标值: a lost character is no tolerance
        "分数",  # short labels are matched exactly
    ],
)
def test_a_word_one_character_from_a_label_that_is_another_word_is_no_label(cell):
    for words in (T.FUNDS_WORDS, T.INDICATOR_WORDS, T.KEY_WORDS, T.MONEY_KEYS):
        assert words.get(cell) is None, (cell, words.get(cell))


def test_the_last_years_budget_in_a_sentence_is_not_the_budget():
    assert fact("上年预算数 100万元", "budget_adjusted") is None


# ---- measured: no tolerance matches a word of the samples ----------------------------

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _sample_cells():
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix.lower() not in (".docx", ".pdf", ".xlsx"):
            continue
        doc = extract.read(path)
        for page in doc.pages:
            for block in page.blocks:
                for row in block.rows or ():
                    yield path.name, row


def test_no_cell_of_the_samples_is_a_label_only_by_tolerance():
    """The samples are clean: a cell matched only within one edit would be a false match."""
    vocabularies = (T.FUNDS_WORDS, T.INDICATOR_WORDS, T.KEY_WORDS, T.MONEY_KEYS, T.TOTAL_WORDS, T.SCORE_WORDS)
    near = [
        (name, cell)
        for name, row in _sample_cells()
        for cell in row
        for words in vocabularies
        if (w := T._header_word(cell).rstrip(":：")) not in words.words and words.near(w)
    ]
    assert near == []


@pytest.mark.slow
def test_no_cell_of_the_real_files_is_a_label_only_by_tolerance(shared):
    """The real files' cells (決算 packages, stacked forms, rubrics: 科目名称, 栏目名称, 点位名称
    stand in them): none is a label only within one edit."""
    vocabularies = (T.FUNDS_WORDS, T.INDICATOR_WORDS, T.KEY_WORDS, T.MONEY_KEYS, T.TOTAL_WORDS, T.SCORE_WORDS)
    near = []
    for path in sorted(p for p in (shared / "corpus" / "real" / "files").iterdir() if p.is_file()):
        if path.name.endswith(".scan.pdf"):
            continue  # the same tables as the text PDF, through OCR (slow)
        try:
            doc = extract.read(path)
        except extract.ExtractError:
            continue
        for page in doc.pages:
            for block in page.blocks:
                for row in block.rows or ():
                    for cell in row:
                        w = T._header_word(cell).rstrip(":：")
                        near += [(path.name, w) for v in vocabularies if w not in v.words and v.near(w)]
    assert near == []


def test_a_report_in_traditional_characters_and_full_width_digits_is_read():
    recs = records(
        make_doc(
            "# 龍山縣大數據中心２０２２年部門整體支出績效自評報告",
            "２０２２年我部門年初預算批复數４０３．５１萬元，全年預算數４７７．７２萬元，預算總體執行率為１００％。",
            "（一）（一門式）全覆蓋網絡建設租賃費項目績效自評綜述：項目全年預算數５８萬元，執行數５８萬元。",
        )
    )
    rep = recs.report
    assert rep.report_kind.value == "dept_overall"
    assert (rep.fiscal_year, rep.budget_initial, rep.budget_adjusted) == (
        2022,
        D("4035100.00"),
        D("4777200.00"),
    )
    assert [(p.project_name, p.budget_adjusted) for p in recs.projects] == [
        ("（一門式）全覆蓋網絡建設租賃費項目", D("580000.00"))
    ]


def test_a_simplified_name_with_a_character_traditional_texts_use_too_is_kept():
    """乾 and 著 are simplified characters as well (GB2312 holds them): 乾州 stays 乾州."""
    assert label_view(fold("吉首市乾州街道 成效显著")) == "吉首市乾州街道 成效显著"


# ---- one character misread in running text ------------------------------------------


@pytest.mark.parametrize(
    "sentence, field, value",
    [
        ("全年执衍数 510.00万元", "expenditure", D("5100000.00")),
        ("部门预篡总金额 803.74 万元", "budget_adjusted", D("8037400.00")),
        ("项日预算120万元", "budget_adjusted", D("1200000.00")),  # 日 for 目: 项日 is no word
    ],
)
def test_a_long_label_with_one_character_misread_in_a_sentence(sentence, field, value):
    assert fact(sentence, field) == value


@pytest.mark.parametrize(
    "sentence",
    [
        "上年预算数 100万元",  # last year's
        "全年决算数 100万元",  # 决 makes another figure: never the budget misread
    ],
)
def test_a_sentence_label_one_character_from_another_figure_is_not_misread(sentence):
    assert fact(sentence, "budget_adjusted") is None


def test_a_misread_label_that_could_be_two_labels_is_neither():
    """预算执行敉: 执行数 or 执行率 misread — a reader looks at the figure; the label alone cannot say."""
    assert scan("预算执行敉 90", None) == []
