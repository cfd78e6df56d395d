"""The Dask engine reads files on a real cluster (two worker processes) and gives the same
dataset as the local pool: the run alone writes, the engines only read.

Needs `distributed` (dask[distributed], a dev dependency); skipped without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TABLES, assert_same_dataset, assert_sound_dataset, comparable, copy_samples

from jixiao.run import ingest

pytestmark = pytest.mark.slow  # a Dask LocalCluster is started

distributed = pytest.importorskip("distributed")
NAMES = ("000.txt", "000.docx", "201.docx", "202.xlsx")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as c:
        yield c


def test_dask_and_local_engines_write_the_same_dataset(cluster, tmp_path: Path) -> None:
    inp = copy_samples(NAMES, tmp_path / "in")
    on_dask, here = tmp_path / "dask", tmp_path / "local"

    got = ingest([inp], on_dask, scheduler=cluster.scheduler_address, commit_every=2)
    assert sorted(r.file.status for r in got.results) == ["ok"] * len(NAMES)
    assert ingest([inp], here, workers=2).failed == []

    assert_same_dataset(on_dask, here)
    assert_sound_dataset(on_dask)
    assert len(comparable(on_dask, "files")) == len(NAMES)
    assert all(len(comparable(on_dask, t)) for t in TABLES if t != "findings")

    again = ingest([inp], on_dask, scheduler=cluster.scheduler_address)
    assert (again.results, again.skipped) == ([], len(NAMES))
