from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "grassroots.assessments"
    verbose_name = "达标与考核"

    def ready(self):
        from .signals import connect

        connect()

    def load_demo(self, stdout):
        from .demo import load_demo  # models are not loaded when this module is

        load_demo(stdout)
