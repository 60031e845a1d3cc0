from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "grassroots.lifecycle"
    verbose_name = "成立、换届与补选"
