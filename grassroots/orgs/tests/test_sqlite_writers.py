"""On SQLite (the demo), simultaneous writes queue for the database's lock instead of
failing with "database is locked", and the rules still hold (settings: immediate
transactions, busy timeout, WAL)."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's file locking")


def test_simultaneous_writes_wait_for_each_other(tmp_path):
    sqlite_file = tmp_path / "race.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{sqlite_file}",
        "DJANGO_SETTINGS_MODULE": "grassroots.settings.test",
        "ALLOWED_HOSTS": "testserver",
    }
    run = subprocess.run(
        [sys.executable, "-m", "grassroots.orgs.tests.sqlite_writers"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout.strip().splitlines()[-1])
    secretary = sorted(status for status, _ in results["secretary"])
    assert secretary == [201] + [400] * 5, results["secretary"]
    assert all("书记已有人担任" in body for status, body in results["secretary"] if status == 400)
    transfer = sorted(status for status, _ in results["transfer"])
    assert transfer == [200] + [400] * 3, results["transfer"]
    assert [status for status, _ in results["new_members"]] == [201] * 8, results["new_members"]
    assert results["miscounted"] == 0
    assert "database is locked" not in run.stderr
    with sqlite3.connect(sqlite_file) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
