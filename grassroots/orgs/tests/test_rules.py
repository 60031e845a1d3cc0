"""Organisation-form and term rules (RULES.md), at each rule's edges."""

import dataclasses
import datetime
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.orgs.choices import (
    Category,
    MemberStatus,
    OrgKind,
    OrgStatus,
    PostKind,
    Severity,
    SocietyRole,
)
from grassroots.orgs.rules import (
    DEFAULT_CONFIG,
    OrgFacts,
    RuleConfig,
    add_years,
    check_organization,
    planned_term_end,
    suggested_kind,
    term_years,
)

TODAY = datetime.date(2026, 6, 1)
FULL_COMMITTEE = (PostKind.SECRETARY, PostKind.ORGANIZATION, PostKind.PUBLICITY)
CJK = re.compile(r"[\u4e00-\u9fff]")

# Each code keeps its severity: the API and pages filter on both.
SEVERITIES = {
    "TOO_FEW_MEMBERS": Severity.ERROR,
    "FORM_MISMATCH": Severity.WARNING,
    "BRANCH_TOO_LARGE": Severity.WARNING,
    "COMMITTEE_REQUIRED": Severity.ERROR,
    "COMMITTEE_TOO_LARGE": Severity.WARNING,
    "JOINT_BRANCH_TOO_MANY_UNITS": Severity.ERROR,
    "FUNCTIONAL_HOLDS_RELATIONS": Severity.WARNING,
    "SECRETARY_VACANT": Severity.ERROR,
    "SECRETARY_NOT_HEAD": Severity.WARNING,
    "SECRETARY_NOT_FULL_MEMBER": Severity.ERROR,
    "CHAIR_NOT_SECRETARY": Severity.INFO,
    "TERM_MISSING": Severity.WARNING,
    "TERM_EXPIRING": Severity.WARNING,
    "TERM_OVERDUE": Severity.ERROR,
    "WEAK_DESIGNATED": Severity.INFO,
}

# Members, committee and term for which each kind has nothing to report.
HEALTHY_SIZE = {
    OrgKind.BRANCH: 10,
    OrgKind.JOINT_BRANCH: 10,
    OrgKind.FUNCTIONAL_BRANCH: 10,
    OrgKind.GENERAL_BRANCH: 60,
    OrgKind.COMMITTEE: 150,
}


def healthy(kind=OrgKind.BRANCH, **changes):
    size = HEALTHY_SIZE.get(kind, 0)
    facts = {
        "kind": kind,
        "category": Category.ORGAN,
        "full_members": size,
        "total_members": size,
        "primary_members": 0 if kind == OrgKind.FUNCTIONAL_BRANCH else size,
        "committee_size": 3,
        "posts": FULL_COMMITTEE,
        "secretary_society_role": SocietyRole.NONE,
        "host_units": 2 if kind == OrgKind.JOINT_BRANCH else 1,
        "term_number": 2,
        "term_planned_end": TODAY + datetime.timedelta(days=400),
    }
    facts.update(changes)
    return OrgFacts(**facts)


def findings(facts, today=TODAY, config=DEFAULT_CONFIG):
    return {f.code: f for f in check_organization(facts, today, config)}


def codes(facts, today=TODAY, config=DEFAULT_CONFIG):
    return set(findings(facts, today, config))


@pytest.mark.parametrize("kind", list(OrgKind))
def test_healthy_organisations_have_no_findings(kind):
    assert codes(healthy(kind)) == set()


# --- TOO_FEW_MEMBERS -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(HEALTHY_SIZE))
def test_too_few_full_members(kind):
    two = findings(healthy(kind, full_members=2, total_members=2))
    assert "TOO_FEW_MEMBERS" in two
    assert "正式党员2名" in two["TOO_FEW_MEMBERS"].message
    assert "TOO_FEW_MEMBERS" not in codes(healthy(kind, full_members=3, total_members=3))


