"""Naming and filing racing in real threads (PostgreSQL): two clerks filing different
organisations into a unit's last place at once give one filing and one refusal (400, never
a 500); two reviewers recording the decision of one campaign at once give one decision."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from grassroots.campaigns.choices import StageCode
from grassroots.campaigns.models import Decision, Filing, Title
from grassroots.campaigns.services import titles as services
from grassroots.core.choices import Role
from grassroots.orgs.choices import Category, OrgKind
from grassroots.orgs.tests.racing import run_in_threads

from .test_applications_races import race
from .test_titles_services import TODAY, ids, with_approved, with_filing, with_stages

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="racing connections need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def slowed(monkeypatch, name):
    """Make `services.<name>`, called between a service's check and its write, take a
    moment, so that without the row lock both racers would pass the check."""
    original = getattr(services, name)

    def slow(*args, **kwargs):
        time.sleep(0.5)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, name, slow)


@pytest.fixture
def last_place(scene, make_org, make_user, monkeypatch):
    """East's filing quota of 2 with one place left, a second clerk of east and an organ
    branch below it."""
    filing = with_filing(scene)
    services.file_org(
        scene["east_clerk"], filing["filing"], scene["east"], scene["community"], leader="王建国"
    )
    organ = make_org("东区机关党支部", scene["east"], kind=OrgKind.BRANCH, category=Category.ORGAN)
    other_clerk = make_user("east_clerk_2", role=Role.CLERK, org=scene["east"])
    slowed(monkeypatch, "phone_error")  # checked after the places are counted
    return {**filing, "organ": organ, "east_clerk_2": other_clerk}


def test_two_filings_into_the_last_place_at_once(last_place):
    path = f"/api/v1/campaigns/{last_place['filing'].pk}/filings/"
    east = last_place["east"].pk
    bodies = [
        {"unit": east, "org": last_place["village"].pk, "leader": "李明", "phone": "13812345678"},
        {"unit": east, "org": last_place["organ"].pk, "leader": "张华", "phone": "13812345679"},
    ]
    clerks = [last_place["east_clerk"], last_place["east_clerk_2"]]
    responses = race(clerks, path, bodies)
    assert sorted(r.status_code for r in responses) == [201, 400], responses
    refused = next(r for r in responses if r.status_code == 400)
    assert "备案名额2个，已备案2个" in str(refused.json())
    assert Filing.objects.filter(unit=last_place["east"], withdrawn=False).count() == 2


def test_two_filings_into_the_last_place_at_once_in_the_service(last_place):
    barrier = threading.Barrier(2)
    outcomes = [None, None]
    orgs = [last_place["village"], last_place["organ"]]
    clerks = [last_place["east_clerk"], last_place["east_clerk_2"]]

    def run(i):
        try:
            barrier.wait(timeout=30)
            outcomes[i] = services.file_org(
                clerks[i],
                last_place["filing"],
                last_place["east"],
                orgs[i],
                leader="李明",
                phone="13812345678",
            )
        except Exception as exc:  # noqa: BLE001 - the test asserts on it
            outcomes[i] = exc
        finally:
            connections.close_all()

    run_in_threads(2, run, timeout=60)
    kinds = sorted(type(outcome).__name__ for outcome in outcomes)
    assert kinds == ["Filing", "ValidationError"], outcomes
    refusal = next(o for o in outcomes if isinstance(o, ValidationError))
    assert list(refusal.message_dict) == ["unit"]


def test_two_decisions_of_one_campaign_at_once(scene, make_org, make_user, monkeypatch):
    naming = with_approved(scene, make_org)
    slowed(monkeypatch, "naming_errors")  # checked after the decision is looked for
    with_stages(naming["campaign"], StageCode.DECISION)
    other_reviewer = make_user("root_reviewer_2", role=Role.REVIEWER, org=naming["root"])
    path = f"/api/v1/campaigns/{naming['campaign'].pk}/decision/"
    body = {"decided_on": str(TODAY), "body": "部务会", "named_on": str(TODAY)}
    bodies = [
        {**body, "names": {"demo": ids(naming, "community", "village")}},
        {**body, "names": {"demo": ids(naming, "west_village", "more", "extra")}},
    ]
    responses = race([naming["organiser_reviewer"], other_reviewer], path, bodies)
    assert sorted(r.status_code for r in responses) == [201, 400], responses
    refused = next(r for r in responses if r.status_code == 400)
    assert "本次创建已有审定记录" in str(refused.json())
    assert Decision.objects.count() == 1
    assert Title.objects.count() in (2, 3)
    naming["campaign"].refresh_from_db()
    assert naming["campaign"].stage == StageCode.NAMING
