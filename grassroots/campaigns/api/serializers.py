"""Serializers of the campaigns' API, by part (see services)."""

# --- campaigns: setup, stages, quotas and checks ---------------------------------------------

from rest_framework import serializers  # noqa: E402

from grassroots.campaigns.choices import CampaignKind, StageCode  # noqa: E402
from grassroots.campaigns.models import AwardLevel, Campaign, Stage  # noqa: E402
from grassroots.core.api.base import VisiblePrimaryKeyField  # noqa: E402
from grassroots.core.api.numbers import ID_MAX  # noqa: E402
from grassroots.orgs.models import Organization  # noqa: E402


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
