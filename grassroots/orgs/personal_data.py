"""What a user sees of a member's personal data: the one decision used by the pages, the API,
the Excel exports, the documents and the change history (docs/decisions/0013).

Without the personal-data permission over the member's organisation the ID number and the
phone are masked (first 6 and last 4 characters kept), and the birth date, which is the 8
hidden characters of the ID number, is shown as its year only: the masked number, the year
and the check character then leave 32 to 35 possible numbers. Whether anything is masked
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

    @property
    def birth_text(self):
        """The birth date as pages and exports print it: 1975-03-02, or 1975年 where masked."""
        if self.birth_date is not None:
            return self.birth_date.isoformat()
        return f"{self.birth_year}年"


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
    )


def shown_personal_data(user, member) -> ShownPersonalData:
    if user is None or not shows_personal_data(user, member):
        return masked_personal_data(member)
    return ShownPersonalData(
        True, member.id_number, member.phone, member.birth_date, member.birth_date.year
    )


def _birth_year_text(text):
    """A history value of the birth date ("1975-03-02") as the year, as everywhere else."""
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
        str(Member._meta.get_field("birth_date").verbose_name): _birth_year_text,
    }
    for entry in entries:
        entry.changes = [
            (label, masks[label](before), masks[label](after))
            if label in masks
            else (label, before, after)
            for label, before, after in entry.changes
        ]
    return entries
