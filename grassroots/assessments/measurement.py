"""The metric engine: every metric of `grassroots.standards.metrics.METRICS` for a set of
organisations and a year, from the records.

`collect()` reads the records of any number of organisations in a fixed number of aggregate
queries (the database does the counting: a year of a province's attendance is millions of
rows) into one `OrgYear` of plain values per organisation; `metric_values()` and
`explain()` are pure functions of an `OrgYear`. `metric_evidence()` lists, for one
organisation, the meetings and members behind a value.

Definitions (docs/decisions/0011-metric-engine.md): the year is 1 January – 31 December, or
up to `today` for the current year; voided meetings do not count; an organisation's members
are its current members (organisation relation there or in one of its party groups) plus its
current functional members;
hours credited at volunteer meetings are volunteer hours, at any other meeting study hours
(`grassroots.orglife.models.credited_attendance`).
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, Exists, F, OuterRef, Q, Sum, When
from django.db.models.functions import ExtractMonth, ExtractQuarter
from django.utils import timezone

from grassroots.orglife.choices import FactSource, MeetingType
from grassroots.orglife.models import (
    Meeting,
    SecretaryReport,
    YearlyFact,
    credited_attendance,
    crediting_meetings,
)
from grassroots.orgs.choices import Education, OrgKind, PostKind
from grassroots.orgs.models import Member, Membership, Organization, Post
from grassroots.standards.choices import MetricSource
from grassroots.standards.metrics import METRICS, format_number

HUNDRED = Decimal(100)
HIGH_SCHOOL_OR_ABOVE = frozenset(
    {
        Education.POSTGRADUATE,
        Education.UNIVERSITY,
        Education.COLLEGE,
        Education.SECONDARY,
        Education.HIGH_SCHOOL,
    }
)
YOUNG_CADRE_AGE = 50
ID_LIST_LIMIT = 2000

# Metrics that count meetings of one type, and those that count the months or quarters of
# the year with at least one.
COUNTED = {
    "general_meetings": MeetingType.GENERAL_MEETING,
    "committee_meetings": MeetingType.COMMITTEE_MEETING,
    "group_meetings": MeetingType.GROUP_MEETING,
    "party_lectures": MeetingType.PARTY_LECTURE,
    "theme_days": MeetingType.THEME_DAY,
    "life_meetings": MeetingType.LIFE_MEETING,
    "democratic_reviews": MeetingType.DEMOCRATIC_REVIEW,
    "collective_studies": MeetingType.STUDY,
}
MONTHS = {
    "committee_meeting_months": MeetingType.COMMITTEE_MEETING,
    "theme_day_months": MeetingType.THEME_DAY,
    "collective_study_months": MeetingType.STUDY,
}
QUARTERS = {"general_meeting_quarters": MeetingType.GENERAL_MEETING}


@dataclass(frozen=True)
class TypeCount:
    meetings: int = 0
    months: int = 0  # distinct months with at least one
    quarters: int = 0


@dataclass(frozen=True)
class Turnout:
    """Attendance rows of the year's meetings (present and absent: the expected)."""

    present: int = 0
    expected: int = 0
    review_present: int = 0  # at democratic reviews
    review_expected: int = 0
    study_hours: Decimal = Decimal(0)  # credited to those present, volunteer service aside
    volunteer_hours: Decimal = Decimal(0)  # credited to those present at volunteer service


@dataclass(frozen=True)
class CommitteeMember:
    member_id: int
    post: str
    birth_date: datetime.date | None
    education: str


@dataclass
class OrgYear:
    """What the records say about one organisation in one year, as plain values."""

    org_id: int
    year: int
    until: datetime.date  # the last day counted
    members: int = 0
    functional_members: int = 0
    lost_contact_members: int = 0
    meetings: dict[str, TypeCount] = field(default_factory=dict)
    turnout: Turnout = Turnout()
    lecturers: list[int | None] = field(default_factory=list)  # one per 党课; None: outsider
    committee: list[CommitteeMember] = field(default_factory=list)
    superiors: frozenset[int] = frozenset()  # committee members of the levels above
    mobile_sessions: list[int] | None = None  # per mobile member, meetings attended
    secretary_reports: int = 0
    facts: dict[str, Decimal] = field(default_factory=dict)
    surveyed: set[str] = field(default_factory=set)  # facts taken from a survey

    @property
    def committee_ids(self):
        return {c.member_id for c in self.committee}

    @property
    def secretary_id(self):
        return next((c.member_id for c in self.committee if c.post == PostKind.SECRETARY), None)


