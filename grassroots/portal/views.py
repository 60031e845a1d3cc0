"""The pages that bring every app together (the home page): the top layer, free to read any
app, which no app reads."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from grassroots.assessments.choices import ItemStatus, Light
from grassroots.assessments.compliance import (
    compliance_for,
    first_measured,
    month_todo,
    summary,
    warnings_for,
)
from grassroots.core.access import Scope, can
from grassroots.core.choices import Permission
from grassroots.core.pages import subtree_roots
from grassroots.orglife.rules import meeting_types_held
from grassroots.orgs.choices import OrgKind
from grassroots.orgs.models import Member, Organization
from grassroots.standards.models import applicable_sets


def own_organisation(user, assignments):
    """The one organisation the user's roles cover — a branch's clerk or secretary, whose
    subtree is the branch and its party groups — or None. Their home is its summary."""
    orgs = {a.org_id: a.org for a in assignments}
    if user.is_superuser or len(orgs) != 1:
        return None
    (org,) = orgs.values()
    below = Organization.objects.active().filter(path__startswith=org.path).exclude(pk=org.pk)
    if not org.is_active or below.exclude(kind=OrgKind.GROUP).exists():
        return None
    return org


def standing(org, today):
    """The organisation's standing this year against its first measured standard (items met
    of those measured) and the lights of what is overdue now."""
    sets = applicable_sets(org.category)
    counts, standard = {}, None
    if sets:
        standard = first_measured(sets)
        one = Organization.objects.filter(pk=org.pk)
        counts = summary(compliance_for(one, standard, today.year, today)[org.pk])
    lights = [w.light for w in warnings_for(org, today)]
    return {
        "standard": standard,
        "met": counts.get(ItemStatus.MET, 0),
        "measured": sum(counts.get(s, 0) for s in (ItemStatus.MET, ItemStatus.NOT_MET)),
        "red": lights.count(Light.RED),
        "yellow": lights.count(Light.YELLOW),
    }


def org_summary(user, org):
    today = timezone.localdate()
    return {
        "org": org,
        "can_record": bool(meeting_types_held(org.kind)) and can(user, Permission.EDIT, org),
        "todo": month_todo(org, today),
        "standing": standing(org, today),
        "month": today.month,
    }


@login_required
def home(request):
    user = request.user
    assignments = list(user.role_assignments.select_related("org").order_by("org__path"))
    scope = Scope.of(user)
    own = own_organisation(user, assignments)
    context = {
        "assignments": assignments,
        "roots": subtree_roots(user).order_by("path"),
        "org_count": Organization.objects.visible_to(user).active().count(),
        "member_count": Member.objects.visible_to(user).current().count(),
        "own": org_summary(user, own) if own else None,
        # Renewal and by-election reminders only for those who can act on them: a clerk
        # starts the work, a reviewer approves it (a third-party evaluator does neither).
        "election_work": scope.has_any(Permission.EDIT) or scope.has_any(Permission.APPROVE),
    }
    return render(request, "portal/home.html", context)
