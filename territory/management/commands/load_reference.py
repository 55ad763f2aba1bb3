from django.core.management.base import BaseCommand

from territory.reference import load_all


class Command(BaseCommand):
    help = "Load provinces, municipalities, countries and languages from the bundled packages (offline, idempotent)."

    def handle(self, *args, **options):
        counts = load_all()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
