"""Word .docx: paragraphs and tables in body order, headings from styles.

python-docx exposes paragraphs and tables as two lists; a report needs them in the
order they stand (the 审核意见 table closes the report, a funds table sits under its
caption), so we walk the body's XML children. A Word file has no pages: every block
is on page None.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import regex

from extract.errors import CorruptFile, EmptyFile
from extract.layout import Line, pages_from_lines
from extract.model import Document, Format

HEADING_STYLE = regex.compile(r"^(?:Heading|标题)\s*(\d)$", regex.I)

# A docx is a zip of XML: refuse one whose parts inflate beyond this (a zip bomb).
MAX_UNCOMPRESSED = 200 * 1024 * 1024


def _heading_level(style_name: str | None) -> int | None:
    if not style_name:
        return None
    if style_name in ("Title", "标题"):
        return 0
    m = HEADING_STYLE.match(style_name.strip())
    return int(m.group(1)) if m else None


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _val(el, path: str) -> str | None:
    """The w:val of the element at `path` under `el` ('' when it is there without one)."""
    got = el.find(path)
    return None if got is None else got.get(f"{W}val", "")


def _table_rows(tbl) -> tuple[tuple[str, ...], ...]:
    """A w:tbl as rows of cell texts, one for each grid column a cell covers: python-docx's
    `row.cells` read straight from the XML, with each cell's text read once. A cell merged
    across columns (gridSpan) repeats; one merged down from above (vMerge continue) repeats
    the text of the cell that opens the merge; a row with a continuation that has no cell
    straight above it is left out (python-docx raises there)."""
    from docx.text.paragraph import Paragraph

    texts: dict = {}

    def text(tc) -> str:
        got = texts.get(tc)
        if got is None:
            # a paragraph's text needs no story part: no parent is given
            paras = (Paragraph(p, None).text for p in tc.iterchildren(f"{W}p"))  # type: ignore[arg-type]
            got = texts[tc] = "\n".join(paras).strip()
        return got

    rows = []
    above: dict[int, object] = {}  # previous row: grid offset -> the cell opening its content (None: broken)
    for tr in tbl.iterchildren(f"{W}tr"):
        offset = int(_val(tr, f"{W}trPr/{W}gridBefore") or 0)
        here: dict[int, object] = {}
        row: list[str] | None = []
        for tc in tr.iterchildren(f"{W}tc"):
            top = tc
            if _val(tc, f"{W}tcPr/{W}vMerge") in ("", "continue"):
                top = above.get(offset)
            here[offset] = top
            if top is None:
                row = None  # python-docx: "no tc element at grid_offset"
            elif row is not None:
                row.extend([text(top)] * int(_val(top, f"{W}tcPr/{W}gridSpan") or 1))
            offset += int(_val(tc, f"{W}tcPr/{W}gridSpan") or 1)
        above = here
        if row is not None:
            rows.append(tuple(row))
    return tuple(rows)


def _check_size(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile as exc:
        raise CorruptFile(f"corrupt docx: {exc}") from exc
    if total > MAX_UNCOMPRESSED:
        raise CorruptFile(f"refused: docx inflates to {total // (1024 * 1024)} MiB (zip bomb?)")


def read_docx(path: Path, fmt: Format = Format.DOCX) -> Document:
    import docx
    from docx.text.paragraph import Paragraph

    _check_size(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds on damaged packages
        raise CorruptFile(f"corrupt docx: {type(exc).__name__}: {str(exc)[:120]}") from exc

    lines: list[Line] = []
    walk_styles: list = [None]

    def walk(parent_el, parent) -> None:
        for child in parent_el.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                para = Paragraph(child, parent)
                text = para.text
                level = _heading_level(walk_styles[0](child))
                # a paragraph broken by line breaks (a WPS habit: a whole cover page, or a
                # title and a heading, in one paragraph) is lines, which join_broken mends
                # back into paragraphs where a sentence runs on
                for piece in text.split("\n") if level is None else [text]:
                    if piece.strip():
                        lines.append(Line(piece, heading=level))
            elif tag == "tbl":
                rows = _table_rows(child)
                if any(any(c for c in r) for r in rows):
                    lines.append(Line("", table=rows))
            elif tag == "sdt":  # content controls wrap ordinary paragraphs and tables
                for content in child.iterchildren():
                    if content.tag.endswith("}sdtContent"):
                        walk(content, parent)

    style_names = {s.style_id: s.name for s in document.styles if s.style_id}
    default = next(
        (s.name for s in document.styles if getattr(s, "type", None) == 1 and s.style_id == "Normal"), None
    )

    def style_of(p_el) -> str | None:
        # read the paragraph's style id from its XML: python-docx's para.style searches
        # the style list again for every paragraph
        ppr = p_el.pPr
        sid = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
        return style_names.get(sid, default) if sid else default

    walk_styles[0] = style_of
    walk(document.element.body, document._body)
    if not lines:
        raise EmptyFile("empty document: no text in the Word file")
    return Document(Format.DOCX, pages_from_lines([(None, lines)]), None)