def _share(part, whole):
    return None if not whole else Decimal(part) * HUNDRED / whole


def _per_member(total, members):
    return None if not members else Decimal(total) / members


def credited_hours(records: OrgYear, volunteer=False) -> Decimal:
    """Hours credited to those present: at volunteer meetings, or at every other meeting."""
    turnout = records.turnout
    return turnout.volunteer_hours if volunteer else turnout.study_hours


def _type_count(kind, what):
    """The metric reading `what` (meetings, months or quarters) of meetings of `kind`."""
    return lambda r: Decimal(getattr(r.meetings.get(kind, TypeCount()), what))


def _fact(code):
    return lambda r: r.facts.get(code)


def _fewest_lectures(r):
    committee = r.committee_ids
    return Decimal(min(r.lecturers.count(m) for m in committee)) if committee else None


def _committee_member_lectures(r):
    committee = r.committee_ids
    return Decimal(sum(1 for x in r.lecturers if x in committee))


def _secretary_lectures(r):
    secretary = r.secretary_id
    return Decimal(sum(1 for x in r.lecturers if x is not None and x == secretary))


def _superior_leader_lectures(r):
    committee = r.committee_ids
    return Decimal(sum(1 for x in r.lecturers if x in r.superiors and x not in committee))


def _review_participation(r):
    return _share(r.turnout.review_present, r.turnout.review_expected)


def _attendance_rate(r):
    return _share(r.turnout.present, r.turnout.expected)


def _cadres_under_50(r):
    # The age reached in the year (born after year − 50), not the age on `until`: a count
    # that changes on someone's birthday would tell a reader the day, which the masked ID
    # number hides (orgs/personal_data.py).
    return Decimal(
        sum(1 for c in r.committee if c.birth_date and r.year - c.birth_date.year < YOUNG_CADRE_AGE)
    )


# One function of an OrgYear per metric of METRICS: a standard set's compliance computes
# only the metrics its items measure.
COMPUTE = {
    **{code: _type_count(kind, "meetings") for code, kind in COUNTED.items()},
    **{code: _type_count(kind, "months") for code, kind in MONTHS.items()},
    **{code: _type_count(kind, "quarters") for code, kind in QUARTERS.items()},
    "committee_member_lectures": _committee_member_lectures,
    "secretary_lectures": _secretary_lectures,
    "superior_leader_lectures": _superior_leader_lectures,
    "lectures_per_committee_member": _fewest_lectures,
    "study_hours_per_member": lambda r: _per_member(credited_hours(r), r.members),
    "volunteer_hours_per_member": lambda r: _per_member(credited_hours(r, True), r.members),
    "democratic_review_participation": _review_participation,
    "attendance_rate": _attendance_rate,
    "mobile_member_min_sessions": lambda r: (
        Decimal(min(r.mobile_sessions)) if r.mobile_sessions else None
    ),
    "secretary_reports": lambda r: Decimal(r.secretary_reports),
    "members_total": lambda r: Decimal(r.members),
    "functional_members": lambda r: Decimal(r.functional_members),
    "lost_contact_members": lambda r: Decimal(r.lost_contact_members),
    "committee_size": lambda r: Decimal(len(r.committee_ids)),
    "cadres_under_50": _cadres_under_50,
    "committee_high_school_share": lambda r: _share(
        sum(1 for c in r.committee if c.education in HIGH_SCHOOL_OR_ABOVE), len(r.committee)
    ),
    **{code: _fact(code) for code, m in METRICS.items() if m.source == MetricSource.FACT},
}


def metric_values(records: OrgYear, codes=None) -> dict[str, Decimal | None]:
    """The metrics `codes` (default: every metric of METRICS) for one organisation-year;
    None where the records cannot give a value (a fact not entered, a rate without anyone
    to count)."""
    return {code: COMPUTE[code](records) for code in (COMPUTE if codes is None else codes)}


