from django.db import models


class CampaignKind(models.TextChoices):
    """Seed 000 names (命名) and files (备案登记); seed 002 creates bases; seed 004 creates
    demonstration points after grading the whole field."""

    NAMING = "naming", "示范命名"
    BASE = "base", "示范基地创建"
    DEMONSTRATION_POINT = "demonstration_point", "示范点创建"
    FILING = "filing", "示范点备案登记"


class CheckCode(models.TextChoices):
    SURPLUS_TOO_LOW = "SURPLUS_TOO_LOW", "差额不足"
    OVER_QUOTA = "OVER_QUOTA", "超出名额"
    VILLAGE_SHARE = "VILLAGE_SHARE", "村（社区）比例"
    TOP_NOT_NOMINATED = "TOP_NOT_NOMINATED", "十佳不在示范推荐对象中"


class ChainStep(models.TextChoices):
    """The opinions of seed 000 附件2, in order."""

    BASIC_COMMITTEE = "basic_committee", "基层党委意见"
    UPPER_COMMITTEE = "upper_committee", "上级党委（党组）意见"
    ORGANISER = "organiser", "组织部门意见"


class Answer(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
