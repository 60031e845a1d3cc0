"""Codes of compliance, assessment and rectification (DESIGN.md vocabulary)."""

from django.db import models


class ItemStatus(models.TextChoices):
    """How an organisation stands against one standard item."""

    MET = "met", "达标"
    NOT_MET = "not_met", "未达标"
    NO_DATA = "no_data", "无数据"
    MANUAL = "manual", "需佐证材料"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    FAIR = "fair", "一般"
    POOR = "poor", "较差"


class Light(models.TextChoices):
    """A warning's colour: done, still time, overdue."""

    GREEN = "green", "正常"
    YELLOW = "yellow", "提醒"
    RED = "red", "逾期"


class AssessmentState(models.TextChoices):
    DRAFT = "draft", "自评中"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    RESUBMITTED = "resubmitted", "重新提交待审核"
    REVIEWED = "reviewed", "已评定"


EDITABLE_STATES = (AssessmentState.DRAFT, AssessmentState.RETURNED)
REVIEW_STATES = (AssessmentState.SUBMITTED, AssessmentState.RESUBMITTED)

# What an organisation says of an item attested with evidence.
SELF_STATUS_CHOICES = [
    (ItemStatus.MET.value, "达标"),
    (ItemStatus.NOT_MET.value, "未达标"),
]


class TaskStatus(models.TextChoices):
    OPEN = "open", "待整改"
    IN_PROGRESS = "in_progress", "整改中"
    DONE = "done", "已完成"
