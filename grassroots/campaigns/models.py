"""Demonstration campaigns (示范创建): a campaign of an organiser over its subtree, its award
levels, stages and quotas; the applications (申报表) and their review opinions; inspections;
public notices with objections; satisfaction surveys; the decision, the titles it names and
their life after naming (re-review, warning, revocation); the filing register. Every model
keeps its history; nothing a user entered is deleted (RULES.md "Demonstration campaigns").
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from grassroots.assessments.models import Assessment, InspectionSample, RectificationTask
from grassroots.core.access import ScopedQuerySet
from grassroots.orgs.models import Organization, TimeStamped
from grassroots.standards.models import StandardSet

from . import rules
from .choices import (
    STAGE_ORDER,
    Answer,
    ApplicationState,
    CampaignKind,
    ChainStep,
    InspectionMethod,
    InspectionState,
    NoticeState,
    ObjectionState,
    Opinion,
    ReReviewResult,
    StageCode,
    SurveySource,
    TitleState,
)

USER = settings.AUTH_USER_MODEL


def path_and_ancestors(path):
    """ "/1/5/23/" → ["/1/", "/1/5/", "/1/5/23/"]."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def field_condition(scope, permission, field):
    """A campaign is seen by the users of its field (the organiser's subtree, where they
    apply and review) and by those above the organiser; `field` leads to the organiser's
    path."""
    if scope.is_unrestricted(permission):
        return Q()
    within = {p for prefix in scope.paths(permission) for p in path_and_ancestors(prefix)}
    return Q(**{f"{field}__in": within}) | scope.q(permission, field)


class CampaignQuerySet(ScopedQuerySet):
    org_path = "organiser__path"

    def scope_condition(self, scope, permission):
        return field_condition(scope, permission, self.org_path)


class Campaign(TimeStamped):
    organiser = models.ForeignKey(
        Organization, verbose_name="组织单位", on_delete=models.PROTECT, related_name="campaigns"
    )
    title = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=24, choices=CampaignKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    standards = models.ManyToManyField(
        StandardSet, verbose_name="对照标准", related_name="campaigns", blank=True
    )
    validity_years = models.PositiveSmallIntegerField("称号有效期（年）", default=3)
    review_every_years = models.PositiveSmallIntegerField(
        "复查周期（年）", null=True, blank=True, help_text="为空则不安排定期复查"
    )
    application_deadline = models.DateField("申报截止日期")
    stage = models.CharField(
        "当前阶段", max_length=16, choices=StageCode.choices, default=StageCode.APPLICATION
    )
    surplus_percent = models.PositiveSmallIntegerField(
        "差额比例（%）", default=rules.DEFAULT_SURPLUS_PERCENT
    )
    village_share_percent = models.PositiveSmallIntegerField(
        "村（社区）占比（%）", default=rules.DEFAULT_VILLAGE_SHARE_PERCENT
    )
    village_band_points = models.PositiveSmallIntegerField(
        "村（社区）占比允许偏差（百分点）", default=rules.DEFAULT_VILLAGE_BAND_POINTS
    )
    # Seed 004 grades the field from three sources without weights: equal unless set.
    satisfaction_weight = models.DecimalField(
        "满意度测评权重", max_digits=5, decimal_places=2, default=Decimal(1)
    )
    self_assessment_weight = models.DecimalField(
        "单位自评权重", max_digits=5, decimal_places=2, default=Decimal(1)
    )
    upper_assessment_weight = models.DecimalField(
        "上级综合考评权重", max_digits=5, decimal_places=2, default=Decimal(1)
    )
    survey_questions = models.JSONField(
        "测评问题", default=list, blank=True, help_text="为空则只问总体满意度"
    )
    created_by = models.ForeignKey(USER, verbose_name="创建人", on_delete=models.PROTECT)

    history = HistoricalRecords(m2m_fields=[standards])
    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "示范创建活动"
        verbose_name_plural = "示范创建活动"
        ordering = ["-year", "-pk"]

    def __str__(self):
        return self.title

    @property
    def weights(self):
        return rules.GradeWeights(
            self.satisfaction_weight, self.self_assessment_weight, self.upper_assessment_weight
        )

    @property
    def stage_index(self):
        return STAGE_ORDER.index(self.stage)


