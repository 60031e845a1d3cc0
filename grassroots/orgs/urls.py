from django.urls import path

from . import views

urlpatterns = [
    path("orgs/", views.org_tree, name="org-tree"),
    path("orgs/search/", views.org_search, name="org-search"),
    path("orgs/<int:pk>/", views.org_detail, name="org-detail"),
    path("orgs/<int:pk>/children/", views.org_children, name="org-children"),
    path("orgs/<int:pk>/new-child/", views.org_create, name="org-create"),
    path("orgs/<int:pk>/edit/", views.org_edit, name="org-edit"),
    path("orgs/<int:pk>/move/", views.org_move, name="org-move"),
    path("orgs/<int:pk>/dissolve/", views.org_dissolve, name="org-dissolve"),
    path("orgs/<int:pk>/weak/", views.org_designate_weak, name="org-weak"),
    path("orgs/<int:pk>/units/new/", views.unit_add, name="unit-add"),
    path("orgs/<int:pk>/units/link/", views.unit_link, name="unit-link"),
    path("unit-links/<int:pk>/end/", views.unit_unlink, name="unit-unlink"),
    path("orgs/<int:pk>/terms/new/", views.term_start, name="term-start"),
    path("orgs/<int:pk>/posts/new/", views.post_appoint, name="post-appoint"),
    path("posts/<int:pk>/end/", views.post_end, name="post-end"),
    path("orgs/<int:pk>/members/new/", views.member_create, name="member-create"),
    path("members/", views.member_list, name="member-list"),
    path("members/<int:pk>/", views.member_detail, name="member-detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("members/<int:pk>/flags/", views.member_flags, name="member-flags"),
    path("members/<int:pk>/transfer/", views.member_transfer, name="member-transfer"),
    path("members/<int:pk>/leave/", views.member_leave, name="member-leave"),
    path("members/<int:pk>/memberships/new/", views.membership_add, name="membership-add"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership-end"),
    path("checks/", views.check_list, name="check-list"),
    path("pick/orgs/", views.org_picker, name="org-picker"),
    path("pick/members/", views.member_picker, name="member-picker"),
    path("pick/units/", views.unit_picker, name="unit-picker"),
]