def test_probationary_members_do_not_make_up_the_three():
    assert "TOO_FEW_MEMBERS" in codes(healthy(full_members=2, total_members=9))


@pytest.mark.parametrize("kind", [OrgKind.DEPARTMENT, OrgKind.GROUP, OrgKind.TEMPORARY])
def test_bodies_that_are_not_party_organisations_need_no_three_members(kind):
    assert "TOO_FEW_MEMBERS" not in codes(healthy(kind, full_members=0, total_members=0))


# --- FORM_MISMATCH ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "members", "suggested"),
    [
        (OrgKind.BRANCH, 3, None),
        (OrgKind.BRANCH, 49, None),
        (OrgKind.BRANCH, 50, OrgKind.GENERAL_BRANCH),
        (OrgKind.JOINT_BRANCH, 49, None),
        (OrgKind.JOINT_BRANCH, 50, OrgKind.GENERAL_BRANCH),
        (OrgKind.GENERAL_BRANCH, 49, OrgKind.BRANCH),
        (OrgKind.GENERAL_BRANCH, 50, None),
        (OrgKind.GENERAL_BRANCH, 99, None),
        # "超过100名…党委": 100 members are not yet a committee, 101 are.
        (OrgKind.GENERAL_BRANCH, 100, None),
        (OrgKind.GENERAL_BRANCH, 101, OrgKind.COMMITTEE),
        (OrgKind.COMMITTEE, 100, OrgKind.GENERAL_BRANCH),
        (OrgKind.COMMITTEE, 101, None),
        (OrgKind.BRANCH, 100, OrgKind.GENERAL_BRANCH),
        (OrgKind.BRANCH, 101, OrgKind.COMMITTEE),
    ],
)
def test_form_by_member_count_with_the_default_boundaries(kind, members, suggested):
    found = findings(healthy(kind, full_members=members, total_members=members))
    if suggested is None:
        assert "FORM_MISMATCH" not in found
    else:
        assert found["FORM_MISMATCH"].details == {"suggested": suggested}
        assert OrgKind(suggested).label in found["FORM_MISMATCH"].message


def test_probationary_members_count_towards_the_form():
    assert "FORM_MISMATCH" in codes(healthy(full_members=45, total_members=50))


def test_form_boundaries_follow_the_configuration():
    config = RuleConfig(general_branch_from=30, committee_above=80, branch_warn_above=30)
    assert "FORM_MISMATCH" not in codes(healthy(full_members=29, total_members=29), config=config)
    assert "FORM_MISMATCH" in codes(healthy(full_members=30, total_members=30), config=config)
    general = OrgKind.GENERAL_BRANCH
    assert "FORM_MISMATCH" not in codes(
        healthy(general, full_members=80, total_members=80), config=config
    )
    assert "FORM_MISMATCH" in codes(
        healthy(general, full_members=81, total_members=81), config=config
    )
    assert "BRANCH_TOO_LARGE" in codes(healthy(full_members=31, total_members=31), config=config)


def test_functional_branches_and_departments_are_not_judged_by_size():
    for kind in (OrgKind.FUNCTIONAL_BRANCH, OrgKind.DEPARTMENT, OrgKind.TEMPORARY):
        assert "FORM_MISMATCH" not in codes(healthy(kind, full_members=500, total_members=500))


def test_config_is_read_from_settings(settings):
    settings.PARTY_RULES = {"general_branch_from": 40, "term_expiring_days": 30, "unknown": 1}
    config = RuleConfig.from_settings()
    assert config.general_branch_from == 40
    assert config.term_expiring_days == 30
    assert config.committee_above == DEFAULT_CONFIG.committee_above
    del settings.PARTY_RULES
    assert RuleConfig.from_settings() == DEFAULT_CONFIG


# --- BRANCH_TOO_LARGE ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.FUNCTIONAL_BRANCH])
def test_branch_of_more_than_fifty(kind):
    assert "BRANCH_TOO_LARGE" not in codes(healthy(kind, full_members=50, total_members=50))
    found = findings(healthy(kind, full_members=40, total_members=51))
    assert "党员51名" in found["BRANCH_TOO_LARGE"].message


