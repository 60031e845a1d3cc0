import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from grassroots.core.choices import Role
from grassroots.core.history import history_entries
from grassroots.core.identifiers import build_citizen_id, build_uscc
from grassroots.orgs import services
from grassroots.orgs.choices import (
    Category,
    Gender,
    LeaveReason,
    MemberStatus,
    OrgKind,
    OrgStatus,
    PostKind,
)
from grassroots.orgs.models import (
    HostUnit,
    HostUnitLink,
    Member,
    Membership,
    Organization,
    Post,
    Term,
    Transfer,
    WeakDesignation,
)

D = datetime.date
HISTORY_MODELS = [
    Organization,
    HostUnit,
    HostUnitLink,
    WeakDesignation,
    Member,
    Membership,
    Transfer,
    Term,
    Post,
]


@pytest.fixture
def w(city, make_org, make_member, make_user):
    """The city plus, in the east district, members, a committee, units and memberships."""
    east = city["east"]
    branch = city["east_branch"]
    world = SimpleNamespace(**city)
    world.sub = make_org("东区街道党工委", east, kind=OrgKind.DEPARTMENT, category=Category.OTHER)
    world.branch2 = make_org("东区第二社区党支部", east)
    world.functional = make_org("东区功能型党支部", east, kind=OrgKind.FUNCTIONAL_BRANCH)
    world.joint = make_org("东区联合党支部", east, kind=OrgKind.JOINT_BRANCH)
    world.empty = make_org("东区空党支部", east)
    world.member = make_member(branch, name="张三")
    world.other = make_member(branch, name="李四")
    world.outsider = make_member(city["west_branch"], name="王五")
    world.term = Term.objects.create(
        org=branch, number=1, started_on=D(2024, 1, 1), planned_end_on=D(2029, 1, 1)
    )
    world.post = Post.objects.create(
        term=world.term, member=world.member, post=PostKind.SECRETARY, started_on=D(2024, 1, 1)
    )
    world.unit = HostUnit.objects.create(name="幸福社区居委会")
    world.link = HostUnitLink.objects.create(org=branch, unit=world.unit)
    world.spare_unit = HostUnit.objects.create(name="某科技公司")
    world.membership = Membership.objects.create(
        member=world.other, org=world.functional, started_on=D(2024, 1, 1)
    )
    world.clerk = make_user(role=Role.CLERK, org=east)
    return world


def refresh(*objs):
    for obj in objs:
        obj.refresh_from_db()


def member_fields(org, **changes):
    birth = D(1988, 5, 17)
    fields = {
        "name": "赵六",
        "gender": Gender.FEMALE,
        "birth_date": birth,
        "id_number": build_citizen_id("630102", birth, 42),
        "joined_on": D(2012, 7, 1),
        "status": MemberStatus.FULL,
        "org": org,
    }
    fields.update(changes)
    return fields


def renamed_unit(unit):
    unit = HostUnit.objects.get(pk=unit.pk)
    unit.name = "幸福社区居民委员会"
    return unit


# Every service, called as the east clerk may call it.
SERVICE_CALLS = {
    "create_organization": lambda u, w: services.create_organization(
        u, name="新支部", parent=w.east, kind=OrgKind.BRANCH, category=Category.COMMUNITY
    ),
    "update_organization": lambda u, w: services.update_organization(
        u, w.east_branch, name="幸福社区党支部（更名）"
    ),
    "move_organization": lambda u, w: services.move_organization(u, w.east_branch, w.sub),
    "dissolve_organization": lambda u, w: services.dissolve_organization(
        u, w.empty, D(2025, 1, 1), "合并"
    ),
    "designate_weak": lambda u, w: services.designate_weak(u, w.east_branch, 2026, "班子不健全"),
    "save_host_unit (new)": lambda u, w: services.save_host_unit(
        u, HostUnit(name="新单位"), w.joint
    ),
    "save_host_unit (change)": lambda u, w: services.save_host_unit(u, renamed_unit(w.unit)),
    "link_host_unit": lambda u, w: services.link_host_unit(u, w.joint, w.spare_unit),
    "unlink_host_unit": lambda u, w: services.unlink_host_unit(u, w.link, D(2025, 1, 1)),
    "create_member": lambda u, w: services.create_member(u, **member_fields(w.east_branch)),
    "update_member": lambda u, w: services.update_member(u, w.member, phone="13912345678"),
    "transfer_member": lambda u, w: services.transfer_member(u, w.other, w.branch2, D(2025, 3, 1)),
    "record_member_leaving": lambda u, w: services.record_member_leaving(
        u, w.member, D(2025, 3, 1), LeaveReason.DECEASED
    ),
    "add_membership": lambda u, w: services.add_membership(
        u, w.member, w.functional, D(2025, 1, 1)
    ),
    "end_membership": lambda u, w: services.end_membership(u, w.membership, D(2025, 1, 1)),
    "start_term": lambda u, w: services.start_term(u, w.east_branch, D(2025, 1, 1)),
    "update_term": lambda u, w: services.update_term(u, w.term, planned_end_on=D(2029, 6, 1)),
    "end_term": lambda u, w: services.end_term(u, w.term, D(2025, 1, 1)),
    "appoint_post": lambda u, w: services.appoint_post(
        u, w.term, w.other, PostKind.DEPUTY_SECRETARY, D(2024, 6, 1)
    ),
    "end_post": lambda u, w: services.end_post(u, w.post, D(2025, 1, 1)),
}


