"""Meetings of one organisation recorded at the same moment: its stored compliance ends as
the engine computes it from all of them, never from one writer's view. PostgreSQL only:
SQLite serialises every writer."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections

from grassroots.assessments import stored
from grassroots.assessments.compliance import compliance_for
from grassroots.assessments.models import ComplianceRecord
from grassroots.assessments.stored import stored_compliance
from grassroots.core.choices import Role
from grassroots.orglife import services as life
from grassroots.orglife.choices import MeetingType
from grassroots.orgs.models import Organization
from grassroots.orgs.tests.racing import run_in_threads

from .helpers import build_set
from .test_stored import DAY, MEETINGS, YEAR

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="racing connections need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_meetings_recorded_at_once_all_count(city, make_member, make_user, monkeypatch):
    # The first refresh dawdles between reading the records and writing its row: without
    # the organisation's lock it would write last, what it read before the others committed.
    read, calls = stored.collect, []

    def slow_collect(*args, **kwargs):
        found = read(*args, **kwargs)
        calls.append(1)
        if len(calls) == 2:  # the first is the read before the race
            time.sleep(1)
        return found

    monkeypatch.setattr(stored, "collect", slow_collect)
    branch = city["east_branch"]
    members = [make_member(branch) for _ in range(6)]
    standard_set = build_set("t-meetings", MEETINGS)
    clerk = make_user("east_clerk", role=Role.CLERK, org=city["east"])
    stored_compliance([branch.pk], standard_set, YEAR)
    count = 6
    barrier = threading.Barrier(count)
    errors = []

    def record(i):
        try:
            barrier.wait(timeout=30)
            life.record_meeting(
                clerk,
                branch,
                MeetingType.STUDY,
                DAY,
                f"学习{i}",
                hours=1,
                attendees=[m.pk for m in members[: i + 1]],
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    run_in_threads(count, record, timeout=60)
    assert errors == []
    found = ComplianceRecord.objects.get(org=branch, standard_set=standard_set, year=YEAR)
    live = compliance_for(Organization.objects.filter(pk=branch.pk), standard_set, YEAR)
    values = {c: None if v is None else Decimal(v) for c, v in found.values.items()}
    assert values == {r.item.metric: r.value for r in live[branch.pk] if r.item.metric}
    # 1 + 2 + … + 6 attendances of an hour among 6 members.
    assert values["study_hours_per_member"] == Decimal("3.5")


def test_writers_refreshes_and_readers_of_one_organisation_never_deadlock(
    city, make_member, make_user
):
    # Each recording deletes the organisation's rows of three sets while the refreshes of
    # the recordings before it upsert them and readers insert the missing ones: without the
    # organisation's lock and one insertion order, they wait on each other's rows.
    branch = city["east_branch"]
    members = [make_member(branch) for _ in range(4)]
    sets = [build_set(f"t-race-{n}", MEETINGS) for n in range(3)]
    clerk = make_user("east_clerk", role=Role.CLERK, org=city["east"])
    writers, rounds = 4, 4
    barrier = threading.Barrier(writers + 2)
    errors = []

    def work(i):
        try:
            barrier.wait(timeout=30)
            for n in range(rounds):
                if i < writers:
                    life.record_meeting(
                        clerk,
                        branch,
                        MeetingType.STUDY,
                        DAY,
                        f"学习{i}-{n}",
                        hours=1,
                        attendees=[m.pk for m in members[: 1 + (i + n) % 4]],
                    )
                else:
                    for standard_set in sets:
                        stored_compliance([branch.pk], standard_set, YEAR)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    run_in_threads(writers + 2, work, timeout=120)
    assert errors == []
    live = compliance_for(Organization.objects.filter(pk=branch.pk), sets[0], YEAR)
    expected = {r.item.metric: r.value for r in live[branch.pk] if r.item.metric}
    for standard_set in sets:
        found = stored_compliance([branch.pk], standard_set, YEAR)[branch.pk]
        assert {r.item.metric: r.value for r in found if r.item.metric} == expected