class CampaignPartQuerySet(CampaignQuerySet):
    """Parts of a campaign are seen with the campaign."""

    org_path = "campaign__organiser__path"


class AwardLevel(models.Model):
    """A title a campaign names: 示范基层党组织 (260 to name), 十佳 (10, chosen only from the
    nominees of 示范)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="levels")
    code = models.CharField("代码", max_length=30)
    name = models.CharField("称号", max_length=100)
    to_name = models.PositiveIntegerField("拟命名数")
    chosen_from = models.ForeignKey(
        "self",
        verbose_name="从哪一级推荐对象中产生",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="higher_levels",
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)

    history = HistoricalRecords()
    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        verbose_name = "称号等级"
        verbose_name_plural = "称号等级"
        ordering = ["campaign_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="one_level_code"),
        ]

    def __str__(self):
        return self.name

    @property
    def plan(self):
        return rules.LevelPlan(
            self.code, self.name, self.to_name, self.chosen_from.code if self.chosen_from else None
        )


class Stage(models.Model):
    """One stage of the schedule: its deadline, and when it was opened and closed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="stages")
    code = models.CharField("阶段", max_length=16, choices=StageCode.choices)
    deadline = models.DateField("截止日期", null=True, blank=True)
    started_on = models.DateField("开始日期", null=True, blank=True)
    closed_on = models.DateField("结束日期", null=True, blank=True)

    history = HistoricalRecords()
    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        verbose_name = "阶段"
        verbose_name_plural = "阶段"
        ordering = ["campaign_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="one_stage_of_a_code"),
        ]

    def __str__(self):
        return self.get_code_display()

    def is_late(self, today=None):
        """Open past its deadline, or closed after it."""
        if self.deadline is None:
            return False
        end = self.closed_on or today or timezone.localdate()
        return end > self.deadline


