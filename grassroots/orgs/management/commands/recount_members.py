from django.core.management.base import BaseCommand

from grassroots.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Rebuild every organisation's member count (current members whose organisation "
        "relation is there) from the members, in one UPDATE."
    )

    def handle(self, *args, **options):
        corrected = Organization.objects.recount_members()
        self.stdout.write(f"已按党员记录重新统计各党组织党员人数：更正 {corrected} 个党组织。")
