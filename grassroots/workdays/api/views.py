"""The working-day calendar for any authenticated user: the Nth working day after a date,
and a year's holidays and adjusted working days. Read-only: administrators change the
calendar on its pages."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services
from ..models import CalendarDay, CalendarYear
from ..rules import MissingYear
from . import serializers as s


def _query(serializer_class, request):
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


class WorkingDaysView(APIView):
    @extend_schema(
        summary="起算日期后第 N 个工作日",
        parameters=[s.WorkingDaysQuery],
        responses={
            200: s.WorkingDaysSerializer,
            409: OpenApiResponse(
                s.NoCalendarSerializer, description="所需年份的放假调休安排尚未录入"
            ),
        },
    )
    def get(self, request):
        query = _query(s.WorkingDaysQuery, request)
        try:
            end = services.working_days_after(query["start"], query["days"])
        except MissingYear as exc:
            body = {"code": "NO_CALENDAR", "year": exc.year, "detail": str(exc)}
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(s.WorkingDaysSerializer({**query, "end": end}).data)


class HolidaysView(APIView):
    @extend_schema(
        summary="某年的放假和调休上班日期",
        parameters=[s.HolidaysQuery],
        responses=s.HolidaysSerializer,
    )
    def get(self, request):
        year = _query(s.HolidaysQuery, request)["year"]
        days = CalendarDay.objects.filter(date__year=year, withdrawn=False).order_by("date")
        covered = CalendarYear.objects.filter(year=year, covered=True).exists()
        body = {"year": year, "covered": covered, "days": days}
        return Response(s.HolidaysSerializer(body).data)
