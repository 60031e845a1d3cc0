"""factory_boy factories of the core models: users and the roles they hold."""

import factory
from django.conf import settings
from factory.django import DjangoModelFactory, Password

from grassroots.core.choices import JobState, Role
from grassroots.core.models import Job, RoleAssignment

PASSWORD = "pass-Word-1"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = settings.AUTH_USER_MODEL

    username = factory.Sequence(lambda n: f"user{n + 1}")
    password = Password(PASSWORD)


class RoleAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    org = factory.SubFactory("grassroots.orgs.tests.factories.OrganizationFactory")
    role = Role.VIEWER


class JobFactory(DjangoModelFactory):
    class Meta:
        model = Job

    label = "导出党员名册（全部）"
    runner = "grassroots.orgs.excel.exports.roster_job"
    created_by = factory.SubFactory(UserFactory)
    state = JobState.QUEUED
