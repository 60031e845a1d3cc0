"""The request pages: lists, the request forms with their live checks, the
workflow page, the reviewer's queue, and who may do what there."""

import datetime
import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grassroots.core.choices import Role
from grassroots.elections import services
from grassroots.elections.choices import Action, State, VacancyCause, WorkflowKind
from grassroots.elections.demo import DEMO_DISTRICT
from grassroots.elections.models import PERFORMANCE_LENGTH, Transition, Workflow
from grassroots.elections.reminders import user_reminders
from grassroots.orgs import demo
from grassroots.orgs.choices import Category, OrgKind, PostKind, SocietyRole
from grassroots.orgs.models import Membership, Organization, Post

from .helpers import (
    MEETING,
    TERM_START,
    approved_general,
    count,
    divide_posts,
    general_draft,
    society_clerk,
)

LEFT = datetime.date(2026, 10, 24)
SURPLUS_8_OF_7 = "应选7名，差额不低于20%，候选人应不少于9名，现有8名"


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


def request_data(members, seats, posts=None, **fields):
    """The request form's POST: its fields and one row per candidate."""
    posts = posts or [PostKind.SECRETARY, PostKind.DEPUTY_SECRETARY]
    return {
        "doc_number": "财党〔2026〕3号",
        "meeting_planned_on": MEETING.isoformat(),
        "seats": seats,
        "candidate_member": [m.pk for m in members],
        "candidate_post": [posts[i] if i < len(posts) else "" for i in range(len(members))],
        **fields,
    }


def new_url(org, kind=WorkflowKind.GENERAL):
    return reverse("elections-new", args=[org.pk, kind])


def page(workflow):
    return reverse("elections-workflow", args=[workflow.pk])


def act(client, workflow, action, comment=""):
    return client.post(
        reverse("elections-act", args=[workflow.pk]), {"action": action, "comment": comment}
    )


# --- the request form and its live check -----------------------------------------------------


def test_the_live_check_shows_the_surplus_rule_and_saves_nothing(scene, as_user):
    client = as_user(scene["clerk"])
    url = new_url(scene["branch"]) + "?check=1"
    response = client.post(url, request_data(scene["members"][:8], seats=7))
    assert response.status_code == 200
    text = response.content.decode()
    assert SURPLUS_8_OF_7 in text
    assert 'data-blocking="true"' in text
    # A committee of 7 is allowed but above the usual size: a warning, shown as such.
    assert "支部委员会一般由3至5人组成，现为7人" in text
    assert Workflow.objects.count() == 0 and Transition.objects.count() == 0
    # Fixed with a ninth candidate: only the warning is left, which does not block.
    response = client.post(url, request_data(scene["members"][:9], seats=7))
    text = response.content.decode()
    assert SURPLUS_8_OF_7 not in text and 'data-blocking="false"' in text
    assert 'data-severity="warning"' in text and 'data-severity="error"' not in text
    assert Workflow.objects.count() == 0


def test_the_live_check_writes_nothing(scene, as_user):
    """It reads what saving would check; it does not save and roll back."""
    draft = general_draft(scene)
    client = as_user(scene["clerk"])
    edit = reverse("elections-edit", args=[draft.pk]) + "?check=1"
    data = request_data(scene["members"][:8], seats=7)
    with CaptureQueriesContext(connection) as queries:
        edited = client.post(edit, data).content.decode()
        another = client.post(new_url(scene["branch"]) + "?check=1", data).content.decode()
    assert SURPLUS_8_OF_7 in edited
    assert "该党组织已有未办结的换届选举事项" in another
    written = [
        q["sql"]
        for q in queries
        if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
        and "django_session" not in q["sql"]
    ]
    assert written == []
    draft.refresh_from_db()
    assert draft.seats == 5 and draft.candidates.count() == 6


def test_the_live_check_names_members_without_a_vote(scene, as_user):
    client = as_user(scene["clerk"])
    chosen = [*scene["members"][:5], scene["probationary"]]
    response = client.post(new_url(scene["branch"]) + "?check=1", request_data(chosen, seats=5))
    assert "候选人吴新是预备党员，没有被选举权" in response.content.decode()


def test_the_live_check_of_a_malformed_number_names_the_field(scene, as_user):
    client = as_user(scene["clerk"])
    data = request_data(scene["members"][:6], seats="五")
    response = client.post(new_url(scene["branch"]) + "?check=1", data)
    text = response.content.decode()
    assert 'data-problem-field="seats"' in text and 'data-blocking="true"' in text


