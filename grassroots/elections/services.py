"""One function per workflow transition. Each checks who may take it (rules.py explains the
permissions), that the table of `rules.transitions` allows it from the current state, and
the data it needs; only then does it write, in a transaction, ending with a `Transition`
row (who, when, comment). A refusal leaves the database and the caller's workflow object as
they were. Errors are `ValidationError({field: Chinese message})`, as in the registry.

Approving a result changes the registry through the registry's own services
(`start_term`, `appoint_post`, `create_organization`...). Those require the edit permission,
which a reviewer does not hold: they are called on behalf of the clerk who submitted the
result report, the person who asked for exactly those changes; the reviewer's approval is
the `Transition` that caused them.
"""

import copy
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from grassroots.core.access import Scope, can
from grassroots.core.choices import Permission
from grassroots.core.concurrency import lock
from grassroots.core.history import save_by
from grassroots.core.validators import text_field_errors
from grassroots.orgs import services as registry
from grassroots.orgs.choices import MemberStatus, OrgKind, OrgStatus, PostKind
from grassroots.orgs.health import collect_facts
from grassroots.orgs.models import Member
from grassroots.orgs.rules import RuleConfig

from . import rules
from .choices import (
    EDITABLE_STATES,
    Action,
    Actor,
    CountMode,
    ElectionKind,
    OfficerRole,
    State,
    VacancyCause,
    WorkflowKind,
)
from .models import (
    Ballot,
    Candidate,
    Exclusion,
    MeetingOfficer,
    RosterEntry,
    Round,
    RoundCandidate,
    Transition,
    Vacancy,
    Workflow,
)
from .tally import Count, count_ballots, tally

ELECTION_KINDS = (WorkflowKind.GENERAL, WorkflowKind.BY_ELECTION)
APPOINTMENT_KINDS = (WorkflowKind.APPOINTMENT, WorkflowKind.TEAM_FILING)
# Requests about an organisation of the registry (an establishment's is yet to be made).
ORG_KINDS = ELECTION_KINDS + APPOINTMENT_KINDS
REQUEST_FIELDS = (
    "proposed_name",
    "proposed_short_name",
    "proposed_kind",
    "proposed_category",
    "decided_on",
    "decided_by",
    "office_head",
    "doc_number",
    "signer",
    "meeting_planned_on",
    "seats",
    "committee_size",
)
COUNT_FIELDS = (
    "held_on",
    "mode",
    "expected_members",
    "expected_voters",
    "present_members",
    "present_voters",
    "ballots_issued",
    "ballots_returned",
    "invalid_ballots",
)
NUMBER_FIELDS = COUNT_FIELDS[2:]
# What the tally needs before a round can be confirmed.
REQUIRED_COUNT = {
    "held_on": "请填写大会日期",
    "expected_voters": "请填写应到会有选举权党员人数",
    "present_voters": "请填写实到会有选举权党员人数",
    "ballots_issued": "请填写发出选票数",
    "ballots_returned": "请填写收回选票数",
}
# Elected by the committee at its first meeting, one candidate per post.
SECRETARY_VOTES = (PostKind.SECRETARY, PostKind.DEPUTY_SECRETARY)


# --- who may act -----------------------------------------------------------------------------


def upper_org(workflow):
    """The level above, which reviews: the organisation's parent (read live, so that a move
    of the organisation moves its reviewer), or the parent an establishment is proposed under."""
    return workflow.org.parent if workflow.org_id else workflow.parent


def may_edit(user, workflow):
    return can(user, Permission.EDIT, workflow.subject_path)


def may_review(user, workflow):
    """A reviewer of the level above: the approve permission over the parent, i.e. a role
    held at a strict ancestor of the organisation (never at the organisation itself)."""
    upper = upper_org(workflow)
    return Scope.of(user).reviews_from_above(upper.path if upper else None)


def may_act(user, workflow, step):
    return may_review(user, workflow) if step.actor == Actor.REVIEWER else may_edit(user, workflow)


def is_actor_for(user, workflow, action):
    """Whether `user` is the one who takes `action` on this workflow (its clerk, or a
    reviewer of the level above), whatever the workflow's state now."""
    step = rules.transitions(with_committee_meeting(workflow), workflow.kind).get(action)
    return step is not None and may_act(user, workflow, step)


def with_committee_meeting(workflow):
    if workflow.kind == WorkflowKind.BY_ELECTION:
        return rules.holds_committee_meeting(workflow.committee_size)
    return rules.holds_committee_meeting(workflow.seats)


def actions_for(user, workflow):
    """The actions `user` may take now, {action: Step}, in the table's order."""
    steps = rules.available_actions(with_committee_meeting(workflow), workflow.state, workflow.kind)
    return {a: step for a, step in steps.items() if may_act(user, workflow, step)}


# --- transitions -----------------------------------------------------------------------------
# Every transition is checked whole (`_check`, then the data it needs) before anything is
# written; the writes end with `_record`, which changes the state. A failure therefore leaves
# neither the database nor the caller's workflow object changed.


@dataclass(frozen=True)
class _Checked:
    action: str
    target: str
    comment: str


def _lock(workflow):
    """Lock the row; a state changed meanwhile (another tab, another user) is refused."""
    current = Workflow.objects.select_for_update().values_list("state", flat=True)
    if current.get(pk=workflow.pk) != workflow.state:
        raise ValidationError({"state": "该事项已被他人办理，请刷新页面后重试"})