def history_counts():
    return {model: model.history.count() for model in HISTORY_MODELS}


@pytest.mark.parametrize("call", list(SERVICE_CALLS), ids=list(SERVICE_CALLS))
@pytest.mark.parametrize(
    "outsider",
    [(Role.VIEWER, "root"), (Role.REVIEWER, "east"), (Role.CLERK, "west"), (None, None)],
    ids=["viewer-over-all", "reviewer-here", "clerk-elsewhere", "no-role"],
)
def test_every_service_refuses_a_user_without_edit_permission(w, make_user, call, outsider):
    role, where = outsider
    user = make_user(role=role, org=getattr(w, where) if where else None)
    before = history_counts()
    with pytest.raises(ValidationError):
        SERVICE_CALLS[call](user, w)
    assert history_counts() == before


@pytest.mark.parametrize("call", list(SERVICE_CALLS), ids=list(SERVICE_CALLS))
def test_every_change_is_recorded_with_its_user_and_before_and_after(w, call):
    before = {
        model: model.history.order_by("-history_id").values_list("history_id", flat=True).first()
        or 0
        for model in HISTORY_MODELS
    }
    SERVICE_CALLS[call](w.clerk, w)
    new_records = [
        record
        for model in HISTORY_MODELS
        for record in model.history.filter(history_id__gt=before[model]).select_related(
            "history_user"
        )
    ]
    assert new_records
    for record in new_records:
        assert record.history_user == w.clerk, record
        previous = record.prev_record
        entry = history_entries([previous, record] if previous else [record])[0]
        assert entry.user == w.clerk.username
        assert entry.changes, record  # something visibly changed
        for _label, old, new in entry.changes:
            assert old != new
        if previous is None:
            assert entry.action == "新建"
            assert all(old == "" for _label, old, _new in entry.changes)


# --- organisations ---------------------------------------------------------------------------


def test_create_organization_under_a_visible_active_parent(w, make_user):
    org = services.create_organization(
        w.clerk, name="新支部", parent=w.east, kind=OrgKind.BRANCH, category=Category.COMMUNITY
    )
    assert org.path == f"{w.east.path}{org.pk}/"
    assert org.depth == 2
    with pytest.raises(ValidationError) as error:
        services.create_organization(w.clerk, name="无上级", kind="branch", category="other")
    assert "parent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.create_organization(w.clerk, name="坏类型", parent=w.east, kind="x", category="y")
    assert {"kind", "category"} <= set(error.value.message_dict)
    services.dissolve_organization(w.clerk, w.empty, D(2025, 1, 1))
    with pytest.raises(ValidationError, match="已撤销"):
        services.create_organization(
            w.clerk, name="下级", parent=w.empty, kind="group", category="other"
        )
    superuser = make_user(is_superuser=True)
    top = services.create_organization(
        superuser, name="省委组织部", kind="department", category="other"
    )
    assert top.path == f"/{top.pk}/"


def make_chain(make_org, parent, length):
    chain = [parent]
    for _ in range(length):
        chain.append(make_org(parent=chain[-1], kind=OrgKind.GROUP))
    return chain[1:]