def test_a_draft_is_saved_in_candidate_order_then_corrected_and_submitted(scene, as_user):
    client = as_user(scene["clerk"])
    members = scene["members"]
    chosen = [members[2], members[0], *members[3:7], members[1], members[7]]
    response = client.post(new_url(scene["branch"]), {**request_data(chosen, 7), "save": "1"})
    workflow = Workflow.objects.get()
    assert response.status_code == 302 and response.url == page(workflow)
    assert workflow.state == State.DRAFT and workflow.seats == 7
    assert [c.member for c in workflow.candidates.all()] == chosen
    assert workflow.candidates.get(member=members[2]).proposed_post == PostKind.SECRETARY
    # Submitting with 8 candidates for 7 seats is refused, and nothing of it is kept.
    edit = reverse("elections-edit", args=[workflow.pk])
    data = {**request_data(chosen, 7, doc_number="财党〔2026〕9号"), "submit": "1"}
    response = client.post(edit, data)
    assert response.status_code == 200
    assert SURPLUS_8_OF_7 in response.content.decode()
    workflow.refresh_from_db()
    assert workflow.state == State.DRAFT and workflow.doc_number == "财党〔2026〕3号"
    # The edit page shows the saved draft's problems before anything is typed.
    assert SURPLUS_8_OF_7 in client.get(edit).content.decode()
    data["candidate_member"].append(members[8].pk)
    data["candidate_post"].append("")
    response = client.post(edit, data)
    assert response.status_code == 302
    workflow.refresh_from_db()
    assert workflow.state == State.SUBMITTED and workflow.doc_number == "财党〔2026〕9号"
    assert workflow.candidates.count() == 9


PERFORMANCE = "政治坚定，作风扎实\n2025年度考核优秀"


def test_the_signer_and_a_performance_are_saved_kept_on_errors_and_shown_again(scene, as_user):
    client = as_user(scene["clerk"])
    members = scene["members"][:6]
    performances = [PERFORMANCE.replace("\n", "\r\n"), *[""] * 5]  # as a browser sends it
    data = request_data(members, 5, signer="王建国", candidate_performance=performances)
    # Refused for the seats typed: both come back as typed, the performance unfolded.
    response = client.post(new_url(scene["branch"]), {**data, "seats": "五", "save": "1"})
    assert response.status_code == 200 and Workflow.objects.count() == 0
    text = response.content.decode()
    assert 'name="signer" value="王建国"' in text
    assert "data-performance open>" in text
    assert f">{PERFORMANCE}</textarea>" in text
    response = client.post(new_url(scene["branch"]), {**data, "save": "1"})
    assert response.status_code == 302
    workflow = Workflow.objects.get()
    assert workflow.signer == "王建国"
    assert [c.performance for c in workflow.candidates.all()] == [PERFORMANCE, *[""] * 5]
    # Editing the draft starts from what was saved.
    text = client.get(reverse("elections-edit", args=[workflow.pk])).content.decode()
    assert 'name="signer" value="王建国"' in text and f">{PERFORMANCE}</textarea>" in text
    text = client.get(page(workflow)).content.decode()
    assert '<dd class="col-8 col-md-9" id="signer">王建国</dd>' in text
    assert "工作表现：政治坚定，作风扎实<br>2025年度考核优秀" in text


def test_a_performance_too_long_is_refused_and_kept_for_shortening(scene, as_user):
    client = as_user(scene["clerk"])
    members = scene["members"][:6]
    too_long = "忠" * (PERFORMANCE_LENGTH + 1)
    data = request_data(members, 5, candidate_performance=["", too_long])
    response = client.post(new_url(scene["branch"]), {**data, "save": "1"})
    text = response.content.decode()
    assert f"李秀英的工作表现不能超过{PERFORMANCE_LENGTH}字" in text
    assert f">{too_long}</textarea>" in text
    assert Workflow.objects.count() == 0


def test_the_workflow_page_names_the_secretary_who_signs_when_none_is_entered(scene, as_user):
    workflow = general_draft(scene)
    text = as_user(scene["clerk"]).get(page(workflow)).content.decode()
    assert '周平 <span class="small text-muted">（未填写，公文按书记或副书记打印）' in text


