"""Workflow rules as pure functions over plain values: the transition tables and the checks
a request must pass before it is submitted (RULES.md, Elections and Organisation form);
the count itself is `tally.py`.

Permissions (decided in services.py, documented here): the organisation's clerk (edit
permission over it; for an establishment, over the parent) performs the CLERK steps; a
reviewer performs the REVIEWER steps only with the approve permission over the
organisation's *parent*, i.e. from a role held at a strict ancestor: "the level above"
approves, never the organisation itself.
"""

from dataclasses import dataclass

from grassroots.orgs.choices import MemberStatus, OrgKind, PostKind, Severity
from grassroots.orgs.rules import (
    BRANCH_KINDS,
    COMMITTEE_FROM_FULL_MEMBERS,
    COMMITTEE_MAX_SIZE,
    COMMITTEE_MIN_SIZE,
    FORMED_KINDS,
    MIN_FULL_MEMBERS,
    SOCIETY_CATEGORIES,
    society_secretary_fits,
)

from .choices import Action, Actor, CheckCode, State, TallyProblem, WorkflowKind
from .tally import SURPLUS_KINDS, candidate_count_problem, minimum_candidates

# --- transitions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    sources: frozenset
    target: str
    actor: str
    comment_required: bool = False


def _step(sources, target, actor, comment_required=False):
    return Step(frozenset(sources), target, actor, comment_required)


_REQUEST_STEPS = {
    Action.SUBMIT: _step({State.DRAFT, State.RETURNED}, State.SUBMITTED, Actor.CLERK),
    Action.RETURN: _step({State.SUBMITTED}, State.RETURNED, Actor.REVIEWER, True),
    Action.APPROVE: _step({State.SUBMITTED}, State.APPROVED, Actor.REVIEWER),
    Action.WITHDRAW: _step({State.DRAFT, State.RETURNED}, State.WITHDRAWN, Actor.CLERK),
    # Saving the count may be repeated until the round is confirmed.
    Action.RECORD_MEETING: _step({State.APPROVED, State.COUNTING}, State.COUNTING, Actor.CLERK),
    # Stays COUNTING when the confirmed round leaves seats for another round (see
    # `next_round`); ELECTED once no further round is held.
    Action.CONFIRM_RESULT: _step({State.COUNTING}, State.ELECTED, Actor.CLERK),
    Action.RETURN_RESULT: _step(
        {State.RESULT_SUBMITTED}, State.RESULT_RETURNED, Actor.REVIEWER, True
    ),
    Action.APPROVE_RESULT: _step({State.RESULT_SUBMITTED}, State.COMPLETED, Actor.REVIEWER),
}

# A committee (3 or more members) holds its first meeting after the election: it elects the
# secretary and deputy and divides the posts (templates 6 and 9) before the result report.
WITH_COMMITTEE_MEETING = {
    **_REQUEST_STEPS,
    Action.RECORD_COMMITTEE: _step(
        {State.ELECTED, State.CONSTITUTED, State.RESULT_RETURNED}, State.CONSTITUTED, Actor.CLERK
    ),
    Action.SUBMIT_RESULT: _step(
        {State.CONSTITUTED, State.RESULT_RETURNED}, State.RESULT_SUBMITTED, Actor.CLERK
    ),
}
# A branch without a committee elects its secretary (and deputy) in the members' meeting.
WITHOUT_COMMITTEE_MEETING = {
    **_REQUEST_STEPS,
    Action.SUBMIT_RESULT: _step(
        {State.ELECTED, State.RESULT_RETURNED}, State.RESULT_SUBMITTED, Actor.CLERK
    ),
}


# A secretary appointed during the term (or a functional branch's changed team): the
# request, approved by the level above, takes effect on approval; no meeting, no result.
APPOINTMENT_STEPS = {
    Action.SUBMIT: _REQUEST_STEPS[Action.SUBMIT],
    Action.RETURN: _REQUEST_STEPS[Action.RETURN],
    Action.APPROVE: _step({State.SUBMITTED}, State.COMPLETED, Actor.REVIEWER),
    Action.WITHDRAW: _REQUEST_STEPS[Action.WITHDRAW],
}
# A functional branch's unchanged team is filed with the level above: nobody approves it.
FILING_STEPS = {
    Action.FILE: _step({State.DRAFT}, State.FILED, Actor.CLERK),
    Action.WITHDRAW: _step({State.DRAFT}, State.WITHDRAWN, Actor.CLERK),
}


