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
    draw_sample,
    grade_for,
    item_status,
    monthly_light,
    pace_light,
    pace_target,
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