class Quota(models.Model):
    """A recommending unit's nomination quota for one level (seed 000 附件1)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="quotas")
    unit = models.ForeignKey(
        Organization, verbose_name="推荐单位", on_delete=models.PROTECT, related_name="+"
    )
    level = models.ForeignKey(
        AwardLevel, verbose_name="称号等级", on_delete=models.PROTECT, related_name="quotas"
    )
    quota = models.PositiveIntegerField("推荐名额")

    history = HistoricalRecords()
    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        verbose_name = "推荐名额"
        verbose_name_plural = "推荐名额"
        ordering = ["campaign_id", "unit__path", "level__order"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit", "level"], name="one_quota"),
        ]

    def __str__(self):
        return f"{self.unit}{self.level}名额{self.quota}个"


def evidence_path(instance, filename):
    # The caller has already given the upload a random name; the original is kept apart.
    return f"campaigns/{timezone.localdate():%Y/%m}/{filename}"


class Application(TimeStamped):
    """An organisation's application (申报表, seed 000 附件2) for a level, with the review
    chain it goes up (`chain`: [[step, organisation id], …] fixed on submission) and the step
    it waits at (`pending_step`, `pending_org`)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="创建活动", on_delete=models.PROTECT, related_name="applications"
    )
    org = models.ForeignKey(
        Organization, verbose_name="申报党组织", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Organization, verbose_name="推荐单位", on_delete=models.PROTECT, related_name="+"
    )
    level = models.ForeignKey(
        AwardLevel, verbose_name="申报称号", on_delete=models.PROTECT, related_name="applications"
    )
    top_level = models.ForeignKey(
        AwardLevel,
        verbose_name="同时推荐为",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="top_applications",
    )
    org_name = models.CharField("基层党组织名称", max_length=200)
    leader = models.CharField("党组织负责人", max_length=50)
    category = models.CharField("所属类别", max_length=50)
    location = models.CharField("所在地或上级单位", max_length=200)
    reason = models.TextField("申报理由")
    self_assessment = models.ForeignKey(
        Assessment,
        verbose_name="自评",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        "状态", max_length=16, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    chain = models.JSONField("审核顺序", default=list, blank=True)
    pending_step = models.CharField(
        "待审环节", max_length=20, choices=ChainStep.choices, blank=True
    )
    pending_org = models.ForeignKey(
        Organization,
        verbose_name="待审单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_on = models.DateField("提交日期", null=True, blank=True)
    rank = models.PositiveIntegerField("推荐排序", null=True, blank=True)
    forwarded_on = models.DateField("上报日期", null=True, blank=True)
    created_by = models.ForeignKey(USER, verbose_name="填报人", on_delete=models.PROTECT)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "申报"
        verbose_name_plural = "申报"
        ordering = ["campaign_id", "unit_id", "rank", "pk"]
        constraints = [
            # Seed 000: no organisation applies twice to one campaign.
            models.UniqueConstraint(fields=["campaign", "org"], name="one_application_an_org"),
            models.UniqueConstraint(
                fields=["campaign", "unit", "rank"],
                condition=Q(rank__isnull=False),
                name="one_rank_a_unit",
            ),
            models.CheckConstraint(
                condition=Q(pending_org__isnull=True) | ~Q(pending_step=""),
                name="pending_org_with_step",
            ),
        ]

    def __str__(self):
        return f"{self.org_name}（{self.level}）"

    @property
    def is_editable(self):
        return self.state in (ApplicationState.DRAFT, ApplicationState.RETURNED)


class ApplicationFileQuerySet(ScopedQuerySet):
    org_path = "application__org__path"


class ApplicationFile(TimeStamped):
    """Evidence attached to an application (佐证材料); replaced files are kept, hidden."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="files")
    file = models.FileField("文件", upload_to=evidence_path)
    name = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(USER, verbose_name="上传人", on_delete=models.PROTECT)
    removed = models.BooleanField("已移除", default=False)

    history = HistoricalRecords()
    objects = ApplicationFileQuerySet.as_manager()

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["application_id", "pk"]

    def __str__(self):
        return self.name


class ReviewOpinion(TimeStamped):
    """One opinion of the chain, signed; a returned application gathers a new one per
    round."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="opinions")
    step = models.CharField("审核环节", max_length=20, choices=ChainStep.choices)
    org = models.ForeignKey(
        Organization, verbose_name="审核单位", on_delete=models.PROTECT, related_name="+"
    )
    opinion = models.CharField("意见", max_length=10, choices=Opinion.choices)
    text = models.TextField("意见内容")
    signed_by = models.ForeignKey(USER, verbose_name="签字人", on_delete=models.PROTECT)
    signed_on = models.DateField("签字日期")

    history = HistoricalRecords()
    objects = ApplicationFileQuerySet.as_manager()

    class Meta:
        verbose_name = "审核意见"
        verbose_name_plural = "审核意见"
        ordering = ["application_id", "pk"]

    def __str__(self):
        return f"{self.get_step_display()}：{self.get_opinion_display()}"


class Inspection(TimeStamped):
    """An inspection (考察 / 实地考核) of one organisation by a team: for an application of a
    campaign, or for an organisation drawn in an inspection sample (seed 003 体检式检查), or
    for a title's spot check or re-review."""

    org = models.ForeignKey(
        Organization, verbose_name="被考察党组织", on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        Application,
        verbose_name="申报",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    sample = models.ForeignKey(
        InspectionSample,
        verbose_name="抽查名单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    title = models.ForeignKey(
        "Title",
        verbose_name="称号（抽查或复查）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    assigned_by_org = models.ForeignKey(
        Organization, verbose_name="组织考察单位", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ManyToManyField(USER, verbose_name="考察组成员", related_name="inspections")
    due_on = models.DateField("考察期限", null=True, blank=True)
    state = models.CharField(
        "状态", max_length=10, choices=InspectionState.choices, default=InspectionState.ASSIGNED
    )
    score = models.DecimalField("考察得分", max_digits=5, decimal_places=2, null=True, blank=True)
    opinion = models.TextField("考察意见", blank=True)
    inspected_on = models.DateField("考察日期", null=True, blank=True)
    recorded_by = models.ForeignKey(
        USER,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_by = models.ForeignKey(
        USER, verbose_name="指派人", on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[team])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "考察"
        verbose_name_plural = "考察"
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="inspection_score_in_range",
            ),
        ]

    def __str__(self):
        return f"考察：{self.org}"


class FindingQuerySet(ScopedQuerySet):
    org_path = "inspection__org__path"


class InspectionFinding(TimeStamped):
    """What the team found by one method; a shortfall may become a rectification task."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    method = models.CharField("考察方式", max_length=12, choices=InspectionMethod.choices)
    text = models.TextField("发现情况")
    shortfall = models.BooleanField("存在问题需整改", default=False)
    task = models.OneToOneField(
        RectificationTask,
        verbose_name="整改任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="finding",
    )

    history = HistoricalRecords()
    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = "考察发现"
        verbose_name_plural = "考察发现"
        ordering = ["inspection_id", "pk"]

    def __str__(self):
        return f"{self.get_method_display()}：{self.text[:30]}"


class Notice(TimeStamped):
    """A public notice (公示) of the proposed list for N working days from its publication;
    the end date comes from the working-day calendar."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="notices")
    published_on = models.DateField("公示开始日期")
    working_days = models.PositiveSmallIntegerField("公示期（工作日）", default=5)
    ends_on = models.DateField("公示截止日期")
    applications = models.ManyToManyField(
        Application, verbose_name="公示对象", related_name="notices"
    )
    contact = models.CharField("受理异议联系方式", max_length=200, blank=True)
    state = models.CharField(
        "状态", max_length=10, choices=NoticeState.choices, default=NoticeState.RUNNING
    )
    closed_on = models.DateField("结束日期", null=True, blank=True)
    published_by = models.ForeignKey(USER, verbose_name="发布人", on_delete=models.PROTECT)

    history = HistoricalRecords(m2m_fields=[applications])
    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-published_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("published_on")), name="notice_ends_after"
            ),
        ]

    def __str__(self):
        return f"{self.campaign}公示（{self.published_on}至{self.ends_on}）"


