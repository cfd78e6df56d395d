"""The output contract (SCHEMA.md), declared once: every table's columns and Arrow types.

CSV, Parquet and DuckDB are all written from these lists; nothing is inferred from
whichever keys happened to appear.
"""

from __future__ import annotations

import pyarrow as pa

MONEY = pa.decimal128(18, 2)  # yuan
RATE = pa.decimal128(9, 4)  # percent or score, as stated
TEXT = pa.string()
MEASURE = pa.decimal128(28, 6)  # an indicator's numeric target or actual value, in its own unit

TABLES: dict[str, list[tuple[str, pa.DataType]]] = {
    "files": [
        ("report_id", TEXT), ("source_path", TEXT), ("file_name", TEXT), ("file_format", TEXT),
        ("size_bytes", pa.int64()), ("pages", pa.int32()), ("ocr", pa.bool_()), ("status", TEXT),
        ("error", TEXT), ("seconds", pa.float64()), ("extractor_version", TEXT),
        ("ingested_at", pa.timestamp("s", tz="UTC")), ("fiscal_year", pa.int32()),
    ],
    "reports": [
        ("report_id", TEXT), ("report_kind", TEXT), ("unit_name", TEXT), ("region", TEXT),
        ("fiscal_year", pa.int32()), ("report_date", pa.date32()),
        ("budget_initial", MONEY), ("budget_adjusted", MONEY), ("expenditure", MONEY),
        ("execution_rate", RATE), ("basic_expenditure", MONEY), ("personnel_expenditure", MONEY),
        ("public_expenditure", MONEY), ("project_expenditure", MONEY), ("self_score", RATE),
        ("grade", TEXT), ("project_count", pa.int32()), ("title", TEXT), ("unit_key", TEXT),
    ],
    "projects": [
        ("report_id", TEXT), ("seq", pa.int32()), ("project_name", TEXT),
        ("budget_initial", MONEY), ("budget_adjusted", MONEY), ("expenditure", MONEY),
        ("execution_rate", RATE), ("score", RATE), ("grade", TEXT), ("summary", TEXT), ("page", pa.int32()),
        ("fiscal_year", pa.int32()), ("project_key", TEXT),
    ],
    "indicators": [
        ("report_id", TEXT), ("project_name", TEXT), ("level1", TEXT), ("level2", TEXT), ("level3", TEXT),
        ("target", TEXT), ("actual", TEXT), ("weight", RATE), ("score", RATE),
        ("deviation_reason", TEXT), ("page", pa.int32()),
        ("target_op", TEXT), ("target_value", MEASURE), ("target_unit", TEXT),
        ("actual_op", TEXT), ("actual_value", MEASURE), ("actual_unit", TEXT), ("fiscal_year", pa.int32()),
    ],
    "amounts": [
        ("report_id", TEXT), ("field", TEXT), ("label", TEXT), ("raw", TEXT), ("value", MONEY),
        ("page", pa.int32()), ("char_start", pa.int32()), ("char_end", pa.int32()), ("context", TEXT),
        ("fiscal_year", pa.int32()),
    ],
    "findings": [
        ("report_id", TEXT), ("check", TEXT), ("severity", TEXT), ("field", TEXT),
        ("expected", TEXT), ("actual", TEXT), ("message", TEXT), ("fiscal_year", pa.int32()),
    ],
    "problems": [
        ("report_id", TEXT), ("section", TEXT), ("seq", pa.int32()), ("text", TEXT), ("theme", TEXT),
        ("fiscal_year", pa.int32()),
    ],
}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(name, typ) for name, typ in TABLES[table]])


def columns(table: str) -> list[str]:
    return [name for name, _ in TABLES[table]]
