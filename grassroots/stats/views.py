"""The statistics page of a subtree on a date, its printable layout and the yearly report
workbook (one sheet per table)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from grassroots.core.excel import xlsx_response
from grassroots.core.excel.sheets import export_sheets
from grassroots.core.forms import BootstrapForm, DateInput, org_picker
from grassroots.core.pages import ancestors, subtree_roots, visible_org
from grassroots.core.replica import on_replica
from grassroots.orgs.models import Organization

from . import rules
from .figures import subtree_figures
from .tables import build_tables

SHEET_TITLE_LENGTH = 31  # Excel's limit


class StatsForm(BootstrapForm):
    ancestor = org_picker("党组织（含下级）", "view", required=False)
    on = forms.DateField(label="统计日期", widget=DateInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ancestor"].queryset = Organization.objects.visible_to(user)


def chosen(request):
    """(organisation, date) the query string names: another subtree's organisation is a
    404; none named, the user's first subtree; no date, today."""
    form = StatsForm(request.GET or None, user=request.user, initial={"on": timezone.localdate()})
    if form.is_bound:
        form.is_valid()
    data = getattr(form, "cleaned_data", {})
    if request.GET.get("ancestor") and "ancestor" in form.errors:
        raise Http404
    org = data.get("ancestor")
    on = data.get("on") or timezone.localdate()
    if org is None:
        org = subtree_roots(request.user).order_by("path").first()
        if org is None:
            raise Http404("您还没有可以查看的党组织")
    org = visible_org(request, org.pk)
    return form, org, on


def _context(request):
    form, org, on = chosen(request)
    figures = subtree_figures(org, on)
    tables = build_tables(figures)
    return {
        "form": form,
        "org": org,
        "on": on,
        "trail": ancestors(request.user, org),
        "figures": figures,
        "tables": tables,
        "charts": [table.chart_data() for table in tables if table.chart and table.rows],
        "summary": [
            ("党组织", figures.orgs["total"], "个"),
            ("党员", figures.members["total"], "名"),
            ("女党员占比", rules.percent(figures.members["female_share"]), ""),
            ("35岁以下占比", rules.percent(figures.members["young_share"]), ""),
            ("组织覆盖率", rules.percent(figures.units["coverage_rate"]), ""),
            ("应建未建单位", figures.units["should_form"], "个"),
            ("超期未换届", figures.terms["overdue"], "个"),
        ],
    }


@login_required
@on_replica()
def home(request):
    return render(request, "stats/home.html", _context(request))


@login_required
@on_replica()
def printable(request):
    return render(request, "stats/print.html", _context(request))


@login_required
@on_replica()
def report(request):
    """The yearly report workbook: one sheet per table, as organisation departments
    exchange them."""
    context = _context(request)
    org, on = context["org"], context["on"]
    sheets = [
        (
            table.title[:SHEET_TITLE_LENGTH],
            table.headers,
            [30, *([12] * (len(table.headers) - 1))],
            [[row.label, *row.cells] for row in table.rows],
        )
        for table in context["tables"]
    ]
    overview = [[label, value, unit] for label, value, unit in context["summary"]]
    sheets.insert(
        0, ("概况", [f"{org.name}（{on:%Y年%m月%d日}）", "数值", "单位"], [36, 12, 8], overview)
    )
    return xlsx_response(export_sheets(sheets), f"{org.name}{on.year}年度统计{on:%Y%m%d}.xlsx")
