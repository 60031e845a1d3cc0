from django.db import models

from grassroots.standards.choices import MetricSource
from grassroots.standards.metrics import METRICS


class MeetingType(models.TextChoices):
    """DESIGN.md's meeting types (三会一课, 主题党日, 组织生活会 …)."""

    GENERAL_MEETING = "general_meeting", "党员大会"
    COMMITTEE_MEETING = "committee_meeting", "支委会/委员会会议"
    GROUP_MEETING = "group_meeting", "党小组会"
    PARTY_LECTURE = "party_lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    LIFE_MEETING = "life_meeting", "组织生活会"
    DEMOCRATIC_REVIEW = "democratic_review", "民主评议党员"
    STUDY = "study", "集中学习"
    VOLUNTEER = "volunteer", "志愿服务"


# Short labels where space is tight (calendar cells, badges on a phone).
SHORT_LABELS = {
    MeetingType.GENERAL_MEETING: "党员大会",
    MeetingType.COMMITTEE_MEETING: "支委会",
    MeetingType.GROUP_MEETING: "小组会",
    MeetingType.PARTY_LECTURE: "党课",
    MeetingType.THEME_DAY: "主题党日",
    MeetingType.LIFE_MEETING: "组织生活会",
    MeetingType.DEMOCRATIC_REVIEW: "民主评议",
    MeetingType.STUDY: "集中学习",
    MeetingType.VOLUNTEER: "志愿服务",
}

# Calendar cells are narrow on a phone: two characters (and a colour) per type.
TYPE_MARKS = {
    MeetingType.GENERAL_MEETING: "大会",
    MeetingType.COMMITTEE_MEETING: "支委",
    MeetingType.GROUP_MEETING: "小组",
    MeetingType.PARTY_LECTURE: "党课",
    MeetingType.THEME_DAY: "党日",
    MeetingType.LIFE_MEETING: "生活",
    MeetingType.DEMOCRATIC_REVIEW: "评议",
    MeetingType.STUDY: "学习",
    MeetingType.VOLUNTEER: "志愿",
}


# Yearly facts a standard needs that are not meetings: exactly the metrics of the standards'
# vocabulary whose source is a fact the organisation enters (grassroots/standards/metrics.py),
# so every such item of every standard set can be measured.
_FACTS = [metric for metric in METRICS.values() if metric.source == MetricSource.FACT]
FactKind = models.TextChoices(
    "FactKind", [(metric.code.upper(), (metric.code, metric.label)) for metric in _FACTS]
)
FACT_UNITS = {metric.code: metric.unit for metric in _FACTS}
# Facts that count things: whole numbers only.
COUNTING_UNITS = frozenset({"次", "人", "个", "件", "处", "A"})
WHOLE_NUMBER_FACTS = frozenset(m.code for m in _FACTS if m.unit in COUNTING_UNITS)
PERCENT_FACTS = frozenset(m.code for m in _FACTS if m.unit == "%")


class FactSource(models.TextChoices):
    """Who gave a yearly fact: the organisation itself, or a satisfaction survey of a
    demonstration campaign, whose rate replaces the self-reported one in compliance while
    that stays visible (RULES.md "Demonstration campaigns")."""

    SELF_REPORTED = "self_reported", "自报"
    SURVEY = "survey", "满意度测评"


class ReportRating(models.TextChoices):
    """The level above's evaluation of a secretary's yearly report: the 好/较好/一般/差 of
    述职评议考核 (not the assessment grades 优秀/良好/一般/较差)."""

    GOOD = "good", "好"
    FAIRLY_GOOD = "fairly_good", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "差"


# Common reasons offered when a member is marked absent (free text is accepted too).
ABSENCE_REASONS = ("外出务工", "因病请假", "因公外出", "年老体弱", "事假", "流动在外")
