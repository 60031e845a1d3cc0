from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "grassroots.stats"
    verbose_name = "统计"
