"""Pages of the standards library: every user browses the published sets; administrators
copy and adapt a set, edit a draft's items and publish it. Every change goes through
`services.py`."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from grassroots.core import pages
from grassroots.core.history import history_entries
from grassroots.orgs.choices import Category

from . import forms, services
from .choices import SetStatus
from .models import Dimension, Item, StandardSet, filter_sets
from .versions import compare, operations, set_snapshot


def set_url(standard_set):
    return reverse("standard-version", args=[standard_set.code, standard_set.version])


def category_labels(standard_set):
    labels = dict(Category.choices)
    return [labels.get(code, code) for code in standard_set.categories]


def version_or_404(request, code, version):
    """A version the user may see: published ones, drafts only for their editors."""
    return get_object_or_404(
        StandardSet.objects.visible_to(request.user).select_related("based_on", "owner"),
        code=code,
        version=version,
    )


def editable_draft(request, standard_set):
    if not services.may_edit(request.user, standard_set):
        raise PermissionDenied(services.NOT_ALLOWED)
    if not standard_set.is_draft:
        raise PermissionDenied("已发布的标准不能修改，请先建立新版本草稿")
    return standard_set


def form_page(request, form, action, done, title, standard_set):
    """A form about one standard set (see `core.pages.form_page`)."""
    context = {"title": title, "standard_set": standard_set}
    return pages.form_page(request, "standards/form_page.html", form, action, done, context)


def run_service(request, action, success):
    """A button's service call, with a message either way; whether it succeeded."""
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


# --- browsing --------------------------------------------------------------------------------


@login_required
def set_list(request):
    current = list(
        StandardSet.objects.latest_published().with_items_count().order_by("-year", "code")
    )
    form = forms.FilterForm(request.GET or None, sets=current)
    shown = current
    if form.is_valid():
        shown = filter_sets(current, **form.cleaned_data)
    for standard_set in shown:
        standard_set.category_labels = category_labels(standard_set)
    drafts = (
        StandardSet.objects.editable_by(request.user)
        .filter(status=SetStatus.DRAFT)
        .with_items_count()
        .order_by("code")
    )
    context = {
        "form": form,
        "sets": shown,
        "total": len(current),
        "drafts": drafts,
    }
    return render(request, "standards/list.html", context)


def render_set(request, standard_set):
    standard_set = (
        StandardSet.objects.filter(pk=standard_set.pk)
        .select_related("based_on", "owner")
        .with_contents()
        .get()
    )
    user = request.user
    can_edit = services.may_edit(user, standard_set)
    context = {
        "standard_set": standard_set,
        "categories": category_labels(standard_set),
        "can_edit": can_edit,
        "can_copy": services.may_copy(user) and not standard_set.is_draft,
        "draft": standard_set.is_draft and can_edit,
        "latest": StandardSet.objects.latest_published()
        .filter(code=standard_set.code)
        .values_list("version", flat=True)
        .first(),
        "pending_draft": (
            StandardSet.objects.filter(code=standard_set.code, status=SetStatus.DRAFT).first()
            if can_edit
            else None
        ),
    }
    return render(request, "standards/detail.html", context)


@login_required
def set_detail(request, code):
    """The latest published version; an editor of a never-published set sees its draft."""
    standard_set = StandardSet.objects.latest_published().filter(code=code).first()
    if standard_set is None:
        draft = StandardSet.objects.visible_to(request.user).filter(code=code).first()
        if draft is None:
            raise Http404
        return redirect(set_url(draft))
    return render_set(request, standard_set)


@login_required
def set_version(request, code, version):
    return render_set(request, version_or_404(request, code, version))


@login_required
def set_versions(request, code):
    """Every version the user may see, what each changed from the one it was based on, and
    who created and published it: a fixed number of queries however many versions."""
    versions = list(
        StandardSet.objects.visible_to(request.user)
        .filter(code=code)
        .select_related("based_on", "owner")
        .with_contents()
        .order_by("-version")
    )
    if not versions:
        raise Http404
    known = {v.pk: v for v in versions}
    sources = {v.based_on_id for v in versions if v.based_on_id and v.based_on_id not in known}
    known.update((s.pk, s) for s in StandardSet.objects.filter(pk__in=sources).with_contents())
    records = defaultdict(list)
    for record in StandardSet.history.filter(code=code).select_related("history_user"):
        records[record.id].append(record)
    rows = []
    for version in versions:
        base = known.get(version.based_on_id)
        rows.append(
            {
                "set": version,
                "items_count": sum(len(d.items.all()) for d in version.dimensions.all()),
                "base": base,
                "diff": compare(set_snapshot(base), set_snapshot(version)) if base else None,
                "operations": operations(history_entries(records[version.pk])),
            }
        )
    context = {"code": code, "current": versions[0], "rows": rows}
    return render(request, "standards/versions.html", context)


