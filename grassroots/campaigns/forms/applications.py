"""Forms of the applications' pages: they only parse; the services check and apply."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from grassroots.core.forms import BootstrapForm, DateInput
from grassroots.orgs.models import Organization
from grassroots.standards.models import StandardSet

from ..choices import InspectionMethod, Opinion
from ..models import AwardLevel
from ..rules import REASON_MAX_CHARS


class ReasonField(forms.CharField):
    """The 申报理由 with its live counter (static campaigns/applications.js)."""

    def __init__(self, **kwargs):
        widget = forms.Textarea(
            attrs={"maxlength": REASON_MAX_CHARS, "data-counter": REASON_MAX_CHARS, "rows": 10}
        )
        super().__init__(
            label=f"申报理由（{REASON_MAX_CHARS}字以内）",
            widget=widget,
            strip=False,
            help_text="对照示范建设标准，从工作举措、主要成效等方面填写",
            **kwargs,
        )


def _tall(form):
    form.fields["reason"].widget.attrs["rows"] = 10


class ApplyForm(BootstrapForm):
    org = forms.ModelChoiceField(Organization.objects.none(), label="申报党组织")
    level = forms.ModelChoiceField(AwardLevel.objects.none(), label="申报称号", empty_label=None)
    top_level = forms.ModelChoiceField(
        AwardLevel.objects.none(), label="同时推荐为", required=False, empty_label="不推荐"
    )
    reason = ReasonField(required=False)

    def __init__(self, *args, campaign, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        levels = campaign.levels.all()
        self.fields["level"].queryset = levels.filter(chosen_from__isnull=True)
        top = levels.filter(chosen_from__isnull=False)
        self.fields["top_level"].queryset = top
        if not top.exists():
            del self.fields["top_level"]
        _tall(self)


class ApplicationForm(BootstrapForm):
    leader = forms.CharField(label="党组织负责人", max_length=50)
    category = forms.CharField(label="所属类别", max_length=50)
    location = forms.CharField(label="所在地或上级单位", max_length=200)
    reason = ReasonField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _tall(self)


class EvidenceForm(BootstrapForm):
    file = forms.FileField(label="佐证材料（JPG、PNG 图片或 PDF）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".jpg,.jpeg,.png,.pdf"


class SelfAssessmentForm(BootstrapForm):
    standard_set = forms.ModelChoiceField(StandardSet.objects.none(), label="对照标准")

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard_set"].queryset = campaign.standards.all()


class OpinionForm(BootstrapForm):
    opinion = forms.ChoiceField(
        label="审核意见", choices=Opinion.choices, widget=forms.RadioSelect, initial=Opinion.AGREE
    )
    text = forms.CharField(label="意见内容", widget=forms.Textarea, initial="同意推荐。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opinion"].widget.attrs["class"] = "form-check-input"


class AssignForm(BootstrapForm):
    assigned_by_org = forms.ModelChoiceField(
        Organization.objects.none(), label="组织考察单位", empty_label=None
    )
    team = forms.ModelMultipleChoiceField(
        get_user_model().objects.none(), label="考察组成员", widget=forms.CheckboxSelectMultiple
    )
    due_on = forms.DateField(label="考察期限", widget=DateInput, required=False)

    def __init__(self, *args, assigners, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_by_org"].queryset = assigners
        self.fields["team"].queryset = team
        self.fields["team"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["team"].widget.attrs["class"] = "form-check-input"


class RecordForm(BootstrapForm):
    """Findings by each method of seed 002 实地考核 (a text and whether it needs rectifying),
    then the score, the opinion and the date."""

    score = forms.DecimalField(
        label="考察得分（0–100，可不填）", required=False, max_digits=5, decimal_places=2
    )
    opinion = forms.CharField(label="考察意见", widget=forms.Textarea)
    inspected_on = forms.DateField(label="考察日期", widget=DateInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"inspected_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        methods = {}
        for method, label in InspectionMethod.choices:
            self.fields[f"{method}_text"] = forms.CharField(
                label=label, widget=forms.Textarea(attrs={"rows": 3}), required=False
            )
            self.fields[f"{method}_shortfall"] = forms.BooleanField(
                label="存在问题，需要整改", required=False
            )
            methods[method] = label
        # BootstrapForm set classes before these fields existed.
        for name, field in self.fields.items():
            if name.endswith("_text"):
                field.widget.attrs["class"] = "form-control"
                field.wide = True
            elif name.endswith("_shortfall"):
                field.widget.attrs["class"] = "form-check-input"
                field.wide = True
        self.order_fields([*(f"{m}_{p}" for m in methods for p in ("text", "shortfall"))])
        self.fields["score"].widget.attrs["inputmode"] = "decimal"

    def findings(self):
        data = self.cleaned_data
        return [
            {
                "method": method,
                "text": data[f"{method}_text"],
                "shortfall": data[f"{method}_shortfall"],
            }
            for method in InspectionMethod.values
        ]


def team_choices(*orgs):
    """Users who may see one of `orgs` (a role at it or above): who may inspect it."""
    ids = {pk for org in orgs for pk in (*org.ancestor_ids(), org.pk)}
    return (
        get_user_model()
        .objects.filter(is_active=True, role_assignments__org_id__in=ids)
        .distinct()
        .order_by("username")
    )
