"""Login abuse and credential revocation.

Failed logins are counted by django-axes (settings AXES_*): per username at one address
(AXES_FAILURE_LIMIT) and per address whatever the username (LOGIN_MAX_FAILURES_PER_ADDRESS),
each lock lifting after AXES_COOLOFF_TIME. A new password or a deactivation ends every API
token (django-rest-knox) and browser session of the user."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db.models import Sum
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone
from knox.models import get_token_model
from rest_framework.throttling import BaseThrottle

LOCKED_MESSAGE = "登录失败次数过多，已暂时锁定，请稍后再试"


def client_address(request):
    """The client's address, read as DRF's throttles read it (REST_FRAMEWORK NUM_PROXIES):
    one rule for login locks and request throttles."""
    return BaseThrottle().get_ident(request)


def failure_limit(parameters):
    return (
        settings.LOGIN_MAX_FAILURES_PER_ADDRESS
        if parameters == "ip_address"
        else settings.AXES_FAILURE_LIMIT
    )


class LayeredLimitHandler(AxesDatabaseHandler):
    """axes compares every lockout parameter set with one limit. Here each set has its own
    (`failure_limit`): a set's failures are scaled so that they reach AXES_FAILURE_LIMIT
    exactly when they reach the set's own limit."""

    def get_failures(self, request, credentials=None):
        limit = settings.AXES_FAILURE_LIMIT
        sets = get_lockout_parameters(request, credentials)
        attempts = self.get_user_attempts(request, credentials)
        worst = 0
        for parameters, matching in zip(sets, attempts, strict=True):
            count = matching.aggregate(n=Sum("failures_since_start"))["n"] or 0
            worst = max(worst, count * limit // failure_limit(parameters))
        return worst

    def reset_user_attempts(self, request, credentials=None):
        """A successful login clears that username's failures at that address only: logging
        into one's own account must not wipe the address's failures on other accounts."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count


def refused_by_lock(request):
    """Whether axes refused (or has just locked) this login. The caller shows LOCKED_MESSAGE;
    `lockout_response` then keeps the caller's answer."""
    request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    if getattr(request, "axes_locked_out", False):
        request.lockout_explained = True
        return True
    return False


def lockout_response(request, original_response=None, credentials=None):
    """The answer to a locked-out login (axes middleware): our login page and token endpoint
    explain the lock themselves; any other login form (the admin's) gets a short Chinese
    page."""
    if original_response is not None and getattr(request, "lockout_explained", False):
        original_response.status_code = 429
        return original_response
    return HttpResponse(LOCKED_MESSAGE, status=429, content_type="text/plain; charset=utf-8")


def revoke_credentials(user):
    """End every API token and browser session of `user`."""
    get_token_model().objects.filter(user=user).delete()
    user_id = str(user.pk)
    stale = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now())
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(pk__in=stale).delete()


@receiver(post_save, sender=get_user_model())
def revoke_on_new_password_or_deactivation(sender, instance, created, update_fields, **kwargs):
    """Wherever it happens (user management, admin, ensure_admin, changepassword): a new
    password or a deactivation revokes the user's tokens and sessions. `_password` is set
    only by set_password (not by Django re-hashing a correct password at login)."""
    if created:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    if instance._password is not None or not instance.is_active:
        revoke_credentials(instance)
