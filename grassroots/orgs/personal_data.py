"""What a user sees of a member's personal data: the one decision used by the pages, the API,
the Excel exports, the documents and the change history (docs/decisions/0013).

Without the personal-data permission over the member's organisation the ID number and the
phone are masked (first 6 and last 4 characters kept), and the birth date, which is the 8
hidden characters of the ID number, is shown as its year only: the masked number, the year
and the check character then leave about 32 possible numbers (never fewer than 32). The
year is withheld too where it would narrow the birthday with the joining age: a member who
joined in the year they turned 18 was born before that day (party constitution: 18 or
older), which could leave only a few days of the year."""

import datetime
from dataclasses import dataclass

from grassroots.core.access import Scope
from grassroots.core.choices import Permission
from grassroots.core.history import history_entries
from grassroots.core.identifiers import mask_id_number, mask_phone

from .models import Member

# Party constitution Art. 1: members are 18 or older when they join.
JOINING_AGE = 18


def shown_birth_year(birth_date, joined_on):
    """The birth year shown where the ID number is masked, or None where it, with the
    joining age, would narrow the birthday (joined within the year the member turned 18,
    or earlier)."""
    if birth_date is None:
        return None
    if joined_on is not None and joined_on.year <= birth_date.year + JOINING_AGE:
        return None
    return birth_date.year


@dataclass(frozen=True)
class ShownPersonalData:
    """One member's personal data as one user may see it."""

    full: bool  # the user holds the personal-data permission over the member
    id_number: str
    phone: str
    birth_date: datetime.date | None  # None where masked
    birth_year: int | None  # None only where withheld (see `shown_birth_year`)

    @property
    def birth_text(self):
        """The birth date as pages, exports and documents print it: 1975-03-02, 1975年
        or "" (withheld)."""
        if self.birth_date is not None:
            return self.birth_date.isoformat()
        return f"{self.birth_year}年" if self.birth_year else ""


def shows_personal_data(user, member):
    return Scope.of(user).covers(Permission.PERSONAL_DATA, member.org.path)


def masked_personal_data(member) -> ShownPersonalData:
    """What a reader without the permission sees (also a document rendered for no one)."""
    return ShownPersonalData(
        False,
        mask_id_number(member.id_number),
        mask_phone(member.phone),
        None,
        shown_birth_year(member.birth_date, member.joined_on),
    )


def shown_personal_data(user, member) -> ShownPersonalData:
    if user is None or not shows_personal_data(user, member):
        return masked_personal_data(member)
    return ShownPersonalData(
        True, member.id_number, member.phone, member.birth_date, member.birth_date.year
    )


def _mask_birth_text(shown):
    """History values of the birth date ("1975-03-02") as the year, as everywhere else."""

    def mask(text):
        if not text:
            return text
        return f"{text[:4]}年" if shown.birth_year is not None else "****"

    return mask


def member_history(user, member):
    """The member's change history, with personal data masked where the user may not see it
    (history records carry the same data as the member)."""
    entries = history_entries(member.history.select_related("history_user"))
    shown = shown_personal_data(user, member)
    if shown.full:
        return entries
    masks = {
        str(Member._meta.get_field("id_number").verbose_name): mask_id_number,
        str(Member._meta.get_field("phone").verbose_name): mask_phone,
        str(Member._meta.get_field("birth_date").verbose_name): _mask_birth_text(shown),
    }
    for entry in entries:
        entry.changes = [
            (label, masks[label](before), masks[label](after))
            if label in masks
            else (label, before, after)
            for label, before, after in entry.changes
        ]
    return entries
