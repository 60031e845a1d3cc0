import datetime

from django.core.management.base import BaseCommand

from grassroots.orgs import tallies


class Command(BaseCommand):
    help = (
        "Build the subtree tallies of the statistics from the registry and the records (after "
        "an upgrade, a restore, or to check them); --advance only moves them to today."
    )

    def add_arguments(self, parser):
        parser.add_argument("--advance", action="store_true")
        parser.add_argument("--on", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, advance, on, **options):
        if advance:
            moved = tallies.advance(on)
            self.stdout.write(f"统计计数已更新到 {tallies.clock()}，调整 {moved} 项。")
            return
        kept = tallies.kept_rows()
        rows = tallies.rebuild(on)
        fixed = sum(1 for key, n in tallies.kept_rows().items() if kept.get(key) != n)
        self.stdout.write(f"统计计数已重建：{rows} 行，截至 {tallies.clock()}，更正 {fixed} 行。")
