"""User management by department administrators: one function per change. An administrator
manages users whose every role lies in a subtree where the administrator holds
MANAGE_USERS; role assignments keep their history (django-simple-history)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from .access import Scope, can
from .choices import Permission
from .history import save_by
from .models import RoleAssignment


def require_manage(admin, org, field="org"):
    if not can(admin, Permission.MANAGE_USERS, org):
        raise ValidationError({field: "您没有在该组织管理用户的权限"})


def manageable_by(admin, user):
    """Whether `admin` may change `user`: not oneself, not a superuser (unless admin is
    one), and every role of the user inside the admin's subtrees."""
    scope = Scope.of(admin)
    if user.pk == admin.pk or (
        user.is_superuser and not scope.is_unrestricted(Permission.MANAGE_USERS)
    ):
        return False
    paths = [a.org.path for a in user.role_assignments.all()]
    if not paths:
        return scope.is_unrestricted(Permission.MANAGE_USERS)
    return all(can(admin, Permission.MANAGE_USERS, path) for path in paths)


def require_manageable(admin, user):
    if not manageable_by(admin, user):
        raise ValidationError("该用户有您管辖范围以外的角色（或为您本人），您不能修改")


def _check_password(user, password):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


@transaction.atomic
def create_user(admin, username, password, role, org, **fields):
    require_manage(admin, org)
    model = get_user_model()
    if model.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用"})
    user = model(username=username, **fields)
    _check_password(user, password)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    save_by(user, admin)
    save_by(RoleAssignment(user=user, org=org, role=role), admin)
    return user


@transaction.atomic
def add_role(admin, user, role, org):
    require_manageable(admin, user)
    require_manage(admin, org)
    if RoleAssignment.objects.filter(user=user, org=org, role=role).exists():
        raise ValidationError({"role": "该用户已在该组织担任此角色"})
    assignment = save_by(RoleAssignment(user=user, org=org, role=role), admin)
    Scope.forget(user)
    return assignment


@transaction.atomic
def remove_role(admin, assignment):
    user = assignment.user
    require_manageable(admin, user)
    if user.role_assignments.count() == 1:
        raise ValidationError("这是该用户唯一的角色；不再使用该账号请停用")
    assignment._history_user = admin
    assignment.delete()
    Scope.forget(user)


@transaction.atomic
def deactivate_user(admin, user):
    require_manageable(admin, user)
    user.is_active = False
    save_by(user, admin, update_fields=["is_active"])


@transaction.atomic
def reactivate_user(admin, user):
    require_manageable(admin, user)
    user.is_active = True
    save_by(user, admin, update_fields=["is_active"])


@transaction.atomic
def set_password(admin, user, password):
    require_manageable(admin, user)
    _check_password(user, password)
    user.set_password(password)
    save_by(user, admin, update_fields=["password"])
