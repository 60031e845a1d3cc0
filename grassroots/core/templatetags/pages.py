"""Template helpers of the shared page pieces (core/_pagination.html)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number, param="page"):
    """The current URL's query with page `param` set to `number` (filters kept)."""
    query = context["request"].GET.copy()
    query[param or "page"] = number  # an include without `param` passes ""
    return "?" + query.urlencode()