def transitions(with_committee_meeting, kind=WorkflowKind.GENERAL):
    if kind == WorkflowKind.APPOINTMENT:
        return APPOINTMENT_STEPS
    if kind == WorkflowKind.TEAM_FILING:
        return FILING_STEPS
    return WITH_COMMITTEE_MEETING if with_committee_meeting else WITHOUT_COMMITTEE_MEETING


def step_for(with_committee_meeting, state, action, kind=WorkflowKind.GENERAL):
    """The step `action` takes from `state`, or None where the table has no such step."""
    step = transitions(with_committee_meeting, kind).get(action)
    return step if step and state in step.sources else None


def available_actions(with_committee_meeting, state, kind=WorkflowKind.GENERAL):
    """{action: Step} possible from `state`, in the table's order."""
    table = transitions(with_committee_meeting, kind)
    return {action: step for action, step in table.items() if state in step.sources}


def holds_committee_meeting(committee_seats):
    """Whether the body elected (or completed) is a committee rather than a secretary."""
    return (committee_seats or 0) >= COMMITTEE_MIN_SIZE


# --- the rounds of the election meeting ------------------------------------------------------

# A vote void for these alone cannot come out differently when held again.
_LIST_PROBLEMS = frozenset({TallyProblem.SURPLUS_TOO_LOW, TallyProblem.NOT_ONE_PER_SEAT})


def reduces_seats(kind, result, allowed):
    """Whether the seats nobody passed for are dropped rather than voted for again: only
    where the jurisdiction allows it (`RuleConfig.reduce_unfilled_seats`), in a contested
    election, and only while those elected still make a committee."""
    return (
        allowed
        and kind in SURPLUS_KINDS
        and result["valid"]
        and not result["runoff"]
        and result["unfilled_seats"] > 0
        and len(result["elected"]) >= COMMITTEE_MIN_SIZE
    )


def next_round(kind, seats, result, reduce_unfilled=False):
    """(seats, candidate names) of the vote that must follow a confirmed count of `seats`
    (`result`: `Tally.as_dict()` of an election of `kind`), or None when the meeting's
    voting is over (RULES.md, Elections):
    - a void vote is held again, same seats and candidates (unless its list itself is what
      voids it: then nothing a new vote could change);
    - a tie at the last seat: a run-off among the tied only, for the seats they straddle;
    - seats nobody passed for: another vote among the candidates not elected, only where the
      election is contested (差额) and enough of them remain for its rule — or none, where
      the jurisdiction reduces the seats instead (`reduces_seats`). An uncontested
      vote (a by-election; a secretary and deputy without a committee) that fails leaves the
      seat vacant, for a later by-election with a new candidate.
    Seats are never filled from candidates below the threshold without a new vote."""
    on_ballot = [row["name"] for row in result["votes"]]
    if not result["valid"]:
        if set(result["problems"]) <= _LIST_PROBLEMS:
            return None
        return seats, on_ballot
    if result["runoff"]:
        return result["runoff_seats"], list(result["runoff"])
    left = result["unfilled_seats"]
    if not left or kind not in SURPLUS_KINDS or reduces_seats(kind, result, reduce_unfilled):
        return None
    remaining = [name for name in on_ballot if name not in set(result["elected"])]
    if candidate_count_problem(kind, left, len(remaining)):
        return None
    return left, remaining


# --- what a by-election request can start from -----------------------------------------------


@dataclass(frozen=True)
class HeldPost:
    """A post of the current term: who held it, from when and, if they left it, until when."""

    member_id: int
    member_name: str
    post: str
    started_on: object
    ended_on: object = None
    pk: int | None = None  # the registry's Post


