from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from simple_history import register
from simple_history.models import HistoricalRecords

from .access import ScopedQuerySet
from .choices import JobState, Role


def organization_model():
    """The organisation model (settings.GRASSROOTS_ORGANIZATION_MODEL), as Django's
    get_user_model(): a tree with `path`, `depth`, `parent`, `ancestor_ids()` and a queryset
    offering `visible_to(user, permission)` and `active()`."""
    return apps.get_model(settings.GRASSROOTS_ORGANIZATION_MODEL, require_ready=False)


def saving_without(instance, kwargs, kept):
    """`kwargs` of a save() of `instance` that writes every field but `kept` (and the
    deferred ones) when it updates a row: counters another statement keeps current (F()
    arithmetic, a recount), whose value this instance may have read before that statement."""
    if not instance._state.adding and kwargs.get("update_fields") is None:
        skipped = {*kept, *instance.get_deferred_fields()}
        kwargs["update_fields"] = [
            f.attname
            for f in instance._meta.concrete_fields
            if not f.primary_key and f.attname not in skipped
        ]
    return kwargs


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


class Job(models.Model):
    """Work that takes longer than a request (a large export or import, a yearly report), run
    by the task worker (`core.jobs`, docs/decisions/0034-background-jobs.md): the user sees
    its progress and downloads its result. A job's rows are the system's own record of the
    work; what the work changes keeps its own history."""

    label = models.CharField("任务", max_length=200)
    runner = models.CharField("执行函数", max_length=200)  # dotted path, see core.jobs
    params = models.JSONField("参数", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="发起人"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    updated_at = models.DateTimeField("最近进展", auto_now=True)
    state = models.CharField("状态", max_length=10, choices=JobState.choices)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("说明", max_length=1000, blank=True)
    # What the job reads (an uploaded workbook), kept so that a rerun reads it again.
    source = models.FileField("上传文件", upload_to="jobs/uploads/%Y/%m/", blank=True)
    result = models.FileField("结果文件", upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField("结果文件名", max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField("运行次数", default=0)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self):
        return self.label


# Accounts are changed by department administrators (activation, roles, passwords): keep who
# did what. The password hash itself is not copied into history.
register(get_user_model(), app="grassroots.core", excluded_fields=["password", "last_login"])
