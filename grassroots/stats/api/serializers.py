"""The statistics API's query and answer (API v1 contract)."""

import datetime

from rest_framework import serializers

from grassroots.core.api.numbers import ID_MAX
from grassroots.orgs.rules import AGE_BANDS

EARLIEST = datetime.date(1921, 7, 1)
LATEST = datetime.date(2100, 12, 31)


class StatsQuery(serializers.Serializer):
    ancestor = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, help_text="党组织编号：统计该组织及其全部下级"
    )
    on = serializers.DateField(required=False, help_text="统计日期 YYYY-MM-DD，默认今天")

    def validate_on(self, value):
        if not EARLIEST <= value <= LATEST:
            raise serializers.ValidationError("统计日期应在1921年7月1日至2100年12月31日之间")
        return value


def counts(help_text):
    return serializers.DictField(child=serializers.IntegerField(), help_text=help_text)


class OrgStats(serializers.Serializer):
    total = serializers.IntegerField(help_text="党组织总数（含本组织）")
    by_kind = counts("按组织类型：类型代码 → 个数")
    by_category = counts("按所属领域：领域代码 → 个数")


AgeStats = type(
    "AgeStats",
    (serializers.Serializer,),
    {band.code: serializers.IntegerField(help_text=band.label) for band in AGE_BANDS},
)


class MemberStats(serializers.Serializer):
    total = serializers.IntegerField(help_text="统计日期在册党员数（不含已离开的）")
    full = serializers.IntegerField(help_text="正式党员")
    probationary = serializers.IntegerField(help_text="预备党员")
    female = serializers.IntegerField(help_text="女党员")
    by_age = AgeStats(help_text="按年龄段（统计日期的周岁）")
    by_education = counts("按学历：学历代码 → 人数；未填学历的记在 unknown")


class UnitStats(serializers.Serializer):
    total = serializers.IntegerField(help_text="单位总数")
    with_org = serializers.IntegerField(help_text="已建立（单独或联合）党组织的单位：组织覆盖")
    guided_only = serializers.IntegerField(help_text="未建党组织、已选派指导员的单位：工作覆盖")
    coverage_rate = serializers.FloatField(
        allow_null=True, help_text="组织覆盖率 = with_org / total；没有单位时为 null"
    )


class TermStats(serializers.Serializer):
    overdue = serializers.IntegerField(help_text="任期已届满未换届")
    expiring = serializers.IntegerField(help_text="任期将在提醒期内届满")


class StatsSerializer(serializers.Serializer):
    orgs = OrgStats()
    members = MemberStats()
    units = UnitStats()
    terms = TermStats()
