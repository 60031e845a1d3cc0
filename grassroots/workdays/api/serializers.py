from rest_framework import serializers

from ..choices import DayKind
from ..rules import FIRST_YEAR, LAST_YEAR

MAX_DAYS = 2500  # about ten years of working days: a bound on the work of one request
DATE_FORMAT = "%Y-%m-%d"


class WorkingDaysQuery(serializers.Serializer):
    start = serializers.DateField(
        input_formats=[DATE_FORMAT],
        help_text="起算日期（不计入），YYYY-MM-DD",
        error_messages={
            "required": "请填写起算日期 start（YYYY-MM-DD）",
            "invalid": "起算日期格式有误，应为 YYYY-MM-DD，如 2026-09-30",
        },
    )
    days = serializers.IntegerField(
        min_value=0,
        max_value=MAX_DAYS,
        help_text="工作日天数（0 至 2500）",
        error_messages={
            "required": "请填写工作日天数 days",
            "invalid": "工作日天数应为整数",
            "max_string_length": "工作日天数应为整数",
            "min_value": "工作日天数不能为负数",
            "max_value": f"工作日天数不能超过{MAX_DAYS}",
        },
    )


class WorkingDaysSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="起算日期（不计入）")
    days = serializers.IntegerField(help_text="工作日天数")
    end = serializers.DateField(help_text="第 days 个工作日；days 为 0 时即起算日期")


class NoCalendarSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="NO_CALENDAR")
    year = serializers.IntegerField(help_text="须由管理员录入放假调休安排的年份")
    detail = serializers.CharField()


class HolidaysQuery(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text="年份",
        error_messages={
            "required": "请填写年份 year",
            "invalid": "年份应为整数，如 2026",
            "max_string_length": "年份应为整数，如 2026",
            "min_value": f"年份应在{FIRST_YEAR}年至{LAST_YEAR}年之间",
            "max_value": f"年份应在{FIRST_YEAR}年至{LAST_YEAR}年之间",
        },
    )


class CalendarDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(
        choices=DayKind.choices, help_text="rest 休（放假）/ work 班（调休上班）"
    )
    name = serializers.CharField()


class HolidaysSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    covered = serializers.BooleanField(help_text="该年的放假调休安排是否已录入完整")
    days = CalendarDaySerializer(many=True, help_text="与“周一至周五上班”不同的日期")
