import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from grassroots.campaigns.services.campaigns import close_late_applications_step
from grassroots.core.nightly import system_user


class Command(BaseCommand):
    help = (
        "Withdraw the applications not submitted by their campaign's application deadline "
        "(seed 002: late applications count as withdrawn); one of the steps of "
        "`manage.py nightly`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="YYYY-MM-DD")

    def handle(self, *args, today=None, **options):
        today = today or timezone.localdate()
        self.stdout.write(close_late_applications_step(system_user(), today))
