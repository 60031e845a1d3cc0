"""The workflows in API v1: `/api/v1/elections/` (general elections and
by-elections) and `/api/v1/establishments/`.

Every state change is a POST sub-route calling its one service function; a PATCH changes the
request while it is a draft or returned. Who sees a workflow is `Workflow.objects.visible_to`
(another subtree: 404); who may take a step is decided by the services (the organisation's
clerk, or a reviewer of the level above): anyone else gets 403. A service's
ValidationError is a 400 naming the field (`grassroots.core.api.base.exception_handler`).
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from grassroots.core.api.base import ScopedWritePermission
from grassroots.core.api.viewsets import PLAIN_ACTION
from grassroots.elections import rules, services
from grassroots.elections.api import serializers as s
from grassroots.elections.choices import Action, Actor, WorkflowKind
from grassroots.elections.filtersets import ElectionFilter, EstablishmentFilter
from grassroots.elections.models import (
    Candidate,
    Exclusion,
    MeetingOfficer,
    RosterEntry,
    Round,
    RoundCandidate,
    Vacancy,
    Workflow,
)

# viewset action -> (workflow action, service, payload)
TRANSITIONS = {
    "submit": (Action.SUBMIT, services.submit, s.WorkflowCommentInput),
    "return_request": (Action.RETURN, services.return_request, s.WorkflowReturnInput),
    "approve": (Action.APPROVE, services.approve_request, s.WorkflowCommentInput),
    "withdraw": (Action.WITHDRAW, services.withdraw, s.WorkflowCommentInput),
    "record_meeting": (
        Action.RECORD_MEETING,
        services.record_count,
        s.WorkflowRecordMeetingInput,
    ),
    "confirm_result": (Action.CONFIRM_RESULT, services.confirm_result, s.WorkflowCommentInput),
    "record_committee": (
        Action.RECORD_COMMITTEE,
        services.record_committee_meeting,
        s.WorkflowRecordCommitteeInput,
    ),
    "submit_result": (Action.SUBMIT_RESULT, services.submit_result, s.WorkflowSubmitResultInput),
    "return_result": (Action.RETURN_RESULT, services.return_result, s.WorkflowReturnInput),
    "approve_result": (Action.APPROVE_RESULT, services.approve_result, s.WorkflowCommentInput),
}
# Fields that name what a workflow is about: fixed once it is drafted.
FIXED_FIELDS = ("kind", "org", "parent")


class WorkflowPermission(ScopedWritePermission):
    """Drafting needs the edit permission somewhere (the service checks the organisation
    chosen); a PATCH needs the clerk's edit permission over the organisation; a step needs
    to be the step's actor (`services.is_actor_for`), whatever the state (a step the state
    does not allow is then a 400 naming `state`)."""

    def has_object_permission(self, request, view, obj):
        if view.action not in TRANSITIONS:
            return super().has_object_permission(request, view, obj)
        workflow_action = TRANSITIONS[view.action][0]
        if services.is_actor_for(request.user, obj, workflow_action):
            return True
        table = rules.transitions(services.with_committee_meeting(obj), obj.kind)
        step = table.get(workflow_action)
        if step is None:
            return True  # a step this workflow never takes: the service answers 400
        if step.actor == Actor.REVIEWER:
            self.message = "只有上级党组织的审批人可以办理"
        else:
            self.message = "只有本组织的党务工作者可以办理"
        return False


def transition_route(name):
    """The POST sub-route of one step: its payload is read and handed to its service."""
    workflow_action, service, payload_class = TRANSITIONS[name]
    label = Action(workflow_action).label

    def route(self, request, pk=None):
        workflow = self.get_object()
        payload = payload_class(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        service(request.user, workflow, **payload.service_kwargs())
        return self.detail_response(workflow.pk)

    # The router dispatches by the function's name: give it before decorating.
    route.__name__ = name
    route = action(detail=True, methods=["post"], url_path=workflow_action.replace("_", "-"))(route)
    return extend_schema(
        request=payload_class,
        responses=s.WorkflowDetailSerializer,
        summary=label,
        description=f"{label}。状态不允许时 400（state）；不是该步骤的办理人时 403。",
    )(route)


class WorkflowViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Shared by elections and establishments: list, read, draft, change, and the steps."""

    kinds = ()
    input_class = None
    permission_classes = [*viewsets.GenericViewSet.permission_classes, WorkflowPermission]
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        workflows = (
            Workflow.objects.visible_to(self.request.user)
            .filter(kind__in=self.kinds)
            .select_related("org__parent", "parent", "created_by")
        )
        if self.action == "retrieve":
            workflows = with_detail(workflows)
        return workflows

    def get_serializer_class(self):
        return s.WorkflowDetailSerializer if self.action == "retrieve" else s.WorkflowSerializer

    def may_edit(self, user, workflow):
        return services.may_edit(user, workflow)

    def detail_response(self, pk, status_code=status.HTTP_200_OK):
        workflow = with_detail(self.get_queryset()).get(pk=pk)
        data = s.WorkflowDetailSerializer(workflow, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def draft(self, request, payload):
        """Create with the service; `payload` is the validated input's kwargs."""
        raise NotImplementedError

    def create(self, request):
        payload = self.input_class(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        workflow = self.draft(request, payload.service_kwargs())
        return self.detail_response(workflow.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        workflow = self.get_object()
        fixed = [name for name in FIXED_FIELDS if name in request.data]
        if fixed:
            raise ValidationError({fixed[0]: ["不能修改此项；请撤回后重新起草"]})
        payload = self.input_class(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        services.update_workflow(request.user, workflow, **payload.service_kwargs())
        return self.detail_response(workflow.pk)

    @extend_schema(responses=s.WorkflowProblemSerializer(many=True))
    @action(detail=True, methods=["get"], **PLAIN_ACTION)
    def checks(self, request, pk=None):
        """What keeps the request from being submitted (error) or what the reviewer should
        look at (warning), read from the records as they are now."""
        problems = services.request_problems(self.get_object())
        return Response(s.WorkflowProblemSerializer(problems, many=True).data)

    @extend_schema(responses=s.WorkflowTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], **PLAIN_ACTION)
    def timeline(self, request, pk=None):
        """Every step taken: who, when, from which state to which, with the comment."""
        transitions = self.get_object().transitions.select_related("by").order_by("at", "pk")
        return Response(s.WorkflowTransitionSerializer(transitions, many=True).data)

    submit = transition_route("submit")
    return_request = transition_route("return_request")
    approve = transition_route("approve")
    withdraw = transition_route("withdraw")
    record_meeting = transition_route("record_meeting")
    confirm_result = transition_route("confirm_result")
    record_committee = transition_route("record_committee")
    submit_result = transition_route("submit_result")
    return_result = transition_route("return_result")
    approve_result = transition_route("approve_result")


def with_detail(workflows):
    """Everything the detail shows, in a fixed number of queries."""
    entries = RoundCandidate.objects.select_related("candidate__member")
    rounds = Round.objects.select_related("confirmed_by").prefetch_related(
        Prefetch("entries", queryset=entries),
        Prefetch("exclusions", queryset=Exclusion.objects.select_related("member")),
        "ballots",
    )
    return workflows.select_related("term").prefetch_related(
        Prefetch("candidates", queryset=Candidate.objects.select_related("member", "elected_in")),
        Prefetch("roster", queryset=RosterEntry.objects.select_related("member")),
        Prefetch("rounds", queryset=rounds),
        Prefetch("vacancies", queryset=Vacancy.objects.select_related("post__member")),
        Prefetch("officers", queryset=MeetingOfficer.objects.select_related("member")),
    )


@extend_schema(tags=["elections"])
class ElectionViewSet(WorkflowViewSet):
    """General elections (换届) and by-elections (补选) of organisations in the caller's
    subtree, `kind` telling which. `POST` drafts a request (the organisation's clerk); the
    steps follow as POST sub-routes."""

    kinds = (WorkflowKind.GENERAL, WorkflowKind.BY_ELECTION)
    input_class = s.ElectionRequestInput
    filterset_class = ElectionFilter

    def draft(self, request, payload):
        return services.create_workflow(request.user, **payload)

    @extend_schema(request=s.ElectionRequestInput, responses={201: s.WorkflowDetailSerializer})
    def create(self, request):
        return super().create(request)

    @extend_schema(request=s.ElectionRequestInput, responses=s.WorkflowDetailSerializer)
    def partial_update(self, request, pk=None):
        return super().partial_update(request, pk)


@extend_schema(tags=["establishments"])
class EstablishmentViewSet(WorkflowViewSet):
    """Establishing a party organisation (成立) under a parent in the caller's subtree:
    request with the proposed leaders and the roster, approval by the level above, the
    founding election, the result report and its approval, which creates the organisation."""

    kinds = (WorkflowKind.ESTABLISHMENT,)
    input_class = s.EstablishmentRequestInput
    filterset_class = EstablishmentFilter

    def draft(self, request, payload):
        return services.create_workflow(request.user, WorkflowKind.ESTABLISHMENT, **payload)

    @extend_schema(request=s.EstablishmentRequestInput, responses={201: s.WorkflowDetailSerializer})
    def create(self, request):
        return super().create(request)

    @extend_schema(request=s.EstablishmentRequestInput, responses=s.WorkflowDetailSerializer)
    def partial_update(self, request, pk=None):
        return super().partial_update(request, pk)
