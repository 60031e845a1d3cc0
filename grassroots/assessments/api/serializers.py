"""Serializers of assessments, their items, rectification tasks, inspection samples and
grading policies.
Output serializers read prefetched rows only; input serializers only parse: the services
check and apply every change."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework import serializers

from grassroots.assessments.choices import SELF_STATUS_CHOICES, ItemStatus, TaskStatus
from grassroots.assessments.models import (
    Assessment,
    AssessmentItem,
    GradingPolicy,
    InspectionSample,
    RectificationTask,
)
from grassroots.core.api.base import VisiblePrimaryKeyField
from grassroots.orgs.models import Organization
from grassroots.standards.models import StandardSet

DECIMAL = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": False, "read_only": True}
POINTS = {"max_digits": 5, "decimal_places": 2, "coerce_to_string": False}


def user_name(user):
    return (user.get_full_name() or user.get_username()) if user else None


class AssessmentSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    standard = serializers.CharField(source="standard_set.code", read_only=True)
    standard_version = serializers.IntegerField(source="standard_set.version", read_only=True)
    standard_title = serializers.CharField(source="standard_set.title", read_only=True)
    total = serializers.DecimalField(**POINTS, read_only=True, allow_null=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "org",
            "org_name",
            "year",
            "standard",
            "standard_version",
            "standard_title",
            "state",
            "total",
            "grade",
            "veto_failed",
            "submitted_at",
            "reviewed_at",
        ]
        read_only_fields = fields


class AssessmentItemSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="item.code", read_only=True)
    dimension = serializers.CharField(source="item.dimension.code", read_only=True)
    dimension_title = serializers.CharField(source="item.dimension.title", read_only=True)
    text = serializers.CharField(source="item.text", read_only=True)
    metric = serializers.CharField(source="item.metric", read_only=True, allow_null=True)
    comparator = serializers.CharField(source="item.comparator", read_only=True, allow_null=True)
    veto = serializers.BooleanField(source="item.veto", read_only=True)
    value = serializers.DecimalField(**DECIMAL, allow_null=True)
    threshold = serializers.DecimalField(**DECIMAL, allow_null=True)
    outcome = serializers.ChoiceField(
        choices=ItemStatus.choices,
        read_only=True,
        help_text="计分依据：人工条目为自评结果（未自评为 manual），可计量条目为系统判定",
    )
    evidence_file = serializers.SerializerMethodField(help_text="佐证材料文件下载地址（API）")
    max_points = serializers.DecimalField(**POINTS, read_only=True)
    review_score = serializers.DecimalField(**POINTS, read_only=True, allow_null=True)
    task = serializers.SerializerMethodField(help_text="整改任务编号")

    class Meta:
        model = AssessmentItem
        fields = [
            "id",
            "code",
            "dimension",
            "dimension_title",
            "text",
            "metric",
            "comparator",
            "veto",
            "status",
            "value",
            "threshold",
            "explanation",
            "self_status",
            "outcome",
            "evidence",
            "evidence_name",
            "evidence_file",
            "self_comment",
            "max_points",
            "review_score",
            "review_comment",
            "task",
        ]
        read_only_fields = fields

    def get_evidence_file(self, row) -> str | None:
        if not row.evidence_file:
            return None
        return reverse("api-assessment-evidence", args=[row.assessment_id, row.pk])

    def get_task(self, row) -> int | None:
        task = getattr(row, "task", None)
        return task.pk if task else None


class BandsSerializer(serializers.Serializer):
    excellent = serializers.DecimalField(**POINTS)
    good = serializers.DecimalField(**POINTS)
    fair = serializers.DecimalField(**POINTS)
    veto_cap = serializers.CharField()


class AssessmentDetailSerializer(AssessmentSerializer):
    items = AssessmentItemSerializer(many=True, read_only=True, source="rows")
    bands = BandsSerializer(read_only=True, allow_null=True, help_text="评定所用的分数线")
    started_by = serializers.SerializerMethodField()
    submitted_by = serializers.SerializerMethodField()
    reviewed_by = serializers.SerializerMethodField()

    class Meta(AssessmentSerializer.Meta):
        fields = [
            *AssessmentSerializer.Meta.fields,
            "bands",
            "started_by",
            "submitted_by",
            "return_comment",
            "returned_at",
            "reviewed_by",
            "review_comment",
            "items",
        ]
        read_only_fields = fields

    def get_started_by(self, assessment) -> str | None:
        return user_name(assessment.started_by)

    def get_submitted_by(self, assessment) -> str | None:
        return user_name(assessment.submitted_by)

    def get_reviewed_by(self, assessment) -> str | None:
        return user_name(assessment.reviewed_by)


class StartInput(serializers.Serializer):
    org = VisiblePrimaryKeyField(queryset=Organization.objects.all(), help_text="党组织编号")
    year = serializers.IntegerField(help_text="考核年度")
    standard = serializers.SlugField(help_text="考核标准代码（使用其最新发布版本）")

    def validate_standard(self, code):
        found = StandardSet.objects.latest_published().filter(code=code).first()
        if found is None:
            raise serializers.ValidationError("没有代码为该值的已发布标准")
        return found


class SelfAssessmentInput(serializers.Serializer):
    self_status = serializers.ChoiceField(
        choices=SELF_STATUS_CHOICES, allow_blank=True, required=False, help_text="人工条目的自评"
    )
    evidence = serializers.CharField(allow_blank=True, required=False, help_text="佐证材料说明")
    self_comment = serializers.CharField(allow_blank=True, required=False)
    evidence_file = serializers.FileField(
        allow_null=True, required=False, help_text="JPG、PNG 或 PDF，不超过10MB；null 删除"
    )


class CommentInput(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, required=False, default="")


class ReturnInput(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, help_text="退回理由（必填）")


class ScoreInput(serializers.Serializer):
    item = serializers.IntegerField(help_text="考核条目编号（items[].id）")
    score = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, help_text="得分；null 清除"
    )
    comment = serializers.CharField(allow_blank=True, required=False, allow_null=True)


class ReviewInput(serializers.Serializer):
    scores = ScoreInput(many=True, allow_empty=False)


class CompleteInput(CommentInput):
    deadline = serializers.DateField(
        required=False, allow_null=True, help_text="整改期限；不填为60天后"
    )


class TaskSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    assessment = serializers.IntegerField(
        source="assessment_item.assessment_id", read_only=True, allow_null=True
    )
    year = serializers.IntegerField(
        source="assessment_item.assessment.year", read_only=True, allow_null=True
    )
    item_code = serializers.CharField(
        source="assessment_item.item.code", read_only=True, allow_null=True
    )
    owner = serializers.CharField(read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    follow_up_file = serializers.SerializerMethodField(help_text="整改材料下载地址（API）")
    closed_by = serializers.SerializerMethodField()

    class Meta:
        model = RectificationTask
        fields = [
            "id",
            "org",
            "org_name",
            "assessment",
            "year",
            "item_code",
            "description",
            "owner_user",
            "owner_name",
            "owner",
            "deadline",
            "status",
            "overdue",
            "follow_up",
            "follow_up_name",
            "follow_up_file",
            "follow_up_on",
            "closed_by",
            "closed_at",
        ]
        read_only_fields = fields

    def get_follow_up_file(self, task) -> str | None:
        if not task.follow_up_file:
            return None
        return reverse("api-rectification-task-file", args=[task.pk])

    def get_closed_by(self, task) -> str | None:
        return user_name(task.closed_by)


class TaskInput(serializers.Serializer):
    description = serializers.CharField(required=False, allow_blank=True)
    owner_user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        required=False,
        help_text="责任人（用户编号）",
    )
    owner_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    deadline = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(
        choices=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS], required=False
    )
    follow_up = serializers.CharField(required=False, allow_blank=True, help_text="整改进展")


class CloseInput(serializers.Serializer):
    follow_up = serializers.CharField(required=False, allow_blank=True, help_text="整改情况")
    follow_up_file = serializers.FileField(required=False, help_text="JPG、PNG 或 PDF")
    follow_up_on = serializers.DateField(required=False, help_text="完成日期；不填为今天")


class SampleSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    share = serializers.DecimalField(max_digits=5, decimal_places=4, coerce_to_string=False)
    population_count = serializers.SerializerMethodField()
    drawn_by = serializers.SerializerMethodField()

    class Meta:
        model = InspectionSample
        fields = [
            "id",
            "org",
            "org_name",
            "year",
            "share",
            "seed",
            "population_count",
            "drawn",
            "drawn_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_population_count(self, sample) -> int:
        return len(sample.population)

    def get_drawn_by(self, sample) -> str | None:
        return user_name(sample.drawn_by)


class DrawnOrgSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SampleDetailSerializer(SampleSerializer):
    population = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    drawn_orgs = DrawnOrgSerializer(many=True, read_only=True)
    verified = serializers.BooleanField(
        read_only=True, help_text="按记录的范围、比例和种子重新抽取，结果是否一致"
    )

    class Meta(SampleSerializer.Meta):
        fields = [*SampleSerializer.Meta.fields, "population", "drawn_orgs", "verified"]
        read_only_fields = fields


class SampleInput(serializers.Serializer):
    org = VisiblePrimaryKeyField(queryset=Organization.objects.all(), help_text="抽查单位编号")
    year = serializers.IntegerField()
    share = serializers.DecimalField(
        max_digits=5, decimal_places=4, help_text="抽查比例，0到1之间，如 0.1 表示10%"
    )
    seed = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, help_text="随机种子；不填则随机生成"
    )


# A grade as a plain string, as in BandsSerializer: an enum here would give the grades a
# second schema name beside `GradeEnum`. The service checks the value.
VETO_CAP_HELP = "一票否决条目未达标时的最高等次：excellent 优秀、good 良好、fair 一般、poor 较差"


class GradingPolicySerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    excellent = serializers.DecimalField(**POINTS, read_only=True)
    good = serializers.DecimalField(**POINTS, read_only=True)
    fair = serializers.DecimalField(**POINTS, read_only=True)
    veto_cap = serializers.CharField(read_only=True, help_text=VETO_CAP_HELP)

    class Meta:
        model = GradingPolicy
        fields = [
            "id",
            "org",
            "org_name",
            "year",
            "excellent",
            "good",
            "fair",
            "veto_cap",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class GradingPolicyBandsInput(serializers.Serializer):
    """The bands of a policy; a change keeps its organisation and year."""

    excellent = serializers.DecimalField(**POINTS, help_text="优秀分数线（总分不低于此为优秀）")
    good = serializers.DecimalField(**POINTS, help_text="良好分数线")
    fair = serializers.DecimalField(**POINTS, help_text="一般分数线；低于此为较差")
    veto_cap = serializers.CharField(help_text=VETO_CAP_HELP)
    note = serializers.CharField(max_length=200, allow_blank=True, required=False)


class GradingPolicyInput(GradingPolicyBandsInput):
    """The policy of an organisation's subtree for a year or all years; one already set
    for that organisation and year is replaced."""

    org = VisiblePrimaryKeyField(
        queryset=Organization.objects.active(), help_text="适用组织编号（含其全部下级组织）"
    )
    year = serializers.IntegerField(
        allow_null=True, default=None, help_text="年度；不填或 null 为各年度"
    )
