"""The pure tally at every edge of RULES.md "Elections", and its invariants (hypothesis)."""

import dataclasses
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.elections.choices import ElectionKind, TallyProblem
from grassroots.elections.tally import (
    Count,
    ballot_errors,
    candidate_count_problem,
    count_ballots,
    minimum_candidates,
    quorum_met,
    tally,
)

GENERAL = ElectionKind.GENERAL
BY_ELECTION = ElectionKind.BY_ELECTION
FOUNDING = ElectionKind.FOUNDING


def count(kind=GENERAL, seats=5, expected=10, present=10, issued=None, returned=None, **extra):
    """A count that is valid unless told otherwise: every ballot back, none invalid."""
    issued = present if issued is None else issued
    return Count(
        kind=kind,
        seats=seats,
        expected_voters=expected,
        present_voters=present,
        ballots_issued=issued,
        ballots_returned=issued if returned is None else returned,
        candidates=extra.pop("candidates"),
        **extra,
    )


def named(*votes):
    """Candidates A, B, C… with these votes, in ballot order."""
    return [(chr(ord("A") + i), v) for i, v in enumerate(votes)]


# --- quorum ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "present", "met"),
    [(10, 8, False), (10, 9, True), (10, 10, True), (5, 4, False), (5, 5, True), (1, 1, True),
     (1, 0, False), (11, 9, True), (11, 8, False), (15, 12, False), (15, 13, True)],
)  # fmt: skip
def test_quorum_is_strictly_more_than_four_fifths(expected, present, met):
    assert quorum_met(expected, present) is met
    result = tally(count(seats=1, expected=expected, present=present, candidates=named(0, 0)))
    assert result.quorum_met is met
    assert (TallyProblem.QUORUM_NOT_MET in result.problems) is not met
    assert result.valid is met


def test_without_quorum_nobody_is_elected_and_every_seat_is_open():
    result = tally(count(seats=2, present=8, candidates=named(6, 5, 5)))
    assert result.problems == (TallyProblem.QUORUM_NOT_MET,)
    assert (result.valid, result.elected, result.runoff) == (False, (), ())
    assert (result.runoff_seats, result.unfilled_seats) == (0, 2)


# --- who is elected ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "votes", "elected"),
    [(10, 5, False), (10, 6, True), (9, 4, False), (9, 5, True), (1, 1, True), (2, 1, False)],
)
def test_more_than_half_of_voters_present_exactly_half_fails(present, votes, elected):
    result = tally(count(seats=1, expected=present, present=present, candidates=named(votes, 0)))
    assert result.valid
    assert result.elected == (("A",) if elected else ())
    assert result.unfilled_seats == (0 if elected else 1)


def test_the_threshold_is_voters_present_not_valid_ballots():
    # 10 present, 2 ballots invalid: 5 of 8 valid ballots is still not more than half of 10.
    result = tally(count(seats=1, candidates=named(5, 3), invalid_ballots=2))
    assert result.valid
    assert result.elected == ()
    assert result.unfilled_seats == 1


def test_elected_most_votes_first_equal_votes_in_ballot_order():
    result = tally(count(seats=5, candidates=named(6, 9, 7, 9, 10, 2)))
    assert result.elected == ("E", "B", "D", "C", "A")
    assert (result.runoff, result.runoff_seats, result.unfilled_seats) == ((), 0, 0)


def test_more_passing_than_seats_are_taken_by_votes():
    result = tally(count(seats=3, candidates=named(6, 9, 7, 8)))
    assert result.elected == ("B", "D", "C")
    assert (result.runoff, result.unfilled_seats) == ((), 0)


def test_tie_at_the_last_seat_goes_to_a_runoff_among_the_tied_only():
    result = tally(count(seats=3, candidates=named(8, 6, 6, 9, 0)))
    assert result.valid
    assert result.elected == ("D", "A")
    assert result.runoff == ("B", "C")
    assert (result.runoff_seats, result.unfilled_seats) == (1, 0)


def test_tie_straddling_two_last_seats():
    result = tally(count(seats=3, candidates=named(7, 9, 7, 7)))
    assert result.elected == ("B",)
    assert result.runoff == ("A", "C", "D")
    assert (result.runoff_seats, result.unfilled_seats) == (2, 0)


