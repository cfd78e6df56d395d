"""The words that name each field, as real reports write them: one table, one line per field.

Adding a synonym touches one line here. Longer labels win over shorter ones where
they overlap (年初预算批复数 over 预算数), so order within a line does not matter.
"""

from __future__ import annotations

from functools import cache

import regex

# field -> labels seen in real reports (seed 000, corpus 001-065)
LABELS: dict[str, tuple[str, ...]] = {
    "budget_initial": ("年初预算批复数", "年初预算数", "年初批复数", "年初预算安排", "年初批复预算", "年初预算",
                       "年初批复", "年初安排", "年初部门预算", "年初预算金额"),
    "budget_adjusted": ("全年预算数", "调整后预算数", "调整后预算", "调整预算数", "调整预算后", "调整后全年预算",
                        "全年预算", "预算调整数", "项目预算资金", "项目预算", "预算总金额", "预算资金", "预算总额",
                        "全年预算批复数", "预算金额", "下达资金", "下达", "安排资金", "项目金额", "资金总额",
                        "预算数", "批复预算", "部门预算总金额"),
    "expenditure": ("全年执行数", "年终决算数", "实际支出", "执行数", "实际使用", "决算数", "实际已支付",
                    "已支付", "实际支付", "累计支出", "累计支付", "实际执行", "支出数", "全年支出", "预算执行数",
                    "完成投资", "实际完成投资", "部门整体支出", "支出总额", "总支出", "已使用", "资金已使用",
                    "拨付工程款", "已拨付工程款", "已拨付资金", "实际完成支出", "执行总量", "执行金额"),
    "execution_rate": ("预算执行率", "执行率", "完成预算的", "支付完成率", "资金执行率", "支出进度", "资金支付率", "完成率"),
    "basic_expenditure": ("基本支出",),
    "personnel_expenditure": ("人员经费", "人员支出", "工资福利支出"),
    "public_expenditure": ("日常公用经费", "公用经费", "公用支出"),
    "project_expenditure": ("项目支出",),
    "self_score": ("自评得分", "自评总得分", "总得分", "综合得分", "评价得分", "自评分", "综合评分", "总分",
                   "自评结果得分", "绩效自评得分", "最终得分", "得分"),
    "grade": ("评价等级", "评价等次", "自评等级", "绩效等级", "等级", "等次", "评定为", "评价结果为", "自评结果为",
              "自评为", "评价为"),
}

# fields whose value is money, a percentage, a score, a word or a count
MONEY_FIELDS = ("budget_initial", "budget_adjusted", "expenditure", "basic_expenditure",
                "personnel_expenditure", "public_expenditure", "project_expenditure")
PERCENT_FIELDS = ("execution_rate",)
SCORE_FIELDS = ("self_score",)

# The grades a report states (longest first, so 优秀 is read before 优).
GRADES = ("优秀", "良好", "合格", "不合格", "较差", "优", "良", "中", "差")


LABEL_FIELD: dict[str, str] = {label: f for f, labels in LABELS.items() for label in labels}


@cache
def label_pattern() -> regex.Pattern:
    """Every label of every field as one alternation, longest first, so the longest label wins."""
    words = sorted(LABEL_FIELD, key=len, reverse=True)
    return regex.compile("|".join(regex.escape(w) for w in words))
