from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation

from demo.builders import build_demo, counts


class Command(BaseCommand):
    help = "Build the Đà Nẵng demo (units must be loaded). Deterministic and idempotent."

    def handle(self, *args, **options):
        from geo.models import AdministrativeUnit

        if not AdministrativeUnit.objects.exists():
            call_command("load_units")
        with translation.override("vi"):
            report = build_demo()
            totals = counts()
            self.stdout.write(
                f"demo: {report.producers_created} producers and {report.products_created} "
                f"products created ({totals['producers']} and {totals['products']} in all); "
                f"{report.users_created} users created"
            )
            self.stdout.write("Logins (username / password — role):")
            for username, password, role in report.logins:
                self.stdout.write(f"  {username:<8} / {password} — {role}")
