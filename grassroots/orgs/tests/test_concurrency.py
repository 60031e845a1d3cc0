"""What holds the registry under concurrent writes, tested without racing threads (those
are in test_races.py and test_sqlite_writers.py): the database's own constraint on
secretaries, the configurable single-holder posts, lost writes answered 400 by the API and
the pages, and the member-count drift check."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import IntegrityError, OperationalError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from grassroots.core.choices import Role
from grassroots.core.concurrency import CONFLICT_MESSAGE, write_conflict
from grassroots.orgs import services
from grassroots.orgs.choices import PostKind
from grassroots.orgs.models import Organization, Post, Transfer
from grassroots.orgs.rules import RuleConfig

D = datetime.date


@pytest.fixture
def clerk(city, make_user):
    return make_user(role=Role.CLERK, org=city["root"])


@pytest.fixture
def term(city, clerk):
    return services.start_term(clerk, city["east_branch"], D(2024, 1, 1))


def test_the_database_refuses_a_second_current_secretary(city, term, make_member):
    first, second = make_member(city["east_branch"]), make_member(city["east_branch"])
    Post.objects.create(term=term, member=first, post=PostKind.SECRETARY, started_on=D(2024, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(
            term=term, member=second, post=PostKind.SECRETARY, started_on=D(2024, 1, 2)
        )
    # Not a second current one: a former secretary, or another post.
    Post.objects.create(
        term=term,
        member=second,
        post=PostKind.SECRETARY,
        started_on=D(2024, 1, 1),
        ended_on=D(2024, 6, 1),
    )
    Post.objects.create(term=term, member=second, post=PostKind.MEMBER, started_on=D(2024, 1, 1))
    assert Post.objects.filter(term=term).count() == 3


def test_single_holder_posts_always_include_the_secretary():
    assert RuleConfig().single_holder_posts == {PostKind.SECRETARY}
    configured = RuleConfig(single_holder_posts=[PostKind.ORGANIZATION])
    assert configured.single_holder_posts == {PostKind.SECRETARY, PostKind.ORGANIZATION}


def test_a_configured_single_post_takes_one_holder(city, clerk, term, make_member, settings):
    members = [make_member(city["east_branch"]) for _ in range(3)]
    services.appoint_post(clerk, term, members[0], PostKind.ORGANIZATION, D(2024, 1, 1))
    services.appoint_post(clerk, term, members[1], PostKind.ORGANIZATION, D(2024, 1, 1))
    settings.PARTY_RULES = {**settings.PARTY_RULES, "single_holder_posts": ["organization"]}
    with pytest.raises(Exception, match="组织委员已有人担任"):
        services.appoint_post(clerk, term, members[2], PostKind.ORGANIZATION, D(2024, 1, 1))


def test_a_stale_member_cannot_be_transferred_twice(city, clerk, make_member):
    member = make_member(city["east_branch"])
    stale = type(member).objects.get(pk=member.pk)
    services.transfer_member(clerk, member, city["west_branch"], D(2025, 3, 1))
    with pytest.raises(Exception, match="转入组织与现组织相同"):
        services.transfer_member(clerk, stale, city["west_branch"], D(2025, 3, 1))
    assert Transfer.objects.count() == 1
    assert not Organization.objects.miscounted().exists()


@pytest.mark.parametrize(
    "exc, conflict",
    [
        (IntegrityError("duplicate key value violates unique constraint"), True),
        (OperationalError("database is locked"), True),
        (OperationalError("deadlock detected"), True),
        (OperationalError("no such table: orgs_post"), False),
        (ValueError("database is locked"), False),
    ],
)
def test_what_counts_as_a_lost_write(exc, conflict):
    assert write_conflict(exc) is conflict


def post_secretary(client, term, member):
    payload = {"term": term.pk, "member": member.pk, "post": "secretary"}
    return client.post("/api/v1/posts/", {**payload, "started_on": "2024-01-02"}, format="json")


@pytest.mark.parametrize(
    "exc", [IntegrityError("duplicate key"), OperationalError("database is locked")]
)
def test_the_api_answers_a_lost_write_with_400(city, clerk, term, make_member, monkeypatch, exc):
    def lose(*args, **kwargs):
        raise exc

    monkeypatch.setattr(services, "appoint_post", lose)
    client = APIClient()
    client.force_authenticate(clerk)
    response = post_secretary(client, term, make_member(city["east_branch"]))
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [CONFLICT_MESSAGE]}


def test_other_database_errors_stay_server_errors(city, clerk, term, make_member, monkeypatch):
    def fail(*args, **kwargs):
        raise OperationalError("no such table: orgs_post")

    monkeypatch.setattr(services, "appoint_post", fail)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(clerk)
    assert post_secretary(client, term, make_member(city["east_branch"])).status_code == 500


def test_a_page_answers_a_lost_write_with_400_and_a_way_back(
    city, clerk, make_member, client, monkeypatch
):
    def lose(*args, **kwargs):
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(services, "transfer_member", lose)
    member = make_member(city["east_branch"])
    client.force_login(clerk)
    url = reverse("member-transfer", args=[member.pk])
    payload = {"to_org": city["west_branch"].pk, "transferred_on": "2025-01-01"}
    response = client.post(url, payload, HTTP_REFERER=f"http://testserver{url}")
    assert response.status_code == 400
    html = response.content.decode()
    assert CONFLICT_MESSAGE in html and f'href="http://testserver{url}"' in html
    # A link back elsewhere is not offered: home instead.
    response = client.post(url, payload, HTTP_REFERER="https://example.com/")
    assert 'href="https://example.com/"' not in response.content.decode()
    assert f'href="{reverse("home")}"' in response.content.decode()


# --- the member-count drift check ---------------------------------------------------------------


def recount_check():
    out = io.StringIO()
    call_command("recount_members", "--check", stdout=out)
    return out.getvalue()


def test_the_check_passes_when_counts_agree(city, make_member):
    make_member(city["east_branch"])
    assert "相符" in recount_check()


def test_the_check_lists_drift_and_changes_nothing(city, make_member):
    make_member(city["east_branch"])
    Organization.objects.filter(pk=city["east_branch"].pk).update(member_count=3)
    Organization.objects.filter(pk=city["west"].pk).update(member_count=1)
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 个党组织的党员人数与党员记录不符"):
        call_command("recount_members", "--check", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [  # in tree order
        f"东区幸福社区党支部（编号 {city['east_branch'].pk}）：记录 3 人，实有 1 人",
        f"西区党工委（编号 {city['west'].pk}）：记录 1 人，实有 0 人",
    ]
    assert Organization.objects.get(pk=city["east_branch"].pk).member_count == 3
    call_command("recount_members", stdout=io.StringIO())
    assert "相符" in recount_check()


def test_the_check_exits_non_zero(city, capsys):
    """As a nightly job sees it: the command's exit status."""
    Organization.objects.filter(pk=city["east_branch"].pk).update(member_count=2)
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "recount_members", "--check"])
    assert exited.value.code == 1
    assert "1 个党组织的党员人数与党员记录不符" in capsys.readouterr().err
