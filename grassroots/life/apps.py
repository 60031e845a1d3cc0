from django.apps import AppConfig


class LifeConfig(AppConfig):
    name = "grassroots.life"
    verbose_name = "组织生活"
