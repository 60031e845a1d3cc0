"""Forms of the registry pages. They only parse input: every change goes through a function of
`services.py`, whose `ValidationError({field: message})` is put next to the field by
`apply_service_errors`."""

import datetime

from django import forms

from grassroots.core.choices import Permission
from grassroots.core.forms import BootstrapForm, DateInput, PickerField, fields_form, org_picker

from .choices import LeaveReason, PostKind, Severity
from .models import HostUnit, Member, Organization, UnitGuide
from .rules import FINDING_TITLES

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


HOST_UNIT_FIELDS = [
    "name",
    "kind",
    "uscc",
    "address",
    "phone",
    "covered_population",
    "staff_count",
    "council_term_ends_on",
]


class HostUnitForm(fields_form(HostUnit, HOST_UNIT_FIELDS)):
    def clean_uscc(self):
        return (self.cleaned_data["uscc"] or "").upper() or None


class UnitGuideForm(fields_form(UnitGuide, ["role", "name", "position", "phone", "started_on"])):
    pass


class UnitWorkerForm(BootstrapForm):
    member = PickerField(
        Member.objects.none(), "member-picker", label="党员", placeholder="输入姓名搜索"
    )

    def __init__(self, *args, user, org, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = Member.objects.visible_to(user).current()
        field.widget.params = {"org": org.pk}


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
        """`codes`: the findings' codes to offer, each named in words (FINDING_TITLES)."""
        super().__init__(*args, **kwargs)
        # A known finding asked for (a statistics page's drill-down) is offered even where
        # the subtree has none of it: the list is then empty, not an invalid choice.
        asked = self.data.get("code")
        codes = sorted({*codes, asked}) if asked in FINDING_TITLES else codes
        self.fields["code"].choices = [
            ("", "全部"),
            *((code, FINDING_TITLES.get(code, code)) for code in codes),
        ]
