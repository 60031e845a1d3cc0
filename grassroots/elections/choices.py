"""Codes of elections and of the tally (DESIGN.md vocabulary), and of the establishment,
general-election and by-election workflows."""

from django.db import models


class ElectionKind(models.TextChoices):
    GENERAL = "general", "换届选举"
    BY_ELECTION = "by_election", "补选"
    FOUNDING = "founding", "成立首届选举"


class TallyProblem(models.TextChoices):
    """Why a count is not a valid election (docs/decisions/0007-tally.md): any one of them
    voids the vote, which is then held again."""

    QUORUM_NOT_MET = "QUORUM_NOT_MET", "到会有选举权的党员未超过应到会人数的五分之四"
    BALLOTS_EXCEED_ISSUED = "BALLOTS_EXCEED_ISSUED", "收回选票多于发出选票"
    VOTES_EXCEED_BALLOTS = "VOTES_EXCEED_BALLOTS", "得票数超出有效选票所能容纳的票数"
    SURPLUS_TOO_LOW = "SURPLUS_TOO_LOW", "候选人差额低于应选名额的20%"
    NOT_ONE_PER_SEAT = "NOT_ONE_PER_SEAT", "补选候选人数与应选名额不等"


class WorkflowKind(models.TextChoices):
    ESTABLISHMENT = "establishment", "成立党组织"
    GENERAL = "general", "换届选举"
    BY_ELECTION = "by_election", "补选"
    # Seed 004: 「党组织委员届中调整、书记任命，需经青海省科技社团党委审批」; for a functional
    # branch at the society's 换届: 「班子人选有变化的，需报上级党组织审批」.
    APPOINTMENT = "appointment", "书记任命（班子调整）"
    # Seed 004: 「党支部班子人选没有变化的，需报上级党组织备案」: filed, not approved.
    TEAM_FILING = "team_filing", "班子人选备案"


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "请示待批复"
    RETURNED = "returned", "请示已退回"
    APPROVED = "approved", "已批复，待召开党员大会"
    COUNTING = "counting", "大会计票中"
    ELECTED = "elected", "选举结果已确认"
    CONSTITUTED = "constituted", "委员会已分工"
    RESULT_SUBMITTED = "result_submitted", "结果报告待批准"
    RESULT_RETURNED = "result_returned", "结果报告已退回"
    COMPLETED = "completed", "已批准生效"
    FILED = "filed", "已备案"
    WITHDRAWN = "withdrawn", "已撤回"


class Action(models.TextChoices):
    CREATE = "create", "起草请示"
    SUBMIT = "submit", "提交请示"
    RETURN = "return", "退回请示"
    APPROVE = "approve", "批复同意"
    WITHDRAW = "withdraw", "撤回"
    RECORD_MEETING = "record_meeting", "登记党员大会计票"
    CONFIRM_RESULT = "confirm_result", "确认选举结果"
    RECORD_COMMITTEE = "record_committee", "登记委员会第一次全体会议"
    SUBMIT_RESULT = "submit_result", "上报选举结果"
    RETURN_RESULT = "return_result", "退回结果报告"
    APPROVE_RESULT = "approve_result", "批准选举结果"
    FILE = "file", "报上级党组织备案"


class Actor(models.TextChoices):
    """Who performs a transition: the organisation's clerk (edit permission over it) or a
    reviewer of the level above (approve permission over its parent)."""

    CLERK = "clerk", "本组织党务工作者"
    REVIEWER = "reviewer", "上级党组织审批人"


class OfficerRole(models.TextChoices):
    """Seed 004's election meeting: 「提出监票人建议名单，指定计票人员等（委员候选人不得担任
    监计票人员）」."""

    SCRUTINEER = "scrutineer", "监票人"
    TELLER = "teller", "计票人"


class VacancyCause(models.TextChoices):
    """Why a member of the committee left it: the by-election request's 事由 (template 7:
    「因×位…委员工作变动，不能继续履行委员职责」) is built from these, never typed."""

    TRANSFERRED = "transferred", "工作变动"
    RETIRED = "retired", "退休"
    DIED = "died", "去世"
    DISMISSED = "dismissed", "被免职"
    RESIGNED = "resigned", "辞职"
    ILLNESS = "illness", "身体原因"


