"""Serializers of the campaigns' API, by part (see services)."""


# --- notices: public notice, objections, survey, grading -------------------------------------

from rest_framework import serializers  # noqa: E402 - each part appends its own section

from grassroots.campaigns.choices import Answer  # noqa: E402
from grassroots.campaigns.models import (  # noqa: E402
    Application,
    FieldGrade,
    Notice,
    Objection,
    SurveyTally,
)
from grassroots.campaigns.services import notices as notice_services  # noqa: E402
from grassroots.core.api.numbers import ID_MAX  # noqa: E402

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


class CandidateSerializer(serializers.ModelSerializer):
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

    def get_candidates(self, notice) -> list[CandidateSerializer]:
        return CandidateSerializer(notice_services.listed(notice), many=True).data

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
