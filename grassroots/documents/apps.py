from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "grassroots.documents"
    verbose_name = "公文"