class CountMode(models.TextChoices):
    TOTALS = "totals", "按候选人汇总得票"
    BALLOTS = "ballots", "逐张录入选票"


# States in which the request's own data (candidates, seats, dates) may still be changed.
EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED})
# States waiting for a reviewer: the reviewer's queue.
REVIEW_STATES = frozenset({State.SUBMITTED, State.RESULT_SUBMITTED})
# States in which nothing more happens.
CLOSED_STATES = frozenset({State.COMPLETED, State.FILED, State.WITHDRAWN})


class CheckCode(models.TextChoices):
    """Why a request cannot be submitted (errors) or what its reviewer should look at
    (warnings): `rules.request_problems`. Codes shared with the tally keep its spelling."""

    ORG_INACTIVE = "ORG_INACTIVE", "党组织已撤销"
    NAME_MISSING = "NAME_MISSING", "未填写拟成立党组织名称"
    KIND_MISSING = "KIND_MISSING", "未选择拟成立党组织类型"
    ROSTER_TOO_SMALL = "ROSTER_TOO_SMALL", "党员名册中正式党员不足3名"
    ROSTER_MEMBER_LEFT = "ROSTER_MEMBER_LEFT", "党员名册中有已离开的党员"
    ROSTER_OUTSIDE = "ROSTER_OUTSIDE", "党员名册中有组织关系不在上级党组织范围内的党员"
    MEETING_DATE_MISSING = "MEETING_DATE_MISSING", "未填写拟召开党员大会日期"
    SEATS_MISSING = "SEATS_MISSING", "未填写应选名额"
    NO_CANDIDATES = "NO_CANDIDATES", "未提出候选人预备人选"
    CANDIDATE_REPEATED = "CANDIDATE_REPEATED", "候选人重复"
    CANDIDATE_LEFT = "CANDIDATE_LEFT", "候选人已离开"
    CANDIDATE_NOT_MEMBER = "CANDIDATE_NOT_MEMBER", "候选人不是本组织党员"
    CANDIDATE_PROBATIONARY = "CANDIDATE_PROBATIONARY", "候选人是预备党员"
    CANDIDATE_DISCIPLINED = "CANDIDATE_DISCIPLINED", "候选人受留党察看处分"
    KIND_NOT_ELECTED = "KIND_NOT_ELECTED", "该类组织不通过党员大会选举产生委员会"
    SEATS_WITHOUT_COMMITTEE = "SEATS_WITHOUT_COMMITTEE", "不设委员会，应选名额应为1或2"
    COMMITTEE_SIZE = "COMMITTEE_SIZE", "委员会人数不符合规定"
    COMMITTEE_SIZE_UNUSUAL = "COMMITTEE_SIZE_UNUSUAL", "委员会人数超过一般规模"
    SURPLUS_TOO_LOW = "SURPLUS_TOO_LOW", "候选人差额低于应选名额的20%"
    NOT_ONE_PER_SEAT = "NOT_ONE_PER_SEAT", "等额选举的候选人数与应选名额不等"
    ONE_PER_POST = "ONE_PER_POST", "书记、副书记人选不止1名"
    POST_MISSING = "POST_MISSING", "未选择拟任职务"
    SECRETARY_CANDIDATE_MISSING = "SECRETARY_CANDIDATE_MISSING", "未指定书记候选人预备人选"
    SOCIETY_SECRETARY = "SOCIETY_SECRETARY", "书记人选未担任理事长或副理事长"
    COMMITTEE_SIZE_MISSING = "COMMITTEE_SIZE_MISSING", "未填写委员会职数"
    NO_CURRENT_TERM = "NO_CURRENT_TERM", "没有本届委员会届次"
    NO_VACANCY = "NO_VACANCY", "委员会没有空缺"
    SEATS_EXCEED_VACANCIES = "SEATS_EXCEED_VACANCIES", "应选名额超过空缺数"
    VACANCY_CAUSE_MISSING = "VACANCY_CAUSE_MISSING", "未选择委员离任原因"
    APPOINTEE_MISSING = "APPOINTEE_MISSING", "未提出拟任书记人选"
    APPOINTMENT_POST = "APPOINTMENT_POST", "届中只任命书记，委员通过补选产生"
    NOT_FUNCTIONAL = "NOT_FUNCTIONAL", "只有功能型党支部报班子人选备案"
