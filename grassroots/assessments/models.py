"""Assessment against a standard set: the organisation's self-assessment (measurable items
pre-filled from its records, manual items attested with evidence), the review and score by
the level above, the grade by the bands of the nearest grading policy, the rectification
task of every shortfall, and the yearly inspection sample a committee draws. Every model
keeps its history (django-simple-history); see docs/decisions/0010-assessment.md."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from grassroots.core.access import ScopedQuerySet
from grassroots.orgs.choices import OrgKind
from grassroots.orgs.models import Organization, TimeStamped
from grassroots.standards.metrics import format_number
from grassroots.standards.models import Item, StandardSet

from .choices import (
    EDITABLE_STATES,
    REVIEW_STATES,
    SELF_STATUS_CHOICES,
    AssessmentState,
    Grade,
    ItemStatus,
    TaskStatus,
)
from .rules import GradeBands

# Organisations that assess themselves and that an inspection sample draws from: the
# grassroots organisations, not the managing bodies above them or party groups below.
ASSESSED_KINDS = (
    OrgKind.COMMITTEE,
    OrgKind.GENERAL_BRANCH,
    OrgKind.BRANCH,
    OrgKind.JOINT_BRANCH,
    OrgKind.FUNCTIONAL_BRANCH,
)
# Organisations that draw an inspection sample of their subtree.
SAMPLING_KINDS = (OrgKind.DEPARTMENT, OrgKind.COMMITTEE)


class AssessmentItemQuerySet(ScopedQuerySet):
    org_path = "assessment__org__path"


def evidence_path(instance, filename):
    # The caller has already given the upload a random name; the original is kept apart.
    return f"assessments/{timezone.localdate():%Y/%m}/{filename}"


class GradingPolicyQuerySet(ScopedQuerySet):
    def for_org(self, org, year):
        """The policy grading `org` in `year`: the nearest of the organisation and its
        ancestors that has one, a policy for that year before one for all years (one
        query); None when there is none (the default bands)."""
        candidates = self.filter(
            Q(year=year) | Q(year__isnull=True),
            org_id__in=[*org.ancestor_ids(), org.pk],
        ).select_related("org")
        ranked = sorted(candidates, key=lambda p: (p.org.depth, p.year is not None))
        return ranked[-1] if ranked else None


class GradingPolicy(TimeStamped):
    """Grade bands and the veto cap an organisation sets for its subtree."""

    org = models.ForeignKey(
        Organization,
        verbose_name="适用组织（含下级）",
        on_delete=models.PROTECT,
        related_name="grading_policies",
    )
    year = models.PositiveSmallIntegerField(
        "年度", null=True, blank=True, help_text="为空则适用于各年度"
    )
    excellent = models.DecimalField("优秀分数线", max_digits=5, decimal_places=2, default=90)
    good = models.DecimalField("良好分数线", max_digits=5, decimal_places=2, default=75)
    fair = models.DecimalField("一般分数线", max_digits=5, decimal_places=2, default=60)
    veto_cap = models.CharField(
        "一票否决时最高等次", max_length=10, choices=Grade.choices, default=Grade.POOR
    )
    note = models.CharField("说明", max_length=200, blank=True)

    history = HistoricalRecords()
    objects = GradingPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = "考核等次设置"
        verbose_name_plural = "考核等次设置"
        ordering = ["org_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="one_policy_a_year"),
            models.UniqueConstraint(
                fields=["org"], condition=Q(year__isnull=True), name="one_policy_for_all_years"
            ),
            models.CheckConstraint(
                condition=Q(fair__gte=0, good__gte=F("fair"), excellent__gte=F("good")),
                name="policy_bands_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.org}{self.year or '各'}年度考核等次"

    @property
    def bands(self):
        return GradeBands(self.excellent, self.good, self.fair, self.veto_cap)


class Assessment(TimeStamped):
    """One organisation's assessment of one year against one published standard set."""

    org = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField("年度")
    standard_set = models.ForeignKey(
        StandardSet, verbose_name="考核标准", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        "状态", max_length=12, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    total = models.DecimalField("总分", max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField("等次", max_length=10, choices=Grade.choices, blank=True)
    veto_failed = models.BooleanField("一票否决", default=False)
    # The bands the grade was given by, as they were at the review.
    band_excellent = models.DecimalField(
        "优秀分数线", max_digits=5, decimal_places=2, null=True, blank=True
    )
    band_good = models.DecimalField(
        "良好分数线", max_digits=5, decimal_places=2, null=True, blank=True
    )
    band_fair = models.DecimalField(
        "一般分数线", max_digits=5, decimal_places=2, null=True, blank=True
    )
    band_veto_cap = models.CharField(
        "一票否决时最高等次", max_length=10, choices=Grade.choices, blank=True
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    return_comment = models.TextField("退回理由", blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="退回人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("评定时间", null=True, blank=True)
    review_comment = models.TextField("审核意见", blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "考核"
        verbose_name_plural = "考核"
        ordering = ["-year", "org__path"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="one_assessment_a_year"),
        ]

    def __str__(self):
        return f"{self.org}{self.year}年度考核"

    @property
    def is_editable(self):
        return self.state in EDITABLE_STATES

    @property
    def in_review(self):
        return self.state in REVIEW_STATES

    @property
    def is_reviewed(self):
        return self.state == AssessmentState.REVIEWED

    @property
    def bands(self):
        """The bands the grade was given by (after the review)."""
        if self.band_excellent is None:
            return None
        return GradeBands(self.band_excellent, self.band_good, self.band_fair, self.band_veto_cap)


class AssessmentItem(TimeStamped):
    """One item of the set in one assessment. Measurable items carry the status, value and
    threshold computed from the records (frozen when the assessment is submitted); items
    attested with evidence carry the organisation's own status and its evidence."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="考核", on_delete=models.CASCADE, related_name="items"
    )
    item = models.ForeignKey(
        Item, verbose_name="标准条目", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField("顺序", default=0)
    status = models.CharField("系统判定", max_length=10, choices=ItemStatus.choices)
    value = models.DecimalField("实际值", max_digits=14, decimal_places=2, null=True, blank=True)
    threshold = models.DecimalField(
        "标准值", max_digits=14, decimal_places=2, null=True, blank=True
    )
    explanation = models.CharField("计算说明", max_length=300, blank=True)
    self_status = models.CharField(
        "自评结果", max_length=10, choices=SELF_STATUS_CHOICES, blank=True
    )
    evidence = models.TextField("佐证材料说明", blank=True)
    evidence_file = models.FileField("佐证材料文件", upload_to=evidence_path, blank=True)
    evidence_name = models.CharField("佐证材料文件名", max_length=200, blank=True)
    self_comment = models.TextField("自评说明", blank=True)
    max_points = models.DecimalField("满分", max_digits=5, decimal_places=2)
    review_score = models.DecimalField(
        "审核得分", max_digits=5, decimal_places=2, null=True, blank=True
    )
    review_comment = models.TextField("审核意见", blank=True)

    history = HistoricalRecords()
    objects = AssessmentItemQuerySet.as_manager()

    class Meta:
        verbose_name = "考核条目"
        verbose_name_plural = "考核条目"
        ordering = ["assessment_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="one_row_per_item"),
            models.CheckConstraint(
                condition=Q(review_score__isnull=True)
                | Q(review_score__gte=0, review_score__lte=F("max_points")),
                name="score_within_points",
            ),
        ]

    def __str__(self):
        return f"{self.item.code} {self.item.text[:20]}"

    @property
    def is_manual(self):
        return self.status == ItemStatus.MANUAL

    @property
    def outcome(self):
        """The status that counts: the organisation's own for an item attested with
        evidence (`manual` while it has not said), the computed one otherwise."""
        if self.is_manual:
            return self.self_status or ItemStatus.MANUAL
        return self.status

    @property
    def suggested_score(self):
        """The reviewer's starting point: full marks for an item met, none otherwise."""
        return self.max_points if self.outcome == ItemStatus.MET else 0

    @property
    def lost_points(self):
        return self.review_score is not None and self.review_score < self.max_points

    @property
    def is_gap(self):
        """A shortfall: not met, no data (or not attested), or scored below full marks."""
        return self.outcome != ItemStatus.MET or self.lost_points

    @property
    def fails_veto(self):
        """A veto item that is not met, or that the reviewer did not give full marks."""
        return self.item.veto and (self.outcome == ItemStatus.NOT_MET or self.lost_points)


class TaskQuerySet(ScopedQuerySet):
    def not_done(self):
        return self.exclude(status=TaskStatus.DONE)

    def overdue(self, today=None):
        return self.not_done().filter(deadline__lt=today or timezone.localdate())


class RectificationTask(TimeStamped):
    """The rectification (整改) of one shortfall: of a reviewed assessment (its item), or
    of what another process found (`source`: an inspection, a title's warning)."""

    assessment_item = models.OneToOneField(
        AssessmentItem,
        verbose_name="考核条目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task",
    )
    source = models.CharField("来源", max_length=50, blank=True)
    org = models.ForeignKey(
        Organization,
        verbose_name="党组织",
        on_delete=models.PROTECT,
        related_name="rectification_tasks",
    )
    description = models.TextField("整改事项")
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人（用户）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_name = models.CharField("责任人", max_length=50, blank=True)
    deadline = models.DateField("整改期限")
    status = models.CharField(
        "状态", max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    follow_up = models.TextField("整改情况", blank=True)
    follow_up_file = models.FileField("整改材料文件", upload_to=evidence_path, blank=True)
    follow_up_name = models.CharField("整改材料文件名", max_length=200, blank=True)
    follow_up_on = models.DateField("整改完成日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="销号人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)

    history = HistoricalRecords()
    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "整改任务"
        verbose_name_plural = "整改任务"
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_user__isnull=False) | ~Q(owner_name=""),
                name="task_has_owner",
            ),
            models.CheckConstraint(
                condition=Q(assessment_item__isnull=False) | ~Q(source=""),
                name="task_has_origin",
            ),
        ]

    def __str__(self):
        return f"整改：{self.description[:30]}"

    @property
    def is_done(self):
        return self.status == TaskStatus.DONE

    @property
    def is_overdue(self):
        return not self.is_done and self.deadline < timezone.localdate()

    @property
    def heading(self):
        """What the task rectifies, in a few words: the item, or where it came from."""
        if self.assessment_item_id:
            return f"第 {self.assessment_item.item.code} 条"
        return self.source

    @property
    def owner(self):
        if self.owner_user_id:
            user = self.owner_user
            return user.get_full_name() or user.get_username()
        return self.owner_name


class InspectionSample(TimeStamped):
    """A committee's random draw of its grassroots organisations for inspection. The share,
    the seed and the population drawn from are recorded, so the draw can be repeated and
    checked (`rules.draw_sample`)."""

    org = models.ForeignKey(
        Organization,
        verbose_name="抽查单位",
        on_delete=models.PROTECT,
        related_name="inspection_samples",
    )
    year = models.PositiveSmallIntegerField("年度")
    share = models.DecimalField("抽查比例", max_digits=5, decimal_places=4)
    seed = models.PositiveBigIntegerField("随机种子")
    population = models.JSONField("抽取范围（组织编号）", default=list)
    drawn = models.JSONField("抽中组织编号", default=list)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="抽取人", on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "抽查名单"
        verbose_name_plural = "抽查名单"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(share__gt=0, share__lte=1), name="share_in_range"),
        ]

    def __str__(self):
        return f"{self.org}{self.year}年度抽查名单"

    @property
    def percent(self):
        """The share as a percentage: "10", "12.5"."""
        return format_number(self.share * 100)


class ComplianceRecord(models.Model):
    """An organisation's metric values against a standard set in a year, as the engine
    computes them (`compliance.compliance_for`): derived, never entered, so without history
    and recomputable at any time (`stored.py`; decision 0037). Items are judged from
    `values` when read, so that a running year's pace follows the day; the counts are those
    judged on `until`."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    standard_set = models.ForeignKey(StandardSet, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    # {metric code: value as a decimal string, or null}: the set's measured items.
    values = models.JSONField("指标值", default=dict)
    met = models.PositiveSmallIntegerField("达标项", default=0)
    not_met = models.PositiveSmallIntegerField("未达标项", default=0)
    no_data = models.PositiveSmallIntegerField("无数据项", default=0)
    until = models.DateField("统计截至")
    computed_at = models.DateTimeField("计算时间")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "达标情况（计算结果）"
        verbose_name_plural = "达标情况（计算结果）"
        constraints = [
            models.UniqueConstraint(
                fields=["standard_set", "year", "org"], name="one_compliance_record"
            ),
        ]
        indexes = [models.Index(fields=["org", "year"], name="compliance_org_year")]

    def __str__(self):
        return f"{self.org_id}/{self.standard_set_id}/{self.year}"