class ObjectionQuerySet(ScopedQuerySet):
    org_path = "notice__campaign__organiser__path"


class Objection(TimeStamped):
    """An objection (异议) to a notice, from anyone, logged with the address it came from;
    verified and resolved by the organiser. An upheld objection removes its candidate."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    application = models.ForeignKey(
        Application,
        verbose_name="所涉对象",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    name = models.CharField("反映人", max_length=50, blank=True)
    contact = models.CharField("联系方式", max_length=100)
    text = models.TextField("反映内容")
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    state = models.CharField(
        "状态", max_length=10, choices=ObjectionState.choices, default=ObjectionState.RECEIVED
    )
    verification = models.TextField("核查情况", blank=True)
    resolution = models.TextField("处理意见", blank=True)
    resolved_by = models.ForeignKey(
        USER, verbose_name="处理人", null=True, blank=True, on_delete=models.PROTECT
    )
    resolved_on = models.DateField("处理日期", null=True, blank=True)

    history = HistoricalRecords()
    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = "异议"
        verbose_name_plural = "异议"
        ordering = ["notice_id", "pk"]

    def __str__(self):
        return f"异议：{self.text[:30]}"


class SurveyTally(TimeStamped):
    """The satisfaction survey (群众满意度测评) of one organisation in a campaign: counts kept
    current in the same transaction as each response, or imported by a third party."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="tallies")
    org = models.ForeignKey(
        Organization, verbose_name="测评对象", on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        Application,
        verbose_name="申报",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tallies",
    )
    source = models.CharField(
        "来源", max_length=10, choices=SurveySource.choices, default=SurveySource.TOKENS
    )
    satisfied = models.PositiveIntegerField("满意", default=0)
    basically_satisfied = models.PositiveIntegerField("基本满意", default=0)
    dissatisfied = models.PositiveIntegerField("不满意", default=0)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "满意度测评"
        verbose_name_plural = "满意度测评"
        ordering = ["campaign_id", "org_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "org"], name="one_tally_an_org"),
        ]

    def __str__(self):
        return f"{self.org}满意度测评"

    @property
    def responses(self):
        return self.satisfied + self.basically_satisfied + self.dissatisfied

    @property
    def rate(self):
        return rules.satisfaction_rate(
            [Answer.SATISFIED] * self.satisfied
            + [Answer.BASICALLY_SATISFIED] * self.basically_satisfied
            + [Answer.DISSATISFIED] * self.dissatisfied
        )


