"""API v1: a workflow's documents under /elections/<pk>/ (general elections and
by-elections) and /establishments/<pk>/: the list, each document (.docx, or PDF with
?format=pdf where LibreOffice is installed) and the zip of all."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from grassroots.documents.pdf import pdf_available
from grassroots.elections.choices import WorkflowKind
from grassroots.elections.documents import available_documents
from grassroots.elections.views.documents import (
    DOCX_CONTENT_TYPE,
    PDF_CONTENT_TYPE,
    ZIP_CONTENT_TYPE,
    document_response,
    dossier_response,
    visible_workflow,
)

# URL prefix -> workflow kinds served under it
PREFIXES = {
    "elections": (WorkflowKind.GENERAL, WorkflowKind.BY_ELECTION),
    "establishments": (WorkflowKind.ESTABLISHMENT,),
}
URL_NAMES = {"elections": "api-election", "establishments": "api-establishment"}


class DocumentSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text="request、form-<候选人id>、roster、agenda、result")
    title = serializers.CharField()
    template = serializers.IntegerField(
        allow_null=True, help_text="种子文件中的模板编号（模板N）；党员大会议程为空"
    )
    label = serializers.CharField(help_text="页面上的名称，如“委员补选的请示（模板7）”")
    filename = serializers.CharField()
    url = serializers.CharField(help_text="下载 .docx；加 ?format=pdf 下载 PDF")


class DocumentListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = DocumentSerializer(many=True)
    dossier_url = serializers.CharField(help_text="全部材料（.zip）")
    pdf_available = serializers.BooleanField(help_text="服务器能否生成 PDF（已安装 LibreOffice）")


NOT_VISIBLE = OpenApiResponse(description="该事项不存在或不在您的查看范围内")
FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["pdf"],
    description="pdf：下载 PDF（需服务器安装 LibreOffice）",
)


class _WorkflowFileView(APIView):
    prefix = ""  # a key of PREFIXES

    def perform_content_negotiation(self, request, force=False):
        # The body is a file whatever the Accept header (and ?format=pdf is ours, not a
        # renderer's); errors come back as JSON.
        return super().perform_content_negotiation(request, force=True)

    def workflow(self, request, pk):
        return visible_workflow(request.user, pk, PREFIXES[self.prefix])


class DocumentListView(_WorkflowFileView):
    def get(self, request, pk):
        workflow = self.workflow(request, pk)
        name = URL_NAMES[self.prefix]
        results = [
            {
                "slug": ref.slug,
                "title": ref.title,
                "template": ref.template,
                "label": ref.label,
                "filename": ref.filename,
                "url": request.build_absolute_uri(
                    reverse(f"{name}-document", args=[workflow.pk, ref.slug])
                ),
            }
            for ref in available_documents(workflow)
        ]
        return Response(
            {
                "count": len(results),
                "results": results,
                "dossier_url": request.build_absolute_uri(
                    reverse(f"{name}-dossier", args=[workflow.pk])
                ),
                "pdf_available": pdf_available(),
            }
        )


class DocumentView(_WorkflowFileView):
    def get(self, request, pk, slug):
        workflow = self.workflow(request, pk)
        as_pdf = request.query_params.get("format") == "pdf"
        return document_response(request.user, workflow, slug, as_pdf)


class DossierView(_WorkflowFileView):
    def get(self, request, pk):
        return dossier_response(request.user, self.workflow(request, pk))


def _views(prefix, label):
    """The three views of one URL prefix, each with its own schema entry."""

    class List(DocumentListView):
        @extend_schema(
            operation_id=f"v1_{prefix}_documents_list",
            summary=f"{label}的材料清单（按当前状态可生成的公文）",
            responses={200: DocumentListSerializer, 404: NOT_VISIBLE},
        )
        def get(self, request, pk):
            return super().get(request, pk)

    class One(DocumentView):
        @extend_schema(
            operation_id=f"v1_{prefix}_documents_retrieve",
            summary=f"下载{label}的一份公文（.docx 或 PDF；无个人信息权限时身份证号和电话遮盖）",
            parameters=[FORMAT],
            responses={
                (200, DOCX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
                (200, PDF_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
                404: NOT_VISIBLE,
                503: OpenApiResponse(description="服务器未安装 LibreOffice，无法生成 PDF"),
            },
        )
        def get(self, request, pk, slug):
            return super().get(request, pk, slug)

    class Zip(DossierView):
        @extend_schema(
            operation_id=f"v1_{prefix}_dossier",
            summary=f"下载{label}的全部材料（.zip）",
            responses={
                (200, ZIP_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
                404: NOT_VISIBLE,
            },
        )
        def get(self, request, pk):
            return super().get(request, pk)

    for view in (List, One, Zip):
        view.prefix = prefix
    return List, One, Zip


ElectionDocumentList, ElectionDocument, ElectionDossier = _views("elections", "选举事项")
(
    EstablishmentDocumentList,
    EstablishmentDocument,
    EstablishmentDossier,
) = _views("establishments", "成立党组织事项")
