"""Imports of more than JOB_ROWS rows run as background jobs: the upload is kept, the worker
checks every row and writes all or nothing; a job killed mid-way has written nothing and a
rerun imports the file exactly once."""

import io

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from grassroots.core.choices import JobState, Role
from grassroots.core.jobs import FAILED_MESSAGE
from grassroots.core.models import Job
from grassroots.orgs.excel import imports as excel_imports
from grassroots.orgs.models import HostUnit, Member

from .test_units import unit_file
from .workbooks import member_file, member_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(client, make_user, city):
    client.force_login(make_user(role=Role.CLERK, org=city["east"]))
    return client


def post_members(client, rows, name="党员.xlsx"):
    file = member_file(rows)
    file.name = name
    return client.post("/excel/", {"kind": "members", "members-file": file})


def the_job():
    return Job.objects.latest("pk")


@override_settings(JOB_ROWS=2)
def test_a_large_member_file_is_imported_by_a_job(clerk_client, city):
    rows = [member_row(city["east_branch"], n) for n in (1, 2, 3)]
    response = post_members(clerk_client, rows)
    job = the_job()
    assert response.url == f"/jobs/{job.pk}/"
    assert job.label == "导入党员（党员.xlsx）" and job.source  # the upload is kept
    assert (job.state, job.done, job.total) == (JobState.DONE, 3, 3)
    assert job.message == "导入成功：新建党员3名"
    assert Member.objects.count() == 3
    assert {m.history.first().history_user for m in Member.objects.all()} == {job.created_by}
    city["east_branch"].refresh_from_db()
    assert city["east_branch"].member_count == 3
    page = clerk_client.get(f"/jobs/{job.pk}/").content.decode()
    assert "导入成功：新建党员3名" in page and "重新运行" not in page


@override_settings(JOB_ROWS=3)
def test_a_file_of_up_to_job_rows_is_imported_in_the_request(clerk_client, city):
    rows = [member_row(city["east_branch"], n) for n in (1, 2, 3)]
    response = post_members(clerk_client, rows)
    assert response.url == "/excel/" and not Job.objects.exists()
    assert Member.objects.count() == 3
    page = clerk_client.get("/excel/").content.decode()
    assert "导入成功：新建党员3名" in page and "超过3行的文件转入后台导入" in page


@override_settings(JOB_ROWS=2)
def test_a_job_killed_while_writing_writes_nothing_and_a_rerun_imports_once(
    clerk_client, city, monkeypatch
):
    write = excel_imports._MemberImport.write

    def write_then_die(importer):
        write(importer)  # every member inserted, in the import's transaction
        raise RuntimeError("the worker was killed")

    monkeypatch.setattr(excel_imports._MemberImport, "write", write_then_die)
    post_members(clerk_client, [member_row(city["east_branch"], n) for n in (1, 2, 3)])
    job = the_job()
    assert (job.state, job.message) == (JobState.FAILED, FAILED_MESSAGE)
    assert not Member.objects.exists()
    city["east_branch"].refresh_from_db()
    assert city["east_branch"].member_count == 0
    assert "重新运行" in clerk_client.get(f"/jobs/{job.pk}/").content.decode()

    monkeypatch.setattr(excel_imports._MemberImport, "write", write)
    clerk_client.post(f"/jobs/{job.pk}/rerun/")
    job.refresh_from_db()
    assert (job.state, job.attempts, job.message) == (JobState.DONE, 2, "导入成功：新建党员3名")
    assert Member.objects.count() == 3
    # Done: not run again; the same file uploaded again is refused row by row.
    page = clerk_client.post(f"/jobs/{job.pk}/rerun/", follow=True).content.decode()
    assert "该任务正在运行或已经完成" in page
    post_members(clerk_client, [member_row(city["east_branch"], n) for n in (1, 2, 3)])
    again = the_job()
    assert again.state == JobState.FAILED and again.message.startswith("文件中发现3处问题")
    assert Member.objects.count() == 3


@override_settings(JOB_ROWS=1)
def test_a_refused_file_comes_back_as_a_list_of_problems(clerk_client, city):
    rows = [member_row(city["east_branch"], 1), member_row(city["east_branch"], 2, 姓名="")]
    post_members(clerk_client, rows)
    job = the_job()
    assert job.state == JobState.FAILED and job.result_name == "党员导入问题清单.xlsx"
    assert not Member.objects.exists()
    page = clerk_client.get(f"/jobs/{job.pk}/").content.decode()
    assert "下载问题清单" in page and "重新运行" not in page  # it would be refused again
    download = clerk_client.get(f"/jobs/{job.pk}/result/")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [
        ("第3行", "B列（姓名）", "必填，不能为空")
    ]


def test_a_sheet_that_does_not_declare_its_size_is_imported_by_a_job(clerk_client, city):
    """A workbook without a <dimension> (some tools write none) could be of any size."""
    import re
    import zipfile

    source = member_file([member_row(city["east_branch"], 1)])
    out = io.BytesIO()
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(out, "w") as copy:
        for name in archive.namelist():
            data = archive.read(name)
            if name.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension[^>]*/>", b"", data)
            copy.writestr(name, data)
    out.seek(0)
    out.name = "党员.xlsx"
    clerk_client.post("/excel/", {"kind": "members", "members-file": out})
    assert the_job().state == JobState.DONE and Member.objects.count() == 1


def test_units_large_and_small(clerk_client, city):
    def rows(*names):
        return [{"单位名称": name, "负责覆盖的党组织": city["east"].pk} for name in names]

    with override_settings(JOB_ROWS=1):
        file = unit_file(rows("甲公司", "乙公司"))
        file.name = "单位.xlsx"
        clerk_client.post("/excel/", {"kind": "units", "units-file": file})
    job = the_job()
    assert (job.state, job.message) == (JobState.DONE, "导入成功：新建单位2个")
    file = unit_file(rows("丙公司"))
    file.name = "单位.xlsx"
    response = clerk_client.post("/excel/", {"kind": "units", "units-file": file}, follow=True)
    assert "导入成功：新建单位1个" in response.content.decode()
    assert HostUnit.objects.count() == 3 and Job.objects.count() == 1
