"""The demo served by `make run`: DEBUG off (the site's own error pages, no URL list or
traceback), static files served by the app process straight from the source folders."""

from .base import *  # noqa: F403

DEBUG = False
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]  # noqa: F405
WHITENOISE_USE_FINDERS = True  # no collectstatic needed
WHITENOISE_AUTOREFRESH = True  # files looked up per request: no STATIC_ROOT to scan at start