def test_a_member_of_another_organisation_is_refused(scene, as_user, make_member):
    outsider = make_member(scene["west_branch"], name="孙外")
    client = as_user(scene["clerk"])
    data = {**request_data([*scene["members"][:5], outsider], 5), "save": "1"}
    response = client.post(new_url(scene["branch"]), data)
    assert response.status_code == 200
    assert "第6行的党员不在本组织，或不在您的权限范围内" in response.content.decode()
    assert Workflow.objects.count() == 0


def test_the_form_page_offers_only_the_organisations_members(scene, as_user):
    response = as_user(scene["clerk"]).get(new_url(scene["branch"]))
    assert response.status_code == 200
    text = response.content.decode()
    picker = reverse("member-picker") + f"?org={scene['branch'].pk}"
    assert picker in text
    # Before anything is typed, the check already says what is missing.
    assert "请填写应选名额" in text
    assert Workflow.objects.count() == 0


def test_a_society_secretary_not_its_chair_is_a_warning_that_does_not_block(
    scene, as_user, make_org, make_member
):
    society = make_org(
        "省计算机学会党支部",
        scene["upper"],
        kind=OrgKind.FUNCTIONAL_BRANCH,
        category=Category.SCI_TECH_SOCIETY,
    )
    people = [make_member(scene["branch"]) for _ in range(7)]
    for person in people:
        Membership.objects.create(member=person, org=society, started_on=TERM_START)
    people[1].society_role = SocietyRole.CHAIR
    people[1].save()
    client = as_user(society_clerk(scene["clerk"], society))
    url = new_url(society)
    response = client.post(url + "?check=1", request_data(people[:6], 5))
    text = response.content.decode()
    assert "不符合“双向进入、交叉任职”的要求" in text and 'data-blocking="false"' in text
    response = client.post(url, {**request_data(people[:6], 5), "submit": "1"})
    assert response.status_code == 302
    assert Workflow.objects.get().state == State.SUBMITTED


def test_establishment_request_with_roster_and_proposed_leaders(
    scene, as_user, make_member, make_user
):
    founders = [make_member(scene["branch"], name=f"创始{i}") for i in range(4)]
    url = new_url(scene["upper"], WorkflowKind.ESTABLISHMENT)
    # The branch's clerk does not see the committee; its reviewer may not propose.
    assert as_user(scene["clerk"]).get(url).status_code == 404
    assert as_user(scene["reviewer"]).get(url).status_code == 403
    client = as_user(make_user(role=Role.CLERK, org=scene["upper"]))
    data = {
        "proposed_name": "东区审计局党支部",
        "proposed_kind": OrgKind.BRANCH,
        "proposed_category": Category.ORGAN,
        "decided_on": "2026-01-10",
        "decided_by": "局务会议",
        "seats": 2,
        "office_head": "王五",
        "doc_number": "审〔2026〕1号",
        "roster_member": [f.pk for f in founders[:2]],
        "candidate_member": [founders[0].pk, founders[3].pk],
        "candidate_post": [PostKind.SECRETARY, PostKind.DEPUTY_SECRETARY],
    }
    text = client.post(url + "?check=1", data).content.decode()
    assert "党员名册中正式党员2名，不足3名" in text
    assert "候选人创始3不在党员名册中" in text
    data["roster_member"] = [f.pk for f in founders]
    response = client.post(url, {**data, "submit": "1"})
    assert response.status_code == 302
    workflow = Workflow.objects.get()
    assert workflow.kind == WorkflowKind.ESTABLISHMENT and workflow.parent == scene["upper"]
    assert workflow.state == State.SUBMITTED and workflow.roster.count() == 4
    text = client.get(page(workflow)).content.decode()
    assert "东区审计局党支部" in text and "党员名册（4名）" in text


def test_by_election_request(scene, as_user):
    client = as_user(scene["clerk"])
    url = new_url(scene["branch"], WorkflowKind.BY_ELECTION)
    data = {
        "doc_number": "财党〔2026〕6号",
        "meeting_planned_on": MEETING.isoformat(),
        "committee_size": 3,
        "seats": 2,
        "candidate_member": [scene["members"][5].pk],
        "candidate_post": [""],
    }
    text = client.post(url + "?check=1", data).content.decode()
    assert "补选实行等额选举，候选人应为2名（每个空缺1名），现有1名" in text
    data["seats"] = 1
    response = client.post(url, {**data, "save": "1"})
    assert response.status_code == 302
    workflow = Workflow.objects.get()
    assert workflow.kind == WorkflowKind.BY_ELECTION and not workflow.vacancies.exists()


