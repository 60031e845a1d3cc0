"""The member list's columns, declared once for the page's table and the roster export
(seed 004 template 3): the label is the roster column's header, the value is read by `cell`,
and personal data comes as `personal_data` shows it to the reader (masked or not)."""

import datetime
from dataclasses import dataclass

from .excel.columns import MEMBER_ORG, ROSTER_COLUMNS
from .models import Member
from .personal_data import YEAR_ONLY_DATES

# Read from `personal_data.ShownPersonalData`, never from the member.
PERSONAL_FIELDS = frozenset({*YEAR_ONLY_DATES, "id_number", "phone"})


@dataclass(frozen=True)
class ListColumn:
    field: str  # a Member field, or "org" (the organisation's name)
    label: str
    css: str = ""  # the page's cell classes

    @property
    def personal(self):
        return self.field in PERSONAL_FIELDS


_ROSTER = {column.field: column for column in ROSTER_COLUMNS if column.field}
WIDE_ONLY = "d-none d-md-table-cell"  # hidden on a phone's width


def _column(field, css=""):
    return ListColumn(field, _ROSTER[field].header, css)


# The page's member table (the flags column is the page's own).
MEMBER_LIST_COLUMNS = [
    # card-title, card-fact: what a phone's card of the row shows (app.css .table-cards)
    _column("name", "nowrap card-title"),
    _column("gender", WIDE_ONLY),
    _column("birth_date", f"nowrap {WIDE_ONLY}"),
    _column("id_number", "font-monospace nowrap"),
    _column("status", "nowrap card-fact"),
    _column("joined_on", f"nowrap {WIDE_ONLY}"),
    _column("phone", "font-monospace nowrap card-fact"),
    _column(MEMBER_ORG.field, "card-fact"),
]
# The roster export: every roster column but the sequence number.
ROSTER_EXPORT_COLUMNS = [_column(column.field) for column in ROSTER_COLUMNS if column.field]


def choice_labels(model, name):
    """{code: label} of a model field's choices."""
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


CHOICE_LABELS = {
    name: choice_labels(Member, name)
    for name in _ROSTER
    if name != MEMBER_ORG.field and Member._meta.get_field(name).choices
}


def cell(member, column, shown):
    """The value of `column` for `member` as the reader whose view of the personal data is
    `shown` sees it: the birth, joining and confirmation dates as dates, or their years' text
    where masked; choices by their labels; the organisation by its name; flags as 是/否."""
    if column.field in YEAR_ONLY_DATES:
        return shown.date_or_year(column.field)
    if column.personal:
        return getattr(shown, column.field)
    if column.field == MEMBER_ORG.field:
        return member.org.name
    value = getattr(member, column.field)
    if column.field in CHOICE_LABELS:
        return CHOICE_LABELS[column.field].get(value, value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def page_text(value):
    """A cell's value as the page prints it (dates as 2025-03-02)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else value
