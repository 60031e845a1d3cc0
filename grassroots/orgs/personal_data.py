"""Who sees a member's ID number and phone: decided by `Scope`, applied the same way by the
pages, the API and the change history."""

from grassroots.core.access import Scope
from grassroots.core.choices import Permission
from grassroots.core.history import history_entries
from grassroots.core.identifiers import mask_id_number, mask_phone

from .models import Member

# History entries name fields by their label; these are the ones carrying personal data.
_MASKS_BY_LABEL = {
    str(Member._meta.get_field("id_number").verbose_name): mask_id_number,
    str(Member._meta.get_field("phone").verbose_name): mask_phone,
}


def shows_personal_data(user, member):
    return Scope.of(user).covers(Permission.PERSONAL_DATA, member.org.path)


def member_id_number(user, member):
    shown = shows_personal_data(user, member)
    return member.id_number if shown else mask_id_number(member.id_number)


def member_phone(user, member):
    return member.phone if shows_personal_data(user, member) else mask_phone(member.phone)


def member_history(user, member):
    """The member's change history, with personal data masked where the user may not see it
    (history records carry the same data as the member)."""
    entries = history_entries(member.history.select_related("history_user"))
    if shows_personal_data(user, member):
        return entries
    for entry in entries:
        entry.changes = [
            (label, _MASKS_BY_LABEL[label](before), _MASKS_BY_LABEL[label](after))
            if label in _MASKS_BY_LABEL
            else (label, before, after)
            for label, before, after in entry.changes
        ]
    return entries
