from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grassroots.core.api.base import VisiblePrimaryKeyField
from grassroots.orgs.models import Member, Organization

from .. import services
from ..choices import FACT_UNITS, FactSource, ReportRating
from ..models import Attachment, Meeting, SecretaryReport, YearlyFact
from ..rules import MAX_HOURS


class AbsenteeSerializer(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, help_text="党员编号")
    reason = serializers.CharField(max_length=100, allow_blank=True, help_text="缺席原因")


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="下载地址（API）")

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "url"]

    def get_url(self, attachment) -> str:
        return reverse("api-meeting-attachment", args=[attachment.pk])


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class AttendeesField(serializers.ListField):
    """Member ids present; read from the meeting's attendance rows (prefetched by the
    viewset, ordered by member)."""

    child = serializers.IntegerField(min_value=1)

    def get_attribute(self, meeting):
        return [row.member_id for row in meeting.attendances.all() if row.present]


class AbsenteesField(serializers.ListField):
    child = AbsenteeSerializer()

    def get_attribute(self, meeting):
        return [
            {"member": row.member_id, "reason": row.absence_reason}
            for row in meeting.attendances.all()
            if not row.present
        ]


class MeetingSerializer(serializers.ModelSerializer):
    """A meeting with its attendance: `attendees` are the members present (ids),
    `absentees` the members absent with their reasons. In a PATCH, giving one of the two
    moves the members it names; members named in neither keep their record."""

    org = VisiblePrimaryKeyField(queryset=Organization.objects.all())
    host = VisiblePrimaryKeyField(queryset=Member.objects.all(), allow_null=True, required=False)
    lecturer = VisiblePrimaryKeyField(
        queryset=Member.objects.all(), allow_null=True, required=False
    )
    hours = serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        min_value=0,
        max_value=MAX_HOURS,
        coerce_to_string=False,
        required=False,
        label="计入学时",
    )
    attendees = AttendeesField(required=False, help_text="出席的党员编号")
    absentees = AbsenteesField(required=False, help_text="缺席的党员及原因")
    attachments = AttachmentSerializer(many=True, read_only=True)
    is_cancelled = serializers.BooleanField(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "org",
            "type",
            "date",
            "topic",
            "place",
            "host",
            "lecturer",
            "lecturer_name",
            "hours",
            "minutes",
            "attendees",
            "absentees",
            "attachments",
            "is_cancelled",
            "cancelled_at",
            "cancel_reason",
        ]
        read_only_fields = ["cancelled_at", "cancel_reason"]

    @staticmethod
    def _reasons(absentees):
        return {item["member"]: item["reason"] for item in absentees}

    def create(self, validated_data):
        attendees = validated_data.pop("attendees", [])
        absentees = self._reasons(validated_data.pop("absentees", []))
        return services.record_meeting(
            self.context["request"].user, attendees=attendees, absentees=absentees, **validated_data
        )

    @transaction.atomic
    def update(self, instance, validated_data):
        user = self.context["request"].user
        attendees = validated_data.pop("attendees", None)
        absentees = validated_data.pop("absentees", None)
        if validated_data:
            services.update_meeting(user, instance, **validated_data)
        if attendees is None and absentees is None:
            return instance
        rows = list(instance.attendances.all())
        present = {row.member_id for row in rows if row.present}
        absent = {row.member_id: row.absence_reason for row in rows if not row.present}
        if attendees is not None:
            present |= set(attendees)
            absent = {pk: reason for pk, reason in absent.items() if pk not in present}
        if absentees is not None:
            absent |= self._reasons(absentees)
            present -= set(absent)
        services.set_attendance(user, instance, present, absent)
        return instance


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, label="作废原因")


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JPG、PNG 图片或 PDF，不超过10MB")


class SecretaryReportSerializer(serializers.ModelSerializer):
    org = VisiblePrimaryKeyField(queryset=Organization.objects.all())
    secretary = VisiblePrimaryKeyField(
        queryset=Member.objects.all(),
        required=False,
        allow_null=True,
        help_text="述职的书记；不填则为本组织现任书记",
    )
    # null (not left out) while there is no secretary or evaluation
    secretary_name = serializers.CharField(source="secretary.name", read_only=True, allow_null=True)
    evaluated_by = serializers.CharField(
        source="evaluated_by.username", read_only=True, allow_null=True
    )

    class Meta:
        model = SecretaryReport
        fields = [
            "id",
            "org",
            "year",
            "secretary",
            "secretary_name",
            "text",
            "submitted_on",
            "rating",
            "comment",
            "evaluated_by",
            "evaluated_at",
        ]
        read_only_fields = ["rating", "comment", "evaluated_at"]
        validators = []  # one report a year: submit_secretary_report resubmits it

    def create(self, validated_data):
        return services.submit_secretary_report(self.context["request"].user, **validated_data)


class EvaluationSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=ReportRating.choices, label="评价等次")
    comment = serializers.CharField(allow_blank=True, default="", label="评价意见")


class YearlyFactSerializer(serializers.ModelSerializer):
    org = VisiblePrimaryKeyField(queryset=Organization.objects.all())
    value = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    unit = serializers.SerializerMethodField()

    class Meta:
        model = YearlyFact
        fields = ["id", "org", "year", "code", "value", "unit", "note", "source"]
        read_only_fields = ["source"]
        validators = []  # one value per year and code: set_yearly_fact corrects it

    def get_unit(self, fact) -> str:
        return FACT_UNITS[fact.code]

    def create(self, validated_data):
        return services.set_yearly_fact(self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        if instance.source != FactSource.SELF_REPORTED:
            message = "该数值来自满意度测评，不能在此修改"
            raise serializers.ValidationError({"value": [message]})
        for name in ("org", "year", "code"):
            if name in validated_data and validated_data[name] != getattr(instance, name):
                message = "只能修改数值和说明；其他年度或项目请另行登记"
                raise serializers.ValidationError({name: [message]})
        return services.set_yearly_fact(
            self.context["request"].user,
            instance.org,
            instance.year,
            instance.code,
            validated_data.get("value", instance.value),
            validated_data.get("note", instance.note),
        )
