from django.db.models import Prefetch, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from grassroots.core.access import can
from grassroots.core.api.serializers import HistoryEntrySerializer
from grassroots.core.api.viewsets import PLAIN_ACTION, ScopedViewSet
from grassroots.core.choices import Permission
from grassroots.orgs import services
from grassroots.orgs.api import serializers as s
from grassroots.orgs.choices import Severity
from grassroots.orgs.filtersets import (
    HostUnitFilter,
    MemberFilter,
    OrganizationFilter,
    matching_findings,
    units_with_coverage,
)
from grassroots.orgs.health import findings_for
from grassroots.orgs.models import (
    HostUnit,
    HostUnitLink,
    Member,
    Membership,
    Organization,
    Post,
    Term,
    post_order,
)
from grassroots.orgs.personal_data import member_history


class OrganizationViewSet(ScopedViewSet):
    """Party organisations in the caller's subtree. A new `parent` moves the whole subtree;
    organisations are dissolved (`dissolve/`), never deleted."""

    serializer_class = s.OrganizationSerializer
    filterset_class = OrganizationFilter

    def get_queryset(self):
        return Organization.objects.visible_to(self.request.user).order_by("path")

    @extend_schema(request=s.DissolveSerializer, responses=s.OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def dissolve(self, request, pk=None):
        org = self.get_object()
        payload = s.DissolveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.dissolve_organization(
            request.user,
            org,
            payload.validated_data["dissolved_on"],
            payload.validated_data["reason"],
        )
        return Response(s.OrganizationSerializer(org, context={"request": request}).data)

    @extend_schema(responses=s.FindingSerializer(many=True))
    @action(detail=True, methods=["get"], **PLAIN_ACTION)
    def checks(self, request, pk=None):
        org = self.get_object()
        findings = findings_for([org])[org.pk]
        return Response(s.FindingSerializer(findings, many=True).data)

    @extend_schema(responses=s.CommitteeSerializer)
    @action(detail=True, methods=["get"], **PLAIN_ACTION)
    def committee(self, request, pk=None):
        org = self.get_object()
        term = org.terms.current().first()
        # Posts name members: without the roster (the evaluator) the term only.
        posts = (
            term.posts.filter(ended_on__isnull=True).select_related("member")
            if term and can(request.user, Permission.ROSTER, org)
            else Post.objects.none()
        )
        data = {"term": term, "posts": sorted(posts, key=post_order)}
        return Response(s.CommitteeSerializer(data, context={"request": request}).data)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], **PLAIN_ACTION)
    def history(self, request, pk=None):
        return self.history_response(self.get_object())


class CheckListViewSet(viewsets.GenericViewSet):
    """Health-check findings of the active organisations in the caller's subtree:
    `?ancestor=<id>`, `?severity=`, `?code=` and the organisation filters."""

    serializer_class = s.SubtreeFindingSerializer
    filterset_class = OrganizationFilter

    def get_queryset(self):
        return Organization.objects.visible_to(self.request.user).active().order_by("path")

    @extend_schema(
        parameters=[
            OpenApiParameter("severity", enum=Severity.values, description="严重程度"),
            OpenApiParameter("code", str, description="检查项代码，如 TERM_OVERDUE"),
        ]
    )
    def list(self, request):
        orgs = list(self.filter_queryset(self.get_queryset()))
        findings = findings_for(orgs, timezone.localdate())
        found = [(org, finding) for org in orgs for finding in findings[org.pk]]
        params = request.query_params
        rows = [
            {"org": org.pk, "org_name": org.name, **finding.__dict__}
            for org, finding in matching_findings(found, params.get("severity"), params.get("code"))
        ]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# Query parameters of a member list whose count the organisations' member counts give.
COUNTED_LIST_PARAMETERS = {"ancestor", "page", "page_size"}