def test_general_branch_is_not_a_large_branch():
    assert "BRANCH_TOO_LARGE" not in codes(healthy(OrgKind.GENERAL_BRANCH, total_members=80))


# --- COMMITTEE_REQUIRED, COMMITTEE_TOO_LARGE -------------------------------------------------


@pytest.mark.parametrize("kind", [OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.FUNCTIONAL_BRANCH])
def test_branch_committee_from_seven_full_members(kind):
    secretary_only = {"committee_size": 1, "posts": (PostKind.SECRETARY,)}
    six = healthy(kind, full_members=6, total_members=6, **secretary_only)
    assert "COMMITTEE_REQUIRED" not in codes(six)
    seven = findings(healthy(kind, full_members=7, total_members=7, **secretary_only))
    assert "正式党员7名" in seven["COMMITTEE_REQUIRED"].message
    assert "COMMITTEE_REQUIRED" in codes(
        healthy(kind, full_members=7, total_members=7, committee_size=2)
    )
    assert "COMMITTEE_REQUIRED" not in codes(
        healthy(kind, full_members=7, total_members=7, committee_size=3)
    )


def test_probationary_members_do_not_require_a_committee():
    facts = healthy(full_members=6, total_members=12, committee_size=1, posts=(PostKind.SECRETARY,))
    assert "COMMITTEE_REQUIRED" not in codes(facts)


@pytest.mark.parametrize("kind", [OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE])
def test_general_branches_and_committees_always_need_a_committee(kind):
    small = {"full_members": 5, "total_members": 5}
    found = findings(healthy(kind, committee_size=2, **small))
    assert OrgKind(kind).label in found["COMMITTEE_REQUIRED"].message
    assert "COMMITTEE_REQUIRED" not in codes(healthy(kind, committee_size=3, **small))


@pytest.mark.parametrize("kind", [OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.FUNCTIONAL_BRANCH])
def test_branch_committee_of_more_than_seven(kind):
    assert "COMMITTEE_TOO_LARGE" not in codes(healthy(kind, committee_size=7))
    assert "COMMITTEE_TOO_LARGE" in codes(healthy(kind, committee_size=8))


def test_a_basic_committee_may_have_more_than_seven_members():
    assert "COMMITTEE_TOO_LARGE" not in codes(healthy(OrgKind.COMMITTEE, committee_size=9))


# --- JOINT_BRANCH_TOO_MANY_UNITS -------------------------------------------------------------


def test_joint_branch_covers_at_most_five_units():
    assert "JOINT_BRANCH_TOO_MANY_UNITS" not in codes(healthy(OrgKind.JOINT_BRANCH, host_units=5))
    found = findings(healthy(OrgKind.JOINT_BRANCH, host_units=6))
    assert "6个单位" in found["JOINT_BRANCH_TOO_MANY_UNITS"].message
    assert "JOINT_BRANCH_TOO_MANY_UNITS" not in codes(healthy(OrgKind.BRANCH, host_units=6))
    config = RuleConfig(joint_branch_max_units=3)
    assert "JOINT_BRANCH_TOO_MANY_UNITS" in codes(
        healthy(OrgKind.JOINT_BRANCH, host_units=4), config=config
    )


# --- FUNCTIONAL_HOLDS_RELATIONS --------------------------------------------------------------


def test_functional_branch_holding_organisation_relations():
    facts = healthy(OrgKind.FUNCTIONAL_BRANCH, primary_members=1)
    assert "1名党员" in findings(facts)["FUNCTIONAL_HOLDS_RELATIONS"].message
    assert "FUNCTIONAL_HOLDS_RELATIONS" not in codes(healthy(OrgKind.FUNCTIONAL_BRANCH))
    assert "FUNCTIONAL_HOLDS_RELATIONS" not in codes(healthy(OrgKind.BRANCH, primary_members=9))


