"""Forms of the assessment pages. They only parse input: every change goes through
`services.py`, whose errors are put next to the fields by `apply_service_errors`. The review
screen's scores are read from `score-<item id>` and `comment-<item id>`, not from a Django
field per item."""

from django import forms
from django.utils import timezone

from grassroots.core.choices import Permission
from grassroots.core.forms import BootstrapForm, DateInput, org_picker
from grassroots.orgs.models import Organization
from grassroots.standards.models import StandardSet

from .choices import SELF_STATUS_CHOICES, Grade, TaskStatus
from .models import ASSESSED_KINDS, SAMPLING_KINDS

UPLOAD_HELP = "JPG、PNG 图片或 PDF，不超过10MB"
UPLOAD_ACCEPT = ".jpg,.jpeg,.png,.pdf"


def year_choices(today=None):
    this_year = (today or timezone.localdate()).year
    return [(year, f"{year}年") for year in range(this_year, this_year - 6, -1)]


class StandardSetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, standard_set):
        return f"{standard_set.title}（{standard_set.year}年）"


class StartForm(BootstrapForm):
    org = org_picker("党组织", "edit")
    year = forms.TypedChoiceField(label="考核年度", coerce=int, choices=year_choices)
    standard_set = StandardSetChoiceField(
        StandardSet.objects.none(),
        label="考核标准",
        help_text="标准库中已发布的标准，请选择与本组织所属领域相符的",
    )

    def __init__(self, *args, user, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = (
            Organization.objects.visible_to(user, Permission.EDIT)
            .active()
            .filter(kind__in=ASSESSED_KINDS)
        )
        self.fields["year"].initial = timezone.localdate().year
        sets = StandardSet.objects.latest_published().order_by("code")
        field = self.fields["standard_set"]
        field.queryset = sets
        if org is not None:
            self.fields["org"].initial = org.pk
            field.help_text = f"标准库中已发布的标准；适用于{org.get_category_display()}的排在前面"
        # Sets naming the organisation's category first (a JSON list: sorted in Python).
        # The choices are given outright: BootstrapForm has fixed them from the empty
        # queryset the field was declared with.
        category = org.category if org is not None else None
        ranked = sorted(sets, key=lambda s: (category not in s.categories, s.code))
        field.choices = [("", "请选择")] + [(s.pk, field.label_from_instance(s)) for s in ranked]


class SelfAssessmentForm(BootstrapForm):
    self_status = forms.ChoiceField(
        label="自评结果", choices=SELF_STATUS_CHOICES, widget=forms.RadioSelect, required=False
    )
    evidence = forms.CharField(
        label="佐证材料说明",
        widget=forms.Textarea,
        required=False,
        help_text="写明制度、台账、记录的名称和存放位置",
    )
    evidence_file = forms.FileField(label="佐证材料文件", required=False, help_text=UPLOAD_HELP)
    remove_file = forms.BooleanField(label="删除已上传的文件", required=False)
    self_comment = forms.CharField(label="自评说明", widget=forms.Textarea, required=False)

    def __init__(self, *args, manual=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not manual:
            del self.fields["self_status"]
        else:
            self.fields["self_status"].widget.attrs["class"] = "form-check-input"
        self.fields["evidence_file"].widget.attrs["accept"] = UPLOAD_ACCEPT
        for name in ("evidence", "self_comment"):
            self.fields[name].widget.attrs["rows"] = 2

    def service_kwargs(self):
        data = self.cleaned_data
        kwargs = {"evidence": data["evidence"], "self_comment": data["self_comment"]}
        if "self_status" in data:
            kwargs["self_status"] = data["self_status"]
        if data["evidence_file"]:
            kwargs["evidence_file"] = data["evidence_file"]
        elif data["remove_file"]:
            kwargs["evidence_file"] = None
        return kwargs


class ReviewForm(BootstrapForm):
    """The review's closing fields; the scores are read from the item rows."""

    comment = forms.CharField(
        label="审核意见",
        widget=forms.Textarea,
        required=False,
        help_text="退回时必填，写明需要补充或更正的内容",
    )
    deadline = forms.DateField(label="整改期限", widget=DateInput, required=False)

    def __init__(self, *args, rectification_days, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].widget.attrs["rows"] = 3
        self.fields["deadline"].help_text = (
            "完成评定时，未达标、无数据或未得满分的条目都生成整改任务；"
            f"不填则期限为{rectification_days}天后"
        )


class TaskForm(BootstrapForm):
    description = forms.CharField(label="整改事项", widget=forms.Textarea)
    owner_name = forms.CharField(label="责任人", max_length=50, required=False)
    deadline = forms.DateField(label="整改期限", widget=DateInput)
    status = forms.ChoiceField(
        label="进展",
        choices=[(s.value, s.label) for s in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)],
    )
    follow_up = forms.CharField(label="整改进展", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("description", "follow_up"):
            self.fields[name].widget.attrs["rows"] = 3


class CloseTaskForm(BootstrapForm):
    follow_up = forms.CharField(
        label="整改情况", widget=forms.Textarea, required=False, help_text="写明采取的措施和结果"
    )
    follow_up_file = forms.FileField(label="整改材料文件", required=False, help_text=UPLOAD_HELP)
    follow_up_on = forms.DateField(
        label="整改完成日期",
        widget=DateInput,
        initial=timezone.localdate,
        required=False,
        help_text="不填为今天",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["follow_up"].widget.attrs["rows"] = 3
        self.fields["follow_up_file"].widget.attrs["accept"] = UPLOAD_ACCEPT


class SampleForm(BootstrapForm):
    org = org_picker("抽查单位", "view", help_text="党委或组织部门，从其下级基层党组织中抽取")
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=year_choices)
    percent = forms.DecimalField(
        label="抽查比例（%）",
        min_value=0.01,
        max_value=100,
        decimal_places=2,
        help_text="如 10 表示抽取10%，按比例向上取整",
    )
    seed = forms.IntegerField(
        label="随机种子",
        required=False,
        min_value=0,
        help_text="不填则随机生成；填入已记录的种子可复核抽取结果",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = (
            Organization.objects.visible_to(user).active().filter(kind__in=SAMPLING_KINDS)
        )
        self.fields["year"].initial = timezone.localdate().year
        self.fields["percent"].widget.attrs.update(step="0.01", inputmode="decimal")


class PolicyForm(BootstrapForm):
    org = org_picker("适用组织", "manage", help_text="分数线适用于该组织及其全部下级组织")
    year = forms.TypedChoiceField(
        label="年度",
        coerce=int,
        required=False,
        empty_value=None,
        choices=lambda: [("", "各年度"), *year_choices()],
    )
    excellent = forms.DecimalField(label="优秀分数线", min_value=0, max_value=100, initial=90)
    good = forms.DecimalField(label="良好分数线", min_value=0, max_value=100, initial=75)
    fair = forms.DecimalField(label="一般分数线", min_value=0, max_value=100, initial=60)
    veto_cap = forms.ChoiceField(
        label="一票否决时最高等次", choices=Grade.choices, initial=Grade.POOR
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.visible_to(
            user, Permission.MANAGE_USERS
        ).active()
        for name in ("excellent", "good", "fair"):
            self.fields[name].widget.attrs.update(step="0.01", inputmode="decimal")
