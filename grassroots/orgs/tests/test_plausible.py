"""Plausible data: dates of party life (joining at 18 or older, nothing before birth, the
Party's founding or the member's joining, nothing in the future that has to have happened),
names without control or bidirectional characters through the form, the API and the Excel
import, and no empty history entries."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from grassroots.core.choices import Role
from grassroots.core.history import history_entries
from grassroots.core.identifiers import build_citizen_id
from grassroots.orgs import services
from grassroots.orgs.choices import Gender, LeaveReason, MemberStatus
from grassroots.orgs.excel import imports as excel
from grassroots.orgs.models import Member, Organization, Transfer
from grassroots.orgs.rules import (
    JOINING_AGE,
    completed_years,
    date_error,
    joining_age_error,
    member_field_errors,
)

from .workbooks import TODAY, errors_of, org_file, org_row

D = datetime.date
DAY = datetime.timedelta(days=1)
BAD_CHARACTERS = ["\r", "\n", "\u202e", "\u2066", "\x00"]


def eighteenth_birthday(birth):
    try:
        return birth.replace(year=birth.year + JOINING_AGE)
    except ValueError:  # born on 29 February: 18 full years end on 28 February
        return D(birth.year + JOINING_AGE, 3, 1)


# --- the rules --------------------------------------------------------------------------------


@given(st.dates(D(1900, 1, 1), D(2008, 12, 31)), st.integers(0, 40 * 366))
def test_joining_age_follows_full_years(birth, days):
    joined = birth + datetime.timedelta(days=days)
    refused = joining_age_error(birth, joined) is not None
    assert refused == (completed_years(birth, joined) < JOINING_AGE)


@given(st.dates(D(1900, 1, 1), D(2008, 12, 31)))
def test_joining_on_the_eighteenth_birthday_and_not_a_day_earlier(birth):
    birthday = eighteenth_birthday(birth)
    assert joining_age_error(birth, birthday) is None
    assert "年满18周岁" in joining_age_error(birth, birthday - DAY)


def test_born_on_29_february_is_18_on_1_march_of_a_common_year():
    assert completed_years(D(2004, 2, 29), D(2022, 2, 28)) == 17
    assert completed_years(D(2004, 2, 29), D(2022, 3, 1)) == 18
    assert completed_years(D(2004, 2, 29), D(2024, 2, 29)) == 20


def test_member_dates():
    def errors(**changes):
        values = {
            "id_number": "",
            "birth_date": D(1980, 5, 1),
            "joined_on": D(2005, 7, 1),
            "confirmed_on": D(2006, 7, 1),
            "status": MemberStatus.FULL,
            "today": D(2026, 6, 30),
            "work_started_on": D(2002, 9, 1),
        }
        return member_field_errors(**{**values, **changes})

    assert errors() == {}
    assert errors(joined_on=D(1800, 1, 1)) == {
        "joined_on": ["入党时间不能早于1921年7月1日（中国共产党成立之日）"]
    }
    assert errors(joined_on=D(1979, 1, 1), confirmed_on=None) == {
        "joined_on": ["入党时间不能早于出生日期"]
    }
    assert errors(joined_on=D(2026, 7, 1), confirmed_on=None) == {
        "joined_on": ["入党时间不能晚于今天"]
    }
    assert errors(confirmed_on=D(2026, 7, 1)) == {"confirmed_on": ["转正时间不能晚于今天"]}
    assert errors(birth_date=D(1899, 12, 31), joined_on=D(1930, 1, 1)) == {
        "birth_date": ["出生日期不能早于1900年1月1日"]
    }
    assert errors(work_started_on=D(1980, 4, 30)) == {
        "work_started_on": ["参加工作时间不能早于出生日期"]
    }


def test_date_error_bounds():
    today = D(2026, 6, 30)
    assert date_error(today, "转接日期", today) is None
    assert date_error(today + DAY, "转接日期", today) == "转接日期不能晚于今天"
    assert date_error(today + DAY, "任职日期", None) is None  # may be entered in advance
    assert date_error(D(1921, 7, 1), "成立日期", today) is None
    assert date_error(D(1921, 6, 30), "成立日期", today).startswith("成立日期不能早于1921年7月1日")
    after = [(D(2005, 7, 1), "入党时间")]
    assert date_error(D(2005, 7, 1), "离开日期", today, after=after) is None
    assert date_error(D(2005, 6, 30), "离开日期", today, after=after) == "离开日期不能早于入党时间"


# --- through the services, the pages and the API -------------------------------------------


@pytest.fixture
def clerk(make_user, city):
    return make_user("plausible_clerk", role=Role.CLERK, org=city["east"])


def new_member(clerk, org, birth, joined, **extra):
    return services.create_member(
        clerk,
        name="新党员",
        gender=Gender.FEMALE,
        birth_date=birth,
        id_number=build_citizen_id("110105", birth, 7),
        joined_on=joined,
        status=MemberStatus.PROBATIONARY,
        org=org,
        **extra,
    )


def test_joining_at_17_years_364_days_is_refused_at_18_accepted(clerk, city):
    birth = D(2000, 3, 1)
    with pytest.raises(ValidationError) as error:
        new_member(clerk, city["east_branch"], birth, D(2018, 2, 28))
    assert error.value.message_dict == {
        "joined_on": ["入党时应年满18周岁（党章第一条），按出生日期入党时为17周岁"]
    }
    assert not Member.objects.filter(name="新党员").exists()
    assert new_member(clerk, city["east_branch"], birth, D(2018, 3, 1)).pk


def test_transfer_dated_1800_or_before_joining_is_refused(clerk, city, make_member):
    member = make_member(city["east_branch"], joined_on=D(2000, 7, 1))
    target = Organization.objects.create(
        name="东区另一支部", parent=city["east"], kind="branch", category="community"
    )
    for day, message in [
        (D(1800, 1, 1), "转接日期不能早于1921年7月1日（中国共产党成立之日）"),
        (D(2000, 6, 30), "转接日期不能早于入党时间"),
        (datetime.date.today() + DAY, "转接日期不能晚于今天"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.transfer_member(clerk, member, target, day)
        assert error.value.message_dict == {"transferred_on": [message]}
    member.refresh_from_db()
    assert member.org == city["east_branch"]
    assert not Transfer.objects.exists()


def test_leaving_before_joining_is_refused(clerk, city, make_member):
    member = make_member(city["east_branch"], joined_on=D(2000, 7, 1))
    with pytest.raises(ValidationError) as error:
        services.record_member_leaving(clerk, member, D(1999, 1, 1), LeaveReason.DECEASED)
    assert error.value.message_dict == {"left_on": ["离开日期不能早于入党时间"]}


def test_api_refuses_a_future_joining_date_and_a_transfer_of_1800(api, city, make_member):
    client = api(Role.CLERK, city["east"])
    birth = D(1990, 1, 1)
    payload = {
        "name": "未来党员",
        "gender": "male",
        "birth_date": birth.isoformat(),
        "id_number": build_citizen_id("110105", birth, 9),
        "joined_on": (datetime.date.today() + DAY).isoformat(),
        "status": "probationary",
        "org": city["east_branch"].pk,
    }
    response = client.post("/api/v1/members/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"joined_on": ["入党时间不能晚于今天"]}
    assert not Member.objects.filter(name="未来党员").exists()

    member = make_member(city["east_branch"])
    other = Organization.objects.create(
        name="东区第三支部", parent=city["east"], kind="branch", category="community"
    )
    response = client.post(
        f"/api/v1/members/{member.pk}/transfer/",
        {"to_org": other.pk, "transferred_on": "1800-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["transferred_on"]
    assert not Transfer.objects.exists()


def test_organisation_founded_before_1921_or_in_the_future_is_refused(api, city):
    client = api(Role.CLERK, city["east"])
    for day in ("1800-01-01", (datetime.date.today() + DAY).isoformat()):
        payload = {
            "name": "古老支部",
            "kind": "branch",
            "category": "community",
            "parent": city["east"].pk,
            "established_on": day,
        }
        response = client.post("/api/v1/orgs/", payload, format="json")
        assert response.status_code == 400
        assert list(response.json()) == ["established_on"]
    assert not Organization.objects.filter(name="古老支部").exists()


# --- names without control or bidirectional characters -------------------------------------


@pytest.mark.parametrize("char", BAD_CHARACTERS)
def test_form_refuses_a_name_with_a_hidden_character(client, clerk, city, char):
    client.force_login(clerk)
    response = client.post(
        reverse("org-create", args=[city["east"].pk]),
        {"name": f"东区{char}新支部", "kind": "branch", "category": "community"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not Organization.objects.filter(
        name__startswith="东区", name__endswith="新支部"
    ).exists()


@pytest.mark.parametrize("char", BAD_CHARACTERS)
def test_api_refuses_a_name_with_a_hidden_character(api, city, make_member, char):
    client = api(Role.CLERK, city["east"])
    payload = {"name": f"东区{char}新支部", "kind": "branch", "category": "community"}
    response = client.post("/api/v1/orgs/", {**payload, "parent": city["east"].pk}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["name"]
    assert not Organization.objects.filter(name__endswith="新支部").exists()

    member = make_member(city["east_branch"], name="王东")
    response = client.patch(f"/api/v1/members/{member.pk}/", {"name": f"王{char}东"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["name"]
    member.refresh_from_db()
    assert member.name == "王东"


def test_multiline_text_keeps_its_line_breaks_but_not_bidirectional_characters(clerk, city):
    member = new_member(clerk, city["east_branch"], D(1990, 1, 1), D(2015, 7, 1))
    services.update_member(clerk, member, resume="2010年 参加工作\r\n2015年 入党")
    with pytest.raises(ValidationError) as error:
        services.update_member(clerk, member, resume="2010年 参加工作\u2067")
    assert list(error.value.message_dict) == ["resume"]
    assert "工作简历" in error.value.message_dict["resume"][0]


# openpyxl cannot write U+0000 into a workbook (XML forbids it); the others it can.
@pytest.mark.parametrize("char", ["\r", "\n", "\u202e", "\u2066"])
def test_excel_import_refuses_a_name_with_a_hidden_character_naming_the_row(clerk, city, char):
    rows = [
        org_row("东区甲支部", city["east"].name),
        org_row(f"东区{char}乙支部", city["east"].name),
    ]
    result = excel.import_organizations(clerk, org_file(rows), today=TODAY)
    assert result.created == 0
    ((row, letter, column, message),) = errors_of(result)
    assert (row, letter, column) == (3, "A", "名称")
    assert message.startswith("名称")
    assert (
        not Organization.objects.filter(name__endswith="支部", parent=city["east"])
        .exclude(pk=city["east_branch"].pk)
        .exists()
    )


def test_excel_import_refuses_a_founding_before_1921(clerk, city):
    rows = [org_row("东区甲支部", city["east"].name, 成立日期=D(1920, 1, 1))]
    result = excel.import_organizations(clerk, org_file(rows), today=TODAY)
    assert errors_of(result) == [
        (2, "F", "成立日期", "成立日期不能早于1921年7月1日（中国共产党成立之日）")
    ]


# --- no empty history entries ---------------------------------------------------------------


def test_a_patch_that_changes_nothing_writes_no_history(api, city, make_member):
    client = api(Role.CLERK, city["east"])
    org = city["east_branch"]
    member = make_member(org, phone="13812345678")
    records = (org.history.count(), member.history.count())
    response = client.patch(
        f"/api/v1/orgs/{org.pk}/", {"name": org.name, "kind": org.kind}, format="json"
    )
    assert response.status_code == 200
    response = client.patch(
        f"/api/v1/members/{member.pk}/",
        {"phone": "13812345678", "joined_on": member.joined_on.isoformat(), "org": org.pk},
        format="json",
    )
    assert response.status_code == 200
    assert (org.history.count(), member.history.count()) == records
    # A real change still writes one.
    client.patch(f"/api/v1/members/{member.pk}/", {"phone": "13900001111"}, format="json")
    assert member.history.count() == records[1] + 1


def test_history_leaves_out_a_stored_change_that_changed_nothing(clerk, city):
    org = city["east_branch"]
    org.save()  # outside the services: a record with no change
    assert org.history.count() == 2
    entries = history_entries(org.history.select_related("history_user"))
    assert [entry.action for entry in entries] == ["新建"]
