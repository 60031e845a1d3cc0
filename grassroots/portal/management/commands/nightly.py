import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from grassroots.core.choices import JobState
from grassroots.core.nightly import run_nightly
from grassroots.portal.nightly import RUNNER


class Command(BaseCommand):
    help = (
        "Do what is due today (grassroots.portal.nightly.STEPS), as the system user; every "
        "step is idempotent. With --if-due, only if today's run has not been done or started "
        "(what an hourly timer calls)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument(
            "--if-due", action="store_true", help="skip if today's run is done or under way"
        )

    def handle(self, *args, today=None, if_due=False, **options):
        today = today or timezone.localdate()
        try:
            job = run_nightly(RUNNER, today, if_due=if_due)
        except Exception as exc:
            raise CommandError(f"每日例行任务（{today:%Y-%m-%d}）中断：{exc}") from exc
        if job is None:
            self.stdout.write(f"每日例行任务（{today:%Y-%m-%d}）今天已经运行")
        elif job.state != JobState.DONE:
            raise CommandError(job.message)
        else:
            self.stdout.write(f"每日例行任务（{today:%Y-%m-%d}）完成：{job.message}")
