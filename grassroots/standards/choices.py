"""Codes of the standards library."""

from django.db import models


class SetStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class Comparator(models.TextChoices):
    GE = ">=", "≥"
    GT = ">", ">"
    LE = "<=", "≤"
    LT = "<", "<"
    EQ = "==", "="


class MetricSource(models.TextChoices):
    """Where the metric engine takes a metric's value from."""

    MEETINGS = "meetings", "组织生活记录"
    REGISTRY = "registry", "组织和党员信息"
    FACT = "fact", "年度填报"
