from django.urls import path

from . import excel_views as views

urlpatterns = [
    path("excel/", views.home, name="excel-home"),
    path("excel/templates/<slug:kind>.xlsx", views.template_download, name="excel-template"),
    path("excel/export/<slug:kind>.xlsx", views.export, name="excel-export"),
]
