"""Forms of the decision, title and filing pages. They only parse input: every change goes
through `services.titles`, whose errors are put next to the fields. The decision's list is
read from the ticked `names-<level code>` boxes, not from a Django field per level."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from grassroots.assessments.services import MAX_SEED
from grassroots.core.choices import Permission
from grassroots.core.forms import BootstrapForm, DateInput, org_picker
from grassroots.orgs.models import Organization

from ..choices import ReReviewResult
from ..models import Campaign


class DecisionForm(BootstrapForm):
    decided_on = forms.DateField(label="审定日期", widget=DateInput)
    body = forms.CharField(label="审定会议", max_length=100, help_text="如：部务会、全体委员会议")
    named_on = forms.DateField(label="命名日期", widget=DateInput, help_text="称号有效期自此日起算")
    document_number = forms.CharField(
        label="命名文号", max_length=50, required=False, help_text="如：青组〔2026〕8号"
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["decided_on"].initial = self.fields["named_on"].initial = today


class WarnForm(BootstrapForm):
    reason = forms.CharField(label="预警原因", widget=forms.Textarea, max_length=2000)
    deadline = forms.DateField(label="整改期限", widget=DateInput)


class RevokeForm(BootstrapForm):
    reason = forms.CharField(label="撤销原因", widget=forms.Textarea, max_length=2000)
    revoked_on = forms.DateField(label="撤销日期", widget=DateInput, required=False)
    without_warning = forms.BooleanField(
        label="未经预警整改（或整改期限未到）直接撤销",
        required=False,
        help_text="勾选时，撤销原因即为直接撤销的理由",
    )


class ReReviewForm(BootstrapForm):
    result = forms.ChoiceField(label="复查结论", choices=ReReviewResult.choices)
    note = forms.CharField(label="复查情况", widget=forms.Textarea, required=False, max_length=2000)
    done_on = forms.DateField(label="复查日期", widget=DateInput, required=False)


class FilingForm(BootstrapForm):
    unit = forms.ModelChoiceField(Organization.objects.none(), label="填报单位")
    org = org_picker("党组织", "edit")
    leader = forms.CharField(
        label="党组织负责人", max_length=50, required=False, help_text="不填则取现任书记"
    )
    covered_people = forms.IntegerField(label="覆盖群众", min_value=0, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)

    def __init__(self, *args, user, units, **kwargs):
        super().__init__(*args, **kwargs)
        listed = list(units)
        self.fields["unit"].queryset = units
        self.fields["unit"].choices = [("", "请选择")] + [(u.pk, u.name) for u in listed]
        if len(listed) == 1:
            self.fields["unit"].initial = listed[0].pk
        self.fields["org"].queryset = Organization.objects.visible_to(user, Permission.EDIT)


class SpotCheckForm(BootstrapForm):
    """A spot check of a campaign's titles in force (seed 000 四（四）: 随机抽查): the share
    as a percentage and the seed as the assessments' inspection sample takes them."""

    campaign = forms.ModelChoiceField(Campaign.objects.none(), label="创建活动", empty_label=None)
    percent = forms.DecimalField(
        label="抽查比例（%）",
        min_value=0.01,
        max_value=100,
        decimal_places=2,
        help_text="如 20 表示抽取20%，按比例向上取整",
    )
    seed = forms.IntegerField(
        label="随机种子",
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        help_text="不填则随机生成；填入已记录的种子可复核抽取结果",
    )
    team = forms.ModelMultipleChoiceField(
        get_user_model().objects.none(), label="检查组成员", widget=forms.CheckboxSelectMultiple
    )
    due_on = forms.DateField(label="检查期限", widget=DateInput, required=False)

    def __init__(self, *args, campaigns, team, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        field.queryset = Campaign.objects.filter(pk__in=[c.pk for c in campaigns])
        field.choices = [(c.pk, f"{c.title}（{c.organiser.name}）") for c in campaigns]
        self.fields["percent"].widget.attrs.update(step="0.01", inputmode="decimal")
        self.fields["team"].queryset = team
        self.fields["team"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        # No Bootstrap class: on the list's wrapper it would squash the list into one box.
        self.fields["team"].widget.attrs = {}
