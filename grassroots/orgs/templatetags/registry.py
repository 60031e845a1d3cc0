"""Template helpers for the registry pages: personal data as the user may see it, the member
table's columns and the health check's severities."""

import datetime

from django import template

from grassroots.core.formats import chinese_date
from grassroots.orgs.choices import Severity
from grassroots.orgs.personal_data import shown_personal_data
from grassroots.orgs.tables import MEMBER_LIST_COLUMNS, cell, page_text

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context, member):
    """`{% personal member as p %}`: ID number, phone and the dates as the user may see
    them (`orgs.personal_data`)."""
    return shown_personal_data(context["request"].user, member)


@register.simple_tag
def member_columns(show_org):
    """The member table's columns (`orgs.tables`), without the organisation's on its own page."""
    return [c for c in MEMBER_LIST_COLUMNS if show_org or c.field != "org"]


@register.simple_tag
def member_cell(member, column, shown):
    """One cell of the member table; `shown`: the `personal` tag's value for the member."""
    return page_text(cell(member, column, shown))


@register.filter
def shown_date(shown, field):
    """`{{ personal|shown_date:"joined_on" }}`: 1975年3月2日, or 1975年 where masked."""
    value = shown.date_or_year(field)
    return chinese_date(value) if isinstance(value, datetime.date) else value or ""


SEVERITY_CLASSES = {"error": "danger", "warning": "warning", "info": "info"}


@register.filter
def severity_class(severity):
    return SEVERITY_CLASSES.get(severity, "secondary")


@register.filter
def severity_label(severity):
    return Severity(severity).label
