from django.urls import path

from . import views_standing as views

urlpatterns = [
    path("orgs/<int:pk>/standing/", views.org_standing, name="org-standing"),
    path(
        "orgs/<int:pk>/standing/evidence/<str:code>/",
        views.metric_evidence_view,
        name="metric-evidence",
    ),
    path("orgs/<int:pk>/compliance/", views.compliance_matrix, name="compliance-matrix"),
]
