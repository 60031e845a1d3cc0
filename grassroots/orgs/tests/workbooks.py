"""Member and organisation workbooks built in memory for the import tests (and the
imports of other apps that read the same kind of file)."""

import datetime
import io

from openpyxl import Workbook

from grassroots.core.identifiers import build_citizen_id
from grassroots.orgs.excel.columns import MEMBER_COLUMNS, ORG_COLUMNS

TODAY = datetime.date(2026, 6, 30)
MEMBER_HEADER = [column.header for column in MEMBER_COLUMNS]
ORG_HEADER = [column.header for column in ORG_COLUMNS]


def workbook_file(header, rows):
    """An .xlsx (as an open binary file) with `header` on row 1 and `rows` below."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def member_row(org, sequence=1, **overrides):
    """A valid row of the member template, as a dict by header; `overrides` by header."""
    birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=sequence)
    row = {
        "序号": sequence,
        "姓名": f"导入党员{sequence}",
        "性别": "男",
        "民族": "汉族",
        "籍贯": "四川成都",
        "出生日期": birth,
        "公民身份号码": build_citizen_id("510104", birth, sequence),
        "学历": "大学本科",
        "入党时间": datetime.date(2005, 7, 1),
        "转正时间": datetime.date(2006, 7, 1),
        "党员类别": "正式党员",
        "参加工作时间": datetime.date(2003, 7, 1),
        "现任职务": "职员",
        "联系电话": "13812345678",
        "所在党组织": org.name if org is not None else "",
    }
    row.update(overrides)
    return row


def member_file(rows, header=None):
    header = header or (list(rows[0]) if rows else MEMBER_HEADER)
    return workbook_file(header, [[row.get(name) for name in header] for row in rows])


def org_file(rows):
    return workbook_file(ORG_HEADER, [[row.get(name) for name in ORG_HEADER] for row in rows])


def errors_of(result):
    return [(e.row, e.letter, e.column, e.message) for e in result.errors]


def org_row(name, parent, **overrides):
    row = {"名称": name, "组织类型": "党支部", "所属领域": "城镇社区", "上级组织": parent}
    row.update(overrides)
    return row
