"""The nightly work moves the statistics' tallies to the day (orgs.tallies.advance)."""

import datetime

from django.core.management import call_command
from django.utils import timezone

from grassroots.orgs import tallies


def test_the_nightly_work_advances_the_tallies(city, make_member, capsys):
    today = timezone.localdate()
    make_member(city["east_branch"], birth_date=tallies.latest_birth(today, 35))
    tallies.rebuild(today - datetime.timedelta(days=2))
    call_command("nightly", "--today", today.isoformat())
    assert f"更新统计计数：统计计数已更新到{today:%Y-%m-%d}" in capsys.readouterr().out
    assert tallies.clock() == today
    kept = tallies.subtree_counts([city["root"]], today)[city["root"].pk]
    assert +kept == +tallies.scan_counts(city["root"], today)
