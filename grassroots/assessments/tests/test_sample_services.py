"""The yearly inspection sample: drawn from a committee's active grassroots organisations,
reproducible from the recorded seed and share, drawn only by a reviewer or administrator."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grassroots.assessments import services
from grassroots.assessments.models import InspectionSample
from grassroots.core.choices import Role
from grassroots.orgs.choices import OrgKind, OrgStatus

from .helpers import TODAY, YEAR


@pytest.fixture
def district(people, make_org):
    """Twenty branches under the east district besides the fixture's, one dissolved, and
    party groups, which are not drawn."""
    east = people["east"]
    branches = [make_org(f"东区第{i}党支部", east) for i in range(20)]
    make_org("东区已撤销党支部", east, status=OrgStatus.DISSOLVED)
    make_org("第一党小组", branches[0], kind=OrgKind.GROUP)
    return people


def draw(people, share="0.1", seed=7, user="reviewer", org="east"):
    return services.draw_inspection_sample(people[user], people[org], YEAR, share, seed, TODAY)


def test_the_population_is_the_active_grassroots_organisations_below(district):
    population = services.sample_population(district["east"])
    assert len(population) == 23  # 20 + the branch, the other branch and the committee
    assert district["east"].pk not in population
    assert district["east_branch"].pk in population
    assert population == sorted(population)


def test_the_same_seed_and_share_draw_the_same_list(district):
    first = draw(district)
    again = draw(district)
    assert first.pk != again.pk  # every draw is recorded
    assert first.drawn == again.drawn
    assert len(first.drawn) == 3  # 10% of 23, rounded up
    assert set(first.drawn) <= set(first.population)
    assert (first.seed, first.share, first.year) == (7, Decimal("0.1"), YEAR)
    assert first.drawn_by == district["reviewer"]
    assert services.verify_sample(first)
    assert draw(district, seed=8).drawn != first.drawn


def test_a_seed_is_drawn_at_random_when_not_given(district):
    seeds = {draw(district, seed=None).seed for _ in range(3)}
    assert len(seeds) > 1
    for sample in InspectionSample.objects.all():
        assert services.verify_sample(sample)


def test_a_tampered_record_fails_verification(district):
    sample = draw(district)
    sample.drawn = sorted(set(sample.population) - set(sample.drawn))[:3]
    assert not services.verify_sample(sample)


def test_the_whole_population_at_a_share_of_one(district):
    sample = draw(district, share="1")
    assert sample.drawn == sample.population


@pytest.mark.parametrize(
    "share, seed, field",
    [
        ("0", 1, "share"),
        ("1.01", 1, "share"),
        ("abc", 1, "share"),
        ("0.12345", 1, "share"),
        ("0.1", -1, "seed"),
        ("0.1", 2**63, "seed"),
    ],
)
def test_share_and_seed_are_checked(district, share, seed, field):
    with pytest.raises(ValidationError) as excinfo:
        draw(district, share=share, seed=seed)
    assert field in excinfo.value.message_dict


@pytest.mark.parametrize(
    "user, org, allowed",
    [
        ("reviewer", "east", True),
        ("admin", "east", True),
        ("clerk", "east", False),
        ("west_reviewer", "east", False),
        ("reviewer", "root", False),  # above the reviewer's subtree
        ("reviewer", "east_branch", False),  # a branch does not draw
        ("reviewer", "committee", True),  # a basic committee draws from its branches
    ],
)
def test_who_draws_for_which_organisation(district, make_org, user, org, allowed):
    make_org("机关第一党支部", district["committee"])
    if allowed:
        assert draw(district, user=user, org=org).org == district[org]
    else:
        with pytest.raises(ValidationError) as excinfo:
            draw(district, user=user, org=org)
        assert "org" in excinfo.value.message_dict


def test_a_committee_without_branches_has_nothing_to_draw(people, make_user):
    with pytest.raises(ValidationError) as excinfo:
        draw(people, org="committee")
    assert excinfo.value.message_dict == {"org": ["该组织下没有可抽查的基层党组织"]}
    superuser = make_user(is_superuser=True, role=None)
    people["superuser"] = superuser
    assert draw(people, user="superuser", org="root").org == people["root"]


def test_a_reviewer_of_the_city_draws_over_the_districts(people, make_user):
    people["city_reviewer"] = make_user(role=Role.REVIEWER, org=people["root"])
    sample = draw(people, user="city_reviewer", org="root", share="1")
    assert people["west_branch"].pk in sample.drawn
    assert people["east"].pk not in sample.drawn  # departments are not drawn
