from django import forms

from grassroots.core.forms import BootstrapForm, DateInput

from .choices import DayKind
from .models import CalendarDay
from .rules import FIRST_YEAR, LAST_YEAR

NAME_FIELD = CalendarDay._meta.get_field("name")


class DayChangeForm(BootstrapForm):
    kind = forms.ChoiceField(
        label="类型",
        choices=DayKind.choices,
        help_text="休：放假的工作日；班：调休上班的周六、周日",
    )
    name = forms.CharField(
        label="名称", max_length=NAME_FIELD.max_length, help_text=NAME_FIELD.help_text
    )


class DayForm(DayChangeForm):
    date = forms.DateField(label="日期", widget=DateInput)
    field_order = ["date", "kind", "name"]


class YearForm(BootstrapForm):
    year = forms.IntegerField(label="年份", min_value=FIRST_YEAR, max_value=LAST_YEAR)
