import datetime

from hypothesis import given
from hypothesis import strategies as st

from grassroots.orgs import rules as bands
from grassroots.orgs.rules import completed_years
from grassroots.stats import rules

DAYS = st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2100, 12, 31))


def test_bands_at_their_edges():
    assert bands.age_band(18) == "<=30"
    assert bands.age_band(30) == "<=30"
    assert bands.age_band(31) == "31-35"
    assert bands.age_band(35) == "31-35"
    assert bands.age_band(60) == "56-60"
    assert bands.age_band(61) == ">=61"
    assert bands.age_band(104) == ">=61"


def in_range(birth, low, high, on):
    born_from, born_to = bands.birth_range(low, high, on)
    return (born_from is None or birth >= born_from) and (born_to is None or birth <= born_to)


@given(birth=DAYS, on=DAYS)
def test_a_band_by_birth_dates_is_the_band_of_the_age(birth, on):
    if birth > on:
        return
    age = completed_years(birth, on)
    matching = [b.code for b in bands.AGE_BANDS if in_range(birth, b.low, b.high, on)]
    assert matching == [bands.age_band(age)]


def test_birthday_on_the_day_counts_the_year():
    on = datetime.date(2025, 6, 1)
    assert in_range(datetime.date(1994, 6, 1), 31, 35, on)  # 31 today
    assert in_range(datetime.date(1994, 6, 2), None, 30, on)  # 31 tomorrow


def test_born_on_29_february():
    born = datetime.date(1996, 2, 29)
    # In a common year the year is completed on 1 March.
    assert in_range(born, 31, 35, datetime.date(2027, 3, 1))
    assert in_range(born, None, 30, datetime.date(2027, 2, 28))
    # In a leap year on the day itself.
    assert in_range(born, 31, 35, datetime.date(2028, 2, 29))
    on = datetime.date(2028, 2, 29)
    assert bands.latest_birth(on, 1) == datetime.date(2027, 2, 28)


def test_shares_and_coverage_rate():
    assert rules.share(0, 0) is None
    assert rules.share(1, 3) == 0.3333
    assert rules.coverage_rate(0, 0) is None
    assert rules.coverage_rate(4, 5) == 0.8
    assert rules.coverage_rate(0, 5) == 0.0
    assert rules.percent(None) == "—"
    assert rules.percent(0.375) == "37.5%"


def test_joining_periods_are_contiguous():
    periods = bands.JOINING_PERIODS
    assert periods[0].start is None and periods[-1].end is None
    for before, after in zip(periods, periods[1:], strict=False):
        assert before.end + datetime.timedelta(days=1) == after.start
