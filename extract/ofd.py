"""OFD (GB/T 33190), China's fixed-layout format for official documents: a zip of XML.

OFD.xml names the document root; Document.xml lists the pages; each page's
Content.xml holds TextObjects placed in millimetres, their characters in TextCode
elements. We read the text objects with their boxes, join those that share a line,
and hand them to the same layout rules as a PDF's text lines. Tables come through
as text lines (their cells side by side), not as grids.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree as ET

from extract.errors import CorruptFile, EmptyFile
from extract.model import Document, Format
from extract.positioned import Placed, PlacedText, joined, pages_from_items

MM = 72 / 25.4  # points per millimetre
MAX_XML = 50 * 1024 * 1024


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(el, name: str):
    return next((c for c in el.iter() if _local(c.tag) == name), None)


def _all(el, name: str):
    return [c for c in el.iter() if _local(c.tag) == name]


def _xml(zf: zipfile.ZipFile, name: str):
    name = name.lstrip("/")
    info = zf.getinfo(name)
    if info.file_size > MAX_XML:
        raise CorruptFile(f"refused: {name} inflates to {info.file_size // 1024**2} MiB")
    data = zf.read(name)
    if b"<!ENTITY" in data[:4096]:
        raise CorruptFile("refused: XML entity declarations in an OFD part (an XML bomb?)")
    return ET.fromstring(data)


def _box(text: str | None) -> tuple[float, float, float, float]:
    parts = [float(x) for x in (text or "0 0 0 0").split()]
    return tuple((parts + [0, 0, 0, 0])[:4])  # type: ignore[return-value]


def _page_items(root, height_mm: float) -> list[Placed]:
    items: list[PlacedText] = []
    for obj in _all(root, "TextObject"):
        x, y, w, h = _box(obj.get("Boundary"))
        size = float(obj.get("Size") or h or 3.5)
        text = "".join(tc.text or "" for tc in _all(obj, "TextCode")).strip()
        if not text:
            continue
        codes = _all(obj, "TextCode")
        dy = float(codes[0].get("Y") or 0) if codes else 0.0
        top = (y + dy - size) * MM
        items.append(PlacedText(text, top, top + size * MM, x * MM, (x + w) * MM, size * MM, height_mm * MM))
    items.sort(key=lambda d: (round(d.top / 2), d.x0))
    lines: list[Placed] = []
    for it in items:  # objects on one baseline are one line (OFD often places each run apart)
        prev = lines[-1] if lines else None
        if isinstance(prev, PlacedText) and abs(it.top - prev.top) < it.size * 0.4 and it.x0 >= prev.x1 - 1:
            lines[-1] = replace(joined(prev, it), bottom=prev.bottom)
        else:
            lines.append(it)
    return lines


def read_ofd(path: Path, fmt: Format = Format.OFD) -> Document:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFile(f"corrupt OFD: {exc}") from exc
    with zf:
        try:
            ofd = _xml(zf, "OFD.xml")
            root_loc = (_find(ofd, "DocRoot").text or "").strip()
            doc = _xml(zf, root_loc)
            base = posixpath.dirname(root_loc.lstrip("/"))
            area = _find(doc, "PhysicalBox")
            height = _box(area.text if area is not None else "0 0 210 297")[3] or 297.0
            raw = []
            for page in _all(doc, "Page"):
                loc = page.get("BaseLoc") or ""
                name = loc.lstrip("/") if loc.startswith("/") else posixpath.join(base, loc)
                raw.append(_page_items(_xml(zf, name), height))
        except CorruptFile:
            raise
        except (KeyError, AttributeError, ET.ParseError, ValueError) as exc:
            raise CorruptFile(f"corrupt OFD: {type(exc).__name__}: {str(exc)[:100]}") from exc
    texts = [it for items in raw for it in items]
    if not texts:
        raise EmptyFile("OFD has no text objects (an image-only OFD is not read yet)")
    pages = pages_from_items(raw)
    return Document(Format.OFD, pages, len(raw))
