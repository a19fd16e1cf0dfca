from django.core.management.base import BaseCommand, CommandError

from evaluation.services import CatalogueLocked, load_criteria


class Command(BaseCommand):
    help = "Load the criteria catalogue (versions and score sheets) from the YAML data. Idempotent."

    def handle(self, *args, **options):
        try:
            report = load_criteria()
        except CatalogueLocked as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"criteria: {report.versions} versions; sheets {report.sheets_created} created, "
            f"{report.sheets_updated} updated, {report.unchanged} unchanged"
        )
