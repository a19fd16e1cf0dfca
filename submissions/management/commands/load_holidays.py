from django.core.management.base import BaseCommand

from submissions.calendar import public_holidays
from submissions.models import Holiday


class Command(BaseCommand):
    help = (
        "Report the working calendar: Vietnam's public holidays come from the `holidays` "
        "package; the office's adjustments are kept as they are."
    )

    def handle(self, *args, **options):
        days = public_holidays()
        self.stdout.write(
            f"holidays: {len(days)} public holidays from the package "
            f"({min(days):%Y}–{max(days):%Y}), {Holiday.objects.count()} office adjustments"
        )
