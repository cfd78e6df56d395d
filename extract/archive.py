"""Zip bundles as bureaus receive them: unpacked into a private folder, safely.

- Member names written by Chinese Windows tools are GBK without zip's UTF-8 flag:
  decoded as GBK, so `附件/自评报告.pdf` keeps its name.
- No member is ever written under its own name: each goes to a numbered file in the
  private folder, so `../../etc/passwd` can escape nothing (path traversal).
- Zip bombs are refused: a member inflating more than `MAX_RATIO` times, or a
  bundle inflating past `MAX_TOTAL` bytes or `MAX_MEMBERS` members.
- Archives inside archives are opened too, to `MAX_DEPTH`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from extract.errors import CorruptFile, TooLarge

MAX_TOTAL = 2 * 1024**3
MAX_MEMBER = 512 * 1024**2
MAX_RATIO = 200
MAX_MEMBERS = 20_000
MAX_DEPTH = 3


@dataclass(frozen=True, slots=True)
class Member:
    """A file found in an archive: its name inside, where it was unpacked, or why not."""

    inner: str  # "folder/name.pdf", or "inner.zip!name.pdf" for a nested archive
    path: Path | None
    error: str | None = None


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: UTF-8 when flagged, else GBK (Windows)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return info.filename


def unpack(path: Path, dest: Path, depth: int = 0) -> Iterator[Member]:
    """Every file in the zip at `path`, unpacked under `dest` (which the caller owns)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFile(f"corrupt zip: {exc}") from exc
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise TooLarge(f"refused: zip has {len(infos)} members, over {MAX_MEMBERS}")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL:
            raise TooLarge(f"refused: zip inflates to {total // 1024**2} MiB (zip bomb?)")
        dest.mkdir(parents=True, exist_ok=True)
        for n, info in enumerate(infos):
            name = member_name(info)
            if info.flag_bits & 0x1:
                yield Member(name, None, "encrypted zip member: a password is required")
                continue
            if info.file_size > MAX_MEMBER or (
                info.compress_size
                and info.file_size / info.compress_size > MAX_RATIO
                and info.file_size > 10 * 1024**2
            ):
                yield Member(
                    name, None, f"refused: member inflates to {info.file_size // 1024**2} MiB (zip bomb?)"
                )
                continue
            target = dest / f"m{depth}_{n:05d}{Path(name).suffix[:10]}"
            try:
                with zf.open(info) as src, open(target, "wb") as out:
                    copied = 0
                    while chunk := src.read(1 << 20):
                        copied += len(chunk)
                        if copied > MAX_MEMBER:
                            raise TooLarge("refused: member inflates past its stated size (zip bomb?)")
                        out.write(chunk)
            except (zipfile.BadZipFile, OSError, EOFError, TooLarge, NotImplementedError) as exc:
                yield Member(name, None, f"cannot unpack: {exc}")
                continue
            if zipfile.is_zipfile(target) and depth < MAX_DEPTH and not _is_office(target):
                yield Member(name, target)  # the inner archive is a file received too
                try:
                    for m in unpack(target, dest / f"z{depth}_{n:05d}", depth + 1):
                        yield Member(f"{name}!{m.inner}", m.path, m.error)
                except (CorruptFile, TooLarge) as exc:
                    yield Member(name, None, str(exc))
                continue
            yield Member(name, target)


def _is_office(path: Path) -> bool:
    """A .docx, .xlsx or .ofd is a zip too, but a document, not a bundle."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names or "OFD.xml" in names
