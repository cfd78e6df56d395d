"""`jixiao export DIR --xlsx FILE`: the dataset as one workbook for the staff, read back.

Five samples are ingested in this process, exported, and the workbook is read back with
openpyxl: every sheet holds its table's rows value for value (money exact in yuan, the
万元 twins exactly yuan / 10000, percent as stated), the headers are Chinese, the header
row is frozen, filters are on, money and rate columns carry their number formats, and
text that looks like a formula stays text. LibreOffice must open it too.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal, localcontext
from pathlib import Path

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest
from conftest import SAMPLES, copy_samples, run_cli
from openpyxl.utils.escape import unescape

from export.dataset import Store
from export.writers import to_arrow
from export.xlsx import INDEX_SHEET, WANYUAN_SUFFIX, write_xlsx
from jixiao.cli import main

D = Decimal
NAMES = ("000.txt", "000.docx", "101.docx", "201.docx", "202.xlsx")
CJK = range(0x4E00, 0xA000)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("xlsx")
    out = base / "out"
    assert run_cli([copy_samples(NAMES, base / "in")], out) == 0
    xlsx = base / "绩效.xlsx"
    assert main(["export", str(out), "--xlsx", str(xlsx)]) == 0
    return out, xlsx


# ---------------------------------------------------------------- reading back


def layout(wb) -> dict[str, tuple[str, list[str]]]:
    """sheet -> (table, machine column names), from the 字段说明 sheet."""
    out: dict[str, tuple[str, list[str]]] = {}
    for sheet, table, name, *_ in wb[INDEX_SHEET].iter_rows(min_row=2, values_only=True):
        out.setdefault(sheet, (table, []))[1].append(name)
    return out


def expected_rows(out: Path, table: str) -> list[dict]:
    """The table as Parquet holds it (less the hive folder key), or a DuckDB view, sorted as exported."""
    path = out / f"{table}.parquet"
    if path.exists():
        return [{k: v for k, v in r.items() if k != "year"} for r in pq.read_table(path).to_pylist()]
    con = duckdb.connect(str(out / "jixiao.duckdb"), read_only=True)
    try:
        cur = con.execute(f'SELECT * FROM "{table}" ORDER BY ALL')
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        con.close()


def sheet_rows(wb, sheets: list[str]) -> list[tuple]:
    return [r for s in sheets for r in wb[s].iter_rows(min_row=2, values_only=True)]


def same(got, want) -> bool:
    """Whether a cell read back by openpyxl holds the dataset's value."""
    if want is None or want == "":  # Excel has no empty text apart from a blank cell
        return got is None
    if isinstance(want, Decimal):
        if isinstance(got, str):  # more than 15 significant digits: written as its exact text
            return D(got) == want
        # openpyxl writes a number as "%.16g" % float(d) and reads it back as a float (int when
        # it has no point). The export writes a Decimal as a number only when it has at most
        # 15 significant digits (DBL_DIG): then the double nearest to it, printed with 16
        # digits and parsed again, lies within a fraction of a unit of its 15th digit, so
        # rounding what comes back to 15 significant digits gives the Decimal exactly. For
        # money that covers every amount below 10^13 yuan to the cent; quantizing to cents
        # alone would be exact only there too (beyond 2^45 yuan/100 two cents share a double,
        # so "below 2^53/100" is not enough) -- larger amounts are text in the workbook.
        with localcontext() as ctx:
            ctx.prec = 15
            return +D(repr(got)) == want
    if isinstance(want, dt.datetime):  # UTC wall time: Excel has no time zones
        return got == want.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if isinstance(want, dt.date):  # openpyxl reads a date cell as a datetime at midnight
        return isinstance(got, dt.datetime) and got == dt.datetime.combine(want, dt.time())
    if isinstance(want, float):  # openpyxl's "%.16g": what the file holds
        return got == float(f"{want:.16g}")
    if isinstance(want, str):
        return type(got) is str and unescape(got) == want
    return type(got) is type(want) and got == want


