"""Excel workbooks (.xlsx with openpyxl, legacy .xls with xlrd): each sheet a page.

The standard forms are often filled in Excel. A sheet becomes one page (its number is
the sheet's position, 1-based) holding its title rows as paragraphs and its grid as a
table. Merged cells are filled with their value over the whole range, as python-docx
repeats a merged Word cell. Numbers are never floats past this point: a cell's value is
turned into the text a person sees, by its number format (0.9512 under `0.00%` is
"95.12%", 80 under `0.00` is "80.00"), through Decimal.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import regex

from extract.errors import CorruptFile, EmptyFile
from extract.layout import Line, pages_from_lines
from extract.model import Document, Format

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_CELLS = 2_000_000


def _decimal(v: float | int) -> Decimal:
    """The number Excel stored, exactly as its shortest decimal form (0.1 stays 0.1)."""
    return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)


def show(value, number_format: str | None) -> str:
    """A cell as a person sees it in Excel or WPS."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.datetime, dt.date)):
        d = value.date() if isinstance(value, dt.datetime) else value
        return f"{d.year}年{d.month}月{d.day}日"
    if isinstance(value, (int, float)):
        try:
            return _show_number(_decimal(value), number_format or "General")
        except ArithmeticError:  # a number beyond Decimal's context: show it as stored
            return repr(value)
    return " ".join(str(value).split()) if "\n" not in str(value) else str(value).strip()


def _show_number(d: Decimal, fmt: str) -> str:
    """Excel's display: the format's decimals (half away from zero), 15 significant digits
    under General, a percent format times 100, thousands separators where the format has them."""
    fmt = fmt.split(";")[0]
    if fmt == "General" or not regex.search(r"[0#]", fmt):
        if d != 0:
            d = d.quantize(Decimal(1).scaleb(d.adjusted() - 14), rounding=ROUND_HALF_UP)
        d = d.normalize()
        return f"{d.quantize(Decimal(1)):f}" if d == d.to_integral_value() else f"{d:f}"
    m = regex.search(r"[0#]\.(0+)", fmt)
    places = len(m.group(1)) if m else 0
    if "%" in fmt:
        d = d * 100
    d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{d:,f}" if "," in fmt else f"{d:f}"
    return text + ("%" if "%" in fmt else "")


def _grid_lines(grid: list[list[str]]) -> list[Line]:
    """Title rows (one text over the whole row: a merged title) as paragraphs, the rest as a table."""
    lines: list[Line] = []
    table: list[tuple[str, ...]] = []
    width = max((len(r) for r in grid), default=0)
    for row in grid:
        cells = [c for c in row if c]
        if not cells:
            continue
        one = len(set(cells)) == 1
        # a title: one text merged over the whole row, or a lone cell above the table
        if one and ((len(cells) == width and width > 2) or (not table and len(cells) == 1)):
            if table:
                lines.append(Line("", table=tuple(table)))
                table = []
            lines.append(Line(cells[0]))
            continue
        table.append(tuple(row) + ("",) * (width - len(row)))
    if table:
        lines.append(Line("", table=tuple(table)))
    return lines


def _trim(grid: list[list[str]]) -> list[list[str]]:
    """Drop empty trailing columns."""
    last = max((max((i for i, c in enumerate(r) if c), default=-1) for r in grid), default=-1)
    return [r[: last + 1] for r in grid]


def _merge_without_borders(ws, mcr) -> None:
    """openpyxl's Worksheet._clean_merge_range, less its last step: every cell of a merged
    range but the first becomes a MergedCell, as there; copying the first cell's borders
    onto the range's edges (MergedCellRange.format, three quarters of the load time of a
    form workbook) is left out: a border says nothing we read."""
    from openpyxl.cell.cell import MergedCell

    cells = mcr.cells
    next(cells)
    for row, col in cells:
        ws._cells[row, col] = MergedCell(ws, row, col)


@contextmanager
def _fast_merges():
    from openpyxl.worksheet.worksheet import Worksheet

    full = Worksheet._clean_merge_range
    Worksheet._clean_merge_range = _merge_without_borders
    try:
        yield
    finally:
        Worksheet._clean_merge_range = full


def read_xlsx(path: Path, fmt: Format = Format.XLSX) -> Document:
    import openpyxl

    try:
        with zipfile.ZipFile(path) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNCOMPRESSED:
                raise CorruptFile("refused: workbook inflates beyond 200 MiB (zip bomb?)")
        # from its bytes, not by its name: openpyxl refuses a path whose suffix is not .xlsx
        with _fast_merges(), open(path, "rb") as fh:
            wb = openpyxl.load_workbook(fh, data_only=True)
    except CorruptFile:
        raise
    except Exception as exc:
        raise CorruptFile(f"corrupt xlsx: {type(exc).__name__}: {str(exc)[:120]}") from exc
    pages = []
    for n, ws in enumerate(wb.worksheets, start=1):
        # the cells that hold a value: a sheet's declared dimension counts formatted empty cells
        # too (one styled cell at A1048576, or columns to XFD, as real files have)
        filled = [key for key, cell in ws._cells.items() if cell.value is not None and cell.value != ""]
        if len(filled) > MAX_CELLS:
            raise CorruptFile(f"sheet {ws.title} has {len(filled)} cells with values, over the limit")
        rows = max((r for r, _ in filled), default=0)
        cols = max((c for _, c in filled), default=0)
        grid = (
            [
                [show(c.value, c.number_format) for c in row]
                for row in ws.iter_rows(min_row=1, max_row=rows, min_col=1, max_col=cols)
            ]
            if rows and cols
            else []
        )
        for rng in ws.merged_cells.ranges:
            top = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(grid) else ""
            for r in range(rng.min_row - 1, min(rng.max_row, len(grid))):
                for c in range(rng.min_col - 1, min(rng.max_col, len(grid[r]))):
                    grid[r][c] = top
        pages.append((n, _grid_lines(_trim(grid))))
    if not any(lines for _, lines in pages):
        raise EmptyFile("empty workbook: no cell has a value")
    return Document(Format.XLSX, pages_from_lines(pages), len(pages))


def read_xls(path: Path, fmt: Format = Format.XLS) -> Document:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True)
    except Exception as exc:
        raise CorruptFile(f"corrupt xls: {type(exc).__name__}: {str(exc)[:120]}") from exc
    pages = []
    for n, sh in enumerate(book.sheets(), start=1):
        grid = []
        for r in range(sh.nrows):
            row = []
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                fmt = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
                v = cell.value
                if cell.ctype == xlrd.XL_CELL_DATE:
                    v = xlrd.xldate.xldate_as_datetime(v, book.datemode)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    v = None
                row.append(show(v, fmt))
            grid.append(row)
        for r0, r1, c0, c1 in sh.merged_cells:
            top = grid[r0][c0]
            for r in range(r0, r1):
                for c in range(c0, c1):
                    grid[r][c] = top
        pages.append((n, _grid_lines(_trim(grid))))
    if not any(lines for _, lines in pages):
        raise EmptyFile("empty workbook: no cell has a value")
    return Document(Format.XLS, pages_from_lines(pages), len(pages))
