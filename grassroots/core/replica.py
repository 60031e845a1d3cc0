"""Reads on the streaming replica where they are marked safe (decision 0035).

Installed only when `REPLICA_DATABASE_URL` names a replica (settings.base); with none, no
router runs and every query goes to the primary, as before. A read goes to the replica only
inside `on_replica()` (statistics, exports), and never when the user may be looking for what
they have just written: inside a transaction of the primary, after a write in the same
request, or for a few seconds after one of their writing requests (the replica lags). A replica
that cannot be reached is left alone for a while and the primary answers.
"""

import contextlib
import contextvars
import logging
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "primary_until"
PIN_SECONDS = 10  # far longer than the lag of a healthy streaming replica
RETRY_SECONDS = 30  # a replica that failed to connect is tried again after this

_safe = contextvars.ContextVar("replica_safe", default=False)
_wrote = contextvars.ContextVar("replica_wrote", default=False)
_pinned = contextvars.ContextVar("replica_pinned", default=False)
_down_until = 0.0


class on_replica(contextlib.ContextDecorator):
    """Reads inside (a block or a decorated view) may be served by the replica."""

    def __enter__(self):
        self._token = _safe.set(True)
        return self

    def __exit__(self, *exc):
        _safe.reset(self._token)
        return False


def _replica_usable():
    global _down_until
    if time.monotonic() < _down_until:
        return False
    conn = connections[REPLICA]
    try:
        # A reused connection to a replica that has since stopped fails this check
        # (CONN_HEALTH_CHECKS), and so does connecting to one that is down.
        conn.close_if_health_check_failed()
        conn.ensure_connection()
    except DatabaseError as error:
        _down_until = time.monotonic() + RETRY_SECONDS
        logger.warning("Replica unavailable, reading from the primary: %s", error)
        return False
    return True


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            not _safe.get()
            or _wrote.get()
            or _pinned.get()
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA if _replica_usable() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaPinMiddleware:
    """The requests of a user who has just written read from the primary: a writing request
    sets a short-lived cookie, and each request starts with no write seen."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            pinned = float(request.COOKIES.get(PIN_COOKIE, 0)) > time.time()
        except ValueError:
            pinned = False
        tokens = _pinned.set(pinned), _wrote.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get() or request.method not in ("GET", "HEAD", "OPTIONS"):
                response.set_cookie(
                    PIN_COOKIE,
                    str(int(time.time()) + PIN_SECONDS),
                    max_age=PIN_SECONDS,
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
            return response
        finally:
            _pinned.reset(tokens[0])
            _wrote.reset(tokens[1])
