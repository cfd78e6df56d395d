"""Every field of the records, declared once: its name, its kind, the words that name it
in a report, and its header for the staff's Excel.

A table of records is a tuple of these declarations in column order (`REPORTS`,
`PROJECTS`, ...). Everything else comes from them or is held to them by a test:

- the sentence scanner's label lookup (`normalize.labels`) from `labels`;
- the form reader's column headers, key cells and row labels (`normalize.tables`) from
  `columns`, `cells` and `rows`;
- export's Arrow schema, CSV columns and DuckDB views (`export.schema`) from `kind`;
- the Excel headers and the 字段说明 sheet (`export.xlsx`) from `header` and `meaning`;
- the record dataclasses (`normalize.model`): a test holds their fields to these.

Adding a field means one declaration here (in its table's tuple) and the code that reads
its value. Adding a synonym means one word in one tuple. The words were seen in real
reports (the seed 000, corpus 001-065, the real files) unless a comment says otherwise.

This module imports nothing heavy: export reads it in a run's parent, which must not
load the parsers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    """What a field's value is, which fixes its type in every output."""

    MONEY = "money"  # Decimal yuan: 403.51 万元 -> 4035100.00
    RATE = "rate"  # a percentage as stated: 98.36% -> 98.36
    SCORE = "score"  # a score as stated: 88分 -> 88
    MEASURE = "measure"  # an indicator's number in its own unit: ≥120盏 -> 120
    TEXT = "text"
    GRADE = "grade"  # 优 / 良 / 中 / 差 / 优秀 ... as stated (text)
    DATE = "date"
    INT = "int"  # a whole number: a count, a year, a page, an offset
    BIGINT = "bigint"  # a file's size in bytes
    FLOAT = "float"  # seconds of wall time
    BOOL = "bool"
    TIME = "time"  # a moment, in UTC


@dataclass(frozen=True, slots=True)
class Field:
    """One column of one or more record tables."""

    name: str
    kind: Kind
    header: str  # the Excel column header, without the unit its kind adds (（元）, （%）)
    meaning: str = ""  # one line for the 字段说明 sheet
    labels: tuple[str, ...] = ()  # in running text, before its value: 年初预算批复数 403.51 万元
    columns: tuple[str, ...] = ()  # heading its column in a form: | 年初预算数 | 全年预算数 |
    cells: tuple[str, ...] = ()  # a form's key cell, its value in the cell to the right: | 项目名称 | X |
    rows: tuple[str, ...] = ()  # a form's row label, its value in the score column: | 总分 | … | 96.5 |


# ---- the figures reports and projects share -------------------------------------------

BUDGET_INITIAL = Field(
    "budget_initial",
    Kind.MONEY,
    "年初预算数",
    "年初预算数 / 年初批复数",
    labels=(
        "年初预算批复数",
        "年初预算数",
        "年初批复数",
        "年初预算安排",
        "年初批复预算",
        "年初预算",
        "年初批复",
        "年初安排",
        "年初部门预算",
        "年初预算金额",
    ),
    columns=("年初预算数", "年初预算", "年初批复数", "年初数"),
    cells=("年初预算数", "年初预算"),
)
BUDGET_ADJUSTED = Field(
    "budget_adjusted",
    Kind.MONEY,
    "全年预算数",
    "全年预算数 / 调整后预算数",
    labels=(
        "全年预算数",
        "调整后预算数",
        "调整后预算",
        "调整预算数",
        "调整预算后",
        "调整后全年预算",
        "全年预算",
        "预算调整数",
        "项目预算资金",
        "项目预算",
        "预算总金额",
        "预算资金",
        "预算总额",
        "全年预算批复数",
        "预算金额",
        "下达资金",
        "下达",
        "安排资金",
        "项目金额",
        "资金总额",
        "预算数",
        "批复预算",
        "部门预算总金额",
        "获得",  # 获得2023年度中央水污染防治专项资金17347万元 (only before funds: normalize.facts)
        "争取",
    ),
    columns=("全年预算数", "调整后预算数", "调整后预算", "全年预算", "预算数"),
    cells=("预算数", "全年预算数", "调整后预算数"),  # | 预算数: | 37 | 执行数: | 37 | (完成情况表)
)
EXPENDITURE = Field(
    "expenditure",
    Kind.MONEY,
    "全年执行数",
    "全年执行数 / 决算数 / 实际支出",
    labels=(
        "全年执行数",
        "全年执行",
        "年终决算数",
        "实际支出",
        "执行数",
        "实际使用",
        "决算数",
        "实际已支付",
        "已支付",
        "实际支付",
        "累计支出",
        "累计支付",
        "实际执行",
        "支出数",
        "全年支出",
        "预算执行数",
        "完成投资",
        "实际完成投资",
        "部门整体支出",
        "支出总额",
        "总支出",
        "已使用",
        "资金已使用",
        "拨付工程款",
        "已拨付工程款",
        "已拨付资金",
        "实际完成支出",
        "执行总量",
        "执行金额",
        "年终决算支出",  # a package's 附件: 年终决算支出为3256.1万元
        "决算支出",
    ),
    columns=("全年执行数", "预算执行数", "执行数", "实际支出", "全年实际支出", "决算数"),
    cells=("执行数", "全年执行数", "预算执行数"),
)
EXECUTION_RATE = Field(
    "execution_rate",
    Kind.RATE,
    "预算执行率",
    "百分数：98.36 即 98.36%",
    labels=(
        "预算执行率",
        "执行率",
        "完成预算的",
        "支付完成率",
        "资金执行率",
        "支出进度",
        "资金支付率",
        "完成率",
        "预算完成率",  # 2019年预算完成率达到100%
    ),
    columns=("执行率", "预算执行率"),
)
GRADE = Field(
    "grade",
    Kind.GRADE,
    "评价等级",
    "优、良、中、差，按报告所写",
    labels=(
        "评价等级",
        "评价等次",
        "自评等级",
        "绩效等级",
        "等级",
        "等次",
        "评定为",
        "评价结果为",
        "自评结果为",
        "自评为",
        "评价为",
    ),
    cells=("评价等级", "自评等级", "等级", "评价结果", "评价结论"),
)
PAGE = Field("page", Kind.INT, "页码", "Word、文本等无分页时为空")
PROJECT_NAME = Field(
    "project_name", Kind.TEXT, "项目名称", "部门级指标为空", cells=("项目名称",), columns=("项目名称",)
)

