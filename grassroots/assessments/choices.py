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
