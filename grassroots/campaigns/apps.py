from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "grassroots.campaigns"
    label = "campaigns"
    verbose_name = "示范创建"
