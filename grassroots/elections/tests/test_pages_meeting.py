"""Election-day pages: who may enter the count, the live tally for each RULES.md edge case
(8 of 10 present, exactly half the votes, a tie at the last seat, more ballots back than
issued, 7 seats with 8 candidates, a ballot marking more names than seats), saving and
confirming rounds, and the committee's first meeting."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.core.choices import Role
from grassroots.elections import services
from grassroots.elections.choices import CountMode, State, WorkflowKind
from grassroots.elections.models import Round, Workflow
from grassroots.orgs.choices import Category, PostKind

from .helpers import MEETING, candidates_of, election


def as_user(client, user):
    client.force_login(user)
    return client


def candidate_ids(workflow):
    current = services.current_round(workflow)
    if current is not None:
        return [e.candidate_id for e in current.entries.order_by("candidate__order")]
    return list(workflow.candidates.order_by("order").values_list("pk", flat=True))


def count_data(workflow, votes=None, present=10, issued=None, returned=None, **extra):
    """The count form as a clerk fills it: everyone present, all ballots back."""
    issued = present if issued is None else issued
    data = {
        "held_on": MEETING.isoformat(),
        "mode": CountMode.TOTALS,
        "present_members": present,
        "present_voters": present,
        "ballots_issued": issued,
        "ballots_returned": issued if returned is None else returned,
        "invalid_ballots": 0,
        "ballots": "",
    }
    for candidate_id, value in zip(candidate_ids(workflow), votes or [], strict=False):
        data[f"votes_{candidate_id}"] = value
    data.update(extra)
    return data


def live(client, workflow, data):
    response = client.post(reverse("elections-count-tally", args=[workflow.pk]), data)
    assert response.status_code == 200
    return response


def text(response):
    """The page's text without tags and runs of white space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def field_errors(response, field):
    return re.findall(rf'data-error-for="{field}"[^>]*>([^<]*)<', response.content.decode())


def quorum(response):
    return re.search(r'data-quorum="([\w-]+)"', response.content.decode()).group(1)


def outcomes(response):
    """{candidate name: outcome} of the tally table."""
    html = response.content.decode()
    return dict(re.findall(r'data-candidate="([^"]+)" data-outcome="(\w*)"', html))


# --- who may count ---------------------------------------------------------------------------


