"""factory_boy factories of the assessments: grading policies, assessments and their item
rows, rectification tasks, inspection samples and stored compliance."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from grassroots.assessments.choices import ItemStatus
from grassroots.assessments.models import (
    Assessment,
    AssessmentItem,
    ComplianceRecord,
    GradingPolicy,
    InspectionSample,
    RectificationTask,
)
from grassroots.core.tests.factories import UserFactory
from grassroots.orgs.tests.factories import OrganizationFactory
from grassroots.standards.tests.factories import ItemFactory, StandardSetFactory


class GradingPolicyFactory(DjangoModelFactory):
    class Meta:
        model = GradingPolicy

    org = factory.SubFactory(OrganizationFactory)
    year = 2026


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = Assessment

    org = factory.SubFactory(OrganizationFactory)
    year = 2026
    standard_set = factory.SubFactory(StandardSetFactory)
    started_by = factory.SubFactory(UserFactory)


class AssessmentItemFactory(DjangoModelFactory):
    class Meta:
        model = AssessmentItem

    assessment = factory.SubFactory(AssessmentFactory)
    item = factory.SubFactory(
        ItemFactory, dimension__set=factory.SelfAttribute("...assessment.standard_set")
    )
    status = ItemStatus.MET
    max_points = Decimal("10")


class RectificationTaskFactory(DjangoModelFactory):
    class Meta:
        model = RectificationTask

    assessment_item = factory.SubFactory(AssessmentItemFactory, status=ItemStatus.NOT_MET)
    org = factory.SelfAttribute("assessment_item.assessment.org")
    description = "建立党员联系服务群众制度"
    owner_name = "王建国"
    deadline = datetime.date(2027, 3, 31)
    created_by = factory.SelfAttribute("assessment_item.assessment.started_by")


class InspectionSampleFactory(DjangoModelFactory):
    class Meta:
        model = InspectionSample

    org = factory.SubFactory(OrganizationFactory)
    year = 2026
    share = Decimal("0.5")
    seed = 1
    drawn_by = factory.SubFactory(UserFactory)
    population = factory.LazyAttribute(lambda s: [s.org.pk])
    drawn = factory.SelfAttribute("population")


class ComplianceRecordFactory(DjangoModelFactory):
    class Meta:
        model = ComplianceRecord

    org = factory.SubFactory(OrganizationFactory)
    standard_set = factory.SubFactory(StandardSetFactory)
    year = 2026
    values = factory.LazyFunction(lambda: {"members_total": "3"})
    met = 1
    until = datetime.date(2026, 12, 31)
    computed_at = factory.LazyFunction(timezone.now)
