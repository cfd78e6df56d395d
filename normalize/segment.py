"""Word segmentation with jieba, on a private tokenizer with our domain dictionary.

Used where a cut must fall between words: the unit that heads a title
("红河州第二人民医院|国家基本公共卫生服务项目…") ends at a word like 人民医院, never inside
one ("中心城区" is not 中心 + 城区 there). One tokenizer per process, built on first use;
the global jieba dictionary is never touched.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib.resources import files

import jieba

ORG_WORDS = ("办事处", "委员会", "人民政府", "政府", "人民医院", "医院", "中心", "指挥部", "管理局", "局", "委",
             "办公室", "办", "院", "站", "所", "学校", "中学", "小学", "幼儿园", "学院", "大学", "厅", "处", "队",
             "馆", "部", "公司", "协会", "团", "社")


# words that end like an organisation but are not one
NOT_ORG = frozenset({"部门", "全部", "内部", "干部", "局部", "本部", "各部", "社会", "服务站", "各处", "到处", "之处"})


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    with (files("normalize") / "data" / "domain_dict.txt").open("rb") as fh:
        tk.load_userdict(fh)
    return tk


def words(text: str) -> list[str]:
    return list(tokenizer().cut(text, HMM=True))


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