class TokenQuerySet(ScopedQuerySet):
    org_path = "tally__org__path"


class SurveyToken(models.Model):
    """A single-use link handed out on paper; answered once (the response's one-to-one key
    holds it under concurrent submission)."""

    tally = models.ForeignKey(SurveyTally, on_delete=models.PROTECT, related_name="tokens")
    token = models.CharField("测评码", max_length=32, unique=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    created_by = models.ForeignKey(USER, verbose_name="生成人", on_delete=models.PROTECT)

    objects = TokenQuerySet.as_manager()

    class Meta:
        verbose_name = "测评码"
        verbose_name_plural = "测评码"
        ordering = ["tally_id", "pk"]

    def __str__(self):
        return self.token


class ResponseQuerySet(ScopedQuerySet):
    org_path = "token__tally__org__path"


class SurveyResponse(models.Model):
    """One anonymous answer; the address is not kept (the survey is anonymous)."""

    token = models.OneToOneField(SurveyToken, on_delete=models.PROTECT, related_name="response")
    answer = models.CharField("总体评价", max_length=20, choices=Answer.choices)
    answers = models.JSONField("各题评价", default=list, blank=True)
    answered_at = models.DateTimeField("答卷时间", auto_now_add=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = "测评答卷"
        verbose_name_plural = "测评答卷"
        ordering = ["pk"]

    def __str__(self):
        return self.get_answer_display()


class FieldGrade(TimeStamped):
    """Seed 004's survey phase: one organisation of the field graded from satisfaction,
    self-assessment and the level above's assessment."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="grades")
    org = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="+"
    )
    satisfaction = models.DecimalField(
        "满意度", max_digits=5, decimal_places=1, null=True, blank=True
    )
    self_assessment = models.DecimalField(
        "单位自评", max_digits=5, decimal_places=2, null=True, blank=True
    )
    upper_assessment = models.DecimalField(
        "上级综合考评", max_digits=5, decimal_places=2, null=True, blank=True
    )
    score = models.DecimalField("综合得分", max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField("等次", max_length=10, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "分类定级"
        verbose_name_plural = "分类定级"
        ordering = ["campaign_id", "org__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "org"], name="one_grade_an_org"),
        ]

    def __str__(self):
        return f"{self.org}：{self.grade or '未定级'}"


class Decision(TimeStamped):
    """The meeting that decides the list (会议审定 / 集体研究)."""

    campaign = models.OneToOneField(Campaign, on_delete=models.PROTECT, related_name="decision")
    decided_on = models.DateField("审定日期")
    body = models.CharField("审定会议", max_length=100, help_text="如：部务会、全体委员会议")
    document_number = models.CharField("命名文号", max_length=50, blank=True)
    named_on = models.DateField("命名日期")
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", on_delete=models.PROTECT)

    history = HistoricalRecords()
    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        verbose_name = "审定"
        verbose_name_plural = "审定"

    def __str__(self):
        return f"{self.campaign}审定"


class Title(TimeStamped):
    """A title named (命名 / 授牌): valid to `valid_until`; warned when it slips, revoked
    when rectification fails. Never deleted."""

    org = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name="创建活动", on_delete=models.PROTECT, related_name="titles"
    )
    level = models.ForeignKey(
        AwardLevel, verbose_name="称号", on_delete=models.PROTECT, related_name="titles"
    )
    application = models.ForeignKey(
        Application,
        verbose_name="申报",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="titles",
    )
    org_name = models.CharField("命名时名称", max_length=200)
    named_on = models.DateField("命名日期")
    valid_until = models.DateField("有效期至")
    certificate_number = models.CharField("证书编号", max_length=40, unique=True)
    state = models.CharField(
        "状态", max_length=10, choices=TitleState.choices, default=TitleState.CURRENT
    )
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoked_reason = models.TextField("撤销原因", blank=True)
    revoked_by = models.ForeignKey(
        USER, verbose_name="撤销人", null=True, blank=True, on_delete=models.PROTECT
    )

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "称号"
        verbose_name_plural = "称号"
        ordering = ["-named_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "level", "org"], name="one_title_a_level"),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("named_on")), name="title_valid_after"
            ),
        ]

    def __str__(self):
        return f"{self.org_name}：{self.level}"

    def is_valid_on(self, day):
        return self.state != TitleState.REVOKED and self.named_on <= day <= self.valid_until


class TitleEventQuerySet(ScopedQuerySet):
    org_path = "title__org__path"


class ReReview(TimeStamped):
    """A re-review (复查) of a title, generated every N years (seed 002: 每三年复查)."""

    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="re_reviews")
    due_on = models.DateField("复查日期")
    done_on = models.DateField("完成日期", null=True, blank=True)
    result = models.CharField("结论", max_length=10, choices=ReReviewResult.choices, blank=True)
    note = models.TextField("复查情况", blank=True)
    done_by = models.ForeignKey(
        USER, verbose_name="复查人", null=True, blank=True, on_delete=models.PROTECT
    )

    history = HistoricalRecords()
    objects = TitleEventQuerySet.as_manager()

    class Meta:
        verbose_name = "复查"
        verbose_name_plural = "复查"
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["title", "due_on"], name="one_review_a_date"),
        ]

    def __str__(self):
        return f"{self.title}复查（{self.due_on}）"


class TitleWarning(TimeStamped):
    """A warning (预警提示) with a rectification deadline, carried by a rectification task of
    the assessment module."""

    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="warnings")
    issued_on = models.DateField("预警日期")
    reason = models.TextField("预警原因")
    task = models.OneToOneField(
        RectificationTask, verbose_name="整改任务", on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(USER, verbose_name="预警人", on_delete=models.PROTECT)

    history = HistoricalRecords()
    objects = TitleEventQuerySet.as_manager()

    class Meta:
        verbose_name = "预警提示"
        verbose_name_plural = "预警提示"
        ordering = ["-issued_on", "-pk"]

    def __str__(self):
        return f"{self.title}预警"


class Filing(TimeStamped):
    """A row of the filing register (备案登记表, seed 000 附件3), by a recommending unit."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="filings")
    unit = models.ForeignKey(
        Organization, verbose_name="填报单位", on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="+"
    )
    org_name = models.CharField("党组织名称", max_length=200)
    org_type = models.CharField("类型", max_length=50)
    member_count = models.PositiveIntegerField("党员人数")
    covered_people = models.PositiveIntegerField("覆盖群众", null=True, blank=True)
    leader = models.CharField("党组织负责人", max_length=50)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    withdrawn = models.BooleanField("已撤回", default=False)
    filed_by = models.ForeignKey(USER, verbose_name="填报人", on_delete=models.PROTECT)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "示范点备案"
        verbose_name_plural = "示范点备案"
        ordering = ["campaign_id", "unit__path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "org"],
                condition=Q(withdrawn=False),
                name="one_filing_an_org",
            ),
        ]

    def __str__(self):
        return self.org_name
