"""Ruled-table geometry: ruling lines -> crossing points -> cells.

The same results as pdfplumber's lattice chain (`edges_to_intersections`,
`intersections_to_cells` in pdfplumber.table), point for point and cell for cell, but
without its quadratic inner work: pdfplumber re-sorts every horizontal line for each
vertical one, and compares the edges of two points by building two sets of boxes (and
evaluating typing annotations) for each of the ~10^5 pairs a form page asks about. Here
each point's edges are made into sets once, and the points straight below and to the
right of a point are looked up by column and row. Edge merging and grouping cells into
tables stay pdfplumber's own (`merge_edges`, `cells_to_tables`): they are cheap.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import itemgetter

Point = tuple[float, float]
Box = tuple[float, float, float, float]

_box = itemgetter("x0", "top", "x1", "bottom")


def intersections(edges: list[dict], x_tolerance: float = 1, y_tolerance: float = 1) -> dict[Point, dict]:
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
            if (v["top"] <= h["top"] + y_tolerance and v["bottom"] >= h["top"] - y_tolerance
                    and h["x0"] - x_tolerance <= x <= h["x1"] + x_tolerance):
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
        below = col[bisect_right(col, pt):]
        right = rw[bisect_right(rw, pt):]
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
