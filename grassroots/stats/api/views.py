"""Statistics of a subtree on a date (API v1 contract)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from grassroots.core.access import visible
from grassroots.core.replica import on_replica
from grassroots.orgs.models import Organization

from ..figures import counts_of, member_figures, org_figures, term_figures, unit_figures
from . import serializers as s


class StatsView(APIView):
    @extend_schema(
        summary="某党组织及其下级在某日的统计数",
        parameters=[s.StatsQuery],
        responses={
            200: s.StatsSerializer,
            404: OpenApiResponse(description="党组织不存在或不在您的查看范围内"),
        },
    )
    @on_replica()
    def get(self, request):
        query = s.StatsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        org = visible(request, Organization).filter(pk=query.validated_data["ancestor"]).first()
        if org is None:  # another subtree's organisation is not revealed
            raise NotFound("党组织不存在或不在您的查看范围内")
        on = query.validated_data.get("on") or timezone.localdate()
        counts = counts_of(org, on)
        body = {
            "orgs": org_figures(counts),
            "members": member_figures(counts),
            "units": unit_figures(counts),
            "terms": term_figures(counts, on),
        }
        return Response(s.StatsSerializer(body).data)
