from pathlib import Path

import yaml
from django.core.management.base import BaseCommand

from submissions.models import Holiday

DATA = Path(__file__).resolve().parents[2] / "data" / "holidays.yaml"


class Command(BaseCommand):
    help = "Load the public holidays used to count working days (keeps the office's edits)."

    def handle(self, *args, **options):
        created = 0
        for item in yaml.safe_load(DATA.read_text(encoding="utf-8"))["holidays"]:
            _obj, new = Holiday.objects.get_or_create(
                date=item["date"], defaults={"name": item["name"]}
            )
            created += new
        self.stdout.write(f"holidays: {created} added, {Holiday.objects.count()} in all")
