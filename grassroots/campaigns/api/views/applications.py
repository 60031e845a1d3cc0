"""Applications, their review opinions, the unit's ranked forwarding and inspections in API
v1. Who sees a record is its `visible_to` (another subtree: 404); who may act is decided
by the services (the organisation's clerk applies and corrects, the reviewer of the step
the application waits at gives the opinion, the unit's reviewer forwards, the inspection
team records). Applying or submitting after the deadline answers 409 DEADLINE_PASSED."""

from django.db.models import Prefetch
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from grassroots.assessments.rules import EVIDENCE_FILES
from grassroots.campaigns.api import serializers as s
from grassroots.campaigns.filtersets import ApplicationFilter, InspectionFilter
from grassroots.campaigns.models import (
    Application,
    ApplicationFile,
    Campaign,
    Inspection,
    Quota,
    ReviewOpinion,
    SurveyTally,
)
from grassroots.campaigns.services import applications as services
from grassroots.core.access import Scope, visible_or_404
from grassroots.core.api.base import ScopedWritePermission
from grassroots.core.api.schema import file_responses
from grassroots.core.api.viewsets import PLAIN_ACTION
from grassroots.core.choices import Permission
from grassroots.core.uploads import stored_file_response
from grassroots.orgs.models import Organization

DEADLINE = OpenApiResponse(s.DeadlinePassedSerializer, description="申报已截止（DEADLINE_PASSED）")
UPLOADS = [JSONParser, MultiPartParser, FormParser]


def deadline_response(exc):
    detail = "；".join(exc.messages)
    return Response({"code": exc.api_code, "detail": detail}, status=status.HTTP_409_CONFLICT)


def with_details(applications):
    """Applications with their opinions, files shown and survey tally: four queries."""
    opinions = ReviewOpinion.objects.select_related("org", "signed_by").order_by("pk")
    files = ApplicationFile.objects.filter(removed=False).order_by("pk")
    return applications.prefetch_related(
        Prefetch("opinions", queryset=opinions, to_attr="opinion_rows"),
        Prefetch("files", queryset=files, to_attr="file_rows"),
        Prefetch("tallies", queryset=SurveyTally.objects.all(), to_attr="tally_rows"),
    )


def payload(input_class, request, **kwargs):
    found = input_class(data=request.data, context={"request": request}, **kwargs)
    found.is_valid(raise_exception=True)
    return found.validated_data


