"""Accuracy on the development corpus (../shared/corpus), scored by ../shared/eval/score.py.

Skipped where ../shared is absent. Ingests the Word and PDF renderings (not the legacy
.doc files, not the image-only NNN.scan.pdf) with two workers, as CI's machine has two
cores, then asks the scorer for per-format F1 of the report fields and the projects.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from conftest import run_cli

pytestmark = [pytest.mark.corpus, pytest.mark.slow]  # ingests the whole development corpus

# F1 floors per format: the report-level fields and the project rows
FLOORS = {"report": 0.90, "projects": 0.85}
FORMATS = ("docx", "pdf")


@pytest.fixture(scope="module")
def scores(shared, tmp_path_factory):
    rendered = shared / "corpus" / "rendered"
    score_py = shared / "eval" / "score.py"
    if not rendered.is_dir() or not score_py.is_file():
        pytest.skip("no rendered corpus or scorer in ../shared")
    base = tmp_path_factory.mktemp("corpus")
    inp = base / "in"
    inp.mkdir()
    for path in sorted(rendered.iterdir()):
        if path.name.endswith(".scan.pdf") or path.suffix not in (".docx", ".pdf"):
            continue
        shutil.copyfile(path, inp / path.name)
    assert any(inp.iterdir())
    out = base / "out"
    run_cli([inp], out, "--workers", "2")  # exit 1 is allowed here: a failed file scores as missed
    proc = subprocess.run(
        [
            sys.executable,
            str(score_py),
            str(out),
            str(shared / "corpus"),
            "--inputs",
            str(inp),
            "--by-format",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("group", sorted(FLOORS))
def test_f1_floor(scores, fmt, group):
    res = scores["scores"][fmt]
    f1 = res["groups"][group]["f1"]
    summary = {g: v["f1"] for g, v in res["groups"].items()}
    assert f1 >= FLOORS[group], f"{fmt} {group} F1 {f1} < {FLOORS[group]} (all groups: {summary})"


def test_every_file_has_output(scores):
    assert {fmt: ids for fmt, ids in scores["missing"].items() if fmt in FORMATS} == {}
