"""Standards are public reference data: every authenticated user reads every published set
(drafts only their editors). Read-only here; changes go through the pages' services."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.response import Response

from grassroots.orgs.choices import Category

from ..models import StandardSet, filter_sets
from . import serializers as s


class StandardSetViewSet(viewsets.ReadOnlyModelViewSet):
    """The latest published version of each standard set; `?version=` reads an older one."""

    lookup_field = "code"
    lookup_value_regex = "[a-z0-9-]+"
    pagination_class = None
    filter_backends = []

    def get_serializer_class(self):
        return s.StandardSetListSerializer if self.action == "list" else s.StandardSetSerializer

    def get_queryset(self):
        return StandardSet.objects.latest_published()

    @extend_schema(
        parameters=[
            OpenApiParameter("category", str, enum=Category.values, description="适用领域"),
            OpenApiParameter("year", int, description="年度"),
            OpenApiParameter("source", str, description="出处（全文匹配）"),
        ]
    )
    def list(self, request, *args, **kwargs):
        sets = self.get_queryset().with_items_count().order_by("code")
        year = request.query_params.get("year")
        sets = filter_sets(
            sets,
            category=request.query_params.get("category"),
            year=year if year and year.isdigit() else None,
            source=request.query_params.get("source"),
        )
        return Response(self.get_serializer(sets, many=True).data)

    @extend_schema(parameters=[OpenApiParameter("version", int, description="版本号")])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def get_object(self):
        code = self.kwargs["code"]
        version = self.request.query_params.get("version")
        if version:
            if not version.isdigit():
                raise Http404
            sets = StandardSet.objects.visible_to(self.request.user).filter(version=version)
        else:
            sets = StandardSet.objects.latest_published()
        found = sets.filter(code=code).select_related("based_on").with_contents().first()
        if found is None:
            raise Http404
        return found