def test_move_moves_the_whole_subtree(w, make_org):
    below = make_chain(make_org, w.east_branch, 3)
    services.move_organization(w.clerk, w.east_branch, w.sub)
    refresh(w.east_branch, *below)
    assert w.east_branch.parent == w.sub
    assert w.east_branch.path == f"{w.sub.path}{w.east_branch.pk}/"
    assert w.east_branch.depth == w.sub.depth + 1
    parent = w.east_branch
    for org in below:
        assert org.path == f"{parent.path}{org.pk}/"
        assert org.depth == parent.depth + 1
        parent = org
    # Nothing outside the subtree moved.
    refresh(w.branch2)
    assert w.branch2.path == f"{w.east.path}{w.branch2.pk}/"


def test_move_up_and_across_districts(w, make_org, make_user):
    below = make_chain(make_org, w.east_branch, 2)
    admin = make_user(role=Role.ADMIN, org=w.root)
    services.move_organization(admin, w.east_branch, w.west_branch.parent)
    services.move_organization(admin, below[0], w.root)
    refresh(*below)
    assert below[0].path == f"{w.root.path}{below[0].pk}/"
    assert (below[0].depth, below[1].depth) == (1, 2)
    assert below[1].path == f"{below[0].path}{below[1].pk}/"


def test_move_with_an_out_of_date_object_still_moves_the_subtree(w, make_org, make_user):
    stale = Organization.objects.get(pk=w.east_branch.pk)
    below = make_chain(make_org, w.east_branch, 2)
    admin = make_user(role=Role.ADMIN, org=w.root)
    services.move_organization(admin, w.east, w.west)  # the branch's path changes underneath
    services.move_organization(admin, stale, w.root)
    refresh(*below)
    assert below[0].path == f"{w.root.path}{stale.pk}/{below[0].pk}/"
    assert below[1].path == f"{below[0].path}{below[1].pk}/"


def test_move_refuses_itself_and_its_own_subtree(w, make_org):
    below = make_chain(make_org, w.east_branch, 2)
    for target in (w.east_branch, below[0], below[1]):
        with pytest.raises(ValidationError) as error:
            services.move_organization(w.clerk, w.east_branch, target)
        assert "parent" in error.value.message_dict
    refresh(w.east_branch)
    assert w.east_branch.parent == w.east


def test_move_refuses_a_target_outside_the_users_subtree_and_a_dissolved_one(w):
    with pytest.raises(ValidationError) as error:
        services.move_organization(w.clerk, w.east_branch, w.west)
    assert "parent" in error.value.message_dict
    services.dissolve_organization(w.clerk, w.empty, D(2025, 1, 1))
    with pytest.raises(ValidationError, match="已撤销"):
        services.move_organization(w.clerk, w.east_branch, w.empty)


def test_move_to_the_same_parent_changes_nothing(w):
    count = w.east_branch.history.count()
    services.move_organization(w.clerk, w.east_branch, w.east)
    assert w.east_branch.history.count() == count


def test_update_organization_with_a_new_parent_moves_it(w, make_org):
    (group,) = make_chain(make_org, w.east_branch, 1)
    services.update_organization(w.clerk, w.east_branch, name="新名称", parent=w.sub)
    refresh(w.east_branch, group)
    assert (w.east_branch.name, w.east_branch.parent) == ("新名称", w.sub)
    assert group.path == f"{w.sub.path}{w.east_branch.pk}/{group.pk}/"


def test_dissolve_refuses_active_children_and_members(w, make_org):
    with pytest.raises(ValidationError, match="下级组织") as error:
        services.dissolve_organization(w.clerk, w.sub.parent, D(2025, 1, 1))
    assert "status" in error.value.message_dict
    with pytest.raises(ValidationError, match="还有党员"):
        services.dissolve_organization(w.clerk, w.east_branch, D(2025, 1, 1))
    child = make_org(parent=w.empty, kind=OrgKind.GROUP)
    with pytest.raises(ValidationError, match="下级组织"):
        services.dissolve_organization(w.clerk, w.empty, D(2025, 1, 1))
    services.dissolve_organization(w.clerk, child, D(2025, 1, 1))
    services.dissolve_organization(w.clerk, w.empty, D(2025, 1, 1))  # dissolved children: fine


