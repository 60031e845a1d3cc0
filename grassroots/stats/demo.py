"""Units of the demo city 青川市 recorded on their own (`manage.py load_demo_city`, after
the registry): under 北门街道党工委 and 市委两新工委, some covered by an organisation (the
units its branches sit in already), some by a 党建工作指导员 only, and one with three full
members and no organisation (应建未建), with 挂点/包点 leaders as seed 000 assigns them."""

import datetime

from django.db import transaction
from django.utils import timezone

from grassroots.core.bulk import create_with_history
from grassroots.orgs import tallies
from grassroots.orgs.choices import GuideRole, MemberStatus, UnitKind
from grassroots.orgs.demo import ROOT_NAME
from grassroots.orgs.models import HostUnit, Member, Organization, UnitGuide

STREET = "中共北门街道工作委员会"
LIANGXIN = "中共青川市委两新工作委员会"
REASON = "演示数据"
SHOULD_FORM_UNIT = "青川市恒信会计师事务所"

# (responsible organisation, name, kind, staff, guides: [(role, name, position)], members)
UNITS = [
    (
        STREET,
        "北门街道顺达快递服务站",
        UnitKind.PRIVATE_ENTERPRISE,
        26,
        [
            (GuideRole.INSTRUCTOR, "赵晓岚", "北门街道党工委组织委员"),
            (GuideRole.TOWNSHIP_MEMBER, "钱卫东", "北门街道办事处副主任"),
        ],
        1,
    ),
    (
        STREET,
        "北门社区居家养老服务中心",
        UnitKind.PRIVATE_NON_ENTERPRISE,
        14,
        [(GuideRole.LIAISON, "孙丽华", "北门街道退休干部")],
        2,
    ),
    (STREET, SHOULD_FORM_UNIT, UnitKind.PRIVATE_ENTERPRISE, 18, [], 3),
    (STREET, "北门小微商户联合会", UnitKind.SOCIAL_GROUP, 6, [], 0),
    (
        LIANGXIN,
        "青川市网络文化协会",
        UnitKind.SOCIAL_GROUP,
        9,
        [
            (GuideRole.INSTRUCTOR, "李文静", "市委两新工委干部"),
            (GuideRole.COUNTY_LEADER, "周建国", "江北区委常委"),
        ],
        0,
    ),
    (LIANGXIN, "青川市青年创业孵化基金会", UnitKind.FOUNDATION, 7, [], 0),
]


@transaction.atomic
def load_demo(stdout=None, today=None):
    today = today or timezone.localdate()
    root = Organization.objects.filter(name=ROOT_NAME, parent__isnull=True).first()
    if root is None or HostUnit.objects.filter(name=SHOULD_FORM_UNIT).exists():
        return None
    responsible = {
        org.name: org
        for org in Organization.objects.filter(
            path__startswith=root.path, name__in=[STREET, LIANGXIN]
        )
    }
    street = responsible[STREET]
    # Full members of the street's communities, none recorded as working anywhere yet.
    workers = iter(
        Member.objects.current()
        .filter(org__path__startswith=street.path, status=MemberStatus.FULL, work_unit=None)
        .order_by("pk")[:10]
    )
    units, guides, assigned = [], [], []
    for org_name, name, kind, staff, unit_guides, member_count in UNITS:
        unit = HostUnit(
            name=name, kind=kind, staff_count=staff, responsible_org=responsible[org_name]
        )
        units.append(unit)
        for role, person, position in unit_guides:
            guides.append((unit, role, person, position))
        assigned += [(unit, next(workers)) for _ in range(member_count)]
    create_with_history(HostUnit, units, None, REASON)
    started = today - datetime.timedelta(days=200)
    create_with_history(
        UnitGuide,
        [
            UnitGuide(unit=unit, role=role, name=person, position=position, started_on=started)
            for unit, role, person, position in guides
        ],
        None,
        REASON,
    )
    for unit, member in assigned:
        Member.objects.filter(pk=member.pk).update(work_unit=unit)
    tallies.rebuild()  # written in bulk, past the saves that keep the statistics' tallies
    if stdout:
        stdout.write(
            f"单位：登记{len(units)}个（其中应建未建1个），指导员和联系领导{len(guides)}名"
        )
    return {"units": len(units), "guides": len(guides), "workers": len(assigned)}
