"""``manage.py restore FOLDER``: load a backup into an empty database and the storage, then
check every table's rows and every file against the backup's manifest (exit status 1 when
they differ)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import backup


class Command(BaseCommand):
    help = "Restore a backup of core.backup into an empty database, and verify it."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder, **options):
        try:
            check = backup.restore(folder)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        for table, (expected, found) in sorted(check.tables.items()):
            self.stderr.write(f"table {table}: {expected} rows in the backup, {found} restored")
        for name, problem in sorted(check.files.items()):
            self.stderr.write(f"file {name}: {problem}")
        if not check.ok:
            raise SystemExit(1)
        self.stdout.write(f"restored from {folder}: every table and file as in the manifest")
