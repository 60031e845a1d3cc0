"""Forms of the organisational-life pages. They only parse input: every change goes through
`services.py`, whose errors are put next to the fields by `apply_service_errors`. The
attendance of the quick entry is read from the ticked boxes (`present`) and the reasons
(`reason_<member id>`), not from a Django field per member."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from grassroots.core.forms import BootstrapForm, DateInput
from grassroots.orgs.models import Member

from .choices import FACT_UNITS, FactKind, MeetingType, ReportRating
from .rules import ATTACHMENT_TYPES, MAX_HOURS


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return member.name


class MeetingForm(BootstrapForm):
    type = forms.ChoiceField(
        label="会议类型", choices=MeetingType.choices, widget=forms.RadioSelect
    )
    date = forms.DateField(label="日期", widget=DateInput, initial=timezone.localdate)
    topic = forms.CharField(label="主题", max_length=200)
    hours = forms.DecimalField(
        label="计入学时",
        min_value=0,
        max_value=MAX_HOURS,
        max_digits=3,
        decimal_places=1,
        required=False,
        help_text="出席党员每人计入（小时）",
    )
    place = forms.CharField(label="地点", max_length=100, required=False)
    # An empty label of its own: BootstrapForm would otherwise fix the choices to its
    # "请选择" list before the members are set.
    host = MemberChoiceField(
        Member.objects.none(), label="主持人", required=False, empty_label="（不填）"
    )
    lecturer = MemberChoiceField(
        Member.objects.none(), label="授课人", required=False, empty_label="（不填）"
    )
    lecturer_name = forms.CharField(
        label="外请授课人", max_length=50, required=False, help_text="授课人不是本组织党员时填写"
    )
    minutes = forms.CharField(label="会议记录", widget=forms.Textarea, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].widget.attrs["class"] = "btn-check"
        self.fields["hours"].widget.attrs.update(step="0.5", inputmode="decimal")
        for name in ("host", "lecturer"):
            self.fields[name].queryset = members
        self.fields["minutes"].widget.attrs["rows"] = 3

    def meeting_fields(self):
        data = dict(self.cleaned_data)
        data["hours"] = data["hours"] if data["hours"] is not None else Decimal(0)
        return data


def ticked_ids(post):
    return {int(value) for value in post.getlist("present") if value.isdigit()}


def listed_ids(post):
    """The members the entry grid showed (hidden `listed` inputs)."""
    return [int(value) for value in post.getlist("listed") if value.isdigit()]


def attendance_from_post(post, member_ids):
    """(present ids, {absent id: reason}) from the ticked boxes: every listed member who is
    not ticked is absent."""
    ticked = ticked_ids(post)
    present = [pk for pk in member_ids if pk in ticked]
    absent = {pk: post.get(f"reason_{pk}", "") for pk in member_ids if pk not in ticked}
    return present, absent


class CancelForm(BootstrapForm):
    reason = forms.CharField(label="作废原因", max_length=200, help_text="如：重复登记、组织选错")


class AttachmentForm(BootstrapForm):
    file = forms.FileField(label="照片或 PDF（不超过10MB）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        accept = [f".{ext}" for ext in ATTACHMENT_TYPES] + sorted(set(ATTACHMENT_TYPES.values()))
        self.fields["file"].widget.attrs["accept"] = ",".join(accept)


class ReportForm(BootstrapForm):
    year = forms.IntegerField(label="述职年度", min_value=2000)
    submitted_on = forms.DateField(label="述职日期", widget=DateInput, initial=timezone.localdate)
    secretary = MemberChoiceField(
        Member.objects.none(),
        label="述职人",
        required=False,
        empty_label="现任书记",
        help_text="不选则为现任书记",
    )
    text = forms.CharField(label="述职内容", widget=forms.Textarea)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretary"].queryset = members
        self.fields["text"].widget.attrs["rows"] = 8


class EvaluationForm(BootstrapForm):
    rating = forms.ChoiceField(label="评价等次", choices=ReportRating.choices)
    comment = forms.CharField(label="评价意见", widget=forms.Textarea, required=False)


class FactsForm(BootstrapForm):
    """One value and note per yearly fact asked (`value_<code>`, `note_<code>`); `codes`:
    the facts the organisation's standards measure, in the vocabulary's order. A blank value
    leaves the fact as it is."""

    def __init__(self, *args, codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = [code for code in FactKind.values if code in codes]
        for code in self.codes:
            value = forms.DecimalField(
                label=FactKind(code).label, required=False, max_digits=14, decimal_places=2
            )
            value.unit = FACT_UNITS[code]
            self.fields[f"value_{code}"] = value
            self.fields[f"note_{code}"] = forms.CharField(
                label=FactKind(code).label, max_length=200, required=False
            )

    def rows(self):
        for code in self.codes:
            yield code, self[f"value_{code}"], self[f"note_{code}"]

    def notes(self):
        return [self[f"note_{code}"] for code in self.codes]

    def notes_given(self):
        return any(note.value() for note in self.notes())
