"""The base of every list's FilterSet, read alike by its API list (`filterset_class`) and its
page (`ListFilterSet.for_page`): the same parameters, the same bounds, the same rows
(docs/decisions/0021-one-filterset-per-list.md)."""

import django_filters
from django import forms

from .api.filters import AncestorFilter, bound
from .forms import BootstrapForm, PickerWidget
from .models import organization_model


class TickBox(forms.CheckboxInput):
    """A yes/no filter on a page: ticked sends `true`, the API's spelling; not ticked leaves
    the filter unset (None), as an absent API parameter does."""

    def __init__(self, attrs=None):
        super().__init__({**(attrs or {}), "value": "true"})

    def value_from_datadict(self, data, files, name):
        if name not in data:
            return None
        return super().value_from_datadict(data, files, name)


class ListFilterSet(django_filters.FilterSet):
    """A list's FilterSet. The API reads it through its filter backend; the page through
    `for_page`, which reads the query string with the backend's bounds, so a parameter means
    the same rows on both."""

    on_page = False

    def get_form_class(self):
        if not self.on_page:
            return super().get_form_class()
        fields = {name: filter_.field for name, filter_ in self.filters.items()}
        return type(f"{type(self).__name__}Form", (BootstrapForm,), fields)

    @classmethod
    def for_page(cls, request, queryset, shown, widgets=None):
        """The list's filters over `queryset` (what the user sees) on its page: the form
        shows and applies the filters named in `shown`, in that order; an organisation is
        chosen with the picker, a yes/no with a tick box; `widgets` replace others' widgets.
        An invalid value is shown next to its field and leaves that filter unapplied."""
        filterset = cls(request.GET, queryset=queryset, request=request)
        filters = {name: filterset.filters[name] for name in shown}
        for name, filter_ in filters.items():
            bound(filter_, cls._meta.model)
            if isinstance(filter_, AncestorFilter):
                filter_.label = "党组织（含下级）"
                filter_.extra["widget"] = PickerWidget("org-picker", {"purpose": "view"})
            elif isinstance(filter_, django_filters.BooleanFilter):
                filter_.extra["widget"] = TickBox
            elif isinstance(filter_, django_filters.ChoiceFilter):
                filter_.extra.setdefault("empty_label", "全部")
            if name in (widgets or {}):
                filter_.extra["widget"] = widgets[name]
        filterset.filters = filters
        filterset.on_page = True
        for field in filterset.form.fields.values():
            if isinstance(field.widget, PickerWidget):
                field.widget.queryset = organization_model().objects.visible_to(request.user)
        return filterset
