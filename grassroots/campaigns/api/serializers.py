"""Serializers of the campaigns' API, by part (see services)."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grassroots.assessments.models import InspectionSample
from grassroots.assessments.services import MAX_SEED
from grassroots.campaigns.choices import (
    Answer,
    CampaignKind,
    ChainStep,
    InspectionMethod,
    Opinion,
    ReReviewResult,
    StageCode,
)
from grassroots.campaigns.models import (
    Application,
    ApplicationFile,
    AwardLevel,
    Campaign,
    Decision,
    FieldGrade,
    Filing,
    Inspection,
    InspectionFinding,
    Notice,
    Objection,
    ReReview,
    ReviewOpinion,
    Stage,
    SurveyTally,
    Title,
    TitleWarning,
)
from grassroots.campaigns.rules import REASON_MAX_CHARS
from grassroots.campaigns.services import notices as notice_services
from grassroots.campaigns.services import titles as title_services
from grassroots.core.api.base import VisiblePrimaryKeyField
from grassroots.core.api.numbers import ID_MAX
from grassroots.orgs.models import Organization

# --- campaigns: setup, stages, quotas and checks ---------------------------------------------


class LevelSerializer(serializers.ModelSerializer):
    chosen_from = serializers.CharField(
        source="chosen_from.code",
        read_only=True,
        allow_null=True,
        help_text="从哪一级称号的推荐对象中产生（代码）",
    )

    class Meta:
        model = AwardLevel
        fields = ["code", "name", "to_name", "chosen_from"]
        read_only_fields = fields


class StageSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_code_display", read_only=True)
    late = serializers.SerializerMethodField(help_text="逾期：开放超过截止日期，或结束晚于截止日期")

    class Meta:
        model = Stage
        fields = ["code", "name", "deadline", "started_on", "closed_on", "late"]
        read_only_fields = fields

    def get_late(self, stage) -> bool:
        return stage.is_late()


class CampaignSerializer(serializers.ModelSerializer):
    organiser_name = serializers.CharField(source="organiser.name", read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "kind",
            "organiser",
            "organiser_name",
            "year",
            "stage",
            "application_deadline",
            "validity_years",
            "review_every_years",
        ]
        read_only_fields = fields


class CampaignDetailSerializer(CampaignSerializer):
    levels = LevelSerializer(many=True, read_only=True)
    stages = StageSerializer(many=True, read_only=True)
    standards = serializers.SlugRelatedField(many=True, slug_field="code", read_only=True)

    class Meta(CampaignSerializer.Meta):
        fields = [
            *CampaignSerializer.Meta.fields,
            "surplus_percent",
            "village_share_percent",
            "village_band_points",
            "levels",
            "standards",
            "stages",
        ]
        read_only_fields = fields


class LevelInput(serializers.Serializer):
    code = serializers.CharField(max_length=30, help_text="小写英文字母、数字、下划线或连字符")
    name = serializers.CharField(max_length=100)
    to_name = serializers.IntegerField(min_value=1, max_value=100000, help_text="拟命名数")
    chosen_from = serializers.CharField(
        max_length=30,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="只从该称号（代码）的推荐对象中产生，如十佳从示范中产生",
    )


class StageDeadlineInput(serializers.Serializer):
    code = serializers.ChoiceField(choices=StageCode.choices)
    deadline = serializers.DateField()


PERCENT = {"min_value": 0, "max_value": 100, "required": False}


class CampaignInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=CampaignKind.choices)
    organiser = VisiblePrimaryKeyField(queryset=Organization.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    levels = LevelInput(many=True, allow_empty=False)
    validity_years = serializers.IntegerField(min_value=1, max_value=20, default=3)
    review_every_years = serializers.IntegerField(
        min_value=1, max_value=20, required=False, allow_null=True
    )
    application_deadline = serializers.DateField()
    standards = serializers.ListField(
        child=serializers.CharField(max_length=60), default=list, help_text="标准代码"
    )
    stages = StageDeadlineInput(
        many=True, required=False, help_text="各阶段截止日期（申报阶段以申报截止日期为准）"
    )
    surplus_percent = serializers.IntegerField(**PERCENT)
    village_share_percent = serializers.IntegerField(**PERCENT)
    village_band_points = serializers.IntegerField(**PERCENT)


class QuotaSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="推荐单位编号")
    unit_name = serializers.CharField(read_only=True)
    level = serializers.CharField(max_length=30, help_text="称号等级代码")
    quota = serializers.IntegerField(min_value=0, max_value=100000, help_text="推荐名额")


class CheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()
    unit = serializers.IntegerField(allow_null=True, help_text="所涉推荐单位编号")
    level = serializers.CharField(allow_null=True, help_text="所涉称号等级代码")


# --- applications, review opinions, inspections -------------------------------------------------


POINTS = {"max_digits": 5, "decimal_places": 2, "coerce_to_string": False}


def signer_name(user):
    return (user.get_full_name() or user.get_username()) if user else None


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string", "enum": list(ChainStep.values)},
        "description": "审核环节（按顺序）：basic_committee 基层党委、upper_committee 上级党委、"
        "organiser 组织部门",
    }
)
class ChainField(serializers.ReadOnlyField):
    def to_representation(self, value):
        return [step for step, _ in value]


class ApplicationSerializer(serializers.ModelSerializer):
    chain = ChainField(help_text="审核环节（按顺序）")
    chain_orgs = serializers.SerializerMethodField(help_text="各审核环节的审核单位编号（按顺序）")
    level_code = serializers.CharField(source="level.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "campaign",
            "org",
            "org_name",
            "unit",
            "unit_name",
            "level",
            "level_code",
            "top_level",
            "leader",
            "category",
            "location",
            "state",
            "chain",
            "chain_orgs",
            "pending_step",
            "pending_org",
            "submitted_on",
            "rank",
            "forwarded_on",
            "self_assessment",
        ]
        read_only_fields = fields

    def get_chain_orgs(self, application) -> list[int]:
        return [org for _, org in application.chain]


class OpinionSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    signed_by = serializers.SerializerMethodField(help_text="签字人")

    class Meta:
        model = ReviewOpinion
        fields = ["id", "step", "org", "org_name", "opinion", "text", "signed_by", "signed_on"]
        read_only_fields = fields

    def get_signed_by(self, opinion) -> str:
        return signer_name(opinion.signed_by)


class ApplicationFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="下载地址（API）")

    class Meta:
        model = ApplicationFile
        fields = ["id", "name", "url", "created_at"]
        read_only_fields = fields

    def get_url(self, evidence) -> str:
        return reverse("api-application-file", args=[evidence.application_id, evidence.pk])


class SatisfactionSerializer(serializers.Serializer):
    responses = serializers.IntegerField(help_text="答卷数")
    rate = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        coerce_to_string=False,
        allow_null=True,
        help_text="满意率（%）：（满意 + 基本满意）/ 答卷数；无答卷为 null",
    )


class ApplicationDetailSerializer(ApplicationSerializer):
    opinions = OpinionSerializer(many=True, read_only=True, source="opinion_rows")
    files = ApplicationFileSerializer(many=True, read_only=True, source="file_rows")
    satisfaction = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [
            *ApplicationSerializer.Meta.fields,
            "reason",
            "opinions",
            "files",
            "satisfaction",
        ]
        read_only_fields = fields

    @extend_schema_field(SatisfactionSerializer)
    def get_satisfaction(self, application):
        tally = application.tally_rows[0] if application.tally_rows else None
        body = {"responses": tally.responses, "rate": tally.rate} if tally else None
        return SatisfactionSerializer(body or {"responses": 0, "rate": None}).data


class ApplicationInput(serializers.Serializer):
    org = VisiblePrimaryKeyField(queryset=Organization.objects.all(), help_text="申报党组织编号")
    level = serializers.PrimaryKeyRelatedField(
        queryset=AwardLevel.objects.all(), help_text="申报称号（称号等级编号）"
    )
    top_level = serializers.PrimaryKeyRelatedField(
        queryset=AwardLevel.objects.all(),
        required=False,
        allow_null=True,
        help_text="同时推荐的更高称号（如十佳）",
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text=f"申报理由，{REASON_MAX_CHARS}字以内"
    )

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:
            for name in ("level", "top_level"):
                self.fields[name].queryset = campaign.levels.all()


class ApplicationChangeInput(serializers.Serializer):
    leader = serializers.CharField(required=False, max_length=50, help_text="党组织负责人")
    category = serializers.CharField(required=False, max_length=50, help_text="所属类别")
    location = serializers.CharField(required=False, max_length=200, help_text="所在地或上级单位")
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text=f"申报理由，{REASON_MAX_CHARS}字以内"
    )
    top_level = serializers.PrimaryKeyRelatedField(
        queryset=AwardLevel.objects.all(), required=False, allow_null=True
    )


class OpinionInput(serializers.Serializer):
    opinion = serializers.ChoiceField(
        choices=Opinion.choices, help_text="agree 同意、return 退回修改、reject 不同意"
    )
    text = serializers.CharField(allow_blank=True, help_text="意见内容")


class ForwardInput(serializers.Serializer):
    applications = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        max_length=1000,
        help_text="上报的申报编号，按推荐顺序",
    )


class FileInput(serializers.Serializer):
    file = serializers.FileField(help_text="佐证材料：JPG、PNG 或 PDF")


class DeadlinePassedSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="DEADLINE_PASSED")
    detail = serializers.CharField()


class InspectionFindingSerializer(serializers.ModelSerializer):
    task = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="整改任务编号"
    )

    class Meta:
        model = InspectionFinding
        fields = ["id", "method", "text", "shortfall", "task"]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    team = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="考察组成员")
    score = serializers.DecimalField(**POINTS, read_only=True, allow_null=True)
    findings = InspectionFindingSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "org",
            "org_name",
            "application",
            "sample",
            "assigned_by_org",
            "team",
            "due_on",
            "state",
            "score",
            "opinion",
            "inspected_on",
            "findings",
        ]
        read_only_fields = fields


class InspectionInput(serializers.Serializer):
    assigned_by_org = VisiblePrimaryKeyField(
        queryset=Organization.objects.all(), help_text="组织考察的单位"
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        many=True,
        help_text="考察组成员（用户编号）",
    )
    due_on = serializers.DateField(required=False, allow_null=True, help_text="考察期限")
    org = VisiblePrimaryKeyField(
        queryset=Organization.objects.all(), required=False, help_text="被考察党组织"
    )
    application = VisiblePrimaryKeyField(
        queryset=Application.objects.all(), required=False, help_text="申报（考察其申报党组织）"
    )
    sample = VisiblePrimaryKeyField(
        queryset=InspectionSample.objects.all(),
        required=False,
        help_text="抽查名单（每个抽中的党组织一次考察）",
    )


class InspectionFindingInput(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=InspectionMethod.choices,
        help_text="documents 查看资料、site 实地检查、interviews 座谈走访",
    )
    text = serializers.CharField(help_text="发现情况")
    shortfall = serializers.BooleanField(default=False, help_text="存在问题需整改")


class RecordInput(serializers.Serializer):
    findings = InspectionFindingInput(many=True)
    score = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        help_text="考察得分（0–100）",
    )
    opinion = serializers.CharField(help_text="考察意见")
    inspected_on = serializers.DateField(required=False, help_text="考察日期；不填为今天")


# --- notices: public notice, objections, survey, grading -------------------------------------


RATE = {"max_digits": 4, "decimal_places": 1, "coerce_to_string": False, "read_only": True}
SCORE = {"max_digits": 5, "decimal_places": 2, "coerce_to_string": False, "read_only": True}


class NoticeInput(serializers.Serializer):
    published_on = serializers.DateField(label="公示开始日期")
    working_days = serializers.IntegerField(
        label="公示期（工作日）",
        min_value=1,
        max_value=notice_services.MAX_WORKING_DAYS,
        default=notice_services.DEFAULT_WORKING_DAYS,
    )
    applications = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        allow_empty=False,
        max_length=5000,
        label="公示对象（申报编号）",
    )
    contact = serializers.CharField(
        label="受理异议联系方式", max_length=200, allow_blank=True, default=""
    )


class NoticeSerializer(serializers.ModelSerializer):
    applications = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "campaign",
            "published_on",
            "working_days",
            "ends_on",
            "contact",
            "state",
            "closed_on",
            "applications",
        ]
        read_only_fields = fields


class NoticeCandidateSerializer(serializers.ModelSerializer):
    """A candidate as the notice publishes it: the organisation, its level and where it is;
    no one named."""

    level = serializers.CharField(source="level.name", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "org_name", "level", "category", "location"]
        read_only_fields = fields


class PublicNoticeSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="campaign.title", read_only=True)
    organiser = serializers.CharField(source="campaign.organiser.name", read_only=True)
    candidates = serializers.SerializerMethodField()
    open_for_objections = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "title",
            "organiser",
            "published_on",
            "working_days",
            "ends_on",
            "contact",
            "state",
            "open_for_objections",
            "candidates",
        ]
        read_only_fields = fields

    @extend_schema_field(NoticeCandidateSerializer(many=True))
    def get_candidates(self, notice):
        return NoticeCandidateSerializer(notice_services.listed(notice), many=True).data

    def get_open_for_objections(self, notice) -> bool:
        return notice_services.running_on(notice, self.context["today"])


class ObjectionInput(serializers.Serializer):
    name = serializers.CharField(label="反映人", allow_blank=True, default="", max_length=50)
    contact = serializers.CharField(label="联系方式", allow_blank=True, max_length=100)
    text = serializers.CharField(
        label="反映内容", allow_blank=True, max_length=notice_services.OBJECTION_MAX_CHARS
    )
    application = serializers.IntegerField(
        label="所涉对象（申报编号）", min_value=1, max_value=ID_MAX, required=False
    )


class ObjectionCreatedSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "state"]
        read_only_fields = fields


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = [
            "id",
            "notice",
            "application",
            "name",
            "contact",
            "text",
            "address",
            "state",
            "verification",
            "resolution",
            "resolved_on",
            "created_at",
        ]
        read_only_fields = fields


class VerifyInput(serializers.Serializer):
    verification = serializers.CharField(label="核查情况", allow_blank=True, max_length=5000)


class ResolveInput(serializers.Serializer):
    upheld = serializers.BooleanField(label="异议成立")
    reasons = serializers.CharField(label="处理意见", allow_blank=True, max_length=5000)
    application = serializers.IntegerField(
        label="所涉对象（申报编号）", min_value=1, max_value=ID_MAX, required=False
    )


class TokensInput(serializers.Serializer):
    count = serializers.IntegerField(
        label="数量", min_value=1, max_value=notice_services.MAX_TOKENS
    )


class OrgTokensInput(TokensInput):
    org = serializers.IntegerField(label="党组织编号", min_value=1, max_value=ID_MAX)


class TokensSerializer(serializers.Serializer):
    tokens = serializers.ListField(child=serializers.CharField())


class AnswerInput(serializers.Serializer):
    answer = serializers.ChoiceField(choices=Answer.choices, label="总体评价")
    answers = serializers.ListField(
        child=serializers.ChoiceField(choices=Answer.choices),
        default=list,
        max_length=50,
        label="各题评价",
    )


class AnsweredSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=Answer.choices)


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class SurveySerializer(serializers.Serializer):
    campaign = serializers.CharField()
    organisation = serializers.CharField()
    questions = serializers.ListField(child=serializers.CharField())
    choices = ChoiceSerializer(many=True)
    answered = serializers.BooleanField()


class TallySerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    responses = serializers.IntegerField(read_only=True)
    rate = serializers.DecimalField(**RATE, allow_null=True)

    class Meta:
        model = SurveyTally
        fields = [
            "id",
            "org",
            "org_name",
            "application",
            "source",
            "satisfied",
            "basically_satisfied",
            "dissatisfied",
            "responses",
            "rate",
        ]
        read_only_fields = fields


class GradeSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    satisfaction = serializers.DecimalField(**RATE, allow_null=True)
    self_assessment = serializers.DecimalField(**SCORE, allow_null=True)
    upper_assessment = serializers.DecimalField(**SCORE, allow_null=True)
    score = serializers.DecimalField(**RATE, allow_null=True)

    class Meta:
        model = FieldGrade
        fields = [
            "id",
            "org",
            "org_name",
            "satisfaction",
            "self_assessment",
            "upper_assessment",
            "score",
            "grade",
        ]
        read_only_fields = fields


# --- titles: the decision, titles after naming, the filing register --------------------------


def person_name(user):
    return (user.get_full_name() or user.get_username()) if user else None


class TitleSerializer(serializers.ModelSerializer):
    level = serializers.CharField(source="level.code", read_only=True)
    level_name = serializers.CharField(source="level.name", read_only=True)
    campaign_title = serializers.CharField(source="campaign.title", read_only=True)
    standing = serializers.SerializerMethodField(
        help_text="current 有效 / warned 预警整改中 / expired 已过期 / revoked 已撤销"
    )

    class Meta:
        model = Title
        fields = [
            "id",
            "org",
            "org_name",
            "campaign",
            "campaign_title",
            "level",
            "level_name",
            "named_on",
            "valid_until",
            "certificate_number",
            "state",
            "standing",
            "revoked_on",
        ]
        read_only_fields = fields

    def get_standing(self, title) -> str:
        return title_services.standing(title)


class ReReviewSerializer(serializers.ModelSerializer):
    done_by = serializers.SerializerMethodField()

    class Meta:
        model = ReReview
        fields = ["id", "title", "due_on", "done_on", "result", "note", "done_by"]
        read_only_fields = fields

    def get_done_by(self, row) -> str | None:
        return person_name(row.done_by)


class TitleWarningSerializer(serializers.ModelSerializer):
    deadline = serializers.DateField(source="task.deadline", read_only=True)
    task_status = serializers.CharField(source="task.status", read_only=True)

    class Meta:
        model = TitleWarning
        fields = ["id", "issued_on", "reason", "task", "deadline", "task_status"]
        read_only_fields = fields


class TitleDetailSerializer(TitleSerializer):
    re_reviews = ReReviewSerializer(many=True, read_only=True)
    warnings = TitleWarningSerializer(many=True, read_only=True)

    class Meta(TitleSerializer.Meta):
        fields = [*TitleSerializer.Meta.fields, "revoked_reason", "re_reviews", "warnings"]
        read_only_fields = fields


class NamedSerializer(serializers.ModelSerializer):
    level = serializers.CharField(source="level.code", read_only=True)

    class Meta:
        model = Title
        fields = ["id", "application", "org", "org_name", "level", "certificate_number"]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SerializerMethodField()
    titles = NamedSerializer(many=True, read_only=True, source="campaign.titles")

    class Meta:
        model = Decision
        fields = [
            "id",
            "campaign",
            "decided_on",
            "body",
            "named_on",
            "document_number",
            "note",
            "recorded_by",
            "titles",
        ]
        read_only_fields = fields

    def get_recorded_by(self, decision) -> str | None:
        return person_name(decision.recorded_by)


class DecisionInput(serializers.Serializer):
    decided_on = serializers.DateField()
    body = serializers.CharField(max_length=100)
    named_on = serializers.DateField()
    document_number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    names = serializers.DictField(
        child=serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=ID_MAX), max_length=10000
        ),
        help_text="称号代码 → 命名的申报编号",
    )


class WarnInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    deadline = serializers.DateField()


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    revoked_on = serializers.DateField(required=False)
    without_warning = serializers.BooleanField(
        default=False, help_text="未经预警整改（或整改期限未到）直接撤销；原因即为理由"
    )


class ReReviewInput(serializers.Serializer):
    result = serializers.ChoiceField(choices=ReReviewResult.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    done_on = serializers.DateField(required=False)


class SpotCheckInput(serializers.Serializer):
    share = serializers.DecimalField(
        max_digits=5, decimal_places=4, min_value=0, max_value=1, help_text="抽查比例，0–1"
    )
    seed = serializers.IntegerField(min_value=0, max_value=MAX_SEED, required=False)
    team = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), many=True
    )
    due_on = serializers.DateField(required=False)


class SpotCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    share = serializers.DecimalField(max_digits=5, decimal_places=4, coerce_to_string=False)
    seed = serializers.IntegerField()
    population = serializers.ListField(child=serializers.IntegerField())
    drawn = serializers.ListField(child=serializers.IntegerField())
    inspections = serializers.ListField(child=serializers.IntegerField())


class FilingSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    phone = serializers.SerializerMethodField(help_text="无个人信息权限时部分隐去")

    class Meta:
        model = Filing
        fields = [
            "id",
            "campaign",
            "unit",
            "unit_name",
            "org",
            "org_name",
            "org_type",
            "member_count",
            "covered_people",
            "leader",
            "phone",
            "address",
            "withdrawn",
            "created_at",
        ]
        read_only_fields = fields

    def get_phone(self, filing) -> str:
        return title_services.shown_phone(self.context["request"].user, filing)


class FilingInput(serializers.Serializer):
    unit = VisiblePrimaryKeyField(queryset=Organization.objects.all())
    org = VisiblePrimaryKeyField(queryset=Organization.objects.all())
    covered_people = serializers.IntegerField(
        min_value=0, max_value=10_000_000, required=False, allow_null=True
    )
    leader = serializers.CharField(max_length=50, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PublicTitleSerializer(serializers.ModelSerializer):
    """What the public list shows: no person, no phone."""

    title = serializers.CharField(source="level.name")
    campaign = serializers.CharField(source="campaign.title")
    organiser = serializers.CharField(source="campaign.organiser.name")

    class Meta:
        model = Title
        fields = ["org_name", "title", "campaign", "organiser", "named_on", "valid_until"]
        read_only_fields = fields