def _check(user, workflow, action, comment=""):
    """Lock the workflow and check that `user` may take `action` from its state, with the
    comment the step needs. Writes nothing; the caller's transaction holds the lock."""
    _lock(workflow)
    step = rules.step_for(with_committee_meeting(workflow), workflow.state, action, workflow.kind)
    if step is None:
        raise ValidationError(
            {"state": f"当前状态为“{workflow.get_state_display()}”，不能{Action(action).label}"}
        )
    if not may_act(user, workflow, step):
        if step.actor == Actor.REVIEWER:
            message = "只有上级党组织的审批人可以办理"
        else:
            message = "只有本组织的党务工作者可以办理"
        raise ValidationError({"state": message})
    comment = (comment or "").strip()
    if step.comment_required and not comment:
        raise ValidationError({"comment": "请填写退回意见"})
    return _Checked(action, step.target, comment)


def _record(user, workflow, checked, target=None):
    """Take the checked step: the new state (saved with whatever else the caller set on the
    workflow) and the timeline's row."""
    previous = workflow.state
    workflow.state = target or checked.target
    save_by(workflow, user)
    if _repeats_last_row(user, workflow, checked, previous):
        return
    record = Transition(
        workflow=workflow,
        action=checked.action,
        from_state=previous,
        to_state=workflow.state,
        by=user,
        comment=checked.comment,
    )
    save_by(record, user)


def _repeats_last_row(user, workflow, checked, previous):
    """Whether this step only saves again what the timeline's last row already says (the
    same user saving the count, or the committee meeting, once more without a comment): the
    row's time is brought forward instead of adding a row per save. What changed is still
    in the rounds' and the workflow's history."""
    if previous != workflow.state or checked.comment:
        return False
    last = workflow.transitions.order_by("-at", "-id").first()
    if last is None or (last.action, last.by_id, last.comment) != (checked.action, user.pk, ""):
        return False
    last.at = timezone.now()
    save_by(last, user)
    return True


def _held_posts(term):
    return [
        rules.HeldPost(p.member_id, p.member.name, p.post, p.started_on, p.ended_on, p.pk)
        for p in term.posts.select_related("member")
    ]


def by_election_defaults(org):
    """The by-election request's figures the current term already tells (rules.py)."""
    term = org.terms.current().first()
    if term is None:
        return {}
    return rules.by_election_defaults(_held_posts(term), term.started_on)


def vacated_posts(org):
    """The posts of the current term left with their seats still open (`rules.
    vacated_posts`), as the registry's `Post` rows, earliest first: the vacancies a
    by-election asks the cause of."""
    term = org.terms.current().first() if org is not None else None
    if term is None:
        return []
    leavers, _ = rules.vacated_posts(_held_posts(term), term.started_on)
    posts = {p.pk: p for p in term.posts.select_related("member")}
    return [posts[held.pk] for held in leavers]


# --- the request -----------------------------------------------------------------------------


def _check_subject(user, kind, org, parent, locking=True):
    """Whether `user` may start a request of `kind` for `org` (or under `parent`); with
    `locking`, the subject's row is locked until the transaction ends."""
    if kind in ORG_KINDS:
        if org is None:
            raise ValidationError({"org": "请选择党组织"})
        if locking:
            lock(org, "status")  # one election at a time: two requests cannot both pass
        if not can(user, Permission.EDIT, org):
            raise ValidationError({"org": "您没有在该党组织录入或修改数据的权限"})
        if not org.is_active:
            raise ValidationError({"org": "该党组织已撤销"})
        # One election at a time: a by-election during a renewal would fill the old term;
        # one appointment at a time likewise.
        group = ELECTION_KINDS if kind in ELECTION_KINDS else APPOINTMENT_KINDS
        busy = Workflow.objects.open().filter(org=org, kind__in=group).first()
        if busy is not None:
            raise ValidationError({"org": f"该党组织已有未办结的{busy.get_kind_display()}事项"})
        return
    if kind != WorkflowKind.ESTABLISHMENT:
        raise ValidationError({"kind": "请选择事项"})
    if parent is None:
        raise ValidationError({"parent": "请选择上级党组织"})
    if locking:
        lock(parent, "status")
    if not can(user, Permission.EDIT, parent):
        raise ValidationError({"parent": "您没有在该上级党组织之下录入数据的权限"})
    if not parent.is_active:
        raise ValidationError({"parent": "上级组织已撤销"})


def _clean_candidates(candidates):
    """[(member, proposed post, performance)] from [{member, proposed_post, performance}],
    checked."""
    cleaned = [
        (c["member"], c.get("proposed_post") or "", c.get("performance") or "") for c in candidates
    ]
    members = [member.pk for member, _, _ in cleaned]
    if len(set(members)) != len(members):
        raise ValidationError({"candidates": "同一党员不能重复列为候选人"})
    if any(post not in PostKind.values for _, post, _ in cleaned if post):
        raise ValidationError({"candidates": "请选择拟任职务"})
    return cleaned


def _clean_roster(kind, roster):
    roster = list(roster)
    if roster and kind != WorkflowKind.ESTABLISHMENT:
        raise ValidationError({"roster": "只有成立党组织需要党员名册"})
    if len({m.pk for m in roster}) != len(roster):
        raise ValidationError({"roster": "同一党员不能在名册中重复列出"})
    return roster


def _sync_candidates(workflow, candidates, user):
    """Make the candidates exactly `candidates` ([(member, proposed post, performance)],
    cleaned), in order, keeping the rows of members already there."""
    wanted = [member.pk for member, _, _ in candidates]
    existing = {c.member_id: c for c in workflow.candidates.all()}
    for member_id, row in existing.items():
        if member_id not in wanted:
            row.delete()
    for order, (member, post, performance) in enumerate(candidates, start=1):
        row = existing.get(member.pk) or Candidate(workflow=workflow, member=member)
        values = (order, post, performance)
        if row.pk and (row.order, row.proposed_post, row.performance) == values:
            continue
        row.order, row.proposed_post, row.performance = values
        save_by(row, user)