def test_dissolve_never_deletes_and_closes_what_lives_with_the_organisation(w, make_member):
    gone = make_member(w.east_branch, left_on=D(2024, 1, 1))
    services.transfer_member(w.clerk, w.member, w.branch2, D(2024, 2, 1))
    services.transfer_member(w.clerk, w.other, w.branch2, D(2024, 2, 1))
    assert Member.objects.get(pk=gone.pk).org == w.east_branch  # who left does not hold it up
    services.dissolve_organization(w.clerk, w.east_branch, D(2025, 1, 1), "社区合并")
    org = Organization.objects.get(pk=w.east_branch.pk)
    assert (org.status, org.dissolved_on, org.dissolved_reason) == (
        OrgStatus.DISSOLVED,
        D(2025, 1, 1),
        "社区合并",
    )
    refresh(w.term, w.post, w.link)
    assert w.term.ended_on == w.post.ended_on == w.link.ended_on == D(2025, 1, 1)
    with pytest.raises(ValidationError, match="已撤销"):
        services.dissolve_organization(w.clerk, org, D(2025, 2, 1))


def test_dissolving_a_functional_branch_ends_its_memberships_only(w):
    services.dissolve_organization(w.clerk, w.functional, D(2025, 1, 1))
    refresh(w.membership, w.other)
    assert w.membership.ended_on == D(2025, 1, 1)
    assert w.other.org == w.east_branch and w.other.left_on is None


