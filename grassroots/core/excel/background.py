"""Large Excel imports as background jobs (`core.jobs`, docs/decisions/0039): a workbook
that declares more than JOB_ROWS rows is kept as the job's upload and imported by the worker
exactly as a page imports a small one — every row checked first, then everything written in
one transaction or nothing — so a job killed mid-way has written nothing and a rerun imports
the file once."""

from django.conf import settings
from django.utils.module_loading import import_string

from ..jobs import JobOutcome, report, start_job
from . import UploadForm
from .sheets import MAX_UPLOAD_BYTES, declared_rows, export_workbook

RUNNER = "grassroots.core.excel.background.import_job"
PROBLEM_HEADERS, PROBLEM_WIDTHS = ["行", "列", "问题"], [10, 28, 80]
LABEL_NAME_LENGTH = 80


class BackgroundUploadForm(UploadForm):
    """The upload of an import that runs as a background job when the file is large."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"超过{settings.JOB_ROWS}行的文件转入后台导入：页面显示进度，"
            "可以离开，完成后在“我的后台任务”中查看结果"
        )


def import_in_background(user, upload, what, importer, done):
    """The job importing `upload` for `user` if the sheet declares more than JOB_ROWS rows
    (or does not declare its size), else None: small files are imported within the request.
    `importer` is the dotted path of a function `(user, fileobj, *, progress)` returning an
    ImportResult; `what` names the records (党员, 会议 …); `done` is the message on success,
    with `{created}`."""
    if getattr(upload, "size", 0) > MAX_UPLOAD_BYTES:
        return None  # refused at once
    rows = declared_rows(upload)
    if rows is not None and rows <= settings.JOB_ROWS:
        return None
    label = f"导入{what}（{upload.name[:LABEL_NAME_LENGTH]}）"
    return start_job(
        user, label, RUNNER, source=upload, importer=importer, what=what, done=done, rows=rows
    )


def import_job(job, importer, what, done, rows=None):
    """The worker's side: import the kept upload as its user; the problems found, if any, as
    a workbook to download (as many as the page would list)."""
    report(job, 0, total=rows or 0)
    with job.source.open("rb") as fileobj:
        result = import_string(importer)(
            job.created_by,
            fileobj,
            progress=lambda read, message=None: report(job, read, message=message),
        )
    if result.errors:
        problems = (
            [
                f"第{error.row}行" if error.row else "—",
                f"{error.letter}列" + (f"（{error.column}）" if error.column else "")
                if error.letter
                else "—",
                error.message,
            ]
            for error in result.errors
        )
        content = export_workbook(f"{what}导入问题", PROBLEM_HEADERS, PROBLEM_WIDTHS, problems)
        return JobOutcome(
            f"文件中发现{len(result.errors)}处问题，没有导入任何数据：请下载问题清单，改正后重新上传",
            content,
            f"{what}导入问题清单.xlsx",
            failed=True,
        )
    if rows:
        report(job, rows)
    return JobOutcome(done.format(created=result.created))