def explain(code: str, records: OrgYear) -> str:
    """One line in Chinese saying where a value comes from."""
    if code in COUNTED:
        return f"全年{MeetingType(COUNTED[code]).label}{_count_of(records, COUNTED[code])}次"
    if code in MONTHS:
        kind = records.meetings.get(MONTHS[code], TypeCount())
        return f"{kind.months}个月开展{MeetingType(MONTHS[code]).label}，共{kind.meetings}次"
    if code in QUARTERS:
        kind = records.meetings.get(QUARTERS[code], TypeCount())
        return f"{kind.quarters}个季度召开{MeetingType(QUARTERS[code]).label}，共{kind.meetings}次"
    if code in ("study_hours_per_member", "volunteer_hours_per_member"):
        volunteer = code == "volunteer_hours_per_member"
        hours = credited_hours(records, volunteer)
        what = "志愿服务" if volunteer else "学习"
        return f"党员{records.members}名，出席{what}共{format_number(hours)}小时"
    if code in ("democratic_review_participation", "attendance_rate"):
        t = records.turnout
        if code == "democratic_review_participation":
            return f"应到{t.review_expected}人次，实到{t.review_present}人次"
        return f"应到{t.expected}人次，实到{t.present}人次"
    if code in ("committee_member_lectures", "secretary_lectures", "superior_leader_lectures"):
        return f"全年党课{len(records.lecturers)}次"
    if code in ("committee_size", "cadres_under_50", "committee_high_school_share"):
        return f"现任班子成员{len(records.committee_ids)}名"
    metric = METRICS.get(code)
    if metric and metric.source == MetricSource.FACT:
        if code in records.surveyed:
            return "群众满意度测评结果"
        return "本组织填报的年度数据" if code in records.facts else "尚未填报"
    return ""


def _count_of(records, kind):
    return records.meetings.get(kind, TypeCount()).meetings


# --- reading the records ---------------------------------------------------------------------