def _clean_vacancies(kind, org, vacancies):
    """[(post, cause)] from [{post, cause}], checked: a by-election's, posts of the
    organisation's current term left with their seats open, once each."""
    cleaned = [(v["post"], v.get("cause") or "") for v in vacancies]
    if cleaned and kind != WorkflowKind.BY_ELECTION:
        raise ValidationError({"vacancies": "只有补选需要填写委员空缺"})
    open_posts = {p.pk for p in vacated_posts(org)} if cleaned else set()
    seen = set()
    for post, cause in cleaned:
        if post.pk in seen:
            raise ValidationError({"vacancies": "同一职务不能重复列出"})
        seen.add(post.pk)
        if post.pk not in open_posts:
            raise ValidationError({"vacancies": f"{post.member.name}的职务不是本届的空缺"})
        if cause not in VacancyCause.values:
            raise ValidationError({"vacancies": f"请选择{post.member.name}离任的原因"})
    return cleaned


def _sync_vacancies(workflow, vacancies, user):
    existing = {v.post_id: v for v in workflow.vacancies.all()}
    wanted = {post.pk for post, _ in vacancies}
    for post_id, row in existing.items():
        if post_id not in wanted:
            row.delete()
    for post, cause in vacancies:
        row = existing.get(post.pk) or Vacancy(workflow=workflow, post=post)
        if row.pk and row.cause == cause:
            continue
        row.cause = cause
        save_by(row, user)


def _sync_roster(workflow, members, user):
    wanted = {m.pk: m for m in members}
    existing = {e.member_id: e for e in workflow.roster.all()}
    for member_id, row in existing.items():
        if member_id not in wanted:
            row.delete()
    for member_id, member in wanted.items():
        if member_id not in existing:
            save_by(RosterEntry(workflow=workflow, member=member), user)


_TEXT = {
    "proposed_name",
    "proposed_short_name",
    "proposed_kind",
    "proposed_category",
    "decided_by",
    "office_head",
    "doc_number",
    "signer",
}


def _set_fields(workflow, fields):
    """Set and check the request's own fields; on an error the workflow is left as it was."""
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "不能修改此项"})
    before = {name: getattr(workflow, name) for name in fields}
    for name, value in fields.items():
        setattr(workflow, name, "" if value is None and name in _TEXT else value)
    try:
        workflow.full_clean(exclude=["org", "parent", "created_by", "term"])
    except ValidationError:
        for name, value in before.items():
            setattr(workflow, name, value)
        raise


@transaction.atomic
def create_workflow(
    user, kind, org=None, parent=None, candidates=(), roster=(), vacancies=(), **fields
):
    """A draft request: an election, a secretary's appointment or a team's filing of `org`,
    or the establishment of an organisation under `parent`; with its candidates ([{member,
    proposed_post}]), for an establishment its roster of founding members, and for a
    by-election why each seat is vacant ([{post, cause}])."""
    _check_subject(user, kind, org, parent)
    candidates = _clean_candidates(candidates)
    roster = _clean_roster(kind, roster)
    vacancies = _clean_vacancies(kind, org, vacancies)
    workflow = Workflow(
        kind=kind,
        org=org if kind in ORG_KINDS else None,
        parent=parent if kind == WorkflowKind.ESTABLISHMENT else None,
        created_by=user,
    )
    _set_fields(workflow, fields)
    save_by(workflow, user)
    _sync_candidates(workflow, candidates, user)
    _sync_roster(workflow, roster, user)
    _sync_vacancies(workflow, vacancies, user)
    save_by(
        Transition(workflow=workflow, action=Action.CREATE, to_state=workflow.state, by=user),
        user,
    )
    return workflow


@transaction.atomic
def update_workflow(user, workflow, candidates=None, roster=None, vacancies=None, **fields):
    """Change a draft or a returned request; candidates, roster and vacancies are replaced
    when given."""
    _lock(workflow)
    _check_editable(user, workflow)
    if candidates is not None:
        candidates = _clean_candidates(candidates)
    if roster is not None:
        roster = _clean_roster(workflow.kind, roster)
    if vacancies is not None:
        vacancies = _clean_vacancies(workflow.kind, workflow.org, vacancies)
    _set_fields(workflow, fields)
    save_by(workflow, user)
    if candidates is not None:
        _sync_candidates(workflow, candidates, user)
    if roster is not None:
        _sync_roster(workflow, roster, user)
    if vacancies is not None:
        _sync_vacancies(workflow, vacancies, user)
    return workflow


def _check_editable(user, workflow):
    if not may_edit(user, workflow):
        raise ValidationError({"state": "只有本组织的党务工作者可以修改"})
    if workflow.state not in EDITABLE_STATES:
        raise ValidationError(
            {"state": f"当前状态为“{workflow.get_state_display()}”，请示内容不能再修改"}
        )


def check_request(
    user,
    kind,
    workflow=None,
    org=None,
    parent=None,
    candidates=(),
    roster=None,
    vacancies=None,
    **fields,
):
    """The problems saving this request (`create_workflow` without `workflow`, else
    `update_workflow`) and then submitting it would meet, as `rules.Problem`s, without
    writing anything: the services' checks in their order, then `rules.request_problems`
    on the request as it would be saved. The form's live check; it cannot disagree with
    the submission because both run these checks."""
    try:
        if workflow is None:
            _check_subject(user, kind, org, parent, locking=False)
            draft = Workflow(
                kind=kind,
                org=org if kind in ORG_KINDS else None,
                parent=parent if kind == WorkflowKind.ESTABLISHMENT else None,
                created_by=user,
            )
        else:
            _check_editable(user, workflow)
            draft = copy.copy(workflow)  # the request as saved is left unchanged
        cleaned = _clean_candidates(candidates) if candidates is not None else None
        members = _clean_roster(draft.kind, roster) if roster is not None else None
        causes = None
        if vacancies is not None:
            causes = _clean_vacancies(draft.kind, draft.org, vacancies)
        _set_fields(draft, fields)
    except ValidationError as exc:
        return _problems_of(exc)
    return rules.request_problems(request_facts(draft, cleaned, members, causes))