@extend_schema(tags=["applications"])
class CampaignApplicationsView(generics.ListAPIView):
    """GET: the campaign's applications the caller sees, filterable by unit, state and
    level. POST: apply (the organisation's clerk): the form is filled in from the registry
    and the answer gives the review chain the application will go up."""

    serializer_class = s.ApplicationSerializer
    filterset_class = ApplicationFilter

    def campaign(self):
        return visible_or_404(self.request, Campaign, self.kwargs["pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Application.objects.none()
        return (
            Application.objects.visible_to(self.request.user)
            .filter(campaign=self.campaign())
            .select_related("level", "unit")
            .order_by("unit__path", "rank", "pk")
        )

    @extend_schema(
        request=s.ApplicationInput,
        responses={201: s.ApplicationDetailSerializer, 409: DEADLINE},
        summary="申报",
    )
    def post(self, request, pk):
        campaign = self.campaign()
        if not Scope.of(request.user).has_any(Permission.EDIT):
            self.permission_denied(request, "您没有录入或修改数据的权限")
        data = payload(s.ApplicationInput, request, campaign=campaign)
        try:
            application = services.start_application(
                request.user,
                campaign,
                data["org"],
                data["level"],
                data.get("reason", ""),
                data.get("top_level"),
            )
        except services.DeadlinePassed as exc:
            return deadline_response(exc)
        found = with_details(Application.objects.select_related("level", "unit"))
        body = s.ApplicationDetailSerializer(found.get(pk=application.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class ApplicationPermission(ScopedWritePermission):
    """Correcting and submitting is the organisation's clerk's; an opinion is the reviewer's
    of the step the application waits at."""

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.action == "opinions":
            self.message = services.NOT_REVIEWER
            return services.may_review(request.user, obj)
        self.message = "只有申报党组织的党务工作者可以办理"
        return view.may_edit(request.user, obj)


@extend_schema(tags=["applications"])
class ApplicationViewSet(
    mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """One application with its opinions, evidence files and satisfaction survey.
    `PATCH` corrects a draft or returned one; the steps are POST sub-routes."""

    permission_classes = [*viewsets.GenericViewSet.permission_classes, ApplicationPermission]
    serializer_class = s.ApplicationDetailSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return with_details(
            Application.objects.visible_to(self.request.user).select_related(
                "level", "unit", "org", "pending_org", "campaign"
            )
        )

    def may_edit(self, user, obj):
        return services.can_edit(user, obj)

    def detail_response(self, pk):
        return Response(s.ApplicationDetailSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=s.ApplicationChangeInput, responses=s.ApplicationDetailSerializer)
    def partial_update(self, request, pk=None):
        application = self.get_object()
        data = payload(s.ApplicationChangeInput, request, partial=True)
        services.update_application(request.user, application, **data)
        return self.detail_response(application.pk)

    @extend_schema(
        request=None,
        responses={200: s.ApplicationDetailSerializer, 409: DEADLINE},
        summary="提交审核",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        try:
            services.submit_application(request.user, self.get_object())
        except services.DeadlinePassed as exc:
            return deadline_response(exc)
        return self.detail_response(pk)

    @extend_schema(
        request=s.OpinionInput, responses=s.ApplicationDetailSerializer, summary="审核意见"
    )
    @action(detail=True, methods=["post"])
    def opinions(self, request, pk=None):
        application = self.get_object()
        data = payload(s.OpinionInput, request)
        services.give_opinion(request.user, application, data["opinion"], data["text"])
        return self.detail_response(pk)

    @extend_schema(
        request={"multipart/form-data": s.FileInput},
        responses={201: s.ApplicationFileSerializer},
        summary="上传佐证材料",
    )
    @action(detail=True, methods=["post"], parser_classes=UPLOADS)
    def files(self, request, pk=None):
        application = self.get_object()
        data = payload(s.FileInput, request)
        evidence = services.attach_file(request.user, application, data["file"])
        return Response(s.ApplicationFileSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses=file_responses(EVIDENCE_FILES),
        summary="下载佐证材料",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"files/(?P<file_id>\d+)",
        url_name="file",
        **PLAIN_ACTION,
    )
    def file(self, request, pk=None, file_id=None):
        evidence = self.get_object().files.filter(pk=file_id, removed=False).first()
        if evidence is None:
            raise Http404
        return evidence_response(evidence)


def evidence_response(evidence):
    return stored_file_response(
        evidence.file, evidence.name, EVIDENCE_FILES.content_type(evidence.name)
    )


@extend_schema(tags=["applications"])
class ForwardView(APIView):
    """排序上报: the recommending unit's reviewer sends the applications it agreed to, in
    rank order, within its quota of each level."""

    @extend_schema(request=s.ForwardInput, responses=s.ApplicationSerializer(many=True))
    def post(self, request, pk, unit):
        campaign = visible_or_404(request, Campaign, pk)
        unit = visible_or_404(request, Organization, unit)
        if not Quota.objects.filter(campaign=campaign, unit=unit).exists():
            raise Http404("该单位不是本次创建的推荐单位")
        if not Scope.of(request.user).covers(Permission.APPROVE, unit.path):
            self.permission_denied(request, "只有推荐单位的审核人可以排序上报")
        data = payload(s.ForwardInput, request)
        forwarded = services.forward_ranked(request.user, campaign, unit, data["applications"])
        return Response(s.ApplicationSerializer(forwarded, many=True).data)


class InspectionPermission(permissions.BasePermission):
    def has_permission(self, request, view):
        if view.action != "create":
            return True
        scope = Scope.of(request.user)
        self.message = "您没有安排考察的权限"
        return scope.has_any(Permission.EDIT) or scope.has_any(Permission.APPROVE)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        self.message = services.NOT_TEAM
        return obj.team.filter(pk=request.user.pk).exists()


@extend_schema(tags=["inspections"])
class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Inspections the caller sees or is on the team of, newest first. `POST` assigns a
    team to an organisation, an application or an inspection sample (one inspection per
    organisation drawn); `record/` is the team's findings per method, score and opinion."""

    serializer_class = s.InspectionSerializer
    filterset_class = InspectionFilter
    permission_classes = [*viewsets.GenericViewSet.permission_classes, InspectionPermission]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Inspection.objects.none()
        return (
            services.inspections_of(self.request.user)
            .select_related("org")
            .prefetch_related("team", "findings")
            .order_by("-pk")
        )

    @extend_schema(request=s.InspectionInput, responses={201: s.InspectionSerializer(many=True)})
    def create(self, request):
        data = payload(s.InspectionInput, request)
        made = services.assign_inspection(
            request.user,
            data["assigned_by_org"],
            data["team"],
            data.get("due_on"),
            org=data.get("org"),
            application=data.get("application"),
            sample=data.get("sample"),
        )
        found = self.get_queryset().filter(pk__in=[i.pk for i in made])
        return Response(
            s.InspectionSerializer(found, many=True).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.RecordInput, responses=s.InspectionSerializer, summary="录入考察情况")
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        inspection = self.get_object()
        data = payload(s.RecordInput, request)
        services.record_inspection(
            request.user,
            inspection,
            data["findings"],
            data.get("score"),
            data["opinion"],
            data.get("inspected_on"),
        )
        return Response(s.InspectionSerializer(self.get_queryset().get(pk=pk)).data)


router = SimpleRouter()
router.register("applications", ApplicationViewSet, basename="api-application")
router.register("inspections", InspectionViewSet, basename="api-inspection")

urlpatterns = [
    path(
        "campaigns/<int:pk>/applications/",
        CampaignApplicationsView.as_view(),
        name="api-campaign-applications",
    ),
    path(
        "campaigns/<int:pk>/units/<int:unit>/forward/",
        ForwardView.as_view(),
        name="api-campaign-forward",
    ),
    *router.urls,
]
