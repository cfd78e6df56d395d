"""Word segmentation with jieba, on a private tokenizer with our domain dictionary.

Used where a cut must fall between words: the unit that heads a title
("红河州第二人民医院|国家基本公共卫生服务项目…") ends at a word like 人民医院, never inside
one ("中心城区" is not 中心 + 城区 there). One tokenizer per process, built on first use;
the global jieba dictionary is never touched.
"""

from __future__ import annotations

import gc
import hashlib
import io
import logging
import os
import pickle
import sys
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any


def _import_jieba():
    """jieba, imported without pkg_resources: its _compat module imports that (a fifth of a
    second, and a deprecation warning) only to open jieba's own data files, which it opens
    by path when pkg_resources is not there."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # its import raises ImportError
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


jieba = _import_jieba()

ORG_WORDS = (
    "办事处",
    "委员会",
    "人民政府",
    "政府",
    "人民医院",
    "医院",
    "中心",
    "指挥部",
    "管理局",
    "局",
    "委",
    "办公室",
    "办",
    "院",
    "站",
    "所",
    "学校",
    "中学",
    "小学",
    "幼儿园",
    "学院",
    "大学",
    "厅",
    "处",
    "队",
    "馆",
    "部",
    "公司",
    "协会",
    "团",
    "社",
)


# words that end like an organisation but are not one
NOT_ORG = frozenset(
    {"部门", "全部", "内部", "干部", "局部", "本部", "各部", "社会", "服务站", "各处", "到处", "之处"}
)


@lru_cache(maxsize=1)
def tokenizer() -> Any:  # a jieba.Tokenizer (jieba is imported by _import_jieba, untyped)
    """jieba's dictionary with ours added. Its prefix table (half a million words) is kept
    pickled in the user's cache folder: a pickle loads in a third of the time of jieba's own
    marshal cache (0.5 s against 1.5 s here), and a run pays it before its workers start."""
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    domain = (files("normalize") / "data" / "domain_dict.txt").read_bytes()
    cache = _cache_path(domain)
    state = _load(cache) if cache else None
    if state is not None:
        tk.FREQ, tk.total, tk.user_word_tag_tab = state
        tk.initialized = True
        return tk
    tk.load_userdict(io.BytesIO(domain))
    if cache:
        _save(cache, (tk.FREQ, tk.total, tk.user_word_tag_tab))
    return tk


def _cache_path(domain: bytes) -> Path | None:
    """~/.cache/jixiao/jieba-<key>.pickle, the key naming jieba's version and both dictionaries."""
    try:
        main = Path(jieba.__file__).parent / "dict.txt"
        key = hashlib.sha256(f"{jieba.__version__}|{main.stat().st_size}|".encode() + domain).hexdigest()[:16]
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "jixiao"
        return root / f"jieba-{key}.pickle"
    except (OSError, RuntimeError, AttributeError):
        return None


def _load(path: Path):
    collecting = gc.isenabled()
    gc.disable()  # half a million new objects, none garbage: the collector would walk them in vain
    try:
        with open(path, "rb") as fh:
            state = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError):
        return None
    finally:
        if collecting:
            gc.enable()
    return state if isinstance(state, tuple) and len(state) == 3 and isinstance(state[0], dict) else None


def _save(path: Path, state) -> None:
    """Written aside and renamed into place; a cache that cannot be written is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass


def is_word(text: str) -> bool:
    """Whether `text` is a word of the dictionary (科目, 栏目; not 预篡)."""
    return tokenizer().FREQ.get(text, 0) > 0


@lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """jieba's words of `text`. Kept per text: a project's name, a problem's wording come
    back within a report and from year to year, and cutting one is a tenth of a millisecond
    or more."""
    return tuple(tokenizer().cut(text, HMM=True))


def leading_org(text: str, min_len: int = 4, max_len: int = 30) -> str | None:
    """The organisation a phrase opens with, cut at a word boundary:
    '红河州第二人民医院国家基本公共卫生服务项目州级补助资金' -> '红河州第二人民医院'."""
    prefix = ""
    best = None
    for w in words(text):
        prefix += w
        if len(prefix) > max_len:
            break
        if any(ch.isdigit() for ch in w):
            break  # a year or a number: the unit, if any, stood before it
        if len(prefix) >= min_len and len(w) >= 2 and w.endswith(ORG_WORDS) and w not in NOT_ORG:
            best = prefix
            break
    return best
