"""What is due each day, in order (`manage.py nightly`; core.nightly runs and records it,
docs/decisions/0039). A step is `step(user, day) -> str`, idempotent; add one with a line.

Not here because nothing is written for them: a title's expiry (`campaigns.services.titles.
standing`, the register's `expired`/`expiring` filters), the reminders of terms due
(`elections.reminders`) and overdue rectification tasks are worked out when they are read."""

from grassroots.campaigns.services.campaigns import close_late_applications_step
from grassroots.core.nightly import run_steps
from grassroots.orgs import tallies
from grassroots.orgs.models import Organization


def member_count_check(user, day):
    """Counts change only under their member's lock (docs/security/concurrency.md): one that
    differs from the members all the same is a fault to look into, reported, not corrected."""
    wrong = Organization.objects.miscounted().count()
    if not wrong:
        return "各党组织党员人数与党员记录相符"
    return f"{wrong}个党组织的党员人数与党员记录不符，请运行 manage.py recount_members 更正"


def advance_tallies(user, day):
    """The statistics' tallies move to the day: birthdays into the next age band, dates
    reached (orgs.tallies)."""
    moved = tallies.advance(day)
    return f"统计计数已更新到{day:%Y-%m-%d}，调整{moved}项"


STEPS = [
    ("处理逾期未提交的申报", close_late_applications_step),
    ("核对党员人数", member_count_check),
    ("更新统计计数", advance_tallies),
]
RUNNER = "grassroots.portal.nightly.nightly_job"


def nightly_job(job, day):
    return run_steps(job, STEPS, day)
