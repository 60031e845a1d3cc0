"""The one place that decides who sees and changes what.

A user's roles are assignments of a role to an organisation; each role covers that
organisation's whole subtree and carries a set of permissions. Every page, API endpoint,
export and picker reads through a model's `visible_to` (`ScopedQuerySet`, or
`visible_or_404` for one object) and asks `can()` before a change.
"""

from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404

from .choices import Permission, Role


def parent_path(path):
    """The path of the organisation above ("/1/5/23/" → "/1/5/"), or None at the root."""
    trimmed = path.rstrip("/")
    return trimmed[: trimmed.rfind("/") + 1] if trimmed.count("/") > 1 else None


# Every role but the third-party evaluator sees the people of its subtree (ROSTER); the
# evaluator sees organisations and enters survey results (docs/decisions/0013).
ROLE_PERMISSIONS = {
    Role.VIEWER: {Permission.VIEW, Permission.ROSTER},
    Role.CLERK: {Permission.VIEW, Permission.ROSTER, Permission.EDIT, Permission.PERSONAL_DATA},
    Role.REVIEWER: {Permission.VIEW, Permission.ROSTER, Permission.APPROVE},
    Role.ADMIN: {
        Permission.VIEW,
        Permission.ROSTER,
        Permission.EDIT,
        Permission.PERSONAL_DATA,
        Permission.MANAGE_USERS,
    },
    Role.EVALUATOR: {Permission.VIEW, Permission.EVALUATE},
}


def naming_people(permission):
    """The permission to read records that name members (the roster, committee posts,
    attendance, candidates, reports) under: ROSTER where the caller asks for VIEW."""
    return Permission.ROSTER if permission == Permission.VIEW else permission


def minimal_prefixes(paths):
    """Drop paths that lie inside another path of the list."""
    kept = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


class Scope:
    """The subtrees (as path prefixes) a user holds each permission for."""

    _CACHE_ATTR = "_grassroots_scope"

    def __init__(self, prefixes_by_permission, unrestricted=()):
        # The permissions held over every organisation, whatever the tree (a superuser's).
        self.unrestricted = frozenset(unrestricted)
        self.prefixes = {
            perm: minimal_prefixes(paths) for perm, paths in prefixes_by_permission.items()
        }

    @classmethod
    def of(cls, user):
        """The user's scope, computed once per user object (one query per request)."""
        cached = getattr(user, cls._CACHE_ATTR, None)
        if cached is not None:
            return cached
        if not user.is_authenticated or not user.is_active:
            scope = cls({})
        elif user.is_superuser:
            scope = cls({}, unrestricted=Permission)
        else:
            from .models import RoleAssignment

            by_permission = {}
            for role, path in RoleAssignment.objects.filter(user=user).values_list(
                "role", "org__path"
            ):
                for perm in ROLE_PERMISSIONS[role]:
                    by_permission.setdefault(perm, []).append(path)
            scope = cls(by_permission)
        setattr(user, cls._CACHE_ATTR, scope)
        return scope

    @classmethod
    def forget(cls, user):
        if hasattr(user, cls._CACHE_ATTR):
            delattr(user, cls._CACHE_ATTR)

    def is_unrestricted(self, permission):
        return permission in self.unrestricted

    def paths(self, permission):
        return self.prefixes.get(permission, [])

    def q(self, permission, field):
        """A filter limiting `field` (an organisation path) to the permitted subtrees."""
        if self.is_unrestricted(permission):
            return Q()
        prefixes = self.paths(permission)
        if not prefixes:
            return Q(pk__in=[])
        condition = Q()
        for prefix in prefixes:
            condition |= Q(**{f"{field}__startswith": prefix})
        return condition

    def covers(self, permission, path):
        if self.is_unrestricted(permission):
            return True
        return any(path.startswith(prefix) for prefix in self.paths(permission))

    def reviews_from_above(self, upper_path):
        """A reviewer of the level above: the approve permission over `upper_path`, the
        organisation above the one reviewed (so held at a strict ancestor, never at the
        organisation itself); with nothing above, only an unrestricted scope."""
        if upper_path is None:
            return self.is_unrestricted(Permission.APPROVE)
        return self.covers(Permission.APPROVE, upper_path)

    def has_any(self, permission):
        return self.is_unrestricted(permission) or bool(self.paths(permission))


def can(user, permission, org):
    """Whether `user` holds `permission` over `org` (an organisation, or its path)."""
    path = org if isinstance(org, str) else org.path
    return Scope.of(user).covers(permission, path)


class ScopedQuerySet(models.QuerySet):
    """The gate of every model with an organisation: `Model.objects.visible_to(user,
    permission)` keeps the rows in the subtrees where the user holds the permission.

    A model configures `org_path`, the lookup from its rows to their organisation's path,
    and `names_people` for records naming members (viewing them needs the roster); a model
    reached some other way overrides `scope_condition`."""

    org_path = "org__path"
    names_people = False

    def visible_to(self, user, permission=Permission.VIEW):
        if self.names_people:
            permission = naming_people(permission)
        return self.filter(self.scope_condition(Scope.of(user), permission))

    def scope_condition(self, scope, permission):
        """The filter on this model's rows for `permission` within `scope`."""
        return scope.q(permission, self.org_path)

    def subtree(self, org):
        return self.filter(**{f"{self.org_path}__startswith": org.path})

    def path_of(self, obj):
        """The organisation path of one row: `org_path` followed on the object."""
        for part in self.org_path.split("__"):
            obj = getattr(obj, part)
        return obj


def visible(who, rows, permission=Permission.VIEW):
    """The rows of `rows` (a queryset or a model) that `who` (a request or a user) may see
    with `permission`: what every list starts from."""
    if isinstance(rows, type):
        rows = rows.objects.all()
    return rows.visible_to(getattr(who, "user", who), permission)


def visible_or_404(who, rows, pk, permission=Permission.VIEW):
    """The one row `pk` of `visible(who, rows, permission)`: another subtree answers 404,
    so its existence is not revealed."""
    return get_object_or_404(visible(who, rows, permission), pk=pk)
