"""The bases of every app's Excel API views: an all-or-nothing import of an uploaded .xlsx
(201 with the number created, or 400 with every error by row and column) and a view whose
body is a file whatever the Accept header."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import Scope
from ..choices import Permission
from ..excel import RowError

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
IMPORT_RESPONSES = {
    201: CreatedSerializer,
    400: OpenApiResponse(
        ImportErrorsSerializer, description="未导入任何数据：每处错误的行、列和说明"
    ),
    403: OpenApiResponse(description="没有录入数据的权限"),
}


class ImportView(APIView):
    parser_classes = [MultiPartParser]
    importer = None  # staticmethod(user, fileobj) -> core.excel.ImportResult

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


# A view answering a file (no docstring: the schema would show it on every subclass).
class FileView(APIView):
    def perform_content_negotiation(self, request, force=False):
        # The body is a file whatever the Accept header; errors still come back as JSON.
        return super().perform_content_negotiation(request, force=True)
