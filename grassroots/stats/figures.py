"""The figures of one subtree on one date, each table one aggregate query (GROUP BY or
conditional counts in the database; no member is read into Python): a fixed number of
queries whatever the subtree's size."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth

from grassroots.campaigns.choices import ApplicationState
from grassroots.campaigns.models import Application, Quota
from grassroots.orglife.choices import MeetingType
from grassroots.orglife.models import Meeting
from grassroots.orgs.choices import Category, Coverage, Education, Gender, MemberStatus, OrgKind
from grassroots.orgs.models import (
    SHOULD_FORM_FULL_MEMBERS,
    HostUnit,
    Member,
    Organization,
    Term,
)
from grassroots.orgs.rules import RuleConfig

from . import rules

CHILDREN_SHOWN = 50
UNKNOWN = "unknown"  # members whose education is not recorded
# Applications that count against a quota: submitted and not dropped.
NOT_COUNTED = (
    ApplicationState.DRAFT,
    ApplicationState.WITHDRAWN,
    ApplicationState.REJECTED,
    ApplicationState.REMOVED,
)


@dataclass
class Figures:
    org: Organization
    on: datetime.date
    orgs: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    terms: dict = field(default_factory=dict)
    meetings: dict = field(default_factory=dict)  # type -> [12 monthly counts]
    campaigns: list = field(default_factory=list)
    children: list = field(default_factory=list)


def current_on(on):
    """Members of the Party on `on`: joined by then and not left."""
    return Q(joined_on__lte=on) & (Q(left_on__isnull=True) | Q(left_on__gt=on))


def full_on(on):
    """A full member on `on`: full now and confirmed by then (or joined as full)."""
    return Q(status=MemberStatus.FULL) & (Q(confirmed_on__isnull=True) | Q(confirmed_on__lte=on))


def between(field_name, start, end):
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{field_name}__gte": start})
    if end is not None:
        condition &= Q(**{f"{field_name}__lte": end})
    return condition


def existing_on(on):
    """Organisations that existed on `on`."""
    established = Q(established_on__isnull=True) | Q(established_on__lte=on)
    not_dissolved = Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on)
    return established & not_dissolved


def org_figures(org, on):
    by_kind = dict.fromkeys(OrgKind.values, 0)
    by_category = dict.fromkeys(Category.values, 0)
    rows = (
        Organization.objects.filter(existing_on(on), path__startswith=org.path)
        .order_by()
        .values_list("kind", "category")
        .annotate(n=Count("pk"))
    )
    for kind, category, n in rows:
        by_kind[kind] = by_kind.get(kind, 0) + n
        by_category[category] = by_category.get(category, 0) + n
    return {"total": sum(by_kind.values()), "by_kind": by_kind, "by_category": by_category}


def member_figures(org, on):
    members = Member.objects.filter(current_on(on), org__path__startswith=org.path).order_by()
    counts = {
        "total": Count("pk"),
        "full": Count("pk", filter=full_on(on)),
        "female": Count("pk", filter=Q(gender=Gender.FEMALE)),
        "young": Count("pk", filter=Q(birth_date__gt=rules.latest_birth(on, rules.YOUNG_BELOW))),
    }
    for band in rules.AGE_BANDS:
        born_from, born_to = rules.birth_range(band.low, band.high, on)
        counts[f"age:{band.code}"] = Count("pk", filter=between("birth_date", born_from, born_to))
    for period in rules.JOINING_PERIODS:
        counts[f"joined:{period.code}"] = Count(
            "pk", filter=between("joined_on", period.start, period.end)
        )
    totals = members.aggregate(**counts)
    by_education = dict.fromkeys([*Education.values, UNKNOWN], 0)
    for code, n in members.values_list("education").annotate(n=Count("pk")):
        by_education[code or UNKNOWN] += n
    by_ethnicity = dict(
        members.values_list("ethnicity").annotate(n=Count("pk")).order_by("-n", "ethnicity")
    )
    total = totals["total"]
    return {
        "total": total,
        "full": totals["full"],
        "probationary": total - totals["full"],
        "female": totals["female"],
        "young": totals["young"],
        "female_share": rules.share(totals["female"], total),
        "young_share": rules.share(totals["young"], total),
        "by_age": {band.code: totals[f"age:{band.code}"] for band in rules.AGE_BANDS},
        "by_education": by_education,
        "by_ethnicity": by_ethnicity,
        "by_joining": {p.code: totals[f"joined:{p.code}"] for p in rules.JOINING_PERIODS},
    }


def unit_figures(org, on):
    counts = (
        HostUnit.objects.within(org.path)
        .with_coverage(on)
        .order_by()
        .aggregate(
            total=Count("pk"),
            with_org=Count("pk", filter=Q(coverage=Coverage.ORGANISATION)),
            guided_only=Count("pk", filter=Q(coverage=Coverage.WORK)),
            should_form=Count(
                "pk", filter=Q(has_org=False, full_workers__gte=SHOULD_FORM_FULL_MEMBERS)
            ),
        )
    )
    counts["uncovered"] = counts["total"] - counts["with_org"] - counts["guided_only"]
    counts["coverage_rate"] = rules.coverage_rate(counts["with_org"], counts["total"])
    return counts


def term_figures(org, on, config=None):
    """Current terms (on `on`) of the subtree's organisations past their planned end, and
    those ending within the reminder window."""
    config = config or RuleConfig.from_settings()
    soon = on + datetime.timedelta(days=config.term_expiring_days)
    return (
        Term.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=on),
            started_on__lte=on,
            org__path__startswith=org.path,
        )
        .order_by()
        .aggregate(
            overdue=Count("pk", filter=Q(planned_end_on__lt=on)),
            expiring=Count("pk", filter=Q(planned_end_on__gte=on, planned_end_on__lte=soon)),
        )
    )


def meeting_figures(org, on):
    """{meeting type: [held in January, …, December]} of the subtree in `on`'s year, up to
    `on`."""
    counts = {code: [0] * 12 for code in MeetingType.values}
    rows = (
        Meeting.objects.held()
        .filter(org__path__startswith=org.path, date__gte=on.replace(month=1, day=1), date__lte=on)
        .annotate(month=ExtractMonth("date"))
        .order_by()
        .values_list("type", "month")
        .annotate(n=Count("pk"))
    )
    for code, month, n in rows:
        counts[code][month - 1] = n
    return counts


def campaign_figures(org, on):
    """Each campaign of `on`'s year with quotas in the subtree: the quotas, and the
    applications counted against them."""
    quotas = (
        Quota.objects.filter(unit__path__startswith=org.path, campaign__year=on.year)
        .order_by()
        .values_list("campaign_id", "campaign__title")
        .annotate(quota=Sum("quota"))
    )
    applied = dict(
        Application.objects.filter(unit__path__startswith=org.path, campaign__year=on.year)
        .exclude(state__in=NOT_COUNTED)
        .order_by()
        .values_list("campaign_id")
        .annotate(n=Count("pk"))
    )
    return [
        {
            "campaign": campaign_id,
            "title": title,
            "quota": quota,
            "applied": applied.get(campaign_id, 0),
            "progress": rules.share(applied.get(campaign_id, 0), quota),
        }
        for campaign_id, title, quota in sorted(quotas, key=lambda row: row[1])
    ]


def child_figures(org, on):
    """The child organisations (the first CHILDREN_SHOWN) with their subtrees' member and
    organisation counts: two queries."""
    children = list(org.children.filter(existing_on(on)).order_by("name", "pk")[:CHILDREN_SHOWN])
    if not children:
        return []
    members = Member.objects.filter(current_on(on), org__path__startswith=org.path).order_by()
    counts = members.aggregate(
        **{
            f"m{child.pk}": Count("pk", filter=Q(org__path__startswith=child.path))
            for child in children
        }
    )
    return [{"org": child, "members": counts[f"m{child.pk}"]} for child in children]


def subtree_figures(org, on, with_children=True):
    figures = Figures(org=org, on=on)
    figures.orgs = org_figures(org, on)
    figures.members = member_figures(org, on)
    figures.units = unit_figures(org, on)
    figures.terms = term_figures(org, on)
    figures.meetings = meeting_figures(org, on)
    figures.campaigns = campaign_figures(org, on)
    if with_children:
        figures.children = child_figures(org, on)
    return figures
