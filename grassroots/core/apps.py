from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "grassroots.core"
    verbose_name = "基础"
