"""The one place that decides who sees and changes what.

A user's roles are assignments of a role to an organisation; each role covers that
organisation's whole subtree and carries a set of permissions. Every page, API endpoint,
export and picker filters through `Scope.q()` (via each model's `visible_to`) or asks
`Scope.covers()` for one object.
"""

from django.db.models import Q

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

    def __init__(self, prefixes_by_permission, unrestricted=False):
        self.unrestricted = unrestricted
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
            scope = cls({}, unrestricted=True)
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
        return self.unrestricted

    def paths(self, permission):
        return self.prefixes.get(permission, [])

    def q(self, permission, field):
        """A filter limiting `field` (an organisation path) to the permitted subtrees."""
        if self.unrestricted:
            return Q()
        prefixes = self.paths(permission)
        if not prefixes:
            return Q(pk__in=[])
        condition = Q()
        for prefix in prefixes:
            condition |= Q(**{f"{field}__startswith": prefix})
        return condition

    def covers(self, permission, path):
        if self.unrestricted:
            return True
        return any(path.startswith(prefix) for prefix in self.paths(permission))

    def reviews_from_above(self, upper_path):
        """A reviewer of the level above: the approve permission over `upper_path`, the
        organisation above the one reviewed (so held at a strict ancestor, never at the
        organisation itself); with nothing above, only an unrestricted scope."""
        if upper_path is None:
            return self.unrestricted
        return self.covers(Permission.APPROVE, upper_path)

    def has_any(self, permission):
        return self.unrestricted or bool(self.paths(permission))
