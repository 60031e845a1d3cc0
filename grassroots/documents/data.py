"""Plain inputs of the document renderers: frozen dataclasses, no models, so the apps that
print (`elections/documents.py`) and the tests fill them from whatever they hold.

Names of organisations are full names as they appear in running text: `org_name`
"青海省化学化工学会党支部" gives "青海省化学化工学会党支部委员会" where a template says
"××党总支（支部）委员会"; `org_kind` ("党委", "党总支" or "党支部") resolves the template's
"党委/党总支/党支部" and "党总支（支部）" choices. A value the records do not hold yet is None
(or empty) and prints as a blank to fill in by hand.
"""

import datetime
from dataclasses import dataclass

from grassroots.orgs.choices import PostKind

OFFICE_HEAD = "办公室负责人"  # template 1 lists it after the committee; not a committee member
ORG_KINDS = ("党委", "党总支", "党支部")
# Template 1's opening: the seed's (Qinghai's science and technology societies), and the
# general basis where that document does not apply.
SOCIETY_BASIS = (
    "根据青海省科学技术协会党组《关于印发〈青海省科协党组关于加强科技社团党建工作的意见"
    "（试行）〉的通知》（青科协党发〔2018〕12号）的要求"
)
GENERAL_BASIS = "根据《中国共产党章程》和《中国共产党支部工作条例（试行）》的有关规定"

# Seed 004, 基层党组织换届大会议程, transcribed; {upper} stands for the seed's 省科技社团党委,
# the level above.
GENERAL_MEETING_AGENDA = (
    "上届党组织负责同志向全体党员作工作报告；",
    "向大会报告委员会换届选举筹备工作情况，包括：",
    "讨论、酝酿并审议通过工作报告、选举办法、候选人名单和监票人名单；",
    "新一届理事会中党员对提出的党组织委员会委员拟任人选进行正式选举；",
    "计票并宣布选举结果；",
    "新任党组织委员会成员代表讲话；",
    "{upper}领导对新任党组织委员会提工作要求。",
)
# Step 2's parts.
PREPARATION_REPORT = (
    "① 宣读大会选举办法（草案）；",
    "② 宣布下届委员会名额，宣读下届委员会委员候选人建议名单；",
    "③ 提出监票人建议名单，指定计票人员等（委员候选人不得担任监计票人员）；",
)


def general_meeting_agenda(upper, is_society):
    """The seven steps as printed: the level above named and, outside a society (which
    votes in its council's members' meeting), the vote of all the members with a vote."""
    steps = [step.format(upper=upper or "上级党组织") for step in GENERAL_MEETING_AGENDA]
    if not is_society:
        steps[3] = steps[3].replace("新一届理事会中党员", "有选举权的党员")
    return tuple(steps)


@dataclass(frozen=True)
class Issue:
    """版头 and 成文日期 of a 请示: issued under `issuer` (the society, giving "××学会文件"),
    numbered `document_number` (`科协〔2026〕7号`; empty: a blank with the year), addressed
    to the level above."""

    issuer: str
    document_number: str
    date: datetime.date
    addressee: str  # 主送机关, e.g. 中国共产党青海省科技社团委员会
    signer: str = ""  # 签发人


@dataclass(frozen=True)
class Person:
    """A member as the forms (templates 2, 5, 8) and the roster (template 3) show them;
    field names as on `grassroots.orgs.models.Member`, choices as their Chinese labels."""

    name: str
    gender: str = ""
    ethnicity: str = ""
    native_place: str = ""
    birth_date: datetime.date | None = None  # None where masked: the year only
    birth_year: int | None = None  # where masked
    id_number: str = ""
    joined_on: datetime.date | None = None  # None where masked: the year only
    joined_year: int | None = None  # where masked
    confirmed_on: datetime.date | None = None  # None where masked: the year only
    confirmed_year: int | None = None  # where masked
    status: str = ""  # 正式党员 / 预备党员
    work_started_on: datetime.date | None = None
    education: str = ""
    graduated_from: str = ""
    professional_title: str = ""
    expertise: str = ""
    job_title: str = ""
    society_title: str = ""
    resume: str = ""
    phone: str = ""
    org_name: str = ""  # 所在党组织 (roster)


@dataclass(frozen=True)
class Appointment:
    """One person in one post; `post` is a label: 书记, 副书记, 组织委员, 宣传委员, 纪检委员,
    委员 (PostKind labels) or 办公室负责人."""

    post: str
    name: str


@dataclass(frozen=True)
class Vote:
    name: str
    votes: int


@dataclass(frozen=True)
class Attendance:
    """应到/实到 of a members' meeting: those with a vote, and (where recorded) all members."""

    expected_voters: int
    present_voters: int
    expected_members: int | None = None
    present_members: int | None = None


@dataclass(frozen=True)
class EstablishmentRequest:
    """Template 1: 关于成立××党组织的请示, issued by the unit (`society_name`) the new
    organisation is formed in; `is_society` keeps the seed's 理事会 wording."""

    issue: Issue
    society_name: str
    org_name: str  # the organisation to establish
    org_kind: str
    decided_on: datetime.date | None  # ×月×日经…研究决定
    decided_by: str  # 第×届理事会第×次理事会议（常务理事会议）, as the records state it
    member_count: int  # 理事会现有党员×名: the founding members on the roster
    committee: tuple[Appointment, ...]
    is_society: bool = True
    basis: str = SOCIETY_BASIS


