"""Election-day pages: the count of the members' meeting, typed on a tablet with the tally
shown as the numbers come in, and the committee's first meeting.

Workflows are read through `Workflow.objects.visible_to` (another subtree answers 404); what
the user may do is `services.actions_for`; every change is a service call and the count is
judged only by the tally (`services.run_tally`, i.e. `tally.py`)."""

import json
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from grassroots.core.access import visible_or_404
from grassroots.elections import rules, services
from grassroots.elections.choices import TallyProblem
from grassroots.elections.forms.election_day import CommitteeForm, CountForm, post_field, vote_field
from grassroots.elections.models import Workflow
from grassroots.elections.tally import count_ballots, passes, quorum_met
from grassroots.elections.workflow_choices import Action, CountMode, State, WorkflowKind
from grassroots.orgs.choices import PostKind
from grassroots.orgs.forms import apply_service_errors
from grassroots.orgs.rules import RuleConfig
from grassroots.orgs.views.registry import ancestors

COUNT_NUMBERS = (
    "present_members",
    "present_voters",
    "ballots_issued",
    "ballots_returned",
    "invalid_ballots",
)
# What the tally needs before it can answer (the rest of services.REQUIRED_COUNT is the date,
# which it does not need, and the voters expected, which the page computes).
NEEDED = {
    "present_voters": "实到会有选举权党员",
    "ballots_issued": "发出选票",
    "ballots_returned": "收回选票",
}
# Why members are commonly left out of the voters expected (选举工作条例 practice); the
# clerk may type any other reason.
EXCLUSION_REASONS = (
    "患病不能表达本人意志",
    "年老体弱卧床不起",
    "自费出国（境）半年以上",
    "外出务工经商联系不上",
    "正在服刑",
)


def visible_workflow(request, pk):
    return visible_or_404(request, Workflow.objects.select_related("org__parent", "parent"), pk)


def page_context(request, workflow):
    org = workflow.org or workflow.parent
    return {
        "workflow": workflow,
        "org": org,
        "trail": ancestors(request.user, org) if workflow.org_id else [],
        "actions": services.actions_for(request.user, workflow),
    }


# --- the tally as the page shows it ----------------------------------------------------------


@dataclass
class Row:
    name: str
    votes: int | None
    passes: bool | None
    outcome: str = ""  # elected, runoff, over (passed but the seats were taken), failed


@dataclass
class Panel:
    """What the tally panel shows, for a round being typed or a confirmed one."""

    seats: int
    names: dict  # the tally's key of each candidate → name
    expected: int | None
    present: int | None
    rows: list
    result: dict | None = None
    ballots_returned: int | None = None
    missing: list = field(default_factory=list)
    ballots_entered: int | None = None
    seats_reduced: bool = False  # the unfilled seats are dropped, not voted for again

    @property
    def quorum(self):
        if self.expected is None or self.present is None or not self.expected:
            return None
        return quorum_met(self.expected, self.present)

    @property
    def attendance(self):
        return 100 * self.present / self.expected

    @property
    def minimum_votes(self):
        """The fewest yes-votes that pass: more than half of the voters present."""
        if self.present is None:
            return None
        return next(v for v in range(self.present + 2) if passes(v, self.present))

    @property
    def problems(self):
        return [TallyProblem(code).label for code in (self.result or {}).get("problems", ())]

    @property
    def elected_names(self):
        """Most votes first, as the tally answers."""
        return [self.names[key] for key in self.result["elected"]]

    @property
    def runoff_names(self):
        return [self.names[key] for key in self.result["runoff"]]

    @property
    def valid_ballots(self):
        return self.ballots_returned - self.result["invalid_ballots"]