def year_span(year: int, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The days counted: the whole year, or up to today for the current year."""
    return datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)


@dataclass(frozen=True)
class Reading:
    """What one reading of the records covers: the organisations and the days counted."""

    org_ids: object  # organisation ids: a list or a subquery
    org_rows: list  # (id, path, member_count)
    year: int
    start: datetime.date
    until: datetime.date

    def meetings(self):
        return Meeting.objects.held().filter(
            org__in=self.org_ids, date__gte=self.start, date__lte=self.until
        )


def _read_meetings(records, reading):
    """Meetings per organisation and type, with their attendance counters summed (each
    meeting counts its rows, `Meeting.present_count`): the turnout and hours of a year are
    read from the meetings, not from their millions of attendance rows."""
    credited = DecimalField(max_digits=14, decimal_places=1)
    hours = F("hours") * F("present_count")  # credited to each one present
    rows = (
        reading.meetings()
        .order_by()
        .values("org_id", "type")
        .annotate(
            n=Count("pk"),
            months=Count(ExtractMonth("date"), distinct=True),
            quarters=Count(ExtractQuarter("date"), distinct=True),
            n_present=Sum("present_count"),
            n_expected=Sum("expected_count"),
            n_study_hours=Sum(hours, filter=crediting_meetings(), output_field=credited),
            n_volunteer_hours=Sum(
                hours, filter=crediting_meetings(volunteer=True), output_field=credited
            ),
        )
    )
    turnouts = defaultdict(Counter)
    for row in rows:
        kind = row["type"]
        records[row["org_id"]].meetings[kind] = TypeCount(row["n"], row["months"], row["quarters"])
        review = kind == MeetingType.DEMOCRATIC_REVIEW
        turnouts[row["org_id"]].update(
            present=row["n_present"],
            expected=row["n_expected"],
            review_present=row["n_present"] if review else 0,
            review_expected=row["n_expected"] if review else 0,
            study_hours=row["n_study_hours"] or Decimal(0),
            volunteer_hours=row["n_volunteer_hours"] or Decimal(0),
        )
    for org_id, turnout in turnouts.items():
        records[org_id].turnout = Turnout(**turnout)


def _read_lectures(records, reading):
    lectures = reading.meetings().filter(type=MeetingType.PARTY_LECTURE).order_by("date", "pk")
    for org_id, lecturer_id in lectures.values_list("org_id", "lecturer_id"):
        records[org_id].lecturers.append(lecturer_id)


def _read_committees(records, reading):
    """Current committees of the organisations and of every organisation above them (their
    members give lectures as leaders of the level above)."""
    org_rows = reading.org_rows
    ancestors = {int(pk) for _, path, _ in org_rows for pk in path.strip("/").split("/")}
    by_org = defaultdict(list)
    posts = Post.objects.current().filter(term__org__in=ancestors | set(records))
    for org_id, member_id, post, birth, education in posts.values_list(
        "term__org_id", "member_id", "post", "member__birth_date", "member__education"
    ):
        by_org[org_id].append(CommitteeMember(member_id, post, birth, education))
    for pk, path, _ in org_rows:
        records[pk].committee = by_org.get(pk, [])
        above = [int(x) for x in path.strip("/").split("/")[:-1]]
        records[pk].superiors = frozenset(c.member_id for org in above for c in by_org.get(org, []))


def _read_functional(records, reading):
    functional = Membership.objects.filter(org__in=reading.org_ids, ended_on__isnull=True)
    for org_id, n in functional.order_by().values_list("org_id").annotate(n=Count("pk")):
        records[org_id].functional_members = n
        records[org_id].members += n


def _read_group_members(records, reading):
    """A branch's party groups hold the relation of many of its members, who attend its
    meetings (`eligible_members`): they are members of the branch for the per-member
    metrics, as its own members are."""
    groups = Organization.objects.active().filter(parent__in=reading.org_ids, kind=OrgKind.GROUP)
    for parent_id, n in groups.order_by().values_list("parent_id").annotate(n=Sum("member_count")):
        records[parent_id].members += n or 0


def _read_lost_contact(records, reading):
    current = Member.objects.current().filter(org__in=reading.org_ids, is_lost_contact=True)
    for org_id, n in current.order_by().values_list("org_id").annotate(n=Count("pk")):
        records[org_id].lost_contact_members = n


def _read_mobile(records, reading):
    mobile = (
        Member.objects.current()
        .filter(org__in=reading.org_ids, is_mobile=True)
        .annotate(
            sessions=Count(
                "attendances",
                filter=Q(
                    attendances__present=True,
                    attendances__meeting__cancelled_at__isnull=True,
                    attendances__meeting__date__gte=reading.start,
                    attendances__meeting__date__lte=reading.until,
                ),
            )
        )
    )
    for org_id, sessions in mobile.order_by().values_list("org_id", "sessions"):
        if records[org_id].mobile_sessions is None:
            records[org_id].mobile_sessions = []
        records[org_id].mobile_sessions.append(sessions)


def _read_reports(records, reading):
    reports = SecretaryReport.objects.filter(org__in=reading.org_ids, year=reading.year)
    for org_id, n in reports.order_by().values_list("org_id").annotate(n=Count("pk")):
        records[org_id].secretary_reports = n


def _read_facts(records, reading):
    """A satisfaction survey's rate replaces the value the organisation reported itself
    (RULES.md "Demonstration campaigns"): self-reported rows are read first, survey rows
    overwrite them."""
    facts = YearlyFact.objects.filter(org__in=reading.org_ids, year=reading.year)
    surveyed_last = Case(When(source=FactSource.SURVEY, then=1), default=0)
    rows = facts.order_by(surveyed_last).values_list("org_id", "code", "value", "source")
    for org_id, code, value, source in rows:
        records[org_id].facts[code] = value
        if source == FactSource.SURVEY:
            records[org_id].surveyed.add(code)


LECTURE_METRICS = frozenset(
    {
        "committee_member_lectures",
        "secretary_lectures",
        "superior_leader_lectures",
        "lectures_per_committee_member",
    }
)
PER_MEMBER_METRICS = frozenset({"study_hours_per_member", "volunteer_hours_per_member"})
# Each reading of the records and the metrics that need it: a standard set's compliance
# reads only what its items measure (a year of attendance is the costly one).
READERS = (
    (
        _read_meetings,
        frozenset(COUNTED)
        | frozenset(MONTHS)
        | frozenset(QUARTERS)
        | PER_MEMBER_METRICS
        | {"democratic_review_participation", "attendance_rate"},
    ),
    (_read_lectures, LECTURE_METRICS),
    (
        _read_committees,
        LECTURE_METRICS | {"committee_size", "cadres_under_50", "committee_high_school_share"},
    ),
    (_read_functional, PER_MEMBER_METRICS | {"members_total", "functional_members"}),
    (_read_group_members, PER_MEMBER_METRICS | {"members_total"}),
    (_read_lost_contact, frozenset({"lost_contact_members"})),
    (_read_mobile, frozenset({"mobile_member_min_sessions"})),
    (_read_reports, frozenset({"secretary_reports"})),
    (_read_facts, frozenset(c for c, m in METRICS.items() if m.source == MetricSource.FACT)),
)


def collect(orgs, year: int, today=None, codes=None) -> dict[int, OrgYear]:
    """An OrgYear per organisation of the queryset `orgs`, in a fixed number of queries;
    with `codes`, only the records those metrics need are read (the others keep their
    empty defaults, so only the values of `codes` are meaningful)."""
    today = today or timezone.localdate()
    start, until = year_span(year, today)
    org_rows = list(orgs.values_list("pk", "path", "member_count"))
    records = {pk: OrgYear(org_id=pk, year=year, until=until, members=n) for pk, _, n in org_rows}
    if not records:
        return records
    # A short list of ids lets the database go straight to their rows; for a large subtree
    # the subquery is cheaper than thousands of parameters (docs/benchmarks.md).
    org_ids = list(records) if len(records) <= ID_LIST_LIMIT else orgs.values("pk")
    reading = Reading(org_ids, org_rows, year, start, until)
    for read, serves in READERS:
        if codes is None or serves & set(codes):
            read(records, reading)
    return records


def compute_metrics(orgs, year, today=None) -> dict[int, dict[str, Decimal | None]]:
    """{organisation id: {metric code: value}} for the queryset `orgs`."""
    return {pk: metric_values(r) for pk, r in collect(orgs, year, today).items()}


def metric_evidence(org: Organization, year: int, code: str, today=None) -> dict:
    """The records behind one organisation's value: the meetings counted, and for per-member
    metrics each member's hours (so a clerk sees who is behind)."""
    start, until = year_span(year, today or timezone.localdate())
    meetings = Meeting.objects.held().filter(org=org, date__gte=start, date__lte=until)
    kinds = {**COUNTED, **MONTHS, **QUARTERS}
    if code in kinds:
        meetings = meetings.filter(type=kinds[code])
    elif code.endswith("lectures") or code == "lectures_per_committee_member":
        meetings = meetings.filter(type=MeetingType.PARTY_LECTURE)
    elif code == "volunteer_hours_per_member":
        meetings = meetings.filter(crediting_meetings(volunteer=True))
    elif code == "study_hours_per_member":
        meetings = meetings.filter(crediting_meetings(), hours__gt=0)
    elif code == "democratic_review_participation":
        meetings = meetings.filter(type=MeetingType.DEMOCRATIC_REVIEW)
    elif code != "attendance_rate":
        meetings = meetings.none()
    evidence = {"meetings": list(meetings.order_by("date", "pk"))}
    if code in METRICS and METRICS[code].source == MetricSource.FACT:
        # Both values where a survey replaced the self-reported one (survey first: it counts).
        facts = YearlyFact.objects.filter(org=org, year=year, code=code)
        evidence["facts"] = sorted(facts, key=lambda f: f.source != FactSource.SURVEY)
    if code in ("study_hours_per_member", "volunteer_hours_per_member"):
        evidence["members"] = member_hours(org, start, until, code == "volunteer_hours_per_member")
    return evidence


def member_hours(org, start, until, volunteer=False):
    """Each member of the organisation (relation or functional) with the hours credited to
    them in the period, fewest first."""
    credited = credited_attendance(volunteer, via="attendances__") & Q(
        attendances__meeting__org=org,
        attendances__meeting__date__gte=start,
        attendances__meeting__date__lte=until,
    )
    functional = Membership.objects.filter(member=OuterRef("pk"), org=org, ended_on__isnull=True)
    members = Member.objects.current().filter(Q(org=org) | Exists(functional))
    return list(
        members.annotate(hours=Sum("attendances__meeting__hours", filter=credited))
        .order_by("hours", "name", "pk")
        .values("pk", "name", "hours")
    )
