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


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def record_inspection(page, score):
    """Fill the open inspection form (a finding per method, the site one to rectify, a
    score and an opinion) and record it."""
    page.fill("[data-method='documents'] textarea", "“三会一课”记录齐全，台账规范。")
    page.fill("[data-method='site'] textarea", "党群服务中心标识不全。")
    page.locator("[data-method='site'] input[type=checkbox]").check()
    page.fill("[data-method='interviews'] textarea", "走访群众8户，反映良好。")
    page.fill("#id_score", str(score))
    page.fill("#id_opinion", "同意推荐。")
    no_sideways_scroll(page)
    page.click("#record-button")