# --- administration --------------------------------------------------------------------------


@login_required
def set_copy(request, code, version):
    source = version_or_404(request, code, version)
    if not services.may_copy(request.user):
        raise PermissionDenied("只有管理员可以复制标准")
    form = forms.CopyForm(request.POST or None, user=request.user, source=source)
    return form_page(
        request,
        form,
        lambda data: services.copy_set(request.user, source, **data),
        set_url,
        f"复制并改编：{source.title}",
        source,
    )


@login_required
@require_POST
def set_new_version(request, code, version):
    published = version_or_404(request, code, version)
    if not services.may_edit(request.user, published):
        raise PermissionDenied(services.NOT_ALLOWED)
    try:
        draft = services.new_version(request.user, published)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(set_url(published))
    messages.success(request, "已建立新版本草稿，修改后请发布")
    return redirect(set_url(draft))


@login_required
def set_edit(request, code, version):
    draft = editable_draft(request, version_or_404(request, code, version))
    initial = {name: getattr(draft, name) for name in services.SET_FIELDS}
    form = forms.SetForm(request.POST or None, initial=initial)

    def action(data):
        try:
            return services.update_set(request.user, draft, **data)
        except ValidationError:
            draft.refresh_from_db()  # the service set the fields before checking them
            raise

    return form_page(request, form, action, set_url(draft), "修改基本信息", draft)


@login_required
@require_POST
def set_publish(request, code, version):
    draft = editable_draft(request, version_or_404(request, code, version))
    run_service(
        request,
        lambda: services.publish_set(request.user, draft),
        f"已发布第{draft.version}版，此后不再改动",
    )
    return redirect(set_url(draft))


@login_required
@require_POST
def set_discard(request, code, version):
    draft = editable_draft(request, version_or_404(request, code, version))
    if run_service(request, lambda: services.discard_draft(request.user, draft), "已删除草稿"):
        return redirect("standard-list")
    return redirect(set_url(draft))


@login_required
def dimension_add(request, code, version):
    draft = editable_draft(request, version_or_404(request, code, version))
    form = forms.DimensionForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: services.add_dimension(request.user, draft, **data),
        set_url(draft),
        "添加维度",
        draft,
    )


def draft_part(request, model, pk, set_path):
    """A dimension or item of a draft the user may edit."""
    part = get_object_or_404(model.objects.select_related(set_path + "__owner"), pk=pk)
    standard_set = part
    for name in set_path.split("__"):
        standard_set = getattr(standard_set, name)
    editable_draft(request, standard_set)
    return part, standard_set


@login_required
def dimension_edit(request, pk):
    dimension, draft = draft_part(request, Dimension, pk, "set")
    form = forms.DimensionForm(
        request.POST or None, initial={"code": dimension.code, "title": dimension.title}
    )
    return form_page(
        request,
        form,
        lambda data: services.update_dimension(request.user, dimension, **data),
        set_url(draft),
        "修改维度",
        draft,
    )


@login_required
@require_POST
def dimension_remove(request, pk):
    dimension, draft = draft_part(request, Dimension, pk, "set")
    run_service(request, lambda: services.remove_dimension(request.user, dimension), "已删除维度")
    return redirect(set_url(draft))


@login_required
def item_add(request, pk):
    dimension, draft = draft_part(request, Dimension, pk, "set")
    form = forms.ItemForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: services.add_item(request.user, dimension, **data),
        lambda item: f"{set_url(draft)}#item-{item.pk}",
        f"添加条目：{dimension.title}",
        draft,
    )


@login_required
def item_edit(request, pk):
    item, draft = draft_part(request, Item, pk, "dimension__set")
    initial = {name: getattr(item, name) for name in services.ITEM_FIELDS}
    form = forms.ItemForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        lambda data: services.update_item(request.user, item, **data),
        f"{set_url(draft)}#item-{item.pk}",
        f"修改条目 {item.code}",
        draft,
    )


@login_required
@require_POST
def item_remove(request, pk):
    item, draft = draft_part(request, Item, pk, "dimension__set")
    run_service(request, lambda: services.remove_item(request.user, item), "已删除条目")
    return redirect(set_url(draft))