# ---- reports: one row per document ---------------------------------------------------

REPORT_KIND = Field(
    "report_kind", Kind.TEXT, "报告类型", "dept_overall 部门整体支出；project 项目支出；unknown 未识别"
)
UNIT_NAME = Field(
    "unit_name",
    Kind.TEXT,
    "单位名称",
    cells=(
        "实施单位",
        "实施单位(盖章)",
        "项目实施单位",
        "填报单位",
        "填报单位(盖章)",
        "单位名称",
        "部门名称",
        "部门(单位)名称",
        "预算单位名称",
        "预算单位",
        "一级预算单位名称",
        "单位名称(盖章)",
    ),
)
REGION = Field("region", Kind.TEXT, "地区", "报告所写的行政区划，未写为空")
FISCAL_YEAR = Field("fiscal_year", Kind.INT, "评价年度", "所评价的预算年度（2023 年的报告评价 2022 年）")
REPORT_DATE = Field("report_date", Kind.DATE, "报告日期")
BASIC_EXPENDITURE = Field("basic_expenditure", Kind.MONEY, "基本支出", labels=("基本支出",))
PERSONNEL_EXPENDITURE = Field(
    "personnel_expenditure", Kind.MONEY, "人员经费", labels=("人员经费", "人员支出", "工资福利支出")
)
PUBLIC_EXPENDITURE = Field(
    "public_expenditure", Kind.MONEY, "公用经费", labels=("日常公用经费", "公用经费", "公用支出")
)
PROJECT_EXPENDITURE = Field("project_expenditure", Kind.MONEY, "项目支出", labels=("项目支出",))
SELF_SCORE = Field(
    "self_score",
    Kind.SCORE,
    "自评得分",
    labels=(
        "自评得分",
        "自评总得分",
        "总得分",
        "综合得分",
        "评价得分",
        "自评分",
        "综合评分",
        "总分",
        "自评结果得分",
        "绩效自评得分",
        "最终得分",
        "得分",
    ),
    # a form's last row (合计 | … | 100 | 95), a rubric's first (评价得分 | … | 97)
    rows=("总分", "总得分", "合计得分", "综合得分", "自评总分", "合计", "评价得分"),
)
PROJECT_COUNT = Field("project_count", Kind.INT, "项目个数", "报告所称涵盖的项目数")
TITLE = Field("title", Kind.TEXT, "报告标题")
UNIT_KEY = Field("unit_key", Kind.TEXT, "单位标识", "同一单位不同写法归并后的键")

REPORTS: tuple[Field, ...] = (
    REPORT_KIND,
    UNIT_NAME,
    REGION,
    FISCAL_YEAR,
    REPORT_DATE,
    BUDGET_INITIAL,
    BUDGET_ADJUSTED,
    EXPENDITURE,
    EXECUTION_RATE,
    BASIC_EXPENDITURE,
    PERSONNEL_EXPENDITURE,
    PUBLIC_EXPENDITURE,
    PROJECT_EXPENDITURE,
    SELF_SCORE,
    GRADE,
    PROJECT_COUNT,
    TITLE,
    UNIT_KEY,
)

# ---- projects: one row per project a report lists or tabulates -----------------------

SEQ = Field("seq", Kind.INT, "序号", "在文档中的先后顺序")
PROJECT_SCORE = Field("score", Kind.SCORE, "项目得分", "该项目的自评得分（表中的总分）")
SUMMARY = Field("summary", Kind.TEXT, "主要产出和效果")
PROJECT_KEY = Field("project_key", Kind.TEXT, "项目标识", "同一项目不同写法归并后的键")