def test_a_by_election_request_starts_from_the_vacancy(scene, as_user):
    post = scene["old_secretary"]
    post.ended_on = LEFT
    post.save()
    others = [PostKind.ORGANIZATION, PostKind.PUBLICITY]
    for member, kind in zip(scene["members"][:2], others, strict=True):
        Post.objects.create(term=scene["term"], member=member, post=kind, started_on=TERM_START)
    response = as_user(scene["clerk"]).get(new_url(scene["branch"], WorkflowKind.BY_ELECTION))
    form = response.context["form"]
    assert (form["committee_size"].value(), form["seats"].value()) == (3, 1)
    # Who left which post and when come from the registry; the clerk chooses why.
    (row,) = response.context["vacancies"].rows
    assert (row["post"], row["cause"]) == (post, "")
    # The live check reads the figures shown, not an empty form.
    text = response.content.decode()
    assert "请填写应选名额" not in text and "请填写拟召开党员大会的日期" in text
    assert "请选择周平离任的原因（事由由此生成）" in text
    assert 'name="reason"' not in text  # no free text for the reason
    data = {
        "meeting_planned_on": MEETING.isoformat(),
        "committee_size": 3,
        "seats": 1,
        f"vacancy_{post.pk}": VacancyCause.RETIRED,
        "candidate_member": [scene["members"][5].pk],
        "candidate_post": [""],
    }
    url = new_url(scene["branch"], WorkflowKind.BY_ELECTION)
    assert "离任的原因" not in as_user(scene["clerk"]).post(url + "?check=1", data).content.decode()
    assert as_user(scene["clerk"]).post(url, {**data, "save": "1"}).status_code == 302
    vacancy = Workflow.objects.get().vacancies.get()
    assert (vacancy.post, vacancy.cause) == (post, VacancyCause.RETIRED)
    detail = as_user(scene["clerk"]).get(page(Workflow.objects.get())).content.decode()
    assert "原书记周平，2026年10月24日因退休离任" in detail


def test_after_a_by_election_the_whole_committee_is_expected_at_its_meeting(scene, as_user):
    for member in scene["members"][:3]:
        Post.objects.create(
            term=scene["term"], member=member, post=PostKind.MEMBER, started_on=TERM_START
        )
    workflow = services.create_workflow(
        scene["clerk"],
        WorkflowKind.BY_ELECTION,
        org=scene["branch"],
        seats=1,
        committee_size=5,
        meeting_planned_on=MEETING,
        candidates=[{"member": scene["members"][5]}],
    )
    services.submit(scene["clerk"], workflow)
    services.approve_request(scene["reviewer"], workflow)
    count(scene, workflow, [8], expected=9, present=9)
    response = as_user(scene["clerk"]).get(reverse("elections-committee", args=[workflow.pk]))
    assert response.context["form"]["committee_expected"].value() == 5
    assert "：委员会采取等额选举" in response.content.decode()


def test_an_open_election_is_named_before_anything_is_typed(scene, as_user):
    general_draft(scene)
    text = as_user(scene["clerk"]).get(new_url(scene["branch"])).content.decode()
    assert "该党组织已有未办结的换届选举事项" in text


# --- review ------------------------------------------------------------------------------------


def test_return_needs_a_comment_and_the_clerk_resubmits(scene, as_user):
    workflow = general_draft(scene)
    services.submit(scene["clerk"], workflow)
    client = as_user(scene["reviewer"])
    response = act(client, workflow, Action.RETURN)
    assert response.status_code == 400
    assert "请填写退回意见" in response.content.decode()
    assert Workflow.objects.get(pk=workflow.pk).state == State.SUBMITTED
    response = act(client, workflow, Action.RETURN, "请补充候选人简历")
    assert response.status_code == 302
    assert Workflow.objects.get(pk=workflow.pk).state == State.RETURNED

    client = as_user(scene["clerk"])
    text = client.get(page(workflow)).content.decode()
    assert "请补充候选人简历" in text and reverse("elections-edit", args=[workflow.pk]) in text
    assert act(client, workflow, Action.SUBMIT, "已补充").status_code == 302

    client = as_user(scene["reviewer"])
    assert act(client, workflow, Action.APPROVE, "同意").status_code == 302
    workflow.refresh_from_db()
    assert workflow.state == State.APPROVED
    text = client.get(page(workflow)).content.decode()
    steps = [t.get_action_display() for t in workflow.transitions.order_by("at", "pk")]
    assert steps == ["起草请示", "提交请示", "退回请示", "提交请示", "批复同意"]
    positions = [text.index(f'data-action="{a}"') for a in ("create", "return", "approve")]
    assert positions == sorted(positions)
    assert "已补充" in text and "同意" in text