def vacated_posts(posts, term_started_on):
    """The posts of the current term (`HeldPost`s) whose holders left the committee and
    whose seats are still open, earliest first: a member who left every post they held,
    less the seats taken since by members who joined after the term began (each took the
    seat of the earliest leaver gone by then)."""
    by_member = {}
    for post in posts:
        by_member.setdefault(post.member_id, []).append(post)
    holders = {m for m, held in by_member.items() if any(p.ended_on is None for p in held)}
    leavers = sorted(
        (max(held, key=lambda p: p.ended_on) for m, held in by_member.items() if m not in holders),
        key=lambda p: (p.ended_on, p.member_id),
    )
    first_days = (min(p.started_on for p in by_member[m]) for m in holders)
    joined = sorted(day for day in first_days if day > term_started_on)
    for day in joined:
        taken = next((p for p in leavers if p.ended_on <= day), None)
        if taken is not None:
            leavers.remove(taken)
    return leavers, len(holders)


def by_election_defaults(posts, term_started_on):
    """What the platform already knows of a by-election from the current term's posts
    (`HeldPost`s): the seats (`vacated_posts`) and the committee's size (those holding a
    post now plus those seats). Empty when no seat is open: the clerk says what the vacancy
    is. Why each left is asked on the request (`Vacancy`)."""
    leavers, holders = vacated_posts(posts, term_started_on)
    if not leavers:
        return {}
    return {"committee_size": holders + len(leavers), "seats": len(leavers)}


# --- the election meeting --------------------------------------------------------------------


@dataclass(frozen=True)
class Officer:
    member_id: int
    name: str


def officer_problems(candidates, scrutineers, tellers, meeting_member_ids):
    """Why the scrutineers and tellers (`Officer`s) cannot stand, as Problems on the field
    concerned: a candidate (`candidates`: {member id: name}) — seed 004: 「委员候选人不得
    担任监计票人员」; someone not expected at the meeting (`meeting_member_ids`); a name
    given twice in one list."""
    for field, label, officers in (
        ("scrutineers", "监票人", scrutineers),
        ("tellers", "计票人", tellers),
    ):
        seen = set()
        for officer in officers:
            if officer.member_id in seen:
                yield Problem(field, f"{label}{officer.name}重复列出")
            seen.add(officer.member_id)
            if officer.member_id in candidates:
                yield Problem(
                    field, f"{officer.name}是委员候选人，委员候选人不得担任{label}（监计票人员）"
                )
            elif officer.member_id not in meeting_member_ids:
                yield Problem(field, f"{officer.name}不是本次党员大会的党员，不能担任{label}")


# --- checks before submission ----------------------------------------------------------------


@dataclass(frozen=True)
class CandidateFacts:
    name: str
    status: str = MemberStatus.FULL
    on_probation_discipline: bool = False
    left: bool = False
    belongs: bool = True  # member of the organisation (establishment: on the roster)
    proposed_post: str = ""
    society_role: str = ""


@dataclass(frozen=True)
class RequestFacts:
    kind: str  # WorkflowKind
    org_kind: str
    org_category: str
    full_members: int  # the organisation's full members (establishment: on the roster)
    seats: int | None
    candidates: tuple = ()  # CandidateFacts
    committee_size: int | None = None  # by-election: the committee's statutory size
    committee_members: int = 0  # by-election: members the committee has now
    has_current_term: bool = True  # by-election: the term whose committee it completes
    meeting_planned_on: object = None
    proposed_name: str = ""
    org_active: bool = True
    roster_left: tuple = ()  # establishment: names of roster members who have left
    # Establishment: names whose organisation relation lies outside the parent's subtree,
    # so that it cannot be transferred to the new organisation (not asked of a functional
    # branch, whose members keep their relation where it is).
    roster_outside: tuple = ()
    # By-election: names of the members who left a seat of the term, no cause chosen.
    vacancies_without_cause: tuple = ()


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    severity: str = Severity.ERROR
    code: str = ""  # CheckCode; empty for a problem reported by a form

    @property
    def is_error(self):
        return self.severity == Severity.ERROR


