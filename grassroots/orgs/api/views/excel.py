"""API v1 Excel endpoints: import organisations or members from an uploaded .xlsx (all rows
or none), and export a subtree's organisations or member roster as .xlsx."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from grassroots.core.access import Scope
from grassroots.core.choices import Permission
from grassroots.orgs import excel
from grassroots.orgs.excel import RowError
from grassroots.orgs.excel.sheets import XLSX_CONTENT_TYPE
from grassroots.orgs.views.excel import ROSTER_DENIED, export_response

UploadSerializer = inline_serializer(
    "ExcelUpload", {"file": serializers.FileField(help_text="按导入模板填写的 .xlsx 文件")}
)
CreatedSerializer = inline_serializer("ImportCreated", {"created": serializers.IntegerField()})
ImportErrorsSerializer = inline_serializer(
    "ImportErrors",
    {
        "errors": inline_serializer(
            "ImportRowError",
            {
                "row": serializers.IntegerField(
                    allow_null=True, help_text="工作表中的行号（第1行为列名）；null 表示整个文件"
                ),
                "column": serializers.CharField(help_text="列名（文件中所写），可能为空"),
                "letter": serializers.CharField(help_text="列字母，如 B；可能为空"),
                "message": serializers.CharField(),
            },
            many=True,
        )
    },
)
ANCESTOR = OpenApiParameter(
    "ancestor",
    OpenApiTypes.INT,
    description="只导出该组织及其下级；不填则导出您有权查看的全部",
)


class ImportView(APIView):
    parser_classes = [MultiPartParser]
    importer = None  # staticmethod(user, fileobj) -> ImportResult

    def post(self, request):
        if not Scope.of(request.user).has_any(Permission.EDIT):
            raise PermissionDenied("您没有录入数据的权限")
        upload = request.FILES.get("file")
        if upload is None:
            missing = RowError(None, "", "", "请上传文件（字段名 file）").as_dict()
            return Response({"errors": [missing]}, status=status.HTTP_400_BAD_REQUEST)
        result = self.importer(request.user, upload)
        if result.errors:
            return Response(
                {"errors": [error.as_dict() for error in result.errors]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"created": result.created}, status=status.HTTP_201_CREATED)


IMPORT_RESPONSES = {
    201: CreatedSerializer,
    400: OpenApiResponse(
        ImportErrorsSerializer, description="未导入任何数据：每处错误的行、列和说明"
    ),
    403: OpenApiResponse(description="没有录入数据的权限"),
}


class OrganizationImportView(ImportView):
    importer = staticmethod(excel.import_organizations)

    @extend_schema(
        operation_id="v1_orgs_import",
        summary="从 Excel 导入党组织（全部导入或全部不导入）",
        request={"multipart/form-data": UploadSerializer},
        responses=IMPORT_RESPONSES,
    )
    def post(self, request):
        return super().post(request)


class MemberImportView(ImportView):
    importer = staticmethod(excel.import_members)

    @extend_schema(
        operation_id="v1_members_import",
        summary="从 Excel 导入党员（全部导入或全部不导入）",
        request={"multipart/form-data": UploadSerializer},
        responses=IMPORT_RESPONSES,
    )
    def post(self, request):
        return super().post(request)


class _ExportView(APIView):
    kind = ""  # as in the pages' URLs: "orgs" or "members"

    def perform_content_negotiation(self, request, force=False):
        # The body is an .xlsx whatever the Accept header; errors come back as JSON.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request):
        return export_response(request.user, self.kind, request.query_params.get("ancestor"))


_EXPORT_RESPONSES = {
    (200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description=".xlsx 文件"),
    404: OpenApiResponse(description="该组织不存在或不在您的查看范围内"),
}


class OrganizationExportView(_ExportView):
    kind = "orgs"

    @extend_schema(
        operation_id="v1_orgs_export",
        summary="导出党组织（.xlsx）",
        parameters=[ANCESTOR],
        responses=_EXPORT_RESPONSES,
    )
    def get(self, request):
        return super().get(request)


class MemberExportView(_ExportView):
    kind = "members"

    @extend_schema(
        operation_id="v1_members_export",
        summary="导出党员名册（.xlsx；无个人信息权限时身份证号和电话遮盖，出生日期只给年份）",
        parameters=[ANCESTOR],
        responses={**_EXPORT_RESPONSES, 403: OpenApiResponse(description=ROSTER_DENIED)},
    )
    def get(self, request):
        return super().get(request)
