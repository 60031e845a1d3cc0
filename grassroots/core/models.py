from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from simple_history import register
from simple_history.models import HistoricalRecords

from .access import ScopedQuerySet
from .choices import Role


def organization_model():
    """The organisation model (settings.GRASSROOTS_ORGANIZATION_MODEL), as Django's
    get_user_model(): a tree with `path`, `depth`, `parent`, `ancestor_ids()` and a queryset
    offering `visible_to(user, permission)` and `active()`."""
    return apps.get_model(settings.GRASSROOTS_ORGANIZATION_MODEL, require_ready=False)


class RoleAssignment(models.Model):
    """A role held over an organisation and its whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name="用户",
    )
    org = models.ForeignKey(
        settings.GRASSROOTS_ORGANIZATION_MODEL,
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name="管辖组织",
    )
    role = models.CharField("角色", max_length=12, choices=Role.choices)
    created_at = models.DateTimeField("授权时间", auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.UniqueConstraint(fields=["user", "org", "role"], name="unique_role_assignment")
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.org}"


# Accounts are changed by department administrators (activation, roles, passwords): keep who
# did what. The password hash itself is not copied into history.
register(get_user_model(), app="grassroots.core", excluded_fields=["password", "last_login"])