# Usual and largest committee sizes by kind. Branch committees: 3-5, at most 7 (支部工作条例
# Art. 20); general branches and basic committees: as commonly set by 党和国家机关基层组织
# 工作条例 (党总支 5-7; 基层党委 5-9, at most 11).
COMMITTEE_SIZES = {
    OrgKind.GENERAL_BRANCH: (COMMITTEE_MIN_SIZE, 7, COMMITTEE_MAX_SIZE),
    OrgKind.COMMITTEE: (COMMITTEE_MIN_SIZE, 9, 11),
}
BRANCH_COMMITTEE_SIZE = (COMMITTEE_MIN_SIZE, 5, COMMITTEE_MAX_SIZE)
SECRETARY_POSTS = (PostKind.SECRETARY, PostKind.DEPUTY_SECRETARY)


def elects_committee(org_kind, full_members):
    """A branch with fewer than 7 full members has no committee, only a secretary (and, if
    needed, one deputy); other organisations and larger branches elect a committee."""
    return not (org_kind in BRANCH_KINDS and full_members < COMMITTEE_FROM_FULL_MEMBERS)


def _names(names):
    return "、".join(names)


def _subject_problems(facts):
    if facts.kind != WorkflowKind.ESTABLISHMENT:
        if not facts.org_active:
            yield Problem("org", "该党组织已撤销", code=CheckCode.ORG_INACTIVE)
        if not facts.meeting_planned_on:
            yield Problem(
                "meeting_planned_on",
                "请填写拟召开党员大会的日期",
                code=CheckCode.MEETING_DATE_MISSING,
            )
        return
    if not facts.proposed_name:
        yield Problem("proposed_name", "请填写拟成立党组织的名称", code=CheckCode.NAME_MISSING)
    if not facts.org_kind:
        yield Problem("proposed_kind", "请选择拟成立党组织的类型", code=CheckCode.KIND_MISSING)
    if facts.full_members < MIN_FULL_MEMBERS:
        yield Problem(
            "roster",
            f"党员名册中正式党员{facts.full_members}名，不足{MIN_FULL_MEMBERS}名，"
            "不具备单独成立党组织的条件",
            code=CheckCode.ROSTER_TOO_SMALL,
        )
    if facts.roster_left:
        yield Problem(
            "roster",
            f"党员名册中{_names(facts.roster_left)}已离开，请从名册中移除",
            code=CheckCode.ROSTER_MEMBER_LEFT,
        )
    if facts.roster_outside:
        yield Problem(
            "roster",
            f"{_names(facts.roster_outside)}的组织关系不在上级党组织范围内，"
            "成立后无法转入新组织，请先办理组织关系转接",
            code=CheckCode.ROSTER_OUTSIDE,
        )


def _candidate_problems(facts):
    seen = set()
    for c in facts.candidates:
        if c.name in seen:
            yield Problem("candidates", f"候选人{c.name}重复", code=CheckCode.CANDIDATE_REPEATED)
        seen.add(c.name)
        if c.left:
            yield Problem(
                "candidates", f"候选人{c.name}已离开，不能作为候选人", code=CheckCode.CANDIDATE_LEFT
            )
        elif not c.belongs:
            where = "党员名册" if facts.kind == WorkflowKind.ESTABLISHMENT else "本组织党员"
            yield Problem(
                "candidates", f"候选人{c.name}不在{where}中", code=CheckCode.CANDIDATE_NOT_MEMBER
            )
        if c.status != MemberStatus.FULL:
            yield Problem(
                "candidates",
                f"候选人{c.name}是预备党员，没有被选举权",
                code=CheckCode.CANDIDATE_PROBATIONARY,
            )
        if c.on_probation_discipline:
            yield Problem(
                "candidates",
                f"候选人{c.name}受留党察看处分，没有被选举权",
                code=CheckCode.CANDIDATE_DISCIPLINED,
            )


