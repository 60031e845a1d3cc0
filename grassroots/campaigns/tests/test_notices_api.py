"""The API contract of notices and surveys: the organiser's endpoints (another subtree: 404),
the public ones without authentication, bad input answered 400 with nothing saved."""

import pytest
from rest_framework.test import APIClient

from grassroots.campaigns.choices import ApplicationState, CampaignKind, ObjectionState
from grassroots.campaigns.models import (
    Notice,
    Objection,
    SurveyResponse,
    SurveyTally,
    SurveyToken,
)
from grassroots.campaigns.services import notices as services
from grassroots.core.choices import Role

from .notices_helpers import DURING, PUBLISHED, approved, load_calendar, on_day, workbook


@pytest.fixture(autouse=True)
def holidays(db):
    load_calendar()


def client_of(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def stranger(make_org, make_user):
    """A clerk of another city: sees nothing of the scene."""
    return make_user("stranger", role=Role.CLERK, org=make_org("外市委组织部"))


@pytest.fixture
def apps(scene):
    return [approved(scene), approved(scene, "west_village", "west")]


def publish(scene, apps, user="organiser_clerk", **body):
    body = {
        "published_on": "2026-09-30",
        "working_days": 5,
        "applications": [a.pk for a in apps],
        **body,
    }
    return client_of(scene[user]).post(
        f"/api/v1/campaigns/{scene['campaign'].pk}/notices/", body, format="json"
    )


# --- publishing ------------------------------------------------------------------------------


def test_publishing_answers_201_with_the_end_from_the_calendar(scene, apps):
    answer = publish(scene, apps)
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["ends_on"] == "2026-10-13" and body["id"] == Notice.objects.get().pk
    assert sorted(body["applications"]) == sorted(a.pk for a in apps)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"published_on": "2026-13-01"}, "published_on"),
        ({"working_days": 0}, "working_days"),
        ({"working_days": "五"}, "working_days"),
        ({"applications": []}, "applications"),
        ({"applications": ["x"]}, "applications"),
        ({"applications": [10**20]}, "applications"),
        ({"published_on": "2031-09-30"}, "published_on"),
    ],
)
def test_bad_input_is_400_and_nothing_is_saved(scene, apps, body, field):
    answer = publish(scene, apps, **body)
    assert answer.status_code == 400 and field in answer.json()
    assert not Notice.objects.exists()


def test_an_application_not_approved_is_400(scene, apps):
    draft = approved(scene, "village", state=ApplicationState.DRAFT)
    answer = publish(scene, [draft])
    assert answer.status_code == 400 and "applications" in answer.json()


def test_publishing_is_the_organisers(scene, apps, stranger):
    assert publish(scene, apps, "east_clerk").status_code == 403
    answer = client_of(stranger).post(
        f"/api/v1/campaigns/{scene['campaign'].pk}/notices/",
        {"published_on": "2026-09-30", "applications": [apps[0].pk]},
        format="json",
    )
    assert answer.status_code == 404
    assert client_of().post(f"/api/v1/campaigns/{scene['campaign'].pk}/notices/").status_code in (
        401,
        403,
    )
    assert not Notice.objects.exists()


# --- the public notice and objections --------------------------------------------------------


@pytest.fixture
def notice(scene, apps):
    return Notice.objects.get(pk=publish(scene, apps).json()["id"])


def test_the_public_notice_lists_names_levels_and_the_period_without_login(
    scene, notice, monkeypatch
):
    on_day(monkeypatch, DURING)
    answer = client_of().get(f"/api/v1/public/notices/{notice.pk}/")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["published_on"], body["ends_on"]) == ("2026-09-30", "2026-10-13")
    assert body["open_for_objections"] is True
    assert {(c["org_name"], c["level"]) for c in body["candidates"]} == {
        ("幸福社区党支部", "示范基层党组织"),
        ("西山村党支部", "示范基层党组织"),
    }
    assert "王建国" not in answer.content.decode()  # the leader's name is not published
    assert client_of().get("/api/v1/public/notices/999999/").status_code == 404


def object_to(notice, body):
    return client_of().post(f"/api/v1/public/notices/{notice.pk}/objections/", body, format="json")


