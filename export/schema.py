"""The output contract (SCHEMA.md): every table's columns and Arrow types, made from the
field declarations.

The record tables' columns are `normalize.fields` (each declared once, with its kind);
export adds the key `report_id` to every table and `fiscal_year` to the tables that have
none, and declares the `files` table, which is the run's, not a parser's. CSV, Parquet,
DuckDB and Excel are all written from these; nothing is inferred from whichever keys
happened to appear, and a key no column declares is an error (`writers.to_arrow`).

`TABLES` reads the declarations each time it is asked, so a field added to a table's
declaration (in a test, too) reaches every output without another edit.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pyarrow as pa

from normalize import fields as F
from normalize.fields import Field, Kind

MONEY = pa.decimal128(18, 2)  # yuan
RATE = pa.decimal128(9, 4)  # percent or score, as stated
TEXT = pa.string()
MEASURE = pa.decimal128(28, 6)  # an indicator's numeric target or actual value, in its own unit

ARROW: dict[Kind, pa.DataType] = {
    Kind.MONEY: MONEY,
    Kind.RATE: RATE,
    Kind.SCORE: RATE,
    Kind.MEASURE: MEASURE,
    Kind.TEXT: TEXT,
    Kind.GRADE: TEXT,
    Kind.DATE: pa.date32(),
    Kind.INT: pa.int32(),
    Kind.BIGINT: pa.int64(),
    Kind.FLOAT: pa.float64(),
    Kind.BOOL: pa.bool_(),
    Kind.TIME: pa.timestamp("s", tz="UTC"),
}

REPORT_ID = Field("report_id", Kind.TEXT, "报告编号", "文件内容的 sha256，各表共用的键")

# files: one row per input file, whatever happened (export.rows.FileRow, and fiscal_year)
FILES: tuple[Field, ...] = (
    REPORT_ID,
    Field("source_path", Kind.TEXT, "来源路径", "输入时的路径；压缩包内为 包.zip!内部路径"),
    Field("file_name", Kind.TEXT, "文件名"),
    Field("file_format", Kind.TEXT, "文件格式", "按内容识别：pdf、docx、doc、wps、xlsx、xls、txt、ofd 等"),
    Field("size_bytes", Kind.BIGINT, "文件大小（字节）"),
    Field("pages", Kind.INT, "页数", "无分页的格式为空"),
    Field("ocr", Kind.BOOL, "含OCR识别", "TRUE：部分文字由图像识别得到"),
    Field(
        "status", Kind.TEXT, "处理状态", "ok 成功；partial 部分失败；failed 失败；duplicate 与先前文件相同"
    ),
    Field("error", Kind.TEXT, "失败原因", "status 为 failed 或 partial 时的原因"),
    Field("seconds", Kind.FLOAT, "耗时（秒）"),
    Field("extractor_version", Kind.TEXT, "程序版本", "读取该文件的 jixiao 版本"),
    Field("ingested_at", Kind.TIME, "入库时间（UTC）", "协调世界时，北京时间为其加 8 小时"),
    Field("ocr_pages", Kind.INT, "OCR识别页数", "无可用文字层、由图像识别的页数；有文字层的页不识别"),
    Field(
        "ocr_engine_pages",
        Kind.INT,
        "本次OCR运行页数",
        "其中本次读取时由OCR引擎识别的页数；其余取自OCR缓存（数据集目录 ocr-cache）",
    ),
    F.FISCAL_YEAR,
)


# the tables whose values a person reviews (jixiao review; export.review), and the columns
# that say which values a person decided
REVIEWED = ("reports", "projects", "indicators")
REVIEW: tuple[Field, ...] = (
    Field(
        "decided",
        Kind.TEXT,
        "人工复核字段",
        "经人工复核确认、更正或标为未说明的字段（逗号分隔）；其余为程序读取值",
    ),
    Field("read_values", Kind.TEXT, "复核前读取值", "人工复核字段的程序读取值（JSON）"),
    Field(
        "review_stale",
        Kind.TEXT,
        "待重新复核字段",
        "更正依据的读取值已变化、未予应用而待重新复核的字段（逗号分隔）",
    ),
)


# evidence: where each value of reports, projects and indicators came from (jixiao.evidence)
EVIDENCE: tuple[Field, ...] = (
    REPORT_ID,
    Field("record_table", Kind.TEXT, "所在表", "reports、projects 或 indicators"),
    Field("row_key", Kind.TEXT, "行", "报告为空；项目为项目名称；指标为 项目 / 一级 / 二级 / 三级"),
    Field("field", Kind.TEXT, "字段"),
    Field("page", Kind.INT, "页码", "Word 与文本无分页，为空"),
    Field("char_start", Kind.INT, "起始位置", "该页文字中的字符偏移"),
    Field("char_end", Kind.INT, "结束位置"),
    Field("x0", Kind.FLOAT, "左（磅）", "PDF 与扫描页上该值字符的框，自页面左上角起，单位磅"),
    Field("y0", Kind.FLOAT, "上（磅）"),
    Field("x1", Kind.FLOAT, "右（磅）"),
    Field("y1", Kind.FLOAT, "下（磅）"),
    Field("page_width", Kind.FLOAT, "页宽（磅）"),
    Field("page_height", Kind.FLOAT, "页高（磅）"),
    Field(
        "method",
        Kind.TEXT,
        "读取方式",
        "form_cell 表格单元格；sentence 正文句子；ocr 图像识别；text 其他文字",
    ),
    Field("raw", Kind.TEXT, "原文", "该值在原文中的字样"),
    F.FISCAL_YEAR,
)
RUN_TABLES = {"files": FILES, "evidence": EVIDENCE}  # the run's tables, beside the records'


def table_fields(name: str) -> tuple[Field, ...]:
    """A table's columns in order: files as declared here; a record table's fields with
    report_id first and fiscal_year (the partition key) where the record has none."""
    if name in RUN_TABLES:
        return RUN_TABLES[name]
    fields = F.RECORDS[name]
    year = () if any(f.name == F.FISCAL_YEAR.name for f in fields) else (F.FISCAL_YEAR,)
    review = REVIEW if name in REVIEWED else ()
    return (REPORT_ID, *fields, *review, *year)


class _Tables(Mapping[str, tuple[Field, ...]]):
    """table name -> its columns, read from the declarations on every lookup."""

    def __getitem__(self, name: str) -> tuple[Field, ...]:
        if name not in RUN_TABLES and name not in F.RECORDS:
            raise KeyError(name)
        return table_fields(name)

    def __iter__(self) -> Iterator[str]:
        return iter(("files", *F.RECORDS, "evidence"))

    def __len__(self) -> int:
        return len(RUN_TABLES) + len(F.RECORDS)


TABLES: Mapping[str, tuple[Field, ...]] = _Tables()


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(f.name, ARROW[f.kind]) for f in TABLES[table]])


def columns(table: str) -> list[str]:
    return [f.name for f in TABLES[table]]
