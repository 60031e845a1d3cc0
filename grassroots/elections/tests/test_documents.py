"""A workflow's documents from its records (elections/documents.py): which ones each state
offers, what they say, personal data, the dossier zip, and its fixed number of queries."""

import io
import zipfile

import pytest
from django.utils import timezone

from grassroots.core.choices import Role
from grassroots.core.identifiers import mask_id_number, mask_phone
from grassroots.documents.tests.helpers import open_docx, text_of
from grassroots.elections import documents, services
from grassroots.elections.choices import State, WorkflowKind
from grassroots.orgs.choices import PostKind
from grassroots.orgs.models import Post

from .society_scene import (
    MEETING,
    NAMES,
    by_election,
    count_votes,
    establishment,
    general_election,
)


def today_text():
    day = timezone.localdate()
    return f"{day.year}年{day.month}月{day.day}日"


def slugs(workflow):
    return [ref.slug for ref in documents.available_documents(workflow)]


def form_slugs(workflow):
    return [
        f"form-{pk}" for pk in workflow.candidates.order_by("order").values_list("pk", flat=True)
    ]


@pytest.mark.parametrize(
    ("until", "state", "result"),
    [
        ("draft", State.DRAFT, False),
        ("approved", State.APPROVED, False),
        ("elected", State.ELECTED, False),  # the committee has not met yet
        ("constituted", State.CONSTITUTED, True),
        ("completed", State.COMPLETED, True),
    ],
)
def test_general_election_documents_follow_the_state(society, until, state, result):
    workflow = general_election(society, until)
    assert workflow.state == state
    # The meeting's agenda once the request is approved, before the result.
    agenda = ["agenda"] if state != State.DRAFT else []
    expected = ["request", *form_slugs(workflow), "roster", *agenda]
    assert slugs(workflow) == expected + (["result"] if result else [])
    refs = documents.available_documents(workflow)
    assert refs[0].title == "换届选举及候选人预备人选的请示"
    assert refs[0].label == "换届选举及候选人预备人选的请示（模板4）"
    forms = [5] * len(form_slugs(workflow))
    templates = [4, *forms, 3] + [None] * len(agenda) + ([6] if result else [])
    assert [ref.template for ref in refs] == templates
    assert refs[0].filename == "青海省化学化工学会党支部-换届选举及候选人预备人选的请示.docx"
    assert refs[1].title == "候选人预备人选备案表（王建国）"
    if result:
        assert refs[-1].title == "换届选举结果的请示"
    else:
        with pytest.raises(documents.DocumentNotAvailable):
            documents.render(workflow, "result")


def test_an_establishment_draft_offers_request_forms_and_roster(society, make_member, make_user):
    draft = establishment(society, make_member, make_user)
    assert slugs(draft) == ["request", *form_slugs(draft), "roster"]
    assert documents.available_documents(draft)[1].title == "党组织人员备案表（马文军）"


@pytest.mark.parametrize(
    ("until", "result"), [("draft", False), ("elected", False), ("constituted", True)]
)
def test_by_election_documents_follow_the_state(society, until, result):
    workflow = by_election(society, until)
    agenda = ["agenda"] if until != "draft" else []
    expected = ["request", *form_slugs(workflow), "roster", *agenda]
    assert slugs(workflow) == expected + (["result"] if result else [])
    labels = [ref.label for ref in documents.available_documents(workflow)]
    assert labels[0] == "委员补选的请示（模板7）" and labels[-1].endswith("（模板9）") == result


def test_an_establishment_without_committee_reports_once_elected(society, make_member, make_user):
    workflow = establishment(society, make_member, make_user, "elected")
    assert workflow.state == State.ELECTED
    assert slugs(workflow)[-1] == "result"
    assert documents.available_documents(workflow)[-1].title == "首届选举结果的请示"


def test_general_election_request_from_the_records(society):
    workflow = general_election(society, "completed")
    text = text_of(documents.render(workflow, "request"))
    assert "青海省化学化工学会文件" in text  # a society's organisation writes under its name
    assert "青化学〔2026〕7号" in text
    assert "东区科技社团党委：" in text
    # The term renewed, not the new one the approval started.
    assert "我党支部委员会于2023年8月1日选举产生，到2026年7月31日任期届满" in text
    assert "拟于2026年8月20日召开党支部党员大会" in text
    assert "党支部委员会由7人组成" in text
    assert f"{'、'.join(NAMES[:9])}等9位同志" in text
    assert "（差额2名，差额比例28.57%）" in text
    assert "其中，王建国同志为书记候选人预备人选，李秀英同志为副书记候选人预备人选。" in text
    # Dated the day it was submitted.
    assert text.rstrip().endswith(f"青海省化学化工学会党支部委员会\n{today_text()}")


