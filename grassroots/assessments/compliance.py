"""Compliance: how organisations stand against a standard set, item by item, and the
red/yellow/green warnings of what is overdue now.

`compliance_for` serves one organisation and the subtree matrix alike, in the metric
engine's fixed number of queries plus one for the set's items.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from grassroots.orglife.choices import MeetingType
from grassroots.orglife.models import Meeting
from grassroots.standards.models import Item, StandardSet, filter_sets

from . import rules
from .choices import ItemStatus, Light
from .measurement import OrgYear, collect, explain, member_hours, metric_values, year_span

STUDY_HOURS_TARGET = Decimal(32)  # RULES.md: ≥ 32 hours per member per year
STUDY_HOURS_PACE = "STUDY_HOURS_PACE"  # a member behind on study hours, one per member


@dataclass(frozen=True)
class ItemResult:
    item: Item
    status: str
    value: Decimal | None
    threshold: Decimal | None
    # The organisation's records, for the explanation: written out only where it is shown
    # (a subtree's matrix shows none of its 240,000 items' explanations).
    records: OrgYear | None = field(default=None, repr=False, compare=False)

    @property
    def explanation(self) -> str:
        if self.records is None or not self.item.metric:
            return ""
        return explain(self.item.metric, self.records)


def set_items(standard_set: StandardSet) -> list[Item]:
    """The set's items in reading order, each with its dimension (one query)."""
    return list(
        Item.objects.filter(dimension__set=standard_set)
        .select_related("dimension")
        .order_by("dimension__order", "dimension__pk", "order", "pk")
    )


def item_result(item, values, records) -> ItemResult:
    """A measured item's result from an organisation's metric values."""
    value = values.get(item.metric)
    status = rules.item_status(item.metric, value, item.comparator, item.threshold)
    return ItemResult(item, status, value, item.threshold, records)


def compliance_for(orgs, standard_set, year, today=None) -> dict[int, list[ItemResult]]:
    """{organisation id: [ItemResult per item of the set]} for the queryset `orgs`."""
    items = set_items(standard_set)
    codes = {item.metric for item in items if item.metric}
    # An item without a metric reads the same for every organisation: one result each.
    manual = {
        item.pk: ItemResult(item, ItemStatus.MANUAL, None, item.threshold)
        for item in items
        if not item.metric
    }
    results = {}
    for pk, records in collect(orgs, year, today, codes).items():
        values = metric_values(records, codes)
        results[pk] = [manual.get(item.pk) or item_result(item, values, records) for item in items]
    return results


def applicable_sets(category: str):
    """The latest published sets that name the category, newest year first."""
    sets = StandardSet.objects.latest_published().with_items_count().order_by("-year", "code")
    return filter_sets(sets, category=category)


def summary(results: list[ItemResult]) -> dict[str, int]:
    """How many items of each status."""
    counts = dict.fromkeys(ItemStatus.values, 0)
    for result in results:
        counts[result.status] += 1
    return counts


@dataclass(frozen=True)
class Warning:
    code: str
    light: str
    message: str


def warnings_for(org, today=None) -> list[Warning]:
    """What is overdue now (RULES.md frequencies): a committee meeting this month, a
    members' meeting this quarter, and each member's study hours against the pace of the
    yearly 32 hours. Red first."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    quarter_start = today.replace(month=(rules.quarter_of(today) - 1) * 3 + 1, day=1)
    held = set(
        Meeting.objects.held()
        .filter(org=org, date__gte=quarter_start, date__lte=today)
        .values_list("type", "date")
    )
    committee_now = any(
        kind == MeetingType.COMMITTEE_MEETING and day >= month_start for kind, day in held
    )
    general_now = any(kind == MeetingType.GENERAL_MEETING for kind, _ in held)
    found = [
        Warning(
            "COMMITTEE_MEETING_MONTH",
            rules.monthly_light(committee_now, today),
            "本月已召开支委会" if committee_now else "本月尚未召开支委会",
        ),
        Warning(
            "GENERAL_MEETING_QUARTER",
            rules.quarterly_light(general_now, today),
            "本季度已召开党员大会" if general_now else "本季度尚未召开党员大会",
        ),
    ]
    start, until = year_span(today.year, today)
    due = rules.pace_target(STUDY_HOURS_TARGET, today)
    for row in member_hours(org, start, until):
        hours = row["hours"] or Decimal(0)
        light = rules.pace_light(hours, STUDY_HOURS_TARGET, today)
        if light != Light.GREEN:
            found.append(
                Warning(
                    STUDY_HOURS_PACE,
                    light,
                    f"{row['name']}本年学习{hours:g}学时，按进度应达{due:.1f}学时",
                )
            )
    order = [Light.RED, Light.YELLOW, Light.GREEN]
    return sorted(found, key=lambda w: order.index(w.light))
