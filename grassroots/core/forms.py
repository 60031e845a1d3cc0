"""The forms every app builds on (Bootstrap classes, service errors next to their fields,
search-as-you-type pickers), then the login and user management forms."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import models
from django.urls import reverse
from django.utils.http import urlencode

from .auth import LOCKED_MESSAGE, refused_by_lock
from .choices import Permission, Role
from .models import organization_model


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

    template_name = "core/widgets/picker.html"

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
    """An organisation picker; the form sets its queryset (what the user may choose) and
    `purpose` tells the picker view which organisations to offer."""
    return PickerField(
        organization_model().objects.none(),
        "org-picker",
        {"purpose": purpose},
        label=label,
        **kwargs,
    )


# --- login and user management --------------------------------------------------------------


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "用户名或密码不正确",
        "locked": LOCKED_MESSAGE,
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if refused_by_lock(self.request):
                raise forms.ValidationError(self.error_messages["locked"], code="locked") from None
            raise


class RoleForm(BootstrapForm):
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    org = org_picker("管辖组织（含下级）", "manage")

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = (
            organization_model().objects.visible_to(admin, Permission.MANAGE_USERS).active()
        )


class PasswordForm(BootstrapForm):
    password = forms.CharField(label="新密码", widget=forms.PasswordInput(render_value=False))
    password2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致")
        return data


class UserCreateForm(PasswordForm, RoleForm):
    username = forms.CharField(label="用户名", max_length=150)
    first_name = forms.CharField(label="姓名", max_length=150, required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput)

    field_order = ["username", "first_name", "password", "password2", "role", "org"]


class UserSearchForm(BootstrapForm):
    q = forms.CharField(label="用户名或姓名", required=False)
