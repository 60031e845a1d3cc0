from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "grassroots.core"
    verbose_name = "基础"

    def ready(self):
        from . import auth  # noqa: F401  (connects the credential-revocation receiver)
