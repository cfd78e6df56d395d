"""What arrives: every input file, as one `Input`, whatever it is.

- A path is named as given, and a file reached twice (given twice, a folder spelled `a`,
  `./a`, `a/../a` or through a symlink) is one input: paths are compared resolved.
- A name that is not UTF-8 (a Windows zip unpacked on Linux leaves GBK bytes in names) is
  stored readably and losslessly: GB18030 where it decodes as that, else its bytes escaped
  (`\\xff`). It must never take a run down.
- `!` separates an archive from its member (`bundle.zip!附件/表.pdf`); a `!` that is part of a
  name is written twice (`report!!final.txt`), so the separator is never ambiguous.
- Hidden files, FIFOs, sockets and dangling links are inputs too, skipped with the reason;
  a FIFO is never opened. The dataset folder (`--out`) is never read as input.
- Archives are unpacked in a child process, under the run's time limit and memory cap, so a
  bomb or a hanging archive costs its own row, never the run.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import extract
from extract.archive import Member, unpack
from extract.model import Format


@dataclass(frozen=True, slots=True)
class Input:
    path: Path  # where its bytes are (a member: unpacked into the run's scratch folder)
    source_path: str  # as given / found, readable; inside an archive: "bundle.zip!inner/name.pdf"
    name: str = ""  # its own name, readable: "report!final.txt", "表.pdf" (default: the path's)
    error: str | None = None  # could not be taken out of its archive: a failed row
    skipped: str | None = None  # not read, and why: a hidden file, a FIFO, a dangling link
    stamp: tuple[int, int, int] | None = None  # its mtime, size and inode when it was hashed
    member: bool = False  # taken out of an archive


def shown(name: str | Path) -> str:
    """A file name as a person reads it, whatever bytes it has: UTF-8, else GB18030 (a
    Windows name), else its bytes escaped; each part of a path on its own."""
    raw = os.fsencode(str(name))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    parts = []
    for part in raw.split(b"/"):
        for enc in ("utf-8", "gb18030"):
            try:
                parts.append(part.decode(enc))
                break
            except UnicodeDecodeError:
                continue
        else:
            parts.append(part.decode("utf-8", "backslashreplace"))
    return "/".join(parts)


def bang(name: str) -> str:
    """A name as it stands in a source path: a `!` of its own written twice."""
    return name.replace("!", "!!")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _skip_reason(path: Path) -> str | None:
    """Why a directory entry is not read, or None for a regular file."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        return f"skipped: cannot look at it: {exc.strerror or exc}"
    if stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(path)
        except OSError:
            return "skipped: a link to nothing (dangling symlink)"
    if stat.S_ISFIFO(st.st_mode):
        return "skipped: not a regular file (a FIFO)"
    if stat.S_ISSOCK(st.st_mode):
        return "skipped: not a regular file (a socket)"
    if not stat.S_ISREG(st.st_mode):
        return "skipped: not a regular file (a device or other special file)"
    if path.name.startswith("."):
        return "skipped: a hidden file"
    return None


def _entries(p: Path, out: Path | None) -> Iterator[Path]:
    """The files under a folder, in name order, hidden folders and the dataset folder left out."""
    out_real = os.path.realpath(out) if out is not None else None
    for top, dirs, files in os.walk(p):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and os.path.realpath(os.path.join(top, d)) != out_real
        )
        for f in sorted(files):
            yield Path(top) / f


def walk(paths: Iterable[Path], scratch: Path, out: Path | None = None, unpack_in=None) -> Iterator[Input]:
    """Every input under the given paths, each once; archives opened into `scratch` (by
    `unpack_in(path, dest)`, which returns their members or raises ExtractError)."""
    seen: set[str] = set()
    for p in paths:
        p = Path(p)
        for f in _entries(p, out) if p.is_dir() else [p]:
            real = os.path.realpath(f)
            if real in seen:
                continue
            seen.add(real)
            source, name = bang(shown(f)), shown(f.name)
            why = _skip_reason(f)
            if why is not None:
                yield Input(f, source, name, skipped=why)
                continue
            if not _is_bundle(f):
                yield Input(f, source, name)
                continue
            # an archive that cannot be opened (truncated, a bomb refused whole) is a failed
            # row with its reason, not an "ok" row with nothing in it
            dest = scratch / hashlib.sha1(real.encode("utf-8", "surrogateescape")).hexdigest()[:12]
            try:
                members = (unpack_in or _unpack_here)(f, dest)
            except extract.ExtractError as exc:
                yield Input(f, source, name, error=" ".join(str(exc).split())[:300])
                for m in getattr(exc, "members", ()):  # those unpacked before it was refused
                    yield Input(
                        m.path or f, f"{source}!{m.inner}", shown(_leaf(m.inner)), m.error, member=True
                    )
                continue
            yield Input(f, source, name)
            for m in members:
                yield Input(m.path or f, f"{source}!{m.inner}", shown(_leaf(m.inner)), m.error, member=True)


def _leaf(inner: str) -> str:
    """A member's own name: the last part of 'inner.zip!dir/表.pdf', its `!!` made `!` again."""
    parts = inner.replace("!!", "\x00").split("!")
    return Path(parts[-1].replace("\x00", "!")).name


def _unpack_here(path: Path, dest: Path) -> list[Member]:
    return list(unpack(path, dest))


def _is_bundle(path: Path) -> bool:
    try:
        return extract.sniff(path) is Format.ZIP
    except OSError:
        return False
