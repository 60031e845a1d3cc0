"""The count of an election meeting (RULES.md "Elections"), as pure functions over plain
values: no database, no settings. The workflows, the count-entry page and the tally API all
call `tally()`; docs/decisions/0007-tally.md explains the choices.

All comparisons are exact (integers and `Fraction`); only `Tally.surplus_ratio`, a figure
for display, is rounded.
"""

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .choices import ElectionKind, TallyProblem

# Elections whose committee members are chosen from more candidates than seats (差额).
SURPLUS_KINDS = frozenset({ElectionKind.GENERAL, ElectionKind.FOUNDING})
# surplus_ratio is shown with this many decimal places (28.57% in template 4).
RATIO_PLACES = 4

_NUMBER_LABELS = {
    "seats": "应选名额",
    "expected_voters": "应到会有选举权人数",
    "present_voters": "实到会有选举权人数",
    "ballots_issued": "发出选票数",
    "ballots_returned": "收回选票数",
    "invalid_ballots": "无效票数",
}


def quorum_met(expected_voters: int, present_voters: int) -> bool:
    """Voters present exceed four fifths of those expected: 10 expected, 8 is not enough."""
    return 5 * present_voters > 4 * expected_voters


def minimum_candidates(seats: int) -> int:
    """Fewest candidates for a contested election: seats plus 20% of them, rounded up
    (5 seats → 6, 7 seats → 9)."""
    return seats + -(-seats // 5)


def candidate_count_problem(kind: str, seats: int, candidates: int) -> TallyProblem | None:
    """The request rule on the number of candidates: a surplus of at least 20% of the seats
    for general and founding elections, one candidate per seat for a by-election."""
    if kind in SURPLUS_KINDS and candidates < minimum_candidates(seats):
        return TallyProblem.SURPLUS_TOO_LOW
    if kind == ElectionKind.BY_ELECTION and candidates != seats:
        return TallyProblem.NOT_ONE_PER_SEAT
    return None


def passes(votes: int, present_voters: int) -> bool:
    """Yes-votes more than half of the voters present; exactly half fails."""
    return 2 * votes > present_voters


@dataclass(frozen=True)
class Count:
    """What the counting desk reports. `candidates` is (name, yes-votes) in ballot order;
    `invalid_ballots` are returned ballots that do not count."""

    kind: str
    seats: int
    expected_voters: int
    present_voters: int
    ballots_issued: int
    ballots_returned: int
    candidates: tuple[tuple[str, int], ...]
    invalid_ballots: int = 0

    def __post_init__(self):
        object.__setattr__(self, "candidates", tuple(map(tuple, self.candidates)))

    @property
    def valid_ballots(self) -> int:
        return self.ballots_returned - self.invalid_ballots

    def errors(self) -> dict[str, str]:
        """Input that cannot describe a real count, as {field: Chinese message}; `tally()`
        refuses a count with any."""
        errors = {}
        if self.kind not in ElectionKind.values:
            errors["kind"] = "选举类型应为：" + "、".join(ElectionKind.labels)
        for field, label in _NUMBER_LABELS.items():
            if getattr(self, field) < 0:
                errors[field] = f"{label}不能为负数"
        if "seats" not in errors and self.seats < 1:
            errors["seats"] = "应选名额至少为1名"
        if "expected_voters" not in errors and self.expected_voters < 1:
            errors["expected_voters"] = "应到会有选举权人数至少为1人"
        # Relations are checked between figures that are themselves acceptable; each voter
        # present receives one ballot.
        for field, limit, message in (
            (
                "present_voters",
                "expected_voters",
                "实到会有选举权人数（{}人）不能多于应到会人数（{}人）",
            ),
            (
                "ballots_issued",
                "present_voters",
                "发出选票数（{}张）不能多于实到会有选举权人数（{}人）",
            ),
            ("invalid_ballots", "ballots_returned", "无效票数（{}张）不能多于收回选票数（{}张）"),
        ):
            value, bound = getattr(self, field), getattr(self, limit)
            if not errors.keys() & {field, limit} and value > bound:
                errors[field] = message.format(value, bound)
        if message := _candidate_error(self.candidates):
            errors["candidates"] = message
        return errors


def _candidate_error(candidates: Sequence[tuple[str, int]]) -> str | None:
    if not candidates:
        return "请至少填写一位候选人"
    if any(not name.strip() for name, _ in candidates):
        return "候选人姓名不能为空"
    repeated = [name for name, times in Counter(n for n, _ in candidates).items() if times > 1]
    if repeated:
        return "候选人姓名重复：" + "、".join(repeated)
    negative = [name for name, votes in candidates if votes < 0]
    if negative:
        return "得票数不能为负数：" + "、".join(negative)
    return None


def ballot_errors(
    names: Sequence[str],
    ballots: Sequence[Iterable[str]],
    ballots_returned: int,
    invalid_ballots: int = 0,
) -> dict[str, str]:
    """Ballot-by-ballot entry that cannot be counted, as {"ballots": message}: a name not
    among the candidates, a name entered twice on one ballot, or entered ballots plus
    `invalid_ballots` (spoiled papers not entered) differing from the ballots returned."""
    known = set(names)
    for number, ballot in enumerate(ballots, 1):
        marks = list(ballot)
        if unknown := [name for name in marks if name not in known]:
            return {"ballots": f"第{number}张选票上的“{unknown[0]}”不在候选人名单中"}
        if len(set(marks)) != len(marks):
            return {"ballots": f"第{number}张选票重复填写了同一候选人"}
    if len(ballots) + invalid_ballots != ballots_returned:
        return {
            "ballots": f"录入选票{len(ballots)}张、无效票{invalid_ballots}张，"
            f"合计应等于收回选票数（{ballots_returned}张）"
        }
    return {}


def count_ballots(
    *,
    kind: str,
    seats: int,
    expected_voters: int,
    present_voters: int,
    ballots_issued: int,
    ballots_returned: int,
    names: Sequence[str],
    ballots: Sequence[Iterable[str]],
    invalid_ballots: int = 0,
) -> Count:
    """A `Count` from ballots entered one by one, each the names it marks. A ballot marking
    more names than seats is invalid and joins `invalid_ballots`; the others give each name
    they mark one yes-vote."""
    if errors := ballot_errors(names, ballots, ballots_returned, invalid_ballots):
        raise ValueError(errors)
    marked = [frozenset(ballot) for ballot in ballots]
    valid = [marks for marks in marked if len(marks) <= seats]
    votes = Counter(name for marks in valid for name in marks)
    return Count(
        kind=kind,
        seats=seats,
        expected_voters=expected_voters,
        present_voters=present_voters,
        ballots_issued=ballots_issued,
        ballots_returned=ballots_returned,
        candidates=tuple((name, votes[name]) for name in names),
        invalid_ballots=invalid_ballots + len(marked) - len(valid),
    )


@dataclass(frozen=True)
class Tally:
    """The outcome of a count. When `valid` is false nobody is elected and every seat is
    unfilled: the vote is held again. Otherwise len(elected) + runoff_seats + unfilled_seats
    == seats; `runoff` are the candidates tied at the last seat(s), who vote again for the
    `runoff_seats` among themselves only."""

    valid: bool
    problems: tuple[TallyProblem, ...]
    quorum_met: bool
    surplus: Fraction
    elected: tuple[str, ...]
    runoff: tuple[str, ...]
    runoff_seats: int
    unfilled_seats: int
    votes: tuple[tuple[str, int], ...]
    invalid_ballots: int

    @property
    def surplus_ratio(self) -> Decimal:
        """(candidates − seats) / seats rounded half up to RATIO_PLACES (2/7 → 0.2857)."""
        scale = 10**RATIO_PLACES
        return Decimal(math.floor(self.surplus * scale + Fraction(1, 2))).scaleb(-RATIO_PLACES)

    def as_dict(self) -> dict:
        """JSON-ready: the tally API's answer and what a confirmed round keeps."""
        return {
            "valid": self.valid,
            "problems": [problem.value for problem in self.problems],
            "quorum_met": self.quorum_met,
            "surplus_ratio": float(self.surplus_ratio),
            "elected": list(self.elected),
            "runoff": list(self.runoff),
            "runoff_seats": self.runoff_seats,
            "unfilled_seats": self.unfilled_seats,
            "votes": [{"name": name, "votes": votes} for name, votes in self.votes],
            "invalid_ballots": self.invalid_ballots,
        }


def tally(count: Count) -> Tally:
    """Apply RULES.md to a count. Raises ValueError({field: message}) on malformed input."""
    if errors := count.errors():
        raise ValueError(errors)
    votes = count.candidates
    quorum = quorum_met(count.expected_voters, count.present_voters)
    overvoted = (
        any(v > count.valid_ballots for _, v in votes)
        or sum(v for _, v in votes) > count.valid_ballots * count.seats
    )
    candidate_problem = candidate_count_problem(count.kind, count.seats, len(votes))
    problems = tuple(
        problem
        for problem, found in (
            (TallyProblem.QUORUM_NOT_MET, not quorum),
            (TallyProblem.BALLOTS_EXCEED_ISSUED, count.ballots_returned > count.ballots_issued),
            (TallyProblem.VOTES_EXCEED_BALLOTS, overvoted),
            (TallyProblem.SURPLUS_TOO_LOW, candidate_problem == TallyProblem.SURPLUS_TOO_LOW),
            (TallyProblem.NOT_ONE_PER_SEAT, candidate_problem == TallyProblem.NOT_ONE_PER_SEAT),
        )
        if found
    )
    if problems:
        elected, runoff, unfilled = (), (), count.seats
    else:
        elected, runoff, unfilled = _fill(count.seats, count.present_voters, votes)
    return Tally(
        valid=not problems,
        problems=problems,
        quorum_met=quorum,
        surplus=Fraction(len(votes) - count.seats, count.seats),
        elected=elected,
        runoff=runoff,
        runoff_seats=count.seats - len(elected) - unfilled,
        unfilled_seats=unfilled,
        votes=votes,
        invalid_ballots=count.invalid_ballots,
    )


def _fill(seats, present_voters, votes):
    """(elected, runoff, unfilled seats). Candidates who pass, most votes first (equal votes
    keep ballot order: sorted() is stable); a tie straddling the last seat goes to a run-off
    among the tied only; seats nobody passed for stay unfilled, never filled from below."""
    passing = sorted((c for c in votes if passes(c[1], present_voters)), key=lambda c: -c[1])
    if len(passing) <= seats:
        return tuple(name for name, _ in passing), (), seats - len(passing)
    last = passing[seats - 1][1]
    if passing[seats][1] < last:
        return tuple(name for name, _ in passing[:seats]), (), 0
    elected = tuple(name for name, v in passing if v > last)
    runoff = tuple(name for name, v in passing if v == last)
    return elected, runoff, 0