def check_round_trip(out: Path, xlsx: Path) -> int:
    wb = openpyxl.load_workbook(xlsx)
    by_table: dict[str, tuple[list[str], list[str]]] = {}
    for sheet, (table, names) in layout(wb).items():
        by_table.setdefault(table, ([], names))[0].append(sheet)
    parquet = {p.name[: -len(".parquet")] for p in out.glob("*.parquet")}
    assert parquet <= set(by_table), parquet - set(by_table)
    n = 0
    for table, (sheets, names) in by_table.items():
        want = expected_rows(out, table)
        got = sheet_rows(wb, sheets)
        assert len(got) == len(want), table
        plain = [c for c in names if not c.endswith(WANYUAN_SUFFIX)]
        assert set(plain) == set(want[0] if want else plain), table  # every column, no other
        for i, (g, w) in enumerate(zip(got, want)):
            for name, value in zip(names, g):
                if name.endswith(WANYUAN_SUFFIX):
                    yuan = w[name[: -len(WANYUAN_SUFFIX)]]
                    expect = None if yuan is None else yuan.scaleb(-4)
                else:
                    expect = w[name]
                assert same(value, expect), (table, i + 2, name, value, expect)
                n += 1
    return n


def test_every_sheet_round_trips(exported):
    out, xlsx = exported
    assert check_round_trip(out, xlsx) > 1000


def test_sheets_and_their_tables(exported):
    out, xlsx = exported
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames[:6] == ["文件", "报告", "项目", "绩效指标", "金额", "核查发现"]
    assert wb.sheetnames[-1] == INDEX_SHEET
    tables = {t for t, _ in layout(wb).values()}
    assert {"history", "project_history"} <= tables  # DuckDB views are sheets too
    assert len(sheet_rows(wb, ["报告"])) == 5


def test_headers_are_chinese_and_bold(exported):
    _, xlsx = exported
    wb = openpyxl.load_workbook(xlsx)
    index = {(s, n): h for s, _, n, h, *_ in wb[INDEX_SHEET].iter_rows(min_row=2, values_only=True)}
    for sheet, (_, names) in layout(wb).items():
        header = [c for c in wb[sheet][1]]
        assert [c.value for c in header] == [index[sheet, n] for n in names]
        assert all(any(ord(ch) in CJK for ch in c.value) for c in header), sheet
        assert all(c.font.b for c in header), sheet
    reports = [c.value for c in wb["报告"][1]]
    assert {"年初预算数（元）", "年初预算数（万元）", "预算执行率（%）", "报告日期"} <= set(reports)


def test_frozen_header_filters_widths(exported):
    _, xlsx = exported
    wb = openpyxl.load_workbook(xlsx)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        last = openpyxl.utils.get_column_letter(ws.max_column)
        assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}", ws.title
        assert all(
            ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width >= 8
            for i in range(1, ws.max_column + 1)
        ), ws.title


def test_number_formats(exported):
    _, xlsx = exported
    ws = openpyxl.load_workbook(xlsx)["报告"]
    col = {c.value: c.column for c in ws[1]}
    row = ws[2]

    def fmt(header: str) -> str:
        return row[col[header] - 1].number_format

    assert fmt("年初预算数（元）") == "#,##0.00"
    assert fmt("年初预算数（万元）") == "#,##0.00##"
    assert fmt("预算执行率（%）") == '0.00##"%"'
    assert fmt("自评得分（分）") == "0.0###"
    assert fmt("报告日期") == "yyyy-mm-dd"
    seed = next(
        r for r in ws.iter_rows(min_row=2, values_only=True) if r[col["年初预算数（元）"] - 1] == 4035100
    )
    assert seed[col["年初预算数（万元）"] - 1] == 403.51
    amounts = openpyxl.load_workbook(xlsx)["金额"]
    assert amounts.cell(2, [c.value for c in amounts[1]].index("金额（元）") + 1).number_format == "#,##0.00"


def test_no_dataset_is_usage_error(tmp_path, capsys):
    assert main(["export", str(tmp_path / "nothing"), "--xlsx", str(tmp_path / "x.xlsx")]) == 2
    assert "no dataset" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_long_table_goes_on_in_a_second_sheet(exported, tmp_path, monkeypatch):
    import export.xlsx

    out, _ = exported
    monkeypatch.setattr(export.xlsx, "MAX_ROWS", 50)
    xlsx = tmp_path / "split.xlsx"
    write_xlsx(out, xlsx)
    wb = openpyxl.load_workbook(xlsx)
    assert {"金额", "金额（2）"} <= set(wb.sheetnames)
    assert wb["金额"].max_row == 51
    check_round_trip(out, xlsx)


# ---------------------------------------------------------------- hostile text and numbers

LONG = "长" * 40_000


