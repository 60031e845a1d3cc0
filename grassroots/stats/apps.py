from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "grassroots.stats"
    verbose_name = "统计"

    def load_demo(self, stdout):
        from .demo import load_demo  # models are not loaded when this module is

        load_demo(stdout)
