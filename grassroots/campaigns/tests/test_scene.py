"""The gate of a campaign: seen by its field and those above the organiser, not beside."""

from grassroots.campaigns.models import Campaign, Quota
from grassroots.core.choices import Role


def test_a_campaign_is_seen_by_its_field_not_by_another_tree(scene, make_org, make_user):
    elsewhere = make_org("另一个市委组织部")
    stranger = make_user("stranger", role=Role.CLERK, org=elsewhere)
    assert Campaign.objects.visible_to(scene["branch_clerk"]).count() == 1
    assert Campaign.objects.visible_to(scene["organiser_clerk"]).count() == 1
    assert Campaign.objects.visible_to(stranger).count() == 0
    assert Quota.objects.visible_to(scene["west_clerk"]).count() == 4
    assert Quota.objects.visible_to(stranger).count() == 0