def test_dissolve_dates(w):
    w.empty.established_on = D(2020, 1, 1)
    with pytest.raises(ValidationError) as error:
        services.dissolve_organization(w.clerk, w.empty, D(2019, 12, 31))
    assert "dissolved_on" in error.value.message_dict
    services.start_term(w.clerk, w.empty, D(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        services.dissolve_organization(w.clerk, w.empty, D(2023, 12, 31))
    assert "dissolved_on" in error.value.message_dict


def test_designate_weak_once_a_year(w):
    first = services.designate_weak(w.clerk, w.east_branch, 2026, "班子不健全")
    again = services.designate_weak(w.clerk, w.east_branch, 2026, "长期不开展活动")
    assert first.pk == again.pk
    assert WeakDesignation.objects.get(pk=first.pk).reason == "长期不开展活动"
    assert [r.history_user for r in first.history.all()] == [w.clerk, w.clerk]


# --- host units ------------------------------------------------------------------------------


def test_joint_branch_refuses_a_sixth_unit(w):
    units = [HostUnit.objects.create(name=f"企业{i}") for i in range(6)]
    for unit in units[:5]:
        services.link_host_unit(w.clerk, w.joint, unit)
    with pytest.raises(ValidationError, match="不超过5个") as error:
        services.link_host_unit(w.clerk, w.joint, units[5])
    assert "unit" in error.value.message_dict
    services.unlink_host_unit(w.clerk, w.joint.unit_links.first(), D(2025, 1, 1))
    services.link_host_unit(w.clerk, w.joint, units[5])
    assert w.joint.unit_links.filter(ended_on__isnull=True).count() == 5


def test_joint_branch_limit_follows_the_configuration(w, settings):
    settings.PARTY_RULES = {**settings.PARTY_RULES, "joint_branch_max_units": 1}
    services.link_host_unit(w.clerk, w.joint, w.spare_unit)
    with pytest.raises(ValidationError, match="不超过1个"):
        services.link_host_unit(w.clerk, w.joint, w.unit)


def test_ordinary_branch_sits_in_one_unit(w):
    with pytest.raises(ValidationError, match="联合党支部") as error:
        services.link_host_unit(w.clerk, w.east_branch, w.spare_unit)
    assert "unit" in error.value.message_dict
    with pytest.raises(ValidationError, match="已与本组织关联"):
        services.link_host_unit(w.clerk, w.east_branch, w.unit)
    services.unlink_host_unit(w.clerk, w.link, D(2025, 1, 1))
    with pytest.raises(ValidationError, match="已解除"):
        services.unlink_host_unit(w.clerk, w.link, D(2025, 1, 1))
    services.link_host_unit(w.clerk, w.east_branch, w.spare_unit)


def test_link_refuses_a_dissolved_organisation(w):
    services.dissolve_organization(w.clerk, w.empty, D(2025, 1, 1))
    with pytest.raises(ValidationError, match="已撤销"):
        services.link_host_unit(w.clerk, w.empty, w.spare_unit)


def test_save_host_unit_checks_and_normalises_the_credit_code(w):
    code = build_uscc("91630100MA7" + "123456")
    unit = services.save_host_unit(w.clerk, HostUnit(name="甲", uscc=code.lower()), w.joint)
    assert HostUnit.objects.get(pk=unit.pk).uscc == code
    with pytest.raises(ValidationError) as error:
        services.save_host_unit(w.clerk, HostUnit(name="乙", uscc=code), w.joint)
    assert "uscc" in error.value.message_dict  # same code, whatever the case
    with pytest.raises(ValidationError) as error:
        services.save_host_unit(w.clerk, HostUnit(name="丙", uscc=code[:-1] + "0"), w.joint)
    assert "校验码" in error.value.message_dict["uscc"][0]
    # Units without a code do not collide on an empty string.
    services.save_host_unit(w.clerk, HostUnit(name="丁", uscc=""), w.joint)
    services.save_host_unit(w.clerk, HostUnit(name="戊", uscc=""), w.joint)
    assert HostUnit.objects.filter(uscc__isnull=True).count() >= 2
    with pytest.raises(ValidationError) as error:
        services.save_host_unit(w.clerk, HostUnit(name="己"))
    assert "responsible_org" in error.value.message_dict


# --- members ---------------------------------------------------------------------------------


def test_create_member_checks_the_id_number_against_the_birth_date(w):
    fields = member_fields(w.east_branch, birth_date=D(1988, 5, 18))
    with pytest.raises(ValidationError) as error:
        services.create_member(w.clerk, **fields)
    assert error.value.message_dict["birth_date"] == ["出生日期与公民身份号码不一致"]
    bad = member_fields(w.east_branch, id_number="110105194912310021", phone="1234")
    with pytest.raises(ValidationError) as error:
        services.create_member(w.clerk, **bad)
    assert {"id_number", "phone"} <= set(error.value.message_dict)


def test_create_member_stores_an_upper_case_x(w):
    fields = member_fields(w.east_branch, birth_date=D(1949, 12, 31))
    fields["id_number"] = "11010519491231002x"
    member = services.create_member(w.clerk, **fields)
    assert Member.objects.get(pk=member.pk).id_number == "11010519491231002X"
    fields["name"] = "重复"
    with pytest.raises(ValidationError) as error:
        services.create_member(w.clerk, **fields)
    assert "id_number" in error.value.message_dict


def test_create_member_date_checks(w):
    fields = member_fields(w.east_branch, confirmed_on=D(2011, 1, 1))
    with pytest.raises(ValidationError, match="转正时间不能早于入党时间"):
        services.create_member(w.clerk, **fields)
    fields = member_fields(
        w.east_branch, status=MemberStatus.PROBATIONARY, confirmed_on=D(2013, 7, 1)
    )
    with pytest.raises(ValidationError, match="预备党员不应有转正时间"):
        services.create_member(w.clerk, **fields)


@pytest.mark.parametrize("where", ["functional", "east", "empty-dissolved"])
def test_create_member_needs_an_organisation_that_holds_relations(w, where):
    if where == "empty-dissolved":
        services.dissolve_organization(w.clerk, w.empty, D(2025, 1, 1))
    org = {"functional": w.functional, "east": w.east, "empty-dissolved": w.empty}[where]
    with pytest.raises(ValidationError) as error:
        services.create_member(w.clerk, **member_fields(org))
    assert "org" in error.value.message_dict


def test_transfer_keeps_a_record_and_the_history(w):
    record = services.transfer_member(w.clerk, w.member, w.branch2, D(2025, 3, 1), "工作调动")
    refresh(w.member)
    assert w.member.org == w.branch2
    saved = Transfer.objects.get(pk=record.pk)
    assert (saved.from_org, saved.to_org, saved.transferred_on, saved.reason) == (
        w.east_branch,
        w.branch2,
        D(2025, 3, 1),
        "工作调动",
    )
    assert saved.recorded_by == w.clerk
    change = history_entries(w.member.history.select_related("history_user"))[0]
    assert ("组织关系所在党组织", w.east_branch.name, w.branch2.name) in change.changes
    assert change.user == w.clerk.username


@pytest.mark.parametrize("target", ["functional", "east", "same", "dissolved"])
def test_transfer_refusals(w, target):
    if target == "dissolved":
        services.dissolve_organization(w.clerk, w.empty, D(2025, 1, 1))
    to_org = {
        "functional": w.functional,
        "east": w.east,
        "same": w.east_branch,
        "dissolved": w.empty,
    }[target]
    with pytest.raises(ValidationError) as error:
        services.transfer_member(w.clerk, w.member, to_org, D(2025, 3, 1))
    assert "to_org" in error.value.message_dict
    assert not Transfer.objects.exists()


def test_transfer_refuses_a_member_who_left_and_a_target_outside_the_subtree(w):
    with pytest.raises(ValidationError) as error:
        services.transfer_member(w.clerk, w.member, w.west_branch, D(2025, 3, 1))
    assert "to_org" in error.value.message_dict
    services.record_member_leaving(w.clerk, w.member, D(2025, 1, 1), LeaveReason.DECEASED)
    with pytest.raises(ValidationError, match="已登记离开"):
        services.transfer_member(w.clerk, w.member, w.branch2, D(2025, 3, 1))


def test_transfer_into_an_organisation_ends_the_functional_membership_there(w, make_org):
    branch = make_org(parent=w.east)
    services.add_membership(w.clerk, w.member, branch, D(2024, 5, 1))
    services.transfer_member(w.clerk, w.member, branch, D(2025, 3, 1))
    assert not w.member.memberships.filter(org=branch, ended_on__isnull=True).exists()


def test_update_member_with_a_new_organisation_transfers(w):
    services.update_member(w.clerk, w.member, org=w.branch2, phone="13912345678")
    refresh(w.member)
    assert (w.member.org, w.member.phone) == (w.branch2, "13912345678")
    assert Transfer.objects.get(member=w.member).to_org == w.branch2


def test_record_member_leaving_ends_posts_and_memberships(w):
    services.add_membership(w.clerk, w.member, w.functional, D(2024, 5, 1))
    services.record_member_leaving(w.clerk, w.member, D(2025, 3, 1), LeaveReason.DECEASED)
    refresh(w.member, w.post)
    assert (w.member.left_on, w.member.left_reason) == (D(2025, 3, 1), LeaveReason.DECEASED)
    assert w.post.ended_on == D(2025, 3, 1)
    assert not w.member.memberships.filter(ended_on__isnull=True).exists()
    with pytest.raises(ValidationError, match="已登记离开"):
        services.record_member_leaving(w.clerk, w.member, D(2025, 4, 1), LeaveReason.DECEASED)
    with pytest.raises(ValidationError) as error:
        services.record_member_leaving(w.clerk, w.other, D(2025, 4, 1), "moved")
    assert "left_reason" in error.value.message_dict


def test_memberships(w):
    with pytest.raises(ValidationError, match="组织关系已在该组织"):
        services.add_membership(w.clerk, w.member, w.east_branch, D(2025, 1, 1))
    with pytest.raises(ValidationError, match="已在该组织参加组织生活"):
        services.add_membership(w.clerk, w.other, w.functional, D(2025, 1, 1))
    with pytest.raises(ValidationError, match="退出日期不能早于加入日期"):
        services.end_membership(w.clerk, w.membership, D(2023, 12, 31))
    with pytest.raises(ValidationError, match="请填写退出日期"):
        services.end_membership(w.clerk, w.membership, None)
    services.end_membership(w.clerk, w.membership, D(2025, 1, 1))
    with pytest.raises(ValidationError, match="已退出"):
        services.end_membership(w.clerk, w.membership, D(2025, 1, 2))
    services.add_membership(w.clerk, w.other, w.functional, D(2025, 2, 1))  # again, later


# --- terms and posts -------------------------------------------------------------------------


def test_first_term_is_numbered_one_with_its_planned_end(w):
    term = services.start_term(w.clerk, w.empty, D(2024, 2, 29))
    assert (term.number, term.planned_end_on) == (1, D(2029, 2, 28))  # community: 5 years


@pytest.mark.parametrize(
    ("kind", "category", "years"),
    [
        (OrgKind.BRANCH, Category.ORGAN, 3),
        (OrgKind.BRANCH, Category.VILLAGE, 5),
        (OrgKind.GENERAL_BRANCH, Category.SOE, 3),
        (OrgKind.COMMITTEE, Category.SOE, 5),
    ],
)
def test_planned_end_by_kind_and_category(w, make_org, kind, category, years):
    org = make_org(parent=w.east, kind=kind, category=category)
    term = services.start_term(w.clerk, org, D(2025, 7, 1))
    assert term.planned_end_on == D(2025 + years, 7, 1)


def test_new_term_ends_the_previous_one_and_its_posts(w):
    deputy = services.appoint_post(
        w.clerk, w.term, w.other, PostKind.DEPUTY_SECRETARY, D(2024, 3, 1)
    )
    new = services.start_term(w.clerk, w.east_branch, D(2026, 12, 1))
    refresh(w.term, w.post, deputy)
    assert new.number == 2
    assert new.planned_end_on == D(2031, 12, 1)
    assert w.term.ended_on == w.post.ended_on == deputy.ended_on == D(2026, 12, 1)
    assert list(Term.objects.current().filter(org=w.east_branch)) == [new]
    assert services.start_term(w.clerk, w.east_branch, D(2027, 1, 1), number=5).number == 5


def test_start_term_refusals(w, make_org):
    with pytest.raises(ValidationError) as error:
        services.start_term(w.clerk, w.east_branch, D(2024, 1, 1))
    assert "started_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.start_term(w.clerk, w.east_branch, D(2025, 1, 1), number=1)
    assert "number" in error.value.message_dict
    refresh(w.term)
    assert w.term.ended_on is None  # the refused start changed nothing
    with pytest.raises(ValidationError) as error:
        services.start_term(w.clerk, w.sub, D(2025, 1, 1))
    assert "planned_end_on" in error.value.message_dict  # a department has no statutory term
    term = services.start_term(w.clerk, w.sub, D(2025, 1, 1), planned_end_on=D(2030, 1, 1))
    assert term.planned_end_on == D(2030, 1, 1)
    with pytest.raises(ValidationError) as error:
        services.start_term(w.clerk, w.empty, D(2025, 1, 1), planned_end_on=D(2025, 1, 1))
    assert "planned_end_on" in error.value.message_dict
    services.dissolve_organization(w.clerk, w.empty, D(2025, 1, 1))
    with pytest.raises(ValidationError, match="已撤销"):
        services.start_term(w.clerk, w.empty, D(2025, 2, 1))


def test_a_functional_branch_team_follows_the_society_council(w):
    # Before the society's council term is recorded: a council's usual five years.
    first = services.start_term(w.clerk, w.functional, D(2024, 1, 1))
    assert first.planned_end_on == D(2029, 1, 1)
    w.spare_unit.council_term_ends_on = D(2029, 6, 30)
    w.spare_unit.save()
    HostUnitLink.objects.create(org=w.functional, unit=w.spare_unit)
    term = services.start_term(w.clerk, w.functional, D(2025, 1, 1))
    assert term.planned_end_on == D(2029, 6, 30)


def test_update_and_end_term(w):
    services.update_term(w.clerk, w.term, planned_end_on=D(2030, 1, 1))
    with pytest.raises(ValidationError) as error:
        services.update_term(w.clerk, w.term, planned_end_on=D(2023, 1, 1))
    assert "planned_end_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.end_term(w.clerk, w.term, D(2023, 12, 31))
    assert "ended_on" in error.value.message_dict
    services.end_term(w.clerk, w.term, D(2025, 1, 1))
    with pytest.raises(ValidationError, match="该届已结束"):
        services.end_term(w.clerk, w.term, D(2025, 2, 1))


def test_second_secretary_is_refused_until_the_first_leaves_the_post(w):
    with pytest.raises(ValidationError, match="书记已有人担任") as error:
        services.appoint_post(w.clerk, w.term, w.other, PostKind.SECRETARY, D(2025, 1, 1))
    assert "post" in error.value.message_dict
    services.end_post(w.clerk, w.post, D(2025, 1, 1))
    # A secretary during the term: only from the level above's approval (elections).
    services.appoint_post(
        w.clerk, w.term, w.other, PostKind.SECRETARY, D(2025, 1, 1), approved=True
    )
    assert Post.objects.current().filter(term=w.term, post=PostKind.SECRETARY).count() == 1


@pytest.mark.parametrize(
    ("post", "days_after_term_start", "refused"),
    [
        (PostKind.SECRETARY, 0, False),  # elected with the term: the election's result
        (PostKind.SECRETARY, 1, True),  # 届中任命: the level above approves first
        (PostKind.DEPUTY_SECRETARY, 1, False),
        (PostKind.MEMBER, 400, False),
    ],
)
def test_a_secretary_during_the_term_needs_the_level_aboves_approval(
    w, post, days_after_term_start, refused
):
    services.end_post(w.clerk, w.post, w.term.started_on)
    day = w.term.started_on + datetime.timedelta(days=days_after_term_start)
    if refused:
        with pytest.raises(ValidationError, match="书记届中任命需经上级党组织审批") as error:
            services.appoint_post(w.clerk, w.term, w.other, post, day)
        assert "书记任命请示" in error.value.message_dict["post"][0]
        assert not Post.objects.filter(member=w.other).exists()
    else:
        services.appoint_post(w.clerk, w.term, w.other, post, day)


def test_several_deputies_and_committee_members_are_allowed(w, make_member):
    for _ in range(2):
        services.appoint_post(
            w.clerk, w.term, make_member(w.east_branch), PostKind.DEPUTY_SECRETARY, D(2024, 2, 1)
        )
    services.appoint_post(w.clerk, w.term, w.member, PostKind.ORGANIZATION, D(2024, 2, 1))
    with pytest.raises(ValidationError, match="已担任此职务"):
        services.appoint_post(w.clerk, w.term, w.member, PostKind.ORGANIZATION, D(2024, 3, 1))


def test_appoint_refuses_a_member_from_outside(w, make_member):
    with pytest.raises(ValidationError) as error:
        services.appoint_post(w.clerk, w.term, w.outsider, PostKind.MEMBER, D(2025, 1, 1))
    assert "member" in error.value.message_dict
    sibling = make_member(w.branch2)
    with pytest.raises(ValidationError):
        services.appoint_post(w.clerk, w.term, sibling, PostKind.MEMBER, D(2025, 1, 1))


def test_appoint_accepts_members_below_and_functional_members(w, make_org, make_member):
    committee = make_org(parent=w.east, kind=OrgKind.COMMITTEE)
    below = make_member(make_org(parent=committee))
    term = services.start_term(w.clerk, committee, D(2025, 1, 1))
    services.appoint_post(w.clerk, term, below, PostKind.SECRETARY, D(2025, 1, 1))
    functional_term = services.start_term(w.clerk, w.functional, D(2025, 1, 1))
    services.appoint_post(w.clerk, functional_term, w.other, PostKind.SECRETARY, D(2025, 1, 1))


def test_appoint_refusals(w):
    with pytest.raises(ValidationError, match="请选择职务"):
        services.appoint_post(w.clerk, w.term, w.other, "chairman", D(2025, 1, 1))
    with pytest.raises(ValidationError) as error:
        services.appoint_post(w.clerk, w.term, w.other, PostKind.MEMBER, D(2023, 12, 31))
    assert "started_on" in error.value.message_dict
    services.record_member_leaving(w.clerk, w.other, D(2025, 1, 1), LeaveReason.DECEASED)
    with pytest.raises(ValidationError, match="已离开"):
        services.appoint_post(w.clerk, w.term, w.other, PostKind.MEMBER, D(2025, 1, 1))
    services.end_term(w.clerk, w.term, D(2025, 1, 1))
    with pytest.raises(ValidationError, match="该届已结束"):
        services.appoint_post(w.clerk, w.term, w.member, PostKind.MEMBER, D(2025, 1, 1))


def test_end_post_dates(w):
    with pytest.raises(ValidationError, match="离任日期不能早于任职日期"):
        services.end_post(w.clerk, w.post, D(2023, 12, 31))
    services.end_post(w.clerk, w.post, D(2025, 1, 1))
    with pytest.raises(ValidationError, match="已离任"):
        services.end_post(w.clerk, w.post, D(2025, 2, 1))
