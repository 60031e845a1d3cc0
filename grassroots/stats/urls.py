"""Pages of the statistics."""

from django.urls import path

from . import views

urlpatterns = [
    path("stats/", views.home, name="stats-home"),
    path("stats/print/", views.printable, name="stats-print"),
    path("stats/report.xlsx", views.report, name="stats-report"),
]