def _problems_of(exc):
    """A service's ValidationError as rule problems (field, message)."""
    if not hasattr(exc, "error_dict"):
        return [rules.Problem("__all__", m) for m in exc.messages]
    return [
        rules.Problem(field, message)
        for field, errors in exc.error_dict.items()
        for error in errors
        for message in error.messages
    ]


def belonging_member_ids(workflow, member_ids, roster=None):
    """Which of `member_ids` belong to the workflow's organisation: organisation relation in
    its subtree or a current functional membership there; for an establishment, the roster
    (`roster`: its members as they would be saved, else the saved one)."""
    if workflow.kind == WorkflowKind.ESTABLISHMENT:
        if roster is not None:
            return {m.pk for m in roster} & set(member_ids)
        return set(
            workflow.roster.filter(member_id__in=member_ids).values_list("member_id", flat=True)
        )
    org = workflow.org
    return set(
        Member.objects.filter(
            Q(org__path__startswith=org.path)
            | Q(memberships__org=org, memberships__ended_on__isnull=True),
            pk__in=member_ids,
        ).values_list("pk", flat=True)
    )


def _vacancies_without_cause(workflow, vacancies):
    """Names of those who left a seat the by-election fills with no cause given
    (`vacancies`: [(post, cause)] as they would be saved, else the saved ones)."""
    if workflow.kind != WorkflowKind.BY_ELECTION:
        return ()
    if vacancies is None:
        given = set(workflow.vacancies.values_list("post_id", flat=True)) if workflow.pk else set()
    else:
        given = {post.pk for post, cause in vacancies if cause}
    return tuple(p.member.name for p in vacated_posts(workflow.org) if p.pk not in given)


def request_facts(workflow, candidates=None, roster=None, vacancies=None):
    """The plain facts `rules.request_problems` judges, read from the records; `candidates`
    ([(member, proposed post, performance)]), `roster` ([member]) and `vacancies` ([(post,
    cause)]) as they would be saved stand in for the saved ones."""
    if candidates is None:
        saved = workflow.candidates.select_related("member").order_by("order", "pk")
        candidates = [(c.member, c.proposed_post, c.performance) for c in saved]
    belonging = belonging_member_ids(workflow, [m.pk for m, _, _ in candidates], roster)
    subject = {}
    if workflow.kind == WorkflowKind.ESTABLISHMENT:
        if roster is None:
            roster = [e.member for e in workflow.roster.select_related("member__org")]
        keeps_relation = workflow.proposed_kind == OrgKind.FUNCTIONAL_BRANCH
        subject = {
            "full_members": sum(
                1 for m in roster if m.status == MemberStatus.FULL and m.left_on is None
            ),
            "roster_left": tuple(m.name for m in roster if m.left_on is not None),
            "roster_outside": tuple(
                m.name
                for m in roster
                if not keeps_relation and not m.org.path.startswith(workflow.parent.path)
            ),
        }
    else:
        org_facts = collect_facts([workflow.org])[workflow.org.pk]
        subject = {
            "full_members": org_facts.full_members,
            "committee_members": org_facts.committee_size,
            "has_current_term": org_facts.term_number is not None,
            "org_active": workflow.org.is_active,
            "vacancies_without_cause": _vacancies_without_cause(workflow, vacancies),
        }
    return rules.RequestFacts(
        kind=workflow.kind,
        org_kind=workflow.subject_kind,
        org_category=workflow.subject_category,
        seats=workflow.seats,
        candidates=tuple(
            rules.CandidateFacts(
                name=member.name,
                status=member.status,
                on_probation_discipline=member.on_probation_discipline,
                left=member.left_on is not None,
                belongs=member.pk in belonging,
                proposed_post=post,
                society_role=member.society_role,
            )
            for member, post, _ in candidates
        ),
        committee_size=workflow.committee_size,
        meeting_planned_on=workflow.meeting_planned_on,
        proposed_name=workflow.proposed_name,
        **subject,
    )


def request_problems(workflow):
    return rules.request_problems(request_facts(workflow))


def raise_errors(problems):
    errors = {}
    for problem in problems:
        if problem.is_error:
            errors.setdefault(problem.field, []).append(problem.message)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def submit(user, workflow, comment=""):
    """Submit (or resubmit, once corrected) the request to the level above."""
    checked = _check(user, workflow, Action.SUBMIT, comment)
    raise_errors(request_problems(workflow))
    _record(user, workflow, checked)
    return workflow


@transaction.atomic
def return_request(user, workflow, comment):
    _record(user, workflow, _check(user, workflow, Action.RETURN, comment))
    return workflow


@transaction.atomic
def approve_request(user, workflow, comment=""):
    """Approve the request. A secretary's appointment (or a functional branch's new team)
    takes effect now, recorded in the registry on behalf of the clerk who submitted it, as
    an approved result is (`approve_result`)."""
    checked = _check(user, workflow, Action.APPROVE, comment)
    if workflow.kind == WorkflowKind.APPOINTMENT:
        raise_errors(request_problems(workflow))
        submitted = workflow.transitions.filter(action=Action.SUBMIT).order_by("-at", "-pk")
        try:
            workflow.term = _appoint(submitted.first().by, workflow, timezone.localdate())
        except ValidationError as exc:
            raise ValidationError(
                {"state": ["批准后登记任职时出错：" + "；".join(exc.messages)]}
            ) from exc
    _record(user, workflow, checked)
    return workflow