def test_the_clerk_cannot_approve(scene, as_user):
    workflow = general_draft(scene)
    services.submit(scene["clerk"], workflow)
    client = as_user(scene["clerk"])
    assert act(client, workflow, Action.APPROVE, "自己批").status_code == 403
    assert Workflow.objects.get(pk=workflow.pk).state == State.SUBMITTED
    text = client.get(page(workflow)).content.decode()
    assert 'value="approve"' not in text and 'value="return"' not in text


def test_a_reviewer_at_the_organisation_itself_cannot_approve(scene, as_user):
    workflow = general_draft(scene)
    services.submit(scene["clerk"], workflow)
    client = as_user(scene["branch_reviewer"])
    assert client.get(page(workflow)).status_code == 200
    assert act(client, workflow, Action.APPROVE).status_code == 403
    assert client.get(reverse("elections-queue")).context["page"].paginator.count == 0


def test_the_reviewer_cannot_edit_or_draft(scene, as_user):
    workflow = general_draft(scene)
    client = as_user(scene["reviewer"])
    assert client.get(reverse("elections-edit", args=[workflow.pk])).status_code == 403
    data = {**request_data(scene["members"][:6], 5), "save": "1"}
    assert client.post(reverse("elections-edit", args=[workflow.pk]), data).status_code == 403
    assert client.get(new_url(scene["branch"])).status_code == 403
    assert act(client, workflow, Action.SUBMIT).status_code == 403
    assert 'value="submit"' not in client.get(page(workflow)).content.decode()


def test_another_subtree_gets_404(scene, as_user):
    workflow = general_draft(scene)
    services.submit(scene["clerk"], workflow)
    for user in (scene["west_reviewer"], scene["west_clerk"]):
        client = as_user(user)
        assert client.get(page(workflow)).status_code == 404
        assert client.get(reverse("elections-edit", args=[workflow.pk])).status_code == 404
        assert act(client, workflow, Action.APPROVE, "同意").status_code == 404
        assert client.get(reverse("elections-org", args=[scene["branch"].pk])).status_code == 404
        assert client.get(new_url(scene["branch"])).status_code == 404
        listed = client.get(reverse("elections-list")).context["page"]
        assert listed.paginator.count == 0
    assert Workflow.objects.get(pk=workflow.pk).state == State.SUBMITTED


def test_a_closed_request_is_no_longer_editable(scene, as_user):
    workflow = approved_general(scene)
    client = as_user(scene["clerk"])
    response = client.get(reverse("elections-edit", args=[workflow.pk]))
    assert response.status_code == 302 and response.url == page(workflow)


def test_withdraw(scene, as_user):
    workflow = general_draft(scene)
    client = as_user(scene["clerk"])
    assert act(client, workflow, Action.WITHDRAW).status_code == 302
    assert Workflow.objects.get(pk=workflow.pk).state == State.WITHDRAWN
    # Withdrawn twice: the page says why, nothing changes.
    response = act(client, workflow, Action.WITHDRAW)
    assert response.status_code == 302
    assert Transition.objects.filter(action=Action.WITHDRAW).count() == 1


def test_an_approved_election_links_to_the_count(scene, as_user):
    workflow = approved_general(scene)
    text = as_user(scene["clerk"]).get(page(workflow)).content.decode()
    assert reverse("elections-count", args=[workflow.pk]) in text
    # The reviewer has nothing to do at this step.
    text = as_user(scene["reviewer"]).get(page(workflow)).content.decode()
    assert reverse("elections-count", args=[workflow.pk]) not in text
    assert 'id="actions"' not in text


