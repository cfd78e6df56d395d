"""Zip bundles as bureaus receive them: unpacked into a private folder, safely.

- Member names written by Chinese Windows tools are GBK without zip's UTF-8 flag:
  decoded as GBK, so `附件/自评报告.pdf` keeps its name.
- No member is ever written under its own name: each goes to a numbered file in the
  private folder, so `../../etc/passwd` can escape nothing (path traversal).
- Zip bombs are refused: a member inflating more than `MAX_RATIO` times, or a bundle
  inflating past `MAX_TOTAL` bytes or `MAX_MEMBERS` members, counted across all its nested
  archives (8 inner zips of 200 members of 10 MiB each pass every per-archive check and
  unpack 15.6 GiB): the unpacking stops there, before it writes past the limit.
- Archives inside archives are opened too, to `MAX_DEPTH`; one nested deeper is a member
  with its reason, never dropped in silence.
- `!` joins an archive and its member in a name ('inner.zip!表.pdf'); a `!` of a name is
  written twice.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from extract.errors import CorruptFile, TooLarge

MAX_TOTAL = 2 * 1024**3  # bytes a bundle may inflate to, its nested archives included
MAX_MEMBER = 512 * 1024**2
MAX_RATIO = 200  # a member inflating more than this many times its packed size ...
RATIO_FLOOR = 1024**2  # ... and past this many bytes is a bomb's
MAX_MEMBERS = 20_000  # members of a bundle, its nested archives included
MAX_DEPTH = 3


@dataclass(slots=True)
class Budget:
    """What a bundle may still unpack, shared by all its nested archives."""

    bytes: int = MAX_TOTAL
    members: int = MAX_MEMBERS

    def take(self, n: int) -> None:
        self.bytes -= n
        if self.bytes < 0:
            raise TooLarge(
                f"refused: the bundle inflates past {MAX_TOTAL // 1024**2} MiB across its archives "
                f"(zip bomb?); unpacking stopped there"
            )


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


def bang(name: str) -> str:
    """A name as it stands joined by `!`: its own `!` written twice."""
    return name.replace("!", "!!")


def unpack(path: Path, dest: Path, depth: int = 0, budget: Budget | None = None) -> Iterator[Member]:
    """Every file in the zip at `path`, unpacked under `dest` (which the caller owns). Raises
    TooLarge when the bundle's budget is spent, after the members unpacked before."""
    budget = budget if budget is not None else Budget()
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFile(f"corrupt zip: {exc}") from exc
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > budget.members:
            raise TooLarge(f"refused: the bundle has over {MAX_MEMBERS} members across its archives")
        budget.members -= len(infos)
        total = sum(i.file_size for i in infos)
        if total > budget.bytes:
            raise TooLarge(
                f"refused: the bundle inflates past {MAX_TOTAL // 1024**2} MiB across its archives "
                f"(zip bomb?)"
            )
        dest.mkdir(parents=True, exist_ok=True)
        for n, info in enumerate(infos):
            name = bang(member_name(info))
            if info.flag_bits & 0x1:
                yield Member(name, None, "encrypted zip member: a password is required")
                continue
            if info.file_size > MAX_MEMBER or (
                info.compress_size
                and info.file_size / info.compress_size > MAX_RATIO
                and info.file_size > RATIO_FLOOR
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
                        if copied > MAX_MEMBER or copied > info.file_size + (1 << 20):
                            raise TooLarge("refused: member inflates past its stated size (zip bomb?)")
                        budget.take(len(chunk))
                        out.write(chunk)
            except TooLarge as exc:
                target.unlink(missing_ok=True)
                if budget.bytes < 0:
                    raise  # the bundle's budget is spent: stop here
                yield Member(name, None, f"cannot unpack: {exc}")
                continue
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                yield Member(name, None, f"cannot unpack: {exc}")
                continue
            if zipfile.is_zipfile(target) and not _is_office(target):
                if depth >= MAX_DEPTH:
                    yield Member(name, None, f"not unpacked: archives nested deeper than {MAX_DEPTH}")
                    continue
                yield Member(name, target)  # the inner archive is a file received too
                try:
                    for m in unpack(target, dest / f"z{depth}_{n:05d}", depth + 1, budget):
                        yield Member(f"{name}!{m.inner}", m.path, m.error)
                except CorruptFile as exc:
                    yield Member(name, None, str(exc))
                continue
            yield Member(name, target)


def _is_office(path: Path) -> bool:
    """A .docx, .xlsx or .ofd is a zip too, but a document, not a bundle (also a broken one
    that lost its word/document.xml: it still says what it is in [Content_Types].xml)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names or "OFD.xml" in names
