"""The metric vocabulary of standard items and the comparison of a value with a threshold.

An item that states a number names a metric (a code below), a comparator and a threshold.
The metric engine computes each metric per organisation and year (the period is the year
unless the code says otherwise) from the source given here: organisational-life records
(`meetings`), the registry (`registry`) or yearly facts the organisation enters (`fact`,
codes shared with `orglife.choices.FactKind`).
"""

import operator
from dataclasses import dataclass
from decimal import Decimal

from .choices import Comparator, MetricSource


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    unit: str
    source: str


_MEETINGS = MetricSource.MEETINGS
_REGISTRY = MetricSource.REGISTRY
_FACT = MetricSource.FACT

METRICS = {
    metric.code: metric
    for metric in (
        # counts of meetings in the year
        Metric("general_meetings", "党员大会次数", "次", _MEETINGS),
        Metric("committee_meetings", "支委会（委员会）会议次数", "次", _MEETINGS),
        Metric("group_meetings", "党小组会次数", "次", _MEETINGS),
        Metric("party_lectures", "党课次数", "次", _MEETINGS),
        Metric("theme_days", "主题党日次数", "次", _MEETINGS),
        Metric("life_meetings", "组织生活会次数", "次", _MEETINGS),
        Metric("democratic_reviews", "民主评议党员次数", "次", _MEETINGS),
        Metric("collective_studies", "集中学习次数", "次", _MEETINGS),
        # periods of the year with at least one meeting ("每季度" = 4, "每月" = 12)
        Metric("general_meeting_quarters", "召开党员大会的季度数", "个季度", _MEETINGS),
        Metric("committee_meeting_months", "召开支委会的月份数", "个月", _MEETINGS),
        Metric("theme_day_months", "开展主题党日的月份数", "个月", _MEETINGS),
        Metric("collective_study_months", "开展集中学习的月份数", "个月", _MEETINGS),
        # who gives the party lectures
        Metric("committee_member_lectures", "班子成员讲党课次数", "次", _MEETINGS),
        Metric(
            "lectures_per_committee_member",
            "每名班子成员讲党课次数（最少者）",
            "次",
            _MEETINGS,
        ),
        Metric("secretary_lectures", "书记讲党课次数", "次", _MEETINGS),
        Metric("superior_leader_lectures", "上级党组织负责人讲党课次数", "次", _MEETINGS),
        # per member and rates
        Metric("study_hours_per_member", "人均学习时长", "学时", _MEETINGS),
        Metric("volunteer_hours_per_member", "人均志愿服务时长", "小时", _MEETINGS),
        Metric("democratic_review_participation", "民主评议党员参与率", "%", _MEETINGS),
        Metric("attendance_rate", "组织生活出勤率", "%", _MEETINGS),
        Metric(
            "mobile_member_min_sessions",
            "流动党员每人参加组织生活次数（最少者）",
            "次",
            _MEETINGS,
        ),
        Metric("secretary_reports", "书记述职次数", "次", _MEETINGS),
        # the registry
        Metric("members_total", "党员人数", "人", _REGISTRY),
        Metric("committee_size", "班子成员人数", "人", _REGISTRY),
        Metric("cadres_under_50", "50岁以下班子成员", "人", _REGISTRY),
        Metric("committee_high_school_share", "班子成员高中以上文化程度占比", "%", _REGISTRY),
        Metric("lost_contact_members", "失联党员人数", "人", _REGISTRY),
        Metric("functional_members", "功能型党支部党员人数", "人", _REGISTRY),
        # yearly facts entered by the organisation
        Metric("collective_income", "村集体经济年收入", "元", _FACT),
        Metric("satisfaction_rate", "群众满意率", "%", _FACT),
        Metric("request_resolution_rate", "民情事项办复率", "%", _FACT),
        Metric("cadre_satisfaction_rate", "党员和群众对“两委”干部满意率", "%", _FACT),
        Metric("cadre_dissatisfaction_rate", "党员和群众对“两委”干部不满意率", "%", _FACT),
        Metric("member_satisfaction_rate", "群众对党员整体满意率", "%", _FACT),
        Metric("member_dissatisfaction_rate", "群众对党员整体不满意率", "%", _FACT),
        Metric("cultural_activities", "群众性文化体育活动", "次", _FACT),
        Metric("reserve_cadres", "后备干部", "人", _FACT),
        Metric("venue_area", "活动场所面积", "平方米", _FACT),
        Metric("volunteer_activities", "志愿服务活动", "次", _FACT),
        Metric("party_work_reports_heard", "听取党建工作汇报", "次", _FACT),
        Metric("research_visits", "调研和走访活动", "次", _FACT),
        Metric("key_problems_solved", "解决的突出问题", "件", _FACT),
        Metric("community_service_projects", "到社区认领并完成的服务项目", "个", _FACT),
        Metric(
            "party_worker_trainings",
            "书记和党务工作者每人参加集中培训次数（最少者）",
            "次",
            _FACT,
        ),
        Metric("member_trainings", "党员教育培训", "次", _FACT),
        Metric("member_min_trainings", "党员每人参加集中培训次数（最少者）", "次", _FACT),
        Metric("secretary_trainings", "书记参加上级党组织培训", "次", _FACT),
        Metric("social_org_rating", "社会组织评估等级", "A", _FACT),
        Metric("skilled_member_share", "生产技术能手和经营管理骨干党员占比", "%", _FACT),
        Metric("villager_representative_meetings", "村民代表会议", "次", _FACT),
        Metric("service_scenes", "培育的社区生活性服务新场景、新业态、新模式", "处", _FACT),
        Metric("villages_helped", "带动提升工作水平的周边村", "个", _FACT),
    )
}

_OPERATORS = {
    Comparator.GE: operator.ge,
    Comparator.GT: operator.gt,
    Comparator.LE: operator.le,
    Comparator.LT: operator.lt,
    Comparator.EQ: operator.eq,
}


def as_decimal(value) -> Decimal:
    """Exact decimal of a number; a float goes through its shortest repr (31.5, not
    31.499999…), so that 0.1 + 0.2 style noise never decides an edge."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def compare(value, comparator: str, threshold) -> bool:
    """Whether `value` meets `comparator threshold` (31.5 vs ">= 32" → False)."""
    try:
        check = _OPERATORS[comparator]
    except KeyError:
        raise ValueError(f"未知的比较符：{comparator}") from None
    return check(as_decimal(value), as_decimal(threshold))


def format_number(value) -> str:
    """32 → "32", 31.50 → "31.5", 200000 → "200,000"."""
    number = as_decimal(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def short_name(code: str, metric: str, text: str) -> str:
    """An item as a chart axis or a column names it, readable without hovering: its code
    and what it measures ("2.2.2 主题党日次数"), or the start of its text."""
    known = METRICS.get(metric)
    what = known.label if known else (text[:8] + "…" if len(text) > 8 else text)
    return f"{code} {what}"


def describe(metric: str, comparator: str, threshold) -> str:
    """The requirement in plain Chinese: "人均学习时长 ≥ 32 学时"."""
    known = METRICS.get(metric)
    label, unit = (known.label, known.unit) if known else (metric, "")
    amount = format_number(threshold)
    if unit in ("%", "A"):  # 90%, 3A
        amount += unit
    elif unit:
        amount += f" {unit}"
    return f"{label} {Comparator(comparator).label} {amount}"
