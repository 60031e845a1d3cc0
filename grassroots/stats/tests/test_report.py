"""The yearly report workbook: one sheet per table, from the request for a small subtree and
from a background job for one of more than JOB_ROWS organisations (the same workbook)."""

import io

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from grassroots.core.choices import JobState, Role
from grassroots.core.jobs import start_job
from grassroots.core.models import Job
from grassroots.stats.report import RUNNER

from .conftest import ON

pytestmark = pytest.mark.django_db


def sheets(content):
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_small_in_the_request_large_by_a_job(client, make_user, scene):
    east = scene["east"]
    client.force_login(make_user(role=Role.VIEWER, org=east))
    url = f"/stats/report.xlsx?ancestor={east.pk}&on={ON:%Y-%m-%d}"
    direct = client.get(url)
    assert direct["Content-Type"].startswith("application/vnd.openxmlformats")
    expected = sheets(direct.content)
    assert list(expected)[0] == "概况" and len(expected) > 5
    assert not Job.objects.exists()

    with override_settings(JOB_ROWS=1):
        response = client.get(url)
    job = Job.objects.get()
    assert response.url == f"/jobs/{job.pk}/"
    assert (job.state, job.done, job.total) == (JobState.DONE, 2, 2)
    assert job.label == f"{east.name}2025年度统计表（2025-06-30）"
    assert job.result_name == f"{east.name}2025年度统计20250630.xlsx"
    download = client.get(f"/jobs/{job.pk}/result/")
    assert sheets(b"".join(download.streaming_content)) == expected


def test_a_job_for_an_organisation_no_longer_visible_is_refused(client, make_user, city):
    viewer = make_user(role=Role.VIEWER, org=city["east"])
    job = start_job(viewer, "统计", RUNNER, ancestor=city["west"].pk, on="2025-06-30")
    job.refresh_from_db()
    assert (job.state, job.message) == (JobState.FAILED, "您已无权查看该党组织的统计")
    client.force_login(viewer)
    with override_settings(JOB_ROWS=0):
        assert client.get(f"/stats/report.xlsx?ancestor={city['west'].pk}").status_code == 404
    assert Job.objects.count() == 1
