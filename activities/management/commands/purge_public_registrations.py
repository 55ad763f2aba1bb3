"""Daily: remove name and contact from public event registrations 30 days after the event ended.

The registrations stay (status, people, codes, check-in), so the counts and indicator P3.2 do not change.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from activities.actions_events import PURGE_AFTER_DAYS, purge_public_registrations


class Command(BaseCommand):
    help = f"Anonymise public event registrations {PURGE_AFTER_DAYS} days after the event's end."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(f"Invalid date: {date}") from error
        count = purge_public_registrations(today)
        self.stdout.write(f"anonymised={count}")
