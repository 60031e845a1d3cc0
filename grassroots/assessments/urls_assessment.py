"""Pages of the assessment: self-assessment, review, gap list, rectification, inspection."""

from django.urls import path

from . import views_assessment as views

urlpatterns = [
    path("assessments/", views.assessment_list, name="assessment-list"),
    path("assessments/new/", views.assessment_new, name="assessment-new"),
    path("assessments/policies/", views.policy_list, name="assessment-policies"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/act/", views.assessment_act, name="assessment-act"),
    path("assessments/<int:pk>/review/", views.assessment_review, name="assessment-review"),
    path("assessments/items/<int:pk>/", views.assessment_item_save, name="assessment-item-save"),
    path(
        "assessments/items/<int:pk>/evidence/",
        views.evidence_file,
        name="assessment-evidence",
    ),
    path("rectification/", views.rectification_list, name="rectification-list"),
    path("rectification/<int:pk>/", views.rectification_detail, name="rectification-detail"),
    path("rectification/<int:pk>/file/", views.rectification_file, name="rectification-file"),
    path("inspection/", views.sample_list, name="sample-list"),
    path("inspection/<int:pk>/", views.sample_detail, name="sample-detail"),
]
