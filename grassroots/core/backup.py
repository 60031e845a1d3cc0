"""Backup and restore of the whole database: PostgreSQL with pg_dump's custom format
(pg_restore reads it), SQLite with its online backup API (a consistent copy while the site
runs). Uploaded files (MEDIA_ROOT) are files: copy them beside the backup."""

import os
import shutil
import sqlite3
import subprocess
from glob import glob
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Tables `migrate` fills by itself: a database holding rows only there is still empty.
BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission"}
PG_DUMP_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why (Chinese)."""


def backup(connection, path):
    path = Path(path)
    if path.exists():
        raise BackupError(f"文件 {path} 已存在，请换一个文件名")
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        _run_pg(connection, "pg_dump", ["--format=custom", "--file", str(path)])
    else:
        raise BackupError(f"不支持备份 {connection.vendor} 数据库")


def restore(connection, path, force=False):
    """Restore `path` (made by `backup`) into the database, which must be empty (only what
    `migrate` fills) unless `force`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}")
    kind = _kind_of(path)
    if kind != connection.vendor:
        raise BackupError(
            f"文件 {path} 不是 {connection.vendor} 数据库的备份（{kind or '无法识别的文件'}）"
        )
    if not force:
        filled = tables_with_rows(connection) - BOOKKEEPING
        if filled:
            raise BackupError(
                f"数据库不是空的（{len(filled)} 张表有数据，如 {sorted(filled)[0]}）；"
                "请恢复到新建的空数据库，或加 --force 覆盖现有数据"
            )
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"备份文件 {path} 已损坏")
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        # --clean drops what the dump holds first: a migrated (but empty) database works too.
        options = ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _run_pg(connection, "pg_restore", [*options, str(path), "--dbname"])
    connection.close()  # nothing cached from before the restore


def tables_with_rows(connection):
    with connection.cursor() as cursor:
        return {
            table
            for table in connection.introspection.table_names(cursor)
            if _has_rows(cursor, connection, table)
        }


def _has_rows(cursor, connection, table):
    cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
    return cursor.fetchone() is not None


def _kind_of(path):
    with open(path, "rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    if head == SQLITE_MAGIC:
        return "sqlite"
    return None


def pg_tool(name):
    """pg_dump or pg_restore: on PATH, else the newest Debian installation."""
    installed = sorted(
        glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: float(Path(p).parts[-3])
    )
    found = shutil.which(name) or (installed[-1] if installed else None)
    if not found:
        raise ImproperlyConfigured(f"{name} not found: install postgresql-client")
    return found


def _run_pg(connection, tool, parameters):
    # Django's psql command line (host, port, user, database; password in the environment),
    # with pg_dump or pg_restore in its place; the database name comes last.
    client = connection.client
    args, env = client.settings_to_cmd_args_env(connection.settings_dict, parameters)
    args[0] = pg_tool(tool)
    result = subprocess.run(args, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{tool} 失败：{result.stderr.strip()}")