def test_the_clerk_of_the_organisation_gets_the_entry_form(client, hall, workflow):
    response = as_user(client, hall["clerk"]).get(reverse("elections-count", args=[workflow.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="count-form"' in html
    assert 'hx-trigger="input changed delay:200ms' in html
    # Ten voters of eleven members: the probationary member has no vote.
    assert 'data-expected-voters="10"' in html
    assert "应到党员" in html and ">11<" in html


def test_another_subtree_is_not_found(client, hall, workflow):
    as_user(client, hall["west_clerk"])
    assert client.get(reverse("elections-count", args=[workflow.pk])).status_code == 404
    assert client.get(reverse("elections-committee", args=[workflow.pk])).status_code == 404
    tally = client.post(reverse("elections-count-tally", args=[workflow.pk]), count_data(workflow))
    assert tally.status_code == 404
    saved = client.post(reverse("elections-count", args=[workflow.pk]), count_data(workflow))
    assert saved.status_code == 404
    assert not Round.objects.exists()


def test_the_reviewer_sees_but_cannot_enter_counts(client, hall, workflow):
    as_user(client, hall["reviewer"])
    page = client.get(reverse("elections-count", args=[workflow.pk]))
    assert page.status_code == 200
    assert 'id="count-form"' not in page.content.decode()
    assert "只有本组织的党务工作者可以登记计票" in text(page)
    data = count_data(workflow, [10, 9, 8, 7, 6, 2], action="save")
    assert client.post(reverse("elections-count", args=[workflow.pk]), data).status_code == 403
    tally = client.post(reverse("elections-count-tally", args=[workflow.pk]), data)
    assert tally.status_code == 403
    committee = client.post(reverse("elections-committee", args=[workflow.pk]), {})
    assert committee.status_code == 403
    assert not Round.objects.exists()


def test_anonymous_users_log_in_first(client, workflow):
    response = client.get(reverse("elections-count", args=[workflow.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_no_count_before_the_request_is_approved(client, hall):
    draft = election(hall, approve=False)
    page = as_user(client, hall["clerk"]).get(reverse("elections-count", args=[draft.pk]))
    assert 'id="count-form"' not in page.content.decode()
    assert "请示经上级党组织批复后" in text(page)
    response = client.post(reverse("elections-count", args=[draft.pk]), count_data(draft))
    assert response.status_code == 403


# --- the live tally: RULES.md edge cases -----------------------------------------------------


@pytest.fixture
def clerk(client, hall):
    return as_user(client, hall["clerk"])


def test_eight_of_ten_present_is_no_quorum_nine_is(clerk, workflow):
    votes = [8, 8, 8, 8, 8, 1]
    eight = live(clerk, workflow, count_data(workflow, votes, present=8))
    assert quorum(eight) == "not-met"
    assert "8/10 ≤ 4/5" in text(eight)
    assert "未超过五分之四" in text(eight)
    assert "到会有选举权的党员未超过应到会人数的五分之四" in text(eight)
    assert 'data-valid="false"' in eight.content.decode()
    nine = live(clerk, workflow, count_data(workflow, votes, present=9))
    assert quorum(nine) == "met"
    assert "9/10 &gt; 4/5" in nine.content.decode()
    assert "超过五分之四，会议有效" in text(nine)
    assert 'data-valid="true"' in nine.content.decode()


def test_quorum_shows_as_soon_as_the_voters_present_are_typed(clerk, workflow):
    response = live(clerk, workflow, {"mode": CountMode.TOTALS, "present_voters": 9})
    assert quorum(response) == "met"
    assert "尚未填写：发出选票、收回选票、得票" in text(response)
    assert 'data-valid=""' in response.content.decode()


def test_exactly_half_the_votes_fails_one_more_passes(clerk, workflow):
    # Ten present: 5 is exactly half, 6 is more than half.
    response = live(clerk, workflow, count_data(workflow, [10, 9, 8, 7, 5, 5]))
    assert 'data-threshold="6"' in response.content.decode()
    assert outcomes(response) == {
        "王建国": "elected",
        "李秀英": "elected",
        "张卫东": "elected",
        "刘红梅": "elected",
        "陈志强": "failed",
        "杨丽华": "failed",
    }
    assert "空缺1名" in text(response)
    response = live(clerk, workflow, count_data(workflow, [10, 9, 8, 7, 6, 5]))
    assert outcomes(response)["陈志强"] == "elected"
    assert "空缺" not in text(response)


def test_where_seats_are_reduced_the_panel_says_so(clerk, workflow, settings):
    data = count_data(workflow, [10, 9, 8, 7, 5, 5])
    assert "不足的名额另行选举" in text(live(clerk, workflow, data))
    settings.PARTY_RULES = {"reduce_unfilled_seats": True}
    assert "按本地规定减少应选名额，不再另行选举" in text(live(clerk, workflow, data))


def test_a_tie_at_the_last_seat_goes_to_a_runoff_among_the_tied(clerk, workflow):
    response = live(clerk, workflow, count_data(workflow, [10, 9, 8, 7, 7, 7]))
    assert outcomes(response) == {
        "王建国": "elected",
        "李秀英": "elected",
        "张卫东": "elected",
        "刘红梅": "runoff",
        "陈志强": "runoff",
        "杨丽华": "runoff",
    }
    assert "刘红梅、陈志强、杨丽华得票相等，需在其中另行投票选出2名" in text(response)


def test_more_ballots_back_than_issued_voids_the_election(clerk, workflow):
    data = count_data(workflow, [9, 9, 9, 9, 9, 1], present=10, issued=9, returned=10)
    response = live(clerk, workflow, data)
    assert "收回选票多于发出选票" in text(response)
    assert "本轮投票无效" in text(response)
    assert set(outcomes(response).values()) == {""}


def test_seven_seats_with_eight_candidates_is_too_small_a_surplus(clerk, hall):
    workflow = election(hall, seats=7, candidate_count=8, approve=False)
    # Approved as it stands (the request check would have refused it): the count still says.
    Workflow.objects.filter(pk=workflow.pk).update(state=State.APPROVED)
    response = live(clerk, workflow, count_data(workflow, [10] * 7 + [3]))
    assert "候选人差额低于应选名额的20%" in text(response)
    assert 'data-valid="false"' in response.content.decode()


def test_a_ballot_marking_more_names_than_seats_is_invalid(clerk, hall):
    workflow = election(hall, seats=3, candidate_count=4)
    ids = candidate_ids(workflow)
    papers = [ids[:3]] * 6 + [ids[:4]] + [[ids[3]]] * 2
    data = count_data(
        workflow, present=9, mode=CountMode.BALLOTS, ballots=json.dumps(papers), mark=ids[:4]
    )
    response = live(clerk, workflow, data)
    html = response.content.decode()
    assert html.count("无效：所选人数多于应选名额") == 1
    assert 'data-in-hand-over="true"' in html  # the paper in hand marks four names too
    assert "本张选票：王建国、李秀英、张卫东、刘红梅（4人），多于应选名额3名，为无效票" in text(
        response
    )
    assert "有效票8张，无效票1张" in text(response)
    assert outcomes(response) == {
        "王建国": "elected",
        "李秀英": "elected",
        "张卫东": "elected",
        "刘红梅": "failed",
    }


def test_ballots_still_to_enter_are_said_next_to_the_ballots(clerk, hall):
    workflow = election(hall, seats=3, candidate_count=4)
    ids = candidate_ids(workflow)
    data = count_data(workflow, mode=CountMode.BALLOTS, ballots=json.dumps([ids[:2]]))
    response = live(clerk, workflow, data)
    assert field_errors(response, "ballots") == [
        "录入选票1张、无效票0张，合计应等于收回选票数（10张）"
    ]
    # The running yes-votes of the ballots entered so far.
    assert re.search(
        r'data-candidate="王建国"[^>]*>\s*<td>王建国</td>\s*<td[^>]*>1<', response.content.decode()
    )


def test_malformed_figures_are_refused_next_to_the_field(clerk, workflow):
    data = count_data(workflow, [10, 9, 8, 7, 6, 5], present=11)
    response = live(clerk, workflow, data)
    assert field_errors(response, "present_voters") == [
        "实到会有选举权人数（11人）不能多于应到会人数（10人）"
    ]
    assert quorum(response) == "unknown"
    response = live(clerk, workflow, count_data(workflow, [10, 9, 8, 7, 6, -1]))
    candidate = candidate_ids(workflow)[5]
    assert field_errors(response, f"votes_{candidate}") == ["确保该值大于或等于0。"]
    response = live(clerk, workflow, count_data(workflow, [10, 9, 8, 7, 6, 5], present="九"))
    assert field_errors(response, "present_voters") == ["输入整数。"]


def test_members_left_out_of_the_count_lower_the_voters_expected(clerk, hall, workflow):
    absent = hall["members"][9]
    data = count_data(
        workflow,
        [8, 8, 8, 8, 8, 1],
        present=8,
        exclusions=[absent.pk],
        exclusion_reasons=["因病住院"],
    )
    response = live(clerk, workflow, data)
    assert 'data-expected-voters="9"' in response.content.decode()
    assert quorum(response) == "met"  # 8 of 9
    data["exclusion_reasons"] = [""]
    response = live(clerk, workflow, data)
    assert field_errors(response, "exclusions") == ["请填写孙丽不计入应到会人数的原因"]


# --- saving and confirming -------------------------------------------------------------------


def post_count(client, workflow, data, action):
    return client.post(reverse("elections-count", args=[workflow.pk]), {**data, "action": action})


def test_a_saved_count_comes_back_in_the_form(clerk, hall, workflow):
    absent = hall["members"][9]
    data = count_data(
        workflow,
        [8, 7, None, None, None, None],
        present=8,
        exclusions=[absent.pk],
        exclusion_reasons=["因病住院"],
    )
    data = {k: v for k, v in data.items() if v is not None}
    response = post_count(clerk, workflow, data, "save")
    assert response.status_code == 302
    workflow.refresh_from_db()
    assert workflow.state == State.COUNTING
    saved = Round.objects.get(workflow=workflow)
    assert (saved.expected_members, saved.expected_voters, saved.present_voters) == (10, 9, 8)
    assert [(e.member_id, e.reason) for e in saved.exclusions.all()] == [(absent.pk, "因病住院")]
    page = clerk.get(response["Location"])
    html = page.content.decode()
    assert "计票已保存" in html
    assert f'value="{absent.pk}" selected' in html and 'value="因病住院"' in html
    assert 'name="present_voters" value="8"' in html
    assert "尚未填写：得票（张卫东、刘红梅、陈志强、杨丽华）" in text(page)


def test_errors_keep_what_was_typed_and_save_nothing(clerk, hall, workflow):
    data = count_data(workflow, [10, 9, 8, 7, 6, 5], exclusions=[hall["members"][9].pk])
    response = post_count(clerk, workflow, data, "save")
    assert response.status_code == 200
    assert field_errors(response, "exclusions") == ["请填写孙丽不计入应到会人数的原因"]
    assert 'name="votes_' in response.content.decode()
    assert not Round.objects.exists()


def test_confirming_a_tie_opens_the_runoff_among_the_tied(clerk, workflow):
    response = post_count(clerk, workflow, count_data(workflow, [10, 9, 8, 7, 6, 6]), "confirm")
    assert response.status_code == 302
    workflow.refresh_from_db()
    assert workflow.state == State.COUNTING
    page = clerk.get(response["Location"])
    html = page.content.decode()
    assert "第1轮投票结果已确认；第2轮投票已开始，应选1名" in html
    # Round 1, frozen and read-only; round 2 on the form with the tied candidates only.
    assert 'data-round="1"' in html and "已冻结" in html
    assert re.search(r'class="h5 round-title" data-round="2"', html)
    runoff = services.current_round(workflow)
    names = [e.candidate.member.name for e in runoff.entries.all()]
    assert names == ["陈志强", "杨丽华"]
    assert html.count('name="votes_') == 2
    # The figures of the meeting carry over; the ballots of the new vote are typed again.
    assert 'name="present_voters" value="10"' in html
    assert 'name="ballots_issued" value=""' not in html  # empty field: no value attribute

    response = post_count(clerk, workflow, count_data(workflow, [7, 3]), "confirm")
    assert response.status_code == 302
    workflow.refresh_from_db()
    assert workflow.state == State.ELECTED
    page = clerk.get(response["Location"])
    assert 'id="count-form"' not in page.content.decode()
    assert "第2轮投票结果已确认，选举结束" in text(page)
    assert "王建国、李秀英、张卫东、刘红梅、陈志强" in text(page)
    assert reverse("elections-committee", args=[workflow.pk]) in page.content.decode()


def test_confirming_a_count_the_tally_refuses_changes_nothing(clerk, workflow):
    data = count_data(workflow, [10, 9, 8, 7, 6, 5], present=10, issued=10, invalid_ballots=11)
    response = post_count(clerk, workflow, data, "confirm")
    assert response.status_code == 200
    assert field_errors(response, "invalid_ballots") == [
        "无效票数（11张）不能多于收回选票数（10张）"
    ]
    workflow.refresh_from_db()
    assert workflow.state == State.APPROVED
    assert not Round.objects.exists()


def test_a_void_vote_is_held_again(clerk, workflow):
    response = post_count(
        clerk, workflow, count_data(workflow, [7] * 5 + [1], present=8), "confirm"
    )
    assert response.status_code == 302
    first, second = Round.objects.filter(workflow=workflow).order_by("number")
    assert first.result["problems"] == ["QUORUM_NOT_MET"]
    assert second.seats == 5 and second.entries.count() == 6
    page = clerk.get(response["Location"])
    assert "第2轮投票已开始，应选5名" in text(page)


# --- the committee's first meeting -----------------------------------------------------------


@pytest.fixture
def elected(clerk, workflow):
    post_count(clerk, workflow, count_data(workflow, [10, 9, 8, 7, 6, 2]), "confirm")
    workflow.refresh_from_db()
    assert workflow.state == State.ELECTED
    return workflow


def committee_data(workflow, secretary=5, deputy=4, present=5, **extra):
    posts = iter(
        [PostKind.SECRETARY, PostKind.DEPUTY_SECRETARY, PostKind.ORGANIZATION, PostKind.PUBLICITY]
    )
    data = {
        "committee_met_on": MEETING.isoformat(),
        "committee_expected": 5,
        "committee_present": present,
        "secretary_votes": secretary,
        "deputy_votes": deputy,
    }
    for candidate in services.elected_candidates(workflow):
        data[f"post_{candidate.pk}"] = next(posts, PostKind.DISCIPLINE)
    data.update(extra)
    return data


def test_the_committee_form_starts_from_the_proposed_posts(clerk, elected):
    page = clerk.get(reverse("elections-committee", args=[elected.pk]))
    html = page.content.decode()
    assert 'name="committee_met_on" value="2026-03-02"' in html
    assert 'name="committee_expected" value="5"' in html
    assert len(re.findall(r'<option value="secretary" selected>', html)) == 1
    assert len(re.findall(r'<option value="deputy_secretary" selected>', html)) == 1


def test_the_committee_meeting_is_recorded(clerk, elected):
    url = reverse("elections-committee", args=[elected.pk])
    response = clerk.post(url, committee_data(elected))
    assert response.status_code == 302
    elected.refresh_from_db()
    assert elected.state == State.CONSTITUTED
    assert (elected.committee_met_on, elected.committee_present) == (MEETING, 5)
    posts = {c.member.name: (c.post, c.post_votes) for c in services.elected_candidates(elected)}
    assert posts["王建国"] == (PostKind.SECRETARY, 5)
    assert posts["李秀英"] == (PostKind.DEPUTY_SECRETARY, 4)
    assert posts["陈志强"] == (PostKind.DISCIPLINE, None)
    page = clerk.get(url)
    assert "委员会第一次全体会议已登记" in text(page)
    assert 'name="secretary_votes" value="5"' in page.content.decode()


def test_the_secretary_needs_more_than_half_of_the_committee_present(clerk, elected):
    url = reverse("elections-committee", args=[elected.pk])
    response = clerk.post(url, committee_data(elected, secretary=2))
    assert response.status_code == 200
    assert field_errors(response, "votes") == [
        "书记人选未获得实到会委员半数以上赞成票（或到会委员不足），未能当选，请重新投票后再登记"
    ]
    response = clerk.post(url, committee_data(elected, secretary=3))
    assert response.status_code == 302


def test_committee_errors_go_next_to_the_fields(clerk, elected):
    url = reverse("elections-committee", args=[elected.pk])
    response = clerk.post(url, committee_data(elected, present=6))
    assert field_errors(response, "committee_present") == ["实到会委员不能多于应到会委员"]
    data = committee_data(elected)
    first = services.elected_candidates(elected)[2]
    data[f"post_{first.pk}"] = PostKind.SECRETARY  # two secretaries
    response = clerk.post(url, data)
    assert field_errors(response, "posts") == ["书记只能有1名"]
    response = clerk.post(url, committee_data(elected, committee_met_on=""))
    assert field_errors(response, "committee_met_on") == ["请填写会议日期"]
    elected.refresh_from_db()
    assert elected.state == State.ELECTED


def test_the_reviewer_sees_the_committee_meeting_read_only(client, hall, clerk, elected):
    clerk.post(reverse("elections-committee", args=[elected.pk]), committee_data(elected))
    as_user(client, hall["reviewer"])
    page = client.get(reverse("elections-committee", args=[elected.pk]))
    assert page.status_code == 200
    assert 'id="committee-form"' not in page.content.decode()
    assert "王建国：书记（得票5）" in text(page)


def test_a_tampered_ballot_list_is_refused_next_to_the_ballots(clerk, hall):
    workflow = election(hall, seats=3, candidate_count=4)
    ids = candidate_ids(workflow)
    for papers in ([[ids[0], ids[0]]], [[999999]], "not json", {"a": 1}):
        raw = papers if isinstance(papers, str) else json.dumps(papers)
        data = count_data(workflow, mode=CountMode.BALLOTS, ballots=raw)
        response = live(clerk, workflow, data)
        assert field_errors(response, "ballots") == ["选票录入数据有误，请刷新页面后重新录入"]


# --- a fixed number of queries ---------------------------------------------------------------


def test_queries_do_not_grow_with_candidates_voters_and_rounds(
    client, hall, make_org, make_member, make_user
):
    clerk = make_user(role=Role.CLERK, org=hall["upper"])
    as_user(client, clerk)

    def counted_twice(members, seats, candidate_count):
        """A branch whose first vote was void (no quorum) and held again, also void."""
        branch = make_org(parent=hall["upper"], category=Category.ORGAN)
        people = [make_member(branch) for _ in range(members)]
        workflow = services.create_workflow(
            clerk,
            WorkflowKind.GENERAL,
            org=branch,
            seats=seats,
            meeting_planned_on=MEETING,
            candidates=candidates_of(people[:candidate_count]),
        )
        services.submit(clerk, workflow)
        services.approve_request(hall["reviewer"], workflow)
        left_out = {"exclusions": [people[-1].pk], "exclusion_reasons": ["因病住院"]}
        for _ in range(2):
            data = count_data(workflow, [1] * candidate_count, present=1, **left_out)
            post_count(client, workflow, data, "confirm")
        assert workflow.rounds.count() == 3
        return workflow

    def measure(workflow):
        with CaptureQueriesContext(connection) as page:
            client.get(reverse("elections-count", args=[workflow.pk]))
        with CaptureQueriesContext(connection) as tally:
            live(client, workflow, count_data(workflow, [1] * 9))
        return len(page), len(tally)

    small = measure(counted_twice(members=10, seats=3, candidate_count=4))
    large = measure(counted_twice(members=40, seats=7, candidate_count=9))
    assert large <= small
