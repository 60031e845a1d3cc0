"""One function per change of the working-day calendar, and the one reader other apps use
(`working_days_after`). Changes are for the city's administrators (`may_manage`); each runs
in a transaction and records its user in the history. Errors are
`ValidationError({field: Chinese message})`."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from grassroots.core.access import Scope, parent_path
from grassroots.core.choices import Permission
from grassroots.core.history import save_by

from . import rules
from .choices import DayKind, YearSource
from .models import CalendarDay, CalendarYear, holiday_table

NOT_ALLOWED = "只有市级管理员可以维护工作日历"
NAME_MAX = CalendarDay._meta.get_field("name").max_length


def may_manage(user):
    """The calendar is the State Council's, the same for the whole tree: superusers and the
    administrators (manage_users) of a root of the tree, i.e. the city department."""
    scope = Scope.of(user)
    if scope.is_unrestricted(Permission.MANAGE_USERS):
        return True
    return any(parent_path(path) is None for path in scope.paths(Permission.MANAGE_USERS))


def _require_manage(user):
    if not may_manage(user):
        raise ValidationError({"__all__": NOT_ALLOWED})


def working_days_after(start: datetime.date, days: int) -> datetime.date:
    """`rules.add_working_days` over the stored table (two queries); raises
    `rules.MissingYear` for a year not entered in full."""
    if days == 0:
        return start
    return rules.add_working_days(start, days, holiday_table(start.year))


def is_working_day(day: datetime.date) -> bool:
    return rules.is_working_day(day, holiday_table(day.year, day.year))


def _check_entry(day, kind, name):
    errors = rules.entry_errors(day, kind)
    if kind not in DayKind.values:
        errors["kind"] = "请选择“休”或“班”"
    name = (name or "").strip()
    if not name:
        errors["name"] = "请填写名称，如 国庆节"
    elif len(name) > NAME_MAX:
        errors["name"] = f"名称不超过{NAME_MAX}字"
    if errors:
        raise ValidationError(errors)
    return name


def _set_day(user, day, kind, name):
    entry = CalendarDay.objects.select_for_update().filter(date=day).first()
    if entry is None:
        entry = CalendarDay(date=day)
    entry.kind, entry.name, entry.withdrawn = kind, name, False
    return save_by(entry, user)


@transaction.atomic
def set_day(user, day, kind, name):
    """Enter or change the arrangement of `day` (a withdrawn entry of that date comes back)."""
    _require_manage(user)
    name = _check_entry(day, kind, name)
    return _set_day(user, day, kind, name)


@transaction.atomic
def withdraw_day(user, entry):
    """Take an entry out of the calendar; the row and its history stay."""
    _require_manage(user)
    entry = CalendarDay.objects.select_for_update().get(pk=entry.pk)
    entry.withdrawn = True
    return save_by(entry, user)


def _set_year(user, year, covered, source):
    record = CalendarYear.objects.select_for_update().filter(year=year).first()
    if record is None:
        record = CalendarYear(year=year)
    record.covered, record.source = covered, source
    return save_by(record, user)


@transaction.atomic
def set_year_covered(user, year, covered):
    """Mark `year` as entered in full (working days may then be counted in it), or not."""
    _require_manage(user)
    errors = rules.year_errors(year)
    if errors:
        raise ValidationError(errors)
    return _set_year(user, year, covered, YearSource.ADMIN)


@transaction.atomic
def replace_year(user, year, entries):
    """A whole year's arrangement as the State Council published it (`entries`: (date,
    kind, name), checked by the caller with `rules.entry_errors`): each entry set, the
    year's other entries withdrawn, the year marked as entered in full."""
    _require_manage(user)
    given = {day for day, _, _ in entries}
    for day, kind, name in entries:
        _set_day(user, day, kind, name)
    others = CalendarDay.objects.select_for_update().filter(date__year=year, withdrawn=False)
    for entry in others.exclude(date__in=given):
        entry.withdrawn = True
        save_by(entry, user)
    return _set_year(user, year, True, YearSource.IMPORT)
