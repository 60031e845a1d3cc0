"""Template helpers every app's pages use: a permission check decided by the gate
(`core.access.can`, no queries beyond the one that loads the user's scope) and dates in
Chinese."""

from django import template

from grassroots.core.access import Scope, can
from grassroots.core.choices import Permission
from grassroots.core.formats import chinese_date

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, permission, org=None):
    """`{% may "edit" org as can_edit %}`; without an organisation: holds it anywhere."""
    user = context["request"].user
    if org is None:
        return Scope.of(user).has_any(Permission(permission))
    return can(user, Permission(permission), org)


@register.filter
def cn_date(day):
    return chinese_date(day) if day else ""


@register.simple_tag(takes_context=True)
def xlsx_query(context):
    """The page's query string asking for its rows as a workbook: the filter kept, the
    page number dropped (the export holds every row the filter finds)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    query["format"] = "xlsx"
    return query.urlencode()