def _appoint(actor, workflow, day):
    """The registry changes of an approved appointment; returns the term they are in. A
    functional branch's changed team is a new team record (its posts end with the old
    one); elsewhere the secretary takes office in the current term, the one before (and the
    appointee's own earlier posts) ending the same day."""
    org = workflow.org
    appointees = list(workflow.candidates.select_related("member").order_by("order", "pk"))
    if org.kind == OrgKind.FUNCTIONAL_BRANCH:
        term = registry.start_term(actor, org, day)
    else:
        term = org.terms.current().first()
        if term is None:
            raise ValidationError({"term": "本组织没有本届委员会届次"})
        leaving = term.posts.current().filter(
            Q(post=PostKind.SECRETARY) | Q(member__in=[c.member for c in appointees])
        )
        for post in leaving:
            registry.end_post(actor, post, day)
    for candidate in sorted(appointees, key=lambda c: PostKind.values.index(final_post(c))):
        registry.appoint_post(
            actor, term, candidate.member, final_post(candidate), day, approved=True
        )
    return term


@transaction.atomic
def file_team(user, workflow, comment=""):
    """File a functional branch's unchanged team with the level above (备案): the team as
    it stands is kept on the record; nobody approves it."""
    checked = _check(user, workflow, Action.FILE, comment)
    raise_errors(request_problems(workflow))
    term = workflow.org.terms.current().first()
    posts = sorted(
        term.posts.current().select_related("member"),
        key=lambda p: (PostKind.values.index(p.post), p.started_on, p.pk),
    )
    team = {}
    for post in posts:  # one row per member: the highest of the posts held
        team.setdefault(post.member_id, (post.member, post.post, ""))
    _sync_candidates(workflow, list(team.values()), user)
    workflow.term = term
    _record(user, workflow, checked)
    return workflow


@transaction.atomic
def withdraw(user, workflow, comment=""):
    _record(user, workflow, _check(user, workflow, Action.WITHDRAW, comment))
    return workflow


# --- the election meeting --------------------------------------------------------------------


def eligible_voters(workflow):
    """Members with a vote in the meeting: full members, not under 留党察看 (RULES.md,
    Elections), of the organisation's subtree (a functional branch: its functional members)
    or, for an establishment, of the roster."""
    members = Member.objects.current().filter(
        status=MemberStatus.FULL, on_probation_discipline=False
    )
    return _members_of(workflow, members)


def meeting_members(workflow):
    """Every member expected at the meeting (voters and those without a vote)."""
    return _members_of(workflow, Member.objects.current())


def _members_of(workflow, members):
    if workflow.kind == WorkflowKind.ESTABLISHMENT:
        return members.filter(pk__in=workflow.roster.values("member_id"))
    org = workflow.org
    if org.kind == OrgKind.FUNCTIONAL_BRANCH:
        return members.filter(
            pk__in=org.functional_memberships.filter(ended_on__isnull=True).values("member_id")
        )
    return members.filter(org__path__startswith=org.path)


def current_round(workflow):
    """The round being counted (the last one, unconfirmed), or None."""
    last = workflow.rounds.order_by("-number").first()
    return last if last and not last.is_confirmed else None


def _first_round(workflow, user):
    new = save_by(Round(workflow=workflow, number=1, seats=workflow.seats), user)
    RoundCandidate.objects.bulk_create(
        RoundCandidate(round=new, candidate=candidate) for candidate in workflow.candidates.all()
    )
    return new


def _check_count(count, mode):
    unknown = set(count) - set(COUNT_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "不能修改此项"})
    if mode not in CountMode.values:
        raise ValidationError({"mode": "请选择计票方式"})
    for name in NUMBER_FIELDS:
        value = count.get(name)
        if value is not None and value < 0:
            raise ValidationError({name: "不能为负数"})


def _check_votes(on_ballot, votes, mode):
    if mode == CountMode.BALLOTS:
        raise ValidationError({"votes": "逐张录入选票时，得票由选票统计得出"})
    if set(votes) - on_ballot:
        raise ValidationError({"votes": "得票中有不在本轮选票上的候选人"})
    if any(value is not None and value < 0 for value in votes.values()):
        raise ValidationError({"votes": "得票不能为负数"})


def _check_ballots(on_ballot, ballots, mode):
    if mode != CountMode.BALLOTS:
        raise ValidationError({"ballots": "按候选人汇总得票时不录入选票"})
    for number, marks in enumerate(ballots, start=1):
        if set(marks) - on_ballot:
            raise ValidationError({"ballots": f"第{number}张选票标记了不在本轮选票上的候选人"})
        if len(set(marks)) != len(marks):
            raise ValidationError({"ballots": f"第{number}张选票重复标记了同一候选人"})


def _clean_exclusions(workflow, exclusions):
    """[(member, reason)] checked: voters of the meeting, once each, each with a reason."""
    cleaned = [(member, (reason or "").strip()) for member, reason in exclusions]
    members = [member.pk for member, _ in cleaned]
    if len(set(members)) != len(members):
        raise ValidationError({"exclusions": "同一党员不能重复列出"})
    eligible = set(eligible_voters(workflow).filter(pk__in=members).values_list("pk", flat=True))
    for member, reason in cleaned:
        if member.pk not in eligible:
            raise ValidationError({"exclusions": f"{member.name}不是本次大会有选举权的党员"})
        if not reason:
            raise ValidationError({"exclusions": f"请填写{member.name}不计入应到会人数的原因"})
        # Saved in bulk, past `save_by`'s check of the text.
        errors = text_field_errors(Exclusion(reason=reason), ["reason"])
        if errors:
            message = errors["reason"][0]
            raise ValidationError({"exclusions": f"{member.name}不计入应到会人数的{message}"})
    return cleaned


