"""Organisational life: meetings (三会一课, 主题党日 …) with who attended, their attachments,
the secretary's yearly report (述职) with the level above's evaluation, and yearly facts a
standard needs that are not meetings. Nothing is deleted: a meeting entered in error is
voided (`cancelled_at`), an attachment taken off a meeting is marked (`removed_at`), and every
change is kept by django-simple-history."""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractMonth
from simple_history.models import HistoricalRecords

from grassroots.core.access import ScopedQuerySet
from grassroots.core.bulk import id_batches
from grassroots.core.models import saving_without
from grassroots.orgs.choices import OrgKind
from grassroots.orgs.models import Member, Membership, Organization, TimeStamped
from grassroots.orgs.tallies import tracked

from .choices import FactKind, FactSource, MeetingType, ReportRating

MAX_MEETING_HOURS = Decimal(24)


def eligible_members(org, on):
    """Members who may attend `org`'s meetings on day `on`: its own members — the
    organisation relation in it or in one of its party groups (a branch's members are often
    registered in its groups) — and its functional members (参加组织生活) that day; never
    the members of the organisations below (`rules.meeting_kind_error`). Members who had
    not yet joined the Party or had left by then are not."""
    functional = Membership.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=on),
        member=OuterRef("pk"),
        org=org,
        started_on__lte=on,
    )
    return Member.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=on),
        Q(org=org) | Q(org__parent=org, org__kind=OrgKind.GROUP) | Exists(functional),
        joined_on__lte=on,
    )


class OrgLifeQuerySet(ScopedQuerySet):
    # Meetings (attendance, lecturers) and reports name members: viewing needs the roster.
    names_people = True


ATTENDANCE_COUNTERS = ["present_count", "expected_count"]


class MeetingQuerySet(OrgLifeQuerySet):
    def held(self):
        """Meetings that count: those not voided."""
        return self.filter(cancelled_at__isnull=True)

    def in_year(self, year):
        # A date range rather than __year, so that the (org, date) index serves it.
        return self.filter(date__gte=f"{year}-01-01", date__lte=f"{year}-12-31")

    def recount_attendance(self):
        """Set these meetings' attendance counters from their rows. The meetings are locked
        first, in id order: a writer of the same meeting's attendance in another transaction
        waits for this one to commit, and its count (a new statement, so a new snapshot)
        then sees this one's rows as well as its own."""
        with transaction.atomic(savepoint=False):
            self._recount_attendance()

    def _recount_attendance(self):
        ids = list(self.select_for_update().order_by("pk").values_list("pk", flat=True))
        rows = Attendance.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting")
        counted = rows.annotate(n=Count("pk")).values("n")
        for batch in id_batches(ids):
            Meeting.objects.filter(pk__in=batch).update(
                present_count=Coalesce(Subquery(counted.filter(present=True)), 0),
                expected_count=Coalesce(Subquery(counted), 0),
            )

    def count_by_month(self, org, year):
        """{meeting type: [meetings held in January, …, December]} of `org` in `year`, for
        the types held at all."""
        by_month = (
            self.held()
            .filter(org=org, date__year=year)
            .annotate(month=ExtractMonth("date"))
            .order_by()
            .values("month", "type")
            .annotate(n=Count("pk"))
        )
        counts = defaultdict(lambda: [0] * 12)
        for row in by_month:
            counts[row["type"]][row["month"] - 1] = row["n"]
        return dict(counts)


class Meeting(TimeStamped):
    org = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="meetings"
    )
    type = models.CharField("会议类型", max_length=20, choices=MeetingType.choices)
    date = models.DateField("日期")
    topic = models.CharField("主题", max_length=200)
    place = models.CharField("地点", max_length=100, blank=True)
    host = models.ForeignKey(
        Member,
        verbose_name="主持人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lecturer = models.ForeignKey(
        Member,
        verbose_name="授课人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A lecturer from outside the organisation (a leader of the level above, an expert).
    lecturer_name = models.CharField("授课人（非本组织党员）", max_length=50, blank=True)
    hours = models.DecimalField(
        "计入学时",
        max_digits=3,
        decimal_places=1,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_MEETING_HOURS)],
    )
    minutes = models.TextField("会议记录", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_at = models.DateTimeField("作废时间", null=True, blank=True)
    cancel_reason = models.CharField("作废原因", max_length=200, blank=True)
    # The attendance rows counted (`recount_attendance`, on every write of them): a year's
    # turnout and hours are summed over meetings, not over tens of millions of attendance
    # rows (docs/benchmarks-compliance.md). Derived, so kept out of the history.
    present_count = models.PositiveIntegerField("出席人数", default=0, editable=False)
    expected_count = models.PositiveIntegerField("应到人数", default=0, editable=False)

    history = HistoricalRecords(excluded_fields=ATTENDANCE_COUNTERS)
    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "组织生活会议"
        verbose_name_plural = "组织生活会议"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["org", "date"], name="meeting_org_date"),
            models.Index(fields=["date"], name="meeting_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=MAX_MEETING_HOURS),
                name="meeting_hours_0_to_24",
            )
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_type_display()}：{self.topic}"

    def save(self, *args, **kwargs):
        with tracked(self):  # the statistics' meetings per type per month
            super().save(*args, **saving_without(self, kwargs, ATTENDANCE_COUNTERS))

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None

    @property
    def absent_count(self):
        return self.expected_count - self.present_count


