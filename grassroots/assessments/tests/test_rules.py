"""The pure judging rules at their edges: item status, grades and vetoes, the inspection
sample, and overdue warnings."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.assessments.choices import Grade, ItemStatus, Light
from grassroots.assessments.rules import (
    GradeBands,
    committee_quorate,
    draw_sample,
    grade_for,
    half_year_name,
    half_yearly_light,
    item_status,
    monthly_light,
    pace_light,
    pace_target,
    paced_threshold,
    quarterly_light,
    sample_size,
)

D = datetime.date


@pytest.mark.parametrize(
    "metric, value, comparator, threshold, status",
    [
        ("study_hours_per_member", Decimal("31.5"), ">=", 32, ItemStatus.NOT_MET),
        ("study_hours_per_member", Decimal("32"), ">=", 32, ItemStatus.MET),
        ("democratic_review_participation", Decimal("89"), ">=", 90, ItemStatus.NOT_MET),
        ("democratic_review_participation", Decimal("90"), ">=", 90, ItemStatus.MET),
        ("collective_income", Decimal("200000"), ">", 200000, ItemStatus.NOT_MET),
        ("collective_income", Decimal("200000.01"), ">", 200000, ItemStatus.MET),
        ("study_hours_per_member", None, ">=", 32, ItemStatus.NO_DATA),
        (None, None, None, None, ItemStatus.MANUAL),
    ],
)
def test_item_status_at_the_threshold(metric, value, comparator, threshold, status):
    assert item_status(metric, value, comparator, threshold) == status


@pytest.mark.parametrize(
    "total, grade",
    [
        (100, Grade.EXCELLENT),
        (90, Grade.EXCELLENT),
        (Decimal("89.9"), Grade.GOOD),
        (75, Grade.GOOD),
        (Decimal("74.5"), Grade.FAIR),
        (60, Grade.FAIR),
        (Decimal("59.99"), Grade.POOR),
        (0, Grade.POOR),
    ],
)
def test_default_bands(total, grade):
    assert grade_for(total) == grade


def test_a_failed_veto_caps_the_grade_but_never_raises_it():
    assert grade_for(95, veto_failed=True) == Grade.POOR
    capped_at_fair = GradeBands(veto_cap=Grade.FAIR)
    assert grade_for(95, veto_failed=True, bands=capped_at_fair) == Grade.FAIR
    assert grade_for(40, veto_failed=True, bands=capped_at_fair) == Grade.POOR


def test_configured_bands():
    strict = GradeBands(excellent=Decimal(95), good=Decimal(85), fair=Decimal(70))
    assert [grade_for(t, bands=strict) for t in (95, 94, 85, 84, 70, 69)] == [
        Grade.EXCELLENT,
        Grade.GOOD,
        Grade.GOOD,
        Grade.FAIR,
        Grade.FAIR,
        Grade.POOR,
    ]
    assert GradeBands(excellent=Decimal(70), good=Decimal(75)).errors() == {
        "excellent": "等次分数线应满足：0 ≤ 一般 ≤ 良好 ≤ 优秀"
    }
    assert GradeBands().errors() == {}


@given(st.decimals(min_value=0, max_value=100, places=2), st.booleans())
def test_a_higher_total_never_gets_a_lower_grade(total, veto):
    order = [Grade.POOR, Grade.FAIR, Grade.GOOD, Grade.EXCELLENT]
    higher = min(total + 1, Decimal(100))
    assert order.index(grade_for(higher, veto)) >= order.index(grade_for(total, veto))


@pytest.mark.parametrize(
    "population, share, size",
    [(10, "0.1", 1), (11, "0.1", 2), (10, "0", 0), (0, "0.5", 0), (3, "1", 3), (7, "0.3", 3)],
)
def test_sample_size_rounds_up(population, share, size):
    assert sample_size(population, share) == size


def test_sample_share_out_of_range_is_refused():
    with pytest.raises(ValueError, match="抽查比例"):
        sample_size(10, "1.1")


@given(
    st.sets(st.integers(min_value=1, max_value=10_000), max_size=200),
    st.decimals(min_value=0, max_value=1, places=2),
    st.integers(min_value=0, max_value=2**32),
)
def test_the_sample_is_reproducible_and_drawn_from_the_population(ids, share, seed):
    first = draw_sample(list(ids), share, seed)
    again = draw_sample(sorted(ids, reverse=True), share, seed)
    assert first == again
    assert set(first) <= ids
    assert len(first) == sample_size(len(ids), share)


def test_different_seeds_draw_differently():
    ids = range(1, 1001)
    assert draw_sample(ids, "0.1", 1) != draw_sample(ids, "0.1", 2)


@pytest.mark.parametrize(
    "held, today, light",
    [
        (True, D(2026, 11, 30), Light.GREEN),
        (False, D(2026, 11, 23), Light.YELLOW),  # 7 days left: still time
        (False, D(2026, 11, 24), Light.RED),  # 6 days left
        (False, D(2026, 2, 22), Light.RED),  # February ends on the 28th
        (False, D(2026, 2, 21), Light.YELLOW),
    ],
)
def test_monthly_light(held, today, light):
    assert monthly_light(held, today) == light


@pytest.mark.parametrize(
    "held, today, light",
    [
        (True, D(2026, 12, 31), Light.GREEN),
        (False, D(2026, 12, 16), Light.YELLOW),  # 15 days left in Q4
        (False, D(2026, 12, 17), Light.RED),
        (False, D(2026, 3, 16), Light.YELLOW),
        (False, D(2026, 3, 17), Light.RED),
    ],
)
def test_quarterly_light(held, today, light):
    assert quarterly_light(held, today) == light


def test_pace_of_the_yearly_study_target():
    assert pace_target(32, D(2026, 12, 31)) == 32
    mid_year = D(2026, 7, 2)  # day 183 of 365
    due = pace_target(32, mid_year)
    assert due == Decimal(32) * 183 / 365
    assert pace_light(due, 32, mid_year) == Light.GREEN
    assert pace_light(due - Decimal("0.01"), 32, mid_year) == Light.YELLOW
    assert pace_light(due * Decimal("0.75"), 32, mid_year) == Light.YELLOW
    assert pace_light(due * Decimal("0.75") - Decimal("0.01"), 32, mid_year) == Light.RED


# --- months and quarters on pace ------------------------------------------------------------


@pytest.mark.parametrize(
    "until, periods, due",
    [
        (D(2026, 1, 1), 12, 0),  # no month is over yet
        (D(2026, 1, 31), 12, 0),  # January's meeting is due by its end
        (D(2026, 2, 1), 12, 1),
        (D(2026, 6, 1), 12, 5),
        (D(2026, 6, 30), 12, 5),
        (D(2026, 12, 1), 12, 11),
        (D(2026, 12, 30), 12, 11),
        (D(2026, 3, 31), 4, 0),
        (D(2026, 4, 1), 4, 1),
        (D(2026, 8, 5), 4, 2),
        (D(2026, 12, 30), 4, 3),
    ],
)
def test_a_running_year_is_judged_on_the_periods_over(until, periods, due):
    assert paced_threshold(periods, ">=", periods, until) == due


@pytest.mark.parametrize("periods", [12, 4])
def test_a_whole_year_is_judged_against_the_threshold(periods):
    # A past year's counting ends on 31 December, as does the current year's on that day.
    assert paced_threshold(periods, ">=", periods, D(2025, 12, 31)) is None


def test_only_at_least_items_are_paced():
    for comparator in (">", "<=", "<", "=="):
        assert paced_threshold(12, comparator, 12, D(2026, 6, 1)) is None
    assert paced_threshold(None, ">=", 12, D(2026, 6, 1)) is None


def test_a_threshold_below_every_period_is_paced_in_proportion():
    assert paced_threshold(6, ">=", 12, D(2026, 7, 15)) == 3  # half the year over
    assert paced_threshold(10, ">=", 12, D(2026, 4, 2)) == Decimal(10) * 3 / 12


@given(st.dates(D(2000, 1, 1), D(2099, 12, 30)), st.dates(D(2000, 1, 1), D(2099, 12, 30)))
def test_pace_never_asks_more_than_the_year_and_grows_with_the_year(a, b):
    a, b = sorted((a.replace(year=2026), b.replace(year=2026)))
    if (b.month, b.day) == (12, 31):
        return
    for periods in (12, 4):
        due_a = paced_threshold(periods, ">=", periods, a)
        due_b = paced_threshold(periods, ">=", periods, b)
        assert 0 <= due_a <= due_b < periods
        assert due_a == int(due_a)  # "每月" = 12 asks for whole months


# --- the half-yearly society committee meeting ----------------------------------------------


@pytest.mark.parametrize(
    "present, size, quorate",
    [
        (1, 4, False),
        (2, 4, True),  # "半数以上": 以上 includes half itself
        (2, 5, False),
        (3, 5, True),
        (3, 7, False),
        (4, 7, True),
        (0, 0, False),
    ],
)
def test_committee_quorum_is_half_or_more(present, size, quorate):
    assert committee_quorate(present, size) is quorate


@given(st.integers(0, 30), st.integers(1, 30))
def test_quorum_is_monotone_in_those_present(present, size):
    present = min(present, size)
    if committee_quorate(present, size):
        assert committee_quorate(min(present + 1, size), size)
    assert committee_quorate(size, size)


@pytest.mark.parametrize(
    "held, today, light",
    [
        (True, D(2026, 6, 29), Light.GREEN),
        (False, D(2026, 5, 31), Light.YELLOW),  # 30 days left
        (False, D(2026, 6, 1), Light.RED),  # 29 days left
        (False, D(2026, 12, 1), Light.YELLOW),
        (False, D(2026, 12, 2), Light.RED),
        (False, D(2026, 7, 1), Light.YELLOW),
    ],
)
def test_half_yearly_light(held, today, light):
    assert half_yearly_light(held, today) == light


def test_half_year_names():
    assert half_year_name(D(2026, 6, 30)) == "2026年上半年"
    assert half_year_name(D(2026, 7, 1)) == "2026年下半年"
