from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grassroots.core.api.base import VisiblePrimaryKeyField

from .. import services
from ..choices import Coverage
from ..models import HostUnit, Member, Membership, Organization, Post, Term
from ..personal_data import YEAR_ONLY_DATES, shown_personal_data


def refuse_other_changes(instance, validated_data, allowed, message):
    """Some records only change through one field (an end date); a PATCH that would change
    any other field is refused under that field's name instead of being silently ignored."""
    for name, value in validated_data.items():
        if name not in allowed and getattr(instance, name) != value:
            raise serializers.ValidationError({name: [message]})


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


@extend_schema_field({"type": "string", "format": "date", "nullable": True})
class MaskedDateField(serializers.DateField):
    """A date written in full and read as null where the reader may not see it."""


class MemberSerializer(serializers.ModelSerializer):
    """Personal data as `orgs.personal_data` decides: without the permission the ID number
    and phone are masked, `birth_date`, `joined_on` and `confirmed_on` are null and only
    their years (`birth_year`, `joined_year`, `confirmed_year`) are given."""

    org = VisiblePrimaryKeyField(queryset=Organization.objects.all())
    birth_date = MaskedDateField(
        label="出生日期", help_text="无权查看个人信息时为 null（只给出生年份 birth_year）"
    )
    birth_year = serializers.SerializerMethodField(help_text="出生年份（总是给出）")
    joined_on = MaskedDateField(
        label="入党时间", help_text="无权查看个人信息时为 null（只给入党年份 joined_year）"
    )
    joined_year = serializers.SerializerMethodField(help_text="入党年份（总是给出）")
    confirmed_on = MaskedDateField(
        label="转正时间",
        required=False,
        allow_null=True,
        help_text="无权查看个人信息时为 null（只给转正年份 confirmed_year）",
    )
    confirmed_year = serializers.SerializerMethodField(help_text="转正年份（预备党员为 null）")

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "gender",
            "ethnicity",
            "native_place",
            "birth_date",
            "birth_year",
            "id_number",
            "joined_on",
            "joined_year",
            "confirmed_on",
            "confirmed_year",
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

    def get_birth_year(self, member) -> int:
        return member.birth_date.year

    def get_joined_year(self, member) -> int:
        return member.joined_on.year

    def get_confirmed_year(self, member) -> int | None:
        return member.confirmed_on.year if member.confirmed_on else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        shown = shown_personal_data(self.context["request"].user, instance)
        data["id_number"] = shown.id_number
        data["phone"] = shown.phone
        if not shown.full:
            for name in YEAR_ONLY_DATES:
                data[name] = None
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
        # add_membership checks "one current membership per organisation" with a Chinese
        # message; DRF's conditional unique validator also fails on partial updates.
        validators = []

    def create(self, validated_data):
        validated_data.pop("ended_on", None)
        return services.add_membership(self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        message = "只能登记退出日期；参加其他组织的组织生活请另行登记"
        refuse_other_changes(instance, validated_data, {"ended_on"}, message)
        if validated_data.get("ended_on") is None:
            raise serializers.ValidationError({"ended_on": ["请填写退出日期"]})
        services.end_membership(self.context["request"].user, instance, validated_data["ended_on"])
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
        refuse_other_changes(
            instance, validated_data, {"started_on", "planned_end_on"}, "届次和所属组织不能修改"
        )
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
        message = "只能登记离任日期；调整职务请先离任再重新任职"
        refuse_other_changes(instance, validated_data, {"ended_on"}, message)
        if validated_data.get("ended_on") is None:
            raise serializers.ValidationError({"ended_on": ["请填写离任日期"]})
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
        help_text="新建时关联的党组织（设在本单位的党组织）；单位尚无党组织时不填",
    )
    responsible_org = VisiblePrimaryKeyField(
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text="负责覆盖该单位的党组织（街道/乡镇党委、两新工委或行业党委）",
    )
    organizations = serializers.SerializerMethodField(help_text="当前关联的党组织编号")
    coverage = serializers.ChoiceField(
        Coverage.choices, read_only=True, help_text="覆盖情况：组织覆盖、工作覆盖或未覆盖"
    )
    full_workers = serializers.IntegerField(read_only=True, help_text="在本单位工作的正式党员数")
    should_form = serializers.BooleanField(
        read_only=True, help_text="应建未建：正式党员3名以上但尚未建立党组织"
    )

    class Meta:
        model = HostUnit
        fields = [
            "id",
            "name",
            "kind",
            "responsible_org",
            "coverage",
            "full_workers",
            "should_form",
            "uscc",
            "address",
            "phone",
            "covered_population",
            "staff_count",
            "council_term_ends_on",
            "org",
            "organizations",
        ]

    def get_organizations(self, unit) -> list[int]:
        # The viewset prefetches `current_links`; a freshly saved unit reads them once.
        links = getattr(unit, "current_links", None)
        if links is None:
            links = unit.org_links.filter(ended_on__isnull=True)
        return [link.org_id for link in links]

    def validate_uscc(self, value):
        # Units without a code are stored as NULL: the column is unique, "" would clash.
        return value.upper() if value else None

    def create(self, validated_data):
        org = validated_data.pop("org", None)
        try:
            unit = services.save_host_unit(
                self.context["request"].user, HostUnit(**validated_data), org
            )
            return with_coverage(unit)
        except DjangoValidationError as exc:
            # Linking reports under "unit"; in this request the unit is new and `org` is the
            # field the caller chose, so the error belongs there.
            if hasattr(exc, "error_dict") and "unit" in exc.error_dict:
                exc.error_dict["org"] = exc.error_dict.pop("unit")
            raise

    def update(self, instance, validated_data):
        if "org" in validated_data:
            raise serializers.ValidationError({"org": ["关联的党组织只能在新建单位时指定"]})
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return with_coverage(services.save_host_unit(self.context["request"].user, instance))


def with_coverage(unit):
    """The unit as the list reads it: with its coverage annotations."""
    return HostUnit.objects.with_coverage(timezone.localdate()).get(pk=unit.pk)
