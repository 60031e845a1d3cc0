"""Compliance: how organisations stand against a standard set, item by item, and the
red/yellow/green warnings of what is overdue now.

`compliance_for` serves one organisation and the subtree matrix alike, in the metric
engine's fixed number of queries plus one for the set's items.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from grassroots.orglife.choices import MeetingType
from grassroots.orglife.models import Attendance, Meeting
from grassroots.orglife.rules import meeting_types_held
from grassroots.orgs.choices import Category
from grassroots.orgs.models import Post
from grassroots.orgs.rules import COMMITTEE_MIN_SIZE, FORMED_KINDS
from grassroots.standards.models import Item, StandardSet, applicable_sets

from . import rules
from .choices import ItemStatus, Light
from .measurement import (
    MONTHS,
    QUARTERS,
    OrgYear,
    collect,
    explain,
    member_hours,
    metric_values,
    year_span,
)

STUDY_HOURS_TARGET = Decimal(32)  # RULES.md: ≥ 32 hours per member per year
STUDY_HOURS_PACE = "STUDY_HOURS_PACE"  # a member behind on study hours, one per member
# Metrics that count the months or quarters of the year with a meeting, and how many the
# year has: judged on pace while the year runs.
PERIODS_IN_YEAR = {**dict.fromkeys(MONTHS, 12), **dict.fromkeys(QUARTERS, 4)}
PACE_LABELS = {ItemStatus.MET: "按进度达标", ItemStatus.NOT_MET: "进度落后"}


@dataclass(frozen=True)
class ItemResult:
    item: Item
    status: str
    value: Decimal | None
    threshold: Decimal | None
    # The organisation's records, for the explanation: written out only where it is shown
    # (a subtree's matrix shows none of its 240,000 items' explanations).
    records: OrgYear | None = field(default=None, repr=False, compare=False)
    # In a year still running, what a count of months or quarters asks for so far
    # (`rules.paced_threshold`); None when judged against the whole threshold.
    due: Decimal | None = None

    @property
    def paced(self) -> bool:
        return self.due is not None

    @property
    def label(self) -> str:
        """The status in words: "按进度达标" / "进度落后" for an item judged on pace."""
        if self.paced and self.status in PACE_LABELS:
            return PACE_LABELS[self.status]
        return ItemStatus(self.status).label

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


def item_result(item, values, until, records=None) -> ItemResult:
    """A measured item's result from an organisation's metric values, `until` being the last
    day counted; an item counting months or quarters is judged on pace while the year
    runs."""
    value = values.get(item.metric)
    due = None
    if item.metric in PERIODS_IN_YEAR:
        periods = PERIODS_IN_YEAR[item.metric]
        due = rules.paced_threshold(item.threshold, item.comparator, periods, until)
    judged = item.threshold if due is None else due
    status = rules.item_status(item.metric, value, item.comparator, judged)
    return ItemResult(item, status, value, item.threshold, records, due)


def measured_codes(items) -> set[str]:
    return {item.metric for item in items if item.metric}


def manual_results(items) -> dict[int, ItemResult]:
    """An item without a metric reads the same for every organisation: one result each."""
    return {
        item.pk: ItemResult(item, ItemStatus.MANUAL, None, item.threshold)
        for item in items
        if not item.metric
    }


def judge(items, manual, values, until, records=None) -> list[ItemResult]:
    """Every item's result from an organisation's metric values (`manual`: the shared
    results of the items without a metric)."""
    return [manual.get(item.pk) or item_result(item, values, until, records) for item in items]


def compliance_for(orgs, standard_set, year, today=None) -> dict[int, list[ItemResult]]:
    """{organisation id: [ItemResult per item of the set]} for the queryset `orgs`, computed
    from the records (a subtree's matrix reads stored values instead: `stored.py`)."""
    items = set_items(standard_set)
    codes = measured_codes(items)
    manual = manual_results(items)
    return {
        pk: judge(items, manual, metric_values(records, codes), records.until, records)
        for pk, records in collect(orgs, year, today, codes).items()
    }


def measured_ids(sets):
    """The ids of those of `sets` with at least one item that has a metric."""
    return set(
        Item.objects.filter(dimension__set__in=[s.pk for s in sets], metric__isnull=False)
        .exclude(metric="")
        .values_list("dimension__set", flat=True)
        .distinct()
    )


def first_measured(sets):
    """The first of `sets` that measures something, else the first: a set whose items all
    need evidence shows nothing of the organisation's records."""
    measured = measured_ids(sets)
    return next((s for s in sets if s.pk in measured), sets[0])


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
    members' meeting this quarter, a 科技社团 organisation's half-yearly committee meeting,
    and each member's study hours against the pace of the yearly 32 hours. Red first."""
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
    found.extend(society_committee_warnings(org, today))
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


MONTH, QUARTER = "本月", "本季度"


@dataclass(frozen=True)
class Due:
    """A meeting the organisation owes in the current month or quarter."""

    type: str
    period: str  # MONTH or QUARTER
    held: int  # meetings of the type held in the period so far

    @property
    def label(self):
        return MeetingType(self.type).label

    @property
    def done(self):
        return self.held > 0


def month_todo(org, today=None) -> list[Due]:
    """This month's meetings due (本月待办), done or not: the types the organisation's
    standards count by month or by quarter (`MONTHS`, `QUARTERS`), and RULES.md's defaults
    (支部工作条例 Art. 11–13: the committee meeting monthly where there is a committee, the
    members' meeting quarterly, the party group's meeting monthly), among the types the
    organisation holds (`orglife.rules.meeting_types_held`). Four queries."""
    today = today or timezone.localdate()
    held_types = meeting_types_held(org.kind)
    periods = {MeetingType.GENERAL_MEETING: QUARTER, MeetingType.GROUP_MEETING: MONTH}
    committee = Post.objects.held_on(today).filter(term__org=org).count()
    if committee >= COMMITTEE_MIN_SIZE:
        periods[MeetingType.COMMITTEE_MEETING] = MONTH
    sets = [s.pk for s in applicable_sets(org.category)]
    counted = {**dict.fromkeys(MONTHS, MONTH), **dict.fromkeys(QUARTERS, QUARTER)}
    for metric in (
        Item.objects.filter(dimension__set__in=sets, metric__in=counted)
        .values_list("metric", flat=True)
        .distinct()
    ):
        kind = {**MONTHS, **QUARTERS}[metric]
        # A type counted both ways is owed monthly.
        if periods.get(kind) != MONTH:
            periods[kind] = counted[metric]
    month_start = today.replace(day=1)
    quarter_start = today.replace(month=(rules.quarter_of(today) - 1) * 3 + 1, day=1)
    dates = (
        Meeting.objects.held()
        .filter(org=org, date__gte=quarter_start, date__lte=today)
        .values_list("type", "date")
    )
    held = defaultdict(int)
    for kind, day in dates:
        for period, start in ((MONTH, month_start), (QUARTER, quarter_start)):
            if day >= start:
                held[(kind, period)] += 1
    return [
        Due(kind, periods[kind], held[(kind, periods[kind])])
        for kind in held_types
        if kind in periods
    ]


SOCIETY_COMMITTEE_HALF_YEAR = "SOCIETY_COMMITTEE_HALF_YEAR"
SOCIETY_COMMITTEE_MISSED = "SOCIETY_COMMITTEE_MISSED"


def society_committee_warnings(org, today) -> list[Warning]:
    """Seed 004 (学会、协会、研究会): "党组织要定期召开会议，原则上每半年召开一次，…半数以上
    委员到会方可召开": a light for this half-year, and a red warning when the last one passed
    without such a meeting. Only for 科技社团 organisations with a committee (three
    members or more); a meeting counts when at least half of those on the committee that
    day were present (`rules.committee_quorate`). Here rather than in the registry's
    health check: it reads meetings, which the registry (below organisational life) does
    not, and it sits with the other meeting frequencies' lights."""
    if org.category != Category.SCI_TECH_SOCIETY or org.kind not in FORMED_KINDS:
        return []
    this_half = rules.half_year_start(today)
    last_half = rules.half_year_start(this_half - datetime.timedelta(days=1))
    posts = list(
        Post.objects.filter(term__org=org, started_on__lte=today).values_list(
            "member_id", "started_on", "ended_on", "term__ended_on"
        )
    )

    def committee_on(day):
        return {
            member
            for member, started, ended, term_ended in posts
            if started <= day and all(end is None or end > day for end in (ended, term_ended))
        }

    if len(committee_on(today)) < COMMITTEE_MIN_SIZE:
        return []
    present = defaultdict(set)
    for meeting_id, day, member_id in Attendance.objects.filter(
        meeting__in=Meeting.objects.held().filter(
            org=org,
            type=MeetingType.COMMITTEE_MEETING,
            date__gte=last_half,
            date__lte=today,
        ),
        present=True,
    ).values_list("meeting_id", "meeting__date", "member_id"):
        present[(meeting_id, day)].add(member_id)
    quorate_days = [
        day
        for (_, day), members in present.items()
        if rules.committee_quorate(len(members & committee_on(day)), len(committee_on(day)))
    ]
    held_now = any(day >= this_half for day in quorate_days)
    found = [
        Warning(
            SOCIETY_COMMITTEE_HALF_YEAR,
            rules.half_yearly_light(held_now, today),
            "本半年已召开半数以上委员到会的委员会会议"
            if held_now
            else "本半年尚未召开半数以上委员到会的委员会会议（每半年至少一次）",
        )
    ]
    had_committee = len(committee_on(this_half - datetime.timedelta(days=1))) >= COMMITTEE_MIN_SIZE
    if had_committee and not any(day < this_half for day in quorate_days):
        found.append(
            Warning(
                SOCIETY_COMMITTEE_MISSED,
                Light.RED,
                f"{rules.half_year_name(last_half)}未召开半数以上委员到会的委员会会议",
            )
        )
    return found
