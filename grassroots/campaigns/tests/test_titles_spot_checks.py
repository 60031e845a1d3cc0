"""The spot-check pages: the organiser's reviewer draws a reproducible sample of the titles
in force from the register, sees the drawn titles with links to each, prints and exports
them; a clerk or a district may not draw; another subtree gets nothing; the pages read a
fixed number of queries whatever the sample's size."""

import io

import pytest
from openpyxl import load_workbook

from grassroots.assessments.models import InspectionSample
from grassroots.assessments.rules import draw_sample
from grassroots.campaigns.models import Inspection
from grassroots.core.choices import Role

from .factories import TitleFactory
from .test_titles_services import TODAY, with_approved, with_titles

URL = "/titles/spot-checks/"


@pytest.fixture
def named(scene, make_org):
    return with_titles(with_approved(scene, make_org))


@pytest.fixture
def stranger(make_org, make_user):
    elsewhere = make_org("另一个市委组织部")
    return make_user("stranger", role=Role.REVIEWER, org=elsewhere)


def draw(client, named, **fields):
    data = {
        "campaign": named["campaign"].pk,
        "percent": "50",
        "seed": "7",
        "team": [named["inspector"].pk],
        "due_on": "",
        **fields,
    }
    return client.post(URL, data)


def test_the_organiser_draws_a_spot_check_from_the_register(named, client):
    client.force_login(named["organiser_reviewer"])
    campaign = named["campaign"]
    register = client.get(f"/titles/?campaign={campaign.pk}").content.decode()
    assert f'href="{URL}?campaign={campaign.pk}"' in register
    page = client.get(f"{URL}?campaign={campaign.pk}").content.decode()
    assert 'id="draw-form"' in page and "inspector" in page
    response = draw(client, named)
    sample = InspectionSample.objects.get()
    assert response.status_code == 302
    assert response.url == f"{URL}{sample.pk}/"
    population = sorted([named["community"].pk, named["village"].pk])
    assert (sample.population, sample.seed) == (population, 7)
    assert sample.drawn == draw_sample(population, sample.share, 7)
    inspection = Inspection.objects.get()
    detail = client.get(response.url).content.decode()
    assert f'href="/titles/{inspection.title_id}/"' in detail
    assert f'href="/inspections/{inspection.pk}/"' in detail
    assert "50%" in detail and 'id="seed">7<' in detail
    assert "data-print" in detail
    listed = client.get(URL).content.decode()
    assert f'data-spot-check="{sample.pk}"' in listed
    assert campaign.title in listed


def test_what_the_service_refuses_is_shown_on_the_form(named, client):
    client.force_login(named["organiser_reviewer"])
    page = draw(client, named, team=[]).content.decode()
    assert 'data-error-for="team"' in page
    page = draw(client, named, due_on=str(TODAY.replace(year=TODAY.year - 1))).content.decode()
    assert "检查期限不能早于今天" in page
    assert not InspectionSample.objects.exists()


@pytest.mark.parametrize("user", ["organiser_clerk", "east_reviewer"])
def test_a_clerk_or_a_district_may_not_draw(named, client, user):
    client.force_login(named[user])
    assert 'id="draw-form"' not in client.get(URL).content.decode()
    assert draw(client, named).status_code == 403
    assert not InspectionSample.objects.exists()


def test_another_subtree_gets_nothing(named, client, stranger):
    client.force_login(named["organiser_reviewer"])
    sample_url = draw(client, named).url
    client.force_login(stranger)
    assert client.get(sample_url).status_code == 404
    assert client.get(f"{sample_url}export/").status_code == 404
    listed = client.get(URL).content.decode()
    assert "data-spot-check=" not in listed and 'id="draw-form"' not in listed
    assert draw(client, named).status_code == 403


def test_an_assessment_sample_is_not_a_spot_check(named, client):
    client.force_login(named["organiser_reviewer"])
    sample = InspectionSample.objects.create(
        org=named["root"],
        year=TODAY.year,
        share="0.5",
        seed=1,
        population=[named["east"].pk],
        drawn=[named["east"].pk],
        drawn_by=named["organiser_reviewer"],
    )
    assert client.get(f"{URL}{sample.pk}/").status_code == 404
    assert "data-spot-check=" not in client.get(URL).content.decode()


def test_the_pages_read_a_fixed_number_of_queries(
    named, client, make_org, django_assert_max_num_queries
):
    client.force_login(named["organiser_reviewer"])
    for i in range(20):
        org = make_org(f"第{i}党支部", named["west"])
        TitleFactory(campaign=named["campaign"], level=named["demo"], org=org, named_on=TODAY)
    sample_url = draw(client, named, percent="100").url
    draw(client, named, percent="10")
    with django_assert_max_num_queries(9):
        detail = client.get(sample_url).content.decode()
    assert detail.count("data-drawn=") == 22
    with django_assert_max_num_queries(10):
        listed = client.get(URL).content.decode()
    assert listed.count("data-spot-check=") == 2
    with django_assert_max_num_queries(9):
        export = client.get(f"{sample_url}export/")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[1]][:4] == ["序号", "党组织", "称号", "证书编号"]
    assert sheet.max_row == 23
    assert sheet.cell(2, 9).value == "待考察"
    assert "filename*=utf-8''" in export.headers["Content-Disposition"]
