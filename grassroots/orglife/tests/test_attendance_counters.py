"""Each meeting's attendance counters (present, expected) equal its attendance rows after
every way of writing them: recording, correcting, taking a member off, deleting a row, the
Excel import, a recount of many meetings, and writers of one meeting at the same moment."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from grassroots.core import bulk
from grassroots.orglife import excel, services
from grassroots.orglife.choices import MeetingType
from grassroots.orglife.models import Attendance, Meeting
from grassroots.orgs.tests.racing import run_in_threads

from .helpers import DAY, meeting_file, row

pytestmark = pytest.mark.django_db


def counters(meeting):
    meeting.refresh_from_db()
    rows = Attendance.objects.filter(meeting=meeting)
    assert meeting.present_count == rows.filter(present=True).count()
    assert meeting.expected_count == rows.count()
    return meeting.present_count, meeting.expected_count, meeting.absent_count


def test_recording_correcting_and_taking_off_attendance(scene):
    clerk, branch = scene["clerk"], scene["east_branch"]
    a, b, c, d = (m.pk for m in scene["members"])
    meeting = services.record_meeting(
        clerk, branch, MeetingType.STUDY, DAY, "学习党章", hours=1,
        attendees=[a, b, c], absentees={d: "外出务工"},
    )  # fmt: skip
    assert counters(meeting) == (3, 4, 1)

    services.set_attendance(clerk, meeting, [a], {b: "因病请假", d: "外出务工"})
    assert counters(meeting) == (1, 3, 2)  # c taken off the record, b now absent

    services.set_attendance(clerk, meeting, [], {})
    assert counters(meeting) == (0, 0, 0)


def test_a_row_deleted_or_changed_on_its_own_is_counted(scene):
    clerk, branch = scene["clerk"], scene["east_branch"]
    a, b = (m.pk for m in scene["members"][:2])
    meeting = services.record_meeting(
        clerk, branch, MeetingType.STUDY, DAY, "学习党章", attendees=[a, b]
    )
    row_of_b = Attendance.objects.get(meeting=meeting, member_id=b)
    row_of_b.present, row_of_b.absence_reason = False, "因病请假"
    row_of_b.save()
    assert counters(meeting) == (1, 2, 1)
    row_of_b.delete()
    assert counters(meeting) == (1, 1, 0)


def test_cancelling_a_meeting_keeps_its_counts(scene):
    clerk = scene["clerk"]
    meeting = services.record_meeting(
        clerk, scene["east_branch"], MeetingType.STUDY, DAY, "学习党章",
        attendees=[m.pk for m in scene["members"]],
    )  # fmt: skip
    services.cancel_meeting(clerk, meeting, "录入错误")
    assert counters(meeting) == (4, 4, 0)


def test_the_import_counts_every_meeting_it_creates(scene):
    org = scene["east_branch"]
    workbook = meeting_file([row(org), row(org, 主题="学习党史", 出席人员="王建国")])
    excel.import_meetings(scene["clerk"], workbook, today=DAY.replace(year=2026))
    found = {m.topic: counters(m) for m in Meeting.objects.filter(org=org)}
    assert found == {"重温入党誓词": (3, 4, 1), "学习党史": (1, 2, 1)}


def test_a_recount_of_many_meetings_runs_in_batches(scene, monkeypatch):
    clerk, branch = scene["clerk"], scene["east_branch"]
    meetings = [
        services.record_meeting(
            clerk,
            branch,
            MeetingType.STUDY,
            DAY,
            f"学习{i}",
            attendees=[m.pk for m in scene["members"][: i + 1]],
        )  # fmt: skip
        for i in range(4)
    ]
    Meeting.objects.update(present_count=0, expected_count=0)  # as a raw load leaves them
    monkeypatch.setattr(bulk, "IDS_PER_STATEMENT", 3)
    Meeting.objects.filter(org=branch).recount_attendance()
    assert [counters(m)[:2] for m in meetings] == [(1, 1), (2, 2), (3, 3), (4, 4)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="racing connections need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_writers_of_one_meeting_at_the_same_moment_are_all_counted(scene):
    # Each writer holds its transaction open after counting: without the meeting's lock the
    # later count would not see the earlier writer's row, and the last to commit would win.
    meeting = services.record_meeting(
        scene["clerk"], scene["east_branch"], MeetingType.STUDY, DAY, "学习党章"
    )
    members = scene["members"]
    barrier, errors = threading.Barrier(len(members)), []

    def attend(i):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                present = i % 2 == 0
                Attendance.objects.create(
                    meeting=meeting,
                    member=members[i],
                    present=present,
                    absence_reason="" if present else "因病请假",
                )
                time.sleep(0.5)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    run_in_threads(len(members), attend, timeout=60)
    assert errors == []
    assert counters(meeting) == (2, 4, 2)
