"""Working days (RULES.md "Working days"): Monday to Friday, except statutory holidays and
their adjusted rest days (休), plus the adjusted working weekend days (班). Pure functions
over a `HolidayTable`; a date in a year not entered in full is an error naming the year,
never a guess."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from .choices import DayKind

FIRST_YEAR = 2000
LAST_YEAR = 2099
ONE_DAY = datetime.timedelta(days=1)
WEEKDAY_NAMES = "一二三四五六日"


class MissingYear(Exception):
    """No complete holiday arrangement for `year`: an administrator must enter it."""

    def __init__(self, year):
        self.year = year
        super().__init__(
            f"尚未录入{year}年的放假调休安排，无法计算工作日：请管理员在“工作日历”中录入{year}年的安排"
        )


@dataclass(frozen=True)
class HolidayTable:
    years: frozenset = frozenset()  # years entered in full
    days: Mapping = field(default_factory=dict)  # date -> DayKind value, departures only


def is_working_day(day: datetime.date, table: HolidayTable) -> bool:
    if day.year not in table.years:
        raise MissingYear(day.year)
    kind = table.days.get(day)
    if kind is not None:
        return kind == DayKind.WORK
    return day.weekday() < 5


def add_working_days(start: datetime.date, n: int, table: HolidayTable) -> datetime.date:
    """The `n`th working day after `start` (start itself not counted; RULES.md: a notice
    posted 2026-09-30 for 5 working days ends 2026-10-13); `start` itself for n = 0."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    while n:
        day += ONE_DAY
        if is_working_day(day, table):
            n -= 1
    return day


def weekday_name(day: datetime.date) -> str:
    return f"星期{WEEKDAY_NAMES[day.weekday()]}"


def entry_errors(day: datetime.date | None, kind: str | None) -> dict:
    """{field: message} for an entry that would not depart from the Monday–Friday week
    (the table holds departures only) or lies outside the years the calendar keeps."""
    if day is None:
        return {}
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return {"date": f"日期应在{FIRST_YEAR}年至{LAST_YEAR}年之间"}
    weekend = day.weekday() >= 5
    if kind == DayKind.REST and weekend:
        return {"kind": f"{day:%Y-%m-%d}是{weekday_name(day)}，本来就休息，无需录入"}
    if kind == DayKind.WORK and not weekend:
        return {
            "kind": f"{day:%Y-%m-%d}是{weekday_name(day)}，本来就上班，“班”只用于调休上班的周末"
        }
    return {}


def year_errors(year) -> dict:
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        return {"year": f"年份应在{FIRST_YEAR}年至{LAST_YEAR}年之间"}
    return {}