@dataclass(frozen=True)
class FilingForm:
    """Template 2: 学会党组织人员备案表, one per proposed leader."""

    society_name: str
    person: Person
    proposed_post: str  # 党组织拟任职务
    performance: str = ""  # 工作表现（德能勤绩廉）; left for the unit to write when empty
    approver: str = "省科技社团"  # whose opinion the form asks for: the level above
    is_society: bool = True


@dataclass(frozen=True)
class Roster:
    """Template 3: 党员名册 of `unit_name` (organisation or society)."""

    unit_name: str
    members: tuple[Person, ...]
    as_of: datetime.date | None = None


@dataclass(frozen=True)
class GeneralElectionRequest:
    """Template 4: 换届选举及候选人预备人选的请示."""

    issue: Issue
    org_name: str
    org_kind: str
    term_started_on: datetime.date | None
    term_ends_on: datetime.date | None
    meeting_on: datetime.date | None
    seats: int | None
    candidates: tuple[str, ...]
    secretary_candidate: str = ""
    deputy_candidates: tuple[str, ...] = ()
    is_society: bool = True  # the agenda's vote: the council's members (`general_meeting_agenda`)


@dataclass(frozen=True)
class CandidateForm:
    """Templates 5 and 8: 委员会候选人预备人选备案表, one per candidate."""

    org_name: str
    person: Person
    proposed_post: str  # 党组织拟任职务, e.g. 委员 or 书记
    performance: str = ""
    approver: str = "省科技社团党委"
    is_society: bool = True


@dataclass(frozen=True)
class GeneralElectionResult:
    """Template 6: 换届选举结果的请示 (`founding`: the first election of a new organisation).

    `votes` are the members' meeting's, most votes first; `runoffs` the votes of each
    further round (a run-off among candidates tied at the last seat, or another round for
    seats left unfilled). With a committee (`committee_expected` not None) the committee's
    first meeting elects `secretary` and `deputies` and divides the other posts
    (`divisions`); without one the members' meeting elects the secretary and deputy
    themselves, one candidate per post, and `votes` are theirs."""

    issue: Issue
    org_name: str
    org_kind: str
    meeting_on: datetime.date
    attendance: Attendance
    votes: tuple[Vote, ...]
    elected: tuple[str, ...]
    secretary: Vote | None
    deputies: tuple[Vote, ...] = ()
    divisions: tuple[Appointment, ...] = ()
    committee_expected: int | None = None  # first committee meeting: 应到会×人
    committee_present: int | None = None
    committee_met_on: datetime.date | None = None  # None or the meeting's day: 同日
    runoffs: tuple[tuple[Vote, ...], ...] = ()
    founding: bool = False


@dataclass(frozen=True)
class ByElectionRequest:
    """Template 7: 委员补选的请示."""

    issue: Issue
    org_name: str
    org_kind: str
    is_society: bool  # the seed's society wording (学会…, 理事会党员大会)
    term_started_on: datetime.date | None
    meeting_on: datetime.date | None
    seats: int | None  # 委员会由×人组成
    vacancies: int | None
    candidates: tuple[str, ...]
    # Who left which post, when and why; none: the sentence names no cause.
    vacated: tuple["VacatedPost", ...] = ()


@dataclass(frozen=True)
class VacatedPost:
    """A seat a by-election fills: `post` (职务, e.g. 书记) held by `name` until `left_on`,
    left for `cause` (工作变动, 退休…)."""

    name: str
    post: str
    left_on: datetime.date
    cause: str


@dataclass(frozen=True)
class MeetingAgenda:
    """The election meeting's agenda (seed 004's 换届大会议程; a by-election's, template 7's
    two items) with its scrutineers and tellers, for the chair and the record."""

    org_name: str
    title: str  # e.g. 党员大会议程
    meeting_on: datetime.date | None
    steps: tuple[str, ...]  # a step 2 ending 包括： is followed by PREPARATION_REPORT
    scrutineers: tuple[str, ...] = ()
    tellers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ByElectionResult:
    """Template 9: 委员补选结果的请示; `divisions` the new members' posts. Without a
    committee meeting (`committee_expected` None) that paragraph is left out."""

    issue: Issue
    org_name: str
    org_kind: str
    is_society: bool
    meeting_on: datetime.date
    attendance: Attendance
    votes: tuple[Vote, ...]
    elected: tuple[str, ...]
    committee_expected: int | None = None
    committee_present: int | None = None
    committee_met_on: datetime.date | None = None
    divisions: tuple[Appointment, ...] = ()
    runoffs: tuple[tuple[Vote, ...], ...] = ()


# Template 1 lists the committee in this order.
ESTABLISHMENT_ORDER = (
    PostKind.SECRETARY.label,
    PostKind.DEPUTY_SECRETARY.label,
    PostKind.DISCIPLINE.label,
    PostKind.PUBLICITY.label,
    PostKind.ORGANIZATION.label,
    PostKind.MEMBER.label,
    OFFICE_HEAD,
)