def test_tie_within_the_seats_is_no_runoff():
    result = tally(count(seats=3, candidates=named(8, 8, 8, 6)))
    assert result.elected == ("A", "B", "C")
    assert result.runoff == ()


def test_tie_below_the_threshold_is_no_runoff():
    # Two seats, one passes, the others tie at exactly half: a seat stays unfilled.
    result = tally(count(seats=2, candidates=named(9, 5, 5)))
    assert result.elected == ("A",)
    assert (result.runoff, result.runoff_seats, result.unfilled_seats) == ((), 0, 1)


def test_fewer_passing_leave_seats_unfilled_never_filled_from_below():
    result = tally(count(seats=5, candidates=named(9, 8, 6, 5, 5, 4)))
    assert result.valid
    assert result.elected == ("A", "B", "C")
    assert (result.runoff, result.unfilled_seats) == ((), 2)


# --- ballots -----------------------------------------------------------------------------------


def test_more_ballots_back_than_issued_voids_the_election():
    result = tally(count(seats=1, present=10, issued=9, returned=10, candidates=named(9, 1)))
    assert result.problems == (TallyProblem.BALLOTS_EXCEED_ISSUED,)
    assert (result.valid, result.elected, result.unfilled_seats) == (False, (), 1)
    fewer = tally(count(seats=1, present=10, issued=10, returned=9, candidates=named(8, 1)))
    assert fewer.valid
    assert fewer.elected == ("A",)


@pytest.mark.parametrize(
    ("seats", "votes", "problem"),
    [
        (1, (8, 0), False),  # 8 yes-votes on the 8 valid ballots
        (1, (9, 0), True),  # 9 yes-votes but only 8 valid ballots
        (1, (5, 4), True),  # 9 names marked on 8 ballots of one name each
        (2, (8, 8, 0), False),  # at most 16 names on 8 ballots of two names each
        (2, (8, 8, 1), True),
    ],
)
def test_votes_cannot_exceed_valid_ballots(seats, votes, problem):
    # 10 ballots back, 2 of them invalid.
    result = tally(count(seats=seats, candidates=named(*votes), invalid_ballots=2))
    assert (TallyProblem.VOTES_EXCEED_BALLOTS in result.problems) is problem
    assert result.valid is not problem


# --- candidates against seats ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seats", "fewest"), [(1, 2), (3, 4), (5, 6), (6, 8), (7, 9), (9, 11), (10, 12), (11, 14)]
)
def test_minimum_candidates_is_seats_plus_a_fifth_rounded_up(seats, fewest):
    assert minimum_candidates(seats) == fewest


@pytest.mark.parametrize(
    ("kind", "seats", "candidates", "problem"),
    [
        (GENERAL, 7, 8, TallyProblem.SURPLUS_TOO_LOW),
        (GENERAL, 7, 9, None),
        (GENERAL, 5, 6, None),
        (GENERAL, 5, 5, TallyProblem.SURPLUS_TOO_LOW),
        (GENERAL, 3, 3, TallyProblem.SURPLUS_TOO_LOW),
        (GENERAL, 3, 4, None),
        (FOUNDING, 7, 8, TallyProblem.SURPLUS_TOO_LOW),
        (FOUNDING, 3, 4, None),
        (BY_ELECTION, 2, 3, TallyProblem.NOT_ONE_PER_SEAT),
        (BY_ELECTION, 2, 1, TallyProblem.NOT_ONE_PER_SEAT),
        (BY_ELECTION, 2, 2, None),
    ],
)
def test_candidates_against_seats(kind, seats, candidates, problem):
    assert candidate_count_problem(kind, seats, candidates) == problem
    result = tally(count(kind=kind, seats=seats, candidates=named(*[0] * candidates)))
    assert result.problems == ((problem,) if problem else ())
    assert result.valid is (problem is None)
    if problem:
        assert (result.elected, result.unfilled_seats) == ((), seats)


@pytest.mark.parametrize(
    ("seats", "candidates", "exact", "shown"),
    [
        (7, 9, Fraction(2, 7), Decimal("0.2857")),
        (7, 8, Fraction(1, 7), Decimal("0.1429")),
        (5, 6, Fraction(1, 5), Decimal("0.2")),
        (3, 5, Fraction(2, 3), Decimal("0.6667")),
        (6, 7, Fraction(1, 6), Decimal("0.1667")),
        (2, 2, Fraction(0), Decimal("0")),
        (3, 2, Fraction(-1, 3), Decimal("-0.3333")),
    ],
)
def test_surplus_ratio_exact_inside_rounded_half_up_to_four_places(seats, candidates, exact, shown):
    kind = BY_ELECTION if candidates <= seats else GENERAL
    result = tally(count(kind=kind, seats=seats, candidates=named(*[0] * candidates)))
    assert result.surplus == exact
    assert result.surplus_ratio == shown
    assert result.as_dict()["surplus_ratio"] == float(shown)


