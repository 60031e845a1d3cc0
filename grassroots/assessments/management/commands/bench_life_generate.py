"""Benchmark data for compliance: the registry of `bench_generate` (10,000
organisations, 200,000 members), then each branch's committee and a year of organisational
life written with PostgreSQL COPY: about 400,000 meetings and 6,000,000 attendance rows, some
secretaries' reports and yearly facts. Seeded: every run writes the same rows. No history rows
(docs/benchmarks-compliance.md)."""

import datetime
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from grassroots.orglife.choices import ABSENCE_REASONS, FactKind, MeetingType, ReportRating
from grassroots.orglife.demo import OUTSIDE_LECTURERS, PLACES, TOPICS
from grassroots.orglife.models import Attendance, Meeting, SecretaryReport, YearlyFact
from grassroots.orgs.choices import Category, OrgKind, PostKind
from grassroots.orgs.management.commands.bench_generate import BENCH_USER
from grassroots.orgs.management.commands.bench_generate import Command as RegistryCommand
from grassroots.orgs.models import Member, Membership, Organization, Post, Term

SEED = 2026
T = MeetingType
MONTHLY = (T.COMMITTEE_MEETING, T.THEME_DAY, T.STUDY)
QUARTERLY = (T.GENERAL_MEETING, T.PARTY_LECTURE)
YEARLY = (T.LIFE_MEETING, T.DEMOCRATIC_REVIEW)  # in November or December
# Hours credited per meeting (volunteer hours at volunteer service, study hours otherwise).
HOURS = {
    T.COMMITTEE_MEETING: Decimal(0),
    T.GROUP_MEETING: Decimal(1),
    T.THEME_DAY: Decimal("1.5"),
    T.STUDY: Decimal(2),
    T.GENERAL_MEETING: Decimal(1),
    T.PARTY_LECTURE: Decimal("1.5"),
    T.LIFE_MEETING: Decimal(2),
    T.DEMOCRATIC_REVIEW: Decimal(1),
    T.VOLUNTEER: Decimal(3),
}
GROUP_SIZE = 8  # members per party group
COMMITTEE_FROM = 7  # members from which a branch elects a committee (below: a secretary only)
COMMITTEE_POSTS = {  # committee size -> posts, secretary first
    3: (PostKind.SECRETARY, PostKind.ORGANIZATION, PostKind.PUBLICITY),
    4: (PostKind.SECRETARY, PostKind.ORGANIZATION, PostKind.PUBLICITY, PostKind.DISCIPLINE),
    5: (
        PostKind.SECRETARY,
        PostKind.DEPUTY_SECRETARY,
        PostKind.ORGANIZATION,
        PostKind.PUBLICITY,
        PostKind.DISCIPLINE,
    ),
}
NO_COMMITTEE = 0.02  # branches whose term ended without a new election (换届逾期)
PREVIOUS_TERM = 0.2  # branches that also have the ended term before the current one
VOIDED = 0.004  # meetings entered in error and voided
FACT_VALUES = {  # yearly facts: code -> (categories that enter it, value drawn)
    FactKind.COLLECTIVE_INCOME: (
        {Category.VILLAGE},
        lambda rng: Decimal(round(rng.lognormvariate(12.2, 0.6), -2)),
    ),
    FactKind.SATISFACTION_RATE: (None, lambda rng: Decimal(rng.randint(850, 1000)) / 10),
    FactKind.REQUEST_RESOLUTION_RATE: (None, lambda rng: Decimal(rng.randint(850, 1000)) / 10),
    FactKind.CULTURAL_ACTIVITIES: (None, lambda rng: Decimal(rng.randint(0, 8))),
    FactKind.RESERVE_CADRES: ({Category.VILLAGE}, lambda rng: Decimal(rng.randint(0, 5))),
    FactKind.VENUE_AREA: (None, lambda rng: Decimal(rng.randint(60, 600))),
    FactKind.VOLUNTEER_ACTIVITIES: (None, lambda rng: Decimal(rng.randint(0, 12))),
}


@dataclass(frozen=True)
class Habit:
    """How a branch keeps its organisational life."""

    weight: int  # branches in a hundred
    stay: float  # chance that a month with meetings is followed by another
    resume: float  # chance that a month without meetings is followed by one with
    monthly: float  # chance of each monthly meeting in a month with meetings
    group: float  # chance that a party group meets in a month with meetings
    periodic: float  # chance of each quarterly and yearly meeting
    volunteer: tuple[int, ...]  # months of volunteer service
    presence: float  # mean chance that a member attends
    unrecorded: float  # meetings entered without attendance (quick entry)
    lecturer_outside: float  # party lectures by someone from outside the branch
    report: float  # chance of a secretary's report
    facts: float  # chance of entering each yearly fact


