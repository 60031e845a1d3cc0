from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "grassroots.assessments"
    verbose_name = "达标与考核"
