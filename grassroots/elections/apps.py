from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "grassroots.elections"
    verbose_name = "成立、换届与补选"

    def load_demo(self, stdout):
        from .demo import load_demo  # models are not loaded when this module is

        load_demo(stdout)
