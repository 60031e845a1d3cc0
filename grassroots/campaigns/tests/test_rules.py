"""The campaign rules at their edges (seed 000, 002, 004; RULES.md "Demonstration campaigns")."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grassroots.assessments.choices import Grade
from grassroots.campaigns import rules
from grassroots.campaigns.choices import Answer, ChainStep, CheckCode
from grassroots.orgs.choices import Severity

DEMO = rules.LevelPlan("demo", "示范基层党组织", 260)
TOP = rules.LevelPlan("top", "十佳示范基层党组织", 10, chosen_from="demo")


@pytest.mark.parametrize(("to_name", "least"), [(260, 312), (10, 12), (1, 2), (0, 0), (5, 6)])
def test_the_surplus_is_at_least_a_fifth_rounded_up(to_name, least):
    assert rules.least_nominations(to_name) == least


def test_311_quotas_for_260_are_too_few_and_312_are_enough():
    low = rules.surplus_checks([DEMO], {"demo": 311})
    assert [c.code for c in low] == [CheckCode.SURPLUS_TOO_LOW]
    assert low[0].severity == Severity.ERROR and "312" in low[0].message
    assert rules.surplus_checks([DEMO], {"demo": 312}) == []
    # Seed 000 附件1 allots 325 and 26: both keep the surplus.
    assert rules.surplus_checks([DEMO, TOP], {"demo": 325, "top": 26}) == []


def test_a_level_without_quotas_lacks_the_surplus():
    assert [c.level for c in rules.surplus_checks([DEMO, TOP], {"demo": 325})] == ["top"]


def test_nominating_the_quota_is_allowed_and_one_more_is_not():
    quotas = {(1, "demo"): 13}
    assert rules.over_quota_checks(quotas, {(1, "demo"): 13}, {1: "锦江区"}, {}) == []
    over = rules.over_quota_checks(quotas, {(1, "demo"): 14}, {1: "锦江区"}, {"demo": "示范"})
    assert [(c.code, c.unit, c.level) for c in over] == [(CheckCode.OVER_QUOTA, 1, "demo")]
    assert over[0].message == "锦江区推荐“示范”14个，超出名额13个"


def test_a_unit_without_a_quota_may_not_nominate():
    over = rules.over_quota_checks({}, {(2, "top"): 1}, {}, {})
    assert over[0].code == CheckCode.OVER_QUOTA


@pytest.mark.parametrize(
    ("villages", "total", "warned"),
    [(5, 10, False), (7, 10, False), (4, 10, True), (8, 10, True), (0, 0, False), (13, 13, True)],
)
def test_villages_and_communities_about_sixty_percent(villages, total, warned):
    checks = rules.village_share_checks({1: (villages, total)}, {1: "锦江区"})
    assert bool(checks) is warned
    if warned:
        assert checks[0].code == CheckCode.VILLAGE_SHARE
        assert checks[0].severity == Severity.WARNING


def test_the_village_band_is_configurable():
    assert rules.village_share_checks({1: (4, 10)}, {}, band_points=20) == []
    assert rules.village_share_checks({1: (6, 10)}, {}, share_percent=80, band_points=10)


def test_a_top_ten_nominee_must_be_a_demonstration_nominee():
    nominees = {"demo": {1, 2}, "top": {2, 3}}
    checks = rules.top_not_nominated_checks([DEMO, TOP], nominees, {3: "某党支部"})
    assert [(c.code, c.level) for c in checks] == [(CheckCode.TOP_NOT_NOMINATED, "top")]
    assert (
        checks[0].message == "某党支部被推荐为“十佳示范基层党组织”，但不是“示范基层党组织”推荐对象"
    )
    assert rules.top_not_nominated_checks([DEMO, TOP], {"demo": {1}, "top": {1}}, {}) == []


# --- review chain ---

CITY, DISTRICT, STREET, COMMUNITY, BRANCH = 1, 2, 3, 4, 5


def path(*nodes):
    return [rules.PathNode(i, committee) for i, committee in nodes]


def test_a_branch_under_a_street_committee_has_three_opinions():
    chain = rules.review_chain(
        path((CITY, False), (DISTRICT, False), (STREET, True), (BRANCH, False)), DISTRICT, CITY
    )
    assert chain == [
        (ChainStep.BASIC_COMMITTEE, STREET),
        (ChainStep.UPPER_COMMITTEE, DISTRICT),
        (ChainStep.ORGANISER, CITY),
    ]


def test_the_nearest_committee_gives_the_basic_opinion():
    chain = rules.review_chain(
        path((CITY, False), (DISTRICT, False), (STREET, True), (COMMUNITY, True), (BRANCH, False)),
        DISTRICT,
        CITY,
    )
    assert chain[0] == (ChainStep.BASIC_COMMITTEE, COMMUNITY)


def test_the_basic_opinion_is_skipped_when_the_applicant_is_the_basic_committee():
    chain = rules.review_chain(
        path((CITY, False), (DISTRICT, False), (STREET, True)), DISTRICT, CITY
    )
    assert [step for step, _ in chain] == [ChainStep.UPPER_COMMITTEE, ChainStep.ORGANISER]


def test_no_committee_below_the_unit_means_no_basic_opinion():
    chain = rules.review_chain(
        path((CITY, False), (DISTRICT, False), (BRANCH, False)), DISTRICT, CITY
    )
    assert [step for step, _ in chain] == [ChainStep.UPPER_COMMITTEE, ChainStep.ORGANISER]


def test_an_organiser_that_is_the_unit_gives_one_opinion():
    chain = rules.review_chain(
        path((DISTRICT, False), (STREET, True), (BRANCH, False)), DISTRICT, DISTRICT
    )
    assert [step for step, _ in chain] == [ChainStep.BASIC_COMMITTEE, ChainStep.UPPER_COMMITTEE]


def test_an_applicant_outside_the_unit_has_no_chain():
    with pytest.raises(ValueError, match="推荐单位"):
        rules.review_chain(path((CITY, False), (BRANCH, False)), DISTRICT, CITY)


# --- applying ---


def test_a_reason_of_1000_characters_is_accepted_and_1001_is_not():
    assert rules.reason_error("理" * 1000) is None
    assert rules.reason_error("理" * 1001) == "申报理由不超过1000字（现1001字）"
    assert rules.reason_error("  ") == "请填写申报理由"


@pytest.mark.parametrize(
    ("applied", "titled", "filed", "refused"),
    [
        (False, False, False, None),
        (True, False, False, "重复申报"),
        (False, True, False, "有效期内"),
        (False, False, True, "备案"),
    ],
)
def test_who_may_apply(applied, titled, filed, refused):
    refusal = rules.application_refusal(
        applied_to_campaign=applied, holds_valid_title_of_kind=titled, filed_this_year=filed
    )
    assert (refusal is None) if refused is None else refused in refusal


def test_what_is_named_or_applying_is_not_filed():
    assert rules.filing_refusal(named_and_valid=False, applying_this_year=False) is None
    assert "不重复备案" in rules.filing_refusal(named_and_valid=True, applying_this_year=False)
    assert "不重复备案" in rules.filing_refusal(named_and_valid=False, applying_this_year=True)


def test_a_draft_is_withdrawn_the_day_after_the_deadline():
    deadline = datetime.date(2021, 7, 10)
    assert not rules.withdrawn_for_lateness(False, deadline, deadline)
    assert rules.withdrawn_for_lateness(False, deadline, deadline + datetime.timedelta(days=1))
    assert not rules.withdrawn_for_lateness(True, deadline, deadline + datetime.timedelta(days=1))


def test_a_unit_submits_at_most_its_quota_ranked_once():
    assert rules.submission_error([3, 1, 2], 3) is None
    assert rules.submission_error([3, 1, 2, 4], 3) == "上报4个，超出名额3个"
    assert rules.submission_error([3, 3], 3) == "排序中有重复的申报"


# --- survey and grading ---


def test_the_rate_counts_satisfied_and_basically_satisfied():
    answers = [Answer.SATISFIED, Answer.BASICALLY_SATISFIED, Answer.DISSATISFIED]
    assert rules.satisfaction_rate(answers) == Decimal("66.7")
    assert rules.satisfaction_rate([]) is None
    assert rules.satisfaction_rate([Answer.DISSATISFIED]) == Decimal("0.0")


@given(st.lists(st.sampled_from(list(Answer)), min_size=1))
def test_the_rate_is_a_percentage(answers):
    assert Decimal(0) <= rules.satisfaction_rate(answers) <= Decimal(100)


def test_equal_weights_average_the_three_sources():
    assert rules.survey_grade(Decimal(90), Decimal(90), Decimal(90)) == (
        Decimal("90.0"),
        Grade.EXCELLENT,
    )
    assert rules.survey_grade(Decimal(90), Decimal(80), Decimal(60))[1] == Grade.GOOD
    assert rules.survey_grade(Decimal(59), Decimal(60), Decimal(60))[1] == Grade.POOR


def test_a_missing_source_is_left_out_not_counted_as_zero():
    assert rules.survey_grade(Decimal(95), None, Decimal(85)) == (Decimal("90.0"), Grade.EXCELLENT)
    assert rules.survey_grade(None, None, None) is None


def test_weights_change_the_grade():
    weights = rules.GradeWeights(Decimal(0), Decimal(1), Decimal(0))
    assert rules.survey_grade(Decimal(10), Decimal(92), Decimal(10), weights)[1] == Grade.EXCELLENT
    assert rules.GradeWeights(Decimal(0), Decimal(0), Decimal(0)).errors()
    assert rules.GradeWeights(Decimal(-1)).errors() == {"satisfaction": "权重不能为负数"}


scores = st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=1))


@given(scores, scores, scores)
def test_the_grade_score_lies_between_its_sources(a, b, c):
    result = rules.survey_grade(a, b, c)
    present = [x for x in (a, b, c) if x is not None]
    if not present:
        assert result is None
    else:
        assert min(present) - Decimal("0.05") <= result[0] <= max(present) + Decimal("0.05")


# --- titles ---


def test_a_three_year_title_ends_the_day_before_its_third_anniversary():
    assert rules.valid_until(datetime.date(2021, 8, 1), 3) == datetime.date(2024, 7, 31)
    assert rules.valid_until(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 27)


def test_re_reviews_fall_every_three_years_until_the_end():
    named = datetime.date(2021, 8, 1)
    assert rules.review_dates(named, 3, datetime.date(2027, 8, 1)) == [
        datetime.date(2024, 8, 1),
        datetime.date(2027, 8, 1),
    ]
    assert rules.review_dates(named, 3, datetime.date(2024, 7, 31)) == []
    with pytest.raises(ValueError):
        rules.review_dates(named, 0, named)


def test_only_the_re_review_after_the_last_day_renews_the_term():
    end = datetime.date(2024, 7, 31)
    assert not rules.renews_term(end, end)
    assert rules.renews_term(end + datetime.timedelta(days=1), end)


def test_a_renewed_term_runs_on_from_the_old_end():
    named = datetime.date(2021, 8, 1)
    assert rules.renewed_until(named, datetime.date(2024, 7, 31), 3) == datetime.date(2027, 7, 31)
    # Named 29 February: each term ends the day before an anniversary of the naming, the
    # fourth year's on 28 February, not 27 (a chain of terms would lose that day).
    leap = datetime.date(2020, 2, 29)
    ends = [rules.valid_until(leap, 1)]
    for _ in range(3):
        ends.append(rules.renewed_until(leap, ends[-1], 1))
    assert ends == [
        datetime.date(2021, 2, 27),
        datetime.date(2022, 2, 27),
        datetime.date(2023, 2, 27),
        datetime.date(2024, 2, 28),
    ]


@given(
    st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2090, 12, 31)),
    st.integers(min_value=1, max_value=10),
    st.integers(min_value=1, max_value=5),
)
@example(datetime.date(2020, 2, 29), 1, 4)
def test_renewed_terms_stay_on_the_anniversaries_of_naming(named, years, terms):
    end = rules.valid_until(named, years)
    for _ in range(terms - 1):
        end = rules.renewed_until(named, end, years)
    assert end == rules.valid_until(named, years * terms)


@given(
    st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2090, 12, 31)),
    st.integers(min_value=1, max_value=10),
)
def test_a_title_lasts_about_its_years(named, years):
    end = rules.valid_until(named, years)
    assert 365 * years - 2 <= (end - named).days <= 366 * years