def _post_problems(facts, committee):
    by_post = {}
    for c in facts.candidates:
        by_post.setdefault(c.proposed_post, []).append(c.name)
    for post in SECRETARY_POSTS:
        names = by_post.get(post, [])
        if len(names) > 1:
            label = PostKind(post).label
            yield Problem(
                "candidates",
                f"{label}实行等额选举，只能提出1名{label}人选，现有{_names(names)}",
                code=CheckCode.ONE_PER_POST,
            )
    if facts.kind in (WorkflowKind.BY_ELECTION, WorkflowKind.APPOINTMENT):
        return
    if committee:
        if not by_post.get(PostKind.SECRETARY):
            yield Problem(
                "candidates",
                "请指定书记候选人预备人选",
                Severity.WARNING,
                code=CheckCode.SECRETARY_CANDIDATE_MISSING,
            )
        return
    # Without a committee the meeting elects the secretary (and deputy) themselves.
    plain = [c.name for c in facts.candidates if c.proposed_post not in SECRETARY_POSTS]
    if plain:
        yield Problem(
            "candidates",
            f"不设委员会，只选举书记、副书记，请为{_names(plain)}选择拟任职务",
            code=CheckCode.POST_MISSING,
        )
    if len(facts.candidates) != facts.seats:
        yield Problem(
            "candidates",
            f"书记、副书记实行等额选举，候选人应为{facts.seats}名，现有{len(facts.candidates)}名",
            code=CheckCode.NOT_ONE_PER_SEAT,
        )


def _size_problems(facts, committee):
    """Seats against the committee-size rules and, for a committee, the surplus."""
    seats = facts.seats
    if facts.org_kind not in FORMED_KINDS:
        label = OrgKind(facts.org_kind).label if facts.org_kind else "该组织"
        yield Problem(
            "seats", f"{label}不通过党员大会选举产生委员会", code=CheckCode.KIND_NOT_ELECTED
        )
        return
    if not committee:
        if seats not in (1, 2):
            yield Problem(
                "seats",
                f"正式党员{facts.full_members}名，不足{COMMITTEE_FROM_FULL_MEMBERS}名，"
                "不设支部委员会，只选举书记1名（必要时副书记1名），应选名额应为1或2",
                code=CheckCode.SEATS_WITHOUT_COMMITTEE,
            )
        return
    low, usual, high = COMMITTEE_SIZES.get(facts.org_kind, BRANCH_COMMITTEE_SIZE)
    label = "支部委员会" if facts.org_kind in BRANCH_KINDS else "委员会"
    if seats < low or seats > high:
        yield Problem(
            "seats",
            f"{label}一般由{low}至{usual}人组成，最多不超过{high}人，现为{seats}人",
            code=CheckCode.COMMITTEE_SIZE,
        )
    elif seats > usual:
        yield Problem(
            "seats",
            f"{label}一般由{low}至{usual}人组成，现为{seats}人",
            Severity.WARNING,
            code=CheckCode.COMMITTEE_SIZE_UNUSUAL,
        )
    needed = minimum_candidates(seats)
    if facts.candidates and len(facts.candidates) < needed:
        yield Problem(
            "candidates",
            f"应选{seats}名，差额不低于20%，候选人应不少于{needed}名，"
            f"现有{len(facts.candidates)}名",
            code=CheckCode.SURPLUS_TOO_LOW,
        )


def _by_election_problems(facts):
    seats, size = facts.seats, facts.committee_size
    if not facts.has_current_term:
        yield Problem(
            "org",
            "本组织没有本届委员会届次，无法补选；请先登记届次或进行换届选举",
            code=CheckCode.NO_CURRENT_TERM,
        )
    if not size:
        yield Problem(
            "committee_size",
            "请填写委员会职数（委员会由几人组成）",
            code=CheckCode.COMMITTEE_SIZE_MISSING,
        )
        return
    vacancies = size - facts.committee_members
    if vacancies <= 0:
        yield Problem(
            "seats",
            f"委员会由{size}人组成，现有委员{facts.committee_members}人，没有空缺",
            code=CheckCode.NO_VACANCY,
        )
    elif seats > vacancies:
        yield Problem(
            "seats",
            f"委员会由{size}人组成，现有委员{facts.committee_members}人，空缺{vacancies}人，"
            f"应选名额不能超过空缺数",
            code=CheckCode.SEATS_EXCEED_VACANCIES,
        )
    for name in facts.vacancies_without_cause:
        yield Problem(
            "vacancies",
            f"请选择{name}离任的原因（事由由此生成）",
            code=CheckCode.VACANCY_CAUSE_MISSING,
        )
    if len(facts.candidates) != seats:
        yield Problem(
            "candidates",
            f"补选实行等额选举，候选人应为{seats}名（每个空缺1名），现有{len(facts.candidates)}名",
            code=CheckCode.NOT_ONE_PER_SEAT,
        )