def test_general_election_result_from_the_count(society):
    workflow = general_election(society, "constituted")
    text = text_of(documents.render(workflow, "result"))
    assert "青化学〔2026〕\u3000\u3000号" not in text  # numbered when submitted…
    assert "\u3000\u3000〔2026〕\u3000\u3000号" in text  # …not yet: a blank with the year
    assert (
        "青海省化学化工学会党支部于2026年8月20日召开党员大会，应到党员13名（其中有选举权党员12名），"
        "实到党员12名（其中有选举权党员11名），实到会有选举权党员占应到会有选举权党员91.67%"
        "（五分之四以上）。"
    ) in text
    assert "经选举，王建国同志得票11票，李秀英同志得票10票，张志强同志得票10票，" in text
    assert "赵丽娟同志得票3票，吴明轩同志得票2票。" in text
    assert f"根据得票情况，{'、'.join(NAMES[:7])}等7位同志当选为新一届党支部委员会委员。" in text
    assert "同日，新一届党支部委员会召开第一次全体会议，应到会7人，实到会7人。" in text
    assert "经选举，王建国同志得7票，当选书记；李秀英同志得6票，当选副书记。" in text
    assert "张志强同志任组织委员，刘海燕同志任宣传委员，陈文博同志任纪检委员。" in text
    services.submit_result(society["clerk"], workflow, "青化学（2026）第009号")
    text = text_of(documents.render(workflow, "result"))
    assert "青化学〔2026〕9号" in text and today_text() in text


def test_a_runoff_is_read_in_the_result(society):
    clerk = society["clerk"]
    workflow = general_election(society, "approved", seats=5, candidates=6)
    # Three tied at the last seat (7 votes, 11 present): a run-off for two seats.
    count_votes(society, workflow, [10, 9, 8, 7, 7, 7])
    assert workflow.state == State.COUNTING
    count_votes(society, workflow, [8, 6, 3])
    assert workflow.state == State.ELECTED
    elected = services.elected_candidates(workflow)
    posts = {c.pk: PostKind.MEMBER for c in elected}
    posts[elected[0].pk] = PostKind.SECRETARY
    services.record_committee_meeting(
        clerk, workflow, MEETING, 5, 5, posts, {PostKind.SECRETARY: 5}
    )
    text = text_of(documents.render(workflow, "result"))
    assert (
        "经选举，王建国同志得票10票，李秀英同志得票9票，张志强同志得票8票，刘海燕同志得票7票，"
        "陈文博同志得票7票，杨晓梅同志得票7票。"
    ) in text
    assert "经第二轮投票，刘海燕同志得票8票，陈文博同志得票6票，杨晓梅同志得票3票。" in text
    assert "王建国、李秀英、张志强、刘海燕、陈文博等5位同志当选" in text
    assert "经选举，王建国同志得5票，当选书记。" in text
    assert "选举产生的书记请予以批准。" in text


def test_by_election_documents_from_the_records(society):
    workflow = by_election(society, "completed")
    request = text_of(documents.render(workflow, "request"))
    assert "青化学〔2026〕8号" in request  # typed as 青化学[2026]第08号
    # The reason is built from the vacated posts' facts, nothing typed.
    assert (
        "因2位党支部委员工作变动、退休（原宣传委员杨晓梅于2026年3月2日因工作变动离任；"
        "原委员黄国华于2026年4月1日因退休离任），不能继续履行委员职责"
    ) in request
    assert "党支部委员会由7人组成，因工作变动、退休，委员出现空缺2人。" in request
    assert "我们提名徐卫东、孙红梅等2位同志为补选委员候选人。" in request
    assert "参加理事会党员大会" in request  # a society's wording
    result = text_of(documents.render(workflow, "result"))
    assert "召开理事会党员大会，应到党员13名（其中有选举权党员12名）" in result
    assert "经选举，徐卫东同志得票10票，孙红梅同志得票9票，根据选举办法，" in result
    assert "徐卫东、孙红梅等2位同志补选为党支部委员会委员。" in result
    assert "对2位新委员进行了分工，徐卫东同志任宣传委员，孙红梅同志任纪检委员。" in result
    form = text_of(documents.render(workflow, form_slugs(workflow)[0]))
    assert "青海省化学化工学会党支部委员会候选人\n预备人选备案表" in form
    assert "东区科技社团党委意见" in form  # the level above signs the form


