"""Daily: expire the agreements whose validity has ended and remind the parties' administrators and the
regional coordinators 90, 30 and 7 days before an agreement expires (once per agreement and threshold)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from network.actions import notify_expiring_agreements


class Command(BaseCommand):
    help = "Expire agreements past their validity and send renewal reminders (90, 30, 7 days before)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD); for catching up.")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(f"Invalid date: {date}") from error
        result = notify_expiring_agreements(today)
        self.stdout.write(f"expired={result['expired']} reminders={result['reminders']}")
