import datetime

from grassroots.core.choices import Role
from grassroots.core.history import history_entries
from grassroots.orgs import services
from grassroots.orgs.choices import Category, MemberStatus, OrgKind


def entries_of(obj):
    return history_entries(obj.history.select_related("history_user"))


def test_a_change_shows_label_before_and_after_with_choice_labels(city, make_user):
    clerk = make_user(role=Role.CLERK, org=city["east"])
    org = city["east_branch"]
    services.update_organization(
        clerk, org, name="幸福社区党总支", kind=OrgKind.GENERAL_BRANCH, category=Category.VILLAGE
    )
    latest = entries_of(org)[0]
    assert latest.action == "修改"
    assert latest.user == clerk.username
    assert sorted(latest.changes) == sorted(
        [
            ("名称", "东区幸福社区党支部", "幸福社区党总支"),
            ("组织类型", "党支部", "党总支"),
            ("所属领域", "城镇社区", "农村"),
        ]
    )


def test_creation_lists_the_values_set_and_no_bookkeeping(city, make_user):
    clerk = make_user(role=Role.CLERK, org=city["east"])
    org = services.create_organization(
        clerk,
        name="新建党支部",
        parent=city["east"],
        kind=OrgKind.BRANCH,
        category=Category.COMMUNITY,
        established_on=datetime.date(2024, 7, 1),
    )
    (created,) = entries_of(org)
    assert created.action == "新建"
    changes = {label: (before, after) for label, before, after in created.changes}
    assert changes["名称"] == ("", "新建党支部")
    assert changes["上级组织"] == ("", "东区党工委")  # the parent by name, not by id
    assert changes["状态"] == ("", "正常")
    assert changes["成立日期"] == ("", "2024-07-01")
    assert not {"ID", "创建时间", "修改时间", "简称"} & set(changes)  # empty or bookkeeping


def test_entries_are_newest_first_with_unchanged_fields_left_out(city, make_user, make_member):
    clerk = make_user(role=Role.CLERK, org=city["east"])
    member = make_member(city["east_branch"], status=MemberStatus.PROBATIONARY)
    services.update_member(clerk, member, phone="13812345678")
    services.update_member(
        clerk,
        member,
        status=MemberStatus.FULL,
        confirmed_on=datetime.date(2001, 7, 1),
        is_mobile=True,
    )
    entries = entries_of(member)
    assert [e.action for e in entries] == ["修改", "修改", "新建"]
    assert entries[2].user == "系统"  # made outside any request or service
    assert entries[1].changes == [("联系电话", "", "13812345678")]
    assert entries[0].changes == [
        ("转正时间", "", "2001-07-01"),
        ("党员类别", "预备党员", "正式党员"),
        ("流动党员", "否", "是"),
    ]  # in the order of the form


def test_dissolution_and_move_are_shown(city, make_user, make_org):
    admin = make_user(role=Role.ADMIN, org=city["root"])
    org = make_org("待撤销支部", city["east"])
    services.move_organization(admin, org, city["west"])
    services.dissolve_organization(admin, org, datetime.date(2025, 1, 1), "合并")
    dissolved, moved, _created = entries_of(org)
    assert moved.changes == [("上级组织", "东区党工委", "西区党工委")]
    assert ("状态", "正常", "已撤销") in dissolved.changes
    assert ("撤销原因", "", "合并") in dissolved.changes


def test_queries_do_not_grow_with_the_records(
    city, make_user, make_member, django_assert_num_queries
):
    clerk = make_user(role=Role.CLERK, org=city["east"])
    member = make_member(city["east_branch"])
    targets = [city["east"]]
    for name in ("甲支部", "乙支部", "丙支部"):
        targets.append(
            services.create_organization(
                clerk, name=name, parent=city["east"], kind="branch", category="community"
            )
        )
    for target in targets[1:]:
        services.transfer_member(clerk, member, target, datetime.date(2025, 1, 1))
    records = list(member.history.select_related("history_user"))
    with django_assert_num_queries(1):  # the organisations named, in one query
        entries = history_entries(records)
    assert [c for e in entries for c in e.changes if c[0] == "组织关系所在党组织"][0] == (
        "组织关系所在党组织",
        "乙支部",
        "丙支部",
    )
