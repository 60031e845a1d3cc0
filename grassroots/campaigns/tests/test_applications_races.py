"""Applications racing in real threads (PostgreSQL): two applications of one organisation
at once give one 201 and one 400, never two rows nor a 500; two forwards of one unit at
once cannot both pass its quota."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from grassroots.campaigns.choices import Opinion
from grassroots.campaigns.models import Application
from grassroots.campaigns.services import applications as services
from grassroots.orgs.choices import OrgKind
from grassroots.orgs.tests.racing import run_in_threads

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="racing connections need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def race(users, path, payloads):
    """POST `payloads[i]` to `path` as `users[i]`, all released together."""
    barrier = threading.Barrier(len(users))
    results = [None] * len(users)

    def run(i):
        try:
            client = APIClient()
            client.force_authenticate(users[i])
            barrier.wait(timeout=30)
            results[i] = client.post(path, payloads[i], format="json")
        except Exception as exc:  # noqa: BLE001 - the test asserts on it
            results[i] = exc
        finally:
            connections.close_all()

    run_in_threads(len(users), run, timeout=60)
    return results


def test_two_applications_of_one_org_at_once(scene):
    path = f"/api/v1/campaigns/{scene['campaign'].pk}/applications/"
    body = {"org": scene["community"].pk, "level": scene["demo"].pk, "reason": "理由"}
    responses = race([scene["branch_clerk"], scene["east_clerk"]], path, [body, body])
    assert sorted(r.status_code for r in responses) == [201, 400], responses
    assert Application.objects.count() == 1


def test_two_forwards_of_one_unit_at_once(scene, make_org):
    ids = []
    for name in ("一", "二", "三", "四"):
        org = make_org(f"西区{name}村党支部", scene["west"], kind=OrgKind.BRANCH)
        application = services.start_application(
            scene["west_clerk"], scene["campaign"], org, scene["demo"], "理由"
        )
        application = services.submit_application(scene["west_clerk"], application)
        services.give_opinion(scene["west_reviewer"], application, Opinion.AGREE, "同意")
        ids.append(application.pk)
    path = f"/api/v1/campaigns/{scene['campaign'].pk}/units/{scene['west'].pk}/forward/"
    reviewer = scene["west_reviewer"]
    # Each forward fits the quota of 2 alone; both together would send 4.
    responses = race(
        [reviewer, reviewer], path, [{"applications": ids[:2]}, {"applications": ids[2:]}]
    )
    assert sorted(r.status_code for r in responses) == [200, 400], responses
    assert Application.objects.filter(rank__isnull=False).count() == 2