def test_several_problems_are_all_reported_in_a_fixed_order():
    result = tally(count(seats=7, present=8, issued=8, returned=9, candidates=named(*[10] * 8)))
    assert result.problems == (
        TallyProblem.QUORUM_NOT_MET,
        TallyProblem.BALLOTS_EXCEED_ISSUED,
        TallyProblem.VOTES_EXCEED_BALLOTS,
        TallyProblem.SURPLUS_TOO_LOW,
    )


# --- malformed input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "recall"}, "kind"),
        ({"seats": 0}, "seats"),
        ({"seats": -1}, "seats"),
        ({"expected": 0, "present": 0}, "expected_voters"),
        ({"present": 11}, "present_voters"),
        ({"present": -1, "issued": 0}, "present_voters"),
        ({"issued": 11}, "ballots_issued"),
        ({"returned": -1}, "ballots_returned"),
        ({"invalid_ballots": 11}, "invalid_ballots"),
        ({"invalid_ballots": -1}, "invalid_ballots"),
        ({"candidates": []}, "candidates"),
        ({"candidates": [("A", 1), ("A", 2)]}, "candidates"),
        ({"candidates": [("A", 1), (" ", 2)]}, "candidates"),
        ({"candidates": [("A", -1), ("B", 2)]}, "candidates"),
    ],
)
def test_malformed_counts_are_refused_naming_the_field(change, field):
    bad = count(**{"seats": 1, "candidates": named(1, 2), **change})
    errors = bad.errors()
    assert list(errors) == [field]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors[field])
    with pytest.raises(ValueError, match=field):
        tally(bad)


def test_messages_say_what_is_wrong():
    assert count(present=11, candidates=named(1)).errors() == {
        "present_voters": "实到会有选举权人数（11人）不能多于应到会人数（10人）"
    }
    assert count(candidates=[("张三", 1), ("李四", 1), ("张三", 2)]).errors() == {
        "candidates": "候选人姓名重复：张三"
    }


# --- ballot by ballot --------------------------------------------------------------------------


def by_ballots(ballots, names="ABC", seats=2, invalid=0):
    """Every voter present (all expected) returned a ballot."""
    voters = len(ballots) + invalid
    return count_ballots(
        kind=GENERAL,
        seats=seats,
        expected_voters=voters,
        present_voters=voters,
        ballots_issued=voters,
        ballots_returned=voters,
        names=list(names),
        ballots=ballots,
        invalid_ballots=invalid,
    )


def test_ballots_are_counted_per_name():
    counted = by_ballots([["A", "B"], ["A"], ["C", "A"], []], invalid=1)
    assert counted.candidates == (("A", 3), ("B", 1), ("C", 1))
    assert counted.invalid_ballots == 1
    result = tally(counted)
    assert result.valid
    assert result.elected == ("A",)
    assert result.unfilled_seats == 1


def test_a_ballot_marking_more_names_than_seats_is_invalid():
    counted = by_ballots([["A", "B", "C"], ["A", "B"], ["A", "C"]])
    assert counted.candidates == (("A", 2), ("B", 1), ("C", 1))
    assert counted.invalid_ballots == 1
    # Exactly as many names as seats is a valid ballot.
    assert by_ballots([["A", "B"]]).invalid_ballots == 0


@pytest.mark.parametrize(
    ("ballots", "returned", "invalid", "message"),
    [
        ([["A", "D"]], 1, 0, "第1张选票上的“D”不在候选人名单中"),
        ([["A"], ["B", "B"]], 2, 0, "第2张选票重复填写了同一候选人"),
        ([["A"], ["B"]], 3, 0, "录入选票2张、无效票0张，合计应等于收回选票数（3张）"),
        ([["A"], ["B"]], 2, 1, "录入选票2张、无效票1张，合计应等于收回选票数（2张）"),
    ],
)
def test_ballots_that_cannot_be_counted(ballots, returned, invalid, message):
    assert ballot_errors(["A", "B", "C"], ballots, returned, invalid) == {"ballots": message}
    with pytest.raises(ValueError, match="ballots"):
        count_ballots(
            kind=GENERAL,
            seats=2,
            expected_voters=5,
            present_voters=5,
            ballots_issued=5,
            ballots_returned=returned,
            names=["A", "B", "C"],
            ballots=ballots,
            invalid_ballots=invalid,
        )