# --- SECRETARY_VACANT, SECRETARY_NOT_HEAD ----------------------------------------------------


@pytest.mark.parametrize("kind", [*HEALTHY_SIZE, OrgKind.TEMPORARY])
def test_secretary_vacant(kind):
    facts = healthy(kind, posts=(PostKind.DEPUTY_SECRETARY, PostKind.ORGANIZATION))
    assert "SECRETARY_VACANT" in codes(facts)
    assert "SECRETARY_VACANT" in codes(healthy(kind, posts=(), committee_size=0))


@pytest.mark.parametrize("kind", [OrgKind.DEPARTMENT, OrgKind.GROUP])
def test_no_secretary_expected_of_departments_and_groups(kind):
    assert "SECRETARY_VACANT" not in codes(healthy(kind, posts=()))


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (SocietyRole.CHAIR, False),
        (SocietyRole.VICE_CHAIR, False),
        (SocietyRole.DIRECTOR, False),  # a council member may lead the party organisation
        (SocietyRole.SECRETARY_GENERAL, True),
        (SocietyRole.NONE, True),
        (None, True),
    ],
)
def test_a_sci_tech_society_secretary_sits_on_its_council(role, expected):
    facts = healthy(category=Category.SCI_TECH_SOCIETY, secretary_society_role=role)
    assert ("SECRETARY_NOT_HEAD" in codes(facts)) is expected


@pytest.mark.parametrize("role", [*SocietyRole.values, None])
def test_other_social_organisations_may_take_any_member_as_secretary(role):
    # Seed 000: "由管理层或业务骨干担任党组织书记" — the registry cannot tell who they are.
    facts = healthy(category=Category.SOCIAL_ORG, secretary_society_role=role)
    assert "SECRETARY_NOT_HEAD" not in codes(facts)


@pytest.mark.parametrize("category", [Category.SOCIAL_ORG, Category.SCI_TECH_SOCIETY])
@pytest.mark.parametrize(
    ("chair_is_member", "role", "expected"),
    [
        (True, SocietyRole.VICE_CHAIR, True),
        (True, SocietyRole.DIRECTOR, True),
        (True, SocietyRole.CHAIR, False),  # the chair is the secretary
        (False, SocietyRole.VICE_CHAIR, False),  # the chair is not a member
    ],
)
def test_a_member_chair_who_is_not_the_secretary_is_a_notice(
    category, chair_is_member, role, expected
):
    facts = healthy(category=category, chair_is_member=chair_is_member, secretary_society_role=role)
    found = findings(facts)
    assert ("CHAIR_NOT_SECRETARY" in found) is expected
    if expected:
        assert found["CHAIR_NOT_SECRETARY"].severity == Severity.INFO


def test_chair_notice_only_for_societies():
    facts = healthy(category=Category.PRIVATE_ENTERPRISE, chair_is_member=True)
    assert "CHAIR_NOT_SECRETARY" not in codes(facts)


@pytest.mark.parametrize(
    ("status", "expected"),
    [(MemberStatus.PROBATIONARY, True), (MemberStatus.FULL, False), (None, False)],
)
@pytest.mark.parametrize("category", [Category.ORGAN, Category.SCI_TECH_SOCIETY])
def test_a_probationary_secretary(status, expected, category):
    facts = healthy(
        category=category,
        secretary_status=status,
        secretary_society_role=SocietyRole.CHAIR,
    )
    assert ("SECRETARY_NOT_FULL_MEMBER" in codes(facts)) is expected
    vacant = healthy(secretary_status=status, posts=(PostKind.ORGANIZATION,))
    assert "SECRETARY_NOT_FULL_MEMBER" not in codes(vacant)


def test_secretary_not_head_only_for_societies_and_only_with_a_secretary():
    assert "SECRETARY_NOT_HEAD" not in codes(healthy(category=Category.PRIVATE_ENTERPRISE))
    vacant = codes(healthy(category=Category.SCI_TECH_SOCIETY, posts=(PostKind.ORGANIZATION,)))
    assert "SECRETARY_VACANT" in vacant
    assert "SECRETARY_NOT_HEAD" not in vacant