def test_the_result_report_is_returned_resubmitted_and_approved(scene, as_user):
    workflow = approved_general(scene)
    count(scene, workflow, [10, 9, 8, 7, 6, 6])  # a tie at the last seat: a run-off
    count(scene, workflow, [7, 3])
    services.record_committee_meeting(
        scene["clerk"],
        workflow,
        met_on=MEETING,
        expected=5,
        present=5,
        posts=divide_posts(workflow),
        votes={PostKind.SECRETARY: 5, PostKind.DEPUTY_SECRETARY: 4},
    )
    clerk = as_user(scene["clerk"])
    text = clerk.get(page(workflow)).content.decode()
    assert 'name="result_doc_number"' in text and 'value="submit_result"' in text
    # The rounds' summary: the tie at the last seat, then the run-off among the tied.
    assert "当选：王建国、李秀英、张卫东、刘红梅；陈志强、杨丽华得票相等，另行投票" in text
    assert "当选：陈志强</div>" in text
    assert "委员会第一次全体会议：2026年3月2日，应到会5人，实到会5人。" in text
    response = clerk.post(
        reverse("elections-act", args=[workflow.pk]),
        {"action": Action.SUBMIT_RESULT, "result_doc_number": "财党〔2026〕5号"},
    )
    assert response.status_code == 302
    workflow.refresh_from_db()
    assert workflow.state == State.RESULT_SUBMITTED
    assert workflow.result_doc_number == "财党〔2026〕5号"

    reviewer = as_user(scene["reviewer"])
    assert reverse("elections-queue") in reviewer.get(reverse("elections-list")).content.decode()
    assert act(reviewer, workflow, Action.RETURN_RESULT).status_code == 400
    assert act(reviewer, workflow, Action.RETURN_RESULT, "请附委员分工").status_code == 302
    clerk = as_user(scene["clerk"])
    response = clerk.post(
        reverse("elections-act", args=[workflow.pk]), {"action": Action.SUBMIT_RESULT}
    )
    assert response.status_code == 302
    reviewer = as_user(scene["reviewer"])
    assert act(reviewer, workflow, Action.APPROVE_RESULT, "同意").status_code == 302
    workflow.refresh_from_db()
    assert workflow.state == State.COMPLETED and workflow.term.number == 2
    text = reviewer.get(page(workflow)).content.decode()
    assert "已批准生效" in text and 'id="actions"' not in text
    assert "书记（5票）" in text


def test_the_workflow_page_lists_the_documents(scene, as_user):
    workflow = general_draft(scene)
    text = as_user(scene["clerk"]).get(page(workflow)).content.decode()
    assert "换届选举及候选人预备人选的请示" in text
    assert "候选人预备人选备案表（王建国）" in text


# --- lists and queue -------------------------------------------------------------------------


def make_elections(scene, make_org, make_member, n):
    """`n` branches under the committee, each with a submitted general election."""
    for i in range(n):
        branch = make_org(f"第{i}党支部", scene["upper"], category=Category.ORGAN)
        members = [make_member(branch) for _ in range(7)]
        workflow = services.create_workflow(
            scene["clerk_of_upper"],
            WorkflowKind.GENERAL,
            org=branch,
            seats=5,
            meeting_planned_on=MEETING,
            candidates=[
                {"member": m, "proposed_post": PostKind.SECRETARY if j == 0 else ""}
                for j, m in enumerate(members[:6])
            ],
        )
        services.submit(scene["clerk_of_upper"], workflow)


@pytest.fixture
def busy(scene, make_user):
    scene["clerk_of_upper"] = make_user(role=Role.CLERK, org=scene["upper"])
    scene["city_reviewer"] = make_user(role=Role.REVIEWER, org=scene["root"])
    return scene


@pytest.mark.parametrize("name", ["elections-list", "elections-queue"])
def test_lists_take_a_fixed_number_of_queries(
    busy, as_user, make_org, make_member, django_assert_max_num_queries, name
):
    client = as_user(busy["city_reviewer"])
    make_elections(busy, make_org, make_member, 1)
    client.get(reverse(name))  # warm the session
    with django_assert_max_num_queries(12) as small:
        response = client.get(reverse(name))
    assert response.context["page"].paginator.count == 1
    make_elections(busy, make_org, make_member, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse(name))
    assert response.context["page"].paginator.count == 7


def test_the_queue_holds_what_the_user_reviews(busy, as_user, make_org, make_member):
    make_elections(busy, make_org, make_member, 2)
    draft = general_draft(busy)  # not submitted: not in anyone's queue
    queue = reverse("elections-queue")
    for user, expected in (
        (busy["reviewer"], 2),
        (busy["city_reviewer"], 2),
        (busy["west_reviewer"], 0),
        (busy["clerk"], 0),
    ):
        assert as_user(user).get(queue).context["page"].paginator.count == expected
    services.submit(busy["clerk"], draft)
    assert as_user(busy["reviewer"]).get(queue).context["page"].paginator.count == 3


