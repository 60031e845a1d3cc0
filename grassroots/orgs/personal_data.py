"""What a user sees of a member's personal data: the one decision used by the pages, the API,
the Excel exports, the documents and the change history (docs/decisions/0013).

Without the personal-data permission over the member's organisation the ID number and the
phone are masked (first 6 and last 4 characters kept), and the birth date, which is the 8
hidden characters of the ID number, is shown as its year only: the masked number, the year
and the check character then leave 32 to 35 possible numbers. The joining and confirmation
dates are shown as their years too: members join at 18 or older, so a full joining date early
in the year of turning 18 would bound the birthday to a few days. Whether anything is masked
depends only on the reader, never on the member's data (a rule that hid more for some
members would tell the reader which ones)."""

import datetime
from dataclasses import dataclass

from grassroots.core.access import can
from grassroots.core.choices import Permission
from grassroots.core.history import history_entries
from grassroots.core.identifiers import mask_id_number, mask_phone

from .models import Member


@dataclass(frozen=True)
class ShownPersonalData:
    """One member's personal data as one user may see it."""

    full: bool  # the user holds the personal-data permission over the member
    id_number: str
    phone: str
    birth_date: datetime.date | None  # None where masked
    birth_year: int
    joined_on: datetime.date | None  # None where masked
    joined_year: int
    confirmed_on: datetime.date | None  # None where masked or not confirmed
    confirmed_year: int | None  # None where not confirmed

    def date_or_year(self, field):
        """A date of `YEAR_ONLY_DATES` as pages and exports take it: the date, or its year's
        text (1975年) where masked; None where there is none."""
        day = getattr(self, field)
        if day is not None:
            return day
        year = getattr(self, YEAR_ONLY_DATES[field])
        return f"{year}年" if year else None


# The member's dates shown as their year only where masked: {date field: year field}.
YEAR_ONLY_DATES = {
    "birth_date": "birth_year",
    "joined_on": "joined_year",
    "confirmed_on": "confirmed_year",
}


def _year(day):
    return day.year if day else None


def shows_personal_data(user, member):
    return can(user, Permission.PERSONAL_DATA, member.org)


def masked_personal_data(member) -> ShownPersonalData:
    """What a reader without the permission sees (also a document rendered for no one)."""
    return ShownPersonalData(
        False,
        mask_id_number(member.id_number),
        mask_phone(member.phone),
        None,
        member.birth_date.year,
        None,
        member.joined_on.year,
        None,
        _year(member.confirmed_on),
    )


def shown_personal_data(user, member) -> ShownPersonalData:
    if user is None or not shows_personal_data(user, member):
        return masked_personal_data(member)
    return ShownPersonalData(
        True,
        member.id_number,
        member.phone,
        member.birth_date,
        member.birth_date.year,
        member.joined_on,
        member.joined_on.year,
        member.confirmed_on,
        _year(member.confirmed_on),
    )


def _year_text(text):
    """A history value of a date ("1975-03-02") as the year, as everywhere else."""
    return f"{text[:4]}年" if text else text


def member_history(user, member):
    """The member's change history, with personal data masked where the user may not see it
    (history records carry the same data as the member)."""
    entries = history_entries(member.history.select_related("history_user"))
    if shows_personal_data(user, member):
        return entries
    masks = {
        str(Member._meta.get_field("id_number").verbose_name): mask_id_number,
        str(Member._meta.get_field("phone").verbose_name): mask_phone,
        **{str(Member._meta.get_field(name).verbose_name): _year_text for name in YEAR_ONLY_DATES},
    }
    for entry in entries:
        entry.changes = [
            (label, masks[label](before), masks[label](after))
            if label in masks
            else (label, before, after)
            for label, before, after in entry.changes
        ]
    return entries