# --- terms -----------------------------------------------------------------------------------


def days_from_today(days):
    return TODAY + datetime.timedelta(days=days)


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (400, set()),
        (91, set()),
        (90, {"TERM_EXPIRING"}),
        (1, {"TERM_EXPIRING"}),
        (0, {"TERM_EXPIRING"}),
        (-1, {"TERM_OVERDUE"}),
        (-800, {"TERM_OVERDUE"}),
    ],
)
def test_term_expiring_and_overdue(days_left, expected):
    assert codes(healthy(term_planned_end=days_from_today(days_left))) == expected


def test_term_messages_name_the_term_the_date_and_the_days():
    expiring = findings(healthy(term_number=3, term_planned_end=days_from_today(0)))
    assert expiring["TERM_EXPIRING"].details == {"days_left": 0}
    assert "第3届" in expiring["TERM_EXPIRING"].message
    assert "2026年6月1日" in expiring["TERM_EXPIRING"].message
    overdue = findings(healthy(term_number=3, term_planned_end=days_from_today(-1)))
    assert overdue["TERM_OVERDUE"].details == {"days_overdue": 1}
    assert "已超期1天" in overdue["TERM_OVERDUE"].message
    unnumbered = findings(healthy(term_number=None, term_planned_end=days_from_today(-1)))
    assert "None" not in unnumbered["TERM_OVERDUE"].message


def test_expiring_window_follows_the_configuration():
    config = RuleConfig(term_expiring_days=30)
    assert codes(healthy(term_planned_end=days_from_today(31)), config=config) == set()
    assert codes(healthy(term_planned_end=days_from_today(30)), config=config) == {"TERM_EXPIRING"}


@pytest.mark.parametrize("kind", [k for k in HEALTHY_SIZE if k != OrgKind.FUNCTIONAL_BRANCH])
def test_term_missing(kind):
    assert "TERM_MISSING" in codes(healthy(kind, term_number=None, term_planned_end=None))


@pytest.mark.parametrize(
    "kind", [OrgKind.DEPARTMENT, OrgKind.GROUP, OrgKind.TEMPORARY, OrgKind.FUNCTIONAL_BRANCH]
)
def test_bodies_without_terms_have_no_term_findings(kind):
    assert codes(healthy(kind, term_number=None, term_planned_end=None)) == set()
    assert codes(healthy(kind, term_planned_end=days_from_today(-5))) == set()


# --- WEAK_DESIGNATED, dissolved --------------------------------------------------------------


def test_weak_designation_is_reported_as_info():
    found = findings(healthy(weak_designated=True))
    assert found["WEAK_DESIGNATED"].severity == Severity.INFO


def everything_wrong(kind):
    return healthy(
        kind,
        category=Category.SCI_TECH_SOCIETY,
        full_members=2,
        total_members=60,
        primary_members=4,
        committee_size=9,
        posts=(PostKind.SECRETARY,),
        secretary_status=MemberStatus.PROBATIONARY,
        chair_is_member=True,
        host_units=9,
        term_planned_end=days_from_today(-3),
        weak_designated=True,
    )


@pytest.mark.parametrize("kind", list(OrgKind))
def test_dissolved_organisations_give_nothing(kind):
    assert codes(everything_wrong(kind))  # the same facts, active, do give findings
    dissolved = dataclasses.replace(everything_wrong(kind), status=OrgStatus.DISSOLVED)
    assert check_organization(dissolved, TODAY) == []


