"""Authentication that locks an account after repeated failed logins."""

import datetime

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils import timezone

from .models import LoginLock

LOCKED_MESSAGE = "登录失败次数过多，账号已临时锁定，请稍后再试"


def is_locked(username, now=None):
    now = now or timezone.now()
    return LoginLock.objects.filter(username=username, locked_until__gt=now).exists()


def record_failure(username, now=None):
    now = now or timezone.now()
    lock, _ = LoginLock.objects.get_or_create(username=username)
    LoginLock.objects.filter(pk=lock.pk).update(failures=F("failures") + 1)
    lock.refresh_from_db()
    if lock.failures >= settings.LOGIN_MAX_FAILURES:
        lock.locked_until = now + datetime.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        lock.failures = 0
        lock.save(update_fields=["locked_until", "failures"])


def record_success(username):
    LoginLock.objects.filter(username=username).update(failures=0, locked_until=None)


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if username and is_locked(username):
            # PermissionDenied stops Django trying further backends and fires
            # user_login_failed; the login form shows LOCKED_MESSAGE.
            raise PermissionDenied(LOCKED_MESSAGE)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if username:
            if user is None:
                record_failure(username)
            else:
                record_success(username)
        return user
