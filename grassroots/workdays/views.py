"""The working-day calendar's pages, for the city's administrators (`services.may_manage`):
a year's entries and history, a form to enter or change a date, marking a year complete,
and the Excel import of a year with its template."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from grassroots.core.excel import UploadForm, xlsx_response
from grassroots.core.forms import apply_service_errors
from grassroots.core.history import Part, history_entries

from . import excel, services
from .forms import DayChangeForm, DayForm, YearForm
from .models import CalendarDay, CalendarYear
from .rules import weekday_name


def _require_manage(request):
    if not services.may_manage(request.user):
        raise PermissionDenied(services.NOT_ALLOWED)


def year_url(year):
    return f"{reverse('calendar')}?year={year}"


def _chosen_year(request, form=None):
    """`?year=`, or this year."""
    form = form or YearForm(request.GET or None)
    return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year


def _year_history(year):
    days = Part(
        records=CalendarDay.history.filter(date__year=year).select_related("history_user"),
        action="放假调休",
        label=lambda record: f"{record.date:%Y-%m-%d}",
        state=lambda record: (
            "已撤销" if record.withdrawn else f"{record.get_kind_display()} {record.name}"
        ),
    )
    records = CalendarYear.history.filter(year=year).select_related("history_user")
    return history_entries(records, parts=[days])


@login_required
def calendar(request):
    _require_manage(request)
    form = YearForm(request.GET or None)
    year = _chosen_year(request, form)
    days = list(CalendarDay.objects.filter(date__year=year, withdrawn=False))
    for day in days:
        day.weekday = weekday_name(day.date)
    context = {
        "year": year,
        "form": form,
        "days": days,
        "record": CalendarYear.objects.filter(year=year).first(),
        "covered_years": list(
            CalendarYear.objects.filter(covered=True).values_list("year", flat=True)
        ),
        "history": _year_history(year),
    }
    return render(request, "workdays/calendar.html", context)


def _form_page(request, form, action, year, title):
    """The entry form; a valid POST goes to the service, whose errors show by the fields."""
    if request.method == "POST" and form.is_valid():
        try:
            entry = action(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已保存：{entry}")
            return redirect(year_url(entry.date.year))
    context = {"form": form, "title": title, "year": year}
    return render(request, "workdays/day_form.html", context, status=400 if form.errors else 200)


@login_required
def day_create(request):
    _require_manage(request)
    form = DayForm(request.POST or None)
    year = _chosen_year(request)

    def action(data):
        return services.set_day(request.user, data["date"], data["kind"], data["name"])

    return _form_page(request, form, action, year, "录入放假或调休上班日期")


@login_required
def day_edit(request, pk):
    _require_manage(request)
    entry = get_object_or_404(CalendarDay, pk=pk, withdrawn=False)
    initial = {"kind": entry.kind, "name": entry.name}
    form = DayChangeForm(request.POST or None, initial=initial)

    def action(data):
        return services.set_day(request.user, entry.date, data["kind"], data["name"])

    title = f"修改 {entry.date:%Y-%m-%d}（{weekday_name(entry.date)}）"
    return _form_page(request, form, action, entry.date.year, title)


@login_required
@require_POST
def day_withdraw(request, pk):
    _require_manage(request)
    entry = get_object_or_404(CalendarDay, pk=pk, withdrawn=False)
    services.withdraw_day(request.user, entry)
    messages.success(request, f"已撤销：{entry}")
    return redirect(year_url(entry.date.year))


@login_required
@require_POST
def year_covered(request, year):
    _require_manage(request)
    covered = request.POST.get("covered") == "1"
    try:
        services.set_year_covered(request.user, year, covered)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        done = "已标记为录入完整，可以计算该年的工作日" if covered else "已取消“录入完整”标记"
        messages.success(request, f"{year}年{done}")
    return redirect(year_url(year))


@login_required
def import_page(request):
    _require_manage(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result, year = excel.import_year(request.user, form.cleaned_data["file"])
        if not result.errors:
            messages.success(
                request, f"导入成功：{year}年录入{result.created}个日期，该年度已标记为录入完整"
            )
            return redirect(year_url(year))
    context = {"form": form, "result": result}
    return render(request, "workdays/import.html", context, status=400 if result else 200)


@login_required
def import_template(request):
    _require_manage(request)
    return xlsx_response(excel.holiday_template(), "放假调休安排导入模板.xlsx")
