"""The decision, the titles register and its actions, re-reviews, spot checks and the filing
register in API v1, and the public list of titles (no login).

Who sees a record is its `visible_to` (another subtree: 404); who acts is decided as the
services decide it (a reviewer of the organiser decides, warns, revokes, completes
re-reviews and draws spot checks; a clerk of the unit files) and answered 403 before the
service's checks of the data (400 naming the field). Lists read a fixed number of queries.
"""

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import ScopedRateThrottle

from grassroots.assessments.services import may_sample
from grassroots.core.access import visible_or_404
from grassroots.core.api.viewsets import PLAIN_ACTION

from ...filtersets import FilingFilter, TitleFilter
from ...models import Campaign, Decision, Filing, ReReview, Title
from ...services import titles as services
from .. import serializers as s

TITLE_RELATED = ("campaign__organiser", "level", "org")


def campaign_or_404(request, pk):
    return visible_or_404(request, Campaign.objects.select_related("organiser"), pk)


def payload(request, input_class, view=None):
    found = input_class(data=request.data, context={"request": request, "view": view})
    found.is_valid(raise_exception=True)
    return found.validated_data


def require_organiser(user, campaign):
    if not services.may_decide(user, campaign):
        raise PermissionDenied(services.NOT_ORGANISER)


@extend_schema(tags=["campaign-titles"])
class DecisionView(GenericAPIView):
    """The decision of a campaign (会议审定) and the titles it named."""

    serializer_class = s.DecisionSerializer
    pagination_class = None
    filter_backends = []

    def decision_response(self, campaign, status_code=status.HTTP_200_OK):
        decision = (
            Decision.objects.select_related("recorded_by", "campaign")
            .prefetch_related("campaign__titles__level")
            .filter(campaign=campaign)
            .first()
        )
        if decision is None:
            raise Http404("本次创建尚未审定")
        return Response(s.DecisionSerializer(decision).data, status=status_code)

    @extend_schema(summary="审定与命名名单", responses=s.DecisionSerializer)
    def get(self, request, pk):
        return self.decision_response(campaign_or_404(request, pk))

    @extend_schema(
        summary="记录审定并命名",
        description=(
            "审定会议、日期、命名日期、文号和各称号的命名名单（称号代码 → 申报编号）。只能从"
            "拟命名对象中产生，每级不超过拟命名数；上一级称号只能从被推荐为该称号、且在其所从"
            "产生的称号中同时命名的对象中产生。全部通过才保存。在命名前一阶段（审定；示范基地"
            "创建为公示）办理，办理后该阶段结束，活动进入命名阶段。"
        ),
        request=s.DecisionInput,
        responses={201: s.DecisionSerializer},
    )
    def post(self, request, pk):
        campaign = campaign_or_404(request, pk)
        require_organiser(request.user, campaign)
        data = payload(request, s.DecisionInput)
        services.record_decision(request.user, campaign, **data)
        return self.decision_response(campaign, status.HTTP_201_CREATED)


class TitlePermission(permissions.BasePermission):
    message = services.NOT_ORGANISER

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return services.may_decide(request.user, obj.campaign)


