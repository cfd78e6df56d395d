"""Ruled-table geometry: ruling lines -> merged edges -> crossing points -> cells -> tables.

pdfplumber's lattice chain (pdfplumber.table: `merge_edges`, `edges_to_intersections`,
`intersections_to_cells`, `cells_to_tables`), edge for edge, point for point and cell for
cell, kept here so that reading a PDF never imports pdfplumber (a fifth of a second before
the workers start) unless a page needs its font decoding. Crossings and cells without
pdfplumber's quadratic inner work: it re-sorts every horizontal line for each vertical one,
and compares the edges of two points by building two sets of boxes (and evaluating typing
annotations) for each of the ~10^5 pairs a form page asks about. Here each point's edges
are made into sets once, and the points straight below and to the right of a point are
looked up by column and row. Merging and grouping are pdfplumber's own steps, written out.
tests/test_same_as_reference.py holds each step to pdfplumber's on generated grids.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from operator import itemgetter

Point = tuple[float, float]
Box = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Tolerances:
    """How far apart (in points) ruling lines may be and still be one line, touch, or cross:
    pdfplumber's TableSettings for its lattice strategy."""

    edge_min_length: float = 3  # a shorter line is a glyph's stroke, not a rule
    snap_x: float = 3  # parallel lines this close are one line
    snap_y: float = 3
    join_x: float = 3  # pieces of one line this close are one piece
    join_y: float = 3
    # a rule that stops this short of another still meets it. pdfplumber's default is 3; 2.5
    # still meets a grid whose rules stop 2 pt short, while at 3 the framed text boxes of a
    # real LibreOffice PDF (corpus/real r04: frames drawn 2.5-3 pt apart) join into cells, and
    # the report's title and year ("2017年部门决算编制说明") vanish into a table
    intersection_x: float = 2.5
    intersection_y: float = 2.5


# the tolerances every PDF page is read with: pdfplumber's page defaults but for the crossing
# (see intersection_x); a grid whose rules stop 2 pt short is a table to pdfplumber and here
PAGE_TOLERANCES = Tolerances()

_box = itemgetter("x0", "top", "x1", "bottom")


def _cluster(values: list[float], tolerance: float) -> dict[float, int]:
    """value -> the number of its cluster: sorted values, a new cluster where the gap to the
    previous value passes `tolerance` (pdfplumber's make_cluster_dict)."""
    xs = sorted(set(values))
    out: dict[float, int] = {}
    group = 0
    for i, x in enumerate(xs):
        if i and (tolerance == 0 or x > xs[i - 1] + tolerance):
            group += 1
        out[x] = group
    return out


def _snap(edges: list[dict], attr: str, tolerance: float) -> list[dict]:
    """Edges whose `attr` lie within `tolerance` of each other moved to their mean, cluster
    by cluster (pdfplumber's snap_objects): a vertical edge along x, a horizontal along y."""
    moved = ("x0", "x1") if attr == "x0" else ("top", "bottom")
    clusters = _cluster([e[attr] for e in edges], tolerance)
    ordered = sorted(((e, clusters[e[attr]]) for e in edges), key=itemgetter(1))
    out: list[dict] = []
    for _, group in itertools.groupby(ordered, key=itemgetter(1)):
        members = [e for e, _ in group]
        mean = sum(e[attr] for e in members) / len(members)
        for e in members:
            shift = mean - e[attr]
            out.append({**e, moved[0]: e[moved[0]] + shift, moved[1]: e[moved[1]] + shift})
    return out


def _join(edges: list[dict], orientation: str, tolerance: float) -> list[dict]:
    """Edges along one line that touch or overlap (within `tolerance`) made one
    (pdfplumber's join_edge_group)."""
    lo, hi, size = ("x0", "x1", "width") if orientation == "h" else ("top", "bottom", "height")
    ordered = sorted(edges, key=itemgetter(lo))
    joined = [ordered[0]]
    for e in ordered[1:]:
        last = joined[-1]
        if e[lo] <= last[hi] + tolerance:
            if e[hi] > last[hi]:
                grown = e[hi] - last[hi]
                joined[-1] = {
                    **last,
                    hi: e[hi],
                    size: (e[hi] - last[lo]) if orientation == "h" else last[size] + grown,
                }
        else:
            joined.append(e)
    return joined


def merge_edges(edges: list[dict], snap_x: float, snap_y: float, join_x: float, join_y: float) -> list[dict]:
    """Ruling lines drawn a little apart snapped together, and the pieces of one line joined
    (pdfplumber's merge_edges, which its table finder runs with 3 for every tolerance)."""
    if snap_x > 0 or snap_y > 0:
        edges = _snap([e for e in edges if e["orientation"] == "v"], "x0", snap_x) + _snap(
            [e for e in edges if e["orientation"] == "h"], "top", snap_y
        )

    def line_of(e: dict) -> tuple[str, float]:
        return ("h", e["top"]) if e["orientation"] == "h" else ("v", e["x0"])

    out: list[dict] = []
    for (orientation, _), group in itertools.groupby(sorted(edges, key=line_of), key=line_of):
        out += _join(list(group), orientation, join_x if orientation == "h" else join_y)
    return out