HABITS = {
    "diligent": Habit(45, 0.97, 0.8, 0.95, 0.9, 0.97, (3, 6, 9, 12), 0.9, 0, 0.15, 0.95, 0.85),
    "lagging": Habit(40, 0.8, 0.5, 0.8, 0.6, 0.75, (3, 9), 0.78, 0.05, 0.3, 0.7, 0.5),
    "sparse": Habit(15, 0.5, 0.3, 0.6, 0.3, 0.45, (3,), 0.65, 0.15, 0.5, 0.3, 0.1),
}


@dataclass
class Branch:
    pk: int
    category: str
    habit: Habit
    members: list[int]  # current members whose organisation relation is here
    functional: list[int]  # current functional members
    committee: list[tuple[int, str]]  # current (member id, post), secretary first
    groups: list[list[int]]
    presence: dict[int, float]  # member id -> chance of attending
    theme_day: int  # the day of the month the branch holds its theme day

    @property
    def everyone(self):
        return self.members + self.functional

    @property
    def secretary(self):
        return next((pk for pk, post in self.committee if post == PostKind.SECRETARY), None)


@dataclass
class Planned:
    type: str
    date: datetime.date
    attendees: list[int]
    lecturer: int | None = None
    attendance: list[tuple[int, bool, str]] = field(default_factory=list)
    voided: bool = False


