"""Importing one year's arrangement (the State Council's notice) from a workbook with the
columns 日期, 类型 (休/班), 名称: all rows or none, each error with its row, column and a
Chinese message, on the core importer (docs/decisions/0004-excel-import.md). The
file replaces the year's entries and marks the year as entered in full."""

import datetime

from grassroots.core.excel import ImportResult, cells
from grassroots.core.excel.imports import Importer
from grassroots.core.excel.sheets import Choice, Column, Text, template_workbook

from . import rules, services
from .choices import DayKind
from .models import CalendarDay


class AnyDate:
    """A date of any year the calendar keeps: holidays are entered before they come."""

    format = f"日期，如 {cells.DATE_FORMATS}"
    allowed = ""

    def read(self, value, today):
        return cells.read_date(value, datetime.date.max)


DATE = Column("日期", "date", AnyDate(), required=True, width=14)
KIND = Column(
    "类型",
    "kind",
    Choice(DayKind.choices, {"放假": DayKind.REST, "休息": DayKind.REST, "上班": DayKind.WORK}),
    required=True,
    note="休：法定节假日及调休放假的工作日；班：调休上班的周六、周日",
    width=8,
)
NAME = Column(
    "名称", "name", Text(CalendarDay._meta.get_field("name").max_length), required=True, width=16
)
COLUMNS = [DATE, KIND, NAME]
HEADER_OF = {column.field: column.header for column in COLUMNS}

RULES = [
    "填写要求：",
    "1. 一个文件录入一个年度的全部放假调休安排（依国务院办公厅当年的通知），每行一个日期。",
    "2. 只填写与“周一至周五上班、周六周日休息”不同的日期：放假的工作日填“休”，"
    "调休上班的周末填“班”；本来就休息的周末不必填写。",
    "3. 导入后该年度已有的其他安排将被撤销（保留修改记录），该年度标记为“已录入完整”。",
    "4. 导入前会逐行检查；任何一行有错误，整个文件都不会导入，请按提示（行号、列）改正后重新导入。",
]


def holiday_template():
    return template_workbook("放假调休安排", COLUMNS, RULES)


class _YearImport(Importer):
    columns = COLUMNS

    def __init__(self, user):
        super().__init__(user)
        self.entries = []  # (date, kind, name)
        self.first_row = {}  # date -> row number
        self.year_row = None  # (year, row number) of the first dated row

    def check_row(self, row):
        day, kind = row.values.get(DATE.header), row.values.get(KIND.header)
        name = self.instance(CalendarDay, row, [NAME]).name
        if DATE.header in row.failed:
            return
        if self.year_row is None:
            self.year_row = (day.year, row.number)
        year, first = self.year_row
        problems = rules.entry_errors(day, kind)
        if day.year != year:
            problems = {"date": f"与第{first}行不在同一年：一个文件只录入一个年度（{year}年）"}
        for field, message in problems.items():
            self.errors.add(row.number, HEADER_OF[field], message)
        earlier = self.first_row.setdefault(day, row.number)
        if earlier != row.number:
            self.errors.add(row.number, DATE.header, f"与第{earlier}行的日期重复")
        self.entries.append((day, kind, name))

    def check_file(self):
        pass

    def write(self):
        services.replace_year(self.user, self.year_row[0], self.entries)
        return len(self.entries)


def import_year(user, fileobj) -> tuple[ImportResult, int | None]:
    """Set the year's arrangement from `fileobj`, or change nothing if any row is wrong;
    with the year the file is for (None if no row gave one)."""
    importer = _YearImport(user)
    result = importer.run(fileobj)
    return result, importer.year_row and importer.year_row[0]
