"""An archive that cannot be opened is a failed row with its reason, never an empty 'ok'."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from jixiao.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_truncated_bundle_is_a_failed_row_with_its_reason(tmp_path, capsys):
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "broken.zip").write_bytes((SAMPLES / "bundle.zip").read_bytes()[:20000])
    out = tmp_path / "out"
    assert main(["ingest", str(inp), "--out", str(out), "--quiet"]) == 1
    rows = pq.read_table(out / "files.parquet").to_pylist()
    assert len(rows) == 1
    row = rows[0]
    assert (row["file_name"], row["file_format"], row["status"]) == ("broken.zip", "zip", "failed")
    assert "corrupt zip" in row["error"] and "\n" not in row["error"]
    assert len(row["report_id"]) == 64
    assert "Traceback" not in capsys.readouterr().err
