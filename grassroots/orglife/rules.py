"""Pure rules of organisational-life records: plain values in, `{field: [Chinese message]}`
out. The services, the pages, the API and the Excel import all check through these."""

from decimal import Decimal, InvalidOperation

from grassroots.core.uploads import MIB, FileLimits
from grassroots.core.validators import text_error
from grassroots.orgs.choices import OrgKind
from grassroots.orgs.rules import PARTY_FOUNDED, date_error

from .choices import PERCENT_FACTS, WHOLE_NUMBER_FACTS, FactKind, MeetingType

MAX_HOURS = Decimal(24)
HOURS_PLACES = 1
EARLIEST_YEAR = 2000

# Allowed attachments: extension -> the content type its first bytes must show.
ATTACHMENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
}
ATTACHMENTS = FileLimits(ATTACHMENT_TYPES, 10 * MIB, "只能上传 JPG、PNG 图片或 PDF 文件")


# Who holds which meetings. Seed 001: "按照规定开好支部党员大会、支部委员会、党小组会" — the
# members' meeting and the committee meeting are the branch's (or committee's), the 党小组会
# the party group's, and 民主评议党员 is the branch's; lectures, study, theme days, volunteer
# service and 组织生活会 may be held by either. A managing body (组织部、工委) holds none: its
# own 机关党支部 does. A meeting is attended by its organisation's own members
# (`models.eligible_members`), never by a whole subtree.
GROUP_TYPES = frozenset({MeetingType.GROUP_MEETING})
BRANCH_TYPES = frozenset(
    {MeetingType.GENERAL_MEETING, MeetingType.COMMITTEE_MEETING, MeetingType.DEMOCRATIC_REVIEW}
)
NO_MEETING_KINDS = frozenset({OrgKind.DEPARTMENT})


def meeting_kind_error(org_kind, meeting_type) -> str | None:
    """Why an organisation of `org_kind` does not hold meetings of `meeting_type`, or None."""
    if org_kind in NO_MEETING_KINDS:
        return "组织部门、工委是管理机关，不召开组织生活会议：请在其机关党支部或下级党组织登记"
    if org_kind == OrgKind.GROUP and meeting_type in BRANCH_TYPES:
        return f"{MeetingType(meeting_type).label}由党支部召开，请在所在党支部登记"
    if org_kind != OrgKind.GROUP and meeting_type in GROUP_TYPES:
        return "党小组会由党小组召开，请在该党小组下登记"
    return None


def meeting_types_held(org_kind) -> list[str]:
    """The meeting types an organisation of `org_kind` holds, in the vocabulary's order."""
    return [t for t in MeetingType.values if meeting_kind_error(org_kind, t) is None]


def _add(errors, field, message):
    errors.setdefault(field, []).append(message)


def hours_error(hours) -> str | None:
    """Why `hours` (a Decimal, int or numeric text) cannot be a meeting's credited study
    hours, or None: 0 to 24 in steps of at most one decimal place."""
    try:
        value = Decimal(str(hours))
    except (InvalidOperation, ValueError):
        return "学时应为数字，如 2 或 1.5"
    if not value.is_finite():
        return "学时应为数字，如 2 或 1.5"
    if value < 0:
        return "学时不能为负数"
    if value > MAX_HOURS:
        return "一次会议计入的学时不能超过24小时"
    if value != value.quantize(Decimal(1).scaleb(-HOURS_PLACES)):
        return "学时最多保留一位小数，如 1.5"
    return None


def meeting_field_errors(
    meeting_type, date, hours, today, established_on=None, lecturer_given=False, org_kind=None
) -> dict:
    errors = {}
    if meeting_type not in MeetingType.values:
        _add(errors, "type", "请选择会议类型")
    elif org_kind is not None and (message := meeting_kind_error(org_kind, meeting_type)):
        _add(errors, "type", message)
    if date is None:
        _add(errors, "date", "请填写会议日期")
    elif date > today:
        _add(errors, "date", "会议日期不能晚于今天：请在会议开过之后登记")
    elif established_on and date < established_on:
        _add(errors, "date", f"会议日期不能早于本组织成立日期（{established_on:%Y-%m-%d}）")
    elif date < PARTY_FOUNDED:
        _add(errors, "date", date_error(date, "会议日期", today))
    message = hours_error(hours)
    if message:
        _add(errors, "hours", message)
    if meeting_type == MeetingType.PARTY_LECTURE and not lecturer_given:
        _add(errors, "lecturer", "党课请填写授课人（本组织党员，或填写外请授课人姓名）")
    return errors


def attendance_errors(present_ids, absent_reasons) -> dict:
    """`present_ids`: members present; `absent_reasons`: {member id: reason as typed}.
    An absent member needs a reason; nobody is both present and absent."""
    errors = {}
    both = sorted(set(present_ids) & set(absent_reasons))
    if both:
        ids = "、".join(str(pk) for pk in both)
        _add(errors, "absentees", f"编号为 {ids} 的党员既登记为出席又登记为缺席")
    missing = sorted(pk for pk, reason in absent_reasons.items() if not (reason or "").strip())
    if missing:
        _add(errors, "absentees", "请填写每位缺席党员的缺席原因")
    for reason in absent_reasons.values():
        message = text_error(reason, "缺席原因")
        if message:
            _add(errors, "absentees", message)
            break
    return errors


def fact_value_errors(code, value) -> dict:
    errors = {}
    if code not in FactKind.values:
        _add(errors, "code", "请选择年度数据项目")
        return errors
    if value is None:
        _add(errors, "value", "请填写数值")
    elif value < 0:
        _add(errors, "value", "数值不能为负数")
    elif code in PERCENT_FACTS and value > 100:
        _add(errors, "value", "百分比不能超过100")
    elif code in WHOLE_NUMBER_FACTS and value != value.to_integral_value():
        _add(errors, "value", "应为整数")
    return errors


def year_error(year, today) -> str | None:
    if year is None or year < EARLIEST_YEAR:
        return f"年度应在{EARLIEST_YEAR}年以后"
    if year > today.year:
        return "年度不能晚于今年"
    return None


def report_errors(year, submitted_on, today) -> dict:
    """A yearly report is given in its year or early the next, and not in the future."""
    errors = {}
    message = year_error(year, today)
    if message:
        _add(errors, "year", message)
    if submitted_on is None:
        _add(errors, "submitted_on", "请填写述职日期")
    elif submitted_on > today:
        _add(errors, "submitted_on", "述职日期不能晚于今天")
    elif not message and submitted_on.year not in (year, year + 1):
        _add(errors, "submitted_on", f"述职日期应在{year}年或{year + 1}年")
    return errors
