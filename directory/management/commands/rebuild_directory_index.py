from django.core.management.base import BaseCommand

from directory.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the portal's search index (after a bulk import or a change of the content languages)."

    def handle(self, *args, **options):
        self.stdout.write(f"search entries: {rebuild_index()}")