# --- properties --------------------------------------------------------------------------------


@st.composite
def counts(draw):
    """Well-formed counts, mostly valid, sometimes with each kind of problem."""
    kind = draw(st.sampled_from(ElectionKind.values))
    seats = draw(st.integers(1, 9))
    expected = draw(st.integers(1, 60))
    present = draw(st.integers(0, expected))
    issued = draw(st.integers(0, present))
    returned = draw(st.integers(0, issued + 1))
    invalid = draw(st.integers(0, returned))
    n = draw(st.integers(1, seats + 4))
    cap = returned - invalid
    votes = draw(st.lists(st.integers(0, cap + 1), min_size=n, max_size=n))
    return count(
        kind=kind,
        seats=seats,
        expected=expected,
        present=present,
        issued=issued,
        returned=returned,
        invalid_ballots=invalid,
        candidates=[(f"候选人{i}", v) for i, v in enumerate(votes)],
    )


@given(counts())
def test_seats_are_elected_runoff_or_unfilled(c):
    result = tally(c)
    assert len(result.elected) <= c.seats
    assert len(result.elected) + result.runoff_seats + result.unfilled_seats == c.seats
    assert result.valid is (not result.problems)
    if not result.valid:
        assert (result.elected, result.runoff, result.unfilled_seats) == ((), (), c.seats)
    if result.runoff:
        assert len(result.runoff) > result.runoff_seats > 0
        assert result.unfilled_seats == 0


@given(counts())
def test_everyone_elected_passed_and_in_order_of_votes(c):
    result = tally(c)
    votes = dict(c.candidates)
    elected = [votes[name] for name in result.elected]
    assert all(2 * v > c.present_voters for v in elected)
    assert elected == sorted(elected, reverse=True)
    runoff = {votes[name] for name in result.runoff}
    assert len(runoff) <= 1
    if runoff:
        (tied,) = runoff
        assert 2 * tied > c.present_voters
        assert all(v > tied for v in elected)
        assert all(votes[n] < tied for n in votes if n not in result.elected + result.runoff)
    # Nobody left out beats someone elected.
    out = [v for n, v in votes.items() if n not in result.elected + result.runoff]
    if elected and out:
        assert max(out) < min(elected)


@given(counts(), st.randoms(use_true_random=False))
def test_candidate_order_does_not_change_the_outcome(c, rnd: random.Random):
    shuffled = list(c.candidates)
    rnd.shuffle(shuffled)
    a = tally(c)
    b = tally(dataclasses.replace(c, candidates=shuffled))
    assert (a.valid, a.problems, a.quorum_met, a.surplus) == (
        b.valid,
        b.problems,
        b.quorum_met,
        b.surplus,
    )
    assert set(a.elected) == set(b.elected)
    assert set(a.runoff) == set(b.runoff)
    assert (a.runoff_seats, a.unfilled_seats) == (b.runoff_seats, b.unfilled_seats)
    votes = dict(c.candidates)
    assert [votes[n] for n in a.elected] == [votes[n] for n in b.elected]


@given(
    seats=st.integers(1, 5),
    marks=st.lists(st.sets(st.sampled_from("ABCDEFG")), min_size=1, max_size=40),
    spoiled=st.integers(0, 3),
)
def test_ballot_entry_agrees_with_totals(seats, marks, spoiled):
    counted = by_ballots([sorted(m) for m in marks], "ABCDEFG", seats=seats, invalid=spoiled)
    valid = [m for m in marks if len(m) <= seats]
    assert counted.invalid_ballots == spoiled + len(marks) - len(valid)
    assert dict(counted.candidates) == {n: sum(n in m for m in valid) for n in "ABCDEFG"}
    # A count built from real ballots can never have more votes than ballots.
    assert TallyProblem.VOTES_EXCEED_BALLOTS not in tally(counted).problems