class Command(BaseCommand):
    help = (
        "Generate the compliance benchmark data on PostgreSQL: bench_generate's organisations "
        "and members, branch committees and a year of meetings, attendance, secretaries' "
        "reports and yearly facts (COPY; seeded)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=10_000)
        parser.add_argument("--members", type=int, default=200_000)
        parser.add_argument("--year", type=int, default=2026)

    def handle(self, *args, orgs, members, year, **options):
        if connection.vendor != "postgresql":
            raise CommandError("基准数据只能生成在 PostgreSQL 上，请设置 DATABASE_URL")
        started = time.monotonic()
        call_command(
            "bench_generate", orgs=orgs, members=members, no_terms=True, stdout=self.stdout
        )
        self.log("registry (bench_generate)", started)
        self.year = year
        self.rng = random.Random(SEED)
        self.writer = RegistryCommand()  # its COPY helper
        self.writer.now = timezone.now()
        started = time.monotonic()
        with transaction.atomic():
            self.branches = self.read_branches()
            self.write_committees()
            self.log(f"committees of {len(self.branches):,} branches", started)
            counts = Counter()
            self.writer.copy_rows(Meeting, self.meeting_rows(counts))
            self.log(f"{counts['meetings']:,} meetings", started)
            self.writer.copy_rows(Attendance, self.attendance_rows(counts))
            self.log(f"{counts['attendance']:,} attendance rows", started)
            self.write_reports_and_facts()
            self.log("secretaries' reports and yearly facts", started)
            self.reset_sequences()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        self.log("vacuum analyze", started)

    def log(self, what, started):
        self.stdout.write(f"  {what}: {time.monotonic() - started:.0f} s")
        self.stdout.flush()

    # --- who is where ----------------------------------------------------------------------

    def read_branches(self):
        """Branches with their members, drawn habits, committees and party groups."""
        by_org = {}
        for org_id, pk in Member.objects.current().order_by("pk").values_list("org_id", "pk"):
            by_org.setdefault(org_id, []).append(pk)
        functional = {}
        for org_id, pk in (
            Membership.objects.filter(ended_on__isnull=True)
            .order_by("pk")
            .values_list("org_id", "member_id")
        ):
            functional.setdefault(org_id, []).append(pk)
        unreachable = set(Member.objects.filter(is_lost_contact=True).values_list("pk", flat=True))
        self.mobile = set(Member.objects.filter(is_mobile=True).values_list("pk", flat=True))
        rng = self.rng
        names = list(HABITS)
        branches = []
        for pk, category in (
            Organization.objects.filter(kind=OrgKind.BRANCH)
            .order_by("pk")
            .values_list("pk", "category")
        ):
            members = by_org.get(pk, [])
            habit = HABITS[rng.choices(names, [HABITS[n].weight for n in names])[0]]
            presence = {}
            for member in members + functional.get(pk, []):
                chance = min(1.0, max(0.3, rng.gauss(habit.presence, 0.08)))
                presence[member] = (
                    0.0 if member in unreachable else 0.15 if member in self.mobile else chance
                )
            groups = max(1, round(len(members) / GROUP_SIZE))
            branches.append(
                Branch(
                    pk=pk,
                    category=category,
                    habit=habit,
                    members=members,
                    functional=functional.get(pk, []),
                    committee=self.committee(rng, members, unreachable),
                    groups=[members[i::groups] for i in range(groups)],
                    presence=presence,
                    theme_day=rng.randint(1, 28),
                )
            )
        return branches

    @staticmethod
    def committee(rng, members, unreachable):
        candidates = [pk for pk in members if pk not in unreachable]
        if not candidates or rng.random() < NO_COMMITTEE:
            return []
        size = rng.choice((3, 3, 4, 5)) if len(members) >= COMMITTEE_FROM else 1
        size = min(size, len(candidates))
        chosen = rng.sample(candidates, size)
        # Fewer than three: the first posts of a three-member committee (a secretary only).
        return list(zip(chosen, COMMITTEE_POSTS[max(size, 3)], strict=False))

    def write_committees(self):
        terms, posts = [], []
        for branch in self.branches:
            number = 1
            if self.rng.random() < PREVIOUS_TERM or not branch.committee:
                # The ended term before; its posts were never closed one by one (the term's
                # end closes them), so only the term's `ended_on` says they are not current.
                started = datetime.date(self.year - 6, self.rng.randint(1, 12), 1)
                ended = datetime.date(self.year - 3, started.month, 1)
                terms.append((len(terms) + 1, branch.pk, 1, started, ended))
                former = branch.committee or [(pk, PostKind.SECRETARY) for pk in branch.members[:1]]
                for member, post in former:
                    posts.append((terms[-1][0], member, post, started, None))
                number = 2
            if branch.committee:
                started = datetime.date(
                    self.year - self.rng.randint(0, 2), self.rng.randint(1, 12), 1
                )
                terms.append((len(terms) + 1, branch.pk, number, started, None))
                for member, post in branch.committee:
                    posts.append((terms[-1][0], member, post, started, None))
                if self.rng.random() < 0.05:  # a committee member replaced during the term
                    leaver = self.rng.choice(branch.members)
                    left = started + datetime.timedelta(days=self.rng.randint(30, 300))
                    posts.append((terms[-1][0], leaver, PostKind.MEMBER, started, left))
        self.writer.copy_rows(
            Term,
            (
                {
                    "id": pk,
                    "org_id": org,
                    "number": number,
                    "started_on": started,
                    "planned_end_on": started.replace(year=started.year + 3),
                    "ended_on": ended,
                }
                for pk, org, number, started, ended in terms
            ),
        )
        self.writer.copy_rows(
            Post,
            (
                {
                    "id": pk,
                    "term_id": term,
                    "member_id": member,
                    "post": post,
                    "started_on": started,
                    "ended_on": ended,
                }
                for pk, (term, member, post, started, ended) in enumerate(posts, start=1)
            ),
        )

    # --- a year of meetings ----------------------------------------------------------------

    def year_of_meetings(self):
        """(meeting id, branch, Planned) for every meeting, the same on every call: each
        branch draws from its own seeded generator, so meetings and their attendance can be
        written in two passes (two COPY streams) without holding the year in memory."""
        pk = 0
        for branch in self.branches:
            for planned in self.plan(branch):
                pk += 1
                yield pk, branch, planned

    def plan(self, branch):
        rng = random.Random(f"{SEED}:{branch.pk}")
        habit, year = branch.habit, self.year
        if not branch.everyone:
            return []
        active, month_on = [], rng.random() < habit.resume
        for _ in range(12):  # months with meetings come in runs, and so do the gaps
            active.append(month_on)
            month_on = rng.random() < (habit.stay if month_on else habit.resume)
        committee = [pk for pk, _ in branch.committee]
        meetings = []

        def day(month, fixed=None):
            return datetime.date(year, month, fixed or rng.randint(1, 28))

        for month in range(1, 13):
            if not active[month - 1]:
                continue
            for kind in MONTHLY:
                attendees = committee if kind == T.COMMITTEE_MEETING else branch.everyone
                if len(attendees) >= 3 and rng.random() < habit.monthly:
                    fixed = branch.theme_day if kind == T.THEME_DAY else None
                    meetings.append(Planned(kind, day(month, fixed), attendees))
            for group in branch.groups:
                if group and rng.random() < habit.group:
                    meetings.append(Planned(T.GROUP_MEETING, day(month), group))
        for quarter in range(4):
            months = [m for m in range(quarter * 3 + 1, quarter * 3 + 4) if active[m - 1]]
            for kind in QUARTERLY:
                if months and rng.random() < habit.periodic:
                    meetings.append(Planned(kind, day(rng.choice(months)), branch.everyone))
        for kind in YEARLY:
            if rng.random() < habit.periodic:
                meetings.append(Planned(kind, day(rng.choice((11, 12))), branch.everyone))
        for month in habit.volunteer:  # those signed up for it, not every member
            volunteers = sorted(rng.sample(branch.everyone, -(-len(branch.everyone) * 2 // 5)))
            meetings.append(Planned(T.VOLUNTEER, day(month), volunteers))

        meetings.sort(key=lambda m: m.date)
        lectures = 0
        for meeting in meetings:
            meeting.voided = rng.random() < VOIDED
            if meeting.type == T.PARTY_LECTURE and rng.random() >= habit.lecturer_outside:
                # Committee members take turns, the secretary first.
                meeting.lecturer = committee[lectures % len(committee)] if committee else None
                lectures += 1
            if rng.random() < habit.unrecorded:
                continue
            for member in meeting.attendees:
                if rng.random() < branch.presence[member]:
                    meeting.attendance.append((member, True, ""))
                else:
                    reason = "流动在外" if member in self.mobile else rng.choice(ABSENCE_REASONS)
                    meeting.attendance.append((member, False, reason))
        return meetings

    def meeting_rows(self, counts):
        voided_at = timezone.make_aware(datetime.datetime(self.year, 12, 31, 12))
        for pk, branch, planned in self.year_of_meetings():
            counts["meetings"] += 1
            present = sum(1 for _, here, _ in planned.attendance if here)
            outside = planned.type == T.PARTY_LECTURE and planned.lecturer is None
            topics = TOPICS[planned.type]
            yield {
                "id": pk,
                "org_id": branch.pk,
                "type": planned.type,
                "date": planned.date,
                "topic": topics[pk % len(topics)],
                "place": PLACES.get(branch.category, "党员活动室"),
                "host_id": branch.secretary,
                "lecturer_id": planned.lecturer,
                "lecturer_name": OUTSIDE_LECTURERS[pk % len(OUTSIDE_LECTURERS)] if outside else "",
                "hours": HOURS[planned.type],
                "minutes": (
                    f"应到{len(planned.attendance)}人，实到{present}人。会议围绕主题开展学习讨论，"
                    "与会党员逐一发言，会议形成一致意见。"
                    if planned.attendance
                    else ""
                ),
                "cancelled_at": voided_at if planned.voided else None,
                "cancel_reason": "重复录入" if planned.voided else "",
                # What `recount_attendance` would set from the rows the second pass writes.
                "present_count": present,
                "expected_count": len(planned.attendance),
            }

    def attendance_rows(self, counts):
        pk = 0
        for meeting, _, planned in self.year_of_meetings():
            for member, present, reason in planned.attendance:
                pk += 1
                yield {
                    "id": pk,
                    "meeting_id": meeting,
                    "member_id": member,
                    "present": present,
                    "absence_reason": reason,
                }
        counts["attendance"] = pk

    # --- reports and facts -----------------------------------------------------------------

    def write_reports_and_facts(self):
        reviewer = get_user_model().objects.get(username=BENCH_USER)
        evaluated_at = timezone.make_aware(datetime.datetime(self.year + 1, 1, 20, 10))
        reports, facts = [], []
        for branch in self.branches:
            habit, rng = branch.habit, self.rng
            if branch.secretary and rng.random() < habit.report:
                evaluated = rng.random() < 0.6
                reports.append(
                    {
                        "id": len(reports) + 1,
                        "org_id": branch.pk,
                        "year": self.year,
                        "secretary_id": branch.secretary,
                        "text": f"{self.year}年度抓基层党建工作述职报告：履行第一责任人职责，"
                        "落实“三会一课”制度，存在的不足和下一步打算。",
                        "submitted_on": datetime.date(self.year, 12, rng.randint(15, 31)),
                        "rating": rng.choice(ReportRating.values) if evaluated else "",
                        "comment": "述职内容全面，措施具体。" if evaluated else "",
                        "evaluated_by_id": reviewer.pk if evaluated else None,
                        "evaluated_at": evaluated_at if evaluated else None,
                    }
                )
            for code, (categories, draw) in FACT_VALUES.items():
                if (categories is None or branch.category in categories) and (
                    rng.random() < habit.facts
                ):
                    facts.append(
                        {
                            "id": len(facts) + 1,
                            "org_id": branch.pk,
                            "year": self.year,
                            "code": code,
                            "value": draw(rng),
                        }
                    )
        self.writer.copy_rows(SecretaryReport, reports)
        self.writer.copy_rows(YearlyFact, facts)

    def reset_sequences(self):
        with connection.cursor() as cursor:
            for model in (Term, Post, Meeting, Attendance, SecretaryReport, YearlyFact):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {table}), 1))"
                )
