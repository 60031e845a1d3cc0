"""Pages of the registry and its Excel templates, imports and exports."""

from django.urls import path

from .views import excel, registry

urlpatterns = [
    path("orgs/", registry.org_tree, name="org-tree"),
    path("orgs/search/", registry.org_search, name="org-search"),
    path("orgs/<int:pk>/", registry.org_detail, name="org-detail"),
    path("orgs/<int:pk>/children/", registry.org_children, name="org-children"),
    path("orgs/<int:pk>/new-child/", registry.org_create, name="org-create"),
    path("orgs/<int:pk>/edit/", registry.org_edit, name="org-edit"),
    path("orgs/<int:pk>/move/", registry.org_move, name="org-move"),
    path("orgs/<int:pk>/dissolve/", registry.org_dissolve, name="org-dissolve"),
    path("orgs/<int:pk>/weak/", registry.org_designate_weak, name="org-weak"),
    path("orgs/<int:pk>/units/new/", registry.unit_add, name="unit-add"),
    path("orgs/<int:pk>/units/link/", registry.unit_link, name="unit-link"),
    path("unit-links/<int:pk>/end/", registry.unit_unlink, name="unit-unlink"),
    path("unit-links/<int:pk>/edit/", registry.unit_edit, name="unit-edit"),
    path("orgs/<int:pk>/terms/new/", registry.term_start, name="term-start"),
    path("orgs/<int:pk>/posts/new/", registry.post_appoint, name="post-appoint"),
    path("posts/<int:pk>/end/", registry.post_end, name="post-end"),
    path("orgs/<int:pk>/members/new/", registry.member_create, name="member-create"),
    path("members/", registry.member_list, name="member-list"),
    path("members/<int:pk>/", registry.member_detail, name="member-detail"),
    path("members/<int:pk>/edit/", registry.member_edit, name="member-edit"),
    path("members/<int:pk>/flags/", registry.member_flags, name="member-flags"),
    path("members/<int:pk>/transfer/", registry.member_transfer, name="member-transfer"),
    path("members/<int:pk>/leave/", registry.member_leave, name="member-leave"),
    path("members/<int:pk>/memberships/new/", registry.membership_add, name="membership-add"),
    path("memberships/<int:pk>/end/", registry.membership_end, name="membership-end"),
    path("checks/", registry.check_list, name="check-list"),
    path("checks/summary/", registry.check_summary, name="check-summary"),
    path("pick/orgs/", registry.org_picker, name="org-picker"),
    path("pick/members/", registry.member_picker, name="member-picker"),
    path("pick/units/", registry.unit_picker, name="unit-picker"),
    path("excel/", excel.home, name="excel-home"),
    path("excel/templates/<slug:kind>.xlsx", excel.template_download, name="excel-template"),
    path("excel/export/<slug:kind>.xlsx", excel.export, name="excel-export"),
]
