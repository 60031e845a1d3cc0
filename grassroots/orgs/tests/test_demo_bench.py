"""The benchmark commands at a tiny size, so that `make bench` does not rot between runs
(PostgreSQL only: the generator writes with COPY)."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from grassroots.core.identifiers import citizen_id_error
from grassroots.orgs.excel.columns import MEMBER_COLUMNS
from grassroots.orgs.management.commands.bench_run import Command as BenchRun
from grassroots.orgs.models import HostUnit, Member, Membership, Organization, Term

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),  # VACUUM cannot run inside a transaction
]


def test_generate_measure_and_import(tmp_path):
    out = io.StringIO()
    call_command("bench_generate", orgs=2300, members=4000, stdout=out)
    assert Organization.objects.count() == 2300
    assert Member.objects.count() == 4000
    assert Membership.objects.count() == 40
    for org in Organization.objects.select_related("parent"):
        parent_path = org.parent.path if org.parent else "/"
        assert org.path == f"{parent_path}{org.pk}/"
        assert org.depth == org.path.count("/") - 2
    assert all(
        citizen_id_error(number) is None
        for number in Member.objects.values_list("id_number", flat=True)
    )
    # Sequences were moved past the copied ids: ordinary inserts still work.
    Organization.objects.create(name="新组织", kind="branch", category="other", parent_id=1)

    results = tmp_path / "results.jsonl"
    call_command("bench_run", requests=3, no_import=True, results=str(results), stdout=out)
    # Two lists and the statistics' API and page, at the root and two levels down; the
    # statistics a year ago.
    assert out.getvalue().count("p95") == 4 + 4 + 2
    figures = json.loads(results.read_text())
    assert figures["orgs"] == 2301 and figures["stats API 根组织"] > 0
    grown = io.StringIO()
    call_command("bench_run", growth=str(results), stdout=grown)
    assert "stats page 下两级" in grown.getvalue()
    assert (Term.objects.count(), HostUnit.objects.count()) == (2300 - 111, 38)

    path = tmp_path / "members.xlsx"
    district = Organization.objects.get(depth=1, name="基准市第1区委组织部")
    BenchRun().write_workbook(path, 300, district, MEMBER_COLUMNS)
    imported = io.StringIO()
    call_command("bench_run", import_workbook=str(path), stdout=imported)
    figures = json.loads(imported.getvalue())
    assert figures["errors"] == 0, figures["first_errors"]
    assert figures["created"] == 300
    assert Member.objects.count() == 4000  # the measured import is rolled back