@pytest.fixture()
def hostile(tmp_path) -> tuple[Path, Path]:
    """A dataset written straight from rows: formula-like text, control characters, the
    largest amounts, an over-long text."""
    rid = "c" * 64
    rows = {
        "files": [
            dict(
                report_id=rid,
                source_path="in/x.pdf",
                file_name="x.pdf",
                file_format="pdf",
                size_bytes=1,
                ocr=False,
                status="ok",
                seconds=0.1234567890123456789,
                extractor_version="0.1.0",
                ingested_at=dt.datetime(2024, 3, 15, 9, 0, 1, tzinfo=dt.timezone.utc),
                fiscal_year=2022,
            )
        ],
        "reports": [
            dict(
                report_id=rid,
                report_kind="dept_overall",
                unit_name="=1+1",
                region="-龙山县",
                fiscal_year=2022,
                report_date=dt.date(2023, 6, 5),
                budget_initial=D("0.01"),
                budget_adjusted=D("9999999999999.99"),
                expenditure=D("99999999999999.99"),
                execution_rate=D("98.3612"),
                self_score=D("91.8"),
                grade="+1",
                title="@SUM(A1)",
                unit_key="a\x07b_x0041_c\r\nd",
            )
        ],
        "indicators": [
            dict(
                report_id=rid,
                level3="完成学校数",
                target_value=D("1234567890123456.789"),
                actual_value=D("12.5"),
                deviation_reason=LONG,
                target="",
                fiscal_year=2022,
            )
        ],
    }
    out = tmp_path / "out"
    Store(out).commit({name: to_arrow(name, r) for name, r in rows.items()})
    xlsx = tmp_path / "hostile.xlsx"
    write_xlsx(out, xlsx)
    return out, xlsx


def test_formula_text_stays_text(hostile):
    _, xlsx = hostile
    ws = openpyxl.load_workbook(xlsx)["报告"]
    col = {c.value: c.column for c in ws[1]}
    for header, text in (
        ("单位名称", "=1+1"),
        ("地区", "-龙山县"),
        ("评价等级", "+1"),
        ("报告标题", "@SUM(A1)"),
    ):
        cell = ws.cell(2, col[header])
        assert (cell.value, cell.data_type) == (text, "s")


def test_hostile_values_round_trip(hostile):
    out, xlsx = hostile
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["报告"]
    col = {c.value: c.column for c in ws[1]}
    # 16 significant digits: text, exact; 15: a number
    assert ws.cell(2, col["全年执行数（元）"]).value == "99999999999999.99"
    assert isinstance(ws.cell(2, col["全年预算数（元）"]).value, float)
    # Excel's own escape for a control character and for a literal _xHHHH_; \r kept
    assert ws.cell(2, col["单位标识"]).value == "a_x0007_b_x005F_x0041_c\r\nd"
    cut = (
        wb["绩效指标"].cell(2, [c.value for c in wb["绩效指标"][1]].index("偏差原因分析及改进措施") + 1).value
    )
    assert len(cut) == 32_767 and cut.endswith("…") and LONG.startswith(cut[:-1])
    with pytest.raises(AssertionError, match="deviation_reason"):  # the one value Excel cannot hold
        check_round_trip(out, xlsx)


# ---------------------------------------------------------------- LibreOffice


def soffice_csv(xlsx: Path, dest: Path) -> subprocess.CompletedProcess:
    """Every sheet of the workbook as CSV, values as shown (LibreOffice's filter options)."""
    dest.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(dest / 'profile').as_uri()}",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
            "--outdir",
            str(dest),
            str(xlsx),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_it(exported, hostile, tmp_path):
    ref = soffice_csv(SAMPLES / "202.xlsx", tmp_path / "ref")
    if not list((tmp_path / "ref").glob("*.csv")):  # soffice without Calc (libreoffice-calc-nogui)
        pytest.skip(f"this LibreOffice cannot read .xlsx at all: {ref.stderr.strip()[-200:]}")
    for name, xlsx in (("samples", exported[1]), ("hostile", hostile[1])):
        done = soffice_csv(xlsx, tmp_path / name)
        assert done.returncode == 0, done.stderr
        sheets = {
            p.name.removeprefix(f"{xlsx.stem}-").removesuffix(".csv"): p
            for p in (tmp_path / name).glob("*.csv")
        }
        assert {"文件", "报告", "项目", "绩效指标", "金额", "核查发现", INDEX_SHEET} <= set(sheets), (
            done.stdout
        )
        report = sheets["报告"].read_text(encoding="utf-8").splitlines()
        assert report[0].startswith("报告编号,报告类型,单位名称")
        if name == "hostile":  # shown as written: text, not a computed 2; percent and 元 formats
            assert ",=1+1," in report[1] and ",-龙山县," in report[1]
            assert "98.3612%" in report[1] and "0.01" in report[1]
        else:
            assert '"4,035,100.00",403.51' in sheets["报告"].read_text(encoding="utf-8")
