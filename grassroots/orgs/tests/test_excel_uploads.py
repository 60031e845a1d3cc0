"""Workbook bombs and other hostile uploads against the imports (API and page): refused with
a 400 naming the problem, without the server's memory growing; a real export still imports."""

import io
import json
import subprocess
import sys
import tracemalloc

import pytest
from django.conf import settings as django_settings
from openpyxl import load_workbook

from grassroots.core.choices import Role
from grassroots.core.excel.sheets import BAD_FILE, WorkbookError, open_sheet
from grassroots.core.tests.archives import (
    declare_size,
    shared_strings_bomb,
    write_xlsx,
    xlsx_bytes,
)
from grassroots.orgs.excel import imports as excel_imports
from grassroots.orgs.models import Member

from .workbooks import MEMBER_HEADER, member_file, member_row

MIB = 1024 * 1024
TOO_BIG = "文件解压后过大（其中“xl/sharedStrings.xml”超过32MB），请分成几个文件上传"


def named(data_or_path, name="党员.xlsx"):
    data = data_or_path.read_bytes() if hasattr(data_or_path, "read_bytes") else data_or_path
    file = io.BytesIO(data)
    file.name = name
    return file


def test_the_bomb_is_what_it_claims(xlsx_bomb):
    import zipfile

    with zipfile.ZipFile(xlsx_bomb) as archive:
        declared = archive.getinfo("xl/sharedStrings.xml").file_size
    assert declared >= 500 * MIB - MIB
    assert xlsx_bomb.stat().st_size < 4 * MIB


def test_bomb_posted_to_the_api_is_refused(api, city, xlsx_bomb):
    clerk = api(Role.CLERK, city["east"])
    file = named(xlsx_bomb)
    response = clerk.post("/api/v1/members/import/", {"file": file}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"row": None, "column": "", "letter": "", "message": TOO_BIG}]
    }
    assert not Member.objects.exists()


def test_bomb_posted_to_the_import_page_is_refused(client, make_user, city, xlsx_bomb):
    client.force_login(make_user(role=Role.CLERK, org=city["east"]))
    page = client.post("/excel/", {"kind": "members", "members-file": named(xlsx_bomb)})
    assert page.status_code == 400
    assert TOO_BIG in page.content.decode() and "没有导入任何数据" in page.content.decode()


def test_memory_while_refusing_the_bomb_through_the_api(api, city, xlsx_bomb):
    clerk = api(Role.CLERK, city["east"])
    file = named(xlsx_bomb)
    tracemalloc.start()
    try:
        response = clerk.post("/api/v1/members/import/", {"file": file}, format="multipart")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert peak < 200 * MIB, peak / MIB


REFUSE_IN_A_FRESH_PROCESS = """
import json, resource, sys
import django
django.setup()
from django.contrib.auth.models import AnonymousUser
from grassroots.orgs.excel.imports import import_members
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(sys.argv[1], "rb") as file:
    result = import_members(AnonymousUser(), file)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_kib": after - before, "errors": [e.message for e in result.errors]}))
"""


def test_memory_of_a_fresh_server_process_while_refusing_the_bomb(xlsx_bomb):
    """Peak resident memory (an unguarded import grew from 170 MiB to 5.6 GiB) of a process that
    refuses the bomb, from just before the import to after it."""
    child = subprocess.run(
        [sys.executable, "-c", REFUSE_IN_A_FRESH_PROCESS, str(xlsx_bomb)],
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "grassroots.settings.test", "PATH": ""},
        timeout=60,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    assert figures["errors"] == [TOO_BIG]
    assert figures["growth_kib"] < 200 * 1024


def test_a_directory_that_understates_a_part_gives_a_broken_file(api, city, tmp_path):
    """The shared strings declare 4 KiB but inflate to 200 MiB: zipfile stops at 4 KiB and
    fails the CRC check, so openpyxl reports a broken file."""
    path = tmp_path / "lying.xlsx"
    write_xlsx(path, streams={"xl/sharedStrings.xml": shared_strings_bomb(200 * MIB)}, level=1)
    lying = declare_size(path.read_bytes(), "xl/sharedStrings.xml", 4096)
    clerk = api(Role.CLERK, city["east"])
    tracemalloc.start()
    try:
        response = clerk.post("/api/v1/members/import/", {"file": named(lying)}, format="multipart")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == BAD_FILE
    assert peak < 50 * MIB