def _clean_officers(workflow, scrutineers, tellers):
    """{role: [member]} of the meeting's scrutineers and tellers, checked (`rules.
    officer_problems`): no candidate, only members expected at the meeting, once each."""
    given = {OfficerRole.SCRUTINEER: scrutineers, OfficerRole.TELLER: tellers}
    given = {role: list(members) for role, members in given.items() if members is not None}
    if not given:
        return {}
    named = [m.pk for members in given.values() for m in members]
    candidates = dict(workflow.candidates.values_list("member_id", "member__name"))
    expected = set(meeting_members(workflow).filter(pk__in=named).values_list("pk", flat=True))
    problems = rules.officer_problems(
        candidates,
        [rules.Officer(m.pk, m.name) for m in given.get(OfficerRole.SCRUTINEER, [])],
        [rules.Officer(m.pk, m.name) for m in given.get(OfficerRole.TELLER, [])],
        expected,
    )
    raise_errors(problems)
    return given


def _sync_officers(workflow, officers, user):
    for role, members in officers.items():
        existing = {o.member_id: o for o in workflow.officers.filter(role=role)}
        wanted = {m.pk for m in members}
        for member_id, row in existing.items():
            if member_id not in wanted:
                row.delete()
        for member in members:
            if member.pk not in existing:
                save_by(MeetingOfficer(workflow=workflow, member=member, role=role), user)


@transaction.atomic
def record_count(
    user,
    workflow,
    votes=None,
    ballots=None,
    exclusions=None,
    scrutineers=None,
    tellers=None,
    comment="",
    **count,
):
    """Save the count of the round being held: attendance, ballots and yes-votes (`votes`:
    {candidate id: votes}), or the ballots one by one (`ballots`: [[candidate id, ...]]);
    the members left out of the voters expected, with the reason (`exclusions`:
    [(member, reason)]); and the meeting's scrutineers and tellers ([member] each; seed
    004: 「委员候选人不得担任监计票人员」). Partial counts may be saved; repeatable until the
    round is confirmed, when the tally judges the whole."""
    checked = _check(user, workflow, Action.RECORD_MEETING, comment)
    count_round = current_round(workflow)
    mode = count.get("mode", count_round.mode if count_round else CountMode.TOTALS)
    _check_count(count, mode)
    if count_round is None:
        on_ballot = set(workflow.candidates.values_list("pk", flat=True))
    else:
        on_ballot = set(count_round.entries.values_list("candidate_id", flat=True))
    if votes is not None:
        _check_votes(on_ballot, votes, mode)
    if ballots is not None:
        _check_ballots(on_ballot, ballots, mode)
    if exclusions is not None:
        exclusions = _clean_exclusions(workflow, exclusions)
    officers = _clean_officers(workflow, scrutineers, tellers)

    count_round = count_round or _first_round(workflow, user)
    _sync_officers(workflow, officers, user)
    for name, value in count.items():
        setattr(count_round, name, value)
    save_by(count_round, user)
    if exclusions is not None:
        count_round.exclusions.all().delete()
        Exclusion.objects.bulk_create(
            Exclusion(round=count_round, member=member, reason=reason)
            for member, reason in exclusions
        )
    if votes is not None:
        entries = list(count_round.entries.filter(candidate_id__in=votes))
        for entry in entries:
            entry.votes = votes[entry.candidate_id]
        RoundCandidate.objects.bulk_update(entries, ["votes"])
    if ballots is not None:
        count_round.ballots.all().delete()
        Ballot.objects.bulk_create(
            Ballot(round=count_round, number=number, marks=list(marks))
            for number, marks in enumerate(ballots, start=1)
        )
    _record(user, workflow, checked)
    return count_round


def tally_kind(workflow):
    """A committee is elected competitively (差额); a by-election, and the secretary and deputy
    of a branch without a committee, one candidate per seat (等额)."""
    if workflow.kind == WorkflowKind.BY_ELECTION or not rules.holds_committee_meeting(
        workflow.seats
    ):
        return ElectionKind.BY_ELECTION
    if workflow.kind == WorkflowKind.ESTABLISHMENT:
        return ElectionKind.FOUNDING
    return ElectionKind.GENERAL


def tally_inputs(workflow, seats, figures, candidate_ids, *, votes=None, ballots=None):
    """A count as the tally API takes it, candidates named by their candidate id (names may
    repeat), in ballot order: ballot by ballot with `ballots` (candidate ids marked on each),
    else with `votes` (candidate id -> votes). `figures` holds the voters expected and
    present and the ballots issued, returned and invalid."""
    inputs = {
        "kind": tally_kind(workflow).value,
        "seats": seats,
        "expected_voters": figures["expected_voters"],
        "present_voters": figures["present_voters"],
        "ballots_issued": figures["ballots_issued"],
        "ballots_returned": figures["ballots_returned"],
        "invalid_ballots": figures["invalid_ballots"] or 0,
    }
    if ballots is not None:
        inputs["candidates"] = [{"name": str(pk)} for pk in candidate_ids]
        inputs["ballots"] = [[str(pk) for pk in marks] for marks in ballots]
    else:
        inputs["candidates"] = [{"name": str(pk), "votes": votes[pk]} for pk in candidate_ids]
    return inputs


