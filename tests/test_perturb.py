"""The perturbation corpus (tools/perturb.py) on three development reports: the seed 000
(text, numbered projects), the form 014 (one 项目支出 form with indicators) and 060 (two
forms in 元). Each variant is made where it applies, changes what it says it changes, keeps
every gold figure in the text and the gold's numbers as they were, and renders to a .docx
that holds its tables. Skipped where ../shared is absent; only the PDF test is slow.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT
from docx import Document

pytestmark = pytest.mark.corpus  # reads ../shared/corpus

DOCS = ("000", "014", "060")
TEXT_ONLY = {"reorder", "header2", "stacked", "flat-cells", "flat-spaces"}  # need a table, 000 has none
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
BUDGET_CODE = re.compile(r"\d{8}[TRY]\d{12}-")


def load_perturb():
    spec = importlib.util.spec_from_file_location("perturb", ROOT / "tools" / "perturb.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["perturb"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


perturb = load_perturb()


@pytest.fixture(scope="module")
def built(shared, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("perturb")
    argv = ["--corpus", str(shared / "corpus"), "--out", str(out), "--only", ",".join(DOCS), "--no-pdf"]
    assert perturb.main(argv) == 0
    return out, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def source(base: Path, gold_id: str) -> str:
    return (base / gold_id / "source.txt").read_text(encoding="utf-8")


def gold(base: Path, gold_id: str) -> dict:
    return json.loads((base / gold_id / "gold.json").read_text(encoding="utf-8"))


def folded(text: str) -> str:
    """How a reader compares figures: width-folded, no spaces, no cell line breaks."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text.replace(perturb.CELL_BREAK, "")))


def figures(g: dict) -> list[str]:
    """The number of every money, rate and score value of a gold record."""
    values = [
        g["report"].get(f) for f in ("budget_initial", "budget_adjusted", "expenditure", "execution_rate")
    ]
    values += [g["report"].get(f) for f in ("basic_expenditure", "personnel_expenditure", "self_score")]
    for p in g["projects"]:
        values += [
            p.get(f) for f in ("budget_initial", "budget_adjusted", "expenditure", "execution_rate", "score")
        ]
    values += [i.get(f) for i in g["indicators"] for f in ("weight", "score")]
    return [m.group() for v in values if v is not None and (m := NUMBER.search(str(v)))]


def table_runs(text: str) -> list[list[str]]:
    """The tables of a source.txt as the renderer sees them: runs of `|` lines, runs of tab lines."""
    runs: list[list[str]] = []
    kind = None
    for line in text.split("\n"):
        k = "bar" if line.startswith("|") else "tab" if "\t" in line else None
        if k and k == kind:
            runs[-1].append(line)
        elif k:
            runs.append([line])
        kind = k
    return runs


def made(manifest: dict, variant: str) -> list[dict]:
    return [m for m in manifest["made"] if m["variant"] == variant]


def test_each_variant_is_made_where_it_applies(built):
    base, manifest = built
    ids = {m["id"] for m in manifest["made"]}
    expected = {f"{d}-{v}" for d in DOCS for v in perturb.VARIANTS if not (d == "000" and v in TEXT_ONLY)}
    assert ids == expected
    assert {(s["doc"], s["variant"]) for s in manifest["skipped"]} == {("000", v) for v in TEXT_ONLY}
    for gold_id in ids:  # the layout score.py reads: OUT/ID/gold.json with its id, OUT/rendered/ID.docx
        assert gold(base, gold_id)["id"] == gold_id
        assert (base / "rendered" / f"{gold_id}.docx").is_file()


def test_gold_numbers_and_names_are_carried_over(built, shared):
    base, manifest = built
    for m in manifest["made"]:
        original = json.loads((shared / "corpus" / m["doc"] / "gold.json").read_text(encoding="utf-8"))
        carried = {k: v for k, v in gold(base, m["id"]).items() if k not in ("id", "perturbation")}
        if m["variant"] == "signature" and original["report"]["report_date"] is None:
            # the signature it adds carries a date, which the gold now reads
            assert carried["report"].pop("report_date") is not None
            original["report"].pop("report_date")
        assert carried == {k: v for k, v in original.items() if k != "id"}, m["id"]


def test_every_gold_figure_is_still_in_the_text(built, shared):
    base, manifest = built
    for m in manifest["made"]:
        before = folded((shared / "corpus" / m["doc"] / "source.txt").read_text(encoding="utf-8"))
        after = folded(source(base, m["id"]))
        for figure in figures(gold(base, m["id"])):
            if figure in before:
                assert figure in after, (m["id"], figure)


