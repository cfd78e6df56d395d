"""The stages import one way (STYLE.md): extract <- normalize <- export <- jixiao.

    extract     knows nothing of normalize, export or jixiao
    normalize   may use extract's model; knows nothing of export or jixiao
    export      reads normalize's records; knows nothing of jixiao

Checked on the source with `ast`, so an import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

FORBIDDEN = {
    "extract": {"normalize", "export", "jixiao"},
    "normalize": {"export", "jixiao"},
    "export": {"jixiao"},
}


def modules(package: str) -> list[Path]:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, package
    return files


def imported(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name.split(".")[0]) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module.split(".")[0]))
    return out


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_go_one_way(package):
    bad = [
        f"{path.relative_to(ROOT)}:{line} imports {top}"
        for path in modules(package)
        for line, top in imported(path)
        if top in FORBIDDEN[package]
    ]
    assert bad == []


def test_relative_imports_stay_inside_their_package():
    """`from ..x import y` would step over a layer unseen by the check above."""
    bad = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for package in FORBIDDEN
        for path in modules(package)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level > 1
    ]
    assert bad == []


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_print_in_library_code(package):
    """Library code logs or returns findings; only the command line prints."""
    bad = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in modules(package)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
    ]
    assert bad == []


@pytest.mark.parametrize(
    "package, verb",
    [
        pytest.param("extract", "read", id="extract.read"),
        pytest.param("normalize", "records", id="normalize.records"),
        pytest.param("export", "write", id="export.write"),
    ],
)
def test_one_public_verb_per_package(package, verb):
    import importlib

    mod = importlib.import_module(package)
    assert verb in mod.__all__
    assert callable(getattr(mod, verb))
