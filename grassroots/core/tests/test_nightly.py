"""The nightly machinery (core.nightly): the system user, once a day, a failed or stalled
run runs again, a step that fails is reported."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from grassroots.core.choices import JobState
from grassroots.core.models import Job
from grassroots.core.nightly import is_due, run_nightly, run_steps, system_user

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)
RUNNER = "grassroots.core.tests.test_nightly.two_steps"
CALLS = []


def two_steps(job, day):
    def count(user, day):
        CALLS.append((user.username, day))
        return f"第{len(CALLS)}次"

    return run_steps(job, [("数一数", count), ("再数", count)], day)


def test_the_system_user_cannot_log_in():
    user = system_user()
    assert system_user() == user  # one account
    assert not user.is_active and not user.has_usable_password()


def test_once_a_day_unless_the_run_failed_or_stalled():
    CALLS.clear()
    job = run_nightly(RUNNER, DAY, if_due=True)
    assert (job.state, job.message) == (JobState.DONE, "数一数：第1次；再数：第2次")
    assert CALLS == [("system", DAY), ("system", DAY)]
    assert run_nightly(RUNNER, DAY, if_due=True) is None
    assert is_due(RUNNER, DAY + datetime.timedelta(days=1))
    Job.objects.filter(pk=job.pk).update(state=JobState.FAILED)
    assert is_due(RUNNER, DAY)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    assert not is_due(RUNNER, DAY)
    later = timezone.now() + datetime.timedelta(minutes=11)
    assert is_due(RUNNER, DAY, now=later)  # stalled: its process was killed


def test_a_failing_step_fails_the_command(monkeypatch):
    def broken(user, day):
        raise RuntimeError("disk full")

    monkeypatch.setattr("grassroots.portal.nightly.STEPS", [("坏步骤", broken)])
    with pytest.raises(CommandError):
        call_command("nightly", "--today", DAY.isoformat())
    assert Job.objects.get().state == JobState.FAILED
    assert is_due("grassroots.portal.nightly.nightly_job", DAY)