def _society_problems(facts):
    if facts.org_category not in SOCIETY_CATEGORIES:
        return
    for c in facts.candidates:
        if c.proposed_post == PostKind.SECRETARY and not society_secretary_fits(
            facts.org_category, c.society_role
        ):
            yield Problem(
                "candidates",
                f"书记人选{c.name}未担任理事长（会长）、副理事长（副会长）或理事，"
                "不符合“双向进入、交叉任职”的要求",
                Severity.WARNING,
                code=CheckCode.SOCIETY_SECRETARY,
            )


APPOINTMENT_KINDS = frozenset({WorkflowKind.APPOINTMENT, WorkflowKind.TEAM_FILING})


def _appointment_problems(facts):
    """A secretary appointed during the term, or a functional branch's new team: seed 004,
    「党组织委员届中调整、书记任命，需经…审批」 and 「社会组织换届时党支部班子人选有变化的，需报
    上级党组织审批；党支部班子人选没有变化的，需报上级党组织备案」."""
    functional = facts.org_kind == OrgKind.FUNCTIONAL_BRANCH
    if not facts.org_active:
        yield Problem("org", "该党组织已撤销", code=CheckCode.ORG_INACTIVE)
    if facts.kind == WorkflowKind.TEAM_FILING:
        if not functional:
            yield Problem(
                "org",
                "只有功能型党支部在社会组织换届、班子人选没有变化时报上级党组织备案",
                code=CheckCode.NOT_FUNCTIONAL,
            )
        elif not facts.has_current_term:
            yield Problem(
                "org", "本支部尚未登记班子成员，无可备案的班子", code=CheckCode.NO_CURRENT_TERM
            )
        return
    if not functional and not facts.has_current_term:
        yield Problem(
            "org",
            "本组织没有本届委员会届次，书记应通过换届选举产生",
            code=CheckCode.NO_CURRENT_TERM,
        )
    if not any(c.proposed_post == PostKind.SECRETARY for c in facts.candidates) and (
        not functional or not facts.candidates
    ):
        yield Problem("candidates", "请提出拟任书记人选", code=CheckCode.APPOINTEE_MISSING)
    if not functional:
        others = [c.name for c in facts.candidates if c.proposed_post != PostKind.SECRETARY]
        if others:
            yield Problem(
                "candidates",
                f"届中只任命书记；{_names(others)}任委员须通过补选产生",
                code=CheckCode.APPOINTMENT_POST,
            )
    yield from _candidate_problems(facts)
    yield from _post_problems(facts, committee=True)


def request_problems(facts: RequestFacts) -> list[Problem]:
    """Everything that keeps a request from being submitted (errors) or that the reviewer
    should look at (warnings), each with its code and the field it concerns."""
    if facts.kind in APPOINTMENT_KINDS:
        problems = list(_appointment_problems(facts))
        if facts.kind == WorkflowKind.APPOINTMENT:
            problems.extend(_society_problems(facts))
        return problems
    problems = list(_subject_problems(facts))
    if not facts.seats:
        problems.append(Problem("seats", "请填写应选名额", code=CheckCode.SEATS_MISSING))
        return problems
    if not facts.candidates:
        problems.append(Problem("candidates", "请提出候选人预备人选", code=CheckCode.NO_CANDIDATES))
    problems.extend(_candidate_problems(facts))
    if facts.kind == WorkflowKind.BY_ELECTION:
        problems.extend(_by_election_problems(facts))
        committee = holds_committee_meeting(facts.committee_size)
    else:
        committee = elects_committee(facts.org_kind, facts.full_members)
        problems.extend(_size_problems(facts, committee))
    problems.extend(_post_problems(facts, committee))
    problems.extend(_society_problems(facts))
    return problems
