import pytest

from grassroots.standards.choices import SetStatus

from .factories import DimensionFactory, ItemFactory, StandardSetFactory

# (code, text, metric, comparator, threshold, veto)
DEFAULT_ITEMS = [
    ("1.1", "党员每月集体学习不少于1次", "collective_study_months", ">=", 12, False),
    ("1.2", "全年不少于32学时。", "study_hours_per_member", ">=", 32, False),
    ("1.3", "制定责任清单。", None, None, None, False),
    ("1.4", "无违纪违法行为。", None, None, None, True),
]


@pytest.fixture
def make_set(db):
    """A set with one dimension and `items`; published unless told otherwise."""

    def make(
        code="t-set",
        version=1,
        owner=None,
        status=SetStatus.PUBLISHED,
        items=DEFAULT_ITEMS,
        **fields,
    ):
        standard_set = StandardSetFactory(
            code=code, version=version, status=status, owner=owner, **fields
        )
        dimension = DimensionFactory(set=standard_set)
        for order, (item_code, text, metric, comparator, threshold, veto) in enumerate(items):
            ItemFactory(
                dimension=dimension,
                code=item_code,
                text=text,
                metric=metric,
                comparator=comparator,
                threshold=threshold,
                veto=veto,
                order=order,
            )
        return standard_set

    return make
