"""Readable change history (who, when, before and after) from django-simple-history."""

from collections import defaultdict
from dataclasses import dataclass, field


def save_by(instance, user, **save_kwargs):
    """Save, attributing the history record to `user` even outside a request."""
    instance._history_user = user
    instance.save(**save_kwargs)
    return instance


CHANGE_TYPES = {"+": "新建", "~": "修改", "-": "删除"}
# Bookkeeping columns every model has; a change to them tells the reader nothing.
SKIPPED_FIELDS = frozenset({"id", "created_at", "updated_at"})


@dataclass
class HistoryEntry:
    at: object
    user: str
    action: str
    changes: list = field(default_factory=list)  # [(label, before, after)]


def _tracked_fields(record):
    """The model's fields this historical record holds, in declaration order."""
    return [
        model_field
        for model_field in record.instance_type._meta.concrete_fields
        if model_field.name not in SKIPPED_FIELDS and hasattr(record, model_field.attname)
    ]


def _display(model_field, value, related_names):
    if value in (None, ""):
        return ""
    if model_field.many_to_one:
        return related_names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _related_names(raw_changes):
    """Names of the objects foreign keys point to: one query per related model."""
    wanted = defaultdict(set)
    for model_field, before, after in raw_changes:
        if model_field.many_to_one:
            wanted[model_field.related_model].update(v for v in (before, after) if v is not None)
    return {
        (model, obj.pk): str(obj)
        for model, ids in wanted.items()
        for obj in model._base_manager.filter(pk__in=ids)
    }


def history_entries(records):
    """Entries newest first from historical records (any order). The caller passes
    `obj.history.select_related("history_user")`; related objects named in the changes
    (organisation, member, ...) cost one query per related model, however many records."""
    ordered = sorted(records, key=lambda r: (r.history_date, r.history_id))
    raw_entries = []
    previous = None
    for record in ordered:
        changes = []
        for model_field in _tracked_fields(record):
            after = getattr(record, model_field.attname)
            if previous is None:
                if after not in (None, ""):
                    changes.append((model_field, None, after))
            else:
                before = getattr(previous, model_field.attname)
                if before != after:
                    changes.append((model_field, before, after))
        raw_entries.append((record, changes))
        previous = record

    names = _related_names(change for _, changes in raw_entries for change in changes)
    entries = []
    for record, changes in reversed(raw_entries):
        entries.append(
            HistoryEntry(
                at=record.history_date,
                user=record.history_user.get_username() if record.history_user else "系统",
                action=CHANGE_TYPES.get(record.history_type, record.history_type),
                changes=[
                    (
                        str(model_field.verbose_name),
                        _display(model_field, before, names),
                        _display(model_field, after, names),
                    )
                    for model_field, before, after in changes
                ],
            )
        )
    return entries