def _round_inputs(workflow, count_round):
    """The round's saved count as `tally_inputs`; what is missing is a ValidationError."""
    missing = {
        name: message
        for name, message in REQUIRED_COUNT.items()
        if getattr(count_round, name) is None
    }
    if missing:
        raise ValidationError(missing)
    entries = list(count_round.entries.select_related("candidate__member"))
    figures = {name: getattr(count_round, name) for name in NUMBER_FIELDS}
    ids = [e.candidate_id for e in entries]
    if count_round.mode == CountMode.BALLOTS:
        ballots = [ballot.marks for ballot in count_round.ballots.all()]
        return tally_inputs(workflow, count_round.seats, figures, ids, ballots=ballots)
    unvoted = [e.candidate.member.name for e in entries if e.votes is None]
    if unvoted:
        raise ValidationError({"votes": f"请填写{'、'.join(unvoted)}的得票"})
    votes = {e.candidate_id: e.votes for e in entries}
    return tally_inputs(workflow, count_round.seats, figures, ids, votes=votes)


# The tally names the candidates' list "candidates"; the workflow's count calls it "votes".
TALLY_FIELDS = {"candidates": "votes"}


def run_tally(inputs):
    """The tally's answer (`Tally.as_dict()`) to API-shaped `inputs`; input the tally
    refuses is a ValidationError naming the count's field."""
    numbers = {
        name: inputs[name]
        for name in (
            "kind",
            "seats",
            "expected_voters",
            "present_voters",
            "ballots_issued",
            "ballots_returned",
            "invalid_ballots",
        )
    }
    try:
        if "ballots" in inputs:
            count = count_ballots(
                names=[c["name"] for c in inputs["candidates"]],
                ballots=inputs["ballots"],
                **numbers,
            )
        else:
            count = Count(
                candidates=tuple((c["name"], c["votes"]) for c in inputs["candidates"]),
                **numbers,
            )
        return tally(count).as_dict()
    except ValueError as exc:
        errors = exc.args[0]
        raise ValidationError({TALLY_FIELDS.get(k, k): v for k, v in errors.items()}) from exc


@transaction.atomic
def confirm_result(user, workflow, comment=""):
    """Freeze the round's count with its tally. Seats still open lead to another round
    (`rules.next_round`): the run-off among the candidates tied at the last seat, another
    vote among those not elected, or (a void vote) the same vote again; the workflow stays
    COUNTING until no further round is held."""
    checked = _check(user, workflow, Action.CONFIRM_RESULT, comment)
    count_round = current_round(workflow)
    if count_round is None:
        raise ValidationError({"state": "请先登记党员大会的计票"})
    # A count may be prepared before the day (voters expected, exclusions), but only a
    # meeting that has been held has a result.
    if count_round.held_on and count_round.held_on > timezone.localdate():
        raise ValidationError({"held_on": "大会日期晚于今天，大会召开后才能确认计票结果"})
    inputs = _round_inputs(workflow, count_round)
    result = run_tally(inputs)
    reduce = RuleConfig.from_settings().reduce_unfilled_seats
    following = rules.next_round(inputs["kind"], count_round.seats, result, reduce)

    count_round.inputs = inputs
    count_round.result = result
    count_round.confirmed_at = timezone.now()
    count_round.confirmed_by = user
    save_by(count_round, user)
    counted = {int(row["name"]): row["votes"] for row in result["votes"]}
    entries = list(count_round.entries.all())
    for entry in entries:
        entry.votes = counted[entry.candidate_id]
    RoundCandidate.objects.bulk_update(entries, ["votes"])
    for candidate in workflow.candidates.filter(pk__in=[int(k) for k in result["elected"]]):
        candidate.elected_in = count_round
        save_by(candidate, user)
    if following:
        seats, names = following
        _open_round(user, count_round, seats, [int(name) for name in names])
    _record(user, workflow, checked, target=State.COUNTING if following else State.ELECTED)
    return count_round


def _open_round(user, previous, seats, candidate_ids):
    new = save_by(
        Round(
            workflow=previous.workflow,
            number=previous.number + 1,
            seats=seats,
            held_on=previous.held_on,
            mode=previous.mode,
            expected_members=previous.expected_members,
            expected_voters=previous.expected_voters,
            present_members=previous.present_members,
            present_voters=previous.present_voters,
        ),
        user,
    )
    RoundCandidate.objects.bulk_create(
        RoundCandidate(round=new, candidate_id=pk) for pk in candidate_ids
    )
    Exclusion.objects.bulk_create(
        Exclusion(round=new, member_id=e.member_id, reason=e.reason)
        for e in previous.exclusions.all()
    )
    return new


def elected_candidates(workflow):
    return list(
        workflow.candidates.filter(elected_in__isnull=False)
        .select_related("member__org")
        .order_by("order", "pk")
    )


# --- the first meeting of the committee ------------------------------------------------------


def _committee_vote(post, votes, expected, present):
    """Tally of one 等额 vote of the committee meeting (secretary or deputy)."""
    return run_tally(
        {
            "kind": ElectionKind.BY_ELECTION.value,
            "seats": 1,
            "expected_voters": expected,
            "present_voters": present,
            "ballots_issued": present,
            "ballots_returned": present,
            "invalid_ballots": 0,
            "candidates": [{"name": post, "votes": votes}],
        }
    )


def _check_posts(workflow, elected, posts):
    if set(posts) != set(elected):
        raise ValidationError({"posts": "请为每一位当选委员分工"})
    chosen = list(posts.values())
    if any(post not in PostKind.values for post in chosen):
        raise ValidationError({"posts": "请选择职务"})
    single = RuleConfig.from_settings().single_holder_posts
    for post in single | {PostKind.DEPUTY_SECRETARY}:
        if chosen.count(post) > 1:
            raise ValidationError({"posts": f"{PostKind(post).label}只能有1名"})
    if workflow.kind != WorkflowKind.BY_ELECTION and PostKind.SECRETARY not in chosen:
        raise ValidationError({"posts": "请确定书记人选"})
    if workflow.kind == WorkflowKind.BY_ELECTION:
        taken = set(
            workflow.org.terms.current()
            .filter(posts__ended_on__isnull=True, posts__post__in=single)
            .values_list("posts__post", flat=True)
        )
        for post in taken & set(chosen):
            raise ValidationError({"posts": f"本届已有{PostKind(post).label}，不能再分工为该职务"})
    return chosen


