from django.core.management.base import BaseCommand

from registry.reference import load_product_sets


class Command(BaseCommand):
    help = "Load the 26 product sets of Appendix I (Decision 26/2026/QĐ-TTg). Idempotent."

    def handle(self, *args, **options):
        self.stdout.write(f"product sets: {load_product_sets()}")
