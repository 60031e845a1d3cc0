"""Template helpers of the organisational-life pages, and the summary card on the
organisation's page."""

from django import template
from django.db.models import Count
from django.utils import timezone

from grassroots.core.access import can
from grassroots.core.choices import Permission

from ..choices import TYPE_MARKS, MeetingType
from ..models import Meeting

register = template.Library()


@register.filter
def type_mark(code):
    """Two characters naming a meeting type in a calendar cell."""
    return TYPE_MARKS.get(code, "")


@register.inclusion_tag("orglife/_org_card.html", takes_context=True)
def life_summary(context, org):
    """This year's meetings of `org` by type (one query), with links to its calendar."""
    today = timezone.localdate()
    counts = dict(
        Meeting.objects.filter(org=org)
        .held()
        .in_year(today.year)
        .order_by()
        .values("type")
        .annotate(n=Count("pk"))
        .values_list("type", "n")
    )
    user = context["request"].user
    return {
        "org": org,
        "year": today.year,
        "counts": [
            (code, label, counts[code]) for code, label in MeetingType.choices if code in counts
        ],
        "total": sum(counts.values()),
        "can_edit": org.is_active and can(user, Permission.EDIT, org),
    }