class MemberViewSet(ScopedViewSet):
    """Members whose organisation relation, or a current functional membership, is in the
    caller's subtree. `id_number` and `phone` are masked without the personal-data
    permission over the member's organisation. A new `org` is recorded as a transfer."""

    serializer_class = s.MemberSerializer
    filterset_class = MemberFilter

    def get_queryset(self):
        user = self.request.user
        path = self.ancestor_path
        if path is None:
            members = Member.objects.visible_to(user)
        else:
            members = Member.objects.visible_within(user, path)
        return members.select_related("org").order_by("id")

    @cached_property
    def ancestor_path(self):
        """The path of the list's `?ancestor=` organisation (None if there is none), read
        once per request."""
        ancestor = self.request.query_params.get("ancestor", "")
        if self.action != "list" or not ancestor.isdigit():
            return None
        return Organization.objects.filter(pk=ancestor).values_list("path", flat=True).first()

    def known_count(self):
        """The list's count as the sum of `Organization.member_count` over the subtree, in
        place of a COUNT(*) over up to a million members (docs/benchmarks.md). Only where
        that sum is exactly what the list holds: nothing but `?ancestor=` (and the page)
        narrows it, members who left are hidden, and the user sees every member whose
        organisation relation is in the subtree. Otherwise None: the rows are counted."""
        path = self.ancestor_path
        if (
            path is None
            or set(self.request.query_params) - COUNTED_LIST_PARAMETERS
            or not can(self.request.user, Permission.ROSTER, path)
        ):
            return None
        subtree = Organization.objects.filter(path__startswith=path)
        return subtree.aggregate(n=Coalesce(Sum("member_count"), 0))["n"]

    @extend_schema(request=s.TransferSerializer, responses=s.MemberSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        member = self.get_object()
        payload = s.TransferSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        services.transfer_member(request.user, member, **payload.validated_data)
        return Response(s.MemberSerializer(member, context={"request": request}).data)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], **PLAIN_ACTION)
    def history(self, request, pk=None):
        entries = member_history(request.user, self.get_object())
        return Response(HistoryEntrySerializer(entries, many=True).data)


class MembershipViewSet(ScopedViewSet):
    """Functional memberships (参加组织生活) in organisations of the caller's subtree; a
    PATCH only records `ended_on`."""

    serializer_class = s.MembershipSerializer
    filterset_fields = ["member", "org"]

    def get_queryset(self):
        return Membership.objects.visible_to(self.request.user).select_related("org").order_by("id")


class TermViewSet(ScopedViewSet):
    """Committee terms. A new term ends the current one; `number` and `planned_end_on`
    default to the next number and the statutory length for the organisation."""

    serializer_class = s.TermSerializer
    filterset_fields = ["org"]

    def get_queryset(self):
        return Term.objects.visible_to(self.request.user).select_related("org")


class PostViewSet(ScopedViewSet):
    """Committee posts of a term; a PATCH only records `ended_on`."""

    serializer_class = s.PostSerializer
    filterset_fields = ["term", "member", "post"]

    def get_queryset(self):
        return Post.objects.visible_to(self.request.user).select_related("member", "term__org")


class HostUnitViewSet(ScopedViewSet):
    """Host units an organisation of the caller's subtree covers or sits in, with their
    coverage today; a new unit is linked to `org` (a joint branch takes at most five) or
    recorded on its own under `responsible_org`."""

    serializer_class = s.HostUnitSerializer
    filterset_class = HostUnitFilter

    def get_queryset(self):
        current = HostUnitLink.objects.filter(ended_on__isnull=True).order_by("id")
        return (
            units_with_coverage(self.request.user)
            .prefetch_related(Prefetch("org_links", queryset=current, to_attr="current_links"))
            .order_by("name", "id")
        )

    def may_edit(self, user, obj):
        # Any linked organisation the user may edit allows the change.
        return HostUnit.objects.visible_to(user, Permission.EDIT).filter(pk=obj.pk).exists()