def test_establishment_documents_from_the_records(society, make_member, make_user):
    workflow = establishment(society, make_member, make_user, "completed")
    request = text_of(documents.render(workflow, "request"))
    assert "青海省地理学会文件" in request
    assert "青地理〔2026〕3号\t签发：" in request
    assert "关于成立“青海省地理学会党支部”的请示" in request
    assert (
        "7月15日经第三届理事会第五次常务理事会议研究决定，拟成立青海省地理学会党支部。" in request
    )
    assert "青海省地理学会理事会现有党员4名，党支部由2人组成，其中：书记1人，副书记1人。" in request
    assert "书记：马文军\n副书记：朱丽萍\n办公室负责人：胡建军" in request
    result = text_of(documents.render(workflow, "result"))
    assert "关于青海省地理学会党支部首届选举结果的请示" in result
    assert "应到会有选举权党员4名，实到会有选举权党员4名" in result
    assert "经选举，马文军同志得4票，当选书记；朱丽萍同志得3票，当选副书记。" in result
    form = text_of(documents.render(workflow, form_slugs(workflow)[0]))
    assert "学会党组织人员备案表" in form and "青海省地理学会" in form
    roster = open_docx(documents.render(workflow, "roster")).tables[0]
    assert [row.cells[1].text for row in roster.rows[1:]] == sorted(
        ["马文军", "朱丽萍", "胡建军", "郭晓燕"]
    )


def test_the_signer_entered_heads_the_request_and_the_result(society):
    # Completed: 王建国 is the secretary now, but the one entered signs.
    workflow = general_election(society, "completed", signer="赵丽娟")
    for slug in ("request", "result"):
        assert "签发：赵丽娟" in text_of(documents.render(workflow, slug))


def test_without_a_signer_the_secretary_signs_or_else_the_deputy(society):
    workflow = by_election(society, "constituted")  # 王建国 secretary, 李秀英 deputy
    for slug in ("request", "result"):
        assert "签发：王建国" in text_of(documents.render(workflow, slug))
    Post.objects.filter(post=PostKind.SECRETARY).update(ended_on=MEETING)
    assert "签发：李秀英" in text_of(documents.render(workflow, "request"))
    assert documents.signer_of(workflow) == "李秀英"


def test_an_establishment_is_signed_by_the_proposed_secretary(society, make_member, make_user):
    workflow = establishment(society, make_member, make_user)
    assert "青地理〔2026〕3号\t签发：马文军" in text_of(documents.render(workflow, "request"))


def test_nobody_to_sign_leaves_the_line_out_as_before(society):
    workflow = general_election(society)  # the branch's posts are not recorded
    assert "签发" not in text_of(documents.render(workflow, "request"))


PERFORMANCE = "政治坚定，顾全大局\n2025年度考核优秀"


def performance_cell(content):
    """The text of the filing form's 工作表现 cell."""
    table = open_docx(content).tables[0]
    row = next(r for r in table.rows if r.cells[0].text.startswith("工作表现"))
    return row.cells[-1].text


@pytest.mark.parametrize(
    "kind", [WorkflowKind.ESTABLISHMENT, WorkflowKind.GENERAL, WorkflowKind.BY_ELECTION]
)
def test_filing_forms_print_the_performance_entered(society, make_member, make_user, kind):
    """Templates 2, 5 and 8; a candidate without one keeps the blank for the unit."""
    if kind == WorkflowKind.ESTABLISHMENT:
        workflow = establishment(society, make_member, make_user)
        clerk = workflow.clerk
    else:
        workflow = (general_election if kind == WorkflowKind.GENERAL else by_election)(society)
        clerk = society["clerk"]
    rows = [
        {"member": c.member, "proposed_post": c.proposed_post}
        for c in workflow.candidates.order_by("order")
    ]
    rows[0]["performance"] = PERFORMANCE
    services.update_workflow(clerk, workflow, candidates=rows)
    first, second = form_slugs(workflow)[:2]
    assert performance_cell(documents.render(workflow, first)) == PERFORMANCE
    assert performance_cell(documents.render(workflow, second)) == ""


def test_roster_shows_personal_data_only_to_who_may_see_it(society):
    workflow = general_election(society)
    member = society["members"][0]

    def first_row(user):
        table = open_docx(documents.render(workflow, "roster", user)).tables[0]
        row = next(r for r in table.rows if r.cells[1].text == member.name)
        return row.cells[6].text, row.cells[13].text

    assert first_row(society["clerk"]) == (member.id_number, member.phone)
    masked = (mask_id_number(member.id_number), mask_phone(member.phone))
    assert first_row(society["reviewer"]) == masked  # a reviewer has no personal-data right
    assert first_row(None) == masked
    # Every member expected at the meeting, the probationary one included.
    table = open_docx(documents.render(workflow, "roster")).tables[0]
    assert len(table.rows) == 1 + 13


