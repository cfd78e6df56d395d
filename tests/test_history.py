"""History that links years: one unit_key per unit and one project_key per project across
fiscal years, with names varying as real ones do; problems and measures of the seed."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from extract import read
from jixiao.cli import main
from normalize.keys import project_key, unit_key
from normalize.problems import problems

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

# One unit over three years, its name written three ways (and renamed once, through the
# alias table), and its projects' names drifting as they do from one year to the next.
YEARS = {
    2021: (
        "龙山县电子政务中心",
        ["2021年乡镇视频会议系统租赁项目", "政府门户网站运维经费", "（一门式）全覆盖网络建设租赁费项目"],
    ),
    2022: (
        "龙山县大数据中心",
        ["乡镇视频会议系统租赁项目", "政府门户网站运维项目", "(一门式)全覆盖网络建设租赁费项目"],
    ),
    2023: (
        "龙山县 大数据中心（盖章）",
        ["2023年度乡镇视频会议系统租赁费项目", "政府门户网站运维项目", "一门式全覆盖网络建设租赁项目"],
    ),
}


def report_text(year: int, unit: str, projects: list[str]) -> str:
    items = "\n".join(
        f"({i}) {name}绩效自评综述：根据年初设定的绩效目标，项目自评得分 90 分。"
        f"项目全年预算数 {10 + i} 万元，执行数 {10 + i} 万元，完成预算的 100%。"
        for i, name in enumerate(projects, start=1)
    )
    return (
        f"# {unit}{year}年部门整体支出绩效自评报告\n\n"
        f"{year}年我部门年初预算数 100 万元，全年预算数 120 万元，全年执行数 118 万元，预算执行率为 98.33%。\n\n"
        f"## 项目绩效自评结果\n\n{items}\n\n{unit}\n{year + 1}年3月1日\n"
    )


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    inp = tmp_path_factory.mktemp("in")
    for year, (unit, projects) in YEARS.items():
        (inp / f"report_{year}.txt").write_text(report_text(year, unit, projects), encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    assert main(["ingest", str(inp), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    return out


def test_one_unit_key_across_three_years(dataset):
    con = duckdb.connect(str(dataset / "jixiao.duckdb"), read_only=True)
    rows = con.execute("select fiscal_year, unit_name, unit_key from reports order by fiscal_year").fetchall()
    assert [r[0] for r in rows] == [2021, 2022, 2023]
    assert {r[2] for r in rows} == {"龙山县大数据中心"}


def test_one_project_key_per_project_across_three_years(dataset):
    con = duckdb.connect(str(dataset / "jixiao.duckdb"), read_only=True)
    keys = con.execute("select project_key, count(distinct fiscal_year) from projects group by 1").fetchall()
    assert len(keys) == 3
    assert all(n == 3 for _, n in keys)


def test_history_is_a_unit_year_panel(dataset):
    con = duckdb.connect(str(dataset / "jixiao.duckdb"), read_only=True)
    rows = con.execute(
        "select unit_key, fiscal_year, budget_adjusted from history order by fiscal_year"
    ).fetchall()
    assert [(k, y) for k, y, _ in rows] == [
        ("龙山县大数据中心", 2021),
        ("龙山县大数据中心", 2022),
        ("龙山县大数据中心", 2023),
    ]
    assert {str(b) for _, _, b in rows} == {"1200000.00"}
    series = con.execute("select count(*) from project_history group by project_key").fetchall()
    assert sorted(n for (n,) in series) == [3, 3, 3]


@pytest.mark.parametrize(
    "a, b",
    [
        ("中共龙山县委宣传部", "龙山县委 宣传部"),
        ("龙山县人民政府办公室", "龙山县政府办公室"),
        ("龙山县大数据中心（盖章）", "龙山县大数据中心"),
        ("龙山县电子政务中心", "龙山县大数据中心"),  # renamed: the alias table
    ],
)
def test_unit_name_variants_share_a_key(a, b):
    assert unit_key(a) == unit_key(b)


def test_different_units_differ():
    assert unit_key("龙山县财政局") != unit_key("龙山县教育局")


def test_projects_of_different_units_differ():
    assert project_key("龙山县财政局", "政府门户网站运维项目") != project_key(
        "龙山县教育局", "政府门户网站运维项目"
    )


SEED_PROBLEMS = [
    ("problems", 1, "我部门未出现未完成绩效目标或偏离绩效目标较大项目"),
    ("problems", 2, "预算绩效管理意识不深入"),
    ("problems", 3, "预算绩效管理机构人员不健全"),
    ("problems", 4, "预算绩效评价结果运用不充分"),
    ("problems", 5, "全县村级电子政务外网覆盖面广"),
    ("measures", 1, "强化宣传，深化绩效管理观念创新"),
    ("measures", 2, "强化队伍建设，夯实管理考评机制"),
    ("measures", 3, "强化结果应用，增强绩效约束力实效"),
    ("measures", 4, "一是加强单位信息化业务能力人员对信息化的认识"),
]
SEED_THEMES = [
    "目标设置不合理",
    "绩效意识不强",
    "人员力量不足",
    "结果运用不充分",
    "人员力量不足",
    "绩效意识不强",
    "人员力量不足",
    "结果运用不充分",
    "信息化与运维",
]


@pytest.mark.parametrize("name", ["000.txt", "000.docx", "000.pdf"])
def test_seed_problems_and_measures(name):
    doc = read(SAMPLES / name)
    items = problems(b for p in doc.pages for b in p.blocks)
    assert [(p.section, p.seq) for p in items] == [(s, n) for s, n, _ in SEED_PROBLEMS]
    for item, (_, _, start) in zip(items, SEED_PROBLEMS):
        assert item.text.startswith(start), item.text[:40]
    assert [p.theme for p in items] == SEED_THEMES
