"""The columns of the two import templates and of the exports.

The member template starts with the roster's columns (seed 004 template 3, see
docs/decisions/0006-member-roster.md), so an exported roster can be imported again.
"""

import re
from functools import partial

from grassroots.core.excel import cells
from grassroots.core.excel.sheets import Column, Ignored, Text, field_column, template_workbook

from ..choices import Education, MemberStatus
from ..models import HostUnit, Member, Organization

ORG_NUMBER = re.compile(r"[0-9]{1,18}")  # longer digit strings overflow a bigint key


class OrgReference:
    """An organisation by its number (编号, digits) or its exact name; resolved later."""

    format = "党组织编号（数字）或完整名称，须在您可以录入的范围内"
    allowed = ""

    def read(self, value, today):
        text = cells.read_text(value)
        return int(text) if ORG_NUMBER.fullmatch(text) else text or None


_member = partial(field_column, Member)
_org = partial(field_column, Organization)

SEQUENCE = Column("序号", None, Ignored(), width=6)

MEMBER_ORG = Column(
    "所在党组织",
    "org",
    OrgReference(),
    required=True,
    aliases=("组织关系所在党组织",),
    note="组织关系所在的党组织；名称相同的组织有多个时请填编号",
    width=28,
)

MEMBER_COLUMNS = [
    SEQUENCE,
    _member("name", width=10),
    _member("gender", width=6),
    _member("ethnicity", note="空白为汉族", width=8),
    _member("native_place"),
    _member("birth_date", note="须与公民身份号码中的出生日期一致", width=12),
    _member(
        "id_number",
        reader=Text(18, upper=True),
        note="18位，最后一位为校验码（数字或X）；不能与文件中或系统中已有的号码重复",
        text_cells=True,
        width=21,
    ),
    _member(
        "education",
        value_aliases={
            "博士": Education.POSTGRADUATE,
            "硕士": Education.POSTGRADUATE,
            "本科": Education.UNIVERSITY,
            "大专": Education.COLLEGE,
            "专科": Education.COLLEGE,
        },
        width=10,
    ),
    _member("joined_on", width=12),
    _member("confirmed_on", note="预备党员不填；不早于入党时间", width=12),
    _member(
        "status",
        value_aliases={"正式": MemberStatus.FULL, "预备": MemberStatus.PROBATIONARY},
        width=10,
    ),
    _member("work_started_on", width=12),
    _member("job_title", width=16),
    _member("phone", note="11位手机号码，或带区号的固定电话如 0971-1234567", text_cells=True),
    MEMBER_ORG,
    _member("graduated_from", width=18),
    _member("professional_title", width=16),
    _member("expertise", width=16),
    _member("society_title", width=16),
    _member("society_role", width=16),
    _member("resume", width=30),
    _member("is_mobile", width=8),
    _member("is_lost_contact", width=8),
    _member("on_probation_discipline", width=8),
]
# Seed 004 template 3 (党员名册): the first fifteen columns.
ROSTER_COLUMNS = MEMBER_COLUMNS[: MEMBER_COLUMNS.index(MEMBER_ORG) + 1]

ORG_PARENT = Column(
    "上级组织",
    "parent",
    OrgReference(),
    present=True,
    note="已有组织的编号或完整名称，或本文件前面某一行的组织名称（上级组织须排在下级组织之前）；"
    "只有系统管理员可以留空以建立顶级组织",
    width=28,
)

UNIT_NAME = field_column(HostUnit, "name", header="所在单位名称", required=False, width=28)
UNIT_USCC = field_column(
    HostUnit,
    "uscc",
    reader=Text(18, upper=True),
    note="18位，最后一位为校验码；填写时须同时填写所在单位名称；不能与系统中已有的重复",
    text_cells=True,
    width=21,
)
UNIT_COLUMNS = [UNIT_NAME, UNIT_USCC]

ORG_FIELD_COLUMNS = [
    _org("name", width=30),
    _org("short_name", width=14),
    _org("kind", width=14),
    _org("category", width=14),
    _org("established_on", width=12),
]
ORG_COLUMNS = [*ORG_FIELD_COLUMNS[:4], ORG_PARENT, ORG_FIELD_COLUMNS[4], *UNIT_COLUMNS]

MEMBER_RULES = [
    "填写要求：",
    "1. 第1行为列名，请勿修改（红色为必填列）；从第2行起每行一名党员，空行会被跳过。",
    "2. 所在党组织填写组织编号或完整名称，须在您有录入权限的范围内。",
    "3. 导入前会逐行检查；任何一行有错误，整个文件都不会导入，请按提示（行号、列）改正后重新导入。",
    "4. 身份证号码、电话请使用“文本”格式，避免被 Excel 改成科学计数法。",
]

ORG_RULES = [
    "填写要求：",
    "1. 第1行为列名，请勿修改（红色为必填列）；从第2行起每行一个党组织，空行会被跳过。",
    "2. 上级组织填写已有组织的编号或完整名称（须在您有录入权限的范围内），"
    "或本文件中排在前面的某一行的组织名称，这样可以一次导入一整棵组织树。",
    "3. 导入前会逐行检查；任何一行有错误，整个文件都不会导入，请按提示（行号、列）改正后重新导入。",
]


# --- units -----------------------------------------------------------------------------------

_unit = partial(field_column, HostUnit)

UNIT_RESPONSIBLE = Column(
    "负责覆盖的党组织",
    "responsible_org",
    OrgReference(),
    required=True,
    note="负责覆盖该单位的街道（乡镇）党（工）委、两新工委或行业党委的编号或完整名称",
    width=28,
)
UNIT_INSTRUCTOR = Column(
    "党建工作指导员",
    "instructor",  # not a unit field: the importer records a UnitGuide
    Text(50),
    note="已选派的党建工作指导员姓名；没有则不填",
    width=12,
)
UNIT_FIELD_COLUMNS = [
    _unit("name", width=28),
    _unit("kind", width=14),
    _unit("uscc", reader=Text(18, upper=True), note=UNIT_USCC.note, text_cells=True, width=21),
    _unit("address", width=28),
    _unit("phone", text_cells=True),
    _unit("staff_count", width=10),
]
UNIT_IMPORT_COLUMNS = [SEQUENCE, *UNIT_FIELD_COLUMNS, UNIT_RESPONSIBLE, UNIT_INSTRUCTOR]

UNIT_RULES = [
    "填写要求：",
    "1. 第1行为列名，请勿修改（红色为必填列）；从第2行起每行一个单位，空行会被跳过。",
    "2. 这里登记尚未建立党组织或与党组织分别登记的单位；负责覆盖的党组织须在您有录入权限的范围内。",
    "3. 导入前会逐行检查；任何一行有错误，整个文件都不会导入，请按提示（行号、列）改正后重新导入。",
]


def unit_template():
    return template_workbook("单位", UNIT_IMPORT_COLUMNS, UNIT_RULES)


def member_template():
    return template_workbook("党员", MEMBER_COLUMNS, MEMBER_RULES)


def organization_template():
    return template_workbook("党组织", ORG_COLUMNS, ORG_RULES)
