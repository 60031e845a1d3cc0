from django.core.management.base import BaseCommand, CommandError

from grassroots.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Rebuild every organisation's member count (current members whose organisation "
        "relation is there) from the members, in one UPDATE. With --check, change nothing: "
        "list the organisations whose count is wrong and exit non-zero if any (nightly)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="report wrong counts without correcting them"
        )

    def handle(self, *args, check=False, **options):
        if not check:
            corrected = Organization.objects.recount_members()
            self.stdout.write(f"已按党员记录重新统计各党组织党员人数：更正 {corrected} 个党组织。")
            return
        miscounted = Organization.objects.miscounted().order_by("path")
        wrong = list(miscounted.values("pk", "name", "member_count", "actual"))
        for org in wrong:
            self.stdout.write(
                f"{org['name']}（编号 {org['pk']}）：记录 {org['member_count']} 人，"
                f"实有 {org['actual']} 人"
            )
        if wrong:
            raise CommandError(
                f"{len(wrong)} 个党组织的党员人数与党员记录不符；"
                "运行 manage.py recount_members 更正。"
            )
        self.stdout.write("各党组织党员人数与党员记录相符。")