def test_forms_carry_no_identifiers(society):
    workflow = general_election(society)
    member = society["members"][0]
    text = text_of(documents.render(workflow, form_slugs(workflow)[0], society["clerk"]))
    assert member.name in text
    assert member.id_number not in text and member.phone not in text


def test_unknown_slugs_are_not_available(society, make_member, make_user):
    workflow = general_election(society)
    other = establishment(society, make_member, make_user)
    for slug in ("nothing", "form-", "form-x", f"form-{other.candidates.first().pk}", "result"):
        with pytest.raises(documents.DocumentNotAvailable):
            documents.render(workflow, slug)
        with pytest.raises(documents.DocumentNotAvailable):
            documents.document_ref(workflow, slug)


def test_dossier_holds_every_available_document_in_filing_order(society):
    workflow = general_election(society, "constituted")
    archive = zipfile.ZipFile(io.BytesIO(documents.dossier(workflow, society["clerk"])))
    names = archive.namelist()
    assert len(names) == 1 + 9 + 1 + 1 + 1
    assert names[0] == "01-青海省化学化工学会党支部-换届选举及候选人预备人选的请示.docx"
    assert names[1] == "02-青海省化学化工学会党支部-候选人预备人选备案表（王建国）.docx"
    assert names[-2] == "12-青海省化学化工学会党支部-党员大会议程.docx"
    assert names[-1] == "13-青海省化学化工学会党支部-换届选举结果的请示.docx"
    for name in names:
        assert text_of(archive.read(name))  # each opens as a document
    assert documents.dossier_filename(workflow) == "青海省化学化工学会党支部-换届选举材料.zip"


def test_dossier_queries_do_not_grow_with_candidates(society, django_assert_max_num_queries):
    small = general_election(society, "draft", seats=3, candidates=4)
    with django_assert_max_num_queries(12) as few:
        documents.dossier(small)
    services.withdraw(society["clerk"], small)
    large = general_election(society, "draft", seats=7, candidates=9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        documents.dossier(large)


def test_an_organisation_outside_a_society_writes_under_its_own_name(
    society, make_member, make_user
):
    branch = society["east_branch"]  # a community branch, in no society
    members = [make_member(branch, name=f"社区党员{i}") for i in range(8)]
    clerk = make_user(role=Role.CLERK, org=branch)
    workflow = services.create_workflow(
        clerk,
        WorkflowKind.GENERAL,
        org=branch,
        seats=5,
        meeting_planned_on=MEETING,
        candidates=[{"member": m} for m in members[:6]],
    )
    request = text_of(documents.render(workflow, "request"))
    assert request.startswith("东区幸福社区党支部文件")
    assert "东区党工委：" in request
    assert "理事会" not in request and "学会" not in request
    assert (
        "我党支部委员会于\u3000\u3000年\u3000\u3000月\u3000\u3000日选举产生" in request
    )  # no term
    form = text_of(documents.render(workflow, form_slugs(workflow)[0]))
    assert "单位担任职务" in form and "学会担任职务" not in form


def test_no_result_report_when_nobody_is_elected(society):
    clerk, branch = society["clerk"], society["branch"]
    Post.objects.create(
        term=society["term"],
        member=society["members"][0],
        post=PostKind.SECRETARY,
        started_on=society["term"].started_on,
    )
    # A secretary and a deputy, no committee meeting: the report would follow the count.
    workflow = services.create_workflow(
        clerk,
        WorkflowKind.BY_ELECTION,
        org=branch,
        seats=1,
        committee_size=2,
        meeting_planned_on=MEETING,
        candidates=[{"member": society["members"][1], "proposed_post": PostKind.DEPUTY_SECRETARY}],
    )
    services.submit(clerk, workflow)
    services.approve_request(society["reviewer"], workflow)
    count_votes(society, workflow, [3])  # 3 of 11 present: not elected
    assert workflow.state == State.ELECTED and documents.has_result(workflow)
    assert "result" not in slugs(workflow)
    with pytest.raises(documents.DocumentNotAvailable):
        documents.render(workflow, "result")


def test_an_organisation_no_template_fits_has_no_documents(society, make_user):
    department = society["east"]
    clerk = make_user(role=Role.CLERK, org=department)
    workflow = services.create_workflow(clerk, WorkflowKind.GENERAL, org=department, seats=5)
    assert documents.available_documents(workflow) == []
    with pytest.raises(documents.DocumentNotAvailable):
        documents.render(workflow, "request")
    assert zipfile.ZipFile(io.BytesIO(documents.dossier(workflow))).namelist() == []
