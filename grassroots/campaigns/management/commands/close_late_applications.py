import datetime

from django.core.management.base import BaseCommand

from grassroots.campaigns.services.campaigns import close_late_applications


class Command(BaseCommand):
    help = (
        "Withdraw the applications not submitted by their campaign's application deadline "
        "(seed 002: late applications count as withdrawn). Run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="YYYY-MM-DD")

    def handle(self, *args, today=None, **options):
        done = close_late_applications(today)
        total = sum(done.values())
        self.stdout.write(f"逾期未提交的申报：{len(done)}个活动共{total}份视为放弃")
