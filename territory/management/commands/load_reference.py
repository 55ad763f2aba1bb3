from django.core.management.base import BaseCommand

from directory.reference import load_directory_reference
from monitoring.reference import load_indicators
from skills.esco import load_esco
from territory.reference import load_all


class Command(BaseCommand):
    help = (
        "Load provinces, municipalities, countries, languages and the ESCO occupations and skills, the directory's content languages and needs, and the monitoring indicators, from the "
        "bundled packages and fixtures (offline, idempotent)."
    )

    def handle(self, *args, **options):
        counts = load_all()
        counts.update(load_esco())
        counts.update(load_directory_reference())
        counts.update(load_indicators())
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
