"""Every model with an organisation reads through `ScopedQuerySet.visible_to`
(grassroots/core/access.py), and through it a user of another subtree sees none of its rows
(over the whole demo city, loaded once for the module and rolled back at the end)."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from grassroots.assessments.models import GradingPolicy
from grassroots.core.access import ScopedQuerySet
from grassroots.core.choices import Permission
from grassroots.core.models import RoleAssignment
from grassroots.orglife.models import Attachment, Meeting
from grassroots.orgs.choices import Category, OrgKind
from grassroots.orgs.models import Organization
from grassroots.standards.choices import SetStatus
from grassroots.standards.models import StandardSet

# Models with an organisation that are read only through another model's gate.
READ_THROUGH_ANOTHER = {
    "orgs.Transfer": "read on its member's page (Member.visible_to)",
    "orgs.WeakDesignation": "read in its organisation's health findings",
    "orgs.Tally": "read by the statistics of an organisation the user sees (visible_org)",
    "orgs.TallyChange": "read with the tallies, by the statistics of a visible organisation",
}


def scoped_models():
    return [
        model
        for model in apps.get_models()
        if isinstance(model._default_manager.all(), ScopedQuerySet)
    ]


def test_every_model_with_an_organisation_reads_through_the_base():
    with_org = {
        model._meta.label
        for model in apps.get_models()
        if not model.__name__.startswith("Historical")
        and any(
            field.is_relation and field.related_model is Organization
            for field in model._meta.get_fields()
            if field.concrete
        )
    }
    scoped = {model._meta.label for model in scoped_models()}
    assert with_org - set(READ_THROUGH_ANOTHER) <= scoped


# --- visible_to for a user of another subtree ------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo city with every app's demo records (rolled back after the module)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_standards", stdout=io.StringIO())
        call_command("load_holidays", stdout=io.StringIO())  # as `make run`: notices need it
        call_command("load_demo_city", stdout=io.StringIO())
        # What the demo does not hold: a policy and an attachment.
        GradingPolicy.objects.create(org=Organization.objects.filter(depth=1).first())
        Attachment.objects.create(
            meeting=Meeting.objects.first(),
            file="life/2026/01/a.pdf",
            name="会议记录.pdf",
            content_type="application/pdf",
            size=1,
        )
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_user_of_another_subtree_sees_nothing_of_any_model(
    demo, make_org, make_user, make_user_with_every_role
):
    outside = make_org("另一市委组织部", kind=OrgKind.DEPARTMENT, category=Category.OTHER)
    outsider = make_user_with_every_role(outside)
    superuser = make_user(is_superuser=True)
    models = scoped_models()
    assert len(models) >= 20
    empty = [m for m in models if not m.objects.visible_to(superuser).exists()]
    assert not empty, empty
    for model in models:
        for permission in Permission:
            seen = model.objects.visible_to(outsider, permission)
            if model is Organization:
                seen = seen.exclude(pk=outside.pk)
            elif model is RoleAssignment:
                seen = seen.exclude(org=outside)
            elif model is StandardSet and permission == Permission.VIEW:
                seen = seen.exclude(status=SetStatus.PUBLISHED)  # reference data for all
            assert not seen.exists(), (model, permission)
