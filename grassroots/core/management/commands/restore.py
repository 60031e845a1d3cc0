from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from grassroots.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore FILE (made by `manage.py backup`) into an empty database (new, or only "
        "migrated); --force replaces the data of a database that is not empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--force", action="store_true", help="replace existing data")

    def handle(self, *args, file, database, force, **options):
        try:
            restore(connections[database], file, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"已从 {file} 恢复")
