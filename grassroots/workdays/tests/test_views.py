"""The administrator's pages: who may use them, entering and withdrawing a date, marking a
year complete, and the all-or-nothing import of a year."""

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from grassroots.core.choices import Role
from grassroots.workdays.models import CalendarDay, CalendarYear

D = datetime.date


def workbook(rows, header=("日期", "类型", "名称")):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "calendar.xlsx"
    return buffer


YEAR_2027 = [
    ("2027-01-01", "休", "元旦"),
    ("2027-10-01", "休", "国庆节"),
    ("2027-10-04", "休", "国庆节"),
    ("2027-10-09", "班", "国庆节"),
]


@pytest.fixture
def admin_client(client, calendar_admin):
    client.force_login(calendar_admin)
    return client


@pytest.mark.parametrize(
    "role, where",
    [
        (Role.ADMIN, "east"),  # a district's administrator: not the city's
        (Role.CLERK, "root"),
        (Role.REVIEWER, "root"),
        (Role.EVALUATOR, "root"),
    ],
)
def test_only_the_city_administrator_may_use_the_pages(client, city, make_user, role, where):
    client.force_login(make_user(role=role, org=city[where]))
    entry = CalendarDay.objects.create(date=D(2027, 10, 1), kind="rest", name="国庆节")
    for url in (
        "/calendar/",
        "/calendar/days/new/",
        f"/calendar/days/{entry.pk}/",
        "/calendar/import/",
        "/calendar/import/template.xlsx",
    ):
        assert client.get(url).status_code == 403, url
    posts = {
        "/calendar/days/new/": {"date": "2027-10-04", "kind": "rest", "name": "国庆节"},
        f"/calendar/days/{entry.pk}/withdraw/": {},
        "/calendar/years/2027/covered/": {"covered": "1"},
        "/calendar/import/": {"file": workbook(YEAR_2027)},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert CalendarDay.objects.filter(withdrawn=False).count() == 1
    assert not CalendarYear.objects.exists()
    assert "工作日历" not in client.get("/").content.decode()


def test_a_superuser_may(client, make_user):
    client.force_login(make_user(is_superuser=True))
    assert client.get("/calendar/").status_code == 200


def test_the_year_page_lists_its_entries_in_a_fixed_number_of_queries(
    admin_client, holidays, django_assert_max_num_queries
):
    admin_client.get("/calendar/?year=2030")  # warm the session
    with django_assert_max_num_queries(12) as few:
        admin_client.get("/calendar/?year=2030")  # nothing entered
    with django_assert_max_num_queries(len(few)):
        response = admin_client.get("/calendar/?year=2026")
    page = response.content.decode()
    assert "已录入完整" in page and "2026-10-10" in page and "星期六" in page
    assert "工作日历" in admin_client.get("/").content.decode()  # the menu entry


def test_entering_changing_and_withdrawing_a_date(admin_client, calendar_admin):
    response = admin_client.post(
        "/calendar/days/new/", {"date": "2027-10-04", "kind": "rest", "name": "国庆节"}
    )
    assert response.status_code == 302 and response.url == "/calendar/?year=2027"
    entry = CalendarDay.objects.get(date=D(2027, 10, 4))
    admin_client.post(f"/calendar/days/{entry.pk}/", {"kind": "rest", "name": "国庆节、中秋节"})
    entry.refresh_from_db()
    assert entry.name == "国庆节、中秋节"
    admin_client.post(f"/calendar/days/{entry.pk}/withdraw/")
    entry.refresh_from_db()
    assert entry.withdrawn  # kept, with its history
    assert [r.history_user for r in entry.history.all()] == [calendar_admin] * 3
    page = admin_client.get("/calendar/?year=2027").content.decode()
    assert "已撤销" in page and "国庆节、中秋节" in page  # in the history


def test_a_date_that_does_not_depart_from_the_week_is_refused(admin_client):
    response = admin_client.post(
        "/calendar/days/new/", {"date": "2027-10-09", "kind": "rest", "name": "国庆节"}
    )
    assert response.status_code == 400
    assert "本来就休息" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_marking_a_year_complete(admin_client):
    admin_client.post("/calendar/years/2027/covered/", {"covered": "1"})
    assert CalendarYear.objects.get(year=2027).covered
    admin_client.post("/calendar/years/2027/covered/", {"covered": "0"})
    record = CalendarYear.objects.get(year=2027)
    assert not record.covered and record.history.count() == 2


def test_importing_a_year(admin_client):
    CalendarDay.objects.create(date=D(2027, 5, 3), kind="rest", name="劳动节")  # not in the file
    response = admin_client.post("/calendar/import/", {"file": workbook(YEAR_2027)})
    assert response.status_code == 302 and response.url == "/calendar/?year=2027"
    active = CalendarDay.objects.filter(withdrawn=False)
    assert sorted(active.values_list("date", "kind")) == [
        (D(2027, 1, 1), "rest"),
        (D(2027, 10, 1), "rest"),
        (D(2027, 10, 4), "rest"),
        (D(2027, 10, 9), "work"),
    ]
    assert CalendarDay.objects.get(date=D(2027, 5, 3)).withdrawn
    assert CalendarYear.objects.get(year=2027).covered


@pytest.mark.parametrize(
    "bad_row, column, words",
    [
        (("2027-10-10", "休", "国庆节"), "B列", "本来就休息"),  # a Sunday
        (("2027-10-05", "放", "国庆节"), "B列", "不是可选值"),
        (("2027-10-05", "休", ""), "C列", "必填"),
        (("2028-01-03", "休", "元旦"), "A列", "不在同一年"),
        (("2027-10-01", "休", "国庆节"), "A列", "与第3行的日期重复"),
        (("2027-02-30", "休", "春节"), "A列", "不存在"),
    ],
)
def test_a_bad_row_imports_nothing_and_is_named(admin_client, bad_row, column, words):
    response = admin_client.post("/calendar/import/", {"file": workbook([*YEAR_2027, bad_row])})
    assert response.status_code == 400
    page = response.content.decode()
    assert "没有导入任何数据" in page and "第6行" in page and column in page and words in page
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


def test_the_template(admin_client):
    response = admin_client.get("/calendar/import/template.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in book.worksheets[0][1]] == ["日期", "类型", "名称"]
    assert "说明" in book.sheetnames
