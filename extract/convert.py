"""Legacy Word (.doc), WPS Writer (.wps) and RTF to .docx, through LibreOffice headless.

One LibreOffice start costs about two seconds, so files are converted in batches: one
`soffice --convert-to docx` call for many files. Every call uses a profile folder of
its own (`-env:UserInstallation`), or two workers' conversions collide on the lock of a
shared profile. A batch that fails or hangs is retried file by file, so one bad file
costs only itself.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from extract.errors import CorruptFile, ExtractError, UnsupportedFormat
from extract.model import Document, Format

# LibreOffice names WPS files by the same filter as Word 97; we copy each file to a
# neutral name with the suffix its bytes call for, so the import filter is chosen right.
SUFFIX = {"doc": ".doc", "wps": ".doc", "rtf": ".rtf"}
SECONDS_PER_FILE = 30.0
START_SECONDS = 30.0


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _run(files: Sequence[Path], outdir: Path, profile: Path, timeout: float) -> None:
    exe = soffice()
    if exe is None:
        raise UnsupportedFormat("legacy Word/WPS/RTF needs LibreOffice (soffice), which is not installed")
    cmd = [
        exe,
        "--headless",
        "--invisible",
        "--norestore",
        "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    env = {**os.environ, "HOME": str(profile)}
    # in the caller's process group: a worker killed at its deadline takes LibreOffice with it
    # (soffice.bin outlives its launcher, and a session of its own would outlive the run)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(proc.pid)
        proc.wait()
        raise CorruptFile(f"LibreOffice did not finish converting within {timeout:.0f}s") from None


def _children(pid: int) -> list[int]:
    """The processes `pid` started, and theirs (Linux /proc; none elsewhere)."""
    kids: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        kids.setdefault(int(fields[1]), []).append(int(entry.parent.name))
    out, todo = [], [pid]
    while todo:
        for c in kids.get(todo.pop(), ()):
            out.append(c)
            todo.append(c)
    return out


def _kill_tree(pid: int) -> None:
    """Kill a process and all it started."""
    for p in [*_children(pid), pid]:
        try:
            os.kill(p, 9)
        except OSError:
            pass


def to_docx(items: Sequence[tuple[Path, str]], outdir: Path) -> dict[Path, Path | ExtractError]:
    """Convert (path, format) pairs into `outdir`; map each path to its .docx or to the
    reason it failed. The caller owns `outdir` and removes it."""
    results: dict[Path, Path | ExtractError] = {}
    if not items:
        return results
    base = Path(tempfile.mkdtemp(prefix=f"jixiao-lo-{os.getpid()}-"))
    try:
        names = {}
        src = base / "in"
        src.mkdir()
        for i, (path, fmt) in enumerate(items):
            neutral = src / f"f{i:05d}{SUFFIX.get(fmt, '.doc')}"
            shutil.copyfile(path, neutral)
            names[path] = neutral
        out = base / "out"
        out.mkdir()
        try:
            _run(list(names.values()), out, base / "profile", START_SECONDS + SECONDS_PER_FILE * len(items))
        except UnsupportedFormat as exc:
            return {p: exc for p in names}
        except CorruptFile:
            pass  # the batch hung: retry each file alone below
        for path, neutral in names.items():
            target = out / (neutral.stem + ".docx")
            if not target.exists() and len(items) > 1:
                try:
                    _run([neutral], out, base / "profile", START_SECONDS + SECONDS_PER_FILE)
                except ExtractError as exc:
                    results[path] = exc
                    continue
            if target.exists() and target.stat().st_size > 0:
                keep = outdir / target.name
                shutil.move(str(target), keep)
                results[path] = keep
            else:
                results.setdefault(
                    path, CorruptFile("LibreOffice could not read the file (damaged or not a Word file)")
                )
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return results


def read_converted(path: Path, fmt: Format) -> Document:
    """One legacy file alone: one LibreOffice start, then its .docx read (a run converts
    many in one batch instead, with `to_docx`)."""
    from extract.word import read_docx

    out = Path(tempfile.mkdtemp(prefix=f"jixiao-docx-{os.getpid()}-"))
    try:
        got = to_docx([(path, fmt.value)], out).get(path)
        if not isinstance(got, Path):
            raise got or CorruptFile("LibreOffice could not convert the file")
        doc = read_docx(got)
        return dataclasses.replace(doc, format=fmt)
    finally:
        shutil.rmtree(out, ignore_errors=True)
