from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "grassroots.portal"
    verbose_name = "首页"
