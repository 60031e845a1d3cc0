"""Which database a read goes to when a replica is configured: a second alias on the same
test database stands in for it (a real streaming replica is tried by scripts/cluster.sh)."""

import time

from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from grassroots.core import replica
from grassroots.core.replica import PIN_COOKIE, REPLICA, ReplicaPinMiddleware, on_replica

ROUTED = override_settings(DATABASE_ROUTERS=["grassroots.core.replica.ReplicaRouter"])


@ROUTED
def test_reads_go_to_the_primary_unless_marked_safe(replica_on_test_db):
    assert Group.objects.all().db == DEFAULT_DB_ALIAS
    with on_replica():
        assert Group.objects.all().db == REPLICA


@ROUTED
def test_a_read_on_the_replica_sees_the_primary_rows(replica_on_test_db):
    Group.objects.create(name="党建")
    replica._wrote.set(False)  # a new request
    with on_replica():
        groups = Group.objects.all()
        assert [g.name for g in groups] == ["党建"]
        assert groups.db == REPLICA


@ROUTED
def test_writes_and_reads_after_a_write_go_to_the_primary(replica_on_test_db):
    with on_replica():
        group = Group.objects.create(name="党建")
        assert group._state.db == DEFAULT_DB_ALIAS
        assert Group.objects.all().db == DEFAULT_DB_ALIAS


@ROUTED
def test_reads_inside_a_transaction_of_the_primary_stay_there(replica_on_test_db):
    with on_replica(), transaction.atomic():
        assert Group.objects.all().db == DEFAULT_DB_ALIAS


@ROUTED
def test_a_replica_that_is_down_leaves_reads_on_the_primary(fake_replica, tmp_path):
    fake_replica({"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "no/such.db")})
    with on_replica():
        assert Group.objects.all().db == DEFAULT_DB_ALIAS
        assert list(Group.objects.all()) == []
    # Not tried again on every read: only after a pause.
    assert replica._down_until > time.monotonic()


def _middleware_run(view, method="get", cookies=None):
    request = getattr(RequestFactory(), method)("/")
    request.COOKIES.update(cookies or {})
    return ReplicaPinMiddleware(view)(request)


@ROUTED
def test_a_writing_request_pins_the_next_reads_of_that_user_to_the_primary(replica_on_test_db):
    response = _middleware_run(lambda request: HttpResponse(), method="post")
    assert float(response.cookies[PIN_COOKIE].value) > time.time()

    seen = []

    def stats(request):
        with on_replica():
            seen.append(Group.objects.all().db)
        return HttpResponse()

    response = _middleware_run(stats, cookies={PIN_COOKIE: response.cookies[PIN_COOKIE].value})
    assert seen == [DEFAULT_DB_ALIAS]
    assert PIN_COOKIE not in response.cookies
    # Once the pin has expired (or for another user), the replica serves.
    _middleware_run(stats, cookies={PIN_COOKIE: str(int(time.time()) - 1)})
    assert seen[-1] == REPLICA


@ROUTED
def test_a_read_request_that_writes_pins_too(replica_on_test_db):
    def view(request):
        Group.objects.create(name="党建")
        with on_replica():
            assert Group.objects.all().db == DEFAULT_DB_ALIAS
        return HttpResponse()

    assert PIN_COOKIE in _middleware_run(view).cookies
