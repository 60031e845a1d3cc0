"""The demo city's year of organisational life: loaded once for the module (inside a
transaction rolled back at the end), idempotent, and spread between diligent, lagging and
silent organisations."""

from collections import defaultdict

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from grassroots.orglife.choices import MeetingType
from grassroots.orglife.demo import load_demo_life
from grassroots.orglife.models import Attendance, Meeting, SecretaryReport, YearlyFact
from grassroots.orgs import demo
from grassroots.orgs.models import Organization, WeakDesignation

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def summary(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo.load_demo_city()
        yield load_demo_life()
        transaction.set_rollback(True)


def test_the_demo_is_loaded_once(summary):
    assert summary["meetings"] > 1000 and summary["attendance"] > 10 * summary["meetings"]
    assert Meeting.objects.count() == summary["meetings"]
    assert load_demo_life() is None
    assert Meeting.objects.count() == summary["meetings"]


def test_every_row_has_its_history_and_valid_values(summary):
    assert Meeting.history.count() == summary["meetings"]
    assert Attendance.history.count() == summary["attendance"]
    assert Attendance.history.filter(history_user__username="district_clerk").exists()
    today = timezone.localdate()
    assert not Meeting.objects.filter(date__gt=today).exists()
    assert not Meeting.objects.filter(hours__gt=24).exists()
    assert not Attendance.objects.filter(present=False, absence_reason="").exists()
    first = Meeting.objects.order_by("date").first().date
    assert (today - first).days < 366


def study_hours_by_org(year):
    """{org id: average study hours per member present at least once}."""
    hours = defaultdict(lambda: defaultdict(float))
    rows = (
        Attendance.objects.filter(present=True, meeting__date__year=year)
        .exclude(meeting__type=MeetingType.VOLUNTEER)
        .values_list("meeting__org_id", "member_id")
        .annotate(total=Sum("meeting__hours"))
    )
    for org_id, member_id, total in rows:
        hours[org_id][member_id] += float(total)
    return {org: sum(m.values()) / len(m) for org, m in hours.items()}


def test_organisations_spread_from_diligent_to_silent(summary):
    year = timezone.localdate().year
    averages = study_hours_by_org(year)
    assert sum(1 for value in averages.values() if value >= 32) >= 20
    assert sum(1 for value in averages.values() if value < 20) >= 20
    assert sum(1 for value in averages.values() if 28 <= value < 36) >= 5
    branches = Organization.objects.filter(kind="branch")
    silent = branches.exclude(meetings__isnull=False)
    assert silent.count() >= 20
    # An organisation designated 软弱涣散 this year has no organisational life on record.
    weak = WeakDesignation.objects.filter(year=year, rectified=False).values("org")
    assert not Meeting.objects.filter(org__in=weak).exists()
    months = defaultdict(set)
    committee = Meeting.objects.filter(type=MeetingType.COMMITTEE_MEETING, date__year=year)
    for org_id, day in committee.values_list("org_id", "date"):
        months[org_id].add(day.month)
    covered = sorted(len(m) for m in months.values())
    this_month = timezone.localdate().month
    assert covered[-1] == this_month  # some committees met every month so far
    assert covered[0] <= this_month // 2  # others skipped many


def test_party_lectures_name_their_lecturer(summary):
    lectures = Meeting.objects.filter(type=MeetingType.PARTY_LECTURE)
    assert lectures.exists()
    assert not lectures.filter(lecturer__isnull=True, lecturer_name="").exists()
    assert lectures.filter(lecturer__isnull=False).exists()


def test_reports_and_facts(summary):
    year = timezone.localdate().year
    reports = SecretaryReport.objects.filter(year=year - 1)
    assert reports.count() == summary["reports"] > 20
    assert reports.filter(evaluated_by__username="district_reviewer").exists()
    assert reports.filter(rating="").exists()
    income = YearlyFact.objects.filter(code="collective_income", year=year)
    assert income.filter(value__gt=200000).exists() and income.filter(value__lte=200000).exists()
