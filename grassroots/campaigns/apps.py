from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "grassroots.campaigns"
    label = "campaigns"
    verbose_name = "示范创建"

    def load_demo(self, stdout):
        from .demo import load_demo  # models are not loaded when this module is

        load_demo(stdout)