class MeetingPartQuerySet(OrgLifeQuerySet):
    org_path = "meeting__org__path"


class AttendanceQuerySet(MeetingPartQuerySet):
    def held(self):
        return self.filter(meeting__cancelled_at__isnull=True)

    def present(self):
        return self.filter(present=True)

    def credited(self, volunteer=False):
        """The rows that credit the meeting's hours to the member: study hours, or with
        `volunteer` volunteer hours (`credited_attendance`)."""
        return self.filter(credited_attendance(volunteer))

    def study_hours_by_month(self, org, year):
        """The study hours credited at `org`'s meetings of `year`, per month, January first."""
        hours = [0.0] * 12
        by_month = (
            self.filter(meeting__org=org, meeting__date__year=year)
            .credited()
            .annotate(month=ExtractMonth("meeting__date"))
            .order_by()
            .values("month")
            .annotate(h=Sum("meeting__hours"))
        )
        for row in by_month:
            hours[row["month"] - 1] = float(row["h"] or 0)
        return hours


def crediting_meetings(volunteer=False, via=""):
    """Meetings whose hours count (docs/decisions/0011-metric-engine.md): at volunteer service
    as volunteer hours, at any other meeting as study hours; a voided meeting credits none.
    `via`: the path to the meeting from the model filtered ("meeting__" from Attendance)."""
    volunteer_service = Q(**{f"{via}type": MeetingType.VOLUNTEER})
    kind = volunteer_service if volunteer else ~volunteer_service
    return Q(**{f"{via}cancelled_at__isnull": True}) & kind


def credited_attendance(volunteer=False, via=""):
    """Attendance rows that credit their meeting's hours (study hours, or with `volunteer`
    volunteer hours) to the member: present at a meeting of `crediting_meetings`. `via`: the
    path to the attendance rows from the model filtered ("attendances__" from Member); with a
    filtered Sum, one grouped query gives these hours beside other counts of the rows."""
    return Q(**{f"{via}present": True}) & crediting_meetings(volunteer, f"{via}meeting__")


class Attendance(TimeStamped):
    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="attendances"
    )
    present = models.BooleanField("出席", default=True)
    absence_reason = models.CharField("缺席原因", max_length=100, blank=True)

    history = HistoricalRecords()
    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = "出席情况"
        verbose_name_plural = "出席情况"
        ordering = ["meeting_id", "member_id"]
        indexes = [models.Index(fields=["member", "meeting"], name="attendance_member")]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_each"),
            models.CheckConstraint(
                condition=Q(present=True) | ~Q(absence_reason=""),
                name="absence_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.member_id} {'出席' if self.present else '缺席'}"


class AttachmentQuerySet(MeetingPartQuerySet):
    def kept(self):
        """Attachments not removed: the only ones pages, the API and downloads show."""
        return self.filter(removed_at__isnull=True)


class Attachment(TimeStamped):
    """A photo or PDF of a meeting (sign-in sheet, minutes, pictures); the type is read
    from the file's content, not only its name. A removed attachment keeps its row and its
    file for the record (`removed_at`, `removed_by`)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField("文件", upload_to="life/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=50)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removed_at = models.DateTimeField("删除时间", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="删除人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = "会议附件"
        verbose_name_plural = "会议附件"
        ordering = ["meeting_id", "id"]

    def __str__(self):
        return self.name


class SecretaryReport(TimeStamped):
    """The secretary's yearly written report to the level above (述职), and its evaluation
    by a reviewer of the level above."""

    org = models.ForeignKey(
        Organization,
        verbose_name="党组织",
        on_delete=models.PROTECT,
        related_name="secretary_reports",
    )
    year = models.PositiveSmallIntegerField("年度")
    secretary = models.ForeignKey(
        Member, verbose_name="述职书记", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("述职内容")
    submitted_on = models.DateField("述职日期")
    rating = models.CharField("评价等次", max_length=12, choices=ReportRating.choices, blank=True)
    comment = models.TextField("评价意见", blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评价人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evaluated_at = models.DateTimeField("评价时间", null=True, blank=True)

    history = HistoricalRecords()
    objects = OrgLifeQuerySet.as_manager()

    class Meta:
        verbose_name = "书记述职"
        verbose_name_plural = "书记述职"
        ordering = ["-year", "org_id"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="one_report_a_year")]

    def __str__(self):
        return f"{self.year}年度书记述职"

    @property
    def is_evaluated(self):
        return bool(self.rating)


class YearlyFact(TimeStamped):
    org = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="yearly_facts"
    )
    year = models.PositiveSmallIntegerField("年度")
    code = models.CharField("项目", max_length=40, choices=FactKind.choices)
    value = models.DecimalField("数值", max_digits=14, decimal_places=2)
    note = models.CharField("说明", max_length=200, blank=True)
    source = models.CharField(
        "来源", max_length=16, choices=FactSource.choices, default=FactSource.SELF_REPORTED
    )

    history = HistoricalRecords()
    # Figures of the organisation (income, satisfaction rate …): no one named.
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "年度数据"
        verbose_name_plural = "年度数据"
        ordering = ["org_id", "-year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "year", "code", "source"], name="one_fact_a_year_a_source"
            )
        ]

    def __str__(self):
        return f"{self.year}年{self.get_code_display()}"
