"""The Content-Security-Policy header, and templates that need nothing it forbids."""

import re

import pytest
from django.conf import settings

INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def policy(response):
    parts = [part.split() for part in response["Content-Security-Policy"].split(";")]
    return {part[0]: part[1:] for part in parts}


@pytest.mark.parametrize("url", ["/login/", "/no-such-page/", "/api/docs/"])
def test_every_page_carries_the_policy(client, db, url):
    directives = policy(client.get(url))
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    # Nothing widens scripts or styles beyond our own files.
    assert "script-src" not in directives and "style-src" not in directives


def test_a_logged_in_page_carries_it_too(client, make_user):
    client.force_login(make_user(is_superuser=True))
    response = client.get("/")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_templates_have_no_inline_code():
    found = []
    for template in settings.PACKAGE_DIR.rglob("templates/**/*.html"):
        text = template.read_text()
        for what, pattern in INLINE.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(settings.PACKAGE_DIR)}:{line}: {what}")
    assert found == []


def test_htmx_is_told_not_to_inject_styles_or_eval(client, db):
    html = client.get("/login/").content.decode()
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html
