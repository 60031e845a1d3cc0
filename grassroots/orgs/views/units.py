"""Pages of host units recorded under the organisation responsible for covering them: the
subtree's units with their coverage (两个覆盖), one unit with its guides and the members who
work there, and the forms that change them through `services.py`."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from grassroots.core.access import can, visible_or_404
from grassroots.core.choices import Permission
from grassroots.core.excel import wants_xlsx, xlsx_response
from grassroots.core.forms import BootstrapForm
from grassroots.core.history import history_entries
from grassroots.core.pages import ancestors, form_page, page_of, require_edit, visible_org
from grassroots.core.replica import on_replica
from grassroots.orgs import forms, services
from grassroots.orgs.excel.exports import unit_workbook
from grassroots.orgs.filtersets import HostUnitFilter, units_with_coverage
from grassroots.orgs.models import HostUnit, HostUnitLink, Member, UnitGuide

UNITS_PAGE = 50
UNIT_LIST_FILTERS = ["search", "coverage", "should_form", "kind"]


@login_required
def unit_list(request, pk):
    """The units of the organisation's subtree, each with how it is covered."""
    org = visible_org(request, pk)
    units = units_with_coverage(request.user).within(org.path)
    filters = HostUnitFilter.for_page(request, units, UNIT_LIST_FILTERS)
    if wants_xlsx(request):
        name = f"{org.name}单位覆盖情况{timezone.localdate():%Y%m%d}.xlsx"
        with on_replica():
            return xlsx_response(unit_workbook(filters.qs), name)
    rows = filters.qs.select_related("responsible_org").order_by("name", "pk")
    context = {
        "org": org,
        "trail": ancestors(request.user, org),
        "form": filters.form,
        "page": page_of(request, rows, UNITS_PAGE),
        "can_edit": can(request.user, Permission.EDIT, org) and org.is_active,
    }
    return render(request, "orgs/unit_list.html", context)


@login_required
def unit_register(request, pk):
    """A unit recorded on its own, under `org` as the organisation that must cover it."""
    org = visible_org(request, pk)
    require_edit(request, org)
    form = forms.HostUnitForm(request.POST or None)
    form.fields["kind"].required = True
    return form_page(
        request,
        "orgs/form_page.html",
        form,
        lambda data: services.save_host_unit(request.user, HostUnit(**data, responsible_org=org)),
        lambda unit: reverse("unit-detail", args=[unit.pk]),
        {"title": "登记单位", "org": org, "trail": ancestors(request.user, org)},
        "已登记单位",
    )


def visible_unit(request, pk, permission=Permission.VIEW):
    return visible_or_404(
        request, HostUnit.objects.select_related("responsible_org"), pk, permission
    )


def unit_org(unit):
    """The organisation a unit's pages hang under: the responsible one, else the first
    that sits in it."""
    if unit.responsible_org_id:
        return unit.responsible_org
    link = unit.org_links.filter(ended_on__isnull=True).select_related("org").first()
    return link.org if link else None


@login_required
def unit_detail(request, pk):
    unit = visible_unit(request, pk)
    today = timezone.localdate()
    coverage = HostUnit.objects.with_coverage(today).get(pk=unit.pk)
    org = unit_org(unit)
    editable = HostUnit.objects.visible_to(request.user, Permission.EDIT).filter(pk=pk).exists()
    workers = Member.objects.visible_to(request.user).current().filter(work_unit=unit)
    context = {
        "unit": unit,
        "coverage": coverage,
        "org": org,
        "trail": ancestors(request.user, org) if org else [],
        "can_edit": editable,
        "links": HostUnitLink.objects.filter(unit=unit, ended_on__isnull=True).select_related(
            "org"
        ),
        "guides": unit.guides.filter(ended_on__isnull=True),
        "workers": workers.select_related("org").order_by("name", "pk"),
        "history": history_entries(unit.history.select_related("history_user")),
    }
    return render(request, "orgs/unit_detail.html", context)


def unit_form_page(request, unit, form, action, title, success="已保存"):
    org = unit_org(unit)
    return form_page(
        request,
        "orgs/form_page.html",
        form,
        action,
        reverse("unit-detail", args=[unit.pk]),
        {
            "title": title,
            "org": org,
            "unit": unit,
            "trail": ancestors(request.user, org) if org else [],
        },
        success,
    )


def unit_form(request, unit):
    """The unit's form and the action saving it through the service (the fields restored
    when the service refuses them): the unit's own page and its organisation's page."""
    initial = {name: getattr(unit, name) for name in forms.HOST_UNIT_FIELDS}
    form = forms.HostUnitForm(request.POST or None, initial=initial)

    def action(data):
        for name, value in data.items():
            setattr(unit, name, value)
        try:
            services.save_host_unit(request.user, unit)
        except ValidationError:
            unit.refresh_from_db()  # the fields were set before the service checked them
            raise

    return form, action


@login_required
def unit_change(request, pk):
    unit = visible_unit(request, pk, Permission.EDIT)
    form, action = unit_form(request, unit)
    return unit_form_page(request, unit, form, action, f"修改“{unit.name}”")


@login_required
def guide_add(request, pk):
    unit = visible_unit(request, pk, Permission.EDIT)
    form = forms.UnitGuideForm(request.POST or None)
    return unit_form_page(
        request,
        unit,
        form,
        lambda data: services.assign_unit_guide(request.user, UnitGuide(unit=unit, **data)),
        f"为“{unit.name}”选派指导员或联系领导",
        "已登记",
    )


@login_required
def guide_end(request, pk):
    guide = visible_or_404(
        request, UnitGuide.objects.filter(ended_on__isnull=True).select_related("unit"), pk
    )
    form = forms.EndDateForm(request.POST or None)
    return unit_form_page(
        request,
        guide.unit,
        form,
        lambda data: services.end_unit_guide(request.user, guide, data["ended_on"]),
        f"结束{guide.get_role_display()}{guide.name}的指导联系",
        "已结束",
    )


@login_required
def worker_add(request, pk):
    unit = visible_unit(request, pk, Permission.EDIT)
    org = unit_org(unit)
    form = forms.UnitWorkerForm(request.POST or None, user=request.user, org=org)
    return unit_form_page(
        request,
        unit,
        form,
        lambda data: services.set_work_unit(request.user, data["member"], unit),
        f"登记在“{unit.name}”工作的党员",
        "已登记",
    )


@login_required
def worker_remove(request, pk, member_pk):
    unit = visible_unit(request, pk, Permission.EDIT)
    member = visible_or_404(request, Member.objects.filter(work_unit=unit), member_pk)
    form = BootstrapForm(request.POST if request.method == "POST" else None)
    return unit_form_page(
        request,
        unit,
        form,
        lambda data: services.set_work_unit(request.user, member, None),
        f"{member.name}不再在“{unit.name}”工作",
        "已更新",
    )
