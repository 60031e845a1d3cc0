"""Masking that holds: for a reader without the personal-data permission, nothing shown of a
member (pages, API, history, Excel, documents) narrows the ID number to fewer than 10
candidates. The masked number keeps the region (6) and the last 4 characters; the hidden 8
are the birth date, so the check is done as an outsider would: every birth date the shown
data leaves open is tried, and the candidates whose records would look exactly the same to
the reader are counted. A clerk, who may see everything, tells them apart."""

import datetime
import io
import re

import pytest
from django.test import Client
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from rest_framework.test import APIClient

from grassroots.core.choices import Role
from grassroots.core.identifiers import (
    build_citizen_id,
    citizen_id_check_char,
    mask_id_number,
)
from grassroots.documents.adapters import roster_of
from grassroots.documents.renderers import render_roster
from grassroots.orgs import services
from grassroots.orgs.models import Member

ENOUGH = 10
JOINING_AGE = 18  # party constitution: an outsider knows members joined at 18 or older


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def candidates(masked, first, last):
    """Every valid ID number (GB 11643 check character) with the masked number's region and
    last 4 characters and a birth date from `first` to `last`: (birth date, number)."""
    region, sequence, check = masked[:6], masked[-4:-1], masked[-1]
    day = first
    while day <= last:
        first17 = f"{region}{day:%Y%m%d}{sequence}"
        if citizen_id_check_char(first17) == check:
            yield day, first17 + check
        day += datetime.timedelta(days=1)


def open_range(birth, joined_year):
    """The birth dates an outsider who sees the birth and joining years cannot rule out:
    within the birth year, and not later than the last day of the joining year 18 years
    earlier (members join at 18 or older)."""
    latest = datetime.date(joined_year - JOINING_AGE, 12, 31)
    return datetime.date(birth.year, 1, 1), min(datetime.date(birth.year, 12, 31), latest)


# --- pure: the masked number and the birth year ------------------------------------------------


@given(
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2010, 12, 31)),
    st.integers(0, 999),
    st.sampled_from(["110105", "630102", "510104"]),
)
def test_masked_number_and_birth_year_leave_enough_candidates(birth, sequence, region):
    masked = mask_id_number(build_citizen_id(region, birth, sequence))
    year = datetime.date(birth.year, 1, 1), datetime.date(birth.year, 12, 31)
    assert len(list(candidates(masked, *year))) >= 32


@given(
    st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2006, 12, 31)),
    st.integers(0, 20 * 366),
    st.integers(0, 999),
)
def test_the_joining_year_does_not_narrow_the_birth_year(birth, days_after_18, sequence):
    """Joined on turning 18 or later, even in the first days of that year: the joining
    year, all that is shown of the date, rules out no day of the birth year."""
    joined_on = add_years(birth, JOINING_AGE) + datetime.timedelta(days=days_after_18)
    masked = mask_id_number(build_citizen_id("110105", birth, sequence))
    assert len(list(candidates(masked, *open_range(birth, joined_on.year)))) >= 32


# --- everything a reader is shown --------------------------------------------------------------

# CSRF tokens differ from one response to the next.
TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def shown_to(user, member_pk, branch):
    """Everything the platform shows `user` of the member, as comparable values."""
    api, web = APIClient(), Client()
    api.force_authenticate(user)
    web.force_login(user)
    member = Member.objects.select_related("org").get(pk=member_pk)

    def page(url):
        response = web.get(url)
        assert response.status_code == 200
        return TOKEN.sub("", response.content.decode())

    export = api.get(f"/api/v1/members/export/?ancestor={branch.pk}")
    assert export.status_code == 200
    workbook = load_workbook(io.BytesIO(export.content), read_only=True)
    roster = Document(io.BytesIO(render_roster(roster_of(branch.name, [member], user))))
    return {
        "api detail": api.get(f"/api/v1/members/{member_pk}/").json(),
        "api list": api.get(f"/api/v1/members/?org={branch.pk}").json(),
        "api history": api.get(f"/api/v1/members/{member_pk}/history/").json(),
        "excel": list(workbook.worksheets[0].iter_rows(values_only=True)),
        "member page": page(f"/members/{member_pk}/"),
        "member list": page(f"/members/?ancestor={branch.pk}"),
        "organisation page": page(f"/orgs/{branch.pk}/"),
        "roster": [cell.text for table in roster.tables for cell in table._cells],
    }