def test_every_code_has_its_severity_and_a_chinese_message():
    seen = {}
    for kind in OrgKind:
        for facts in (
            everything_wrong(kind),
            healthy(kind, posts=(), term_planned_end=None),
            healthy(kind, term_planned_end=days_from_today(10)),
            healthy(kind, full_members=7, total_members=7, committee_size=0),
        ):
            for finding in check_organization(facts, TODAY):
                assert finding.severity == SEVERITIES[finding.code], finding
                assert CJK.search(finding.message), finding
                seen[finding.code] = finding
    assert set(seen) == set(SEVERITIES)  # every rule was reached


facts_strategy = st.builds(
    OrgFacts,
    kind=st.sampled_from(OrgKind.values),
    category=st.sampled_from(Category.values),
    status=st.sampled_from(OrgStatus.values),
    full_members=st.integers(0, 300),
    total_members=st.integers(0, 300),
    primary_members=st.integers(0, 300),
    committee_size=st.integers(0, 12),
    posts=st.lists(st.sampled_from(PostKind.values), max_size=6).map(tuple),
    secretary_society_role=st.one_of(st.none(), st.sampled_from(SocietyRole.values)),
    secretary_status=st.one_of(st.none(), st.sampled_from(MemberStatus.values)),
    chair_is_member=st.booleans(),
    host_units=st.integers(0, 9),
    term_number=st.one_of(st.none(), st.integers(1, 20)),
    term_planned_end=st.one_of(st.none(), st.dates()),
    weak_designated=st.booleans(),
)


@given(facts_strategy, st.dates())
def test_any_facts_give_well_formed_findings(facts, today):
    found = check_organization(facts, today)
    assert len({f.code for f in found}) == len(found)
    for finding in found:
        assert finding.severity == SEVERITIES[finding.code]
        assert CJK.search(finding.message)
        assert "None" not in finding.message
    if facts.status == OrgStatus.DISSOLVED:
        assert found == []


# --- term length and planned end -------------------------------------------------------------

# Formed organisations elected for a term (a functional branch is not).
ELECTED = [
    OrgKind.COMMITTEE,
    OrgKind.GENERAL_BRANCH,
    OrgKind.BRANCH,
    OrgKind.JOINT_BRANCH,
]


@pytest.mark.parametrize("category", Category.values)
def test_functional_branches_have_no_term(category):
    # Seed 004: "功能型党支部班子人选不实行任期制，原则上与社会组织换届同步调整".
    assert term_years(OrgKind.FUNCTIONAL_BRANCH, category) is None
    assert planned_term_end(OrgKind.FUNCTIONAL_BRANCH, category, TODAY) is None


@given(
    st.sampled_from(Category.values),
    st.one_of(st.none(), st.dates()),
    st.dates(),
)
def test_functional_branches_get_no_term_findings(category, planned_end, today):
    facts = healthy(OrgKind.FUNCTIONAL_BRANCH, category=category, term_planned_end=planned_end)
    assert not {c for c in codes(facts, today) if c.startswith("TERM_")}


@pytest.mark.parametrize("kind", ELECTED)
@pytest.mark.parametrize("category", [Category.VILLAGE, Category.COMMUNITY])
def test_village_and_community_terms_are_five_years(kind, category):
    assert term_years(kind, category) == 5


@pytest.mark.parametrize(
    ("kind", "years"),
    [
        (OrgKind.COMMITTEE, 5),
        (OrgKind.GENERAL_BRANCH, 3),
        (OrgKind.BRANCH, 3),
        (OrgKind.JOINT_BRANCH, 3),
        (OrgKind.FUNCTIONAL_BRANCH, None),  # seed 004: "不实行任期制"
        (OrgKind.DEPARTMENT, None),
        (OrgKind.GROUP, None),
        (OrgKind.TEMPORARY, None),
    ],
)
@pytest.mark.parametrize(
    "category", [Category.ORGAN, Category.SOE, Category.PRIVATE_ENTERPRISE, Category.SOCIAL_ORG]
)
def test_term_years_by_kind(kind, years, category):
    assert term_years(kind, category) == years


