"""Pages of Excel import and export: template downloads, uploads, exports of a subtree."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from grassroots.core.access import Scope
from grassroots.core.choices import Permission
from grassroots.core.excel import xlsx_response
from grassroots.core.excel.background import BackgroundUploadForm, import_in_background
from grassroots.core.forms import BootstrapForm, org_picker
from grassroots.core.jobs import start_job
from grassroots.core.pages import subtree_roots
from grassroots.core.replica import on_replica
from grassroots.orgs.excel import columns as excel_columns
from grassroots.orgs.excel import exports as excel_exports
from grassroots.orgs.excel import imports as excel_imports
from grassroots.orgs.excel.columns import ORG_NUMBER
from grassroots.orgs.models import Organization

ROSTER_DENIED = "您没有查看党员名册的权限"

# kind in the URL -> (what is imported, importer, template, exporter)
KINDS = {
    "orgs": (
        "党组织",
        excel_imports.import_organizations,
        excel_columns.organization_template,
        excel_exports.export_organizations,
    ),
    "members": (
        "党员",
        excel_imports.import_members,
        excel_columns.member_template,
        excel_exports.export_members,
    ),
    "units": (
        "单位",
        excel_imports.import_units,
        excel_columns.unit_template,
        excel_exports.export_units,
    ),
}
# People are counted in 名, organisations in 个.
MEASURE_WORDS = {"orgs": "个", "members": "名", "units": "个"}


class AncestorForm(BootstrapForm):
    ancestor = org_picker("导出范围（党组织及其下级）", "view", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ancestor"].queryset = Organization.objects.visible_to(user)


def _kind(kind):
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


def visible_ancestor(user, value):
    """The organisation `?ancestor=<id>` names if the user may see it, None if not given;
    404 otherwise, so that organisations outside the user's subtree stay unknown."""
    if value in (None, ""):
        return None
    if not ORG_NUMBER.fullmatch(str(value)):
        raise Http404
    org = Organization.objects.visible_to(user).filter(pk=int(value)).first()
    if org is None:
        raise Http404
    return org


def _page(request, result=None, result_kind=None, upload_forms=None, status=200):
    scope = Scope.of(request.user)
    forms_by_kind = upload_forms or {kind: BackgroundUploadForm(prefix=kind) for kind in KINDS}
    ancestor_form = AncestorForm(request.GET or None, user=request.user)
    ancestor = visible_ancestor(request.user, request.GET.get("ancestor"))
    context = {
        "can_import": scope.has_any(Permission.EDIT),
        "can_export_roster": scope.has_any(Permission.ROSTER),
        "sections": [
            {"kind": kind, "label": spec[0], "form": forms_by_kind[kind]}
            for kind, spec in KINDS.items()
            if kind != "members" or scope.has_any(Permission.ROSTER)
        ],
        "ancestor_form": ancestor_form,
        "ancestor": ancestor,
        "roots": subtree_roots(request.user).order_by("path"),
        "result": result,
        "result_kind": KINDS[result_kind][0] if result_kind else "",
    }
    return render(request, "orgs/excel/home.html", context, status=status)


@login_required
def home(request):
    """The page; a POST (to the page itself, with `kind`) is an upload."""
    if request.method == "POST":
        return _upload(request, request.POST.get("kind"))
    return _page(request)


@login_required
def template_download(request, kind):
    label, _, template, _ = _kind(kind)
    return xlsx_response(template(), f"{label}导入模板.xlsx")


def _upload(request, kind):
    label, importer, _, _ = _kind(kind)
    if not Scope.of(request.user).has_any(Permission.EDIT):
        raise PermissionDenied("您没有录入数据的权限")
    forms_by_kind = {k: BackgroundUploadForm(prefix=k) for k in KINDS}
    form = forms_by_kind[kind] = BackgroundUploadForm(request.POST, request.FILES, prefix=kind)
    if not form.is_valid():
        return _page(request, upload_forms=forms_by_kind)
    upload = form.cleaned_data["file"]
    done = f"导入成功：新建{label}{{created}}{MEASURE_WORDS[kind]}"
    job = import_in_background(
        request.user, upload, label, f"{importer.__module__}.{importer.__name__}", done
    )
    if job is not None:
        return redirect("job-detail", job.pk)
    result = importer(request.user, upload)
    if result.errors:
        return _page(
            request, result=result, result_kind=kind, upload_forms=forms_by_kind, status=400
        )
    messages.success(request, done.format(created=result.created))
    return redirect("excel-home")


def export_response(user, kind, ancestor_value):
    """The .xlsx export of `kind` for the subtree `?ancestor=` names (or all the user sees)."""
    _, _, _, exporter = _kind(kind)
    if kind == "members" and not Scope.of(user).has_any(Permission.ROSTER):
        raise PermissionDenied(ROSTER_DENIED)
    ancestor = visible_ancestor(user, ancestor_value)
    scope_name = ancestor.name if ancestor else "全部"
    suffix = {"members": "党员名册", "units": "单位覆盖情况"}.get(kind, "党组织")
    filename = f"{scope_name}{suffix}{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(exporter(user, ancestor), filename)


@login_required
@on_replica()
def export(request, kind):
    """The export; a roster too large for a request becomes a background job (its page)."""
    user, value = request.user, request.GET.get("ancestor")
    if kind == "members" and Scope.of(user).has_any(Permission.ROSTER):
        ancestor = visible_ancestor(user, value)
        if excel_exports.roster_members(user, ancestor).count() > settings.JOB_ROWS:
            job = start_job(
                user,
                f"导出党员名册（{ancestor.name if ancestor else '全部'}）",
                "grassroots.orgs.excel.exports.roster_job",
                ancestor=ancestor.pk if ancestor else None,
            )
            return redirect("job-detail", job.pk)
    return export_response(user, kind, value)
