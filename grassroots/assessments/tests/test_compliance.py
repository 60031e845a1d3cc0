"""Compliance through the API and the pages: the contract, the thresholds at their edges
(31.5 vs 32 hours, 89% vs 90%), the subtree limit, warnings, the matrix and its export."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from grassroots.assessments.choices import ItemStatus, Light
from grassroots.assessments.compliance import compliance_for, warnings_for
from grassroots.core.bulk import create_with_history
from grassroots.core.choices import Role
from grassroots.orglife.choices import MeetingType
from grassroots.orglife.models import Attendance, Meeting
from grassroots.orgs.choices import Category, OrgKind, PostKind
from grassroots.orgs.models import Organization, Post, Term
from grassroots.standards.choices import SetStatus
from grassroots.standards.models import Dimension, Item, StandardSet

D = datetime.date
YEAR = 2025  # a whole past year, so "today" does not cut it short


@pytest.fixture
def standard(db):
    standard = StandardSet.objects.create(
        code="t-village",
        title="测试村党组织标准",
        year=2025,
        categories=[Category.VILLAGE],
        status=SetStatus.PUBLISHED,
    )
    dimension = Dimension.objects.create(set=standard, code="1", title="组织力强", order=1)
    for order, (code, metric, comparator, threshold) in enumerate(
        [
            ("1.1", "study_hours_per_member", ">=", 32),
            ("1.2", "democratic_review_participation", ">=", 90),
            ("1.3", "collective_income", ">", 200000),
            ("1.4", None, None, None),
        ]
    ):
        Item.objects.create(
            dimension=dimension,
            code=code,
            text=f"测试条目{code}",
            metric=metric,
            comparator=comparator,
            threshold=threshold,
            order=order,
        )
    return standard


def hold(org, kind, day, hours, present, absent=()):
    """Meetings crediting `hours` in all: one a day, at most 8 hours each."""
    hours = Decimal(hours)
    while True:
        part = min(hours, Decimal(8))
        meeting = Meeting.objects.create(org=org, type=kind, date=day, topic="学习", hours=part)
        absentees = [
            Attendance(meeting=meeting, member=m, present=False, absence_reason="外出")
            for m in absent
        ]
        rows = [Attendance(meeting=meeting, member=m) for m in present] + absentees
        create_with_history(Attendance, rows, None, "测试")
        hours -= part
        if not hours:
            return
        day += datetime.timedelta(days=1)


@pytest.fixture
def village(city, make_member):
    """A village branch of 10 members, each with 31.5 hours of study in the year."""
    org = city["west_branch"]
    members = [make_member(org) for _ in range(10)]
    hold(org, MeetingType.STUDY, D(YEAR, 3, 1), Decimal("31.5"), members)
    return org, members


def compliance(client, org, year=YEAR):
    url = reverse("api-org-compliance", args=[org.pk])
    return client.get(url, {"standard": "t-village", "year": year})


def statuses(response):
    return {item["code"]: (item["status"], item["value"]) for item in response.json()["items"]}


def test_contract_and_the_study_hours_edge(api, city, standard, village):
    org, members = village
    client = api(Role.VIEWER, city["root"])
    response = compliance(client, org)
    assert response.status_code == 200
    body = response.json()
    assert (body["org"], body["standard"], body["year"]) == (org.pk, "t-village", YEAR)
    first = body["items"][0]
    assert set(first) >= {"code", "status", "value", "threshold"}
    assert statuses(response)["1.1"] == (ItemStatus.NOT_MET, 31.5)
    assert first["threshold"] == 32
    hold(org, MeetingType.PARTY_LECTURE, D(YEAR, 4, 1), Decimal("0.5"), members)
    assert statuses(compliance(client, org))["1.1"] == (ItemStatus.MET, 32)


@pytest.mark.parametrize("present, status", [(89, ItemStatus.NOT_MET), (90, ItemStatus.MET)])
def test_participation_edge(api, city, standard, make_member, present, status):
    org = city["west_branch"]
    people = [make_member(org) for _ in range(100)]
    hold(org, MeetingType.DEMOCRATIC_REVIEW, D(YEAR, 12, 1), 0, people[:present], people[present:])
    result = statuses(compliance(api(Role.VIEWER, city["root"]), org))["1.2"]
    assert result == (status, present)


def test_no_data_and_manual_items(api, city, standard, village):
    org, _ = village
    found = statuses(compliance(api(Role.VIEWER, city["root"]), org))
    assert found["1.2"] == (ItemStatus.NO_DATA, None)  # no democratic review held
    assert found["1.3"] == (ItemStatus.NO_DATA, None)  # income not entered
    assert found["1.4"] == (ItemStatus.MANUAL, None)


def test_another_subtree_gets_nothing(api, city, standard, village):
    org, _ = village
    outsider = api(Role.CLERK, city["east"])
    assert compliance(outsider, org).status_code == 404
    assert outsider.get(reverse("api-org-warnings", args=[org.pk])).status_code == 404


def test_bad_parameters_name_the_field(api, city, standard, village):
    org, _ = village
    client = api(Role.VIEWER, city["root"])
    url = reverse("api-org-compliance", args=[org.pk])
    assert "standard" in client.get(url, {"standard": "nope"}).json()
    assert "year" in client.get(url, {"standard": "t-village", "year": "1999"}).json()


def test_warnings_light_up_what_is_overdue(city, make_member):
    org = city["west_branch"]
    members = [make_member(org) for _ in range(2)]
    today = D(2026, 11, 25)  # 5 days left in the month, 36 in the quarter
    hold(org, MeetingType.GENERAL_MEETING, D(2026, 10, 10), 30, members[:1])
    found = {(w.code, w.light) for w in warnings_for(org, today)}
    assert ("COMMITTEE_MEETING_MONTH", Light.RED) in found
    assert ("GENERAL_MEETING_QUARTER", Light.GREEN) in found
    # 30 hours by 25 November is on pace (32 × 329/365 ≈ 28.8); the member with none is red.
    assert [w.light for w in warnings_for(org, today) if w.code == "STUDY_HOURS_PACE"] == [
        Light.RED
    ]


def test_standing_page(client, city, standard, village, make_user):
    org, _ = village
    client.force_login(make_user(role=Role.VIEWER, org=city["west"]))
    response = client.get(reverse("org-standing", args=[org.pk]), {"year": YEAR})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-item="1.1" data-status="not_met"' in page
    assert "31.5" in page
    evidence = client.get(reverse("metric-evidence", args=[org.pk, "study_hours_per_member"]))
    assert evidence.status_code == 200


def test_matrix_page_export_and_fixed_queries(
    client, city, standard, make_org, make_member, make_user, django_assert_max_num_queries
):
    client.force_login(make_user(role=Role.VIEWER, org=city["root"]))
    url = reverse("compliance-matrix", args=[city["west"].pk])
    params = {"standard": "t-village", "year": YEAR}

    def add_villages(n):
        for _ in range(n):
            org = make_org(parent=city["west"], kind=OrgKind.BRANCH, category=Category.VILLAGE)
            hold(org, MeetingType.STUDY, D(YEAR, 5, 1), 40, [make_member(org) for _ in range(3)])

    add_villages(2)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url, params).status_code == 200
    add_villages(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url, params)
    page = response.content.decode()
    assert page.count("data-org=") == 11  # the fixture's village branch and ten more
    assert "matrix-data" in page

    export = client.get(url, {**params, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("党组织", "达标项", "未达标项", "无数据项", "1.1 人均学习时长")
    assert len(rows) == 12


def test_matrix_of_another_subtree_is_refused(client, city, standard, make_user):
    client.force_login(make_user(role=Role.VIEWER, org=city["east"]))
    response = client.get(reverse("compliance-matrix", args=[city["west"].pk]))
    assert response.status_code == 404


# --- "每月" and "每季度" items on pace -------------------------------------------------------


@pytest.fixture
def monthly_set(db):
    standard = StandardSet.objects.create(
        code="t-monthly",
        title="测试按月标准",
        year=2026,
        categories=[Category.VILLAGE],
        status=SetStatus.PUBLISHED,
    )
    dimension = Dimension.objects.create(set=standard, code="1", title="组织生活", order=1)
    for order, (code, metric, threshold) in enumerate(
        [("1.1", "theme_day_months", 12), ("1.2", "general_meeting_quarters", 4)]
    ):
        Item.objects.create(
            dimension=dimension,
            code=code,
            text=f"测试条目{code}",
            metric=metric,
            comparator=">=",
            threshold=threshold,
            order=order,
        )
    return standard


def monthly_results(org, standard, year, today):
    results = compliance_for(Organization.objects.filter(pk=org.pk), standard, year, today)
    return {r.item.code: (r.status, r.label, r.due) for r in results[org.pk]}


def theme_days(org, months, year=2026):
    for month in months:
        Meeting.objects.create(org=org, type=MeetingType.THEME_DAY, date=D(year, month, 5))


@pytest.mark.parametrize(
    "months, today, status, label",
    [
        # June: May is the last month over; June's own meeting still has time.
        (range(1, 6), D(2026, 6, 10), ItemStatus.MET, "按进度达标"),
        ((1, 2, 3, 5), D(2026, 6, 10), ItemStatus.NOT_MET, "进度落后"),
        (range(1, 7), D(2026, 6, 30), ItemStatus.MET, "按进度达标"),
        # December: eleven months over.
        (range(1, 12), D(2026, 12, 10), ItemStatus.MET, "按进度达标"),
        (range(1, 11), D(2026, 12, 10), ItemStatus.NOT_MET, "进度落后"),
    ],
)
def test_month_items_on_pace_in_june_and_december(city, monthly_set, months, today, status, label):
    org = city["west_branch"]
    theme_days(org, months)
    found = monthly_results(org, monthly_set, 2026, today)
    assert found["1.1"][:2] == (status, label)
    assert found["1.1"][2] == today.month - 1


def test_a_past_year_is_judged_against_twelve_months(city, monthly_set):
    org = city["west_branch"]
    theme_days(org, range(1, 12), year=2025)
    found = monthly_results(org, monthly_set, 2025, D(2026, 6, 10))
    assert found["1.1"] == (ItemStatus.NOT_MET, "未达标", None)
    theme_days(org, [12], year=2025)
    assert monthly_results(org, monthly_set, 2025, D(2026, 6, 10))["1.1"][:2] == (
        ItemStatus.MET,
        "达标",
    )


def test_quarter_items_on_pace(city, monthly_set):
    org = city["west_branch"]
    Meeting.objects.create(org=org, type=MeetingType.GENERAL_MEETING, date=D(2026, 2, 1))
    assert monthly_results(org, monthly_set, 2026, D(2026, 6, 10))["1.2"][:2] == (
        ItemStatus.MET,
        "按进度达标",
    )
    assert monthly_results(org, monthly_set, 2026, D(2026, 7, 1))["1.2"][:2] == (
        ItemStatus.NOT_MET,
        "进度落后",
    )


def test_the_api_says_what_was_due(api, city, monthly_set):
    org = city["west_branch"]
    url = reverse("api-org-compliance", args=[org.pk])
    body = api(Role.VIEWER, city["root"]).get(url, {"standard": "t-monthly", "year": 2025})
    assert [item["due"] for item in body.json()["items"]] == [None, None]


# --- the half-yearly committee meeting of a 科技社团 organisation ---------------------------


@pytest.fixture
def society(city, make_org, make_member):
    org = make_org("测试学会党支部", city["east"], category=Category.SCI_TECH_SOCIETY)
    committee = [make_member(org) for _ in range(4)]
    term = Term.objects.create(
        org=org, number=1, started_on=D(2024, 1, 1), planned_end_on=D(2029, 1, 1)
    )
    for member, post in zip(committee, FULL_POSTS, strict=True):
        Post.objects.create(term=term, member=member, post=post, started_on=D(2024, 1, 1))
    return org, committee


FULL_POSTS = (PostKind.SECRETARY, PostKind.ORGANIZATION, PostKind.PUBLICITY, PostKind.DISCIPLINE)


def committee_meeting(org, day, present, absent=()):
    hold(org, MeetingType.COMMITTEE_MEETING, day, 0, present, absent)


def society_lights(org, today):
    return {
        w.code: w.light for w in warnings_for(org, today) if w.code.startswith("SOCIETY_COMMITTEE")
    }


@pytest.mark.parametrize("present, quorate", [(1, False), (2, True)])
def test_half_of_the_committee_present_is_enough(society, present, quorate):
    org, committee = society
    committee_meeting(org, D(2026, 3, 10), committee[:present], committee[present:])
    committee_meeting(org, D(2025, 9, 10), committee)
    lights = society_lights(org, D(2026, 6, 10))  # 20 days left in the half-year
    assert lights == {"SOCIETY_COMMITTEE_HALF_YEAR": Light.GREEN if quorate else Light.RED}


def test_a_half_year_passed_without_a_meeting_is_red(society):
    org, committee = society
    committee_meeting(org, D(2026, 3, 10), committee)
    found = {w.code: w for w in warnings_for(org, D(2026, 7, 15))}
    assert found["SOCIETY_COMMITTEE_HALF_YEAR"].light == Light.YELLOW
    assert "SOCIETY_COMMITTEE_MISSED" not in found
    found = {w.code: w for w in warnings_for(org, D(2027, 1, 15))}
    assert found["SOCIETY_COMMITTEE_MISSED"].light == Light.RED
    assert found["SOCIETY_COMMITTEE_MISSED"].message == (
        "2026年下半年未召开半数以上委员到会的委员会会议"
    )


def test_only_those_on_the_committee_that_day_count(society, make_member):
    org, committee = society
    others = [make_member(org) for _ in range(5)]  # members, not on the committee
    committee_meeting(org, D(2026, 3, 10), committee[:1] + others, committee[1:])
    committee_meeting(org, D(2025, 9, 10), committee)
    assert society_lights(org, D(2026, 6, 10)) == {"SOCIETY_COMMITTEE_HALF_YEAR": Light.RED}


def test_no_half_year_check_for_other_fields_or_without_a_committee(
    city, society, make_org, make_member
):
    org, _ = society
    org.category = Category.SOCIAL_ORG
    org.save()
    assert society_lights(org, D(2026, 6, 10)) == {}
    single = make_org("测试小学会党支部", city["east"], category=Category.SCI_TECH_SOCIETY)
    term = Term.objects.create(
        org=single, number=1, started_on=D(2024, 1, 1), planned_end_on=D(2029, 1, 1)
    )
    Post.objects.create(
        term=term, member=make_member(single), post=PostKind.SECRETARY, started_on=D(2024, 1, 1)
    )
    assert society_lights(single, D(2026, 6, 10)) == {}
