"""`manage.py nightly`: what is due each day, as the system user; twice a day changes
nothing the second time; `--if-due` runs it once a day."""

import datetime

import pytest
from django.core.management import call_command

from grassroots.campaigns.choices import ApplicationState
from grassroots.campaigns.models import Application
from grassroots.core.choices import JobState
from grassroots.core.models import Job
from grassroots.core.nightly import SYSTEM_NAME, system_user

from .test_campaigns_services import DEADLINE, applications_in, create

pytestmark = pytest.mark.django_db
AFTER = DEADLINE + datetime.timedelta(days=1)


def nightly(capsys, *args):
    call_command("nightly", "--today", AFTER.isoformat(), *args)
    return capsys.readouterr().out


def test_nightly_withdraws_late_drafts_once_as_the_system_user(scene, capsys):
    campaign = create(scene)
    draft, submitted = applications_in(
        campaign,
        scene["east"],
        [scene["community"], scene["village"]],
        [ApplicationState.DRAFT, ApplicationState.IN_REVIEW],
    )
    out = nightly(capsys)
    assert "处理逾期未提交的申报：1个活动共1份申报逾期未提交，视为放弃" in out
    assert "核对党员人数：各党组织党员人数与党员记录相符" in out
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert draft.state == ApplicationState.WITHDRAWN
    assert submitted.state == ApplicationState.IN_REVIEW
    record = draft.history.first()
    assert record.history_user == system_user() and SYSTEM_NAME == "系统（每日例行任务）"
    history = Application.history.count()

    # Run again the same day: nothing more changes.
    assert "没有逾期未提交的申报" in nightly(capsys)
    assert Application.history.count() == history
    # The hourly check: today's run is done, so it does not run a third time.
    assert "今天已经运行" in nightly(capsys, "--if-due")
    runs = Job.objects.filter(created_by=system_user())
    assert [(job.state, job.done == job.total > 0) for job in runs] == [(JobState.DONE, True)] * 2
    # The single command does the same as the nightly step.
    call_command("close_late_applications", "--today", AFTER.isoformat())
    assert "没有逾期未提交的申报" in capsys.readouterr().out
