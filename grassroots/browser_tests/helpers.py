"""Viewports, the test password and logging in, shared by the browser journeys."""

import re

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}
PASSWORD = "Browser-pass-1"


def log_in(page, username, password=PASSWORD):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
