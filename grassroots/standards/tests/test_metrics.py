from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.standards.choices import Comparator, MetricSource
from grassroots.standards.metrics import METRICS, compare, describe, format_number, short_name


@pytest.mark.parametrize(
    ("value", "comparator", "threshold", "expected"),
    [
        (31.5, ">=", 32, False),
        (32, ">=", 32, True),
        (Decimal("31.99"), ">=", Decimal("32.00"), False),
        (89, ">=", 90, False),
        (90, ">=", 90, True),
        (89.99, ">=", 90, False),
        (200000, ">", 200000, False),
        (200000.01, ">", 200000, True),
        (200001, ">", 200000, True),
        (10, "<=", 10, True),
        (10.01, "<=", 10, False),
        (0, "==", 0, True),
        (1, "==", 0, False),
        (4, "<", 4, False),
        (3, "<", 4, True),
        (0.1 + 0.2, "<=", Decimal("0.3"), False),  # 0.30000000000000004: exact, not rounded
    ],
)
def test_compare_at_the_edges(value, comparator, threshold, expected):
    assert compare(value, comparator, threshold) is expected


def test_unknown_comparator_is_refused():
    with pytest.raises(ValueError, match="比较符"):
        compare(1, "=>", 1)


numbers = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)


@given(numbers)
def test_a_threshold_meets_itself_except_strictly(threshold):
    assert compare(threshold, ">=", threshold)
    assert compare(threshold, "<=", threshold)
    assert compare(threshold, "==", threshold)
    assert not compare(threshold, ">", threshold)
    assert not compare(threshold, "<", threshold)


@given(numbers, numbers)
def test_comparators_agree_with_each_other(value, threshold):
    above = compare(value, ">", threshold)
    equal = compare(value, "==", threshold)
    below = compare(value, "<", threshold)
    assert [above, equal, below].count(True) == 1
    assert compare(value, ">=", threshold) == (above or equal)
    assert compare(value, "<=", threshold) == (below or equal)


@given(numbers, st.sampled_from(Comparator.values))
def test_int_float_and_decimal_values_compare_alike(threshold, comparator):
    value = threshold.to_integral_value()
    assert compare(int(value), comparator, threshold) == compare(value, comparator, threshold)
    assert compare(float(value), comparator, threshold) == compare(value, comparator, threshold)


def test_vocabulary_codes_and_sources():
    for code, metric in METRICS.items():
        assert code == metric.code
        assert code.isascii() and code == code.lower()
        assert metric.source in MetricSource.values
        assert metric.label and metric.unit
    # The brief's vocabulary is all there.
    for code in [
        "general_meetings",
        "committee_meetings",
        "group_meetings",
        "party_lectures",
        "theme_days",
        "life_meetings",
        "democratic_reviews",
        "general_meeting_quarters",
        "committee_meeting_months",
        "theme_day_months",
        "collective_study_months",
        "committee_member_lectures",
        "secretary_lectures",
        "study_hours_per_member",
        "volunteer_hours_per_member",
        "democratic_review_participation",
        "attendance_rate",
        "secretary_reports",
        "members_total",
        "committee_size",
        "cadres_under_50",
        "committee_high_school_share",
        "collective_income",
        "satisfaction_rate",
        "cultural_activities",
        "reserve_cadres",
        "venue_area",
        "volunteer_activities",
    ]:
        assert code in METRICS


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("study_hours_per_member", ">=", 32), "人均学习时长 ≥ 32 学时"),
        (("democratic_review_participation", ">=", Decimal("90.00")), "民主评议党员参与率 ≥ 90%"),
        (("collective_income", ">", 200000), "村集体经济年收入 > 200,000 元"),
        (("cadre_dissatisfaction_rate", "<=", 10), "党员和群众对“两委”干部不满意率 ≤ 10%"),
        (("study_hours_per_member", ">=", Decimal("31.50")), "人均学习时长 ≥ 31.5 学时"),
        (("lost_contact_members", "==", 0), "失联党员人数 = 0 人"),
    ],
)
def test_describe_in_plain_chinese(args, expected):
    assert describe(*args) == expected


def test_format_number():
    assert format_number(Decimal("32.00")) == "32"
    assert format_number(Decimal("1234567.50")) == "1,234,567.5"
    assert format_number(0.5) == "0.5"


def test_short_name_says_what_an_item_measures_or_how_it_begins():
    assert short_name("2.2.2", "theme_days", "每月开展主题党日活动") == "2.2.2 主题党日次数"
    assert short_name("3.3", "", "完成社区党群服务中心亲民化改造") == "3.3 完成社区党群服务…"
    assert short_name("1.1", "", "支部建在连上") == "1.1 支部建在连上"
    assert short_name("1.2", "", "八个字的项目文字") == "1.2 八个字的项目文字"
