"""Campaigns in API v1 (docs/decisions/0027-campaigns.md): create, list and read; the checks;
the quota table read and replaced whole; the stage moved forward.

Who sees a campaign is its `visible_to` (its field and those above the organiser; another
subtree: 404). Changing it is for editors of the organiser (others: 403); a service's
ValidationError is a 400 naming the field."""

from django.db.models import Prefetch
from django.urls import include, path
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from grassroots.campaigns.api import serializers as s
from grassroots.campaigns.filtersets import CampaignFilter
from grassroots.campaigns.models import AwardLevel, Campaign
from grassroots.campaigns.services import campaigns as services
from grassroots.core.api.base import ScopedWritePermission
from grassroots.core.api.viewsets import PLAIN_ACTION


def rows_errors(errors):
    """A list body's errors (one dict per row) in the documented shape: one message per row
    and field; a body that is not a list keeps DRF's own dict."""
    if isinstance(errors, dict):
        return errors
    return {
        "non_field_errors": [
            f"第{number}行 {field}：{'；'.join(str(m) for m in messages)}"
            for number, row in enumerate(errors, 1)
            for field, messages in row.items()
        ]
    }


class CampaignPermission(ScopedWritePermission):
    message = services.NOT_ORGANISER


@extend_schema(tags=["campaigns"])
class CampaignViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Demonstration campaigns (示范创建) the caller's subtree takes part in or organises.
    `POST` creates one (an editor of the organiser) with its award levels, standards and the
    stages of its kind."""

    permission_classes = [*viewsets.GenericViewSet.permission_classes, CampaignPermission]
    filterset_class = CampaignFilter
    http_method_names = ["get", "post", "put", "head", "options"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        campaigns = (
            Campaign.objects.visible_to(self.request.user)
            .select_related("organiser")
            .order_by("-year", "-pk")
        )
        if self.action == "retrieve":
            levels = AwardLevel.objects.select_related("chosen_from")
            campaigns = campaigns.prefetch_related(
                "standards", "stages", Prefetch("levels", queryset=levels)
            )
        return campaigns

    def get_serializer_class(self):
        if self.action == "list":
            return s.CampaignSerializer
        return s.CampaignDetailSerializer

    def may_edit(self, user, obj):
        return services.may_manage(user, obj)

    def detail_response(self, pk, status_code=status.HTTP_200_OK):
        self.action = "retrieve"
        campaign = self.get_queryset().get(pk=pk)
        return Response(s.CampaignDetailSerializer(campaign).data, status=status_code)

    @extend_schema(request=s.CampaignInput, responses={201: s.CampaignDetailSerializer})
    def create(self, request):
        payload = s.CampaignInput(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        deadlines = {row["code"]: row["deadline"] for row in data.pop("stages", [])}
        campaign = services.create_campaign(request.user, deadlines=deadlines, **data)
        return self.detail_response(campaign.pk, status.HTTP_201_CREATED)

    @extend_schema(
        responses=s.CheckSerializer(many=True),
        summary="检查",
        description="差额不足、超出名额、村（社区）比例、十佳不在示范推荐对象中。",
    )
    @action(detail=True, methods=["get"], **PLAIN_ACTION)
    def checks(self, request, pk=None):
        checks = services.campaign_checks(self.get_object())
        return Response(s.CheckSerializer(checks, many=True).data)

    @extend_schema(methods=["GET"], responses=s.QuotaSerializer(many=True), summary="推荐名额")
    @extend_schema(
        methods=["PUT"],
        request=s.QuotaSerializer(many=True),
        responses=s.QuotaSerializer(many=True),
        summary="替换推荐名额表",
        description="以请求中的各行替换整张名额表：单位须为组织单位的下级，称号为本活动的等级"
        "（代码），名额不小于0；任何一行有误则不作改动。",
    )
    @action(detail=True, methods=["get", "put"], **PLAIN_ACTION)
    def quotas(self, request, pk=None):
        campaign = self.get_object()
        if request.method == "PUT":
            payload = s.QuotaSerializer(data=request.data, many=True)
            if not payload.is_valid():
                raise ValidationError(rows_errors(payload.errors))
            services.set_quotas(request.user, campaign, payload.validated_data)
        rows = campaign.quotas.select_related("unit", "level").order_by(
            "unit__depth", "unit_id", "level__order"
        )
        return Response(
            [
                {
                    "unit": q.unit_id,
                    "unit_name": q.unit.name,
                    "level": q.level.code,
                    "quota": q.quota,
                }
                for q in rows
            ]
        )

    @extend_schema(request=None, responses=s.CampaignDetailSerializer, summary="推进到下一阶段")
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        services.advance_stage(request.user, self.get_object())
        return self.detail_response(pk)


router = SimpleRouter()
router.register("campaigns", CampaignViewSet, basename="api-campaign")

urlpatterns = [path("", include(router.urls))]