def sheet_of(size):
    """Rows of numbers making a worksheet part of about `size` bytes (compresses ~10:1)."""
    rows = [("序号",)]
    number = 0
    while len(rows) * 30 < size:
        number += 1
        rows.append((number * 7919 % 100003,))
    return rows


def test_only_worksheets_may_exceed_the_limit_of_parts_loaded_whole(settings):
    """openpyxl streams worksheets but loads the shared strings whole: a large part named like
    a worksheet but declared as the shared strings is refused, a large real worksheet is read."""
    settings.UPLOAD_MAX_PART_BYTES = MIB
    large_sheet = xlsx_bytes(sheet=sheet_of(2 * MIB))
    with open_sheet(io.BytesIO(large_sheet)) as rows:
        assert sum(1 for _ in rows) > 60_000
    disguised = io.BytesIO()
    strings = b"".join(b"<si><t>%d</t></si>" % (n * 7919 % 100003) for n in range(120_000))
    write_xlsx(
        disguised,
        shared_strings_part="xl/worksheets/sheet2.xml",
        streams={"xl/worksheets/sheet2.xml": [b'<sst xmlns="x">', strings, b"</sst>"]},
    )
    disguised.seek(0)
    with pytest.raises(WorkbookError, match="工作表部件被用作其他用途"), open_sheet(disguised):
        pass


def test_rows_past_the_limit(api, city, settings):
    settings.UPLOAD_MAX_ROWS = 3
    clerk = api(Role.CLERK, city["east"])
    rows = [member_row(city["east_branch"], n) for n in (1, 2, 3)]
    file = named(member_file(rows, MEMBER_HEADER).getvalue())
    response = clerk.post("/api/v1/members/import/", {"file": file}, format="multipart")
    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]] == [
        "工作表超过3行（第4行仍有数据），请分成几个文件导入"
    ]
    assert not Member.objects.exists()


def test_columns_past_the_limit(client, make_user, city, settings):
    settings.UPLOAD_MAX_COLUMNS = 5
    client.force_login(make_user(role=Role.CLERK, org=city["east"]))
    file = named(member_file([member_row(city["east_branch"], 1)], MEMBER_HEADER).getvalue())
    page = client.post("/excel/", {"kind": "members", "members-file": file})
    assert page.status_code == 400
    assert "第1行超过5列：每行最多读取5列，请删除多余的列" in page.content.decode()


def test_an_exported_roster_imports_again_through_the_api(api, city, make_member, make_org):
    """The checks leave a real export alone: the roster the API exports, moved to another
    branch, imports back through the API."""
    source, target = city["east_branch"], make_org("东区新支部", city["east"])
    for number in range(3):
        make_member(source, phone=f"1390000000{number}")
    clerk = api(Role.CLERK, city["east"])
    exported = clerk.get("/api/v1/members/export/", {"ancestor": source.pk})
    assert exported.status_code == 200
    workbook = load_workbook(io.BytesIO(exported.content))
    for (cell,) in workbook.worksheets[0].iter_rows(min_row=2, min_col=15, max_col=15):
        cell.value = target.pk
    buffer = io.BytesIO()
    workbook.save(buffer)
    Member.objects.filter(org=source).delete()
    response = clerk.post(
        "/api/v1/members/import/", {"file": named(buffer.getvalue())}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert response.json() == {"created": 3}


def test_not_a_workbook_keeps_its_message(make_user, city):
    clerk = make_user(role=Role.CLERK, org=city["east"])
    result = excel_imports.import_members(clerk, named(b"name,sex\n", "党员.csv"))
    assert [e.message for e in result.errors] == [BAD_FILE]
    legacy = named(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 600, "党员.xls")
    [error] = excel_imports.import_members(clerk, legacy).errors
    assert error.message.startswith("无法读取该文件：它是旧版格式，或设置了打开密码")
