"""Member counts checked one by one against `member_count`, and the member list's count
as the API answers it."""

from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from grassroots.core.tests.helpers import token_client
from grassroots.orgs.models import Organization


def counts_are_right():
    """Every organisation's member_count equals its current members counted one by one."""
    actual = Organization.objects.annotate(
        n=Count("members", filter=Q(members__left_on__isnull=True))
    ).values_list("pk", "n", "member_count")
    wrong = [(pk, n, kept) for pk, n, kept in actual if n != kept]
    assert wrong == [], "(organisation, members, member_count)"
    return True


def count_of(org):
    org.refresh_from_db()
    return org.member_count


def list_count(user, **params):
    """The list's `count`, the count of its rows read page by page, and its SQL."""
    client = token_client(user)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/members/", {**params, "page_size": 2}).json()
    sql = [query["sql"] for query in queries.captured_queries]  # before the next request
    rows, page = len(body["results"]), 2
    while body["next"]:
        body = client.get("/api/v1/members/", {**params, "page_size": 2, "page": page}).json()
        rows, page = rows + len(body["results"]), page + 1
    return body["count"], rows, sql
