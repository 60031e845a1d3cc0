"""What keeps each meeting's attendance counters (`Meeting.present_count`,
`expected_count`) current: every write of its attendance rows, one row (post_save,
post_delete) or many (`core.signals.bulk_written`)."""

from django.db.models.signals import post_delete, post_save

from grassroots.core.signals import bulk_written

from .models import Attendance, Meeting


def _attendance_changed(sender, instance, **kwargs):
    Meeting.objects.filter(pk=instance.meeting_id).recount_attendance()


def _attendance_written(sender, objects, **kwargs):
    if sender is Attendance:
        meeting_ids = {row.meeting_id for row in objects}
        Meeting.objects.filter(pk__in=meeting_ids).recount_attendance()


def connect():
    uid = "attendance-counters"
    for signal in (post_save, post_delete):
        signal.connect(_attendance_changed, sender=Attendance, dispatch_uid=uid)
    bulk_written.connect(_attendance_written, dispatch_uid=uid)
