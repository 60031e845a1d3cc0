"""GET /api/v1/orgs/{id}/compliance/ and /orgs/{id}/warnings/: an organisation's standing
against a standard set (docs/decisions/0011-metric-engine.md)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from grassroots.assessments.choices import ItemStatus, Light
from grassroots.assessments.compliance import compliance_for, warnings_for
from grassroots.assessments.views.standing import FIRST_YEAR
from grassroots.core.pages import visible_org
from grassroots.orgs.models import Organization
from grassroots.standards.models import StandardSet


def _number(value):
    return None if value is None else float(value)


ITEM_FIELDS = (
    "ComplianceItem",
    {
        "code": serializers.CharField(help_text="项目编号，如 1.2"),
        "status": serializers.ChoiceField(choices=ItemStatus.choices),
        "value": serializers.FloatField(allow_null=True, help_text="本组织的指标值"),
        "threshold": serializers.FloatField(allow_null=True),
        "metric": serializers.CharField(allow_null=True),
        "comparator": serializers.CharField(allow_null=True),
        "explanation": serializers.CharField(),
        "due": serializers.FloatField(
            allow_null=True,
            help_text="本年尚未结束时，按月（季度）计数的项目按已过月份（季度）的进度应达的值；"
            "status 据此判定（met 即按进度达标）。全年判定时为 null",
        ),
    },
)


class ComplianceView(APIView):
    @extend_schema(
        operation_id="orgs_compliance",
        summary="对照标准逐项达标情况",
        parameters=[
            OpenApiParameter("standard", str, required=True, description="标准代码"),
            OpenApiParameter("year", int, description="年度，默认今年"),
        ],
        responses=inline_serializer(
            "Compliance",
            {
                "org": serializers.IntegerField(),
                "standard": serializers.CharField(),
                "version": serializers.IntegerField(),
                "year": serializers.IntegerField(),
                "items": inline_serializer(*ITEM_FIELDS, many=True),
            },
        ),
        tags=["compliance"],
    )
    def get(self, request, pk):
        org = visible_org(request, pk)
        code = request.query_params.get("standard", "")
        standard = StandardSet.objects.latest_published().filter(code=code).first()
        if standard is None:
            raise ValidationError({"standard": "请指定已发布的标准代码"})
        year_text = request.query_params.get("year", "")
        today = timezone.localdate()
        if year_text and not (year_text.isdigit() and FIRST_YEAR <= int(year_text) <= today.year):
            raise ValidationError({"year": f"年度应为{FIRST_YEAR}至{today.year}之间的四位数"})
        year = int(year_text) if year_text else today.year
        results = compliance_for(Organization.objects.filter(pk=org.pk), standard, year)[org.pk]
        return Response(
            {
                "org": org.pk,
                "standard": standard.code,
                "version": standard.version,
                "year": year,
                "items": [
                    {
                        "code": r.item.code,
                        "status": r.status,
                        "value": _number(r.value),
                        "threshold": _number(r.threshold),
                        "metric": r.item.metric,
                        "comparator": r.item.comparator,
                        "explanation": r.explanation,
                        "due": _number(r.due),
                    }
                    for r in results
                ],
            }
        )


class WarningsView(APIView):
    @extend_schema(
        operation_id="orgs_warnings",
        summary="当前逾期提醒（红、黄、绿）",
        responses=inline_serializer(
            "OverdueWarning",
            {
                "code": serializers.CharField(),
                "light": serializers.ChoiceField(choices=Light.choices),
                "message": serializers.CharField(),
            },
            many=True,
        ),
        tags=["compliance"],
    )
    def get(self, request, pk):
        org = visible_org(request, pk)
        return Response(
            [{"code": w.code, "light": w.light, "message": w.message} for w in warnings_for(org)]
        )
