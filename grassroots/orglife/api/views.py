"""API v1 of organisational life: meetings with attendance and attachments, the
secretary's yearly report and its evaluation, yearly facts, and the Excel import of meetings.
Lists are limited to the caller's subtree (another subtree's records answer 404) and read in
a fixed number of queries."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from grassroots.core.api.excel import IMPORT_RESPONSES, FileView, ImportView, UploadSerializer
from grassroots.core.api.schema import file_responses
from grassroots.core.api.serializers import HistoryEntrySerializer
from grassroots.core.api.viewsets import PLAIN_ACTION, ScopedViewSet
from grassroots.core.excel import XLSX_CONTENT_TYPE, xlsx_response

from .. import excel, rules, services
from ..attachments import attachment_response
from ..filtersets import MeetingFilter, SecretaryReportFilter, YearlyFactFilter
from ..history import meeting_history
from ..models import Attachment, Attendance, Meeting, SecretaryReport, YearlyFact
from . import serializers as s


class MeetingViewSet(ScopedViewSet):
    """Meetings of organisations in the caller's subtree, newest first. Voided meetings
    (`cancel/`) stay on file and are listed with `?include_cancelled=true`."""

    serializer_class = s.MeetingSerializer
    filterset_class = MeetingFilter
    # For an attachment only: the viewset has no destroy, so a meeting answers 405.
    http_method_names = [*ScopedViewSet.http_method_names, "delete"]

    def get_queryset(self):
        return (
            Meeting.objects.visible_to(self.request.user)
            .select_related("org")
            .prefetch_related(
                Prefetch("attendances", queryset=Attendance.objects.order_by("member_id")),
                Prefetch("attachments", queryset=Attachment.objects.kept()),
            )
            .order_by("-date", "-id")
        )

    def filter_queryset(self, queryset):
        # The list filters (voided meetings hidden by default) narrow the list only: a
        # meeting's own URL reaches it whatever its state.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(request=s.CancelSerializer, responses=s.MeetingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        meeting = self.get_object()
        payload = s.CancelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.cancel_meeting(request.user, meeting, payload.validated_data["reason"])
        return Response(self.get_serializer(meeting).data)

    @extend_schema(
        request={"multipart/form-data": s.UploadSerializer},
        responses={201: s.AttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        meeting = self.get_object()
        payload = s.UploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        attachment = services.add_attachment(request.user, meeting, payload.validated_data["file"])
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="删除会议附件",
        parameters=[
            OpenApiParameter("attachment_id", int, OpenApiParameter.PATH, description="附件编号")
        ],
        responses={
            204: None,
            404: OpenApiResponse(description="附件不存在、已删除或不在您的查看范围内"),
        },
    )
    @action(detail=True, methods=["delete"], url_path=r"attachments/(?P<attachment_id>[0-9]+)")
    def remove_attachment(self, request, pk=None, attachment_id=None):
        """Take an attachment off the meeting: it is kept on file for the record but no
        longer listed or downloaded."""
        meeting = self.get_object()
        attachment = get_object_or_404(meeting.attachments.kept(), pk=attachment_id)
        services.remove_attachment(request.user, attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], **PLAIN_ACTION)
    def history(self, request, pk=None):
        """The meeting's changes, with who was marked present or absent and the attachments
        added or removed."""
        entries = meeting_history(self.get_object())
        return Response(HistoryEntrySerializer(entries, many=True).data)


class AttachmentDownloadView(APIView):
    def perform_content_negotiation(self, request, force=False):
        # The body is the file whatever the Accept header; errors come back as JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="v1_meeting_attachments_download",
        summary="下载会议附件",
        responses={
            **file_responses(rules.ATTACHMENTS),
            404: OpenApiResponse(description="附件不存在或不在您的查看范围内"),
        },
    )
    def get(self, request, pk):
        return attachment_response(request.user, pk)


class SecretaryReportViewSet(ScopedViewSet):
    """Secretaries' yearly reports (述职) of organisations in the caller's subtree. A POST
    submits the report for its organisation and year, or resubmits it until it is
    evaluated; `evaluate/` is for a reviewer of the level above."""

    serializer_class = s.SecretaryReportSerializer
    filterset_class = SecretaryReportFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return (
            SecretaryReport.objects.visible_to(self.request.user)
            .select_related("org", "secretary", "evaluated_by")
            .order_by("-year", "org__path")
        )

    def may_edit(self, user, obj):
        if self.action == "evaluate":
            return services.may_evaluate(user, obj.org)
        return super().may_edit(user, obj)

    @extend_schema(request=s.EvaluationSerializer, responses=s.SecretaryReportSerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        report = self.get_object()
        payload = s.EvaluationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.evaluate_secretary_report(request.user, report, **payload.validated_data)
        return Response(self.get_serializer(report).data)


class YearlyFactViewSet(ScopedViewSet):
    """Yearly facts of organisations in the caller's subtree. A POST enters the value for
    its organisation, year and code (correcting it if entered before)."""

    serializer_class = s.YearlyFactSerializer
    filterset_class = YearlyFactFilter

    def get_queryset(self):
        return (
            YearlyFact.objects.visible_to(self.request.user)
            .select_related("org")
            .order_by("org__path", "-year", "code")
        )


class MeetingImportView(ImportView):
    importer = staticmethod(excel.import_meetings)

    @extend_schema(
        operation_id="v1_meetings_import",
        summary="从 Excel 导入会议（全部导入或全部不导入）",
        request={"multipart/form-data": UploadSerializer},
        responses=IMPORT_RESPONSES,
    )
    def post(self, request):
        return super().post(request)


class MeetingTemplateView(FileView):
    @extend_schema(
        operation_id="v1_meetings_template",
        summary="会议导入模板（.xlsx）",
        responses={(200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request):
        return xlsx_response(excel.meeting_template(), "会议导入模板.xlsx")
