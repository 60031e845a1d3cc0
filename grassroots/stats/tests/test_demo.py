"""The demo's units over the demo city (loaded once for the module, rolled back at the end):
covered by an organisation, by an instructor only, and one 应建未建 unit that the city's
statistics and health check find; loading twice adds nothing."""

import io

import pytest
from django.db import transaction
from django.utils import timezone

from grassroots.orgs.demo import ROOT_NAME, load_demo_city
from grassroots.orgs.health import findings_for
from grassroots.orgs.models import HostUnit, Organization
from grassroots.stats.demo import SHOULD_FORM_UNIT, STREET, UNITS, load_demo
from grassroots.stats.figures import counts_of, unit_figures


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_city()
        out = io.StringIO()
        summary = load_demo(out)
        yield {"summary": summary, "out": out.getvalue()}
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_units_of_each_coverage(loaded):
    today = timezone.localdate()
    assert loaded["summary"]["units"] == len(UNITS)
    assert loaded["summary"]["workers"] == 6
    root = Organization.objects.get(name=ROOT_NAME, parent=None)
    units = unit_figures(counts_of(root, today))
    assert units["with_org"] > 0
    assert units["guided_only"] == 3
    assert units["should_form"] == 1
    assert 0 < units["coverage_rate"] < 1
    unit = HostUnit.objects.with_coverage(today).get(name=SHOULD_FORM_UNIT)
    assert (unit.coverage, unit.full_workers, unit.should_form) == ("none", 3, True)
    street = Organization.objects.get(name=STREET)
    codes = [f.code for f in findings_for([street])[street.pk]]
    assert "UNIT_SHOULD_FORM" in codes
    assert "应建未建" in loaded["out"]
    assert load_demo() is None
