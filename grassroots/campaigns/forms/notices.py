"""Forms of the notice and survey pages: publishing, the public objection, verifying and
resolving, tokens, the survey's answers. They only parse: the services check."""

from django import forms

from grassroots.core.forms import BootstrapForm, DateInput
from grassroots.orgs.models import Organization

from ..choices import Answer
from ..models import Application
from ..services import notices as services


class PublishForm(BootstrapForm):
    published_on = forms.DateField(label="公示开始日期", widget=DateInput)
    working_days = forms.IntegerField(
        label="公示期（工作日）",
        min_value=1,
        max_value=services.MAX_WORKING_DAYS,
        initial=services.DEFAULT_WORKING_DAYS,
        help_text="截止日期按工作日历计算，节假日和周末不计",
    )
    contact = forms.CharField(
        label="受理异议联系方式", max_length=200, required=False, help_text="如：电话 028-12345678"
    )
    applications = forms.ModelMultipleChoiceField(
        label="公示对象（审核通过的拟命名对象）",
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择公示对象"},
    )
    wide_fields = ("applications",)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["applications"]
        field.queryset = candidates
        field.label_from_instance = lambda a: f"{a.org_name}（{a.level.name}）"


class ObjectionForm(BootstrapForm):
    name = forms.CharField(label="您的姓名（可不填）", max_length=50, required=False)
    contact = forms.CharField(
        label="联系方式",
        max_length=100,
        required=False,  # the service says why it is needed
        help_text="电话或其他联系方式，仅用于核实情况，不会公开",
    )
    application = forms.TypedChoiceField(label="反映的对象", required=False, coerce=int)
    text = forms.CharField(
        label="反映的问题",
        widget=forms.Textarea,
        max_length=services.OBJECTION_MAX_CHARS,
        required=False,
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [("", "（不针对具体对象）")] + [
            (a.pk, a.org_name) for a in candidates
        ]
        self.fields["contact"].widget.attrs.update(autocomplete="tel", inputmode="tel")


class VerifyForm(BootstrapForm):
    verification = forms.CharField(label="核查情况", widget=forms.Textarea, required=False)


class ResolveForm(BootstrapForm):
    upheld = forms.TypedChoiceField(
        label="处理结论",
        choices=[("0", "不予采纳"), ("1", "异议成立（取消该对象）")],
        coerce=lambda v: v == "1",
    )
    application = forms.TypedChoiceField(label="所涉对象", required=False, coerce=int)
    reasons = forms.CharField(label="处理意见", widget=forms.Textarea, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [("", "（按反映人所选）")] + [
            (a.pk, a.org_name) for a in candidates
        ]


class TokensForm(BootstrapForm):
    count = forms.IntegerField(
        label="生成测评码数量", min_value=1, max_value=services.MAX_TOKENS, initial=20
    )


class OrgTokensForm(TokensForm):
    org = forms.ModelChoiceField(label="测评对象", queryset=Organization.objects.none())

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.order_fields(["org", "count"])


class SurveyForm(forms.Form):
    """One radio group per question, the overall one first (`answer`)."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for index, text in enumerate(questions):
            name = "answer" if index == 0 else f"q{index}"
            self.fields[name] = forms.ChoiceField(
                label=text,
                choices=Answer.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "请选择一项"},
            )

    @property
    def extra_answers(self):
        return [v for k, v in self.cleaned_data.items() if k != "answer"]