@transaction.atomic
def record_committee_meeting(
    user, workflow, met_on, expected, present, posts, votes=None, comment=""
):
    """The committee's first meeting: the secretary and deputy elected one candidate per
    post (`votes`: {post: yes-votes}), and the posts divided (`posts`: {candidate id:
    post}) among the newly elected. Repeatable until the result report is submitted."""
    checked = _check(user, workflow, Action.RECORD_COMMITTEE, comment)
    votes = votes or {}
    if met_on is None:
        raise ValidationError({"committee_met_on": "请填写会议日期"})
    if met_on > timezone.localdate():
        raise ValidationError({"committee_met_on": "会议日期不能晚于今天"})
    if met_on < election_day(workflow):
        raise ValidationError({"committee_met_on": "会议日期不能早于党员大会选举日期"})
    if expected is None or present is None:
        raise ValidationError({"committee_present": "请填写应到会和实到会委员人数"})
    if present > expected:
        raise ValidationError({"committee_present": "实到会委员不能多于应到会委员"})
    elected = {c.pk: c for c in elected_candidates(workflow)}
    chosen = _check_posts(workflow, elected, posts)
    results = {}
    for post in SECRETARY_VOTES:
        if post not in chosen:
            continue
        if votes.get(post) is None:
            raise ValidationError({"votes": f"请填写{PostKind(post).label}人选的得票"})
        results[post] = _committee_vote(post, votes[post], expected, present)
        if not results[post]["valid"] or not results[post]["elected"]:
            raise ValidationError(
                {
                    "votes": f"{PostKind(post).label}人选未获得实到会委员半数以上赞成票"
                    "（或到会委员不足），未能当选，请重新投票后再登记"
                }
            )

    workflow.committee_met_on = met_on
    workflow.committee_expected = expected
    workflow.committee_present = present
    workflow.committee_result = results
    for candidate_id, candidate in elected.items():
        candidate.post = posts[candidate_id]
        candidate.post_votes = votes.get(candidate.post) if candidate.post in results else None
        save_by(candidate, user)
    _record(user, workflow, checked)
    return workflow


# --- the result report and its approval ------------------------------------------------------


@transaction.atomic
def submit_result(user, workflow, result_doc_number=None, comment=""):
    checked = _check(user, workflow, Action.SUBMIT_RESULT, comment)
    if result_doc_number is not None:
        workflow.result_doc_number = result_doc_number.strip()
    _record(user, workflow, checked)
    return workflow


@transaction.atomic
def return_result(user, workflow, comment):
    _record(user, workflow, _check(user, workflow, Action.RETURN_RESULT, comment))
    return workflow


def election_day(workflow):
    last = workflow.rounds.filter(confirmed_at__isnull=False).order_by("-number").first()
    return last.held_on


def final_post(candidate):
    return candidate.post or candidate.proposed_post or PostKind.MEMBER


@transaction.atomic
def approve_result(user, workflow, comment=""):
    """Approve the result: the registry changes it asked for are made (a new term and its
    posts, posts filled, or the new organisation) on behalf of the clerk who submitted it.
    Any refusal of the registry undoes them all, and the approval with them."""
    checked = _check(user, workflow, Action.APPROVE_RESULT, comment)
    gone = [c.member.name for c in elected_candidates(workflow) if c.member.left_on]
    if gone:
        raise ValidationError({"state": f"当选人{'、'.join(gone)}已离开，不能任职，请退回结果报告"})
    submitted = workflow.transitions.filter(action=Action.SUBMIT_RESULT).order_by("-at", "-pk")
    actor = submitted.first().by
    try:
        org, term = _apply(actor, workflow, election_day(workflow))
    except ValidationError as exc:
        raise ValidationError(
            {"state": ["批准后登记到组织信息时出错：" + "；".join(exc.messages)]}
        ) from exc
    workflow.org, workflow.term = org, term
    _record(user, workflow, checked)
    return workflow


def _apply(actor, workflow, day):
    """Make the registry changes of an approved result; returns (organisation, term)."""
    org = workflow.org
    if workflow.kind == WorkflowKind.BY_ELECTION:
        term = org.terms.current().first()
        if term is None:
            raise ValidationError({"term": "本组织没有本届委员会届次，无法补选"})
    elif workflow.kind == WorkflowKind.ESTABLISHMENT:
        org = _establish(actor, workflow, day)
        term = registry.start_term(actor, org, day, number=1)
    else:
        term = registry.start_term(actor, org, day)
    # Read after the founders' transfer: the members now belong to the organisation. The
    # secretary first: documents and the committee list read in this order.
    elected = elected_candidates(workflow)
    for candidate in sorted(elected, key=lambda c: PostKind.values.index(final_post(c))):
        # Approved by the level above with the result: a secretary during the term too.
        registry.appoint_post(
            actor, term, candidate.member, final_post(candidate), day, approved=True
        )
    return org, term


def _establish(actor, workflow, day):
    org = registry.create_organization(
        actor,
        name=workflow.proposed_name,
        short_name=workflow.proposed_short_name,
        kind=workflow.proposed_kind,
        category=workflow.proposed_category,
        parent=workflow.parent,
        established_on=day,
        status=OrgStatus.ACTIVE,
    )
    for entry in workflow.roster.select_related("member__org"):
        member = entry.member
        if org.kind == OrgKind.FUNCTIONAL_BRANCH:
            # Members of a functional branch keep their organisation relation elsewhere.
            registry.add_membership(actor, member, org, day)
        else:
            registry.transfer_member(actor, member, org, day, "成立新党组织")
    return org