def panel_of(seats, names, inputs, votes, result=None):
    """`names` and `votes` are keyed by the candidates' keys in the tally (candidate ids as
    strings); `inputs` holds the figures typed (as the tally takes them, some maybe None);
    `result` is the tally's answer, when it gave one."""
    present = inputs.get("present_voters")
    counted = {row["name"]: row["votes"] for row in result["votes"]} if result else votes
    elected = set(result["elected"]) if result else set()
    runoff = set(result["runoff"]) if result else set()
    rows = []
    for key, name in names.items():
        value = counted.get(key)
        passed = None if value is None or present is None else passes(value, present)
        outcome = ""
        if result and result["valid"]:
            if key in elected:
                outcome = "elected"
            elif key in runoff:
                outcome = "runoff"
            else:
                outcome = "over" if passed else "failed"
        rows.append(Row(name, value, passed, outcome))
    reduce = RuleConfig.from_settings().reduce_unfilled_seats
    return Panel(
        seats=seats,
        names=names,
        expected=inputs.get("expected_voters"),
        present=present,
        rows=rows,
        result=result,
        ballots_returned=inputs.get("ballots_returned"),
        seats_reduced=bool(result) and rules.reduces_seats(inputs.get("kind"), result, reduce),
    )


# --- the count -------------------------------------------------------------------------------


@dataclass
class Ballot:
    """The round being counted: the first round before any count is saved, or the last one."""

    round: object
    seats: int
    entries: list  # (candidate id, name)

    @classmethod
    def of(cls, workflow):
        current = services.current_round(workflow)
        if current is not None:
            entries = current.entries.select_related("candidate__member")
            return cls(
                current, current.seats, [(e.candidate_id, e.candidate.member.name) for e in entries]
            )
        candidates = workflow.candidates.select_related("member").order_by("order", "pk")
        return cls(None, workflow.seats, [(c.pk, c.member.name) for c in candidates])

    @property
    def number(self):
        return self.round.number if self.round else 1

    def saved_data(self, workflow):
        """The round's saved count as the form posts it; before any, the planned date."""
        data = QueryDict(mutable=True)
        data["mode"] = CountMode.TOTALS
        saved = self.round
        if saved is None:
            if workflow.meeting_planned_on:
                data["held_on"] = workflow.meeting_planned_on.isoformat()
            return data
        data["mode"] = saved.mode
        if saved.held_on:
            data["held_on"] = saved.held_on.isoformat()
        for name in COUNT_NUMBERS:
            if getattr(saved, name) is not None:
                data[name] = str(getattr(saved, name))
        for entry in saved.entries.all():
            if entry.votes is not None:
                data[vote_field(entry.candidate_id)] = str(entry.votes)
        data["ballots"] = json.dumps([ballot.marks for ballot in saved.ballots.all()])
        exclusions = list(saved.exclusions.all())
        data.setlist("exclusions", [str(e.member_id) for e in exclusions])
        data.setlist("exclusion_reasons", [e.reason for e in exclusions])
        return data


@dataclass
class Expected:
    """Members and voters expected at the meeting: everyone of the organisation with (and
    without) a vote, less those left out of the count."""

    members: int
    voters: int
    left_out: int

    @property
    def expected_members(self):
        return self.members - self.left_out

    @property
    def expected_voters(self):
        return self.voters - self.left_out


def count_form(workflow, ballot, data):
    eligible = list(services.eligible_voters(workflow).order_by("name", "pk"))
    form = CountForm(data, entries=ballot.entries, eligible=eligible)
    form.is_valid()
    members = services.meeting_members(workflow).count()
    expected = Expected(members, len(eligible), len(form.cleaned_data.get("exclusion_rows", ())))
    return form, expected


def judge(workflow, ballot, form, expected):
    """The panel for what has been typed so far. The tally answers once the figures it needs
    are in and every field is well-formed; what it refuses goes next to the field."""
    data = form.cleaned_data
    kind = services.tally_kind(workflow).value
    names = {str(candidate_id): name for candidate_id, name in ballot.entries}
    present = data.get("present_voters")
    missing = [label for name, label in NEEDED.items() if data.get(name) is None]
    ballots = data.get("ballots") or []
    entered = None
    if form.by_ballot:
        entered = len(ballots)
        # Running yes-votes of the ballots entered so far, counted by the tally's own rule.
        running = count_ballots(
            kind=kind,
            seats=ballot.seats,
            expected_voters=expected.expected_voters,
            present_voters=present or 0,
            ballots_issued=data.get("ballots_issued") or 0,
            ballots_returned=len(ballots),
            names=list(names),
            ballots=[[str(mark) for mark in marks] for marks in ballots],
        )
        votes = dict(running.candidates)
    else:
        votes = {str(cid): value for cid, value in form.votes_by_candidate().items()}
        unvoted = [names[key] for key, value in votes.items() if value is None]
        if unvoted:
            missing.append("得票（" + "、".join(unvoted) + "）")
    result = None
    # Once the figures are in, the tally checks them even before every vote is typed (the
    # votes not yet typed count as none); it answers when nothing is missing.
    if not form.errors and all(data.get(name) is not None for name in NEEDED):
        try:
            answer = services.run_tally(tally_inputs(workflow, ballot, form, expected))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            result = None if missing else answer
    figures = {**data, "kind": kind, "expected_voters": expected.expected_voters}
    if form.errors.keys() & {"present_voters", "expected_voters"}:
        figures["present_voters"] = None  # no quorum or threshold from refused figures
    panel = panel_of(ballot.seats, names, figures, votes, result)
    panel.missing = missing
    panel.ballots_entered = entered
    return panel


