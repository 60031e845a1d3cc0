"""Credited hours (docs/decisions/0011-metric-engine.md): a meeting's hours go to each member
present; volunteer service gives volunteer hours, any other meeting study hours, a voided
meeting none. The standing page's monthly chart reads them per month."""

import datetime
from decimal import Decimal

import pytest

from grassroots.orglife import services
from grassroots.orglife.choices import MeetingType
from grassroots.orglife.models import Attendance, Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(scene):
    """In 2025 at the east branch: a theme day in March (2 hours, three present, one absent),
    volunteer service in April (4 hours, two present), a study in May voided, and a study
    in 2024."""
    members = scene["members"]

    def meeting(type, date, hours, present, absent=()):
        return services.record_meeting(
            scene["clerk"],
            org=scene["east_branch"],
            type=type,
            date=date,
            topic="组织生活",
            hours=Decimal(hours),
            attendees=[m.pk for m in present],
            absentees={m.pk: "外出务工" for m in absent},
        )

    meeting(MeetingType.THEME_DAY, datetime.date(2025, 3, 12), 2, members[:3], members[3:])
    meeting(MeetingType.VOLUNTEER, datetime.date(2025, 4, 5), 4, members[:2])
    voided = meeting(MeetingType.STUDY, datetime.date(2025, 5, 8), 3, members)
    services.cancel_meeting(scene["clerk"], voided, "重复登记")
    meeting(MeetingType.STUDY, datetime.date(2024, 11, 8), 1, members)
    return scene


def test_only_rows_present_at_held_meetings_credit_hours(year):
    credited = Attendance.objects.filter(meeting__date__year=2025)
    assert credited.credited().count() == 3
    assert credited.credited(volunteer=True).count() == 2


def test_the_chart_has_study_hours_and_held_meetings_per_month(year):
    branch = year["east_branch"]
    hours = Attendance.objects.study_hours_by_month(branch, 2025)
    assert hours == [0, 0, 6.0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    counts = Meeting.objects.count_by_month(branch, 2025)
    assert counts == {
        MeetingType.THEME_DAY: [0, 0, 1] + [0] * 9,
        MeetingType.VOLUNTEER: [0, 0, 0, 1] + [0] * 8,
    }
