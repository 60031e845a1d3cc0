from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from grassroots.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database to FILE: PostgreSQL as pg_dump's custom format, SQLite "
        "with its online backup API. Restore with `manage.py restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, file, database, **options):
        try:
            backup(connections[database], file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"已备份到 {file}")
