from django import forms
from django.contrib.auth.forms import AuthenticationForm

from grassroots.orgs.forms import BootstrapForm, org_picker
from grassroots.orgs.models import Organization

from .auth import LOCKED_MESSAGE, refused_by_lock
from .choices import Permission, Role


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
        self.fields["org"].queryset = Organization.objects.visible_to(
            admin, Permission.MANAGE_USERS
        ).active()


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
