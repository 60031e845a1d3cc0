"""Background jobs: work that takes longer than a request, queued with Django's task framework
(the `django-tasks` backport, database backend: no broker to run; decision 0034) and run by
`manage.py db_worker`, which `make run` starts beside the web server.

A job is a `Job` row the user watches (progress, then the result file) and a runner: a
function `runner(job, **params) -> JobOutcome` named by its dotted path. A runner reports
progress with `report()` between steps and does all its writing in one transaction at the
end, so a job killed mid-way leaves nothing half-written and is simply run again."""

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import OperationalError, connection
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .choices import JobState
from .models import Job

# A running job that has reported nothing for this long was stopped (the worker killed or
# restarted): its user may run it again.
STALE_AFTER = datetime.timedelta(minutes=10)
FAILED_MESSAGE = "任务因系统错误中断，没有写入任何数据，请重新运行；多次失败请联系管理员"


@dataclass(frozen=True)
class JobOutcome:
    message: str
    content: bytes = b""
    filename: str = ""
    failed: bool = False  # a refusal that comes with a file (an import's list of problems)


def start_job(user, label, runner, source=None, **params):
    """Queue `runner(job, **params)` (a dotted path) for `user`; `source`, an uploaded file,
    is kept under a name of our own for the runner (and a rerun) to read. The queue is a
    table of the same database: the job and its queue entry are committed together or not at
    all."""
    if source is not None:
        source.name = uuid.uuid4().hex
    job = Job.objects.create(
        label=label,
        runner=runner,
        params=params,
        source=source,
        created_by=user,
        state=JobState.QUEUED,
    )
    run_job.enqueue(job.pk)
    return job


def report(job, done, total=None, message=None):
    """Progress, written at once (outside the runner's write transaction) for the page to
    poll."""
    changes = {"done": done, "updated_at": timezone.now()}
    if total is not None:
        changes["total"] = total
    if message is not None:
        changes["message"] = message
    try:
        Job.objects.filter(pk=job.pk).update(**changes)
    except OperationalError:
        # SQLite (`make run`): a runner still reading a cursor opened before another process
        # wrote cannot write until the read ends; progress is advice, the work goes on.
        if connection.vendor != "sqlite":
            raise


def may_rerun(job, now=None):
    """A job that crashed or stalled may run again; a refusal (a file with errors, an
    organisation no longer seen) would only be refused again."""
    now = now or timezone.now()
    stalled = job.state == JobState.RUNNING and now - job.updated_at > STALE_AFTER
    return job.state == JobState.FAILED and job.message == FAILED_MESSAGE or stalled


def rerun_job(user, job):
    """Queue a failed or stalled job again, from the start."""
    if job.created_by_id != user.pk:
        raise ValidationError({"job": "只能重新运行自己发起的任务"})
    if not may_rerun(job):
        raise ValidationError({"job": "该任务正在运行或已经完成"})
    Job.objects.filter(pk=job.pk).update(
        state=JobState.QUEUED, done=0, message="", result="", result_name=""
    )
    run_job.enqueue(job.pk)


@task()
def run_job(job_id):
    """The worker's side: claim the queued job (a second worker finds it claimed), run it,
    keep its outcome. A refusal (ValidationError) is the user's to read; anything else is
    logged by the worker and the user is told to run it again."""
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    try:
        outcome = import_string(job.runner)(job, **job.params)
    except ValidationError as exc:
        _finish(job, JobState.FAILED, "；".join(exc.messages))
        return
    except Exception:
        _finish(job, JobState.FAILED, FAILED_MESSAGE)
        raise
    if outcome.content:
        job.result.save(outcome.filename, ContentFile(outcome.content), save=False)
        Job.objects.filter(pk=job.pk).update(result=job.result.name, result_name=outcome.filename)
    _finish(job, JobState.FAILED if outcome.failed else JobState.DONE, outcome.message)


def _finish(job, state, message):
    Job.objects.filter(pk=job.pk).update(state=state, message=message[:1000])
