"""factory_boy factories of the standard sets: a published set, its dimensions and items."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from grassroots.standards.choices import SetStatus
from grassroots.standards.models import Dimension, Item, StandardSet


class StandardSetFactory(DjangoModelFactory):
    class Meta:
        model = StandardSet

    code = factory.Sequence(lambda n: f"t-set-{n + 1}")
    version = 1
    title = factory.LazyAttribute(lambda s: f"测试标准 {s.code}")
    source = "《测试文件》"
    year = 2020
    categories = factory.LazyFunction(lambda: ["village"])
    status = SetStatus.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda s: timezone.now() if s.status == SetStatus.PUBLISHED else None
    )


class DimensionFactory(DjangoModelFactory):
    class Meta:
        model = Dimension

    set = factory.SubFactory(StandardSetFactory)
    code = "1"
    title = "政治领导力强"
    order = 1


class ItemFactory(DjangoModelFactory):
    """A manual item (no metric) unless told otherwise."""

    class Meta:
        model = Item

    dimension = factory.SubFactory(DimensionFactory)
    code = factory.Sequence(lambda n: f"1.{n + 1}")
    text = "制定责任清单。"
    order = 0