def test_syn_writes_another_word_of_the_same_field(built, shared):
    base, manifest = built
    declared = perturb.read_fields()
    for m in made(manifest, "syn"):
        assert m["changes"], m["id"]
        text = source(base, m["id"])
        assert text != (shared / "corpus" / m["doc"] / "source.txt").read_text(encoding="utf-8")
        for c in m["changes"]:
            words = {w for kind in declared[c["field"]].values() for w in kind}
            assert (
                c["from"] != c["to"] and {c["from"], c["to"]} <= words and perturb.LABEL_END.search(c["to"])
            ), c
            assert c["to"] in text
    # the seed's figures now stand behind other words
    seed = source(base, "000-syn")
    assert "年初预算批复数 403.51" not in seed and "403.51 万元" in seed


def test_ocr_damages_a_label_or_two_and_no_digit(built, shared):
    base, manifest = built
    damaged = set(perturb.OCR_CONFUSIONS.values())
    for m in made(manifest, "ocr"):
        before = (shared / "corpus" / m["doc"] / "source.txt").read_text(encoding="utf-8")
        after = source(base, m["id"])
        assert 1 <= len(m["changes"]) <= max(perturb.OCR_LABELS)
        for c in m["changes"]:
            assert c["from"] != c["to"] and damaged & set(c["to"]) and c["to"] in after
        assert re.findall(r"\d", before) == re.findall(r"\d", after)
        assert sum(a != b for a, b in zip(before, after)) == len(m["changes"]) and len(before) == len(after)
        for name in [gold(base, m["id"])["report"]["unit_name"]] + [
            p["project_name"] for p in gold(base, m["id"])["projects"]
        ]:
            assert folded(name) in folded(after) or folded(name) not in folded(before)


def test_split_breaks_labels_inside_cells_and_in_running_text(built):
    base, manifest = built
    for m in made(manifest, "split"):
        text = source(base, m["id"])
        for c in m["changes"]:
            assert c["to"].replace(perturb.CELL_BREAK, "").replace(" ", "") == c["from"] != c["to"]
            assert c["to"] in text
    assert perturb.CELL_BREAK in source(base, "014-split")  # a cell wraps: 全年执行<br>数
    assert any(" " in c["to"] for c in made(manifest, "split")[0]["changes"])  # the seed's text: 年终 决算数


def test_width_uses_full_width_digits_and_traditional_characters(built):
    base, _ = built
    text = source(base, "000-width")
    assert "４０３．５１" in text and "預算" in text and "403.51" not in text
    g = gold(base, "000-width")
    for name in [g["report"]["unit_name"]] + [p["project_name"] for p in g["projects"]]:
        assert re.sub(r"\s+", "", name) in re.sub(r"\s+", "", text)  # names stay as the gold reads them


def header_and_row(text: str) -> dict[str, str]:
    """A form's funds header mapped to the figures of the row below it."""
    lines = text.split("\n")
    h = next(i for i, line in enumerate(lines) if "全年执行数" in line and line.startswith("|"))
    header = [c.strip() for c in lines[h].strip("|").split("|")]
    row = [c.strip() for c in lines[h + 1].strip("|").split("|")]
    return {k: v for k, v in zip(header, row) if k}


def test_reorder_moves_a_header_and_its_rows_together(built):
    base, _ = built
    for doc in ("014", "060"):
        before, after = source(base, f"{doc}-orig"), source(base, f"{doc}-reorder")
        assert before != after
        assert header_and_row(before) == header_and_row(after)
        assert list(header_and_row(before)) != list(header_and_row(after))
        first = [line.strip("|").split("|")[0].strip() for line in after.split("\n") if line.startswith("|")]
        assert first == [
            line.strip("|").split("|")[0].strip() for line in before.split("\n") if line.startswith("|")
        ]


def test_header2_writes_a_header_over_two_rows(built):
    base, manifest = built
    for m in made(manifest, "header2"):
        rows = [
            perturb.split_row(line)
            for line in source(base, f"{m['doc']}-orig").split("\n")
            if line.startswith("|")
        ]
        for c in m["changes"]:
            assert sum(bool(b) for b in c["bottom"]) >= 2
            assert [a + b for a, b in zip(c["top"], c["bottom"])] in rows  # read down, the header as it was
        assert source(base, m["id"]).count("\n") == source(base, f"{m['doc']}-orig").count("\n") + len(
            m["changes"]
        )


