"""The days the organisational-life tests meet on, and meeting workbooks for the import."""

import datetime

from grassroots.orglife.excel import COLUMNS
from grassroots.orgs.tests.workbooks import workbook_file

HEADER = [column.header for column in COLUMNS]


def meeting_file(rows, header=None):
    header = header or HEADER
    return workbook_file(header, [[row.get(name) for name in header] for row in rows])


def row(org, **overrides):
    values = {
        "党组织": org.name,
        "会议类型": "主题党日",
        "日期": DAY,
        "主题": "重温入党誓词",
        "计入学时": 2,
        "出席人员": "王建国、李秀英、张卫东",
        "缺席人员及原因": "刘红梅（外出务工）",
    }
    values.update(overrides)
    return values


DAY = datetime.date(2025, 3, 12)


# A day before DAY on which a member's organisational life begins or ends (moving a meeting).
D = DAY - datetime.timedelta(days=10)
