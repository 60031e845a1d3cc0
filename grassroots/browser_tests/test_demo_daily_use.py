"""Daily use on the demo: every list a district clerk works from exports what it shows (the
filter kept, every page of it) and prints without the menu and filters; the rules corrected
from the seeds show on the demo's organisations: no term warnings on functional branches, no
secretary warnings on the social organisations seed 000 lets choose freely, monthly items
judged on pace while the year runs."""

import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from grassroots.orgs.choices import Category, OrgKind
from grassroots.orgs.demo import PASSWORD as DEMO_PASSWORD
from grassroots.orgs.models import Organization

from .helpers import log_in

pytestmark = pytest.mark.browser

# (list, a filter it keeps, the rows' selector on the page)
LISTS = [
    ("/members/", {"search": "王"}, None),
    ("/life/", {"type": "theme_day"}, None),
    ("/checks/", {"severity": "warning"}, "tr[data-code]"),
    ("/workflows/", {}, "tr[data-workflow]"),
    ("/assessments/", {}, "tr[data-assessment]"),
    ("/rectification/", {"status": "all"}, "tr[data-task]"),
]


def exported_rows(page):
    with page.expect_download() as info:
        page.locator("[data-export]").click()
    sheet = load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    return list(sheet.iter_rows(values_only=True))[1:]


def test_every_list_exports_what_it_shows_and_prints_bare(open_page, demo, shot):
    page = open_page()
    log_in(page, "district_clerk", DEMO_PASSWORD)
    for url, params, rows in LISTS:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        page.goto(f"{url}?{query}" if query else url)
        link = page.locator("[data-export]")
        for key, value in params.items():
            expect(link).to_have_attribute("href", re.compile(f"{key}={value}|{key}=%"))
        exported = exported_rows(page)
        assert exported, url
        if rows and not page.locator(".pagination").count():
            assert len(exported) == page.locator(rows).count(), url
    page.goto("/members/?search=王")
    names = {row[1] for row in exported_rows(page)}
    assert names and all("王" in name for name in names)
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("form[method=get]").first).to_be_hidden()
    expect(page.locator("table").first).to_be_visible()
    shot(page, "members-print")


def test_the_corrected_rules_show_on_the_demo(open_page, demo, shot):
    page = open_page()
    log_in(page, "city_admin", DEMO_PASSWORD)
    functional = set(
        Organization.objects.filter(kind=OrgKind.FUNCTIONAL_BRANCH).values_list("name", flat=True)
    )
    assert functional
    social = set(
        Organization.objects.filter(category=Category.SOCIAL_ORG).values_list("name", flat=True)
    )
    assert social
    for code, spared in [
        ("TERM_OVERDUE", functional),
        ("TERM_EXPIRING", functional),
        ("TERM_MISSING", functional),
        ("SECRETARY_NOT_HEAD", social),
    ]:
        page.goto(f"/checks/?code={code}")
        listed = page.locator("tr[data-code] td:first-child").all_inner_texts()
        assert not spared & set(listed), code
    shot(page, "checks")

    village = Organization.objects.get(name="马坊镇马坊村党支部")
    page.goto(f"/orgs/{village.pk}/standing/?standard=s000-village")
    today = timezone.localdate()
    if (today.month, today.day) != (12, 31):  # the last day judges the whole year
        expect(page.locator("main")).to_contain_text("按进度")
    shot(page, "village-standing")
