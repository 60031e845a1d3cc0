import datetime

from grassroots.orgs.health import findings_for
from grassroots.stats.figures import subtree_figures
from grassroots.stats.tables import build_tables

from .conftest import ON


def test_members_on_a_date(scene):
    members = subtree_figures(scene["east"], ON).members
    # The one who left before ON is not counted, nor the west's member.
    assert members["total"] == 4
    assert members["full"] == 3
    assert members["probationary"] == 1
    assert members["female"] == 2
    assert members["by_age"]["<=30"] == 2  # 30 on ON, and 25
    assert members["by_age"]["31-35"] == 1  # 31 on ON exactly
    assert members["by_age"][">=61"] == 1
    assert sum(members["by_age"].values()) == 4
    assert members["female_share"] == 0.5
    assert members["by_education"]["university"] == 1
    assert members["by_joining"]["1949_1978"] == 1


def test_earlier_date_sees_the_member_who_left_and_not_the_newcomer(scene):
    members = subtree_figures(scene["east"], datetime.date(2024, 12, 31)).members
    assert members["total"] == 4  # "left" still in, "probationary" not yet joined


def test_units_coverage(scene):
    units = subtree_figures(scene["east"], ON).units
    assert units == {
        "total": 3,
        "with_org": 1,
        "guided_only": 1,
        "should_form": 1,
        "uncovered": 1,
        "coverage_rate": 0.3333,
    }
    assert subtree_figures(scene["root"], ON).units["total"] == 4


def test_statistics_take_a_fixed_number_of_queries(scene, make_member, django_assert_num_queries):
    with django_assert_num_queries(11):
        subtree_figures(scene["root"], ON)
    for n in range(5):
        make_member(scene["west_branch"], f"新{n}")
    with django_assert_num_queries(11):
        subtree_figures(scene["root"], ON)


def test_tables_link_each_number_to_its_list(scene):
    tables = {t.key: t for t in build_tables(subtree_figures(scene["east"], ON))}
    ages = {row.code: row for row in tables["member_age"].rows}
    assert "born_from=1994-07-01" in ages["<=30"].link
    units = {row.code: row for row in tables["units"].rows}
    assert units["should_form"].cells[0] == 1
    assert "should_form=true" in units["should_form"].link


def test_unformed_unit_is_a_finding_of_its_responsible_organisation(scene):
    findings = findings_for([scene["east"]], ON)[scene["east"].pk]
    codes = {f.code: f for f in findings}
    assert "UNIT_SHOULD_FORM" in codes
    assert "东区会计所" in codes["UNIT_SHOULD_FORM"].message
    assert "应建未建" in codes["UNIT_SHOULD_FORM"].message
