"""Compliance through the API and the pages: the contract, the thresholds at their edges
(31.5 vs 32 hours, 89% vs 90%), the subtree limit, warnings, the matrix and its export."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from grassroots.assessments.choices import ItemStatus, Light
from grassroots.assessments.compliance import warnings_for
from grassroots.core.choices import Role
from grassroots.orglife.choices import MeetingType
from grassroots.orglife.models import Attendance, Meeting
from grassroots.orgs.choices import Category, OrgKind
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
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, member=m) for m in present] + absentees
        )
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
    assert rows[0][:5] == ("党组织", "达标项", "未达标项", "无数据项", "1.1")
    assert len(rows) == 12


def test_matrix_of_another_subtree_is_refused(client, city, standard, make_user):
    client.force_login(make_user(role=Role.VIEWER, org=city["east"]))
    response = client.get(reverse("compliance-matrix", args=[city["west"].pk]))
    assert response.status_code == 404
