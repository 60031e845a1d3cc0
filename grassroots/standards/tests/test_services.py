from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from grassroots.core.choices import Role
from grassroots.core.history import history_entries
from grassroots.standards import services
from grassroots.standards.choices import SetStatus
from grassroots.standards.models import Dimension, Item, StandardSet


@pytest.fixture
def admins(city, make_user):
    return {
        "east": make_user(role=Role.ADMIN, org=city["east"]),
        "west": make_user(role=Role.ADMIN, org=city["west"]),
        "clerk": make_user(role=Role.CLERK, org=city["root"]),
        "super": make_user(is_superuser=True),
    }


def copy(user, source, owner, code="east-village", **fields):
    return services.copy_set(
        user,
        source,
        code=code,
        title=fields.get("title", "东区村党组织示范标准"),
        jurisdiction=fields.get("jurisdiction", "东区"),
        year=fields.get("year", 2025),
        owner=owner,
    )


def item(standard_set, code):
    return Item.objects.get(dimension__set=standard_set, code=code)


def test_copy_makes_a_draft_of_a_new_code_with_every_item(make_set, admins, city):
    source = make_set()
    draft = copy(admins["east"], source, city["east"])
    assert (draft.code, draft.version, draft.status) == ("east-village", 1, SetStatus.DRAFT)
    assert (draft.based_on, draft.owner, draft.year, draft.jurisdiction) == (
        source,
        city["east"],
        2025,
        "东区",
    )
    assert draft.categories == source.categories and draft.source == source.source
    copied = list(Item.objects.filter(dimension__set=draft).order_by("order"))
    original = list(Item.objects.filter(dimension__set=source).order_by("order"))
    fields = ("code", "text", "metric", "comparator", "threshold", "veto", "order")
    assert [[getattr(i, f) for f in fields] for i in copied] == [
        [getattr(i, f) for f in fields] for i in original
    ]
    assert {i.pk for i in copied}.isdisjoint(i.pk for i in original)
    record = draft.history.get()
    assert record.history_user == admins["east"]
    assert item(draft, "1.2").history.get().history_user == admins["east"]


def test_who_may_copy(make_set, admins, city):
    source = make_set()
    with pytest.raises(ValidationError, match="不是该单位的管理员"):
        copy(admins["east"], source, city["west"])
    with pytest.raises(ValidationError, match="不是该单位的管理员"):
        copy(admins["clerk"], source, city["east"])
    with pytest.raises(ValidationError, match="请选择维护单位"):
        copy(admins["east"], source, None)
    assert copy(admins["super"], source, None).owner is None


def test_copy_checks_code_and_source(make_set, admins, city):
    source = make_set()
    with pytest.raises(ValidationError) as caught:
        copy(admins["east"], source, city["east"], code="East Village")
    assert "code" in caught.value.message_dict
    with pytest.raises(ValidationError, match="已被使用"):
        copy(admins["east"], source, city["east"], code="t-set")
    with pytest.raises(ValidationError) as caught:
        copy(admins["east"], source, city["east"], year=1800, title=" ")
    assert set(caught.value.message_dict) == {"year", "title"}
    draft = copy(admins["east"], source, city["east"])
    with pytest.raises(ValidationError, match="只能复制已发布"):
        copy(admins["east"], draft, city["east"], code="again")
    assert StandardSet.objects.count() == 2


def test_only_the_owners_administrators_edit(make_set, admins, city):
    draft = copy(admins["east"], make_set(), city["east"])
    for who in ("west", "clerk"):
        with pytest.raises(ValidationError, match="没有修改该标准的权限"):
            services.update_item(admins[who], item(draft, "1.2"), threshold=40)
        with pytest.raises(ValidationError, match="没有修改该标准的权限"):
            services.publish_set(admins[who], draft)
    services.update_item(admins["super"], item(draft, "1.2"), threshold=40)
    assert item(draft, "1.2").threshold == 40


def test_sets_from_the_data_files_are_for_superusers_only(make_set, admins):
    from_file = make_set()  # no owner
    assert not services.may_edit(admins["east"], from_file)
    with pytest.raises(ValidationError):
        services.new_version(admins["east"], from_file)
    assert services.new_version(admins["super"], from_file).version == 2


def test_a_published_set_never_changes(make_set, admins, city):
    published = make_set(owner=city["east"])
    with pytest.raises(ValidationError, match="已发布的标准不能修改"):
        services.update_item(admins["east"], item(published, "1.2"), threshold=40)
    with pytest.raises(ValidationError, match="已发布的标准不能修改"):
        services.update_set(admins["east"], published, title="新名称")
    with pytest.raises(ValidationError, match="已发布的标准不能修改"):
        services.remove_item(admins["east"], item(published, "1.2"))
    with pytest.raises(ValidationError, match="已发布的标准不能修改"):
        services.add_dimension(admins["east"], published, code="9", title="新维度")
    assert item(published, "1.2").threshold == 32


