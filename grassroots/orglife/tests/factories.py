"""factory_boy factories of organisational life: meetings, attendance, attachments,
secretaries' reports and yearly facts."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from grassroots.core.tests.factories import UserFactory
from grassroots.orglife.choices import FactKind, MeetingType
from grassroots.orglife.models import Attachment, Attendance, Meeting, SecretaryReport, YearlyFact
from grassroots.orgs.tests.factories import MemberFactory, OrganizationFactory

PDF = b"%PDF-1.4\n" + b"0" * 64


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    org = factory.SubFactory(OrganizationFactory)
    type = MeetingType.STUDY
    date = datetime.date(2025, 3, 1)
    topic = "学习党章"
    hours = Decimal("2")
    created_by = factory.SubFactory(UserFactory)


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(MemberFactory, org=factory.SelfAttribute("..meeting.org"))
    present = True


class AttachmentFactory(DjangoModelFactory):
    class Meta:
        model = Attachment

    meeting = factory.SubFactory(MeetingFactory)
    file = factory.django.FileField(filename="会议记录.pdf", data=PDF)
    name = "会议记录.pdf"
    content_type = "application/pdf"
    size = len(PDF)
    uploaded_by = factory.SubFactory(UserFactory)


class SecretaryReportFactory(DjangoModelFactory):
    class Meta:
        model = SecretaryReport

    org = factory.SubFactory(OrganizationFactory)
    year = 2025
    secretary = factory.SubFactory(MemberFactory, org=factory.SelfAttribute("..org"))
    text = "一年来，支部认真落实三会一课制度。"
    submitted_on = datetime.date(2026, 1, 10)


class YearlyFactFactory(DjangoModelFactory):
    class Meta:
        model = YearlyFact

    org = factory.SubFactory(OrganizationFactory)
    year = 2025
    code = FactKind.values[0]
    value = Decimal("1")