def test_the_organisation_list_and_filters(scene, as_user, make_member):
    general_draft(scene)
    client = as_user(scene["clerk"])
    url = reverse("elections-org", args=[scene["branch"].pk])
    response = client.get(url)
    assert response.context["page"].paginator.count == 1
    text = response.content.decode()
    assert new_url(scene["branch"]) in text
    assert "第1届" in text  # the current term, with its planned end
    assert client.get(url, {"kind": "by_election"}).context["page"].paginator.count == 0
    assert client.get(url, {"state": "open"}).context["page"].paginator.count == 1
    assert client.get(url, {"state": "completed"}).context["page"].paginator.count == 0
    # The reviewer sees the list but is not offered to start a request.
    text = as_user(scene["reviewer"]).get(url).content.decode()
    assert new_url(scene["branch"]) not in text


def test_the_organisation_page_links_to_its_workflows(scene, as_user):
    text = as_user(scene["reviewer"]).get(reverse("org-detail", args=[scene["branch"].pk]))
    assert reverse("elections-org", args=[scene["branch"].pk]) in text.content.decode()


def test_dates_are_shown_in_chinese(scene, as_user):
    workflow = general_draft(scene)
    services.update_workflow(scene["clerk"], workflow, meeting_planned_on=datetime.date(2026, 8, 1))
    text = as_user(scene["clerk"]).get(page(workflow)).content.decode()
    assert "2026年8月1日" in text


# --- the demo --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    """The demo city with the lifecycle's demo workflows (rolled back after the module)."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo.load_demo_city()
        out = io.StringIO()
        apps.get_app_config("elections").load_demo(out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_demo_reviewer_has_a_request_waiting(demo_city, client):
    assert "待 district_reviewer 审批" in demo_city
    reviewer = get_user_model().objects.get(username="district_reviewer")
    client.force_login(reviewer)
    (waiting,) = client.get(reverse("elections-queue")).context["page"]
    assert waiting.kind == WorkflowKind.GENERAL and waiting.state == State.SUBMITTED
    assert waiting.created_by.username == "district_clerk"
    # A branch of 江北区 whose term ends within 90 days.
    term = waiting.org.terms.current().get()
    assert 0 <= (term.planned_end_on - timezone.localdate()).days <= 90
    assert waiting.org.path.startswith(Organization.objects.get(name=DEMO_DISTRICT).path)
    assert not [p for p in services.request_problems(waiting) if p.is_error]


@pytest.mark.django_db
def test_the_demo_has_a_finished_by_election_and_loads_once(demo_city, client):
    done = Workflow.objects.get(kind=WorkflowKind.BY_ELECTION)
    assert done.state == State.COMPLETED
    steps = list(done.transitions.order_by("at", "pk").values_list("action", flat=True))
    assert steps == [
        Action.CREATE,
        Action.SUBMIT,
        Action.APPROVE,
        Action.RECORD_MEETING,
        Action.CONFIRM_RESULT,
        Action.RECORD_COMMITTEE,
        Action.SUBMIT_RESULT,
        Action.APPROVE_RESULT,
    ]
    (elected,) = services.elected_candidates(done)
    assert done.term.posts.filter(member=elected.member, ended_on__isnull=True).exists()
    out = io.StringIO()
    apps.get_app_config("elections").load_demo(out)
    assert "未做改动" in out.getvalue() and Workflow.objects.count() == 2


@pytest.mark.django_db
def test_the_demo_has_a_vacancy_for_a_by_election(demo_city, client):
    assert "书记空缺，可发起补选" in demo_city
    clerk = get_user_model().objects.get(username="district_clerk")
    client.force_login(clerk)
    # The home page loads this list once shown.
    text = client.get(reverse("elections-reminders"), HTTP_HX_REQUEST="true").content.decode()
    vacant = [r for r in user_reminders(clerk)["vacant"] if r.post == PostKind.SECRETARY]
    assert len(vacant) == 1
    org = Organization.objects.get(pk=vacant[0].org_id)
    assert new_url(org, WorkflowKind.BY_ELECTION) in text
    form = client.get(new_url(org, WorkflowKind.BY_ELECTION)).context["form"]
    assert form["seats"].value() == 1
    (row,) = client.get(new_url(org, WorkflowKind.BY_ELECTION)).context["vacancies"].rows
    assert row["post"].post == PostKind.SECRETARY
