from django import template

from grassroots.assessments.choices import ItemStatus, Light
from grassroots.standards.metrics import short_name

register = template.Library()

STATUS_CLASSES = {
    ItemStatus.MET: "success",
    ItemStatus.NOT_MET: "danger",
    ItemStatus.NO_DATA: "secondary",
    ItemStatus.MANUAL: "info",
}
LIGHT_CLASSES = {Light.GREEN: "success", Light.YELLOW: "warning", Light.RED: "danger"}


@register.filter
def status_class(status):
    return STATUS_CLASSES.get(status, "secondary")


@register.filter
def status_label(status):
    return ItemStatus(status).label


@register.filter
def light_class(light):
    return LIGHT_CLASSES.get(light, "secondary")


@register.filter
def light_label(light):
    return Light(light).label


@register.filter
def item_name(item):
    """ "2.2.2 主题党日次数": the item readable in a column head, not only on hover."""
    return short_name(item.code, item.metric, item.text)
