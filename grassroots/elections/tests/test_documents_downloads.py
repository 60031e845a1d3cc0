"""Downloads of a workflow's documents through the pages and the API: each document for the
clerk, 404 outside the subtree, personal data masked for those without the right, PDF."""

import io
import re
import zipfile

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from grassroots.core.identifiers import mask_id_number
from grassroots.documents import pdf
from grassroots.documents.tests.helpers import open_docx, text_of
from grassroots.elections.documents import available_documents
from grassroots.elections.views.documents import DOCX_CONTENT_TYPE

from .society_scene import by_election, establishment, general_election


def logged_in(client, user):
    client.force_login(user)
    return client


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def roster_id_numbers(content):
    table = open_docx(content).tables[0]
    return {row.cells[1].text: row.cells[6].text for row in table.rows[1:]}


def test_every_document_downloads_for_the_clerk(client, society):
    workflow = general_election(society, "constituted")
    client = logged_in(client, society["clerk"])
    refs = available_documents(workflow)
    assert len(refs) == 13
    for ref in refs:
        response = client.get(reverse("workflow-document", args=[workflow.pk, ref.slug]))
        assert response.status_code == 200, ref.slug
        assert response["Content-Type"] == DOCX_CONTENT_TYPE
        assert "filename*=utf-8''" in response["Content-Disposition"]
        assert text_of(response.content)
    response = client.get(reverse("workflow-dossier", args=[workflow.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert len(zipfile.ZipFile(io.BytesIO(response.content)).namelist()) == 13


def test_pages_hide_other_subtrees_and_unknown_documents(client, society):
    workflow = general_election(society)
    url = reverse("workflow-document", args=[workflow.pk, "request"])
    assert client.get(url).status_code == 302  # to the login page
    client = logged_in(client, society["west_clerk"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("workflow-dossier", args=[workflow.pk])).status_code == 404
    client = logged_in(client, society["clerk"])
    assert client.get(url).status_code == 200
    for slug in ("result", "nothing", "form-0"):  # no result before the election
        url = reverse("workflow-document", args=[workflow.pk, slug])
        assert client.get(url).status_code == 404


def test_roster_is_masked_for_the_reviewer_and_shown_to_the_clerk(client, society):
    workflow = general_election(society)
    member = society["members"][0]
    url = reverse("workflow-document", args=[workflow.pk, "roster"])
    shown = roster_id_numbers(logged_in(client, society["clerk"]).get(url).content)
    assert shown[member.name] == member.id_number
    masked = roster_id_numbers(logged_in(client, society["reviewer"]).get(url).content)
    assert masked[member.name] == mask_id_number(member.id_number) != member.id_number


def test_api_lists_and_serves_an_elections_documents(society):
    workflow = general_election(society, "constituted")
    api = api_for(society["clerk"])
    response = api.get(f"/api/v1/elections/{workflow.pk}/documents/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 13 and body["pdf_available"] == pdf.pdf_available()
    first = body["results"][0]
    assert first["slug"] == "request" and first["title"] == "换届选举及候选人预备人选的请示"
    assert (first["template"], first["label"]) == (4, "换届选举及候选人预备人选的请示（模板4）")
    assert first["url"].endswith(f"/api/v1/elections/{workflow.pk}/documents/request/")
    assert body["dossier_url"].endswith(f"/api/v1/elections/{workflow.pk}/dossier.zip")
    for item in body["results"]:
        response = api.get(item["url"])
        assert response.status_code == 200 and response["Content-Type"] == DOCX_CONTENT_TYPE
    response = api.get(f"/api/v1/elections/{workflow.pk}/dossier.zip")
    assert response.status_code == 200
    assert len(zipfile.ZipFile(io.BytesIO(response.content)).namelist()) == 13
    # An Accept header asking for JSON does not stop the file.
    response = api.get(
        f"/api/v1/elections/{workflow.pk}/documents/request/", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200


def test_api_by_election_and_establishment_prefixes(society, make_member, make_user):
    election = by_election(society)
    founding = establishment(society, make_member, make_user)
    api = api_for(society["reviewer"])
    assert api.get(f"/api/v1/elections/{election.pk}/documents/").status_code == 200
    assert api.get(f"/api/v1/establishments/{founding.pk}/documents/").status_code == 200
    response = api.get(f"/api/v1/establishments/{founding.pk}/documents/request/")
    assert response.status_code == 200 and "关于成立“青海省地理学会党支部”的请示" in text_of(
        response.content
    )
    assert api.get(f"/api/v1/establishments/{founding.pk}/dossier.zip").status_code == 200
    # Each workflow only under its own prefix.
    assert api.get(f"/api/v1/elections/{founding.pk}/documents/").status_code == 404
    assert api.get(f"/api/v1/establishments/{election.pk}/documents/").status_code == 404


def test_api_hides_other_subtrees_and_masks_personal_data(society):
    workflow = general_election(society)
    member = society["members"][0]
    outsider = api_for(society["west_clerk"])
    for path in ("documents/", "documents/request/", "documents/roster/", "dossier.zip"):
        response = outsider.get(f"/api/v1/elections/{workflow.pk}/{path}")
        assert response.status_code == 404, path
    assert APIClient().get(f"/api/v1/elections/{workflow.pk}/documents/").status_code in (401, 403)
    url = f"/api/v1/elections/{workflow.pk}/documents/roster/"
    clerk = roster_id_numbers(api_for(society["clerk"]).get(url).content)
    reviewer = roster_id_numbers(api_for(society["reviewer"]).get(url).content)
    assert clerk[member.name] == member.id_number
    assert reviewer[member.name] == mask_id_number(member.id_number)
    assert (
        api_for(society["clerk"]).get(f"/api/v1/elections/{workflow.pk}/documents/x/").status_code
        == 404
    )


def test_pdf_without_libreoffice_says_so(client, society, monkeypatch):
    monkeypatch.setattr(pdf, "libreoffice", lambda: None)
    workflow = general_election(society)
    client = logged_in(client, society["clerk"])
    response = client.get(
        reverse("workflow-document", args=[workflow.pk, "request"]) + "?format=pdf"
    )
    assert response.status_code == 503
    assert "LibreOffice" in response.content.decode()
    response = api_for(society["clerk"]).get(
        f"/api/v1/elections/{workflow.pk}/documents/request/?format=pdf"
    )
    assert response.status_code == 503


def pdf_pages(content):
    return len(re.findall(rb"/Type\s*/Page[^s]", content))


@pytest.mark.skipif(not pdf.pdf_available(), reason="LibreOffice (soffice) is not installed")
def test_pdf_through_libreoffice(client, society):
    workflow = general_election(society)
    client = logged_in(client, society["clerk"])
    url = reverse("workflow-document", args=[workflow.pk, "request"])
    response = client.get(url + "?format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and pdf_pages(response.content) >= 2
    assert "%E6%8D%A2%E5%B1%8A" in response["Content-Disposition"]  # 换届, percent-encoded
    assert ".pdf" in response["Content-Disposition"]
    form = available_documents(workflow)[1].slug
    response = api_for(society["clerk"]).get(
        f"/api/v1/elections/{workflow.pk}/documents/{form}/?format=pdf"
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert pdf_pages(response.content) == 1  # a filing form fits one page