@pytest.mark.parametrize("kind", ELECTED)
def test_society_terms_follow_the_council_and_are_configurable(kind):
    assert term_years(kind, Category.SCI_TECH_SOCIETY) == 5
    assert term_years(kind, Category.SCI_TECH_SOCIETY, RuleConfig(society_term_years=4)) == 4
    assert term_years(OrgKind.GROUP, Category.SCI_TECH_SOCIETY) is None


@pytest.mark.parametrize(
    ("kind", "category", "start", "end"),
    [
        (OrgKind.BRANCH, Category.ORGAN, "2023-03-15", "2026-03-15"),
        (OrgKind.COMMITTEE, Category.SOE, "2023-03-15", "2028-03-15"),
        (OrgKind.BRANCH, Category.VILLAGE, "2021-01-10", "2026-01-10"),
        # 29 February: the anniversary falls on 28 February in a common year.
        (OrgKind.BRANCH, Category.ORGAN, "2024-02-29", "2027-02-28"),
        (OrgKind.COMMITTEE, Category.ORGAN, "2024-02-29", "2029-02-28"),
        (OrgKind.BRANCH, Category.COMMUNITY, "2020-02-29", "2025-02-28"),
        (OrgKind.DEPARTMENT, Category.OTHER, "2024-02-29", None),
        (OrgKind.GROUP, Category.VILLAGE, "2024-01-01", None),
    ],
)
def test_planned_term_end(kind, category, start, end):
    start = datetime.date.fromisoformat(start)
    expected = datetime.date.fromisoformat(end) if end else None
    assert planned_term_end(kind, category, start) == expected


def test_planned_term_end_of_a_society_on_29_february_in_a_leap_target_year():
    start = datetime.date(2020, 2, 29)
    config = RuleConfig(society_term_years=4)
    end = planned_term_end(OrgKind.BRANCH, Category.SCI_TECH_SOCIETY, start, config)
    assert end == datetime.date(2024, 2, 29)


@given(st.dates(max_value=datetime.date(9000, 12, 31)), st.integers(1, 10))
def test_add_years_keeps_the_day_except_29_february(start, years):
    end = add_years(start, years)
    assert end.year == start.year + years
    assert end.month == start.month
    if (start.month, start.day) == (2, 29) and end.day != 29:
        assert end.day == 28
    else:
        assert end.day == start.day


# --- suggested_kind --------------------------------------------------------------------------

FORM_ORDER = [None, OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE]


@pytest.mark.parametrize(
    ("members", "kind"),
    [
        (0, None),
        (2, None),
        (3, OrgKind.BRANCH),
        (49, OrgKind.BRANCH),
        (50, OrgKind.GENERAL_BRANCH),
        (99, OrgKind.GENERAL_BRANCH),
        (100, OrgKind.GENERAL_BRANCH),  # "超过100名": not yet
        (101, OrgKind.COMMITTEE),
        (5000, OrgKind.COMMITTEE),
    ],
)
def test_suggested_kind_at_the_rules_boundaries(members, kind):
    assert suggested_kind(members) == kind


configs = st.builds(
    lambda a, b: RuleConfig(general_branch_from=min(a, b), committee_above=max(a, b)),
    st.integers(4, 300),  # above the three members any organisation needs
    st.integers(4, 300),
)


@given(st.integers(0, 400), st.integers(0, 400), configs)
def test_suggested_kind_is_monotone_in_the_member_count(a, b, config):
    low, high = sorted((a, b))
    assert FORM_ORDER.index(suggested_kind(low, config)) <= FORM_ORDER.index(
        suggested_kind(high, config)
    )


@given(configs)
def test_configured_boundaries_are_where_the_form_changes(config):
    gb, above = config.general_branch_from, config.committee_above
    if gb <= above:
        assert suggested_kind(gb - 1, config) == OrgKind.BRANCH
        assert suggested_kind(gb, config) == OrgKind.GENERAL_BRANCH
        assert suggested_kind(above, config) == OrgKind.GENERAL_BRANCH
    assert suggested_kind(above + 1, config) == OrgKind.COMMITTEE
