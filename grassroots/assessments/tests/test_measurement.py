"""The metric engine: values from the records at the thresholds of the standards (31.5 vs
32 hours, 89% vs 90%), what counts and what does not, and a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.assessments.measurement import (
    CommitteeMember,
    OrgYear,
    Turnout,
    TypeCount,
    collect,
    compute_metrics,
    metric_evidence,
    metric_values,
)
from grassroots.core.bulk import create_with_history
from grassroots.orglife.choices import MeetingType
from grassroots.orglife.models import Attendance, Meeting, SecretaryReport, YearlyFact
from grassroots.orgs.choices import Education, OrgKind, PostKind
from grassroots.orgs.models import Membership, Organization, Post, Term
from grassroots.standards.metrics import METRICS

D = datetime.date
TODAY = D(2026, 11, 23)


def records(**fields):
    return OrgYear(org_id=1, year=2026, until=TODAY, **fields)


def test_every_metric_of_the_vocabulary_gets_a_value_or_none():
    assert set(metric_values(records())) == set(METRICS)


@pytest.mark.parametrize(
    "hours, members, value",
    [(Decimal("378"), 12, Decimal("31.5")), (Decimal("384"), 12, Decimal("32"))],
)
def test_study_hours_per_member(hours, members, value):
    turnout = Turnout(present=100, expected=110, study_hours=hours)
    assert metric_values(records(members=members, turnout=turnout))["study_hours_per_member"] == (
        value
    )


def test_volunteer_hours_are_not_study_hours():
    turnout = Turnout(20, 20, study_hours=Decimal(20), volunteer_hours=Decimal(40))
    values = metric_values(records(members=10, turnout=turnout))
    assert (values["study_hours_per_member"], values["volunteer_hours_per_member"]) == (2, 4)


@pytest.mark.parametrize("present, expected, share", [(89, 100, 89), (90, 100, 90), (9, 10, 90)])
def test_democratic_review_participation(present, expected, share):
    turnout = Turnout(present, expected, review_present=present, review_expected=expected)
    value = metric_values(records(turnout=turnout))["democratic_review_participation"]
    assert value == share


def test_rates_and_averages_without_anyone_to_count_have_no_value():
    values = metric_values(records())
    assert values["study_hours_per_member"] is None
    assert values["democratic_review_participation"] is None
    assert values["committee_high_school_share"] is None
    assert values["lectures_per_committee_member"] is None
    assert values["collective_income"] is None
    assert values["general_meetings"] == 0


def test_months_quarters_and_counts():
    meetings = {
        MeetingType.STUDY: TypeCount(meetings=14, months=11),
        MeetingType.GENERAL_MEETING: TypeCount(meetings=5, quarters=4),
    }
    values = metric_values(records(meetings=meetings))
    assert values["collective_study_months"] == 11
    assert values["collective_studies"] == 14
    assert values["general_meeting_quarters"] == 4
    assert values["general_meetings"] == 5


def test_lectures_by_whom():
    committee = [
        CommitteeMember(1, PostKind.SECRETARY, None, ""),
        CommitteeMember(2, PostKind.ORGANIZATION, None, ""),
    ]
    values = metric_values(
        records(committee=committee, lecturers=[1, 1, 2, None, 9], superiors=frozenset({9}))
    )
    assert values["committee_member_lectures"] == 3
    assert values["secretary_lectures"] == 2
    assert values["lectures_per_committee_member"] == 1
    assert values["superior_leader_lectures"] == 1


def test_young_and_educated_cadres():
    committee = [
        CommitteeMember(1, PostKind.SECRETARY, D(1977, 1, 1), Education.HIGH_SCHOOL),
        CommitteeMember(2, PostKind.MEMBER, D(1976, 12, 31), Education.MIDDLE_SCHOOL),
        CommitteeMember(3, PostKind.MEMBER, D(1990, 1, 1), Education.UNIVERSITY),
    ]
    values = metric_values(records(committee=committee))
    # The age reached in the year: 50 in 2026 for anyone born in 1976, whatever the day.
    assert values["cadres_under_50"] == 2
    assert values["committee_high_school_share"] == Decimal(200) / 3


@given(st.dates(min_value=D(1940, 1, 1), max_value=D(2010, 12, 31)), st.integers(0, 365))
def test_young_cadres_do_not_change_within_a_year(birth, day):
    """The count reads the birth year only: the day it is computed on tells nothing of the
    birthday."""
    committee = [CommitteeMember(1, PostKind.SECRETARY, birth, "")]
    until = D(2026, 1, 1) + datetime.timedelta(days=day)
    value = metric_values(OrgYear(org_id=1, year=2026, until=until, committee=committee))
    assert value["cadres_under_50"] == (1 if birth.year > 1976 else 0)


# --- from the database -----------------------------------------------------------------------


@pytest.fixture
def branch(city):
    return city["west_branch"]


def meeting(org, kind, day, hours=0, present=(), absent=(), **extra):
    held = Meeting.objects.create(org=org, type=kind, date=day, topic="测试", hours=hours, **extra)
    rows = [Attendance(meeting=held, member=m, present=True) for m in present] + [
        Attendance(meeting=held, member=m, present=False, absence_reason="病假") for m in absent
    ]
    create_with_history(Attendance, rows, None, "测试")
    return held


def test_collect_reads_the_records(branch, make_member, make_org):
    people = [make_member(branch) for _ in range(4)]
    outsider_org = make_org(parent=branch.parent)
    functional = make_member(outsider_org, is_mobile=True)
    Membership.objects.create(member=functional, org=branch, started_on=D(2025, 1, 1))
    term = Term.objects.create(
        org=branch, number=1, started_on=D(2024, 1, 1), planned_end_on=D(2029, 1, 1)
    )
    Post.objects.create(
        term=term, member=people[0], post=PostKind.SECRETARY, started_on=D(2024, 1, 1)
    )
    everyone = [*people, functional]
    meeting(branch, MeetingType.STUDY, D(2026, 1, 10), 8, present=everyone)
    meeting(branch, MeetingType.STUDY, D(2026, 1, 20), 4, present=people[:3], absent=people[3:])
    meeting(branch, MeetingType.STUDY, D(2026, 3, 5), 2, present=people)
    meeting(branch, MeetingType.PARTY_LECTURE, D(2026, 4, 1), 2, lecturer=people[0])
    void = meeting(branch, MeetingType.STUDY, D(2026, 5, 1), 8, present=everyone)
    Meeting.objects.filter(pk=void.pk).update(
        cancelled_at=datetime.datetime(2026, 5, 2, tzinfo=datetime.UTC)
    )
    meeting(branch, MeetingType.STUDY, D(2025, 12, 31), 8, present=everyone)  # last year
    meeting(branch, MeetingType.STUDY, D(2026, 12, 1), 8, present=everyone)  # after today
    YearlyFact.objects.create(org=branch, year=2026, code="collective_income", value=200000)
    SecretaryReport.objects.create(
        org=branch, year=2026, secretary=people[0], text="述职", submitted_on=D(2026, 1, 5)
    )

    values = compute_metrics(Organization.objects.filter(pk=branch.pk), 2026, TODAY)[branch.pk]
    # 5 members (4 + 1 functional); hours 8×5 + 4×3 + 2×4 = 60.
    assert values["members_total"] == 5
    assert values["functional_members"] == 1
    assert values["study_hours_per_member"] == 12
    assert values["collective_studies"] == 3
    assert values["collective_study_months"] == 2
    assert values["attendance_rate"] == Decimal(1200) / 13  # 12 of 13 rows present
    assert values["secretary_lectures"] == 1
    assert values["secretary_reports"] == 1
    assert values["collective_income"] == 200000
    assert values["mobile_member_min_sessions"] is None  # the mobile member's relation is away
    assert values["committee_size"] == 1

    evidence = metric_evidence(branch, 2026, "study_hours_per_member", TODAY)
    # Every meeting crediting hours is evidence, the 党课 too (nobody was marked present).
    assert [m.date for m in evidence["meetings"]] == [
        D(2026, 1, 10),
        D(2026, 1, 20),
        D(2026, 3, 5),
        D(2026, 4, 1),
    ]
    fewest = evidence["members"][0]
    assert (fewest["name"], fewest["hours"]) == (functional.name, Decimal(8))


def test_members_of_a_branch_s_party_groups_are_its_members(branch, make_member, make_org):
    own = [make_member(branch) for _ in range(2)]
    group = make_org("第一党小组", parent=branch, kind=OrgKind.GROUP)
    grouped = [make_member(group) for _ in range(4)]
    make_org("已撤销党小组", parent=branch, kind=OrgKind.GROUP, status="dissolved")
    Organization.objects.filter(pk=branch.pk).update(member_count=2)
    Organization.objects.filter(pk=group.pk).update(member_count=4)
    meeting(branch, MeetingType.STUDY, D(2026, 3, 1), 3, present=[*own, *grouped])
    values = compute_metrics(Organization.objects.filter(pk=branch.pk), 2026, TODAY)[branch.pk]
    # 6 members at 3 hours each: 3 per member, not 18 / 2 = 9.
    assert values["members_total"] == 6
    assert values["study_hours_per_member"] == 3


def test_the_number_of_queries_does_not_grow_with_organisations(
    city, make_org, make_member, django_assert_max_num_queries
):
    def add_branches(n):
        for _ in range(n):
            org = make_org(parent=city["west"], kind=OrgKind.BRANCH)
            people = [make_member(org) for _ in range(3)]
            meeting(org, MeetingType.STUDY, D(2026, 2, 1), 3, present=people)
            meeting(org, MeetingType.PARTY_LECTURE, D(2026, 2, 2), 1, lecturer=people[0])

    subtree = Organization.objects.filter(path__startswith=city["west"].path)
    add_branches(2)
    with django_assert_max_num_queries(11) as small:  # one per reader, and the organisations
        collect(subtree, 2026, TODAY)
    add_branches(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        result = collect(subtree, 2026, TODAY)
    assert len(result) == subtree.count()
