import datetime

import pytest

from grassroots.core.choices import Role
from grassroots.orgs.choices import Gender, GuideRole, MemberStatus, UnitKind
from grassroots.orgs.models import HostUnit, HostUnitLink, UnitGuide

ON = datetime.date(2025, 6, 30)


@pytest.fixture
def scene(city, make_member):
    """The small city with members of known ages and units of each coverage under 东区."""
    east, branch = city["east"], city["east_branch"]
    members = {
        "young": make_member(
            branch,
            "青年",
            birth_date=datetime.date(1995, 6, 30),
            gender=Gender.FEMALE,
            joined_on=datetime.date(2015, 7, 1),
            education="university",
        ),
        "thirty_one": make_member(
            branch,
            "三十一",
            birth_date=datetime.date(1994, 6, 30),
            gender=Gender.MALE,
            joined_on=datetime.date(2014, 7, 1),
        ),
        "old": make_member(
            branch,
            "老党员",
            birth_date=datetime.date(1950, 1, 1),
            gender=Gender.MALE,
            joined_on=datetime.date(1975, 7, 1),
        ),
        "probationary": make_member(
            branch,
            "预备",
            status=MemberStatus.PROBATIONARY,
            birth_date=datetime.date(2000, 1, 1),
            gender=Gender.FEMALE,
            joined_on=datetime.date(2025, 1, 1),
        ),
        "left": make_member(
            branch,
            "已离开",
            birth_date=datetime.date(1980, 1, 1),
            joined_on=datetime.date(2005, 1, 1),
            left_on=datetime.date(2025, 1, 1),
        ),
        "west": make_member(
            city["west_branch"],
            "西区",
            birth_date=datetime.date(1970, 1, 1),
            joined_on=datetime.date(1999, 1, 1),
        ),
    }
    covered = HostUnit.objects.create(name="东区幸福公司", kind=UnitKind.PRIVATE_ENTERPRISE)
    HostUnitLink.objects.create(org=branch, unit=covered)
    guided = HostUnit.objects.create(
        name="东区快递站", kind=UnitKind.PRIVATE_ENTERPRISE, responsible_org=east
    )
    UnitGuide.objects.create(
        unit=guided, role=GuideRole.INSTRUCTOR, name="指导员", started_on=datetime.date(2024, 1, 1)
    )
    unformed = HostUnit.objects.create(
        name="东区会计所", kind=UnitKind.PRIVATE_ENTERPRISE, responsible_org=east
    )
    for key in ("young", "thirty_one", "old"):
        members[key].work_unit = unformed
        members[key].save()
    HostUnit.objects.create(
        name="西区协会", kind=UnitKind.SOCIAL_GROUP, responsible_org=city["west"]
    )
    return {**city, **members, "covered": covered, "guided": guided, "unformed": unformed}


@pytest.fixture
def east_clerk(make_user, scene):
    return make_user(role=Role.CLERK, org=scene["east"])
