"""Pages: an organisation's standing and the subtree matrix; assessments, reviews,
rectification and inspection samples."""

from django.urls import path

from .views import assessment, standing

urlpatterns = [
    path("orgs/<int:pk>/standing/", standing.org_standing, name="org-standing"),
    path(
        "orgs/<int:pk>/standing/evidence/<str:code>/",
        standing.metric_evidence_view,
        name="metric-evidence",
    ),
    path("orgs/<int:pk>/compliance/", standing.compliance_matrix, name="compliance-matrix"),
    path(
        "orgs/<int:pk>/compliance/recompute/",
        standing.recompute,
        name="compliance-recompute",
    ),
    path("assessments/", assessment.assessment_list, name="assessment-list"),
    path("assessments/new/", assessment.assessment_new, name="assessment-new"),
    path("assessments/policies/", assessment.policy_list, name="assessment-policies"),
    path("assessments/<int:pk>/", assessment.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/act/", assessment.assessment_act, name="assessment-act"),
    path("assessments/<int:pk>/review/", assessment.assessment_review, name="assessment-review"),
    path(
        "assessments/items/<int:pk>/",
        assessment.assessment_item_save,
        name="assessment-item-save",
    ),
    path(
        "assessments/items/<int:pk>/evidence/",
        assessment.evidence_file,
        name="assessment-evidence",
    ),
    path("rectification/", assessment.rectification_list, name="rectification-list"),
    path("rectification/<int:pk>/", assessment.rectification_detail, name="rectification-detail"),
    path("rectification/<int:pk>/file/", assessment.rectification_file, name="rectification-file"),
    path("inspection/", assessment.sample_list, name="sample-list"),
    path("inspection/<int:pk>/", assessment.sample_detail, name="sample-detail"),
]
