from rest_framework import serializers

from grassroots.core.access import Scope
from grassroots.core.api.base import VisiblePrimaryKeyField
from grassroots.core.choices import Permission
from grassroots.core.identifiers import mask_id_number, mask_phone

from .. import services
from ..models import HostUnit, Member, Membership, Organization, Post, Term


class OrganizationSerializer(serializers.ModelSerializer):
    parent = VisiblePrimaryKeyField(
        queryset=Organization.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "category",
            "parent",
            "established_on",
            "status",
            "dissolved_on",
            "dissolved_reason",
            "depth",
        ]
        read_only_fields = ["status", "dissolved_on", "dissolved_reason", "depth"]

    def create(self, validated_data):
        return services.create_organization(self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return services.update_organization(
            self.context["request"].user, instance, **validated_data
        )


class DissolveSerializer(serializers.Serializer):
    dissolved_on = serializers.DateField(label="撤销日期")
    reason = serializers.CharField(label="撤销原因", max_length=200, allow_blank=True, default="")


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()


class SubtreeFindingSerializer(FindingSerializer):
    org = serializers.IntegerField()
    org_name = serializers.CharField()


class MemberSerializer(serializers.ModelSerializer):
    org = VisiblePrimaryKeyField(queryset=Organization.objects.all())

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "gender",
            "ethnicity",
            "native_place",
            "birth_date",
            "id_number",
            "joined_on",
            "confirmed_on",
            "status",
            "work_started_on",
            "education",
            "graduated_from",
            "professional_title",
            "expertise",
            "job_title",
            "society_title",
            "society_role",
            "resume",
            "phone",
            "org",
            "is_mobile",
            "is_lost_contact",
            "on_probation_discipline",
            "left_on",
            "left_reason",
        ]
        read_only_fields = ["left_on", "left_reason"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        scope = Scope.of(self.context["request"].user)
        if not scope.covers(Permission.PERSONAL_DATA, instance.org.path):
            data["id_number"] = mask_id_number(data["id_number"])
            data["phone"] = mask_phone(data["phone"]) if data["phone"] else ""
        return data

    def create(self, validated_data):
        return services.create_member(self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return services.update_member(self.context["request"].user, instance, **validated_data)


class TransferSerializer(serializers.Serializer):
    to_org = VisiblePrimaryKeyField(queryset=Organization.objects.all(), label="转入组织")
    transferred_on = serializers.DateField(label="转接日期")
    reason = serializers.CharField(max_length=200, allow_blank=True, default="", label="原因")


class MembershipSerializer(serializers.ModelSerializer):
    member = VisiblePrimaryKeyField(queryset=Member.objects.all())
    org = VisiblePrimaryKeyField(queryset=Organization.objects.all())

    class Meta:
        model = Membership
        fields = ["id", "member", "org", "started_on", "ended_on"]

    def create(self, validated_data):
        validated_data.pop("ended_on", None)
        return services.add_membership(self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        services.end_membership(
            self.context["request"].user, instance, validated_data.get("ended_on")
        )
        return instance


class TermSerializer(serializers.ModelSerializer):
    org = VisiblePrimaryKeyField(queryset=Organization.objects.all())
    planned_end_on = serializers.DateField(required=False, label="应届满日期")
    number = serializers.IntegerField(required=False, min_value=1, label="届次")

    class Meta:
        model = Term
        fields = ["id", "org", "number", "started_on", "planned_end_on", "ended_on"]
        read_only_fields = ["ended_on"]
        validators = []  # start_term numbers the term and checks uniqueness

    def create(self, validated_data):
        return services.start_term(self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        validated_data.pop("org", None)
        validated_data.pop("number", None)
        return services.update_term(self.context["request"].user, instance, **validated_data)


class PostSerializer(serializers.ModelSerializer):
    term = VisiblePrimaryKeyField(queryset=Term.objects.all())
    member = VisiblePrimaryKeyField(queryset=Member.objects.all())
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Post
        fields = ["id", "term", "post", "member", "member_name", "started_on", "ended_on"]

    def create(self, validated_data):
        validated_data.pop("ended_on", None)
        return services.appoint_post(self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        if "ended_on" not in validated_data:
            raise serializers.ValidationError(
                {"ended_on": "只能登记离任日期；调整职务请先离任再重新任职"}
            )
        services.end_post(self.context["request"].user, instance, validated_data["ended_on"])
        return instance


class CommitteeTermSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    started_on = serializers.DateField()
    ends_on = serializers.DateField(source="planned_end_on")


class CommitteeSerializer(serializers.Serializer):
    term = CommitteeTermSerializer(allow_null=True)
    posts = PostSerializer(many=True)


class HostUnitSerializer(serializers.ModelSerializer):
    org = VisiblePrimaryKeyField(
        queryset=Organization.objects.all(),
        write_only=True,
        required=False,
        help_text="新建时关联的党组织",
    )

    class Meta:
        model = HostUnit
        fields = [
            "id",
            "name",
            "uscc",
            "address",
            "phone",
            "covered_population",
            "staff_count",
            "org",
        ]

    def create(self, validated_data):
        org = validated_data.pop("org", None)
        return services.save_host_unit(
            self.context["request"].user, HostUnit(**validated_data), org
        )

    def update(self, instance, validated_data):
        validated_data.pop("org", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.save_host_unit(self.context["request"].user, instance)


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.CharField()
    action = serializers.CharField()
    changes = serializers.SerializerMethodField()

    def get_changes(self, entry) -> list[dict]:
        return [{"field": f, "before": b, "after": a} for f, b, a in entry.changes]