def as_if_born(member, day, number):
    """The records as they would be had the member been born on `day` with ID `number`
    (the history included: its records carry the same fields)."""
    for rows in (Member.objects.filter(pk=member.pk), Member.history.filter(id=member.pk)):
        rows.update(birth_date=day, id_number=number)


def indistinguishable(user, member, branch, limit):
    """The candidate numbers whose records `user` could not tell from the real ones (up
    to `limit`)."""
    real = shown_to(user, member.pk, branch)
    masked = mask_id_number(member.id_number)
    alike = []
    for day, number in candidates(masked, *open_range(member.birth_date, member.joined_on.year)):
        as_if_born(member, day, number)
        if shown_to(user, member.pk, branch) == real:
            alike.append(number)
            if len(alike) == limit:
                break
    as_if_born(member, member.birth_date, member.id_number)
    return alike


@pytest.fixture
def member_of(make_member, make_user, city):
    def make(birth, joined_on):
        member = make_member(
            city["east_branch"],
            name="王建华",
            birth_date=birth,
            joined_on=joined_on,
            confirmed_on=add_years(joined_on, 1),
        )
        clerk = make_user(role=Role.CLERK, org=city["east"])
        # A change in the history, and a phone.
        services.update_member(clerk, member, phone="13812345678")
        return member

    return make


@pytest.mark.parametrize(
    "birth, joined_on",
    [
        (datetime.date(1985, 6, 17), datetime.date(2010, 7, 1)),
        (datetime.date(1990, 12, 30), datetime.date(2009, 1, 2)),
        # Joined early in the year of turning 18: a full joining date would bound the
        # birthday to the first 20 days of the year (docs/decisions/0013).
        (datetime.date(1990, 1, 5), datetime.date(2008, 1, 20)),
    ],
)
@pytest.mark.parametrize("role", [Role.VIEWER, Role.REVIEWER])
def test_what_a_reader_sees_leaves_ten_numbers(member_of, make_user, city, birth, joined_on, role):
    member = member_of(birth, joined_on)
    reader = make_user(role=role, org=city["east"])
    alike = indistinguishable(reader, member, city["east_branch"], ENOUGH)
    assert len(alike) == ENOUGH
    text = repr(shown_to(reader, member.pk, city["east_branch"]))
    assert member.id_number not in text and mask_id_number(member.id_number) in text


def test_a_clerk_tells_the_real_number_apart(member_of, make_user, city):
    """The check above finds a leak where there is one: everything shows for a clerk."""
    member = member_of(datetime.date(1985, 6, 17), datetime.date(2010, 7, 1))
    clerk = make_user(role=Role.CLERK, org=city["east"])
    assert indistinguishable(clerk, member, city["east_branch"], 2) == [member.id_number]


def test_a_clerk_sees_every_field(member_of, make_user, city):
    member = member_of(datetime.date(1985, 6, 17), datetime.date(2010, 7, 1))
    clerk = make_user(role=Role.CLERK, org=city["east"])
    shown = shown_to(clerk, member.pk, city["east_branch"])
    detail = shown["api detail"]
    assert (detail["id_number"], detail["birth_date"], detail["birth_year"]) == (
        member.id_number,
        "1985-06-17",
        1985,
    )
    assert detail["phone"] == "13812345678"
    assert member.id_number in shown["member page"] and "1985年6月17日" in shown["member page"]
    assert "1985-06-17" in shown["member list"]
    header, row = shown["excel"]
    assert row[header.index("出生日期")].date() == member.birth_date
    assert row[header.index("公民身份号码")] == member.id_number
    assert "1985.06.17" in shown["roster"] and member.id_number in shown["roster"]
    changes = {c["field"]: c["after"] for e in shown["api history"] for c in e["changes"]}
    assert changes["出生日期"] == "1985-06-17"


