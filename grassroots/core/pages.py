"""Helpers of the server-rendered pages of every app: the organisation a URL names (within the
user's scope), its visible ancestors, pages of a list, a form page whose POST calls a service,
and the answers of the search-as-you-type pickers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from .access import Scope, can, visible_or_404
from .choices import Permission
from .forms import apply_service_errors
from .models import organization_model

PICKER_LIMIT = 20


def visible_org(request, pk, permission=Permission.VIEW):
    """The organisation `pk` if the user holds `permission` over it; 404 otherwise, so that
    another subtree's organisations stay unknown."""
    return visible_or_404(
        request, organization_model().objects.select_related("parent"), pk, permission
    )


def require_edit(request, org):
    """Seeing an organisation is not enough to change it: 403 rather than 404."""
    if not can(request.user, Permission.EDIT, org):
        raise PermissionDenied("您没有在该党组织录入或修改数据的权限")


def ancestors(user, org):
    """The organisation's ancestors the user may see, root first (one query)."""
    found = organization_model().objects.visible_to(user).filter(pk__in=org.ancestor_ids())
    return sorted(found, key=lambda o: o.depth)


def subtree_roots(user):
    """The tops of the subtrees the user sees (the whole tree's roots for a superuser)."""
    organizations = organization_model().objects
    scope = Scope.of(user)
    if scope.is_unrestricted(Permission.VIEW):
        return organizations.filter(parent__isnull=True)
    return organizations.filter(path__in=scope.paths(Permission.VIEW))


def page_of(request, items, per_page, param="page"):
    return Paginator(items, per_page).get_page(request.GET.get(param))


def form_page(request, template, form, action, done, context, success="已保存"):
    """Render `form` in `template` with `context` (a dict, or a function giving one when the
    page is shown); on a valid POST call `action(cleaned_data)` (a service call) and redirect
    to `done` (a URL, or a function of the action's result giving one), or show the service's
    errors next to the fields; the service's transaction leaves nothing changed."""
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(done(result) if callable(done) else done)
    if callable(context):
        context = context()
    return render(request, template, {"form": form, **context})


def picker_query(request):
    """The text typed in a picker's search box (`<field>_search`, see `PickerWidget`)."""
    for key, value in request.GET.items():
        if key.endswith("_search"):
            return value.strip()
    return ""


def render_picker(request, items):
    """A picker's options: dicts with `pk`, `label` and `hint` (the first PICKER_LIMIT)."""
    return render(request, "core/widgets/picker_results.html", {"items": items[:PICKER_LIMIT]})