PROJECTS: tuple[Field, ...] = (
    SEQ,
    PROJECT_NAME,
    BUDGET_INITIAL,
    BUDGET_ADJUSTED,
    EXPENDITURE,
    EXECUTION_RATE,
    PROJECT_SCORE,
    GRADE,
    SUMMARY,
    PAGE,
    PROJECT_KEY,
)

# ---- indicators: one row per performance indicator -----------------------------------

LEVEL1 = Field("level1", Kind.TEXT, "一级指标", columns=("一级指标",))
LEVEL2 = Field("level2", Kind.TEXT, "二级指标", columns=("二级指标",))
LEVEL3 = Field("level3", Kind.TEXT, "三级指标", columns=("三级指标", "指标名称", "具体指标"))
TARGET = Field(
    "target",
    Kind.TEXT,
    "年度指标值",
    "原文",
    columns=("年度指标值", "指标值", "年度目标值", "预期指标值", "目标值", "年度绩效指标值", "计划指标值"),
)
ACTUAL = Field(
    "actual",
    Kind.TEXT,
    "实际完成值",
    "原文",
    columns=(
        "实际完成值",
        "全年实际值",
        "完成值",
        "实际值",
        "实际完成情况",
        "全年实际完成值",
        "实际完成指标值",
    ),
)
WEIGHT = Field("weight", Kind.SCORE, "分值", columns=("分值", "权重"))
INDICATOR_SCORE = Field("score", Kind.SCORE, "得分", columns=("得分", "自评得分", "评价得分"))
DEVIATION_REASON = Field(
    "deviation_reason",
    Kind.TEXT,
    "偏差原因分析及改进措施",
    columns=(
        "偏差原因分析及改进措施",
        "未完成原因及拟采取的改进措施",
        "未完成原因分析",
        "偏差原因分析",
        "原因分析及改进措施",
        "偏差原因",
        "未完成原因",
    ),
)
TARGET_OP = Field("target_op", Kind.TEXT, "指标值比较符", "≥、≤、= 等")
TARGET_VALUE = Field("target_value", Kind.MEASURE, "指标值数值", "按 target_unit 计")
TARGET_UNIT = Field("target_unit", Kind.TEXT, "指标值单位")
ACTUAL_OP = Field("actual_op", Kind.TEXT, "完成值比较符")
ACTUAL_VALUE = Field("actual_value", Kind.MEASURE, "完成值数值", "按 actual_unit 计")
ACTUAL_UNIT = Field("actual_unit", Kind.TEXT, "完成值单位")

INDICATORS: tuple[Field, ...] = (
    PROJECT_NAME,
    LEVEL1,
    LEVEL2,
    LEVEL3,
    TARGET,
    ACTUAL,
    WEIGHT,
    INDICATOR_SCORE,
    DEVIATION_REASON,
    PAGE,
    TARGET_OP,
    TARGET_VALUE,
    TARGET_UNIT,
    ACTUAL_OP,
    ACTUAL_VALUE,
    ACTUAL_UNIT,
)

# ---- amounts: every money amount found -----------------------------------------------

AMOUNTS: tuple[Field, ...] = (
    Field("field", Kind.TEXT, "对应字段", "该金额填入的报告/项目列名；空为未采用"),
    Field("label", Kind.TEXT, "金额名称", "原文中称呼该金额的词"),
    Field("raw", Kind.TEXT, "原文写法", "如 403.51 万元"),
    Field("value", Kind.MONEY, "金额"),
    PAGE,
    Field("char_start", Kind.INT, "起始字符位置", "在该页文字中的位置"),
    Field("char_end", Kind.INT, "结束字符位置"),
    Field("context", Kind.TEXT, "上下文", "金额所在的句子"),
)

# ---- findings: what the cross-checks found -------------------------------------------

FINDINGS: tuple[Field, ...] = (
    Field("check", Kind.TEXT, "核查项", "稳定的规则代码，如 conflicting_values"),
    Field("severity", Kind.TEXT, "严重程度", "error 错误；warning 警告；info 提示"),
    Field("field", Kind.TEXT, "涉及字段"),
    Field("expected", Kind.TEXT, "应为"),
    Field("actual", Kind.TEXT, "实为"),
    Field("message", Kind.TEXT, "说明"),
)

# ---- problems: the 存在的问题 / 改进措施 items -----------------------------------------

PROBLEMS: tuple[Field, ...] = (
    Field("section", Kind.TEXT, "类别", "problems 存在的问题；measures 改进措施"),
    SEQ,
    Field("text", Kind.TEXT, "内容"),
    Field("theme", Kind.TEXT, "归类主题", "按关键词词典归类"),
    Field("project_name", Kind.TEXT, "项目名称", "项目自评表中所写的问题归该项目；报告层面的为空"),
)

# table -> its record fields, in column order (export adds report_id and fiscal_year)
RECORDS: dict[str, tuple[Field, ...]] = {
    "reports": REPORTS,
    "projects": PROJECTS,
    "indicators": INDICATORS,
    "amounts": AMOUNTS,
    "findings": FINDINGS,
    "problems": PROBLEMS,
}


def by_name(fields: tuple[Field, ...]) -> dict[str, Field]:
    return {f.name: f for f in fields}
