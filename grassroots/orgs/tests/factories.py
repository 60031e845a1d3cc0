"""factory_boy factories of the registry: organisations, host units, members, terms and
posts. Defaults make a valid record; tests name what they depend on."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from grassroots.core.identifiers import build_citizen_id
from grassroots.orgs.choices import Category, Gender, MemberStatus, OrgKind, PostKind
from grassroots.orgs.models import (
    HostUnit,
    HostUnitLink,
    Member,
    Membership,
    Organization,
    Post,
    Tally,
    TallyChange,
    TallyClock,
    Term,
    Transfer,
    UnitGuide,
    WeakDesignation,
)


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试组织{n + 1}")
    parent = None
    kind = OrgKind.BRANCH
    category = Category.COMMUNITY
    established_on = datetime.date(2020, 1, 1)


class HostUnitFactory(DjangoModelFactory):
    class Meta:
        model = HostUnit

    name = factory.Sequence(lambda n: f"测试单位{n + 1}")


class UnitGuideFactory(DjangoModelFactory):
    class Meta:
        model = UnitGuide

    unit = factory.SubFactory(HostUnitFactory)
    role = "instructor"
    name = factory.Sequence(lambda n: f"指导员{n + 1}")
    started_on = datetime.date(2024, 1, 1)


class HostUnitLinkFactory(DjangoModelFactory):
    class Meta:
        model = HostUnitLink

    org = factory.SubFactory(OrganizationFactory)
    unit = factory.SubFactory(HostUnitFactory)


class WeakDesignationFactory(DjangoModelFactory):
    class Meta:
        model = WeakDesignation

    org = factory.SubFactory(OrganizationFactory)
    year = 2025


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    class Params:
        number = factory.Sequence(lambda n: n + 1)

    name = factory.LazyAttribute(lambda m: f"党员{m.number}")
    gender = Gender.MALE
    # Born in the 1970s, however long the session: 18 or older on the default joining day.
    birth_date = factory.LazyAttribute(
        lambda m: datetime.date(1970, 1, 1) + datetime.timedelta(days=m.number % 3650)
    )
    id_number = factory.LazyAttribute(lambda m: build_citizen_id("110105", m.birth_date, m.number))
    joined_on = datetime.date(2000, 7, 1)
    status = MemberStatus.FULL
    org = factory.SubFactory(OrganizationFactory)


class MembershipFactory(DjangoModelFactory):
    """A functional membership: the member belongs to `org` besides its own organisation."""

    class Meta:
        model = Membership

    member = factory.SubFactory(MemberFactory)
    org = factory.SubFactory(OrganizationFactory)
    started_on = datetime.date(2024, 1, 1)


class TransferFactory(DjangoModelFactory):
    class Meta:
        model = Transfer

    member = factory.SubFactory(MemberFactory)
    from_org = factory.SelfAttribute("member.org")
    to_org = factory.SubFactory(OrganizationFactory)
    transferred_on = datetime.date(2025, 3, 1)
    recorded_by = factory.SubFactory("grassroots.core.tests.factories.UserFactory")


class TermFactory(DjangoModelFactory):
    class Meta:
        model = Term

    org = factory.SubFactory(OrganizationFactory)
    number = 1
    started_on = datetime.date(2023, 1, 1)
    planned_end_on = datetime.date(2028, 1, 1)


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post

    term = factory.SubFactory(TermFactory)
    member = factory.SubFactory(MemberFactory, org=factory.SelfAttribute("..term.org"))
    post = PostKind.SECRETARY
    started_on = factory.SelfAttribute("term.started_on")


class TallyClockFactory(DjangoModelFactory):
    class Meta:
        model = TallyClock
        django_get_or_create = ("id",)  # one clock

    id = 1
    on = factory.LazyFunction(timezone.localdate)


class TallyFactory(DjangoModelFactory):
    class Meta:
        model = Tally

    org = factory.SubFactory(OrganizationFactory)
    code = "m"
    n = 1


class TallyChangeFactory(DjangoModelFactory):
    class Meta:
        model = TallyChange

    org = factory.SubFactory(OrganizationFactory)
    code = "m"
    n = 1