def test_edit_through_a_new_version_then_publish(make_set, admins, city):
    v1 = make_set(owner=city["east"])
    v2 = services.new_version(admins["east"], v1)
    assert (v2.code, v2.version, v2.status, v2.based_on) == ("t-set", 2, SetStatus.DRAFT, v1)
    with pytest.raises(ValidationError, match="已有草稿"):
        services.new_version(admins["east"], v1)

    services.update_item(admins["east"], item(v2, "1.2"), threshold=Decimal("40"))
    dimension = v2.dimensions.get()
    added = services.add_item(
        admins["east"],
        dimension,
        code="1.5",
        text="每年组织开展各类群众性文化体育活动不少于4次。",
        metric="cultural_activities",
        comparator=">=",
        threshold="4",
    )
    assert added.order == 4 and added.threshold == 4
    services.remove_item(admins["east"], item(v2, "1.3"))
    services.publish_set(admins["east"], v2)
    v2.refresh_from_db()
    assert v2.status == SetStatus.PUBLISHED and v2.published_at
    assert StandardSet.objects.latest_published().get(code="t-set") == v2
    assert item(v1, "1.2").threshold == 32  # the old version is untouched
    assert Item.objects.filter(dimension__set=v1).count() == 4
    with pytest.raises(ValidationError, match="只能在最新版本"):
        services.new_version(admins["east"], v1)

    entries = history_entries(item(v2, "1.2").history.select_related("history_user"))
    assert entries[0].user == admins["east"].username
    assert ("标准值", "32.00", "40.00") in entries[0].changes


def test_item_rules_apply_to_edits(make_set, admins, city):
    draft = copy(admins["east"], make_set(), city["east"])
    target = item(draft, "1.3")
    with pytest.raises(ValidationError) as caught:
        services.update_item(admins["east"], target, metric="study_hours_per_member")
    assert set(caught.value.message_dict) == {"comparator", "threshold"}
    with pytest.raises(ValidationError, match="已有编号为 1.2"):
        services.update_item(admins["east"], target, code="1.2")
    with pytest.raises(ValidationError, match="未知的指标代码"):
        services.update_item(admins["east"], target, metric="hours", comparator=">=", threshold=1)
    services.update_item(admins["east"], item(draft, "1.2"), metric="", comparator="", threshold="")
    cleared = item(draft, "1.2")
    assert (cleared.metric, cleared.comparator, cleared.threshold) == (None, None, None)


def test_dimensions_of_a_draft(make_set, admins, city):
    draft = copy(admins["east"], make_set(), city["east"])
    added = services.add_dimension(admins["east"], draft, code="2", title="思想引领力强")
    assert added.order == 2
    with pytest.raises(ValidationError, match="已有编号为 2 的维度"):
        services.add_dimension(admins["east"], draft, code="2", title="重复")
    services.update_dimension(admins["east"], added, code="3", title="社会号召力强")
    with pytest.raises(ValidationError, match="请先删除"):
        services.remove_dimension(admins["east"], draft.dimensions.get(code="1"))
    services.remove_dimension(admins["east"], added)
    assert list(draft.dimensions.values_list("code", flat=True)) == ["1"]


def test_publish_needs_items(make_set, admins, city):
    draft = copy(admins["east"], make_set(items=[]), city["east"])
    with pytest.raises(ValidationError, match="没有任何条目"):
        services.publish_set(admins["east"], draft)


def test_discard_a_draft(make_set, admins, city):
    source = make_set()
    draft = copy(admins["east"], source, city["east"])
    services.discard_draft(admins["east"], draft)
    assert list(StandardSet.objects.all()) == [source]
    assert Item.objects.count() == 4 and Dimension.objects.count() == 1
    deleted = StandardSet.history.filter(code="east-village", history_type="-").get()
    assert deleted.history_user == admins["east"]


def test_updating_set_fields(make_set, admins, city):
    draft = copy(admins["east"], make_set(), city["east"])
    services.update_set(
        admins["east"], draft, title="改后的名称", categories=["village", "community"]
    )
    draft.refresh_from_db()
    assert draft.title == "改后的名称" and draft.categories == ["village", "community"]
    with pytest.raises(ValidationError) as caught:
        services.update_set(admins["east"], draft, categories=["farm"])
    assert "categories" in caught.value.message_dict


def test_visibility_of_drafts(make_set, admins, city, make_user):
    published = make_set()
    draft = copy(admins["east"], published, city["east"])
    viewer = make_user(role=Role.VIEWER, org=city["east"])
    assert set(StandardSet.objects.visible_to(viewer)) == {published}
    assert set(StandardSet.objects.visible_to(admins["west"])) == {published}
    assert set(StandardSet.objects.visible_to(admins["east"])) == {published, draft}
    assert set(StandardSet.objects.visible_to(admins["super"])) == {published, draft}


def test_the_database_keeps_metric_comparator_and_threshold_together(make_set):
    dimension = make_set().dimensions.get()
    for fields in (
        {"metric": "theme_days", "comparator": ">="},
        {"threshold": 3},
        {"metric": "", "comparator": "", "threshold": 0},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Item.objects.create(dimension=dimension, code="9.9", text="x", **fields)
