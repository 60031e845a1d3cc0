"""The holiday table: one row per date that departs from the Monday–Friday week, and the
years entered in full (docs/decisions/0025-working-day-calendar.md). Rows are never deleted:
an entry made by mistake is withdrawn, and history keeps who changed what."""

from django.db import models
from simple_history.models import HistoricalRecords

from . import rules
from .choices import DayKind, YearSource


class CalendarDay(models.Model):
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=4, choices=DayKind.choices)
    name = models.CharField("名称", max_length=40, help_text="如 国庆节、春节")
    withdrawn = models.BooleanField("已撤销", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "放假调休日"
        verbose_name_plural = "放假调休日"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"


class CalendarYear(models.Model):
    """A year is covered (working days may be counted in it) only when entered as such."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    covered = models.BooleanField("已录入完整", default=False)
    source = models.CharField("来源", max_length=8, choices=YearSource.choices)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "日历年度"
        verbose_name_plural = "日历年度"
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}年"


def holiday_table(first_year, last_year=None):
    """The table from `first_year` (to `last_year`, or on) as `rules.HolidayTable`: two
    queries however many years. Counting goes forward from a start date, so its year on
    suffices; the rows are a few dozen a year."""
    years = CalendarYear.objects.filter(covered=True, year__gte=first_year)
    days = CalendarDay.objects.filter(withdrawn=False, date__year__gte=first_year)
    if last_year is not None:
        years = years.filter(year__lte=last_year)
        days = days.filter(date__year__lte=last_year)
    return rules.HolidayTable(
        years=frozenset(years.values_list("year", flat=True)),
        days=dict(days.values_list("date", "kind")),
    )
