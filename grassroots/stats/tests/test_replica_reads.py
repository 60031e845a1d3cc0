"""The statistics read the replica when one is configured (a second connection to the test
database stands in for it; the routing itself is tested in core)."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from grassroots.core.replica import REPLICA

ROUTED = override_settings(
    DATABASE_ROUTERS=["grassroots.core.replica.ReplicaRouter"],
    MIDDLEWARE=[*settings.MIDDLEWARE, "grassroots.core.replica.ReplicaPinMiddleware"],
)


def _queries(client, url, params):
    with (
        CaptureQueriesContext(connections[REPLICA]) as replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
    ):
        response = client.get(url, params)
    assert response.status_code == 200
    return len(replica), primary


@ROUTED
def test_the_statistics_page_reads_the_replica(replica_on_test_db, client, east_clerk, scene):
    client.force_login(east_clerk)
    on_replica, primary = _queries(client, "/stats/", {"ancestor": scene["east"].pk})
    assert on_replica > 5
    # The primary serves the login (session, user) but none of the figures.
    assert not [q["sql"] for q in primary if "orgs_" in q["sql"]]


@ROUTED
def test_the_statistics_api_reads_the_replica(replica_on_test_db, client, east_clerk, scene):
    client.force_login(east_clerk)
    on_replica, _ = _queries(client, "/api/v1/stats/", {"ancestor": scene["east"].pk})
    assert on_replica > 5
