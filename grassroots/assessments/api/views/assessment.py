"""Assessments, rectification tasks, inspection samples and grading policies in API v1
(docs/decisions/0010-assessment.md).

Who sees a record is its `visible_to` (another subtree: 404). Who may act is decided as the
services decide it: the organisation's clerk self-assesses and submits, a reviewer of the
level above returns, scores and completes, an administrator sets grading policies (anyone
else: 403); a service's ValidationError is a 400 naming the field
(`grassroots.core.api.base.exception_handler`). Lists read a fixed number of queries
whatever their length.
"""

from django.db.models import F, Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from grassroots.assessments import rules, services
from grassroots.assessments.api import serializers as s
from grassroots.assessments.filtersets import (
    AssessmentFilter,
    PolicyFilter,
    SampleFilter,
    TaskFilter,
)
from grassroots.assessments.models import (
    Assessment,
    AssessmentItem,
    GradingPolicy,
    InspectionSample,
    RectificationTask,
)
from grassroots.assessments.views.assessment import evidence_response
from grassroots.core.access import Scope
from grassroots.core.api.base import ScopedWritePermission
from grassroots.core.api.schema import file_responses
from grassroots.core.api.viewsets import PLAIN_ACTION
from grassroots.core.choices import Permission
from grassroots.orgs.models import Organization

REVIEW_ACTIONS = ("return_assessment", "review", "complete")
NOT_CLERK = "只有本组织的党务工作者可以办理"
UPLOADS = [JSONParser, MultiPartParser, FormParser]


def with_rows(assessments):
    """Assessments with their rows, items, dimensions and tasks: two queries in all."""
    rows = AssessmentItem.objects.select_related("item__dimension", "task").order_by("position")
    return assessments.prefetch_related(Prefetch("items", queryset=rows, to_attr="rows"))


class AssessmentPermission(ScopedWritePermission):
    """Changing a self-assessment (PATCH of an item, submit) is the organisation's clerk's;
    returning, scoring and completing a review is a reviewer's of the level above."""

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.action in REVIEW_ACTIONS:
            self.message = services.NOT_REVIEWER
            return services.may_review(request.user, obj.org)
        self.message = NOT_CLERK
        return services.may_edit(request.user, obj.org)


