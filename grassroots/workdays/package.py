"""Filling the holiday table from the `chinesecalendar` package (State Council notices of
2004–2026 in version 1.11.0). Only years not yet entered in full are filled, so running it
again changes nothing and an administrator's corrections of a covered year stay."""

from dataclasses import dataclass, field

import chinese_calendar
from chinese_calendar.constants import Holiday, holidays, workdays
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from .choices import DayKind, YearSource
from .models import CalendarDay, CalendarYear

CHANGE_REASON = f"chinesecalendar {getattr(chinese_calendar, '__version__', '')}".strip()
# The package's short names, as the State Council's notices write them.
NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


def _name(english):
    chinese = Holiday(english).chinese
    return NAMES.get(chinese, chinese)


def package_days():
    """{year: [(date, kind, name)]}: the package's departures from the Monday–Friday week
    (holidays on weekdays, working weekend days)."""
    by_year = {}
    for day, english in holidays.items():
        if day.weekday() < 5:
            by_year.setdefault(day.year, []).append((day, DayKind.REST, _name(english)))
    for day, english in workdays.items():
        if day.weekday() >= 5:
            by_year.setdefault(day.year, []).append((day, DayKind.WORK, _name(english)))
    return {year: sorted(entries) for year, entries in sorted(by_year.items())}


@dataclass
class LoadReport:
    filled: list = field(default_factory=list)  # years filled now
    kept: list = field(default_factory=list)  # years already entered in full


@transaction.atomic
def load_holidays():
    """Fill every year the package covers that the table does not cover yet: its entries
    (keeping any row already entered for a date) and the year marked as entered in full."""
    report = LoadReport()
    covered = set(CalendarYear.objects.filter(covered=True).values_list("year", flat=True))
    in_package = package_days()
    wanted = {year: entries for year, entries in in_package.items() if year not in covered}
    report.kept = sorted(covered & set(in_package))
    if not wanted:
        return report
    existing = set(
        CalendarDay.objects.filter(date__year__in=list(wanted)).values_list("date", flat=True)
    )
    new_days = [
        CalendarDay(date=day, kind=kind, name=name)
        for entries in wanted.values()
        for day, kind, name in entries
        if day not in existing
    ]
    bulk_create_with_history(new_days, CalendarDay, default_change_reason=CHANGE_REASON)
    records = {r.year: r for r in CalendarYear.objects.filter(year__in=list(wanted))}
    for year in wanted:
        record = records.get(year) or CalendarYear(year=year)
        record.covered, record.source = True, YearSource.PACKAGE
        record._change_reason = CHANGE_REASON
        record.save()
    report.filled = sorted(wanted)
    return report
