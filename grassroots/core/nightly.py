"""The nightly work: what is due each day, run once a day as a background job of the system
user (docs/decisions/0039). The steps are listed where every app may be imported
(`grassroots.portal.nightly.STEPS`); here is how they are run and recorded.

A step is a function `step(user, day) -> str`: it does what is due on `day`, attributing
its writes to `user` (the system user, so that history says who), and says what it did in a
line. Each step writes in its own transactions and is idempotent — a second run on the same
day changes nothing — so a run killed mid-way is simply run again."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from .choices import JobState
from .jobs import STALE_AFTER, JobOutcome, report, run_job
from .models import Job

SYSTEM_USERNAME = "system"
SYSTEM_NAME = "系统（每日例行任务）"


def system_user():
    """The account the nightly work acts as: it cannot log in (inactive, no password)."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": SYSTEM_NAME, "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def nightly_runs(runner, day):
    return Job.objects.filter(runner=runner, params__day=day.isoformat())


def is_due(runner, day, now=None):
    """Whether `day`'s nightly work has yet to run: none done, none under way (a run that
    failed or stalled may run again)."""
    now = now or timezone.now()
    for job in nightly_runs(runner, day):
        under_way = job.state in (JobState.QUEUED, JobState.RUNNING)
        if job.state == JobState.DONE or under_way and now - job.updated_at <= STALE_AFTER:
            return False
    return True


def run_nightly(runner, day, if_due=False):
    """Run `runner(job, day)` (a dotted path) now, in this process, as a job of the system
    user; None if `if_due` and it has run today already. The job, finished."""
    if if_due and not is_due(runner, day):
        return None
    label = f"每日例行任务（{day:%Y-%m-%d}）"
    job = Job.objects.create(
        label=label,
        runner=runner,
        params={"day": day.isoformat()},
        created_by=system_user(),
        state=JobState.QUEUED,
    )
    run_job.call(job.pk)
    job.refresh_from_db()
    return job


def run_steps(job, steps, day):
    """Each step of `steps` ([(title, step)]) in turn for `day`, as the job's progress."""
    day = datetime.date.fromisoformat(day) if isinstance(day, str) else day
    user = job.created_by
    lines = []
    for done, (title, step) in enumerate(steps):
        report(job, done, total=len(steps), message=f"正在{title}")
        lines.append(f"{title}：{step(user, day)}")
    report(job, len(steps))
    return JobOutcome("；".join(lines))
