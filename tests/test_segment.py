"""The private jieba tokenizer with the domain dictionary (normalize.segment)."""

from __future__ import annotations

import gc
import warnings

import pytest

from normalize import segment


@pytest.mark.parametrize(
    "text, org",
    [
        pytest.param(
            "红河州第二人民医院国家基本公共卫生服务项目州级补助资金",
            "红河州第二人民医院",
            id="corpus_032_hospital",
        ),
        pytest.param("龙山县大数据中心2022年部门整体支出绩效自评报告", "龙山县大数据中心", id="seed_title"),
        pytest.param("2022年度道里区计划生育服务项目", None, id="corpus_042_year_first"),
    ],
)
def test_leading_org(text, org):
    assert segment.leading_org(text) == org


def test_tokenizer_is_private_and_built_once():
    import jieba

    assert segment.tokenizer() is segment.tokenizer()
    assert segment.tokenizer() is not jieba.dt


def test_user_dictionary_is_closed_after_loading():
    """Given a path, jieba's load_userdict opens the file and never closes it: the
    ResourceWarning then fails whichever test the garbage collector interrupts."""
    segment.tokenizer.cache_clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        segment.tokenizer()
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_the_cached_dictionary_cuts_as_the_built_one(tmp_path, monkeypatch):
    """The tokenizer's prefix table, pickled in the user's cache folder on the first run, is
    the one jieba builds: the same words, the same cuts."""
    from normalize import segment

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    segment.tokenizer.cache_clear()
    try:
        built = segment.tokenizer()
        assert list((tmp_path / "jixiao").glob("jieba-*.pickle"))
        segment.tokenizer.cache_clear()
        cached = segment.tokenizer()
        assert cached is not built and cached.FREQ == built.FREQ and cached.total == built.total
        title = "红河州第二人民医院国家基本公共卫生服务项目州级补助资金年初预算数"
        assert list(cached.cut(title)) == list(built.cut(title))
        assert segment.leading_org(title) == "红河州第二人民医院"
    finally:
        segment.tokenizer.cache_clear()
