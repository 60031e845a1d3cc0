from django import template

from grassroots.assessments.choices import ItemStatus, Light

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
