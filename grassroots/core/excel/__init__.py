"""What every app's Excel import and export shares: the result of an all-or-nothing import
(the errors by row and column), the upload form and the .xlsx download response."""

from dataclasses import asdict, dataclass, field

from django import forms
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from ..forms import BootstrapForm
from .sheets import export_workbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class RowError:
    row: int | None  # the sheet's row number (the header is row 1); None: the whole file
    column: str  # the column's header as written in the file, or ""
    letter: str  # the column's letter (A, B, …), or ""
    message: str

    def as_dict(self):
        return asdict(self)


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)


class UploadForm(BootstrapForm):
    file = forms.FileField(label="Excel 文件")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx," + XLSX_CONTENT_TYPE


def xlsx_response(content, filename):
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    # A Chinese file name goes out as RFC 5987 filename*=utf-8''…
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def xlsx_list(title, headers, widths, rows, filename):
    """A list's rows as a one-sheet workbook download (what a list page exports)."""
    return xlsx_response(export_workbook(title, headers, widths, rows), filename)


def wants_xlsx(request):
    """A list page asked for what it shows as a workbook (`?format=xlsx`, its filter kept;
    `core/_list_tools.html` links it)."""
    return request.GET.get("format") == "xlsx"
