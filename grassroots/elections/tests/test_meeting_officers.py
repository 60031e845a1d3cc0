"""The election meeting's scrutineers and tellers (seed 004's agenda, step 2③: 「提出监票人建议
名单，指定计票人员等（委员候选人不得担任监计票人员）」): the rule at its edges, the service,
the count page, the API and the agenda printed with them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from grassroots.documents.tests.helpers import text_of
from grassroots.elections import documents, rules, services
from grassroots.elections.choices import OfficerRole
from grassroots.elections.models import MeetingOfficer

from .helpers import election
from .test_pages_meeting import as_user, count_data

Officer = rules.Officer
CANDIDATES = {1: "王建国", 2: "李秀英"}
AT_MEETING = {1, 2, 3, 4, 5}


def messages(scrutineers=(), tellers=(), at_meeting=AT_MEETING):
    problems = rules.officer_problems(CANDIDATES, scrutineers, tellers, at_meeting)
    return [(p.field, p.message) for p in problems]


def test_members_who_are_not_candidates_may_serve():
    assert messages([Officer(3, "张卫东")], [Officer(4, "刘红梅")]) == []
    # The same member may be both; nothing in the seed forbids it.
    assert messages([Officer(3, "张卫东")], [Officer(3, "张卫东")]) == []
    assert messages() == []


def test_a_candidate_may_be_neither_scrutineer_nor_teller():
    assert messages([Officer(1, "王建国")]) == [
        ("scrutineers", "王建国是委员候选人，委员候选人不得担任监票人（监计票人员）")
    ]
    assert messages(tellers=[Officer(2, "李秀英")]) == [
        ("tellers", "李秀英是委员候选人，委员候选人不得担任计票人（监计票人员）")
    ]


def test_someone_not_at_the_meeting_or_named_twice_is_refused():
    assert messages([Officer(9, "外人")]) == [
        ("scrutineers", "外人不是本次党员大会的党员，不能担任监票人")
    ]
    assert messages(tellers=[Officer(3, "张卫东"), Officer(3, "张卫东")]) == [
        ("tellers", "计票人张卫东重复列出")
    ]


@pytest.mark.django_db
def test_the_count_saves_them_and_refuses_a_candidate(hall, workflow):
    members = hall["members"]
    clerk = hall["clerk"]
    services.record_count(clerk, workflow, scrutineers=members[6:8], tellers=members[8:9])
    saved = workflow.officers.order_by("role", "member__name")
    assert [(o.role, o.member.name) for o in saved] == [
        (OfficerRole.SCRUTINEER, "赵明"),
        (OfficerRole.SCRUTINEER, "黄海"),
        (OfficerRole.TELLER, "周平"),
    ]
    with pytest.raises(ValidationError) as error:
        services.record_count(clerk, workflow, scrutineers=[members[0]], held_on=None)
    assert error.value.message_dict == {
        "scrutineers": ["王建国是委员候选人，委员候选人不得担任监票人（监计票人员）"]
    }
    assert workflow.officers.count() == 3  # nothing changed
    # Given again: the list is replaced; not given: left as it is.
    services.record_count(clerk, workflow, scrutineers=[members[6]])
    services.record_count(clerk, workflow, invalid_ballots=0)
    assert sorted(workflow.officers.values_list("member__name", flat=True)) == ["周平", "赵明"]


@pytest.mark.django_db
def test_the_count_page_records_them_with_a_clear_error(client, hall, workflow):
    members = hall["members"]
    client = as_user(client, hall["clerk"])
    url = reverse("elections-count", args=[workflow.pk])
    page = client.get(url).content.decode()
    assert "换届大会议程（七项）" in page and "委员候选人不得担任" in page
    assert "<li>东区机关党委领导对新任党组织委员会提工作要求。</li>" in page
    refused = client.post(url, count_data(workflow, scrutineers=[members[1].pk], action="save"))
    assert refused.status_code == 200
    assert "李秀英是委员候选人，委员候选人不得担任监票人" in refused.content.decode()
    assert not MeetingOfficer.objects.exists()
    data = count_data(workflow, scrutineers=[members[6].pk, members[7].pk], action="save")
    data["tellers"] = [members[8].pk]
    assert client.post(url, data).status_code == 302
    assert workflow.officers.count() == 3
    form = client.get(url).context["form"]
    assert form["scrutineers"].value() == [str(members[6].pk), str(members[7].pk)]
    detail = client.get(reverse("elections-workflow", args=[workflow.pk])).content.decode()
    assert "监票人：赵明、黄海" in detail and "计票人：周平" in detail


@pytest.mark.django_db
def test_another_subtree_can_neither_see_nor_set_them(client, hall, workflow):
    client = as_user(client, hall["west_clerk"])
    data = count_data(workflow, scrutineers=[hall["members"][6].pk], action="save")
    assert client.post(reverse("elections-count", args=[workflow.pk]), data).status_code == 404
    assert not MeetingOfficer.objects.exists()


@pytest.mark.django_db
def test_the_api_records_and_shows_them(hall, workflow):
    api = APIClient()
    api.force_authenticate(hall["clerk"])
    url = f"/api/v1/elections/{workflow.pk}/record-meeting/"
    refused = api.post(url, {"tellers": [hall["members"][0].pk]}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "tellers": ["王建国是委员候选人，委员候选人不得担任计票人（监计票人员）"]
    }
    response = api.post(url, {"scrutineers": [hall["members"][6].pk]}, format="json")
    assert response.status_code == 200
    assert [(o["role"], o["member_name"]) for o in response.json()["officers"]] == [
        ("scrutineer", "赵明")
    ]
    outsider = api.post(url, {"scrutineers": [999999]}, format="json")
    assert outsider.status_code == 400


@pytest.mark.django_db
def test_the_agenda_prints_the_seven_steps_and_the_officers(hall, workflow):
    members = hall["members"]
    assert "agenda" in [ref.slug for ref in documents.available_documents(workflow)]
    blank = text_of(documents.render(workflow, "agenda"))
    assert "监票人：\u3000\u3000" in blank
    services.record_count(hall["clerk"], workflow, scrutineers=members[6:8], tellers=members[8:9])
    text = text_of(documents.render(workflow, "agenda"))
    lines = text.splitlines()
    assert lines[0] == "东区财政局党支部换届选举党员大会议程"
    assert "1.上届党组织负责同志向全体党员作工作报告；" in lines
    assert "③ 提出监票人建议名单，指定计票人员等（委员候选人不得担任监计票人员）；" in lines
    assert "4.有选举权的党员对提出的党组织委员会委员拟任人选进行正式选举；" in lines
    assert "7.东区机关党委领导对新任党组织委员会提工作要求。" in lines
    assert "监票人：赵明、黄海" in lines and "计票人：周平" in lines
    request = text_of(documents.render(workflow, "request"))
    assert "3.讨论、酝酿并审议通过工作报告、选举办法、候选人名单和监票人名单；" in request


@pytest.mark.django_db
def test_a_draft_has_no_agenda_yet(hall):
    draft = election(hall, approve=False)
    assert "agenda" not in [ref.slug for ref in documents.available_documents(draft)]
