"""Rectification: every shortfall of a reviewed assessment becomes a task with an owner and
a deadline; tasks are changed and closed with follow-up evidence; overdue is computed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from grassroots.assessments import services
from grassroots.assessments.choices import ItemStatus, TaskStatus
from grassroots.assessments.models import RectificationTask
from grassroots.orgs.choices import PostKind
from grassroots.orgs.models import Post, Term

from .helpers import PNG, TODAY, build_set, rows_by_code, submitted, upload


def reviewed(people, standard_set, veto_met=True, deadline=None, today=TODAY, **scores):
    """Submitted and reviewed with full marks for what is met, none for the rest, except
    `scores` ({code with _: score})."""
    assessment = submitted(people, standard_set, veto_met)
    rows = rows_by_code(assessment)
    given = {
        row.pk: (scores.get(code.replace(".", "_"), row.suggested_score), "")
        for code, row in rows.items()
    }
    services.review_items(people["reviewer"], assessment, given)
    return services.complete_review(people["reviewer"], assessment, deadline=deadline, today=today)


def tasks_of(assessment):
    return {
        t.assessment_item.item.code: t
        for t in RectificationTask.objects.filter(
            assessment_item__assessment=assessment
        ).select_related("assessment_item__item", "owner_user")
    }


def test_every_shortfall_becomes_a_task(people, standard_set):
    # 1.2 not met (no study), 2.2 (veto) attested not met, 2.1 met but scored below full.
    done = reviewed(people, standard_set, veto_met=False, **{"2_1": "20"})
    tasks = tasks_of(done)
    assert set(tasks) == {"1.2", "2.1", "2.2"}
    assert "未达标（党员3名" in tasks["1.2"].description
    assert "要求人均学习时长 ≥ 32 学时" in tasks["1.2"].description
    assert tasks["2.1"].description.endswith("扣5分")
    assert tasks["2.2"].description.startswith("第 2.2 条 无违纪违法行为发生。")
    for task in tasks.values():
        assert task.deadline == TODAY + datetime.timedelta(days=60)
        assert task.status == TaskStatus.OPEN
        assert task.org == people["branch"]
        assert task.owner_user == people["clerk"]  # no secretary: the clerk who submitted
        assert task.created_by == people["reviewer"]


def test_no_data_is_a_shortfall(people, standard_set):
    items = [
        ("1", "1.1", "村集体经济收入超过20万元。", "collective_income", ">", 200000, False),
        ("1", "1.2", "制度健全。", None, None, None, False),
    ]
    income_set = build_set("t-income", items=items)
    done = reviewed(people, income_set)
    row = rows_by_code(done)["1.1"]
    assert row.status == ItemStatus.NO_DATA
    assert tasks_of(done)["1.1"].description.endswith(
        "无数据（要求村集体经济年收入 > 200,000 元），扣50分"
    )


def test_a_full_score_leaves_no_task(people, standard_set):
    done = reviewed(people, standard_set, **{"1_2": 25})
    assert set(tasks_of(done)) == {"1.2"}  # not met, even with full marks
    assert rows_by_code(done)["2.1"].is_gap is False


def test_the_secretary_owns_the_tasks_and_the_deadline_is_configurable(people, standard_set):
    term = Term.objects.create(
        org=people["branch"],
        number=1,
        started_on=datetime.date(2024, 1, 1),
        planned_end_on=datetime.date(2027, 1, 1),
    )
    Post.objects.create(
        term=term,
        member=people["members"][0],
        post=PostKind.SECRETARY,
        started_on=term.started_on,
    )
    with override_settings(PARTY_RULES={"rectification_days": 30}):
        done = reviewed(people, standard_set)
    task = tasks_of(done)["1.2"]
    assert (task.owner_name, task.owner_user) == ("王建国", None)
    assert task.owner == "王建国"
    assert task.deadline == TODAY + datetime.timedelta(days=30)


def test_a_deadline_given_at_the_review(people, standard_set):
    deadline = TODAY + datetime.timedelta(days=10)
    done = reviewed(people, standard_set, deadline=deadline)
    assert tasks_of(done)["1.2"].deadline == deadline
    with pytest.raises(ValidationError) as excinfo:
        services.make_rectification_tasks(
            people["reviewer"], done, deadline=TODAY - datetime.timedelta(days=1), today=TODAY
        )
    assert excinfo.value.message_dict == {"deadline": ["整改期限不能早于今天"]}


def test_making_tasks_again_adds_none_and_needs_a_reviewed_assessment(people, standard_set):
    done = reviewed(people, standard_set)
    assert services.make_rectification_tasks(people["clerk"], done, today=TODAY) == []
    draft = services.start_assessment(
        people["clerk"], people["other_branch"], standard_set, 2026, TODAY
    )
    with pytest.raises(ValidationError) as excinfo:
        services.make_rectification_tasks(people["clerk"], draft, today=TODAY)
    assert "state" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.make_rectification_tasks(people["west_clerk"], done, today=TODAY)
    assert "org" in excinfo.value.message_dict


# --- changing and closing ---------------------------------------------------------------------


@pytest.fixture
def task(people, standard_set):
    return tasks_of(reviewed(people, standard_set))["1.2"]


def test_the_clerk_or_the_reviewer_changes_a_task(people, task):
    later = TODAY + datetime.timedelta(days=90)
    services.update_task(
        people["clerk"], task, owner_name="李秀英", owner_user=None, deadline=later, today=TODAY
    )
    services.update_task(people["reviewer"], task, status=TaskStatus.IN_PROGRESS, today=TODAY)
    task.refresh_from_db()
    assert (task.owner, task.deadline, task.status) == ("李秀英", later, TaskStatus.IN_PROGRESS)
    for user in ("west_clerk", "branch_reviewer"):
        with pytest.raises(ValidationError) as excinfo:
            services.update_task(people[user], task, follow_up="x", today=TODAY)
        assert "org" in excinfo.value.message_dict


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"deadline": TODAY - datetime.timedelta(days=1)}, "deadline"),
        ({"deadline": None}, "deadline"),
        ({"status": TaskStatus.DONE}, "status"),
        ({"owner_user": None, "owner_name": ""}, "owner_name"),
        ({"description": " "}, "description"),
    ],
)
def test_task_changes_are_checked(people, task, fields, field):
    with pytest.raises(ValidationError) as excinfo:
        services.update_task(people["clerk"], task, today=TODAY, **fields)
    assert field in excinfo.value.message_dict


def test_closing_needs_follow_up_evidence(people, task):
    with pytest.raises(ValidationError) as excinfo:
        services.close_task(people["clerk"], task, today=TODAY)
    assert excinfo.value.message_dict == {"follow_up": ["请填写整改情况或上传整改材料"]}
    with pytest.raises(ValidationError) as excinfo:
        services.close_task(
            people["clerk"],
            task,
            "已整改",
            follow_up_on=TODAY + datetime.timedelta(days=1),
            today=TODAY,
        )
    assert "follow_up_on" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.close_task(people["reviewer"], task, "已整改", today=TODAY)
    assert "org" in excinfo.value.message_dict

    services.close_task(
        people["clerk"], task, follow_up_file=upload("学习记录.png", PNG), today=TODAY
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert (task.follow_up_name, task.follow_up_on) == ("学习记录.png", TODAY)
    assert task.closed_by == people["clerk"]
    with pytest.raises(ValidationError) as excinfo:
        services.close_task(people["clerk"], task, "再次", today=TODAY)
    assert "status" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.update_task(people["clerk"], task, follow_up="x", today=TODAY)
    assert "status" in excinfo.value.message_dict


def test_a_bad_follow_up_file_is_refused(people, task):
    with pytest.raises(ValidationError) as excinfo:
        services.close_task(
            people["clerk"], task, "已整改", follow_up_file=upload("a.pdf", PNG), today=TODAY
        )
    assert "follow_up_file" in excinfo.value.message_dict


def test_overdue_is_open_past_the_deadline(people, task):
    today = timezone.localdate()
    RectificationTask.objects.filter(pk=task.pk).update(deadline=today)
    task.refresh_from_db()
    assert not task.is_overdue
    assert not RectificationTask.objects.overdue(today).exists()
    RectificationTask.objects.filter(pk=task.pk).update(
        deadline=today - datetime.timedelta(days=1), status=TaskStatus.IN_PROGRESS
    )
    task.refresh_from_db()
    assert task.is_overdue
    assert list(RectificationTask.objects.overdue(today)) == [task]
    RectificationTask.objects.filter(pk=task.pk).update(status=TaskStatus.DONE)
    task.refresh_from_db()
    assert not task.is_overdue
    assert not RectificationTask.objects.overdue(today).exists()
