"""A by-election request starts from what the current term's posts already tell: who left
which post and when (RULES.md: a by-election fills vacant seats, one candidate each)."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from grassroots.elections.rules import HeldPost, by_election_defaults, vacated_posts
from grassroots.orgs.choices import PostKind

from .helpers import TERM_START

LEFT = datetime.date(2026, 10, 24)


def held(member_id, post, ended_on=None, started_on=TERM_START):
    return HeldPost(member_id, f"党员{member_id}", post, started_on, ended_on)


def left(posts):
    """(member, post, day left) of the vacated posts, in the order they were left."""
    leavers, _ = vacated_posts(posts, TERM_START)
    return [(p.member_id, p.post, p.ended_on) for p in leavers]


def test_nobody_left_tells_nothing():
    posts = [held(1, PostKind.SECRETARY), held(2, PostKind.ORGANIZATION)]
    assert by_election_defaults(posts, TERM_START) == {}


def test_a_secretary_who_left_is_one_seat_of_the_committee():
    posts = [
        held(1, PostKind.SECRETARY, ended_on=LEFT),
        held(2, PostKind.ORGANIZATION),
        held(3, PostKind.PUBLICITY),
    ]
    assert by_election_defaults(posts, TERM_START) == {"committee_size": 3, "seats": 1}
    assert left(posts) == [(1, PostKind.SECRETARY, LEFT)]


def test_a_member_who_moved_to_another_post_left_no_seat():
    posts = [
        held(1, PostKind.SECRETARY, ended_on=LEFT),
        held(2, PostKind.ORGANIZATION, ended_on=LEFT),
        held(2, PostKind.SECRETARY, started_on=LEFT),
        held(3, PostKind.PUBLICITY),
    ]
    result = by_election_defaults(posts, TERM_START)
    assert (result["committee_size"], result["seats"]) == (3, 1)
    assert left(posts) == [(1, PostKind.SECRETARY, LEFT)]


def test_a_post_filled_again_since_is_no_longer_vacant():
    posts = [
        held(1, PostKind.MEMBER, ended_on=LEFT - datetime.timedelta(days=100)),
        held(4, PostKind.MEMBER, started_on=LEFT - datetime.timedelta(days=40)),
        held(2, PostKind.DISCIPLINE, ended_on=LEFT),
        held(3, PostKind.SECRETARY),
    ]
    result = by_election_defaults(posts, TERM_START)
    assert (result["committee_size"], result["seats"]) == (3, 1)
    assert left(posts) == [(2, PostKind.DISCIPLINE, LEFT)]


def test_two_who_left_are_named_in_the_order_they_left():
    posts = [
        held(1, PostKind.DISCIPLINE, ended_on=LEFT),
        held(2, PostKind.PUBLICITY, ended_on=LEFT - datetime.timedelta(days=1)),
        held(3, PostKind.SECRETARY),
    ]
    assert left(posts) == [
        (2, PostKind.PUBLICITY, LEFT - datetime.timedelta(days=1)),
        (1, PostKind.DISCIPLINE, LEFT),
    ]


@given(
    st.lists(
        st.tuples(
            st.integers(1, 6),
            st.sampled_from(list(PostKind)),
            st.integers(0, 400),
            st.one_of(st.none(), st.integers(0, 400)),
        ),
        max_size=10,
    )
)
def test_seats_are_the_committee_less_those_holding_a_post(rows):
    posts = [
        held(
            member,
            post,
            started_on=TERM_START + datetime.timedelta(days=start),
            ended_on=None if end is None else TERM_START + datetime.timedelta(days=start + end),
        )
        for member, post, start, end in rows
    ]
    result = by_election_defaults(posts, TERM_START)
    holders = {p.member_id for p in posts if p.ended_on is None}
    leavers = {p.member_id for p in posts} - holders
    if result:
        assert 1 <= result["seats"] <= len(leavers)
        assert result["committee_size"] == len(holders) + result["seats"]
    else:
        # No seat open: nobody left, or as many joined later as left.
        first = {m: min(p.started_on for p in posts if p.member_id == m) for m in holders}
        joined = [m for m, day in first.items() if day > TERM_START]
        assert len(leavers) <= len(joined)
