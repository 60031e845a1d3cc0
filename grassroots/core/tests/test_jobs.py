"""Background jobs (core.jobs): queued, run, watched and downloaded by their own user; a
refusal is shown, a crash leaves nothing written and the job can be run again; the real
worker (`db_worker`) runs what the database queue holds."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from grassroots.core.choices import JobState, Role
from grassroots.core.jobs import FAILED_MESSAGE, JobOutcome, report, start_job
from grassroots.core.models import Job, RoleAssignment

pytestmark = pytest.mark.django_db
HERE = "grassroots.core.tests.test_jobs"
CRASHES = {"left": 0}


def counting(job, count):
    for done in range(1, count + 1):
        report(job, done, total=count)
    return JobOutcome(f"数了{count}个", b"PK-content", "结果.xlsx")


def refusing(job):
    raise ValidationError({"file": "第3行：姓名不能为空"})


def writing_then_crashing(job, user_id):
    """Writes in one transaction and crashes inside it while CRASHES["left"] says so."""
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(total=99)
        RoleAssignment.objects.filter(user_id=user_id).delete()
        if CRASHES["left"]:
            CRASHES["left"] -= 1
            raise RuntimeError("the worker died")
    return JobOutcome("完成")


def test_a_job_runs_reports_and_keeps_its_result(make_user):
    user = make_user()
    job = start_job(user, "数数", f"{HERE}.counting", count=3)
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.message) == (JobState.DONE, 3, 3, "数了3个")
    assert job.attempts == 1 and job.result_name == "结果.xlsx"
    assert job.result.read() == b"PK-content"


def test_a_refusal_is_the_users_to_read_and_a_crash_writes_nothing(make_user, make_org):
    user = make_user(role=Role.CLERK, org=make_org())
    job = start_job(user, "导入", f"{HERE}.refusing")
    job.refresh_from_db()
    assert (job.state, job.message) == (JobState.FAILED, "第3行：姓名不能为空")
    CRASHES["left"] = 1
    job = start_job(user, "写入", f"{HERE}.writing_then_crashing", user_id=user.pk)
    job.refresh_from_db()
    assert (job.state, job.message, job.total) == (JobState.FAILED, FAILED_MESSAGE, 0)
    assert RoleAssignment.objects.filter(user=user).exists()  # rolled back


def test_the_page_is_its_users_and_a_failed_job_runs_again(client, make_user, make_org):
    user, other = make_user(role=Role.CLERK, org=make_org()), make_user()
    CRASHES["left"] = 1
    job = start_job(user, "写入", f"{HERE}.writing_then_crashing", user_id=user.pk)
    client.force_login(other)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.post(f"/jobs/{job.pk}/rerun/").status_code == 404
    client.force_login(user)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "重新运行" in page and 'hx-trigger="every 1s"' not in page
    client.post(f"/jobs/{job.pk}/rerun/")
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert not RoleAssignment.objects.filter(user=user).exists()  # written once, whole
    assert "写入" in client.get("/jobs/").content.decode()


def test_a_running_job_is_polled_and_a_stalled_one_may_run_again(client, make_user):
    user = make_user()
    job = Job.objects.create(
        label="导出",
        runner=f"{HERE}.counting",
        params={"count": 2},
        created_by=user,
        state=JobState.RUNNING,
        done=1,
        total=4,
    )
    client.force_login(user)
    fragment = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'value="1"' in fragment
    assert "重新运行" not in fragment
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=11))
    fragment = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "重新运行" in fragment and "every 1s" not in fragment
    client.post(f"/jobs/{job.pk}/rerun/")
    job.refresh_from_db()
    assert job.state == JobState.DONE
    response = client.get(f"/jobs/{job.pk}/result/")
    assert b"".join(response.streaming_content) == b"PK-content"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_worker_runs_what_the_queue_holds(make_user):
    user = make_user()
    job = start_job(user, "数数", f"{HERE}.counting", count=2)
    assert Job.objects.get(pk=job.pk).state == JobState.QUEUED  # nothing runs in the request
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert (job.state, job.done) == (JobState.DONE, 2)
