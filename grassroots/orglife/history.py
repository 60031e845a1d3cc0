"""A meeting's change history: its own fields, who was marked present or absent, and the
attachments added or removed (the rows of attendance and attachments keep their own
history records; here they are shown with the meeting's)."""

from grassroots.core.history import Part, history_entries
from grassroots.orgs.models import Member


def _attendance_state(record):
    return "出席" if record.present else f"缺席（{record.absence_reason}）"


def _attachment_state(record):
    return "已删除" if record.removed_at else "已上传"


def meeting_history(meeting):
    """History entries of `meeting`, newest first, in a fixed number of queries."""
    attendance = list(
        meeting.attendances.model.history.filter(meeting_id=meeting.pk).select_related(
            "history_user"
        )
    )
    names = dict(
        Member._base_manager.filter(pk__in={r.member_id for r in attendance}).values_list(
            "pk", "name"
        )
    )
    attachments = meeting.attachments.model.history.filter(meeting_id=meeting.pk).select_related(
        "history_user"
    )
    parts = (
        Part(
            attendance,
            "登记出席情况",
            lambda record: f"出席情况：{names.get(record.member_id, f'#{record.member_id}')}",
            _attendance_state,
        ),
        Part(attachments, "会议附件", lambda record: f"附件：{record.name}", _attachment_state),
    )
    return history_entries(meeting.history.select_related("history_user"), parts)
