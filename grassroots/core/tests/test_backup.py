"""Backup and restore round trip on the database the tests run on (SQLite, or PostgreSQL
with pg_dump/pg_restore): a backup restored into a new empty database holds every table's
rows and the same history."""

import hashlib
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from grassroots.core.backup import BackupError, restore
from grassroots.core.choices import Role


def snapshot(conn):
    """Every table's row count, and a checksum of every history table's rows."""
    counts, history = {}, {}
    with conn.cursor() as cursor:
        for table in conn.introspection.table_names(cursor):
            name = conn.ops.quote_name(table)
            cursor.execute(f"SELECT COUNT(*) FROM {name}")
            counts[table] = cursor.fetchone()[0]
            if "_historical" in table:
                cursor.execute(f"SELECT * FROM {name} ORDER BY history_id")
                history[table] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return counts, history


@pytest.fixture
def empty_database(transactional_db, tmp_path):
    """A connection to a new, empty database of the same kind as the tests' one (CREATE
    DATABASE cannot run inside the test's transaction)."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
    else:
        settings_dict["NAME"] = f"restore_{uuid.uuid4().hex[:12]}"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {settings_dict['NAME']}")
    target = type(connections["default"])(settings_dict, alias="restore_target")
    yield target
    target.close()
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE {settings_dict['NAME']}")


@pytest.fixture
def records(transactional_db, make_org, make_member, make_user):
    """Committed rows (pg_dump reads from another process) with a history of changes."""
    root = make_org("市委组织部")
    branch = make_org("幸福社区党支部", root)
    for _ in range(3):
        make_member(branch)
    branch.name = "幸福社区第一党支部"
    branch.save()
    make_user(role=Role.CLERK, org=branch)
    return root


def test_a_backup_restores_into_an_empty_database(records, empty_database, tmp_path):
    before = snapshot(connection)
    counts, history = before
    assert counts["orgs_historicalorganization"] == 3 and counts["orgs_member"] == 3
    assert history, "history tables are compared"
    file = tmp_path / "site.backup"

    call_command("backup", str(file))
    restore(empty_database, file)

    assert snapshot(empty_database) == before


def test_restore_refuses_a_database_that_holds_data(records, empty_database, tmp_path):
    file = tmp_path / "site.backup"
    call_command("backup", str(file))
    with pytest.raises(CommandError, match="数据库不是空的"):
        call_command("restore", str(file))
    # Into a restored (so not empty) database only with force, which replaces its data.
    restore(empty_database, file)
    with pytest.raises(BackupError, match="--force"):
        restore(empty_database, file)
    records.name = "改名后的组织部"
    records.save()
    restore(empty_database, file, force=True)
    assert snapshot(empty_database)[0] == {
        **snapshot(connection)[0],
        "orgs_historicalorganization": 3,
    }


def test_backup_does_not_overwrite_a_file(transactional_db, tmp_path):
    file = tmp_path / "site.backup"
    file.write_text("older backup")
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", str(file))
    assert file.read_text() == "older backup"


def test_restore_refuses_a_file_that_is_not_a_backup(empty_database, tmp_path):
    file = tmp_path / "notes.txt"
    file.write_text("not a backup")
    with pytest.raises(BackupError, match="无法识别"):
        restore(empty_database, file)
    assert snapshot(empty_database)[0] == {}