def test_an_objection_without_login_is_201_and_logged_with_its_address(notice, monkeypatch):
    on_day(monkeypatch, DURING)
    answer = object_to(notice, {"name": "李群众", "contact": "13812345678", "text": "反映问题"})
    assert answer.status_code == 201, answer.json()
    objection = Objection.objects.get()
    assert answer.json() == {"id": objection.pk, "state": "received"}
    assert objection.address == "127.0.0.1"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "李群众", "text": "反映问题"},
        {"contact": "", "text": "反映问题"},
        {"contact": "13812345678"},
        {"contact": "13812345678", "text": "字" * 2001},
        {"contact": "13812345678", "text": "反映\u202e问题"},
        {"contact": "13812345678", "text": "反映问题", "application": 999999},
        {"contact": ["a"], "text": "反映问题"},
    ],
)
def test_a_bad_objection_is_400_and_nothing_is_saved(notice, monkeypatch, body):
    on_day(monkeypatch, DURING)
    answer = object_to(notice, body)
    assert answer.status_code == 400, answer.content
    assert not Objection.objects.exists()


def test_without_contact_the_answer_names_the_field(notice, monkeypatch):
    on_day(monkeypatch, DURING)
    assert "contact" in object_to(notice, {"name": "李", "text": "反映问题"}).json()


def test_no_objection_after_the_period(notice, monkeypatch):
    on_day(monkeypatch, PUBLISHED.replace(month=11))
    answer = object_to(notice, {"contact": "13812345678", "text": "反映问题"})
    assert answer.status_code == 400 and not Objection.objects.exists()


def test_the_organiser_lists_verifies_resolves_and_closes(scene, notice, monkeypatch, stranger):
    on_day(monkeypatch, DURING)
    target = notice.applications.get(org=scene["community"])
    object_to(notice, {"contact": "13812345678", "text": "反映问题", "application": target.pk})
    objection = Objection.objects.get()
    clerk = client_of(scene["organiser_clerk"])
    listed = clerk.get(f"/api/v1/notices/{notice.pk}/objections/").json()
    assert [o["contact"] for o in listed] == ["13812345678"]
    # A unit of the field sees the notice, not the objections (their contacts).
    for user, code in ((scene["east_clerk"], 403), (stranger, 404)):
        assert client_of(user).get(f"/api/v1/notices/{notice.pk}/objections/").status_code == code
        verify = client_of(user).post(
            f"/api/v1/objections/{objection.pk}/verify/", {"verification": "x"}, format="json"
        )
        assert verify.status_code == 404
    assert client_of(stranger).get(f"/api/v1/notices/{notice.pk}/").status_code == 404

    answer = clerk.post(f"/api/v1/notices/{notice.pk}/close/")
    assert answer.status_code == 400  # the period runs

    answer = clerk.post(
        f"/api/v1/objections/{objection.pk}/verify/", {"verification": "已核实。"}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["state"] == "verifying"
    answer = clerk.post(
        f"/api/v1/objections/{objection.pk}/resolve/",
        {"upheld": True, "reasons": ""},
        format="json",
    )
    assert answer.status_code == 400 and "reasons" in answer.json()
    answer = clerk.post(
        f"/api/v1/objections/{objection.pk}/resolve/",
        {"upheld": True, "reasons": "反映属实。"},
        format="json",
    )
    assert answer.status_code == 200 and answer.json()["state"] == ObjectionState.UPHELD
    public = client_of().get(f"/api/v1/public/notices/{notice.pk}/").json()
    assert [c["org_name"] for c in public["candidates"]] == ["西山村党支部"]

    on_day(monkeypatch, PUBLISHED.replace(month=10, day=14))
    answer = clerk.post(f"/api/v1/notices/{notice.pk}/close/")
    assert answer.status_code == 200 and answer.json()["state"] == "closed"


# --- survey ----------------------------------------------------------------------------------


def tokens_for(scene, application, count, user="organiser_clerk"):
    return client_of(scene[user]).post(
        f"/api/v1/applications/{application.pk}/survey-tokens/", {"count": count}, format="json"
    )


def test_tokens_answer_201_with_the_list(scene, apps):
    answer = tokens_for(scene, apps[0], 3)
    assert answer.status_code == 201
    tokens = answer.json()["tokens"]
    assert len(tokens) == 3 and SurveyToken.objects.filter(token__in=tokens).count() == 3


@pytest.mark.parametrize("count", [0, 501, "x", None])
def test_a_bad_count_is_400_and_nothing_is_saved(scene, apps, count):
    answer = tokens_for(scene, apps[0], count)
    assert answer.status_code == 400 and "count" in answer.json()
    assert not SurveyToken.objects.exists()


def test_tokens_of_another_subtree_are_404(scene, apps, stranger):
    answer = client_of(stranger).post(
        f"/api/v1/applications/{apps[0].pk}/survey-tokens/", {"count": 1}, format="json"
    )
    assert answer.status_code == 404
    assert tokens_for(scene, apps[0], 1, "west_clerk").status_code == 404  # not its application
    assert not SurveyToken.objects.exists()


def answer_with(token, body):
    return client_of().post(f"/api/v1/public/survey/{token}/", body, format="json")


def test_the_survey_without_login(scene, apps):
    token = tokens_for(scene, apps[0], 1).json()["tokens"][0]
    shown = client_of().get(f"/api/v1/public/survey/{token}/").json()
    assert shown["organisation"] == "幸福社区党支部" and shown["answered"] is False
    assert [c["label"] for c in shown["choices"]] == ["满意", "基本满意", "不满意"]
    assert answer_with(token, {"answer": "great"}).status_code == 400
    assert answer_with(token, {}).status_code == 400
    assert not SurveyResponse.objects.exists()
    answer = answer_with(token, {"answer": "basically_satisfied"})
    assert answer.status_code == 201
    again = answer_with(token, {"answer": "satisfied"})
    assert again.status_code == 409 and again.json()["code"] == "ALREADY_ANSWERED"
    assert answer_with("no-such-token", {"answer": "satisfied"}).status_code == 404
    assert client_of().get("/api/v1/public/survey/no-such-token/").status_code == 404
    assert client_of().get(f"/api/v1/public/survey/{token}/").json()["answered"] is True
    tally = SurveyTally.objects.get()
    assert (tally.basically_satisfied, tally.responses) == (1, 1)
    tallies = client_of(scene["organiser_clerk"]).get(
        f"/api/v1/campaigns/{scene['campaign'].pk}/survey-tallies/"
    )
    assert tallies.json()[0]["rate"] == 100.0


def test_public_endpoints_are_throttled_per_address(scene, apps, settings):
    from rest_framework.settings import api_settings

    from grassroots.campaigns.api.views.notices import PublicThrottle

    original = PublicThrottle.THROTTLE_RATES
    PublicThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "public": "2/min"}
    try:
        codes = [client_of().get("/api/v1/public/survey/x/").status_code for _ in range(3)]
    finally:
        PublicThrottle.THROTTLE_RATES = original
    assert codes == [404, 404, 429]


