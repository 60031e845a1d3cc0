"""The count-entry page's computation: the round being counted, the voters expected and the
tally panel, for a count being typed (`judge_typed_count`) or a confirmed one. The count is
judged only by the tally (`services.run_tally`, i.e. `tally.py`); this module shapes its
answer for the page."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from grassroots.core.forms import apply_service_errors
from grassroots.elections import rules, services
from grassroots.elections.choices import TallyProblem
from grassroots.elections.tally import count_ballots, passes, quorum_met
from grassroots.orgs.rules import RuleConfig

# What the tally needs before it can answer (the rest of services.REQUIRED_COUNT is the date,
# which it does not need, and the voters expected, which the page computes).
NEEDED = {
    "present_voters": "实到会有选举权党员",
    "ballots_issued": "发出选票",
    "ballots_returned": "收回选票",
}


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


def judge_typed_count(workflow, ballot, form, expected):
    """The panel for the count typed so far in `form` (a CountForm). The tally answers once
    the figures it needs are in and every field is well-formed; what it refuses goes next to
    the form's field."""
    data = form.cleaned_data
    kind = services.tally_kind(workflow).value
    names = {str(candidate_id): name for candidate_id, name in ballot.entries}
    ids = [candidate_id for candidate_id, _ in ballot.entries]
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
        typed = form.votes_by_candidate()
        votes = {str(cid): value for cid, value in typed.items()}
        unvoted = [names[key] for key, value in votes.items() if value is None]
        if unvoted:
            missing.append("得票（" + "、".join(unvoted) + "）")
    result = None
    # Once the figures are in, the tally checks them even before every vote is typed (the
    # votes not yet typed count as none); it answers when nothing is missing.
    if not form.errors and all(data.get(name) is not None for name in NEEDED):
        typed_figures = {**data, "expected_voters": expected.expected_voters}
        if form.by_ballot:
            count = {"ballots": ballots}
        else:
            count = {"votes": {cid: value or 0 for cid, value in typed.items()}}
        inputs = services.tally_inputs(workflow, ballot.seats, typed_figures, ids, **count)
        try:
            answer = services.run_tally(inputs)
        except ValidationError as exc:
            apply_service_errors(form, exc)  # also drops the refused fields from `data`
        else:
            result = None if missing else answer
    figures = {**data, "kind": kind, "expected_voters": expected.expected_voters}
    if form.errors.keys() & {"present_voters", "expected_voters"}:
        figures["present_voters"] = None  # no quorum or threshold from refused figures
    panel = panel_of(ballot.seats, names, figures, votes, result)
    panel.missing = missing
    panel.ballots_entered = entered
    return panel


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
