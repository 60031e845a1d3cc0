"""Importing meetings from a workbook laid out like the meeting template: all rows or none,
each error with its row, column and a Chinese message. Built on the core importer
(`grassroots/core/excel/`, docs/decisions/0004-excel-import.md): the same header matching,
cell readers, 说明 sheet and bulk writes with history; organisations are named as in the
registry's imports (`OrgReference`, `OrgDirectory`).

Members are named by name (or member number) among those who may attend the organisation's
meetings on the meeting's day (`models.eligible_members`, evaluated in Python over members
read in three queries for the whole file)."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial

from django.core.exceptions import ValidationError
from django.db.models import Q

from grassroots.core.bulk import create_with_history
from grassroots.core.excel import ImportResult, cells
from grassroots.core.excel.cells import CellError
from grassroots.core.excel.imports import CHANGE_REASON, Importer
from grassroots.core.excel.sheets import Column, Ignored, field_column, template_workbook
from grassroots.core.validators import text_error
from grassroots.orgs import tallies
from grassroots.orgs.choices import OrgKind
from grassroots.orgs.excel.columns import OrgReference
from grassroots.orgs.excel.imports import OrgDirectory
from grassroots.orgs.models import Member, Membership, Post

from . import rules, services
from .choices import SHORT_LABELS, MeetingType
from .models import Attendance, Meeting

LOOKUP_BATCH = 500  # organisations per lookup
ALREADY_RECORDED = "系统中已登记了这次会议（同一组织、日期、类型和主题）"
EVERYONE = ("全体", "全体党员", "全部")
_SEPARATORS = re.compile(r"[、，,；;\s]+")
_ABSENTEE = re.compile(r"\s*([^、，,；;（()）]+?)\s*[（(]([^（()）]*)[）)]\s*")


class Hours:
    format = "数字，0–24，最多一位小数；空白为0"
    allowed = ""

    def read(self, value, today):
        if cells.is_blank(value):
            return None
        if isinstance(value, bool):
            raise CellError("学时应为数字，如 2 或 1.5")
        try:
            hours = Decimal(str(value).strip())
        except InvalidOperation:
            raise CellError("学时应为数字，如 2 或 1.5") from None
        message = rules.hours_error(hours)
        if message:
            raise CellError(message)
        return hours


def _person(token):
    return int(token) if token.isdigit() else token


class People:
    """Members by name or member number, separated by 、 or commas; 全体 means every member
    who may attend except those listed as absent."""

    format = "姓名或党员编号，多人用顿号（、）分隔；填“全体”表示除缺席人员外的全体党员"
    allowed = ""

    def __init__(self, single=False):
        self.single = single
        if single:
            self.format = "姓名或党员编号"

    def read(self, value, today):
        text = cells.read_text(value)
        if not text:
            return None
        if self.single:
            return _person(text)
        if text in EVERYONE:
            return EVERYONE[0]
        return tuple(_person(token) for token in _SEPARATORS.split(text) if token)


class Absentees:
    format = "姓名（缺席原因），多人用顿号（、）分隔，如 张三（外出务工）、李四（因病请假）"
    allowed = ""

    def read(self, value, today):
        text = cells.read_text(value)
        if not text:
            return None
        found, position = [], 0
        for match in _ABSENTEE.finditer(text):
            if text[position : match.start()].strip("、，,；; "):
                break
            name, reason = match.group(1).strip(), match.group(2).strip()
            if not reason:
                raise CellError(f"请在“{name}”后的括号中注明缺席原因，如 {name}（外出务工）")
            message = text_error(reason, f"“{name}”的缺席原因")
            if message:
                raise CellError(message)
            found.append((_person(name), reason))
            position = match.end()
        rest = text[position:].strip("、，,；; ")
        if rest:
            example = _SEPARATORS.split(rest)[0]
            raise CellError(f"“{rest}”缺少缺席原因：请写成 姓名（原因），如 {example}（外出务工）")
        return tuple(found)


_meeting = partial(field_column, Meeting)

SEQUENCE = Column("序号", None, Ignored(), width=6)
ORG = Column(
    "党组织",
    "org",
    OrgReference(),
    required=True,
    aliases=("所在党组织",),
    note="党组织编号或完整名称，须在您可以录入的范围内；名称相同的组织有多个时请填编号",
    width=28,
)
TYPE = _meeting(
    "type",
    value_aliases={label: code for code, label in SHORT_LABELS.items()}
    | {"委员会会议": MeetingType.COMMITTEE_MEETING, "党委会": MeetingType.COMMITTEE_MEETING},
    width=14,
)
DATE = _meeting("date", width=12)
TOPIC = _meeting("topic", width=30)
PLACE = _meeting("place", width=16)
HOURS = _meeting("hours", reader=Hours(), required=False, width=10)
HOST = Column("主持人", "host", People(single=True), width=10)
LECTURER = Column(
    "授课人",
    "lecturer",
    People(single=True),
    note="本组织的党员；党课须填写授课人或外请授课人",
    width=10,
)
LECTURER_NAME = _meeting("lecturer_name", header="外请授课人", width=12)
ATTENDEES = Column("出席人员", "attendees", People(), width=36)
ABSENTEES = Column("缺席人员及原因", "absentees", Absentees(), width=30)
MINUTES = _meeting("minutes", width=30)

COLUMNS = [
    SEQUENCE,
    ORG,
    TYPE,
    DATE,
    TOPIC,
    PLACE,
    HOURS,
    HOST,
    LECTURER,
    LECTURER_NAME,
    ATTENDEES,
    ABSENTEES,
    MINUTES,
]
FIELD_COLUMNS = [TYPE, DATE, TOPIC, PLACE, HOURS, LECTURER_NAME, MINUTES]
HEADER_OF = {column.field: column.header for column in COLUMNS if column.field}
HEADER_OF["attendees"] = ATTENDEES.header

RULES = [
    "填写要求：",
    "1. 第1行为列名，请勿修改（红色为必填列）；从第2行起每行一次会议，空行会被跳过。",
    "2. 党组织填写组织编号或完整名称，须在您有录入权限的范围内。",
    "3. 出席人员、主持人、授课人填写本组织党员（或在本组织参加组织生活的党员）的姓名；"
    "同名的请改填党员编号。出席人员填“全体”表示除缺席人员外的全体党员。",
    "4. 缺席人员须注明原因，写成 姓名（原因），如 张三（外出务工）、李四（因病请假）。",
    "5. 导入前会逐行检查；任何一行有错误，整个文件都不会导入，请按提示（行号、列）改正后重新导入。",
]


def meeting_template():
    return template_workbook("会议", COLUMNS, RULES)


@dataclass
class _PendingMeeting:
    number: int
    meeting: Meeting
    values: dict
    failed: set
    present: list = field(default_factory=list)
    absent: dict = field(default_factory=dict)


class _Roster:
    """The members who may attend the file's organisations' meetings, read in three
    queries (the organisation relations in the organisations or in their party groups, their
    functional memberships, and their committees' posts); `eligible(org, day, type)` then
    needs no query."""

    def __init__(self, orgs):
        ids = sorted({org.pk for org in orgs})
        # (org id, its parent id, its kind, member id, name, joined_on, left_on)
        self.relations = []
        for start in range(0, len(ids), LOOKUP_BATCH):
            batch = ids[start : start + LOOKUP_BATCH]
            own = Q(org__in=batch) | Q(org__parent__in=batch, org__kind=OrgKind.GROUP)
            self.relations += Member.objects.filter(own).values_list(
                "org_id", "org__parent_id", "org__kind", "pk", "name", "joined_on", "left_on"
            )
        # org id -> (member id, name, joined_on, left_on, start, end)
        self.functional = defaultdict(list)
        memberships = Membership.objects.filter(org__in=ids).values_list(
            "org_id",
            "member_id",
            "member__name",
            "member__joined_on",
            "member__left_on",
            "started_on",
            "ended_on",
        )
        for org_id, *rest in memberships:
            self.functional[org_id].append(tuple(rest))
        # org id -> (member id, post start, post end, term end)
        self.posts = defaultdict(list)
        posts = Post.objects.filter(term__org__in=ids).values_list(
            "term__org_id", "member_id", "started_on", "ended_on", "term__ended_on"
        )
        for org_id, *rest in posts:
            self.posts[org_id].append(tuple(rest))

    def eligible(self, org, day, meeting_type=None):
        """{member id: name} of those who may attend `org`'s meetings of `meeting_type` on
        `day`, as `models.eligible_members` and `services` (a committee meeting: the
        committee that day, `PostQuerySet.held_on`) say."""

        def member_then(joined, left):
            return joined <= day and (left is None or left >= day)

        found = {
            pk: name
            for org_id, parent_id, kind, pk, name, joined, left in self.relations
            if (org_id == org.pk or (kind == OrgKind.GROUP and parent_id == org.pk))
            and member_then(joined, left)
        }
        for pk, name, joined, left, started, ended in self.functional[org.pk]:
            if started <= day and (ended is None or ended >= day) and member_then(joined, left):
                found[pk] = name
        if meeting_type == MeetingType.COMMITTEE_MEETING:
            committee = {
                pk
                for pk, started, ended, term_ended in self.posts[org.pk]
                if started <= day and all(end is None or end > day for end in (ended, term_ended))
            }
            found = {pk: name for pk, name in found.items() if pk in committee}
        return found


def _resolve(token, members, by_name):
    """A member id from a name or number among `members` ({id: name}); raises CellError."""
    if isinstance(token, int):
        if token not in members:
            raise CellError(f"编号为{token}的党员不是本组织的党员，也未在本组织参加组织生活")
        return token
    found = by_name.get(token, [])
    if not found:
        raise CellError(f"“{token}”不是本组织的党员（会议当天），请核对姓名")
    if len(found) > 1:
        raise CellError(f"本组织有{len(found)}名党员叫“{token}”，请改填党员编号")
    return found[0]


class _MeetingImport(Importer):
    columns = COLUMNS

    def __init__(self, user, today=None):
        super().__init__(user, today)
        self.pending = []

    def check_row(self, row):
        meeting = self.instance(Meeting, row, FIELD_COLUMNS)
        self.pending.append(_PendingMeeting(row.number, meeting, row.values, row.failed))

    def check_file(self):
        references = {p.values.get(ORG.header) for p in self.pending} - {None}
        directory = OrgDirectory(self.user, references)
        placed = []
        for pending in self.pending:
            reference = pending.values.get(ORG.header)
            if reference is None:
                continue
            try:
                org = directory.find(reference)
                services.check_meeting_org(org, pending.meeting.date)
            except CellError as exc:
                self.errors.add(pending.number, ORG.header, str(exc))
                continue
            except ValidationError as exc:
                self.errors.add(pending.number, ORG.header, exc.messages[0])
                continue
            pending.meeting.org = org
            placed.append(pending)
        roster = _Roster({p.meeting.org for p in placed})
        for pending in placed:
            self._check_rules(pending)
            if DATE.header not in pending.failed:
                self._resolve_people(pending, roster)
        self._check_duplicates(placed)

    def _check_rules(self, pending):
        meeting, values = pending.meeting, pending.values
        errors = rules.meeting_field_errors(
            meeting.type,
            meeting.date,
            meeting.hours,
            self.today,
            meeting.org.established_on,
            lecturer_given=bool(values.get(LECTURER.header) or meeting.lecturer_name),
            org_kind=meeting.org.kind,
        )
        for name, messages in errors.items():
            header = HEADER_OF.get(name, "")
            if header not in pending.failed:
                self.errors.add(pending.number, header, messages[0])

    def _resolve_people(self, pending, roster):
        meeting, values, number = pending.meeting, pending.values, pending.number
        members = roster.eligible(meeting.org, meeting.date, meeting.type)
        by_name = defaultdict(list)
        for pk, name in members.items():
            by_name[name].append(pk)
        for column in (HOST, LECTURER):
            token = values.get(column.header)
            if token is not None:
                try:
                    setattr(meeting, f"{column.field}_id", _resolve(token, members, by_name))
                except CellError as exc:
                    self.errors.add(number, column.header, str(exc))
        for token, reason in values.get(ABSENTEES.header) or ():
            try:
                pending.absent[_resolve(token, members, by_name)] = reason
            except CellError as exc:
                self.errors.add(number, ABSENTEES.header, str(exc))
        attendees = values.get(ATTENDEES.header)
        if attendees == EVERYONE[0]:
            pending.present = [pk for pk in members if pk not in pending.absent]
        else:
            for token in attendees or ():
                try:
                    pending.present.append(_resolve(token, members, by_name))
                except CellError as exc:
                    self.errors.add(number, ATTENDEES.header, str(exc))
        both = set(pending.present) & set(pending.absent)
        if both:
            names = "、".join(members[pk] for pk in sorted(both))
            self.errors.add(number, ABSENTEES.header, f"{names}同时填在出席人员和缺席人员中")

    def _check_duplicates(self, placed):
        """The same meeting (organisation, date, type, topic) twice in the file, or already
        recorded (a file imported twice)."""
        recorded = set()
        org_ids = sorted({p.meeting.org_id for p in placed})
        dates = {p.meeting.date for p in placed if p.meeting.date}
        for start in range(0, len(org_ids), LOOKUP_BATCH):
            recorded.update(
                Meeting.objects.held()
                .filter(org_id__in=org_ids[start : start + LOOKUP_BATCH], date__in=dates)
                .values_list("org_id", "date", "type", "topic")
            )
        first_row = {}
        for pending in placed:
            meeting = pending.meeting
            if meeting.date is None or not meeting.topic:
                continue
            key = (meeting.org_id, meeting.date, meeting.type, meeting.topic)
            if key in recorded:
                self.errors.add(pending.number, TOPIC.header, ALREADY_RECORDED)
            first = first_row.setdefault(key, pending.number)
            if first != pending.number:
                self.errors.add(pending.number, TOPIC.header, f"与第{first}行重复")

    def write(self):
        meetings = []
        for pending in self.pending:
            pending.meeting.created_by = self.user
            meetings.append(pending.meeting)
        create_with_history(Meeting, meetings, self.user, CHANGE_REASON)
        tallies.added(Meeting, [meeting.pk for meeting in meetings])
        rows = [
            Attendance(meeting=p.meeting, member_id=pk, present=True)
            for p in self.pending
            for pk in p.present
        ] + [
            Attendance(meeting=p.meeting, member_id=pk, present=False, absence_reason=reason)
            for p in self.pending
            for pk, reason in p.absent.items()
        ]
        create_with_history(Attendance, rows, self.user, CHANGE_REASON)
        return len(meetings)


def import_meetings(user, fileobj, *, today=None, progress=None) -> ImportResult:
    """Create a meeting (with its attendance) for every row of `fileobj`, or none at all if
    any row has an error."""
    return _MeetingImport(user, today).run(fileobj, progress)