def intersections(edges: list[dict], x_tolerance: float, y_tolerance: float) -> dict[Point, dict]:
    """Where a vertical edge crosses (or touches, within the tolerances) a horizontal one:
    {(x, y): {"v": [edges], "h": [edges]}}, as pdfplumber's edges_to_intersections."""
    vs = sorted((e for e in edges if e["orientation"] == "v"), key=itemgetter("x0", "top"))
    hs = sorted((e for e in edges if e["orientation"] == "h"), key=itemgetter("top", "x0"))
    tops = [h["top"] for h in hs]
    out: dict[Point, dict] = {}
    for v in vs:
        x = v["x0"]
        # h["top"] within [v.top - tol, v.bottom + tol]; the rest of the test per edge
        lo = bisect_left(tops, v["top"] - y_tolerance)
        hi = bisect_right(tops, v["bottom"] + y_tolerance)
        for h in hs[lo:hi]:
            if (
                v["top"] <= h["top"] + y_tolerance
                and v["bottom"] >= h["top"] - y_tolerance
                and h["x0"] - x_tolerance <= x <= h["x1"] + x_tolerance
            ):
                at = out.get((x, h["top"]))
                if at is None:
                    at = out[(x, h["top"])] = {"v": [], "h": []}
                at["v"].append(v)
                at["h"].append(h)
    return out


def cells(points: dict[Point, dict]) -> list[Box]:
    """The smallest rectangle whose four corners are crossings joined by shared edges,
    from each crossing down and to the right: pdfplumber's intersections_to_cells."""
    vset = {p: {_box(e) for e in at["v"]} for p, at in points.items()}
    hset = {p: {_box(e) for e in at["h"]} for p, at in points.items()}
    order = sorted(points)
    column: dict[float, list[Point]] = {}
    row: dict[float, list[Point]] = {}
    for p in order:
        column.setdefault(p[0], []).append(p)
        row.setdefault(p[1], []).append(p)

    def joined_v(a: Point, b: Point) -> bool:
        return not vset[a].isdisjoint(vset[b])

    def joined_h(a: Point, b: Point) -> bool:
        return not hset[a].isdisjoint(hset[b])

    def connects(a: Point, b: Point) -> bool:
        # pdfplumber's edge_connects: the same column and a shared vertical edge, or the
        # same row and a shared horizontal one
        return (a[0] == b[0] and joined_v(a, b)) or (a[1] == b[1] and joined_h(a, b))

    out: list[Box] = []
    for pt in order:
        col, rw = column[pt[0]], row[pt[1]]
        # points after pt in sorted order: same x and larger y; same y and larger x
        below = col[bisect_right(col, pt) :]
        right = rw[bisect_right(rw, pt) :]
        if not below or not right:
            continue  # the last of its column or row: no cell has it as its top left
        found = None
        for b in below:
            if not joined_v(pt, b):
                continue
            for r in right:
                if not joined_h(pt, r):
                    continue
                corner = (r[0], b[1])
                if corner in points and connects(corner, r) and connects(corner, b):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            out.append(found)
    return out


def tables(cells: list[Box]) -> list[list[Box]]:
    """Cells grouped into tables: a cell that shares a corner with a table's cells belongs
    to it; tables top to bottom, then left to right; a lone cell is no table (pdfplumber's
    cells_to_tables)."""

    def corners(c: Box) -> tuple[Point, Point, Point, Point]:
        x0, top, x1, bottom = c
        return ((x0, top), (x0, bottom), (x1, top), (x1, bottom))

    remaining = list(cells)
    current_corners: set[Point] = set()
    current: list[Box] = []
    out: list[list[Box]] = []
    while remaining:
        before = len(current)
        left: list[Box] = []  # a pass's remaining cells, in their order (pdfplumber removes
        for cell in remaining:  # each taken cell from its list: quadratic on a form page)
            a, b, c, d = cc = corners(cell)
            if (
                not current
                or a in current_corners
                or b in current_corners
                or c in current_corners
                or d in current_corners
            ):
                current_corners.update(cc)
                current.append(cell)
            else:
                left.append(cell)
        remaining = left
        if len(current) == before:
            out.append(list(current))
            current_corners.clear()
            current.clear()
    if current:
        out.append(list(current))
    return [t for t in sorted(out, key=lambda t: min((c[1], c[0]) for c in t)) if len(t) > 1]