def test_a_clerk_sees_the_joining_and_confirmation_dates(member_of, make_user, city):
    member = member_of(datetime.date(1985, 6, 17), datetime.date(2010, 7, 1))
    clerk = make_user(role=Role.CLERK, org=city["east"])
    shown = shown_to(clerk, member.pk, city["east_branch"])
    detail = shown["api detail"]
    assert [detail[f] for f in ("joined_on", "joined_year", "confirmed_on", "confirmed_year")] == [
        "2010-07-01",
        2010,
        "2011-07-01",
        2011,
    ]
    assert "2010年7月1日" in shown["member page"] and "2011年7月1日" in shown["member page"]
    assert "2010-07-01" in shown["member list"]
    header, row = shown["excel"]
    assert row[header.index("入党时间")].date() == datetime.date(2010, 7, 1)
    assert row[header.index("转正时间")].date() == datetime.date(2011, 7, 1)
    assert "2010.07.01" in shown["roster"] and "2011.07.01" in shown["roster"]
    changes = {c["field"]: c["after"] for e in shown["api history"] for c in e["changes"]}
    assert (changes["入党时间"], changes["转正时间"]) == ("2010-07-01", "2011-07-01")


def test_a_viewer_sees_the_year(member_of, make_user, city):
    member = member_of(datetime.date(1985, 6, 17), datetime.date(2010, 7, 1))
    viewer = make_user(role=Role.VIEWER, org=city["east"])
    shown = shown_to(viewer, member.pk, city["east_branch"])
    assert (shown["api detail"]["birth_date"], shown["api detail"]["birth_year"]) == (None, 1985)
    header, row = shown["excel"]
    assert row[header.index("出生日期")] == "1985年"
    assert "1985年" in shown["roster"]
    changes = {c["field"]: c["after"] for e in shown["api history"] for c in e["changes"]}
    assert changes["出生日期"] == "1985年"


def test_a_viewer_sees_the_joining_and_confirmation_years(member_of, make_user, city):
    member = member_of(datetime.date(1985, 6, 17), datetime.date(2010, 7, 1))
    viewer = make_user(role=Role.VIEWER, org=city["east"])
    shown = shown_to(viewer, member.pk, city["east_branch"])
    detail = shown["api detail"]
    assert [detail[f] for f in ("joined_on", "joined_year", "confirmed_on", "confirmed_year")] == [
        None,
        2010,
        None,
        2011,
    ]
    listed = shown["api list"]["results"][0]
    assert (listed["joined_on"], listed["joined_year"]) == (None, 2010)
    header, row = shown["excel"]
    assert (row[header.index("入党时间")], row[header.index("转正时间")]) == ("2010年", "2011年")
    assert "2010年" in shown["roster"] and "2011年" in shown["roster"]
    changes = {c["field"]: c["after"] for e in shown["api history"] for c in e["changes"]}
    assert (changes["入党时间"], changes["转正时间"]) == ("2010年", "2011年")
    text = repr(shown)
    for day in (datetime.date(2010, 7, 1), datetime.date(2011, 7, 1)):
        for written in (day.isoformat(), f"{day:%Y.%m.%d}", f"{day.year}年{day.month}月"):
            assert written not in text


def test_a_probationary_member_has_no_confirmation_year(make_member, make_user, city):
    member = make_member(city["east_branch"], status="probationary")
    viewer = make_user(role=Role.VIEWER, org=city["east"])
    client = APIClient()
    client.force_authenticate(viewer)
    detail = client.get(f"/api/v1/members/{member.pk}/").json()
    assert (detail["confirmed_on"], detail["confirmed_year"]) == (None, None)
    page = Client()
    page.force_login(viewer)
    html = page.get(f"/members/{member.pk}/").content.decode()
    assert re.search(r'data-field="confirmed_on">—<', html)


