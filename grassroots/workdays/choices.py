from django.db import models


class DayKind(models.TextChoices):
    """How a date departs from the Monday–Friday week (RULES.md "Working days")."""

    REST = "rest", "休"  # a statutory holiday or its adjusted rest day on a weekday
    WORK = "work", "班"  # an adjusted working weekend day (调休上班)


class YearSource(models.TextChoices):
    PACKAGE = "package", "国务院节假日安排（内置数据）"
    ADMIN = "admin", "管理员录入"
    IMPORT = "import", "Excel导入"
