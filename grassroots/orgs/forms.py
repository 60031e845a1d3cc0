"""Forms of the registry pages. They only parse input: every change goes through a function of
`services.py`, whose `ValidationError({field: message})` is put next to the field by
`apply_service_errors`."""

import datetime

from django import forms
from django.db import models
from django.urls import reverse
from django.utils.http import urlencode

from grassroots.core.choices import Permission

from .choices import LeaveReason, PostKind, Severity
from .models import HostUnit, Member, Organization


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.DateField):
        kwargs["widget"] = DateInput
    return model_field.formfield(**kwargs)


def apply_service_errors(form, exc):
    """Show a service's ValidationError next to each field the form has; the rest on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class BootstrapForm(forms.Form):
    """Bootstrap 5 classes on the widgets, `is-invalid` on fields with errors."""

    wide_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css
            field.wide = name in self.wide_fields or isinstance(widget, forms.Textarea)
            if isinstance(widget, forms.Textarea):
                widget.attrs["rows"] = 4
            choices = getattr(field, "choices", None)
            if isinstance(widget, forms.Select) and choices and choices[0] == ("", "---------"):
                field.choices = [("", "请选择"), *choices[1:]]

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


def fields_form(model, names):
    """A form base with the model fields' form fields (labels, choices, lengths) but no
    ModelForm: the model instance is built and checked by the service, not by the form."""
    fields = forms.fields_for_model(model, fields=names, formfield_callback=_formfield)
    return type(f"{model.__name__}Fields", (BootstrapForm,), fields)


# --- pickers: search-as-you-type instead of a <select> of every organisation ---------------


class PickerWidget(forms.Widget):
    """A hidden id plus a search box that asks `url_name` (htmx) for matching options."""

    template_name = "orgs/widgets/picker.html"

    def __init__(self, url_name, params=None, placeholder="输入名称搜索", attrs=None):
        super().__init__(attrs)
        self.url_name = url_name
        self.params = params or {}
        self.placeholder = placeholder
        self.queryset = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["url"] = reverse(self.url_name) + "?" + urlencode(self.params)
        widget["placeholder"] = self.placeholder
        widget["label"] = self.label_for(widget["value"])
        return context

    def label_for(self, value):
        if not value or not str(value).isdigit() or self.queryset is None:
            return ""
        chosen = self.queryset.filter(pk=value).first()
        return str(chosen) if chosen else ""


class PickerField(forms.ModelChoiceField):
    """A ModelChoiceField whose widget searches instead of listing every choice; a value
    outside `queryset` (e.g. an organisation the user may not edit) is refused."""

    def __init__(self, queryset, url_name, params=None, placeholder="输入名称搜索", **kwargs):
        widget = PickerWidget(url_name, params, placeholder)
        super().__init__(queryset, widget=widget, **kwargs)

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


def org_picker(label, purpose, **kwargs):
    return PickerField(
        Organization.objects.none(), "org-picker", {"purpose": purpose}, label=label, **kwargs
    )


# --- organisations -------------------------------------------------------------------------

ORG_FIELDS = ["name", "short_name", "kind", "category", "established_on"]


class OrganizationForm(fields_form(Organization, ORG_FIELDS)):
    pass


class MoveForm(BootstrapForm):
    parent = org_picker("新的上级组织", "edit")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Organization.objects.visible_to(
            user, Permission.EDIT
        ).active()


class DissolveForm(BootstrapForm):
    dissolved_on = forms.DateField(label="撤销日期", widget=DateInput)
    reason = forms.CharField(label="撤销原因", max_length=200, required=False)


class WeakDesignationForm(BootstrapForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    reason = forms.CharField(label="原因", max_length=300, required=False)


HOST_UNIT_FIELDS = ["name", "uscc", "address", "phone", "covered_population", "staff_count"]


class HostUnitForm(fields_form(HostUnit, HOST_UNIT_FIELDS)):
    def clean_uscc(self):
        return self.cleaned_data["uscc"].upper() or None


class LinkUnitForm(BootstrapForm):
    unit = PickerField(
        HostUnit.objects.none(),
        "unit-picker",
        label="已登记的单位",
        placeholder="输入单位名称或统一社会信用代码",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = HostUnit.objects.visible_to(user, Permission.EDIT)


class EndDateForm(BootstrapForm):
    """Ending something (a host-unit link, a post, a functional membership) on a date."""

    ended_on = forms.DateField(label="结束日期", widget=DateInput, initial=datetime.date.today)


class TermForm(BootstrapForm):
    started_on = forms.DateField(label="本届开始日期", widget=DateInput)
    number = forms.IntegerField(
        label="届次", min_value=1, required=False, help_text="留空则为上一届加一"
    )
    planned_end_on = forms.DateField(
        label="应届满日期",
        widget=DateInput,
        required=False,
        help_text="留空则按组织类型和领域的法定任期计算",
    )


class PostForm(BootstrapForm):
    member = PickerField(
        Member.objects.none(), "member-picker", label="党员", placeholder="输入姓名"
    )
    post = forms.ChoiceField(label="职务", choices=PostKind.choices)
    started_on = forms.DateField(label="任职日期", widget=DateInput)

    def __init__(self, *args, user, org, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = Member.objects.visible_to(user).current()
        field.widget.params = {"org": org.pk}


# --- members -------------------------------------------------------------------------------

MEMBER_FIELDS = [
    "name",
    "gender",
    "ethnicity",
    "native_place",
    "birth_date",
    "id_number",
    "status",
    "joined_on",
    "confirmed_on",
    "work_started_on",
    "education",
    "graduated_from",
    "professional_title",
    "expertise",
    "job_title",
    "society_title",
    "society_role",
    "phone",
    "resume",
    "is_mobile",
    "is_lost_contact",
    "on_probation_discipline",
]


class MemberForm(fields_form(Member, MEMBER_FIELDS)):
    def clean_id_number(self):
        return self.cleaned_data["id_number"].strip().upper()


class FlagsForm(fields_form(Member, ["is_mobile", "is_lost_contact"])):
    pass


class TransferForm(BootstrapForm):
    to_org = org_picker("转入党组织", "transfer")
    transferred_on = forms.DateField(
        label="转接日期", widget=DateInput, initial=datetime.date.today
    )
    reason = forms.CharField(label="原因", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = Organization.objects.visible_to(
            user, Permission.EDIT
        ).active()


class LeaveForm(BootstrapForm):
    left_on = forms.DateField(label="离开日期", widget=DateInput, initial=datetime.date.today)
    reason = forms.ChoiceField(label="离开原因", choices=LeaveReason.choices)


class MembershipForm(BootstrapForm):
    org = org_picker("参加组织生活的党组织", "edit")
    started_on = forms.DateField(label="加入日期", widget=DateInput, initial=datetime.date.today)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.visible_to(
            user, Permission.EDIT
        ).active()


# --- searches ------------------------------------------------------------------------------


class CheckFilterForm(BootstrapForm):
    severity = forms.ChoiceField(
        label="级别", choices=[("", "全部"), *Severity.choices], required=False
    )
    code = forms.ChoiceField(label="问题", choices=[("", "全部")], required=False)

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "全部"), *((code, code) for code in codes)]
