import time

from django.apps import apps
from django.core.management.base import BaseCommand

from grassroots.orgs.choices import Category, OrgKind
from grassroots.orgs.demo import PASSWORD, load_demo_city


class Command(BaseCommand):
    help = "Load the demo city 青川市 (does nothing if it is already loaded)."

    def handle(self, *args, **options):
        started = time.monotonic()
        summary = load_demo_city()
        if summary is None:
            self.stdout.write("示范城市“青川市”已加载，未做改动。")
        else:
            self.report(summary, started)
        # Later apps add their demo records (meetings, workflows...) over the city through
        # an optional `load_demo(stdout)` on their AppConfig, each idempotent.
        for config in apps.get_app_configs():
            if hasattr(config, "load_demo"):
                config.load_demo(self.stdout)

    def report(self, summary, started):
        kinds = "、".join(f"{OrgKind(k).label}{n}" for k, n in sorted(summary["kinds"].items()))
        categories = "、".join(
            f"{Category(k).label}{n}" for k, n in sorted(summary["categories"].items())
        )
        self.stdout.write(
            f"已加载示范城市“青川市”（{time.monotonic() - started:.1f} 秒）：\n"
            f"  党组织 {summary['organizations']} 个（{kinds}）\n"
            f"  所属领域：{categories}\n"
            f"  党员 {summary['members']} 名，参加组织生活 {summary['memberships']} 人次，"
            f"所在单位 {summary['host_units']} 个，届次 {summary['terms']} 个，"
            f"委员会职务 {summary['posts']} 个\n"
            f"  示范用户（密码均为 {PASSWORD}）："
        )
        for username, display, role, org in summary["users"]:
            self.stdout.write(f"    {username:<18} {role}  @ {org}（{display}）")
