import time

from django.apps import AppConfig


class OrgLifeConfig(AppConfig):
    name = "grassroots.orglife"
    verbose_name = "组织生活"

    def ready(self):
        from . import tallies  # noqa: F401 (registers meetings with the subtree tallies)
        from .signals import connect

        connect()  # the meetings' attendance counters

    def load_demo(self, stdout):
        """A year of meetings, reports and yearly facts over the demo city (idempotent)."""
        from .demo import load_demo_life

        started = time.monotonic()
        summary = load_demo_life()
        if summary is None:
            stdout.write("组织生活示范数据已加载（或示范城市不存在），未做改动。")
            return
        stdout.write(
            f"已加载组织生活示范数据（{time.monotonic() - started:.1f} 秒）：会议 "
            f"{summary['meetings']} 次，出席记录 {summary['attendance']} 条，"
            f"书记述职 {summary['reports']} 份，年度数据 {summary['facts']} 项"
        )
