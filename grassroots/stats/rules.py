"""The pure parts of the statistics: age bands, joining periods, shares and the coverage
rate, over plain values."""

import datetime
from dataclasses import dataclass

from grassroots.orgs.rules import add_years, completed_years


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    low: int | None  # completed years, inclusive; None: no lower bound
    high: int | None  # inclusive; None: no upper bound


# The age bands of the organisation departments' yearly tables (age in completed years).
AGE_BANDS = (
    Band("<=30", "30岁及以下", None, 30),
    Band("31-35", "31至35岁", 31, 35),
    Band("36-40", "36至40岁", 36, 40),
    Band("41-45", "41至45岁", 41, 45),
    Band("46-50", "46至50岁", 46, 50),
    Band("51-55", "51至55岁", 51, 55),
    Band("56-60", "56至60岁", 56, 60),
    Band(">=61", "61岁及以上", 61, None),
)
# The share of young members the tables report: under 35 (34 completed years or less).
YOUNG_BELOW = 35


def age_band(age: int) -> str:
    """The code of the band `age` (completed years) falls in."""
    for band in AGE_BANDS:
        if (band.low is None or age >= band.low) and (band.high is None or age <= band.high):
            return band.code
    raise ValueError(age)


def latest_birth(on: datetime.date, years: int) -> datetime.date:
    """The latest birth date of someone `years` or more old on `on` (completed years, as
    `completed_years` counts them: one born on 29 February completes a year on 1 March)."""
    return add_years(on, -years)


def birth_range(low, high, on):
    """(born_from, born_to), inclusive, None for an open end: the birth dates of people
    aged `low`..`high` on `on`. A database filter of a band, so that no member is read."""
    born_to = latest_birth(on, low) if low is not None else None
    born_from = None
    if high is not None:
        born_from = latest_birth(on, high + 1) + datetime.timedelta(days=1)
    return born_from, born_to


def age_of(birth_date, on):
    return completed_years(birth_date, on)


@dataclass(frozen=True)
class Period:
    code: str
    label: str
    start: datetime.date | None
    end: datetime.date | None  # inclusive


# The joining periods of the Party's statistical communiqués (党内统计公报).
JOINING_PERIODS = (
    Period("before_1949", "新中国成立前", None, datetime.date(1949, 9, 30)),
    Period(
        "1949_1978",
        "新中国成立后至党的十一届三中全会前",
        datetime.date(1949, 10, 1),
        datetime.date(1978, 12, 31),
    ),
    Period(
        "1979_2012",
        "党的十一届三中全会后至党的十八大前",
        datetime.date(1979, 1, 1),
        datetime.date(2012, 11, 7),
    ),
    Period("since_2012", "党的十八大以来", datetime.date(2012, 11, 8), None),
)


def share(part: int, whole: int) -> float | None:
    """`part` of `whole` as a fraction rounded to four places; None when `whole` is 0."""
    if not whole:
        return None
    return round(part / whole, 4)


def coverage_rate(with_org: int, total: int) -> float | None:
    """组织覆盖率: units with their own or a joint organisation over all units; None when
    there are no units (seed 004 aims at 80%)."""
    return share(with_org, total)


def percent(fraction: float | None) -> str:
    """A share as the tables print it: "37.5%", or "—" when there is nothing to share."""
    if fraction is None:
        return "—"
    return f"{fraction * 100:.1f}%"
