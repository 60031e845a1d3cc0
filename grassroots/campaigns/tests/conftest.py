"""A campaign scene every campaign test starts from: a city department organising a naming
campaign over two districts (the recommending units), a street committee and branches
below them, the users of each level, two award levels and the quotas."""

import datetime

import pytest
from django.utils import timezone

from grassroots.campaigns.choices import CampaignKind
from grassroots.campaigns.models import AwardLevel, Campaign, Quota
from grassroots.core.choices import Role
from grassroots.orgs.choices import Category, OrgKind


@pytest.fixture
def scene(make_org, make_user):
    """Names → objects: `root` (the organiser, 市委组织部), `east` and `west` (districts,
    the recommending units), `street` (a street 党工委 under east: the basic committee of its
    branches), `community` and `village` (branches under the street), `west_village` (a
    village branch directly under west), `outside` (a district with no quota); users
    `organiser_clerk`, `organiser_reviewer` (root), `east_reviewer`, `east_clerk`,
    `street_reviewer`, `branch_clerk` (community), `west_clerk`, `west_reviewer`,
    `outside_clerk`, `evaluator` (root), `inspector` (a viewer at root); the `campaign`
    (naming, deadline 30 days from today) with levels `demo` (示范, 4 to name) and `top`
    (十佳, 1, chosen from demo), quotas east 4/1 and west 2/1."""
    D, B = OrgKind.DEPARTMENT, OrgKind.BRANCH
    root = make_org("市委组织部", kind=D, category=Category.OTHER)
    east = make_org("东区区委组织部", root, kind=D, category=Category.OTHER)
    west = make_org("西区区委组织部", root, kind=D, category=Category.OTHER)
    outside = make_org("南区区委组织部", root, kind=D, category=Category.OTHER)
    street = make_org("中共幸福街道工作委员会", east, kind=D, category=Category.COMMUNITY)
    community = make_org("幸福社区党支部", street, kind=B, category=Category.COMMUNITY)
    village = make_org("和平村党支部", street, kind=B, category=Category.VILLAGE)
    west_village = make_org("西山村党支部", west, kind=B, category=Category.VILLAGE)
    users = {
        "organiser_clerk": (Role.CLERK, root),
        "organiser_reviewer": (Role.REVIEWER, root),
        "east_clerk": (Role.CLERK, east),
        "east_reviewer": (Role.REVIEWER, east),
        "street_reviewer": (Role.REVIEWER, street),
        "branch_clerk": (Role.CLERK, community),
        "west_clerk": (Role.CLERK, west),
        "west_reviewer": (Role.REVIEWER, west),
        "outside_clerk": (Role.CLERK, outside),
        "evaluator": (Role.EVALUATOR, root),
        "inspector": (Role.VIEWER, root),
    }
    users = {name: make_user(name, role=role, org=org) for name, (role, org) in users.items()}
    campaign = Campaign.objects.create(
        organiser=root,
        title="2026年基层党组织示范行动",
        kind=CampaignKind.NAMING,
        year=timezone.localdate().year,
        application_deadline=timezone.localdate() + datetime.timedelta(days=30),
        created_by=users["organiser_clerk"],
    )
    demo = AwardLevel.objects.create(
        campaign=campaign, code="demo", name="示范基层党组织", to_name=4, order=1
    )
    top = AwardLevel.objects.create(
        campaign=campaign,
        code="top",
        name="十佳示范基层党组织",
        to_name=1,
        chosen_from=demo,
        order=2,
    )
    for unit, demo_quota, top_quota in ((east, 4, 1), (west, 2, 1)):
        Quota.objects.create(campaign=campaign, unit=unit, level=demo, quota=demo_quota)
        Quota.objects.create(campaign=campaign, unit=unit, level=top, quota=top_quota)
    return {
        "root": root,
        "east": east,
        "west": west,
        "outside": outside,
        "street": street,
        "community": community,
        "village": village,
        "west_village": west_village,
        **users,
        "campaign": campaign,
        "demo": demo,
        "top": top,
    }
