from django.core.management.base import BaseCommand

from geo.loader import SOURCE_VERSION, load_units


class Command(BaseCommand):
    help = "Load (or refresh) administrative units and the 2025 old→new mapping. Idempotent."

    def handle(self, *args, **options):
        report = load_units()
        self.stdout.write(f"{SOURCE_VERSION}: {report}")
