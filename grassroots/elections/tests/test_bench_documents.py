"""`manage.py bench_documents` runs (a tiny run, so the benchmark does not rot) and leaves
no records behind."""

import io

from django.core.management import call_command

from grassroots.elections.models import Workflow
from grassroots.orgs.models import Organization


def test_bench_documents_prints_figures_and_rolls_back(db):
    out = io.StringIO()
    call_command("bench_documents", "--runs", "2", stdout=out)
    text = out.getvalue()
    for label in (
        "模板1 成立请示",
        "模板3 党员名册（20人）",
        "模板9 补选结果请示",
        "全部材料 zip（13份）",
    ):
        assert label in text
    assert "要求 < 300 ms" in text and "要求 < 2000 ms" in text
    assert not Workflow.objects.exists() and not Organization.objects.exists()
