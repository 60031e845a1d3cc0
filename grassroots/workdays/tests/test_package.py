"""Filling the table from chinesecalendar: once, idempotent, and never over an
administrator's entries."""

import datetime
import io

import chinese_calendar
from django.core.management import call_command

from grassroots.workdays import services
from grassroots.workdays.choices import YearSource
from grassroots.workdays.models import CalendarDay, CalendarYear
from grassroots.workdays.package import load_holidays


def test_it_fills_every_year_of_the_package_as_the_package_counts(holidays):
    assert holidays.filled == list(range(2004, 2027))
    years = CalendarYear.objects.filter(covered=True, source=YearSource.PACKAGE)
    assert list(years.values_list("year", flat=True)) == list(range(2004, 2027))
    day = datetime.date(2004, 1, 1)
    while day.year <= 2026:
        assert services.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += datetime.timedelta(days=30)
    entry = CalendarDay.objects.get(date="2026-04-06")
    assert (entry.kind, entry.name) == ("rest", "清明节")
    assert entry.history.get().history_type == "+"


def test_running_it_again_changes_nothing(holidays):
    count, history = CalendarDay.objects.count(), CalendarDay.history.count()
    again = load_holidays()
    assert again.filled == [] and len(again.kept) == 23
    assert (CalendarDay.objects.count(), CalendarDay.history.count()) == (count, history)


def test_an_administrators_changes_stay(holidays, calendar_admin):
    entry = CalendarDay.objects.get(date="2026-10-01")
    services.set_day(calendar_admin, entry.date, "rest", "国庆节（更正）")
    services.set_year_covered(calendar_admin, 2025, False)
    out = io.StringIO()
    call_command("load_holidays", stdout=out)
    assert "新录入 2025年" in out.getvalue()
    assert CalendarDay.objects.get(date="2026-10-01").name == "国庆节（更正）"
    # An uncovered year is filled again, keeping the rows it already has.
    assert CalendarYear.objects.get(year=2025).covered
