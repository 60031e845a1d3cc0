"""The yearly report workbook of a subtree on a date: one sheet per table, as organisation
departments exchange them. A subtree of more than JOB_ROWS organisations gets it from a
background job (`core.jobs`, docs/decisions/0039): the page shows the job, then the file."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError

from grassroots.core.excel.sheets import export_sheets
from grassroots.core.jobs import JobOutcome, report
from grassroots.core.replica import on_replica
from grassroots.orgs.models import Organization

from . import rules
from .figures import subtree_figures
from .tables import build_tables

SHEET_TITLE_LENGTH = 31  # Excel's limit
RUNNER = "grassroots.stats.report.report_job"


def summary(figures):
    """The headline figures: (label, value, unit)."""
    return [
        ("党组织", figures.orgs["total"], "个"),
        ("党员", figures.members["total"], "名"),
        ("女党员占比", rules.percent(figures.members["female_share"]), ""),
        ("35岁以下占比", rules.percent(figures.members["young_share"]), ""),
        ("组织覆盖率", rules.percent(figures.units["coverage_rate"]), ""),
        ("应建未建单位", figures.units["should_form"], "个"),
        ("超期未换届", figures.terms["overdue"], "个"),
    ]


def report_filename(org, on):
    return f"{org.name}{on.year}年度统计{on:%Y%m%d}.xlsx"


def report_workbook(org, on, figures):
    """The workbook: an overview sheet (the headline figures), then one sheet per table."""
    sheets = [
        (
            table.title[:SHEET_TITLE_LENGTH],
            table.headers,
            [30, *([12] * (len(table.headers) - 1))],
            [[row.label, *row.cells] for row in table.rows],
        )
        for table in build_tables(figures)
    ]
    overview = [[label, value, unit] for label, value, unit in summary(figures)]
    sheets.insert(
        0, ("概况", [f"{org.name}（{on:%Y年%m月%d日}）", "数值", "单位"], [36, 12, 8], overview)
    )
    return export_sheets(sheets)


def is_large(org):
    """Whether `org`'s subtree is too large to count within a request."""
    return Organization.objects.filter(path__startswith=org.path).count() > settings.JOB_ROWS


def report_job(job, ancestor, on):
    """The worker's side: the same workbook, for an organisation its user still sees."""
    org = Organization.objects.visible_to(job.created_by).filter(pk=ancestor).first()
    if org is None:
        raise ValidationError({"ancestor": "您已无权查看该党组织的统计"})
    on = datetime.date.fromisoformat(on)
    report(job, 0, total=2, message="正在统计")
    with on_replica():
        figures = subtree_figures(org, on)
    report(job, 1, message="正在生成工作簿")
    content = report_workbook(org, on, figures)
    report(job, 2)
    return JobOutcome("年度统计表已生成", content, report_filename(org, on))