def tally_inputs(workflow, ballot, form, expected):
    """What the tally API would be given, candidates keyed by id (as services.tally_inputs)."""
    data = form.cleaned_data
    inputs = {
        "kind": services.tally_kind(workflow).value,
        "seats": ballot.seats,
        "expected_voters": expected.expected_voters,
        "present_voters": data["present_voters"],
        "ballots_issued": data["ballots_issued"],
        "ballots_returned": data["ballots_returned"],
        "invalid_ballots": data["invalid_ballots"] or 0,
    }
    if form.by_ballot:
        inputs["candidates"] = [{"name": str(cid)} for cid, _ in ballot.entries]
        inputs["ballots"] = [[str(mark) for mark in marks] for marks in data["ballots"]]
    else:
        votes = form.votes_by_candidate()
        inputs["candidates"] = [
            {"name": str(cid), "votes": votes[cid] or 0} for cid, _ in ballot.entries
        ]
    return inputs


def entered_ballots(form, ballot):
    """The ballots entered so far, for the list under the names: their names and whether
    they mark more names than seats (then the tally counts them invalid)."""
    names = dict(ballot.entries)
    ballots = form.cleaned_data.get("ballots") or []
    marked = set(form.cleaned_data.get("mark") or ())
    return {
        "ballots": [
            {"names": [names[m] for m in marks], "over": len(set(marks)) > ballot.seats}
            for marks in ballots
        ],
        "in_hand": [name for cid, name in ballot.entries if cid in marked],
        "in_hand_over": len(marked) > ballot.seats,
    }


def confirmed_rounds(workflow):
    """Confirmed rounds, frozen: their inputs and the tally's answer, names read back."""
    rounds = list(
        workflow.rounds.filter(confirmed_at__isnull=False)
        .select_related("confirmed_by")
        .prefetch_related("entries__candidate__member", "exclusions__member")
    )
    for done in rounds:
        names = {str(e.candidate_id): e.candidate.member.name for e in done.entries.all()}
        done.panel = panel_of(done.seats, names, done.inputs, {}, done.result)
    return rounds


def count_context(request, workflow, ballot=None, form=None, expected=None):
    context = page_context(request, workflow)
    context["rounds"] = confirmed_rounds(workflow)
    context["may_count"] = Action.RECORD_MEETING in context["actions"]
    context["counting"] = workflow.state in (State.APPROVED, State.COUNTING)
    if context["counting"] and context["may_count"]:
        if form is None:
            ballot = Ballot.of(workflow)
            form, expected = count_form(workflow, ballot, ballot.saved_data(workflow))
        context.update(
            ballot=ballot,
            form=form,
            expected=expected,
            panel=judge(workflow, ballot, form, expected),
            entered=entered_ballots(form, ballot),
            reasons=EXCLUSION_REASONS,
        )
    if workflow.state not in (State.DRAFT, State.SUBMITTED, State.RETURNED):
        context["elected"] = services.elected_candidates(workflow)
    return context


def require_count(request, workflow):
    if Action.RECORD_MEETING not in services.actions_for(request.user, workflow):
        raise PermissionDenied("只有本组织的党务工作者可以在大会召开期间登记计票")


