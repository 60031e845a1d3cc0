"""Ten phones answering one token at the same moment: exactly one is counted, the others
are told it was used (409), never a 500. PostgreSQL only: SQLite serialises every writer."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from grassroots.campaigns.models import SurveyResponse, SurveyTally
from grassroots.campaigns.services import notices as services
from grassroots.orglife.choices import FactSource
from grassroots.orglife.models import YearlyFact
from grassroots.orgs.tests.racing import run_in_threads

from .notices_helpers import approved

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="racing connections need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_ten_answers_of_one_token_count_once(scene):
    token = services.issue_tokens(scene["organiser_clerk"], approved(scene), 1)[0].token
    count = 10
    barrier = threading.Barrier(count)
    codes = [None] * count

    def answer(i):
        try:
            barrier.wait(timeout=30)
            response = APIClient().post(
                f"/api/v1/public/survey/{token}/", {"answer": "satisfied"}, format="json"
            )
            codes[i] = response.status_code
        finally:
            connections.close_all()

    run_in_threads(count, answer, timeout=60)
    assert sorted(codes) == [201] + [409] * (count - 1)
    tally = SurveyTally.objects.get()
    assert (tally.satisfied, tally.responses) == (1, 1)
    assert SurveyResponse.objects.count() == 1
    fact = YearlyFact.objects.get(source=FactSource.SURVEY)
    assert fact.value == 100


def test_answers_of_many_tokens_at_once_are_all_counted(scene):
    tokens = services.issue_tokens(scene["organiser_clerk"], approved(scene), 10)
    barrier = threading.Barrier(len(tokens))
    codes = [None] * len(tokens)

    def answer(i):
        try:
            barrier.wait(timeout=30)
            body = {"answer": "satisfied" if i % 2 else "dissatisfied"}
            codes[i] = (
                APIClient()
                .post(f"/api/v1/public/survey/{tokens[i].token}/", body, format="json")
                .status_code
            )
        finally:
            connections.close_all()

    run_in_threads(len(tokens), answer, timeout=60)
    assert codes == [201] * len(tokens)
    tally = SurveyTally.objects.get()
    assert (tally.satisfied, tally.dissatisfied) == (5, 5)
    assert YearlyFact.objects.get(source=FactSource.SURVEY).value == 50
