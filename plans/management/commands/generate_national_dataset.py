import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from plans import national


class Command(BaseCommand):
    help = (
        "Generate a national-scale dataset (≈20,000 products, 10,000 producers, 34 provinces, "
        "five years of history) into the empty PostgreSQL database named by DATABASE_URL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=20_000)
        parser.add_argument("--producers", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=20260522)
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, default=None, help="reference day (yyyy-mm-dd)"
        )
        parser.add_argument(
            "--load-reference",
            action="store_true",
            help="first migrate and load the administrative units and product sets",
        )

    def handle(self, *args, **options):
        if options["load_reference"]:
            from django.core.management import call_command

            from geo.loader import load_units
            from registry.reference import load_product_sets

            national.check_target_database()
            call_command("migrate", verbosity=0)
            load_units()
            load_product_sets()
        try:
            report = national.generate(
                seed=options["seed"],
                today=options["today"],
                products=options["products"],
                producers=options["producers"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"national dataset: {report}")
