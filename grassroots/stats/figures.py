"""The figures of one subtree on one date: organisations, members and meetings from the
subtree tallies (`orgs.tallies`: one read plus the organisation's own rows, whatever the
subtree's size), units, terms and campaigns by one aggregate query each; a fixed number of
queries. On a date before the tallies' the same counts come from a scan of the subtree."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from grassroots.campaigns.choices import ApplicationState
from grassroots.campaigns.models import Application, Quota
from grassroots.orglife.choices import MeetingType
from grassroots.orglife.tallies import meeting_code
from grassroots.orgs import tallies
from grassroots.orgs.choices import Category, Education, OrgKind
from grassroots.orgs.models import (
    Member,
    Organization,
)
from grassroots.orgs.rules import AGE_BANDS, JOINING_PERIODS, RuleConfig
from grassroots.orgs.tallies import UNKNOWN, current_on, existing_on

from . import rules

CHILDREN_SHOWN = 50
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


def org_figures(counts):
    by_kind = dict.fromkeys(OrgKind.values, 0)
    by_category = dict.fromkeys(Category.values, 0)
    for code, n in counts.items():
        family, _, value = code.partition(":")
        if family == "o.kind":
            by_kind[value] = n
        elif family == "o.category":
            by_category[value] = n
    return {"total": counts["o"], "by_kind": by_kind, "by_category": by_category}


def _family(counts, family):
    prefix = f"{family}:"
    return {code[len(prefix) :]: n for code, n in counts.items() if code.startswith(prefix)}


def member_figures(counts):
    total, full, female, young = (counts[c] for c in ("m", "m.full", "m.female", "m.young"))
    ages = _family(counts, "m.age")
    joined = _family(counts, "m.joined")
    by_education = dict.fromkeys([*Education.values, UNKNOWN], 0) | _family(counts, "m.edu")
    by_ethnicity = _family(counts, "m.eth")
    return {
        "total": total,
        "full": full,
        "probationary": total - full,
        "female": female,
        "young": young,
        "female_share": rules.share(female, total),
        "young_share": rules.share(young, total),
        "by_age": {band.code: ages.get(band.code, 0) for band in AGE_BANDS},
        "by_education": by_education,
        "by_ethnicity": dict(sorted(by_ethnicity.items(), key=lambda item: (-item[1], item[0]))),
        "by_joining": {p.code: joined.get(p.code, 0) for p in JOINING_PERIODS},
    }


def unit_figures(counts):
    units = {
        "total": counts["u"],
        "with_org": counts["u.org"],
        "guided_only": counts["u.work"],
        "should_form": counts["u.should_form"],
    }
    units["uncovered"] = units["total"] - units["with_org"] - units["guided_only"]
    units["coverage_rate"] = rules.coverage_rate(units["with_org"], units["total"])
    return units


def term_figures(counts, on, config=None):
    """Current terms (on `on`) of the subtree's organisations past their planned end, and
    those ending within the reminder window."""
    config = config or RuleConfig.from_settings()
    soon = on + datetime.timedelta(days=config.term_expiring_days)
    ends = [(datetime.date.fromisoformat(day), n) for day, n in _family(counts, "t.end").items()]
    return {
        "overdue": sum(n for day, n in ends if day < on),
        "expiring": sum(n for day, n in ends if on <= day <= soon),
    }


def meeting_figures(counts, on):
    """{meeting type: [held in January, …, December]} of the subtree in `on`'s year, up to
    `on`."""
    return {
        code: [counts[meeting_code(code, on.year, month)] for month in range(1, 13)]
        for code in MeetingType.values
    }


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
    """The child organisations (the first CHILDREN_SHOWN) with their subtrees' member
    counts, from the tallies (or, on a date before theirs, one conditional count)."""
    children = list(org.children.filter(existing_on(on)).order_by("name", "pk")[:CHILDREN_SHOWN])
    if not children:
        return []
    counted = tallies.subtree_counts(children, on)
    if counted is None:
        members = Member.objects.filter(current_on(on), org__path__startswith=org.path)
        counted = members.order_by().aggregate(
            **{
                str(child.pk): Count("pk", filter=Q(org__path__startswith=child.path))
                for child in children
            }
        )
        return [{"org": child, "members": counted[str(child.pk)]} for child in children]
    return [{"org": child, "members": counted[child.pk]["m"]} for child in children]


def counts_of(org, on):
    """The subtree's counts on `on`: from the tallies, or scanned before their date."""
    counted = tallies.subtree_counts([org], on)
    return counted[org.pk] if counted is not None else tallies.scan_counts(org, on)


def subtree_figures(org, on, with_children=True):
    counts = counts_of(org, on)
    figures = Figures(org=org, on=on)
    figures.orgs = org_figures(counts)
    figures.members = member_figures(counts)
    figures.units = unit_figures(counts)
    figures.terms = term_figures(counts, on)
    figures.meetings = meeting_figures(counts, on)
    figures.campaigns = campaign_figures(org, on)
    if with_children:
        figures.children = child_figures(org, on)
    return figures
