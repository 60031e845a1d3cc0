"""The subtree tallies under concurrent writes (PostgreSQL, real threads): members created
in sibling branches, transfers both ways between two branches and the nightly advance at
once all add up, without a deadlock or a lost count; and a writer does not wait for another
one's commit because both change the tallies of the organisations above them."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from grassroots.core.choices import Role
from grassroots.orgs import services, tallies
from grassroots.orgs.tests.racing import run_in_threads

from .test_member_count import new_member_fields

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="racing connections need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_creations_transfers_and_the_advance_at_once(city, make_user, make_member):
    clerk = make_user(role=Role.CLERK, org=city["root"])
    east, west = city["east_branch"], city["west_branch"]
    movers = [make_member(east), make_member(west)]
    tallies.rebuild(timezone.localdate() - datetime.timedelta(days=1))
    racers = 8
    barrier = threading.Barrier(racers)
    errors = []

    def run(i):
        try:
            barrier.wait(timeout=30)
            if i < 2:  # one transfer each way
                services.transfer_member(clerk, movers[i], [west, east][i], timezone.localdate())
            elif i == 2:
                tallies.advance(timezone.localdate())
            else:
                services.create_member(clerk, **new_member_fields([east, west][i % 2], 100 + i))
        except Exception as exc:  # noqa: BLE001 - the test asserts on it
            errors.append(exc)
        finally:
            connections.close_all()

    run_in_threads(racers, run, timeout=60)
    assert errors == []
    today = timezone.localdate()
    assert tallies.clock() == today
    kept = tallies.subtree_counts([city["root"], city["east"], city["west"]], today)
    assert kept[city["root"].pk]["m"] == 2 + racers - 3
    for org in (city["root"], city["east"], city["west"]):
        assert +kept[org.pk] == +tallies.scan_counts(org, today)
    rows = tallies.kept_rows()
    tallies.rebuild(today)
    assert tallies.kept_rows() == rows


def test_a_writer_does_not_wait_for_another_below_the_same_ancestors(city, make_user, make_member):
    # Both members count in the root's and the district's tallies. Updated in place, those
    # rows would stay locked until the first writer commits, and the second would wait.
    clerk = make_user(role=Role.CLERK, org=city["root"])
    tallies.rebuild()
    first_written, second_done = threading.Event(), threading.Event()
    errors, waited = [], []

    def run(i):
        try:
            if i == 0:
                with transaction.atomic():
                    services.create_member(clerk, **new_member_fields(city["east_branch"], 201))
                    first_written.set()
                    waited.append(second_done.wait(timeout=10))
            else:
                first_written.wait(timeout=30)
                services.create_member(clerk, **new_member_fields(city["west_branch"], 202))
                second_done.set()
        except Exception as exc:  # noqa: BLE001 - the test asserts on it
            errors.append(exc)
        finally:
            connections.close_all()

    run_in_threads(2, run, timeout=60)
    assert errors == []
    assert waited == [True]  # the second committed while the first was still open
    today = timezone.localdate()
    for org in (city["root"], city["east"], city["west"]):
        assert +tallies.subtree_counts([org], today)[org.pk] == +tallies.scan_counts(org, today)
