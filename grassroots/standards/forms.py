"""Forms of the standards pages. They only parse input; every change goes through
`services.py`, whose errors are put next to the fields."""

import datetime

from django import forms

from grassroots.core.access import Scope
from grassroots.core.choices import Permission
from grassroots.core.forms import BootstrapForm, org_picker
from grassroots.orgs.choices import Category
from grassroots.orgs.models import Organization

from .choices import Comparator, MetricSource
from .metrics import METRICS


def metric_choices():
    """Metrics grouped by where their value comes from, after "no metric"."""
    groups = [
        (
            source.label,
            [(m.code, f"{m.label}（{m.unit}）") for m in METRICS.values() if m.source == source],
        )
        for source in MetricSource
    ]
    return [("", "无（凭佐证材料认定）"), *groups]


class FilterForm(BootstrapForm):
    category = forms.ChoiceField(label="适用领域", required=False)
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    source = forms.ChoiceField(label="出处", required=False)

    def __init__(self, *args, sets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "全部"), *Category.choices]
        years = sorted({s.year for s in sets}, reverse=True)
        self.fields["year"].choices = [("", "全部"), *((y, f"{y}年") for y in years)]
        sources = sorted({s.source for s in sets})
        self.fields["source"].choices = [("", "全部"), *((s, s) for s in sources)]


class CopyForm(BootstrapForm):
    code = forms.CharField(
        label="新标准代码",
        max_length=60,
        help_text="用于网址：小写英文字母、数字和连字符",
    )
    title = forms.CharField(label="名称", max_length=200)
    jurisdiction = forms.CharField(label="适用地区", max_length=100)
    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100)
    owner = org_picker("维护单位", "manage", help_text="该单位的管理员可修改和发布此标准")
    note = forms.CharField(label="说明", widget=forms.Textarea, required=False)

    def __init__(self, *args, user, source, **kwargs):
        kwargs.setdefault(
            "initial",
            {"title": source.title, "year": datetime.date.today().year, "note": ""},
        )
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.queryset = Organization.objects.visible_to(user, Permission.MANAGE_USERS)
        owner.required = not Scope.of(user).is_unrestricted(Permission.MANAGE_USERS)


class SetForm(BootstrapForm):
    title = forms.CharField(label="名称", max_length=200)
    source = forms.CharField(label="出处", max_length=300, required=False)
    jurisdiction = forms.CharField(label="适用地区", max_length=100, required=False)
    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100)
    categories = forms.MultipleChoiceField(
        label="适用领域", choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    truncated = forms.BooleanField(label="原文不完整", required=False)
    note = forms.CharField(label="说明", widget=forms.Textarea, required=False)
    wide_fields = ("source", "categories")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Bootstrap's form-control would draw a box around the whole list of checkboxes.
        self.fields["categories"].widget.attrs = {"class": "form-check-input"}


class DimensionForm(BootstrapForm):
    code = forms.CharField(label="编号", max_length=20)
    title = forms.CharField(label="名称", max_length=200)


class ItemForm(BootstrapForm):
    code = forms.CharField(label="编号", max_length=20)
    text = forms.CharField(label="条目原文", widget=forms.Textarea)
    metric = forms.ChoiceField(label="指标", required=False)
    comparator = forms.ChoiceField(
        label="比较", choices=[("", "—"), *Comparator.choices], required=False
    )
    threshold = forms.DecimalField(label="标准值", max_digits=14, decimal_places=2, required=False)
    veto = forms.BooleanField(
        label="一票否决", required=False, help_text="未达到时考核等次封顶（如“无…事件发生”）"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = metric_choices()