@login_required
def count_entry(request, pk):
    workflow = visible_workflow(request, pk)
    if request.method != "POST":
        return render(request, "elections/meeting/count.html", count_context(request, workflow))
    require_count(request, workflow)
    ballot = Ballot.of(workflow)
    form, expected = count_form(workflow, ballot, request.POST)
    confirm = request.POST.get("action") == "confirm"
    if not form.errors:
        try:
            with transaction.atomic():
                saved = record_count(request.user, workflow, form, expected)
                if confirm:
                    services.confirm_result(request.user, workflow, form.cleaned_data["comment"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
            workflow.refresh_from_db()
        else:
            messages.success(
                request, confirmed_message(workflow, saved) if confirm else "计票已保存"
            )
            return redirect("elections-count", workflow.pk)
    context = count_context(request, workflow, ballot, form, expected)
    return render(request, "elections/meeting/count.html", context)


def record_count(user, workflow, form, expected):
    data = form.cleaned_data
    count = {name: data[name] for name in COUNT_NUMBERS}
    kwargs = (
        {"ballots": data["ballots"]} if form.by_ballot else {"votes": form.votes_by_candidate()}
    )
    return services.record_meeting(
        user,
        workflow,
        exclusions=data["exclusion_rows"],
        held_on=data["held_on"],
        mode=data["mode"],
        expected_members=expected.expected_members,
        expected_voters=expected.expected_voters,
        **count,
        **kwargs,
    )


def confirmed_message(workflow, counted):
    following = services.current_round(workflow)
    if following is None:
        return f"第{counted.number}轮投票结果已确认，选举结束"
    return (
        f"第{counted.number}轮投票结果已确认；"
        f"第{following.number}轮投票已开始，应选{following.seats}名"
    )


@login_required
@require_POST
def count_tally(request, pk):
    """The live tally: the count form as typed so far → the tally panel, with the fields'
    errors and the figures that depend on them swapped in place (htmx out-of-band)."""
    workflow = visible_workflow(request, pk)
    require_count(request, workflow)
    ballot = Ballot.of(workflow)
    form, expected = count_form(workflow, ballot, request.POST)
    context = {
        "workflow": workflow,
        "ballot": ballot,
        "form": form,
        "expected": expected,
        "panel": judge(workflow, ballot, form, expected),
        "entered": entered_ballots(form, ballot),
        "oob": True,
    }
    return render(request, "elections/meeting/_live.html", context)


# --- the committee's first meeting -----------------------------------------------------------


def committee_initial(workflow, elected):
    """What was recorded, or the proposals: the election day, the posts proposed on the
    request, the whole committee expected (after a by-election, its sitting members too)."""
    last = workflow.rounds.filter(confirmed_at__isnull=False).order_by("-number").first()
    if workflow.kind == WorkflowKind.BY_ELECTION:
        committee_size = workflow.committee_size
    else:
        committee_size = len(elected)
    initial = {
        "committee_met_on": workflow.committee_met_on or (last.held_on if last else None),
        "committee_expected": workflow.committee_expected or committee_size,
        "committee_present": workflow.committee_present,
    }
    votes_fields = {
        PostKind.SECRETARY: "secretary_votes",
        PostKind.DEPUTY_SECRETARY: "deputy_votes",
    }
    for candidate in elected:
        initial[post_field(candidate.pk)] = candidate.post or candidate.proposed_post
        if candidate.post in votes_fields:
            initial[votes_fields[candidate.post]] = candidate.post_votes
    return initial


@login_required
def committee(request, pk):
    workflow = visible_workflow(request, pk)
    context = page_context(request, workflow)
    may_record = Action.RECORD_COMMITTEE in context["actions"]
    elected = services.elected_candidates(workflow)
    form = None
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("只有本组织的党务工作者可以登记委员会第一次全体会议")
        form = CommitteeForm(request.POST, elected=elected)
        if form.is_valid():
            try:
                services.record_committee_meeting(
                    request.user, workflow, **form.service_arguments()
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
                workflow.refresh_from_db()
            else:
                messages.success(request, "委员会第一次全体会议已登记")
                return redirect("elections-committee", workflow.pk)
    elif may_record:
        form = CommitteeForm(initial=committee_initial(workflow, elected), elected=elected)
    context.update(form=form, elected=elected, may_record=may_record)
    return render(request, "elections/meeting/committee.html", context)
