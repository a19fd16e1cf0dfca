"""``manage.py backup FOLDER``: the database and the stored files, with their manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import backup


class Command(BaseCommand):
    help = "Back up the database and the stored files into an empty folder (core.backup)."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder, **options):
        try:
            manifest = backup.backup(folder)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"backup in {folder}: {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['files'])} files ({manifest['engine']})"
        )
