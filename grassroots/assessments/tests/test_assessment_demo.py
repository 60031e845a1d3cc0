"""The demo's assessments over the demo city (loaded once for the module, rolled back at
the end): a finished assessment with its grade and rectification tasks in 江北区, one
waiting for the district reviewer, the district's inspection sample; loaded once only."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction

from grassroots.assessments import services
from grassroots.assessments.choices import AssessmentState, TaskStatus
from grassroots.assessments.models import Assessment, InspectionSample, RectificationTask
from grassroots.elections.demo import DEMO_DISTRICT
from grassroots.orglife.demo import load_demo_life
from grassroots.orgs import demo
from grassroots.orgs.models import Organization
from grassroots.standards.loader import load_standards

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_standards()
        demo.load_demo_city()
        load_demo_life()
        out = io.StringIO()
        apps.get_app_config("assessments").load_demo(out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_a_finished_assessment_with_tasks_in_the_district(loaded):
    assert "已加载考核示范数据" in loaded
    done = Assessment.objects.get(state=AssessmentState.REVIEWED)
    ancestors = Organization.objects.filter(pk__in=done.org.ancestor_ids())
    assert ancestors.filter(name=DEMO_DISTRICT).exists()
    assert done.grade and done.total is not None
    assert done.reviewed_by.username == "district_reviewer"
    tasks = RectificationTask.objects.filter(assessment_item__assessment=done)
    assert tasks.count() >= 2
    assert tasks.filter(status=TaskStatus.DONE).count() == 1
    assert tasks.exclude(status=TaskStatus.DONE).exists()
    assert all(row.is_gap for row in (t.assessment_item for t in tasks))


def test_one_waits_for_the_reviewer_and_the_sample_checks_out(loaded, client):
    waiting = Assessment.objects.get(state=AssessmentState.SUBMITTED)
    reviewer = get_user_model().objects.get(username="district_reviewer")
    assert services.may_review(reviewer, waiting.org)
    client.force_login(reviewer)
    page = client.get("/assessments/?state=mine").content.decode()
    assert f'data-assessment="{waiting.pk}"' in page
    sample = InspectionSample.objects.get()
    assert sample.drawn and services.verify_sample(sample)


def test_loaded_once(loaded):
    out = io.StringIO()
    apps.get_app_config("assessments").load_demo(out)
    assert "未做改动" in out.getvalue()
    assert Assessment.objects.count() == 2
