"""A year of organisational life over the demo city 青川市 (`manage.py load_demo_city`).

Each organisation that holds meetings gets a habit, drawn with a fixed seed (`HABITS`):
diligent (monthly committee meetings, theme days and collective study, quarterly members'
meetings and party lectures, the yearly organisational-life meeting and democratic review,
volunteer service: well over 32 study hours per member), fair (most months, study hours
around 32), lagging (months missing, few hours), or nothing at all (an organisation
designated 软弱涣散 this year has nothing). Dates run over the twelve months up to today, so
the current year's figures are "so far"; a member attends from the day of joining the Party.
Secretaries' reports for last year (some evaluated by the district's reviewer) and a few
yearly facts complete it. Everything is written with bulk inserts and their history rows.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import DateTimeField, Max
from django.utils import timezone
from simple_history.utils import get_history_model_for_model

from grassroots.core.bulk import copy_rows
from grassroots.orgs import tallies
from grassroots.orgs.choices import Category, OrgKind, OrgStatus, PostKind
from grassroots.orgs.demo import ROOT_NAME
from grassroots.orgs.models import Member, Membership, Organization, Post, WeakDesignation

from .choices import ABSENCE_REASONS, FactKind, MeetingType, ReportRating
from .models import Attendance, Meeting, SecretaryReport, YearlyFact
from .services import may_evaluate

SEED = 20261123
CHANGE_REASON = "导入示范数据"
BATCH = 5000
CLERK = "district_clerk"
REVIEWER = "district_reviewer"

MEETING_KINDS = (
    OrgKind.BRANCH,
    OrgKind.JOINT_BRANCH,
    OrgKind.FUNCTIONAL_BRANCH,
    OrgKind.TEMPORARY,
)
PARENT_KINDS = (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH)

TOPICS = {
    MeetingType.GENERAL_MEETING: (
        "传达学习上级会议精神",
        "讨论发展党员事宜",
        "预备党员转正",
        "半年工作总结和下半年工作安排",
        "党费收缴情况通报",
        "讨论年度工作计划",
    ),
    MeetingType.COMMITTEE_MEETING: (
        "研究本月组织生活安排",
        "研究入党积极分子培养",
        "研究党员教育管理工作",
        "研究为民办实事项目",
        "研究主题党日活动方案",
        "分析党员思想状况",
    ),
    MeetingType.GROUP_MEETING: ("学习党章", "交流学习体会", "讨论党小组工作", "开展谈心谈话"),
    MeetingType.PARTY_LECTURE: (
        "学习贯彻党的二十大精神",
        "弘扬伟大建党精神",
        "新时代党员的责任与担当",
        "学习《中国共产党支部工作条例》",
        "坚持以人民为中心",
    ),
    MeetingType.THEME_DAY: (
        "重温入党誓词",
        "参观爱国主义教育基地",
        "“我为群众办实事”实践活动",
        "学习身边先进典型",
        "环境卫生整治",
        "走访慰问困难党员",
    ),
    MeetingType.LIFE_MEETING: ("年度组织生活会",),
    MeetingType.DEMOCRATIC_REVIEW: ("年度民主评议党员",),
    MeetingType.STUDY: (
        "集中学习习近平新时代中国特色社会主义思想",
        "学习《中国共产党纪律处分条例》",
        "学习党史",
        "学习上级文件精神",
        "观看专题教育片",
    ),
    MeetingType.VOLUNTEER: ("义务清扫", "关爱空巢老人", "政策宣讲进家门", "植树护绿"),
}
PLACES = {
    Category.VILLAGE: "村党群服务中心",
    Category.COMMUNITY: "社区党群服务中心",
}
ALL_MONTHS = tuple(range(1, 13))
SCHEDULE = {
    # meeting type -> the months it falls in (RULES.md "Organisational life")
    MeetingType.COMMITTEE_MEETING: ALL_MONTHS,
    MeetingType.GROUP_MEETING: ALL_MONTHS,
    MeetingType.THEME_DAY: ALL_MONTHS,
    MeetingType.STUDY: ALL_MONTHS,
    MeetingType.GENERAL_MEETING: (3, 6, 9, 12),
    MeetingType.PARTY_LECTURE: (2, 5, 8, 11),
    MeetingType.LIFE_MEETING: (1,),
    MeetingType.DEMOCRATIC_REVIEW: (1,),
    MeetingType.VOLUNTEER: (4, 6, 9, 11),
}
BRANCH_TYPES = [
    t for t in SCHEDULE if t not in (MeetingType.COMMITTEE_MEETING, MeetingType.GROUP_MEETING)
]


@dataclass(frozen=True)
class Habit:
    weight: int  # how many organisations in a hundred have it
    present: float  # share of the members present at a meeting
    chance: dict  # meeting type -> chance of holding it in each of its months
    hours: dict  # meeting type -> study hours credited
    behind: bool = False  # has held nothing yet in the current month


def _habit(weight, present, chance, hours, behind=False):
    hours = {t: Decimal(str(h)) for t, h in hours.items()}
    return Habit(weight, present, chance, hours, behind)


T = MeetingType
HABITS = {
    # Well over 32 study hours per member, every month covered.
    "diligent": _habit(
        30,
        0.93,
        dict.fromkeys(SCHEDULE, 1.0),
        {T.THEME_DAY: 1.5, T.STUDY: 1.5, T.PARTY_LECTURE: 1.5, T.GENERAL_MEETING: 1}
        | {T.LIFE_MEETING: 2, T.DEMOCRATIC_REVIEW: 1, T.VOLUNTEER: 4},
    ),
    # Most months covered; study hours around 32, some members just short.
    "fair": _habit(
        20,
        0.86,
        {T.COMMITTEE_MEETING: 0.85, T.GROUP_MEETING: 0.8, T.THEME_DAY: 0.9, T.STUDY: 0.85}
        | {T.GENERAL_MEETING: 0.75, T.PARTY_LECTURE: 0.75, T.VOLUNTEER: 0.5}
        | {T.LIFE_MEETING: 1.0, T.DEMOCRATIC_REVIEW: 1.0},
        {T.THEME_DAY: 1, T.STUDY: 1.5, T.PARTY_LECTURE: 1.5, T.GENERAL_MEETING: 1}
        | {T.LIFE_MEETING: 2, T.DEMOCRATIC_REVIEW: 1, T.VOLUNTEER: 3},
    ),
    # Months missing (this one among them: nothing yet), few hours.
    "lagging": _habit(
        25,
        0.72,
        {T.COMMITTEE_MEETING: 0.45, T.GROUP_MEETING: 0.4, T.THEME_DAY: 0.45, T.STUDY: 0.3}
        | {T.GENERAL_MEETING: 0.5, T.PARTY_LECTURE: 0.3, T.VOLUNTEER: 0.0}
        | {T.LIFE_MEETING: 0.5, T.DEMOCRATIC_REVIEW: 0.5},
        {T.THEME_DAY: 1, T.STUDY: 1, T.PARTY_LECTURE: 1.5, T.GENERAL_MEETING: 1}
        | {T.LIFE_MEETING: 2, T.DEMOCRATIC_REVIEW: 1},
        behind=True,
    ),
    "none": _habit(25, 0, {}, {}),
}
OUTSIDE_LECTURERS = ("上级党委书记", "区委党校教师", "镇党委副书记", "宣讲团成员")


def insert_with_history(model, rows, user):
    """Insert new rows of `model` (`rows`: dicts of attribute name -> value; omitted fields
    take their defaults) with their "+" history rows by `user`; returns the new primary
    keys in order. The rows go in with COPY on PostgreSQL and one prepared INSERT run over
    all rows (executemany) on SQLite: a year of attendance is over 100,000 rows, for which
    model instances, Django's bulk_create and simple_history's bulk_history_create take
    tens of seconds."""
    if not rows:
        return []
    meta = model._meta
    ids = _new_ids(model, len(rows))
    # Datetimes as the database stores them (naive UTC on SQLite), adapted once each.
    adapt = connection.ops.adapt_datetimefield_value
    now = adapt(timezone.now())
    defaults = {f.attname: f.get_default() for f in meta.concrete_fields}
    defaults["created_at"] = defaults["updated_at"] = now
    full = [{**defaults, **row, "id": pk} for row, pk in zip(rows, ids, strict=True)]
    for field in meta.concrete_fields:
        if isinstance(field, DateTimeField) and field.attname not in ("created_at", "updated_at"):
            for row in full:
                row[field.attname] = adapt(row[field.attname])
    _execute_many(meta.db_table, meta.concrete_fields, full)
    history = get_history_model_for_model(model)
    bookkeeping = {
        "history_date": now,
        "history_change_reason": CHANGE_REASON,
        "history_type": "+",
        "history_user_id": user.pk if user else None,
    }
    history_fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    _execute_many(history._meta.db_table, history_fields, [row | bookkeeping for row in full])
    return ids


def _new_ids(model, count):
    """`count` unused primary keys: from the sequence on PostgreSQL; on SQLite after the
    highest ever given (AUTOINCREMENT's sqlite_sequence), so that no history is shared with
    a deleted row."""
    meta = model._meta
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        used = cursor.fetchone()
    top = max(used[0] if used else 0, model.objects.aggregate(top=Max("pk"))["top"] or 0)
    return list(range(top + 1, top + 1 + count))


def _execute_many(table, fields, rows):
    values = itemgetter(*(field.attname for field in fields))
    if connection.vendor == "postgresql":
        copy_rows(table, fields, (values(row) for row in rows))  # COPY, as the imports do
        return
    quote = connection.ops.quote_name
    statement = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(statement, [values(row) for row in rows[start : start + BATCH]])


def months_before(today, count):
    """The first days of the `count` months up to and including today's month."""
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return sorted(months)


class DemoLife:
    def __init__(self, root, today, seed=SEED):
        self.root = root
        self.today = today
        self.rng = random.Random(seed)
        self.months = months_before(today, 12)
        users = get_user_model().objects.filter(username__in=[CLERK, REVIEWER])
        self.users = {user.username: user for user in users}
        self.clerk = self.users.get(CLERK)
        self.meetings = []  # (meeting fields, [(member id, present, reason)])

    # --- who is where ----------------------------------------------------------------------

    def read(self):
        self.orgs = list(
            Organization.objects.subtree(self.root)
            .filter(status=OrgStatus.ACTIVE)
            .only("id", "name", "path", "kind", "category", "established_on", "parent_id")
            .order_by("path")
        )
        members = (
            Member.objects.filter(org__path__startswith=self.root.path, left_on__isnull=True)
            .order_by("pk")
            .values_list("pk", "org__path", "joined_on")
        )
        self.joined = {}  # member id -> the day the member joined the Party
        self.members_under = defaultdict(list)  # org path -> member ids in its subtree
        paths = {org.path for org in self.orgs}
        for pk, path, joined in members:
            self.joined[pk] = joined
            ids = path.strip("/").split("/")
            for depth in range(1, len(ids) + 1):
                prefix = "/" + "/".join(ids[:depth]) + "/"
                if prefix in paths:
                    self.members_under[prefix].append(pk)
        functional = Membership.objects.filter(
            org__path__startswith=self.root.path, ended_on__isnull=True
        ).values_list("org_id", "member_id", "member__joined_on")
        self.functional = defaultdict(list)
        for org_id, member_id, joined in functional.order_by("pk"):
            self.joined[member_id] = joined
            self.functional[org_id].append(member_id)
        self.posts = defaultdict(list)  # org id -> [(post, member id)]
        current = Post.objects.current().filter(term__org__path__startswith=self.root.path)
        for org_id, post, member_id in current.order_by("pk").values_list(
            "term__org_id", "post", "member_id"
        ):
            self.posts[org_id].append((post, member_id))
        self.weak = set(
            WeakDesignation.objects.filter(
                year=self.today.year, rectified=False, org__path__startswith=self.root.path
            ).values_list("org_id", flat=True)
        )

    def attendees(self, org):
        return sorted({*self.members_under[org.path], *self.functional[org.pk]})

    def secretary(self, org):
        return next((pk for post, pk in self.posts[org.pk] if post == PostKind.SECRETARY), None)

    # --- meetings ----------------------------------------------------------------------------

    def generate(self):
        for org in self.orgs:
            org.habit = "none"
            members = self.attendees(org)
            if org.kind in MEETING_KINDS:
                types = BRANCH_TYPES
                if len(self.posts[org.pk]) >= 3:
                    types = [MeetingType.COMMITTEE_MEETING, *types]
            elif org.kind in PARENT_KINDS and len(self.posts[org.pk]) >= 3:
                types = [MeetingType.COMMITTEE_MEETING]
            elif org.kind == OrgKind.GROUP and members:
                types = [MeetingType.GROUP_MEETING]
            else:
                continue
            if not members or org.pk in self.weak:
                continue
            org.habit = self.pick_habit()
            habit = HABITS[org.habit]
            for month in self.months:
                held_yet = not (habit.behind and month == self.months[-1])
                for meeting_type in types:
                    due = month.month in SCHEDULE[meeting_type]
                    # The draw is made either way: the rest of the demo stays as it was.
                    drawn = due and self.rng.random() < habit.chance.get(meeting_type, 0)
                    if drawn and held_yet:
                        self.add(org, meeting_type, month, habit)

    def pick_habit(self):
        names = list(HABITS)
        return self.rng.choices(names, [HABITS[name].weight for name in names])[0]

    def day_in(self, month):
        """A weekday in `month`, not after today."""
        last = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        last = min(last, self.today)
        for _ in range(10):
            day = month + datetime.timedelta(days=self.rng.randrange((last - month).days + 1))
            if day.weekday() < 5:
                return day
        return month

    def add(self, org, meeting_type, month, habit):
        rng = self.rng
        day = self.day_in(month)
        if day > self.today or (org.established_on and day < org.established_on):
            return
        if meeting_type in (MeetingType.COMMITTEE_MEETING,):
            invited = sorted({pk for _, pk in self.posts[org.pk]})
        else:
            invited = self.attendees(org)
        invited = [pk for pk in invited if self.joined.get(pk, day) <= day]
        if not invited:
            return
        hours = habit.hours.get(meeting_type, Decimal(0))
        secretary = self.secretary(org)
        meeting = {
            "org_id": org.pk,
            "type": meeting_type,
            "date": day,
            "topic": rng.choice(TOPICS[meeting_type]),
            "place": PLACES.get(org.category, "党员活动室"),
            "host_id": secretary,
            "hours": hours,
            "created_by_id": self.clerk.pk if self.clerk else None,
        }
        if meeting_type == MeetingType.PARTY_LECTURE:
            committee = [pk for _, pk in self.posts[org.pk]]
            if committee and rng.random() < 0.8:
                by_secretary = secretary and rng.random() < 0.6
                lecturer = secretary if by_secretary else rng.choice(committee)
                meeting["lecturer_id"] = lecturer
            else:
                meeting["lecturer_name"] = rng.choice(OUTSIDE_LECTURERS)
        rows = []
        for pk in invited:
            if rng.random() < habit.present or pk == secretary:
                rows.append((pk, True, ""))
            else:
                rows.append((pk, False, rng.choice(ABSENCE_REASONS)))
        self.meetings.append((meeting, rows))

    # --- reports and facts -------------------------------------------------------------------

    def reports(self):
        """Last year's reports of diligent branches (and half the others); the district
        reviewer has evaluated part of those within the district."""
        year = self.today.year - 1
        reviewer = self.users.get(REVIEWER)
        reports = []
        for org in self.orgs:
            habit = getattr(org, "habit", "none")
            secretary = self.secretary(org)
            if secretary is None or habit == "none":
                continue
            if habit != "diligent" and self.rng.random() < 0.5:
                continue
            report = dict(
                org_id=org.pk,
                year=year,
                secretary_id=secretary,
                text=(
                    f"{year}年，{org.name}在上级党组织的领导下，认真落实“三会一课”等组织生活制度，"
                    "抓好党员教育管理，带领党员在服务群众中发挥先锋模范作用。"
                    "存在的不足：理论学习的深度还不够，党员作用发挥不平衡。"
                    f"{year + 1}年将进一步加强支部班子建设，严格组织生活。"
                ),
                submitted_on=min(datetime.date(year + 1, 1, self.rng.randint(8, 25)), self.today),
            )
            evaluated = reviewer and may_evaluate(reviewer, org) and self.rng.random() < 0.6
            if evaluated:
                good = (ReportRating.GOOD, ReportRating.FAIRLY_GOOD)
                poor = (ReportRating.AVERAGE, ReportRating.POOR)
                report["rating"] = self.rng.choice(good if habit == "diligent" else poor)
                report["comment"] = "述职客观全面，请继续抓好组织生活制度落实。"
                report["evaluated_by_id"] = reviewer.pk
                report["evaluated_at"] = timezone.make_aware(
                    datetime.datetime.combine(report["submitted_on"], datetime.time(10))
                ) + datetime.timedelta(days=self.rng.randint(3, 20))
            reports.append(report)
        return reports

    def facts(self):
        """Yearly facts of village and community branches for last year and this year."""
        facts = []
        rng = self.rng
        for org in self.orgs:
            if org.kind not in MEETING_KINDS or getattr(org, "habit", "none") == "none":
                continue
            if org.category not in (Category.VILLAGE, Category.COMMUNITY):
                continue

            def pick(good_range, poor_range, good=org.habit == "diligent"):
                return rng.randint(*(good_range if good else poor_range))

            for year in (self.today.year - 1, self.today.year):
                values = {
                    FactKind.SATISFACTION_RATE: pick((93, 99), (82, 95)),
                    FactKind.CULTURAL_ACTIVITIES: pick((4, 8), (1, 4)),
                }
                # Drawn so that the rest of the demo stays as it was; neither category's
                # standards measure it, so their 年度数据 forms do not ask it.
                pick((6, 12), (1, 5))
                if org.category == Category.VILLAGE:
                    values[FactKind.COLLECTIVE_INCOME] = pick((210, 480), (60, 230)) * 1000
                    values[FactKind.RESERVE_CADRES] = pick((3, 5), (0, 3))
                    values[FactKind.VENUE_AREA] = pick((120, 400), (80, 300))
                facts += [
                    {"org_id": org.pk, "year": year, "code": code, "value": Decimal(value)}
                    for code, value in values.items()
                ]
        return facts

    # --- writing -----------------------------------------------------------------------------

    def save(self):
        meetings = [meeting for meeting, _ in self.meetings]
        ids = insert_with_history(Meeting, meetings, self.clerk)
        rows = [
            {"meeting_id": meeting_id, "member_id": pk, "present": present, "absence_reason": why}
            for meeting_id, (_, attendance) in zip(ids, self.meetings, strict=True)
            for pk, present, why in attendance
        ]
        insert_with_history(Attendance, rows, self.clerk)
        reports = self.reports()
        insert_with_history(SecretaryReport, reports, self.clerk)
        facts = self.facts()
        insert_with_history(YearlyFact, facts, self.clerk)
        return {
            "meetings": len(meetings),
            "attendance": len(rows),
            "reports": len(reports),
            "facts": len(facts),
        }


@transaction.atomic
def load_demo_life(today=None):
    """Add the demo city's year of organisational life unless it is there (or the city is
    not); returns a summary or None."""
    root = Organization.objects.filter(name=ROOT_NAME, parent__isnull=True).first()
    if root is None or Meeting.objects.subtree(root).exists():
        return None
    life = DemoLife(root, today or timezone.localdate())
    life.read()
    life.generate()
    summary = life.save()
    Meeting.objects.subtree(root).recount_attendance()  # written in bulk, past the signals
    tallies.rebuild()  # written in bulk, past the saves that keep the statistics' tallies
    return summary
