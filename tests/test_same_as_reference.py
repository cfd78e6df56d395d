"""The fast paths give what the libraries they replace give.

extract.lattice stands in for pdfplumber's merged edges -> intersections -> cells -> tables, and
extract.word._table_rows for python-docx's `row.cells`; each is checked here against the
library itself on many generated grids, merges included. extract.pdf._sampled picks the
characters that place a line by runs of words; it is checked against a pick made one
character at a time.
"""

from __future__ import annotations

import random

import docx
import pytest
from docx.oxml.ns import qn
from pdfplumber import table as T
from pdfplumber.utils import obj_to_bbox

from extract import lattice
from extract.pdf import _sampled
from extract.word import _table_rows


def _ruled_grid(rng: random.Random) -> list[dict]:
    """A form's ruling lines: full rows and columns, some cut short (merged cells), some a
    little off the grid (as a PDF writer draws them)."""
    xs = sorted(rng.sample(range(50, 550, 5), rng.randint(2, 10)))
    ys = sorted(rng.sample(range(50, 750, 5), rng.randint(2, 25)))
    edges = []
    for y in ys:
        a, b = sorted(rng.sample(xs, 2)) if rng.random() < 0.3 else (xs[0], xs[-1])
        x0 = a + rng.choice([0, 0, 0.5])
        edges.append(
            {"x0": x0, "x1": b, "top": y, "bottom": y, "width": b - x0, "height": 0, "orientation": "h"}
        )
    for x in xs:
        a, b = sorted(rng.sample(ys, 2)) if rng.random() < 0.3 else (ys[0], ys[-1])
        bottom = b + rng.choice([0, 0, 1.5])
        edges.append(
            {
                "x0": x,
                "x1": x,
                "top": a,
                "bottom": bottom,
                "width": 0,
                "height": bottom - a,
                "orientation": "v",
            }
        )
    return T.merge_edges(edges, 3, 3, 3, 3)


def _raw_lines(rng: random.Random) -> list[dict]:
    """Ruling lines as a PDF writer leaves them, before merging: each row and column drawn
    in pieces that overlap, touch or stop short, some twice, a little off one another."""
    xs = sorted(rng.sample(range(50, 550, 5), rng.randint(2, 9)))
    ys = sorted(rng.sample(range(50, 750, 5), rng.randint(2, 20)))
    edges = []

    def pieces(a: float, b: float) -> list[tuple[float, float]]:
        cuts = sorted(rng.uniform(a, b) for _ in range(rng.randint(0, 3)))
        ends = [a, *cuts, b]
        return [
            (p + rng.choice([0, 0, -2, 1.5]), q + rng.choice([0, 0, 2.5, -1])) for p, q in zip(ends, ends[1:])
        ]

    for y in ys:
        for _ in range(rng.choice([1, 1, 2])):
            for p, q in pieces(xs[0], xs[-1]):
                if q > p:
                    yy = y + rng.choice([0, 0, 0.25, -2.5, 3.5])
                    edges.append(
                        {
                            "x0": p,
                            "x1": q,
                            "top": yy,
                            "bottom": yy,
                            "width": q - p,
                            "height": 0,
                            "orientation": "h",
                        }
                    )
    for x in xs:
        for _ in range(rng.choice([1, 1, 2])):
            for p, q in pieces(ys[0], ys[-1]):
                if q > p:
                    xx = x + rng.choice([0, 0, 0.5, 2.9, -3.1])
                    edges.append(
                        {
                            "x0": xx,
                            "x1": xx,
                            "top": p,
                            "bottom": q,
                            "width": 0,
                            "height": q - p,
                            "orientation": "v",
                        }
                    )
    rng.shuffle(edges)
    return edges


@pytest.mark.parametrize("seed", range(4))
def test_lattice_merges_and_groups_as_pdfplumber(seed):
    rng = random.Random(seed)
    for _ in range(80):
        edges = _raw_lines(rng)
        merged = lattice.merge_edges(edges, 3, 3, 3, 3)
        assert merged == T.merge_edges(edges, 3, 3, 3, 3)
        cells = lattice.cells(lattice.intersections(merged, 1, 1))
        assert lattice.tables(cells) == T.cells_to_tables(cells)


