"""Forms of the campaign pages: creating and changing a campaign (its levels as up to
LEVEL_ROWS rows, its stages' deadlines), and the quota table's cells. They only parse:
the services check and apply, their errors are put next to the fields."""

from django import forms
from django.utils import timezone

from grassroots.core.access import Scope
from grassroots.core.choices import Permission
from grassroots.core.forms import BootstrapForm, DateInput, org_picker
from grassroots.orgs.models import Organization
from grassroots.standards.models import StandardSet

from .. import rules
from ..choices import KIND_STAGES, CampaignKind, StageCode
from ..services.campaigns import ORGANISER_KINDS

LEVEL_ROWS = 3
# The stages whose deadline is asked for; the application stage's is the application deadline.
DATED_STAGES = [code for code in StageCode if code != StageCode.APPLICATION]


def level_code(number):
    """The code of the level entered on row `number` of the page (the API takes any)."""
    return f"level{number}"


class StandardChoices(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class CampaignForm(BootstrapForm):
    """Create (with `kind` and `organiser`) or change a campaign."""

    title = forms.CharField(label="活动名称", max_length=200)
    kind = forms.ChoiceField(label="活动类型", choices=CampaignKind.choices)
    organiser = org_picker(
        "组织单位", "edit", help_text="组织部门、工委或基层党委；其下级为推荐单位"
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    application_deadline = forms.DateField(label="申报截止日期", widget=DateInput)
    validity_years = forms.IntegerField(
        label="称号有效期（年）", min_value=1, max_value=20, initial=3
    )
    review_every_years = forms.IntegerField(
        label="复查周期（年）", min_value=1, max_value=20, required=False, help_text="空白为不复查"
    )
    surplus_percent = forms.IntegerField(
        label="差额比例（%）", min_value=0, max_value=100, initial=rules.DEFAULT_SURPLUS_PERCENT
    )
    village_share_percent = forms.IntegerField(
        label="村（社区）占比（%）",
        min_value=0,
        max_value=100,
        initial=rules.DEFAULT_VILLAGE_SHARE_PERCENT,
        help_text="只对下辖村、社区的推荐单位检查",
    )
    village_band_points = forms.IntegerField(
        label="允许偏差（百分点）",
        min_value=0,
        max_value=100,
        initial=rules.DEFAULT_VILLAGE_BAND_POINTS,
    )
    standards = StandardChoices(label="对照标准", required=False)

    def __init__(self, *args, user, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        sets = StandardSet.objects.latest_published().order_by("code")
        self.fields["standards"].choices = [(s.code, f"{s.title}（{s.year}年）") for s in sets]
        self.fields["standards"].widget.attrs["class"] = "form-check-input"
        self.fields["standards"].wide = True
        for code in DATED_STAGES:
            self.fields[f"deadline_{code}"] = forms.DateField(
                label=f"{StageCode(code).label}截止日期",
                required=False,
                widget=DateInput(attrs={"class": "form-control"}),
            )
        self.level_rows = []
        for number in range(1, LEVEL_ROWS + 1):
            name = forms.CharField(label=f"第{number}级称号", max_length=100, required=number == 1)
            to_name = forms.IntegerField(
                label="拟命名数", min_value=1, max_value=100000, required=number == 1
            )
            chosen = forms.ChoiceField(
                label="从哪一级推荐对象中产生",
                required=False,
                choices=[("", "直接申报")]
                + [(level_code(n), f"第{n}级") for n in range(1, LEVEL_ROWS + 1) if n != number],
            )
            for suffix, field in (("name", name), ("to_name", to_name), ("from", chosen)):
                field.widget.attrs["class"] = "form-select" if suffix == "from" else "form-control"
                self.fields[f"level{number}_{suffix}"] = field
            self.level_rows.append(
                [self[f"level{number}_{suffix}"] for suffix in ("name", "to_name", "from")]
            )
        organisers = Organization.objects.visible_to(user, Permission.EDIT).filter(
            kind__in=ORGANISER_KINDS
        )
        self.fields["organiser"].queryset = organisers.active()
        if campaign is None:
            self.fields["year"].initial = timezone.localdate().year
            tops = Scope.of(user).paths(Permission.EDIT)
            top = organisers.filter(path__in=tops).order_by("depth").first()
            self.fields["organiser"].initial = top.pk if top else None
        else:
            del self.fields["kind"], self.fields["organiser"]
            self._fill_from(campaign)

    def _fill_from(self, campaign):
        for name in (
            "title",
            "year",
            "application_deadline",
            "validity_years",
            "review_every_years",
            "surplus_percent",
            "village_share_percent",
            "village_band_points",
        ):
            self.initial[name] = getattr(campaign, name)
        self.initial["standards"] = [s.code for s in campaign.standards.all()]
        schedule = KIND_STAGES[campaign.kind]
        for stage in campaign.stages.all():
            if stage.code != StageCode.APPLICATION:
                self.initial[f"deadline_{stage.code}"] = stage.deadline
        for code in DATED_STAGES:
            if code not in schedule:
                del self.fields[f"deadline_{code}"]
        levels = list(campaign.levels.select_related("chosen_from"))
        self.level_codes = [level.code for level in levels]
        self.level_rows = self.level_rows[: len(levels)]
        for number, level in enumerate(levels, start=1):
            self.initial[f"level{number}_name"] = level.name
            self.initial[f"level{number}_to_name"] = level.to_name
            chosen = self.fields[f"level{number}_from"]
            chosen.disabled = True
            chosen.choices = [("", level.chosen_from.name if level.chosen_from else "直接申报")]
        for number in range(len(levels) + 1, LEVEL_ROWS + 1):
            for suffix in ("name", "to_name", "from"):
                del self.fields[f"level{number}_{suffix}"]

    def levels(self):
        """The levels entered, as the service takes them (rows left blank are skipped)."""
        data, levels = self.cleaned_data, []
        for number in range(1, LEVEL_ROWS + 1):
            name = (data.get(f"level{number}_name") or "").strip()
            if f"level{number}_name" not in self.fields or not name:
                continue
            code = self.level_codes[number - 1] if self.campaign else level_code(number)
            levels.append(
                {
                    "code": code,
                    "name": name,
                    "to_name": data.get(f"level{number}_to_name"),
                    "chosen_from": data.get(f"level{number}_from") or None,
                }
            )
        return levels

    def deadlines(self, kind):
        return {
            code: self.cleaned_data[f"deadline_{code}"]
            for code in KIND_STAGES[kind]
            if f"deadline_{code}" in self.fields and self.cleaned_data.get(f"deadline_{code}")
        }

    def service_kwargs(self):
        data = self.cleaned_data
        kind = self.campaign.kind if self.campaign else data["kind"]
        values = {
            name: data[name]
            for name in (
                "title",
                "year",
                "application_deadline",
                "validity_years",
                "review_every_years",
                "surplus_percent",
                "village_share_percent",
                "village_band_points",
            )
        }
        values.update(
            levels=self.levels(), standards=data["standards"], deadlines=self.deadlines(kind)
        )
        if self.campaign is None:
            values.update(kind=kind, organiser=data["organiser"])
        return values