@extend_schema(tags=["campaign-titles"])
class TitleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Titles of the caller's subtree (the register): newest first; warned, revoked and
    expired ones stay in it. `warn/`, `lift-warning/` and `revoke/` are the organiser's."""

    filterset_class = TitleFilter
    permission_classes = [*viewsets.GenericViewSet.permission_classes, TitlePermission]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        titles = (
            Title.objects.visible_to(self.request.user)
            .select_related(*TITLE_RELATED)
            .order_by("-named_on", "pk")
        )
        if self.action != "list":
            titles = titles.prefetch_related("re_reviews__done_by", "warnings__task")
        return titles

    def get_serializer_class(self):
        return s.TitleSerializer if self.action == "list" else s.TitleDetailSerializer

    def title_response(self, pk):
        return Response(s.TitleDetailSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(summary="预警提示", request=s.WarnInput, responses=s.TitleDetailSerializer)
    @action(detail=True, methods=["post"], **PLAIN_ACTION)
    def warn(self, request, pk=None):
        title = self.get_object()
        services.warn_title(request.user, title, **payload(request, s.WarnInput))
        return self.title_response(title.pk)

    @extend_schema(summary="整改完成，解除预警", request=None, responses=s.TitleDetailSerializer)
    @action(detail=True, methods=["post"], url_path="lift-warning", **PLAIN_ACTION)
    def lift_warning(self, request, pk=None):
        title = self.get_object()
        services.lift_warning(request.user, title)
        return self.title_response(title.pk)

    @extend_schema(
        summary="撤销称号（取消命名）",
        description="预警整改期限已过未完成，或整改完成但效果仍达不到标准时撤销；"
        "未经预警或期限未到的，须 without_warning=true 并写明理由。"
        "称号留在登记簿中，状态为已撤销。",
        request=s.RevokeInput,
        responses=s.TitleDetailSerializer,
    )
    @action(detail=True, methods=["post"], **PLAIN_ACTION)
    def revoke(self, request, pk=None):
        title = self.get_object()
        services.revoke_title(request.user, title, **payload(request, s.RevokeInput))
        return self.title_response(title.pk)


@extend_schema(tags=["campaign-titles"])
class ReReviewCompleteView(GenericAPIView):
    serializer_class = s.ReReviewSerializer

    @extend_schema(
        summary="完成复查",
        description="期满复查合格的，称号有效期自原期满之日起延续一个有效期，并安排下一期复查；"
        "限期整改的，有效期不变。",
        request=s.ReReviewInput,
        responses=s.ReReviewSerializer,
    )
    def post(self, request, pk):
        related = ReReview.objects.select_related("title__campaign__organiser")
        re_review = visible_or_404(request, related, pk)
        require_organiser(request.user, re_review.title.campaign)
        services.complete_re_review(request.user, re_review, **payload(request, s.ReReviewInput))
        re_review = ReReview.objects.select_related("done_by").get(pk=re_review.pk)
        return Response(s.ReReviewSerializer(re_review).data)


@extend_schema(tags=["campaign-titles"])
class SpotCheckView(GenericAPIView):
    serializer_class = s.SpotCheckSerializer

    @extend_schema(
        summary="随机抽查称号",
        description="从本次创建有效期内的称号中按比例随机抽取党组织，记录随机种子和抽取范围"
        "（同一种子、比例和范围抽出同样的名单），为每个抽中的党组织指派检查组考察。",
        request=s.SpotCheckInput,
        responses={201: s.SpotCheckSerializer},
    )
    def post(self, request, pk):
        campaign = campaign_or_404(request, pk)
        if not may_sample(request.user, campaign.organiser):
            raise PermissionDenied("只有组织单位的审核人或管理员可以抽查")
        data = payload(request, s.SpotCheckInput)
        sample = services.draw_spot_check(request.user, campaign, **data)
        body = {
            "id": sample.pk,
            "share": sample.share,
            "seed": sample.seed,
            "population": sample.population,
            "drawn": sample.drawn,
            "inspections": list(sample.inspections.order_by("pk").values_list("pk", flat=True)),
        }
        return Response(s.SpotCheckSerializer(body).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["campaign-filings"])
class FilingListView(mixins.ListModelMixin, GenericAPIView):
    """The filing register (备案登记表) of a filing campaign: the rows the caller sees,
    unit by unit; withdrawn rows only with `withdrawn=true`."""

    serializer_class = s.FilingSerializer
    filterset_class = FilingFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Filing.objects.none()
        campaign = campaign_or_404(self.request, self.kwargs["pk"])
        return (
            Filing.objects.visible_to(self.request.user)
            .filter(campaign=campaign)
            .select_related("unit", "org")
            .order_by("unit__path", "pk")
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if "withdrawn" not in self.request.query_params:
            queryset = queryset.filter(withdrawn=False)
        return queryset

    @extend_schema(summary="备案登记表")
    def get(self, request, pk):
        return self.list(request, pk)

    @extend_schema(
        summary="备案登记",
        description="填报单位的党务工作者为本单位所属党组织备案：超出名额、已命名或今年已申报"
        "命名的党组织不能备案。",
        request=s.FilingInput,
        responses={201: s.FilingSerializer},
    )
    def post(self, request, pk):
        campaign = campaign_or_404(request, pk)
        data = payload(request, s.FilingInput, self)
        filing = services.file_org(request.user, campaign, **data)
        filing = Filing.objects.select_related("unit", "org").get(pk=filing.pk)
        return Response(
            s.FilingSerializer(filing, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["campaign-filings"])
class FilingWithdrawView(GenericAPIView):
    serializer_class = s.FilingSerializer

    @extend_schema(summary="撤回备案", request=None, responses=s.FilingSerializer)
    def post(self, request, pk):
        filing = visible_or_404(request, Filing.objects.select_related("unit", "org"), pk)
        if not services.may_file(request.user, filing.unit):
            raise PermissionDenied("只有填报单位的党务工作者可以撤回备案")
        services.withdraw_filing(request.user, filing)
        filing.refresh_from_db()
        return Response(s.FilingSerializer(filing, context={"request": request}).data)


@extend_schema(tags=["public"])
class PublicTitleList(mixins.ListModelMixin, GenericAPIView):
    """The titles in force (named, not revoked, within their term), without login: the
    organisation, the title, the campaign and organiser, the term. No person, no phone."""

    serializer_class = s.PublicTitleSerializer
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public"
    filter_backends = []

    def get_queryset(self):
        return (
            services.current_titles(Title.objects.all())
            .select_related("level", "campaign__organiser")
            .order_by("-named_on", "org_name", "pk")
        )

    @extend_schema(summary="示范称号公开名单（无需登录）")
    def get(self, request):
        return self.list(request)


router = SimpleRouter()
router.register("titles", TitleViewSet, basename="api-campaign-title")

urlpatterns = [
    path("campaigns/<int:pk>/decision/", DecisionView.as_view(), name="api-campaign-decision"),
    path(
        "campaigns/<int:pk>/spot-checks/", SpotCheckView.as_view(), name="api-campaign-spot-checks"
    ),
    path("campaigns/<int:pk>/filings/", FilingListView.as_view(), name="api-campaign-filings"),
    path("filings/<int:pk>/withdraw/", FilingWithdrawView.as_view(), name="api-filing-withdraw"),
    path(
        "re-reviews/<int:pk>/complete/",
        ReReviewCompleteView.as_view(),
        name="api-re-review-complete",
    ),
    path("public/titles/", PublicTitleList.as_view(), name="api-public-titles"),
    *router.urls,
]
