"""The Django admin, where a setting mounts it (settings.GRASSROOTS_ADMIN): accounts, groups
and role assignments can be read there but not changed, so that every change goes through
the services and their subtree checks (grassroots/core/services.py)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from .models import RoleAssignment


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyUserAdmin(ReadOnly, UserAdmin):
    pass


class ReadOnlyGroupAdmin(ReadOnly, GroupAdmin):
    pass


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["user", "role", "org", "created_at"]
    list_filter = ["role"]


for model, model_admin in ((get_user_model(), ReadOnlyUserAdmin), (Group, ReadOnlyGroupAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
