"""API v1 Excel endpoints: import organisations or members from an uploaded .xlsx (all rows
or none), and export a subtree's organisations or member roster as .xlsx."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from grassroots.core.api.excel import IMPORT_RESPONSES, FileView, ImportView, UploadSerializer
from grassroots.core.excel import XLSX_CONTENT_TYPE
from grassroots.orgs.excel import imports as excel_imports
from grassroots.orgs.views.excel import ROSTER_DENIED, export_response

ANCESTOR = OpenApiParameter(
    "ancestor",
    OpenApiTypes.INT,
    description="只导出该组织及其下级；不填则导出您有权查看的全部",
)


class OrganizationImportView(ImportView):
    importer = staticmethod(excel_imports.import_organizations)

    @extend_schema(
        operation_id="v1_orgs_import",
        summary="从 Excel 导入党组织（全部导入或全部不导入）",
        request={"multipart/form-data": UploadSerializer},
        responses=IMPORT_RESPONSES,
    )
    def post(self, request):
        return super().post(request)


class MemberImportView(ImportView):
    importer = staticmethod(excel_imports.import_members)

    @extend_schema(
        operation_id="v1_members_import",
        summary="从 Excel 导入党员（全部导入或全部不导入）",
        request={"multipart/form-data": UploadSerializer},
        responses=IMPORT_RESPONSES,
    )
    def post(self, request):
        return super().post(request)


class _ExportView(FileView):
    kind = ""  # as in the pages' URLs: "orgs" or "members"

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
