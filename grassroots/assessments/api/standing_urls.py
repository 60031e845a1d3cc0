from django.urls import path

from .standing_views import ComplianceView, WarningsView

urlpatterns = [
    path("orgs/<int:pk>/compliance/", ComplianceView.as_view(), name="api-org-compliance"),
    path("orgs/<int:pk>/warnings/", WarningsView.as_view(), name="api-org-warnings"),
]