def test_the_schema_says_birth_date_may_be_null(make_user):
    client = APIClient()
    client.force_authenticate(make_user(is_superuser=True))
    schema = client.get("/api/schema/?format=json").json()
    fields = schema["components"]["schemas"]["Member"]["properties"]
    assert fields["birth_date"]["nullable"] is True
    assert fields["birth_year"] == {
        "type": "integer",
        "readOnly": True,
        "description": fields["birth_year"]["description"],
    }


def test_the_schema_says_joining_and_confirmation_dates_may_be_null(make_user):
    client = APIClient()
    client.force_authenticate(make_user(is_superuser=True))
    schema = client.get("/api/schema/?format=json").json()
    fields = schema["components"]["schemas"]["Member"]["properties"]
    assert fields["joined_on"]["nullable"] is fields["confirmed_on"]["nullable"] is True
    assert "joined_year" in fields["joined_on"]["description"]
    assert fields["joined_year"] == {
        "type": "integer",
        "readOnly": True,
        "description": fields["joined_year"]["description"],
    }
    assert fields["confirmed_year"] == {
        "type": "integer",
        "readOnly": True,
        "nullable": True,
        "description": fields["confirmed_year"]["description"],
    }


# --- the evaluator sees no people; another subtree sees nothing ---------------------------------


@pytest.fixture
def committee_member(member_of, make_user, city):
    member = member_of(datetime.date(1985, 6, 17), datetime.date(2010, 7, 1))
    clerk = make_user(role=Role.CLERK, org=city["east"])
    term = services.start_term(clerk, org=city["east_branch"], started_on=datetime.date(2024, 1, 1))
    services.appoint_post(
        clerk, term=term, member=member, post="secretary", started_on=datetime.date(2024, 1, 1)
    )
    return member


def test_the_evaluator_sees_no_member_anywhere(committee_member, make_user, city):
    evaluator = make_user(role=Role.EVALUATOR, org=city["root"])
    api, web = APIClient(), Client()
    api.force_authenticate(evaluator)
    web.force_login(evaluator)
    pk, branch = committee_member.pk, city["east_branch"]
    assert api.get("/api/v1/members/").json()["count"] == 0
    assert api.get(f"/api/v1/members/?ancestor={city['root'].pk}").json()["count"] == 0
    assert api.get(f"/api/v1/members/{pk}/").status_code == 404
    assert api.get(f"/api/v1/members/{pk}/history/").status_code == 404
    assert api.get("/api/v1/posts/").json()["count"] == 0
    assert api.get("/api/v1/memberships/").json()["count"] == 0
    assert api.get(f"/api/v1/orgs/{branch.pk}/committee/").json()["posts"] == []
    export = api.get("/api/v1/members/export/")
    assert export.status_code == 403 and export.json() == {"detail": "您没有查看党员名册的权限"}
    assert web.get("/excel/export/members.xlsx").status_code == 403
    assert web.get(f"/members/{pk}/").status_code == 404
    assert web.get(f"/orgs/{branch.pk}/life/").status_code == 404
    pages = [f"/members/?ancestor={branch.pk}", f"/orgs/{branch.pk}/", "/excel/", "/"]
    pages.append(f"/pick/members/?org={branch.pk}&q=王")
    for url in pages:
        response = web.get(url)
        assert response.status_code == 200, url
        assert committee_member.name not in response.content.decode(), url
    # Organisations stay in view: the third party evaluates them.
    assert api.get(f"/api/v1/orgs/{branch.pk}/").status_code == 200


def test_another_subtree_sees_nothing_of_the_member(committee_member, make_user, city):
    west_viewer = make_user(role=Role.VIEWER, org=city["west"])
    api = APIClient()
    api.force_authenticate(west_viewer)
    assert api.get(f"/api/v1/members/{committee_member.pk}/").status_code == 404
    assert api.get(f"/api/v1/members/{committee_member.pk}/history/").status_code == 404
    assert api.get("/api/v1/members/").json()["count"] == 0
    export = api.get("/api/v1/members/export/")
    rows = list(load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1  # the header only
    assert api.get(f"/api/v1/members/export/?ancestor={city['east'].pk}").status_code == 404
