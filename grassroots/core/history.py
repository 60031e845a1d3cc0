"""Readable change history (who, when, before and after) from django-simple-history."""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models

from .validators import text_field_errors


def save_by(instance, user, **save_kwargs):
    """Save, attributing the history record to `user` even outside a request. Every service
    saves through here, so here its text fields are checked to be plain text (no control or
    bidirectional characters, `validators.text_field_errors`), and a save that would change
    nothing is skipped: it would only write an empty history entry."""
    update_fields = save_kwargs.get("update_fields")
    errors = text_field_errors(instance, update_fields)
    if errors:
        raise ValidationError(errors)
    if not instance._state.adding and changed_fields(instance, update_fields) == []:
        return instance
    instance._history_user = user
    instance.save(**save_kwargs)
    return instance


def _differs(model_field, value, stored):
    if value == stored:
        return False
    try:  # a value as a form or a caller gave it ("2024-07-01", "1.50")
        return model_field.to_python(value) != stored
    except ValidationError:
        return True


def changed_fields(instance, names=None):
    """The editable fields (all, or those in `names`) whose value differs from the stored
    row, or None if the row is not stored. Fields that are not editable are kept by other
    means (timestamps; an organisation's path and member count)."""
    model = type(instance)
    fields = [
        model_field
        for model_field in model._meta.concrete_fields
        if model_field.editable
        and not model_field.primary_key
        and (names is None or model_field.name in names or model_field.attname in names)
    ]
    stored = (
        model._base_manager.filter(pk=instance.pk)
        .values(*(model_field.attname for model_field in fields))
        .first()
    )
    if stored is None:
        return None
    return [
        model_field
        for model_field in fields
        if _differs(
            model_field, getattr(instance, model_field.attname), stored[model_field.attname]
        )
    ]


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
    """The model's fields this historical record holds, in declaration order; structured
    (JSON) fields are left out: their raw form is codes and lists, which the record's own
    page shows in words."""
    return [
        model_field
        for model_field in record.instance_type._meta.concrete_fields
        if model_field.name not in SKIPPED_FIELDS
        and hasattr(record, model_field.attname)
        and not isinstance(model_field, models.JSONField)
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
        (model, obj.pk): _name_of(obj)
        for model, ids in wanted.items()
        for obj in model._base_manager.filter(pk__in=ids)
    }


def _name_of(obj):
    """A user by the person's name (the login name only when none is recorded)."""
    if hasattr(obj, "get_full_name"):
        return obj.get_full_name() or obj.get_username()
    return str(obj)


def _user_name(record):
    return _name_of(record.history_user) if record.history_user else "系统"


def history_entries(records, parts=()):
    """Entries newest first from historical records (any order), with the changes of the
    object's `parts` (see `Part`). The caller passes `obj.history.select_related(
    "history_user")`; related objects named in the changes (organisation, member, ...) cost
    one query per related model, however many records. A change that changed nothing shown
    (e.g. a save of the same values) is left out."""
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
        if changes or record.history_type != "~":
            raw_entries.append((record, changes))
        previous = record

    names = _related_names(change for _, changes in raw_entries for change in changes)
    entries = [
        HistoryEntry(
            at=record.history_date,
            user=_user_name(record),
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
        for record, changes in raw_entries
    ]
    for part in parts:
        entries += part.entries()
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


# Changes of parts by one user this close together are one entry (one form or request).
PART_GROUPING = datetime.timedelta(seconds=2)


@dataclass(frozen=True)
class Part:
    """Parts of an object shown in its history, e.g. a meeting's attendance rows: their
    historical records (with `history_user` selected), the entries' action, and for a
    record the line's label ("出席情况：张三") and the part's state in it ("出席"); a
    deleted part's state is blank. A line shows each change of a part's state."""

    records: object
    action: str
    label: Callable
    state: Callable

    def entries(self):
        states = {}
        entries = []
        started = None
        for record in sorted(self.records, key=lambda r: (r.history_date, r.history_id)):
            before = states.get(record.id, "")
            after = "" if record.history_type == "-" else self.state(record)
            states[record.id] = after
            if before == after:
                continue
            line = (self.label(record), before, after)
            user = _user_name(record)
            if (
                entries
                and entries[-1].user == user
                and record.history_date - started <= PART_GROUPING
            ):
                entries[-1].changes.append(line)
                continue
            started = record.history_date
            entries.append(HistoryEntry(record.history_date, user, self.action, [line]))
        return entries
