from django.core.management.base import BaseCommand

from api.webhooks import send_due


class Command(BaseCommand):
    help = "Send every webhook delivery that is due (run every minute from cron)."

    def handle(self, *args, **options):
        sent = send_due()
        self.stdout.write(f"webhooks: {sent} delivered")
