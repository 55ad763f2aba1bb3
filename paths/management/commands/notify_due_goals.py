"""Notify goal owners of open goals falling due soon (run daily; each goal is notified once per due date)."""

from django.core.management.base import BaseCommand

from paths.actions import notify_due_goals


class Command(BaseCommand):
    help = "Notify goal owners of open goals due within the next days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="How many days ahead to look (default 7).")

    def handle(self, *args, days, **options):
        sent = notify_due_goals(days=days)
        self.stdout.write(f"{sent}")
