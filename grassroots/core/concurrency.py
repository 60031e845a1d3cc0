"""Integrity under concurrent writes (docs/security/concurrency.md).

A rule that reads before it writes ("the term has no secretary yet", "the member has not
moved yet") holds only if nobody writes in between: `lock` takes the row's lock for the rest
of the caller's transaction and reads its state afresh. What no row lock can hold (a unique
constraint on rows being inserted) the database holds; a write that loses that way, or that
waits too long for a lock, is a `write_conflict` that the API and the pages answer with a
400 and `CONFLICT_MESSAGE`, never a 500.
"""

from django.db import IntegrityError, OperationalError

CONFLICT_MESSAGE = "数据已被他人同时修改，本次提交未保存，请刷新页面后重试"

# OperationalErrors that mean "another writer got in the way": SQLite gave up waiting for its
# lock (settings: busy timeout), PostgreSQL broke a deadlock by aborting this transaction.
_LOST_RACE = ("database is locked", "deadlock detected")


def lock(obj, *fields):
    """Lock `obj`'s row until the transaction ends and re-read `fields` into `obj` (which may
    have been read before another request changed them). SQLite has no row locks: there the
    immediate transaction (settings) already holds the whole database."""
    manager = type(obj)._default_manager
    values = manager.select_for_update().values(*fields).get(pk=obj.pk)
    for name, value in values.items():
        setattr(obj, name, value)
    return obj


def write_conflict(exc):
    """Whether `exc` is a write refused because a concurrent one got there first."""
    if isinstance(exc, IntegrityError):
        return True
    return isinstance(exc, OperationalError) and any(s in str(exc) for s in _LOST_RACE)
