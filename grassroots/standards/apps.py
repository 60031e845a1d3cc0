from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "grassroots.standards"
    verbose_name = "标准库"
