from django import template

from grassroots.workdays.services import may_manage

register = template.Library()


@register.simple_tag(takes_context=True)
def manages_calendar(context):
    """`{% manages_calendar as can %}`: whether the user maintains the working-day calendar."""
    return may_manage(context["request"].user)