def test_stacked_puts_every_form_in_one_table(built):
    base, _ = built
    text = source(base, "060-stacked")
    runs = table_runs(text)
    assert len(runs) == 1
    table = "\n".join(runs[0])
    assert table.count("| 项目名称 |") == 2 and table.count("| 财政项目支出绩效自评表 (2022 年度) |") == 2
    assert "-1-" not in text  # a page mark between the forms is no row


def test_code_prefixes_project_names_and_gold_keeps_them_bare(built):
    base, _ = built
    for gold_id in ("000-code", "014-code", "060-code"):
        text, g = source(base, gold_id), gold(base, gold_id)
        for p in g["projects"]:
            assert not BUDGET_CODE.match(p["project_name"])
            name = re.escape(re.sub(r"\s+", "", p["project_name"]))
            assert re.search(BUDGET_CODE.pattern + name, re.sub(r"\s+", "", text)), (
                gold_id,
                p["project_name"],
            )


def test_flattened_tables_leave_no_table_rows(built):
    base, manifest = built
    for variant in ("flat-cells", "flat-spaces"):
        for m in made(manifest, variant):
            text = source(base, m["id"])
            assert not [line for line in text.split("\n") if line.startswith("|")], m["id"]
            assert not Document(str(base / "rendered" / f"{m['id']}.docx")).tables
    cells = source(base, "014-flat-cells").split("\n")
    assert "全年预算数(A)" in cells and "年度资金总额:" in cells  # one cell a line
    assert re.search(r"年度资金总额: {2,}20 {2,}20 {2,}10", source(base, "014-flat-spaces"))


def test_signature_names_the_unit_only_at_the_end(built):
    base, _ = built
    text, g = source(base, "000-signature"), gold(base, "000-signature")
    unit = g["report"]["unit_name"]
    assert unit not in text.split("\n")[2]  # the title
    assert [line.strip() for line in text.strip().split("\n")[-2:]] == [unit, "2023年6月5日"]
    tail = source(base, "060-signature").strip().split("\n")[-2:]
    assert tail[0] == gold(base, "060-signature")["report"]["unit_name"]
    y, mo, d = (int(x) for x in gold(base, "060-signature")["report"]["report_date"].split("-"))
    assert tail[1] == f"{y}年{mo}月{d}日" and y == 2023  # a date the gold now reads, the year after 2022


def test_docx_holds_the_tables(built):
    base, manifest = built
    for m in manifest["made"]:
        text = source(base, m["id"])
        doc = Document(str(base / "rendered" / f"{m['id']}.docx"))
        runs = table_runs(text)
        assert len(doc.tables) == len(runs), m["id"]
        for table, run in zip(doc.tables, runs):
            assert len(table.rows) == len(run)
            if run[0].startswith("|"):
                first = perturb.split_row(run[0])[0].replace(perturb.CELL_BREAK, "\n")
                assert table.rows[0].cells[0].text == first
    split = Document(str(base / "rendered" / "014-split.docx")).tables[0]
    assert any("\n" in c.text for c in split.rows[2].cells)  # a line break inside a cell is a real one


def test_the_same_seed_writes_the_same_files(shared, tmp_path):
    args = [
        "--corpus",
        str(shared / "corpus"),
        "--only",
        "014",
        "--variants",
        "syn,ocr,split,code",
        "--no-pdf",
    ]
    for run in ("a", "b"):
        assert perturb.main([*args, "--out", str(tmp_path / run)]) == 0
    for gold_id in ("014-syn", "014-ocr", "014-split", "014-code"):
        assert source(tmp_path / "a", gold_id) == source(tmp_path / "b", gold_id)
        a, b = (tmp_path / r / "rendered" / f"{gold_id}.docx" for r in ("a", "b"))
        assert a.read_bytes() == b.read_bytes()
    assert perturb.main([*args, "--out", str(tmp_path / "c"), "--seed", "2"]) == 0
    assert any(
        source(tmp_path / "a", g) != source(tmp_path / "c", g) for g in ("014-ocr", "014-split", "014-code")
    )


@pytest.mark.slow
def test_pdfs_are_exported_with_their_text(shared, tmp_path):
    import pypdfium2

    args = [
        "--corpus",
        str(shared / "corpus"),
        "--out",
        str(tmp_path),
        "--only",
        "060",
        "--variants",
        "orig,width",
    ]
    assert perturb.main(args) == 0
    for gold_id in ("060-orig", "060-width"):
        pdf = pypdfium2.PdfDocument(str(tmp_path / "rendered" / f"{gold_id}.pdf"))
        text = unicodedata.normalize("NFKC", "".join(page.get_textpage().get_text_range() for page in pdf))
        assert "215,457.6" in text and "自评表" in text.replace("評", "评"), (
            gold_id
        )  # real text, in the CJK font