@extend_schema(tags=["assessments"])
class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Yearly assessments of organisations in the caller's subtree. `POST` starts a
    self-assessment (the organisation's clerk; measurable items pre-filled from the records);
    items are changed with `PATCH items/{item id}/` while it is a draft or returned; the
    steps are POST sub-routes."""

    permission_classes = [*viewsets.GenericViewSet.permission_classes, AssessmentPermission]
    filterset_class = AssessmentFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        assessments = (
            Assessment.objects.visible_to(self.request.user)
            .select_related("org", "standard_set", "started_by", "submitted_by", "reviewed_by")
            .order_by("-year", "org__path", "pk")
        )
        if self.action != "list":
            assessments = with_rows(assessments)
        return assessments

    def get_serializer_class(self):
        if self.action == "list":
            return s.AssessmentSerializer
        return s.AssessmentDetailSerializer

    def detail_response(self, pk, status_code=status.HTTP_200_OK):
        assessment = self.get_queryset().get(pk=pk)
        data = s.AssessmentDetailSerializer(assessment, context=self.get_serializer_context())
        return Response(data.data, status=status_code)

    def payload(self, input_class):
        payload = input_class(data=self.request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        return payload.validated_data

    @extend_schema(request=s.StartInput, responses={201: s.AssessmentDetailSerializer})
    def create(self, request):
        data = self.payload(s.StartInput)
        assessment = services.start_assessment(
            request.user, data["org"], data["standard"], data["year"]
        )
        return self.detail_response(assessment.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request={
            "application/json": s.SelfAssessmentInput,
            "multipart/form-data": s.SelfAssessmentInput,
        },
        responses=s.AssessmentItemSerializer,
        summary="修改条目自评",
        description="自评结果（仅人工条目）、佐证材料说明和文件、自评说明；自评中或已退回时。",
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"items/(?P<item_id>\d+)",
        parser_classes=UPLOADS,
        **PLAIN_ACTION,
    )
    def item(self, request, pk=None, item_id=None):
        assessment = self.get_object()
        row = assessment.items.select_related("item__dimension", "task").filter(pk=item_id).first()
        if row is None:
            raise Http404
        services.update_self_assessment(request.user, row, **self.payload(s.SelfAssessmentInput))
        return Response(s.AssessmentItemSerializer(row).data)

    @extend_schema(
        responses=file_responses(rules.EVIDENCE_FILES),
        summary="下载佐证材料文件",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"items/(?P<item_id>\d+)/evidence",
        url_name="evidence",
        **PLAIN_ACTION,
    )
    def evidence(self, request, pk=None, item_id=None):
        row = self.get_object().items.filter(pk=item_id).first()
        if row is None:
            raise Http404
        return evidence_response(row.evidence_file, row.evidence_name)

    @extend_schema(request=None, responses=s.AssessmentDetailSerializer, summary="提交审核")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        services.submit_assessment(request.user, self.get_object())
        return self.detail_response(pk)

    @extend_schema(request=s.ReturnInput, responses=s.AssessmentDetailSerializer, summary="退回")
    @action(detail=True, methods=["post"], url_path="return")
    def return_assessment(self, request, pk=None):
        data = self.payload(s.ReturnInput)
        services.return_assessment(request.user, self.get_object(), data["comment"])
        return self.detail_response(pk)

    @extend_schema(request=s.ReviewInput, responses=s.AssessmentDetailSerializer, summary="评分")
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        data = self.payload(s.ReviewInput)
        scores = {row["item"]: (row["score"], row.get("comment")) for row in data["scores"]}
        services.review_items(request.user, self.get_object(), scores)
        return self.detail_response(pk)

    @extend_schema(
        request=s.CompleteInput,
        responses=s.AssessmentDetailSerializer,
        summary="完成评定",
        description="按分数线评定等次（一票否决条目未达标时封顶），并为每项差距生成整改任务。",
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        data = self.payload(s.CompleteInput)
        services.complete_review(
            request.user, self.get_object(), data["comment"], deadline=data.get("deadline")
        )
        return self.detail_response(pk)


class TaskPermission(ScopedWritePermission):
    def has_permission(self, request, view):
        return True  # tasks are created by the review, never by a POST here

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.action == "close":
            self.message = "只有本组织的党务工作者可以提交整改情况"
            return services.may_edit(request.user, obj.org)
        self.message = "您没有修改该整改任务的权限"
        return services.may_change_task(request.user, obj)


@extend_schema(tags=["rectification-tasks"])
class TaskViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Rectification tasks of the caller's subtree, earliest deadline first. The review
    creates them; `PATCH` changes what, who, by when and the progress (the organisation's
    clerk or a reviewer of the level above); `close/` finishes one with its evidence."""

    serializer_class = s.TaskSerializer
    filterset_class = TaskFilter
    permission_classes = [*viewsets.GenericViewSet.permission_classes, TaskPermission]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            RectificationTask.objects.visible_to(self.request.user)
            .select_related(
                "org",
                "owner_user",
                "closed_by",
                "assessment_item__item",
                "assessment_item__assessment",
            )
            .order_by("deadline", "pk")
        )

    def task_response(self, pk):
        return Response(s.TaskSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=s.TaskInput, responses=s.TaskSerializer)
    def partial_update(self, request, pk=None):
        task = self.get_object()
        payload = s.TaskInput(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        services.update_task(request.user, task, **payload.validated_data)
        return self.task_response(task.pk)

    @extend_schema(
        request={"multipart/form-data": s.CloseInput, "application/json": s.CloseInput},
        responses=s.TaskSerializer,
        summary="整改完成（销号）",
    )
    @action(detail=True, methods=["post"], parser_classes=UPLOADS)
    def close(self, request, pk=None):
        task = self.get_object()
        payload = s.CloseInput(data=request.data)
        payload.is_valid(raise_exception=True)
        services.close_task(request.user, task, **payload.validated_data)
        return self.task_response(task.pk)

    @extend_schema(
        responses=file_responses(rules.EVIDENCE_FILES),
        summary="下载整改材料",
    )
    @action(detail=True, methods=["get"], url_name="file", **PLAIN_ACTION)
    def file(self, request, pk=None):
        task = self.get_object()
        return evidence_response(task.follow_up_file, task.follow_up_name)


class SamplePermission(permissions.BasePermission):
    message = "只有审核人或管理员可以抽取检查名单"

    def has_permission(self, request, view):
        if view.action != "create":
            return True
        scope = Scope.of(request.user)
        return scope.has_any(Permission.APPROVE) or scope.has_any(Permission.MANAGE_USERS)


@extend_schema(tags=["inspection-samples"])
class SampleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Inspection samples drawn in the caller's subtree, newest first. `POST` draws one
    (a reviewer or administrator of a committee or department): the seed, given or random,
    and the share are recorded, and the same seed, share and population draw the same list."""

    filterset_class = SampleFilter
    permission_classes = [*viewsets.GenericViewSet.permission_classes, SamplePermission]

    def get_queryset(self):
        return (
            InspectionSample.objects.visible_to(self.request.user)
            .select_related("org", "drawn_by")
            .order_by("-created_at", "-pk")
        )

    def get_serializer_class(self):
        return s.SampleSerializer if self.action == "list" else s.SampleDetailSerializer

    def detail_data(self, sample):
        names = dict(Organization.objects.filter(pk__in=sample.drawn).values_list("pk", "name"))
        sample.drawn_orgs = [{"id": pk, "name": names.get(pk, "")} for pk in sample.drawn]
        sample.verified = services.verify_sample(sample)
        return s.SampleDetailSerializer(sample).data

    def retrieve(self, request, pk=None):
        return Response(self.detail_data(self.get_object()))

    @extend_schema(request=s.SampleInput, responses={201: s.SampleDetailSerializer})
    def create(self, request):
        payload = s.SampleInput(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        sample = services.draw_inspection_sample(
            request.user, data["org"], data["year"], data["share"], data.get("seed")
        )
        sample = self.get_queryset().get(pk=sample.pk)
        return Response(self.detail_data(sample), status=status.HTTP_201_CREATED)


class PolicyPermission(permissions.BasePermission):
    """Setting bands is an administrator's, as on the page: creating needs the role somewhere
    (the service then checks the organisation chosen and answers 400 naming `org`), changing
    a policy needs it over the policy's organisation."""

    message = "只有管理员可以设置考核等次分数线"

    def has_permission(self, request, view):
        if view.action != "create":
            return True
        return Scope.of(request.user).has_any(Permission.MANAGE_USERS)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return services.may_set_policy(request.user, obj.org)


@extend_schema(tags=["grading-policies"])
class PolicyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Grade bands and veto caps set for organisations of the caller's subtree, by
    organisation, "all years" before each year. `POST` sets the policy of an organisation
    and year as the page does, replacing the one there is (201 new, 200 replaced); `PATCH`
    changes the bands of one, its organisation and year staying. Both go through
    `services.set_grading_policy`."""

    serializer_class = s.GradingPolicySerializer
    filterset_class = PolicyFilter
    permission_classes = [*viewsets.GenericViewSet.permission_classes, PolicyPermission]
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            GradingPolicy.objects.visible_to(self.request.user)
            .select_related("org")
            .order_by("org__path", F("year").asc(nulls_first=True), "pk")
        )

    def policy_response(self, pk, status_code=status.HTTP_200_OK):
        policy = self.get_queryset().get(pk=pk)
        return Response(s.GradingPolicySerializer(policy).data, status=status_code)

    @extend_schema(
        request=s.GradingPolicyInput,
        responses={201: s.GradingPolicySerializer, 200: s.GradingPolicySerializer},
    )
    def create(self, request):
        payload = s.GradingPolicyInput(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        replaced = GradingPolicy.objects.filter(org=data["org"], year=data["year"]).exists()
        policy = services.set_grading_policy(request.user, **data)
        return self.policy_response(
            policy.pk, status.HTTP_200_OK if replaced else status.HTTP_201_CREATED
        )

    @extend_schema(request=s.GradingPolicyBandsInput, responses=s.GradingPolicySerializer)
    def partial_update(self, request, pk=None):
        policy = self.get_object()
        payload = s.GradingPolicyBandsInput(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        # The service sets every band at once: what is not given stays as it is.
        bands = {name: getattr(policy, name) for name in payload.fields} | payload.validated_data
        services.set_grading_policy(request.user, policy.org, policy.year, **bands)
        return self.policy_response(policy.pk)
