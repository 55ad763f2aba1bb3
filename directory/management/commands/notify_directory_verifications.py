from django.core.management.base import BaseCommand

from directory.review import notify_due_verifications


class Command(BaseCommand):
    help = "Daily: tell editors and partners which directory records are due for verification (12 months)."

    def handle(self, *args, **options):
        result = notify_due_verifications()
        self.stdout.write(
            f"notifications={result['notifications']} index_entries_dropped={result['index_entries_dropped']}"
        )
