"""The 申报表 (seed 000 附件2) printed with the opinions: each step's text, signer and date;
a basic committee applying for itself says its row is not filled; the last row is labelled
with the organiser's name."""

import io

import pytest
from docx import Document

from grassroots.campaigns.choices import Opinion
from grassroots.campaigns.documents import applications as documents
from grassroots.campaigns.services import applications as services
from grassroots.documents import pdf

REASON = "一、工作举措：坚持“三会一课”。\n二、主要成效：群众满意度显著提升。"


def cells(content):
    table = Document(io.BytesIO(content)).tables[0]
    return [[cell.text for cell in row.cells] for row in table.rows]


def paragraphs(content):
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def named(user, full_name):
    user.first_name = full_name  # the platform keeps the whole name (姓名) there
    user.save()
    return user


def test_the_form_with_every_opinion(scene):
    street = named(scene["street_reviewer"], "张街道")
    east = named(scene["east_reviewer"], "李区委")
    root = named(scene["organiser_reviewer"], "王市委")
    application = services.start_application(
        scene["branch_clerk"], scene["campaign"], scene["community"], scene["demo"], REASON
    )
    application = services.submit_application(scene["branch_clerk"], application)
    application = services.give_opinion(street, application, Opinion.AGREE, "情况属实，同意推荐。")
    application = services.give_opinion(east, application, Opinion.AGREE, "同意上报。")
    services.forward_ranked(east, scene["campaign"], scene["east"], [application.pk])
    application = services.give_opinion(root, application, Opinion.AGREE, "同意命名。")
    rows = cells(documents.render(application))
    assert rows[0] == ["基层党组织名称", "幸福社区党支部", "党组织负责人", ""]
    assert rows[1] == ["所属类别", "城镇社区", "所在地或上级单位", "中共幸福街道工作委员会"]
    assert rows[2][0] == "申报理由" and rows[2][1] == REASON
    labels = [row[0] for row in rows[4:]]
    assert labels == ["基层党委意见", "上级党委（党组）意见", "市委组织部意见"]
    today = application.opinions.first().signed_on
    date = f"{today.year}年{today.month}月{today.day}日"
    assert rows[4][1] == f"同意。情况属实，同意推荐。\n\n签\u3000\u3000字：张街道\n（盖章）\n{date}"
    assert "签\u3000\u3000字：李区委" in rows[5][1] and "同意上报。" in rows[5][1]
    assert "签\u3000\u3000字：王市委" in rows[6][1] and date in rows[6][1]
    text = paragraphs(documents.render(application))
    assert text[:2] == ["“示范基层党组织”申报表", f"（{scene['campaign'].year}年）"]
    assert documents.filename(application) == "幸福社区党支部示范基层党组织申报表.docx"


def test_a_basic_committee_applying_for_itself(scene):
    application = services.start_application(
        scene["east_clerk"], scene["campaign"], scene["street"], scene["demo"], REASON
    )
    rows = cells(documents.render(application))
    assert rows[4][1] == documents.SELF_COMMITTEE
    # Not yet signed: the signature lines wait for the pen.
    assert "签\u3000\u3000字：" in rows[5][1] and "年\u3000\u3000月" in rows[5][1]


def test_no_basic_committee_below_the_unit_leaves_the_row_blank(scene):
    application = services.start_application(
        scene["west_clerk"], scene["campaign"], scene["west_village"], scene["demo"], ""
    )
    rows = cells(documents.render(application))
    assert rows[4][1] == ""
    assert rows[2][1] == documents.REASON_HINT


@pytest.mark.skipif(not pdf.pdf_available(), reason="LibreOffice (soffice) is not installed")
def test_the_form_as_pdf(scene):
    application = services.start_application(
        scene["branch_clerk"], scene["campaign"], scene["community"], scene["demo"], REASON
    )
    assert documents.render_pdf(application).startswith(b"%PDF")
