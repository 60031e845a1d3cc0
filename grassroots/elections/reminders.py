"""Reminders across a subtree: terms expiring soon, overdue terms and vacant
posts. They are the health check's own findings (orgs/health.py reads the facts, orgs/rules.py
judges them, with the configured number of days), picked out and given their dates, plus the
open workflow that already answers each one: a fixed number of queries however large the
subtree."""

import datetime
from dataclasses import dataclass, replace

from django.utils import timezone

from grassroots.orgs.choices import PostKind
from grassroots.orgs.health import collect_facts
from grassroots.orgs.models import Organization
from grassroots.orgs.rules import RuleConfig, check_organization

from .choices import WorkflowKind
from .models import Workflow

# Health-check finding → (reminder list, the post it leaves vacant).
REMINDER_FINDINGS = {
    "TERM_EXPIRING": ("expiring", ""),
    "TERM_OVERDUE": ("overdue", ""),
    "SECRETARY_VACANT": ("vacant", PostKind.SECRETARY),
    "COMMITTEE_REQUIRED": ("vacant", PostKind.MEMBER),
}
LISTS = ("expiring", "overdue", "vacant")
# What answers a reminder: a renewal for a term, a by-election for a vacancy.
ANSWERED_BY = {
    "expiring": WorkflowKind.GENERAL,
    "overdue": WorkflowKind.GENERAL,
    "vacant": WorkflowKind.BY_ELECTION,
}
# Only these fields are read: a large subtree stays cheap.
ORG_FIELDS = ("id", "name", "path", "kind", "category", "status")


@dataclass(frozen=True)
class Reminder:
    org_id: int
    org_name: str
    org_path: str
    message: str
    term_number: int | None = None
    planned_end_on: datetime.date | None = None
    days_left: int | None = None  # negative: days overdue
    post: str = ""
    workflow_id: int | None = None  # the open workflow that answers it, if any

    @property
    def post_label(self):
        return PostKind(self.post).label if self.post else ""

    @property
    def days_overdue(self):
        return -self.days_left if self.days_left is not None else None


def subtree_orgs(user, within=None):
    """Active organisations the user sees, within the subtree of path `within` when given
    (another subtree gives none)."""
    orgs = Organization.objects.visible_to(user).active().only(*ORG_FIELDS)
    if within is not None:
        orgs = orgs.filter(path__startswith=within)
    return orgs


def reminders_for(orgs, today=None):
    """{"expiring": [...], "overdue": [...], "vacant": [...]} for `orgs` (a list)."""
    today = today or timezone.localdate()
    config = RuleConfig.from_settings()
    by_id = {org.pk: org for org in orgs}
    found = {name: [] for name in LISTS}
    for org_id, facts in collect_facts(list(orgs), today).items():
        for finding in check_organization(facts, today, config):
            if finding.code not in REMINDER_FINDINGS:
                continue
            name, post = REMINDER_FINDINGS[finding.code]
            term = name != "vacant"
            if not term and facts.term_planned_end is None:
                continue  # no committee registered at all: nothing to fill by a by-election
            found[name].append(
                Reminder(
                    org_id=org_id,
                    org_name=by_id[org_id].name,
                    org_path=by_id[org_id].path,
                    message=finding.message,
                    term_number=facts.term_number if term else None,
                    planned_end_on=facts.term_planned_end if term else None,
                    days_left=(facts.term_planned_end - today).days if term else None,
                    post=post,
                )
            )
    found = _with_workflows(found)
    found["expiring"].sort(key=lambda r: (r.planned_end_on, r.org_id))
    found["overdue"].sort(key=lambda r: (r.planned_end_on, r.org_id))
    found["vacant"].sort(key=lambda r: (r.org_path, r.post))
    return found


def _with_workflows(found):
    """Attach the open workflow answering each reminder (one query)."""
    org_ids = {r.org_id for rows in found.values() for r in rows}
    open_ones = {
        (org_id, kind): pk
        for org_id, kind, pk in Workflow.objects.open()
        # Never an empty IN list: Django would skip the query and the count would vary.
        .filter(org_id__in=org_ids or [0])
        .order_by("pk")
        .values_list("org_id", "kind", "pk")
    }
    return {
        name: [replace(r, workflow_id=open_ones.get((r.org_id, ANSWERED_BY[name]))) for r in rows]
        for name, rows in found.items()
    }


def user_reminders(user, within=None, today=None):
    """The reminders of the user's subtree (or of the subtree of path `within`, inside it)."""
    return reminders_for(list(subtree_orgs(user, within)), today)
