"""The pure working-day rules at their edges (RULES.md "Working days") and their invariants."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.workdays.choices import DayKind
from grassroots.workdays.package import package_days
from grassroots.workdays.rules import (
    HolidayTable,
    MissingYear,
    add_working_days,
    entry_errors,
    is_working_day,
)

D = datetime.date
REST, WORK = DayKind.REST, DayKind.WORK
PACKAGE = package_days()
TABLE = HolidayTable(
    years=frozenset(PACKAGE),
    days={day: kind for entries in PACKAGE.values() for day, kind, _ in entries},
)


@pytest.mark.parametrize(
    "start, end",
    [
        # RULES.md's examples, computed with the State Council calendars.
        (D(2026, 9, 30), D(2026, 10, 13)),
        (D(2026, 2, 13), D(2026, 2, 27)),
        (D(2025, 9, 30), D(2025, 10, 14)),
    ],
)
def test_rules_examples(start, end):
    assert add_working_days(start, 5, TABLE) == end


def test_an_adjusted_saturday_is_a_working_day_and_a_holiday_monday_is_not():
    table = HolidayTable(years=frozenset({2027}), days={D(2027, 10, 9): WORK, D(2027, 10, 4): REST})
    assert D(2027, 10, 9).weekday() == 5 and is_working_day(D(2027, 10, 9), table)
    assert D(2027, 10, 4).weekday() == 0 and not is_working_day(D(2027, 10, 4), table)
    assert not is_working_day(D(2027, 10, 10), table)  # an ordinary Sunday
    assert is_working_day(D(2027, 10, 5), table)  # an ordinary Tuesday


def test_the_package_years_agree_with_the_package_itself():
    assert is_working_day(D(2026, 10, 10), TABLE)  # 国庆节 调休上班 (Saturday)
    assert not is_working_day(D(2026, 10, 1), TABLE)


def test_zero_days_is_the_start_itself_even_on_a_holiday_or_without_data():
    assert add_working_days(D(2026, 10, 1), 0, TABLE) == D(2026, 10, 1)
    assert add_working_days(D(2040, 1, 1), 0, HolidayTable()) == D(2040, 1, 1)


def test_the_start_day_is_not_counted():
    assert add_working_days(D(2026, 3, 2), 1, TABLE) == D(2026, 3, 3)  # Monday → Tuesday


def test_counting_across_the_year_boundary_needs_both_years():
    table = HolidayTable(years=frozenset({2026}), days=TABLE.days)
    # 2026-12-30 is a Wednesday: the 1st working day after it is in 2026, the 2nd in 2027.
    assert add_working_days(D(2026, 12, 30), 1, table) == D(2026, 12, 31)
    with pytest.raises(MissingYear) as raised:
        add_working_days(D(2026, 12, 30), 2, table)
    assert raised.value.year == 2027
    assert "2027年" in str(raised.value)
    both = HolidayTable(years=frozenset({2026, 2027}), days={D(2027, 1, 1): REST})
    assert add_working_days(D(2026, 12, 30), 2, both) == D(2027, 1, 4)


def test_a_year_without_data_is_an_error_naming_it():
    with pytest.raises(MissingYear) as raised:
        is_working_day(D(2027, 3, 1), TABLE)
    assert raised.value.year == 2027
    assert "请管理员" in str(raised.value)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 2), -1, TABLE)


@pytest.mark.parametrize(
    "day, kind, field",
    [
        (D(2027, 10, 9), REST, "kind"),  # a Saturday rests anyway
        (D(2027, 10, 4), WORK, "kind"),  # a Monday works anyway
        (D(1999, 10, 4), REST, "date"),
        (D(2100, 10, 4), REST, "date"),
    ],
)
def test_entries_that_do_not_depart_from_the_week_are_refused(day, kind, field):
    assert field in entry_errors(day, kind)


def test_departures_are_accepted():
    assert entry_errors(D(2027, 10, 9), WORK) == {}
    assert entry_errors(D(2027, 10, 4), REST) == {}


# --- invariants ---------------------------------------------------------------------------------

starts = st.dates(min_value=D(2004, 1, 1), max_value=D(2025, 6, 30))
counts = st.integers(min_value=0, max_value=120)


@given(starts, counts, counts)
def test_adding_a_then_b_is_adding_a_plus_b(start, a, b):
    assert add_working_days(add_working_days(start, a, TABLE), b, TABLE) == add_working_days(
        start, a + b, TABLE
    )


@given(starts, st.integers(min_value=1, max_value=240))
def test_the_end_is_a_working_day_after_the_start(start, n):
    end = add_working_days(start, n, TABLE)
    assert end > start
    assert is_working_day(end, TABLE)


@given(starts, counts)
def test_more_days_never_end_earlier(start, n):
    assert add_working_days(start, n + 1, TABLE) > add_working_days(start, n, TABLE)


@given(starts, starts, counts)
def test_a_later_start_never_ends_earlier(first, second, n):
    first, second = sorted((first, second))
    assert add_working_days(first, n, TABLE) <= add_working_days(second, n, TABLE)


@given(starts, st.integers(min_value=1, max_value=240))
def test_exactly_n_working_days_lie_in_between(start, n):
    end = add_working_days(start, n, TABLE)
    between = (start + datetime.timedelta(days=i) for i in range(1, (end - start).days + 1))
    assert sum(is_working_day(day, TABLE) for day in between) == n