def test_the_evaluator_imports_results_and_others_may_not(scene, tmp_path, stranger):
    url = f"/api/v1/campaigns/{scene['campaign'].pk}/survey-results/import/"
    rows = [("幸福社区党支部", 40, 8, 2)]
    answer = client_of(scene["organiser_clerk"]).post(
        url, {"file": workbook(tmp_path, rows)}, format="multipart"
    )
    assert answer.status_code == 403
    answer = client_of(stranger).post(url, {"file": workbook(tmp_path, rows)}, format="multipart")
    assert answer.status_code == 404
    bad = [("幸福社区党支部", -1, 0, 0)]
    answer = client_of(scene["evaluator"]).post(
        url, {"file": workbook(tmp_path, bad)}, format="multipart"
    )
    assert answer.status_code == 400 and answer.json()["errors"][0]["column"] == "满意"
    assert not SurveyTally.objects.exists()
    answer = client_of(scene["evaluator"]).post(
        url, {"file": workbook(tmp_path, rows)}, format="multipart"
    )
    assert answer.status_code == 201 and answer.json() == {"created": 1}


def test_grading_through_the_api(scene, stranger):
    campaign = scene["campaign"]
    campaign.kind = CampaignKind.DEMONSTRATION_POINT
    campaign.save()
    url = f"/api/v1/campaigns/{campaign.pk}/grades/"
    assert client_of(stranger).post(url).status_code == 404
    assert client_of(scene["east_clerk"]).post(url).status_code == 403
    token = services.issue_tokens(scene["organiser_clerk"], scene["village"], 1, campaign=campaign)
    services.answer_survey(token[0].token, "satisfied")
    answer = client_of(scene["organiser_clerk"]).post(url)
    assert answer.status_code == 201
    graded = {g["org_name"]: g for g in client_of(scene["east_clerk"]).get(url).json()}
    assert graded["和平村党支部"]["grade"] == "excellent"
    assert graded["幸福社区党支部"]["grade"] == ""


def test_org_tokens_through_the_api(scene, stranger):
    url = f"/api/v1/campaigns/{scene['campaign'].pk}/survey-tokens/"
    body = {"org": scene["village"].pk, "count": 2}
    answer = client_of(scene["organiser_clerk"]).post(url, body, format="json")
    assert answer.status_code == 201 and len(answer.json()["tokens"]) == 2
    other = {"org": stranger.role_assignments.get().org_id, "count": 2}
    answer = client_of(scene["organiser_clerk"]).post(url, other, format="json")
    assert answer.status_code == 400 and "org" in answer.json()
