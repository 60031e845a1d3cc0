"""Meetings in the subtree tallies: recording, correcting the date or type, and voiding a
meeting move the statistics' meetings per type per month of every ancestor, as a scan
counts them."""

import datetime

from django.utils import timezone

from grassroots.orglife import services
from grassroots.orglife.choices import MeetingType
from grassroots.orglife.tallies import meeting_code
from grassroots.orgs import tallies


def counted(org, code):
    today = timezone.localdate()
    kept = tallies.subtree_counts([org], today)[org.pk]
    assert +kept == +tallies.scan_counts(org, today)
    return kept[code]


def test_recording_correcting_and_voiding_a_meeting(scene):
    today = timezone.localdate()
    day = today - datetime.timedelta(days=1)
    root, clerk = scene["root"], scene["clerk"]
    code = meeting_code(MeetingType.GENERAL_MEETING, day.year, day.month)
    before = counted(root, code)
    meeting = services.record_meeting(
        clerk, scene["east_branch"], MeetingType.GENERAL_MEETING, day, "学习党章", hours=1
    )
    assert counted(root, code) == before + 1
    assert counted(scene["east"], code) == 1
    assert counted(scene["west"], code) == 0

    earlier = day.replace(day=1) - datetime.timedelta(days=1)  # the month before
    services.update_meeting(clerk, meeting, date=earlier)
    assert counted(root, code) == before
    assert (
        counted(root, meeting_code(MeetingType.GENERAL_MEETING, earlier.year, earlier.month)) == 1
    )

    services.update_meeting(
        clerk, meeting, type=MeetingType.PARTY_LECTURE, lecturer_name="市委党校讲师"
    )
    assert (
        counted(root, meeting_code(MeetingType.GENERAL_MEETING, earlier.year, earlier.month)) == 0
    )
    services.cancel_meeting(clerk, meeting, "录入错误")
    lecture = meeting_code(MeetingType.PARTY_LECTURE, earlier.year, earlier.month)
    assert counted(root, lecture) == 0
    rows = tallies.kept_rows()
    tallies.rebuild(tallies.clock())
    assert tallies.kept_rows() == rows