@pytest.mark.parametrize("seed", range(4))
def test_lattice_finds_pdfplumbers_crossings_and_cells(seed):
    rng = random.Random(seed)
    for _ in range(60):
        edges = _ruled_grid(rng)
        theirs = T.edges_to_intersections(edges, 1, 1)
        ours = lattice.intersections(edges, 1, 1)
        assert set(ours) == set(theirs)
        for point, at in theirs.items():
            for side in ("v", "h"):
                assert sorted(map(obj_to_bbox, ours[point][side])) == sorted(map(obj_to_bbox, at[side]))
        assert lattice.cells(ours) == T.intersections_to_cells(theirs)


def _short_grid(gap: float) -> list[dict]:
    """A 2 x 2 grid whose vertical rules stop `gap` points short of the outer horizontal ones
    (a writer that draws each cell's sides apart)."""
    xs, ys = (100, 200, 300), (100, 150, 200)
    h = [
        {"x0": xs[0], "x1": xs[-1], "top": y, "bottom": y, "width": 200, "height": 0, "orientation": "h"}
        for y in ys
    ]
    v = [
        {
            "x0": x,
            "x1": x,
            "top": ys[0] + gap,
            "bottom": ys[-1] - gap,
            "width": 0,
            "height": 100 - 2 * gap,
            "orientation": "v",
        }
        for x in xs
    ]
    return h + v


@pytest.mark.parametrize("gap", [0, 1, 2])
def test_a_grid_whose_rules_stop_short_is_pdfplumbers_table(gap):
    t = lattice.PAGE_TOLERANCES
    edges = lattice.merge_edges(_short_grid(gap), t.snap_x, t.snap_y, t.join_x, t.join_y)
    ours = lattice.cells(lattice.intersections(edges, t.intersection_x, t.intersection_y))
    # pdfplumber's page default (intersection_tolerance 3) finds the same four cells
    theirs = T.intersections_to_cells(
        T.edges_to_intersections(T.merge_edges(_short_grid(gap), 3, 3, 3, 3), 3, 3)
    )
    assert len(ours) == 4 and ours == theirs


def _row_cells(table) -> tuple[tuple[str, ...], ...]:
    """python-docx's reading, as extract.word read tables before."""
    rows = []
    for row in table.rows:
        try:
            cells = row.cells
        except (IndexError, ValueError):
            continue
        rows.append(tuple(c.text.strip() for c in cells))
    return tuple(rows)


@pytest.mark.parametrize("seed", range(4))
def test_word_table_grid_is_python_docx_row_cells(seed):
    rng = random.Random(seed)
    for _ in range(50):
        document = docx.Document()
        n_rows, n_cols = rng.randint(1, 6), rng.randint(1, 6)
        table = document.add_table(rows=n_rows, cols=n_cols)
        for r in range(n_rows):
            for c in range(n_cols):
                table.cell(r, c).text = f"第{r}行第{c}列"
        for _ in range(
            rng.randint(0, 3)
        ):  # merged blocks: 项目名称 over three columns, 一级指标 down four rows
            r1, r2 = (
                sorted(rng.sample(range(n_rows), 2))
                if n_rows > 1 and rng.random() < 0.5
                else (rng.randrange(n_rows),) * 2
            )
            c1, c2 = (
                sorted(rng.sample(range(n_cols), 2))
                if n_cols > 1 and rng.random() < 0.5
                else (rng.randrange(n_cols),) * 2
            )
            try:
                table.cell(r1, c1).merge(table.cell(r2, c2))
            except Exception:  # python-docx refuses a merge across an existing one: keep the table as is
                pass
        if rng.random() < 0.2:  # a broken file: the first row "continues" a merge from nowhere
            tc_pr = table._tbl.tr_lst[0].tc_lst[0].get_or_add_tcPr()
            tc_pr.append(tc_pr.makeelement(qn("w:vMerge"), {}))
        assert _table_rows(table._tbl) == _row_cells(table)


def _sampled_by_character(line: str) -> list[int]:
    """Which characters' boxes place a line, looked at one character at a time."""
    solid = [k for k, ch in enumerate(line) if not ch.isspace()]
    if len(solid) > 8:
        step = len(solid) / 6
        solid = sorted({solid[0], solid[-1], *(solid[int(i * step)] for i in range(1, 6))})
    return solid


@pytest.mark.parametrize(
    "line", ["", "   ", "一、部门基本情况", "  2022年度 预算  177.62 万元 ", "(8)\u3000项目\t名称：X"]
)
def test_sampled_characters_of_a_line(line):
    assert _sampled(line) == _sampled_by_character(line)


def test_sampled_characters_of_random_lines():
    rng = random.Random(7)
    alphabet = "ab 中文\u3000\t1２ x\x1c\u00a0"
    for _ in range(20_000):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert _sampled(line) == _sampled_by_character(line), line
