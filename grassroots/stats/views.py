"""The statistics page of a subtree on a date, its printable layout and the yearly report
workbook (one sheet per table)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from grassroots.core.excel import xlsx_response
from grassroots.core.forms import BootstrapForm, DateInput, org_picker
from grassroots.core.jobs import start_job
from grassroots.core.pages import ancestors, subtree_roots, visible_org
from grassroots.core.replica import on_replica
from grassroots.orgs.models import Organization

from .figures import subtree_figures
from .report import RUNNER, is_large, report_filename, report_workbook, summary
from .tables import build_tables


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
        "summary": summary(figures),
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
    """The yearly report workbook; a large subtree's from a background job (its page)."""
    _, org, on = chosen(request)
    if is_large(org):
        label = f"{org.name}{on.year}年度统计表（{on:%Y-%m-%d}）"
        job = start_job(request.user, label, RUNNER, ancestor=org.pk, on=on.isoformat())
        return redirect("job-detail", job.pk)
    content = report_workbook(org, on, subtree_figures(org, on))
    return xlsx_response(content, report_filename(org, on))
