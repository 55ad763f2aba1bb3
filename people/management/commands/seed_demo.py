from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from people.demo import SIZES, DemoDataError, demo_data_exists, seed_demo


class Command(BaseCommand):
    help = (
        "Replace the demo data (organisations, logins, participants, consents, vulnerabilities) with data "
        "generated deterministically from --seed. Only records marked as demo are deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=list(SIZES),
            default="small",
            help="small: 200 participants; campania: 50,000; national: 1,000,000 (fewer details).",
        )
        parser.add_argument("--seed", type=int, default=1, help="The same seed always gives the same data.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if demo participants already exist (keeps the data across restarts).",
        )

    def handle(self, *args, size, seed, if_empty, **options):
        if not getattr(settings, "DEMO_MODE", True):
            raise CommandError("DEMO_MODE is off (production settings): demo data is not generated here.")
        if if_empty and demo_data_exists():
            self.stdout.write(
                "Demo data already present: left unchanged (run without --if-empty to regenerate)."
            )
            return
        progress = self.stdout.write if options.get("verbosity", 1) >= 1 else None
        try:
            result = seed_demo(size, seed, progress=progress)
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(result.summary()))
