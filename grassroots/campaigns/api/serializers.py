"""Serializers of the campaigns' API, by part (see services)."""

# --- titles: the decision, titles after naming, the filing register --------------------------

from django.contrib.auth import get_user_model  # noqa: E402 - each part appends its section
from rest_framework import serializers  # noqa: E402

from grassroots.assessments.services import MAX_SEED  # noqa: E402
from grassroots.core.api.base import VisiblePrimaryKeyField  # noqa: E402
from grassroots.core.api.numbers import ID_MAX  # noqa: E402
from grassroots.orgs.models import Organization  # noqa: E402

from ..choices import ReReviewResult  # noqa: E402
from ..models import Decision, Filing, ReReview, Title, TitleWarning  # noqa: E402
from ..services import titles as title_services  # noqa: E402


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
