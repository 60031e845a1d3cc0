"""Readable change history (who, when, before and after) from django-simple-history."""

from dataclasses import dataclass, field

CHANGE_TYPES = {"+": "新建", "~": "修改", "-": "删除"}


@dataclass
class HistoryEntry:
    at: object
    user: str
    action: str
    changes: list = field(default_factory=list)  # [(label, before, after)]


def _display(record, field_name):
    model_field = record.instance_type._meta.get_field(field_name)
    value = getattr(record, model_field.attname)
    if value in (None, ""):
        return ""
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def history_entries(records):
    """Entries newest first from historical records (any order); one query if the caller
    passes `obj.history.select_related("history_user")`."""
    ordered = sorted(records, key=lambda r: (r.history_date, r.history_id))
    entries = []
    previous = None
    for record in ordered:
        entry = HistoryEntry(
            at=record.history_date,
            user=record.history_user.get_username() if record.history_user else "系统",
            action=CHANGE_TYPES.get(record.history_type, record.history_type),
        )
        if previous is not None:
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                label = record.instance_type._meta.get_field(change.field).verbose_name
                entry.changes.append(
                    (str(label), _display(previous, change.field), _display(record, change.field))
                )
        else:
            for model_field in record.instance_type._meta.concrete_fields:
                name = model_field.name
                if name in ("id", "created_at", "updated_at"):
                    continue
                if not hasattr(record, model_field.attname):
                    continue
                shown = _display(record, name)
                if shown:
                    entry.changes.append((str(model_field.verbose_name), "", shown))
        entries.append(entry)
        previous = record
    return list(reversed(entries))
