from django.core.management.base import BaseCommand, CommandError

from skills.esco import LabelFileError, load_labels


class Command(BaseCommand):
    help = (
        "Load official ESCO labels from a CSV of the ESCO portal download (occupations_<lang>.csv or "
        "skills_<lang>.csv): --language it fills the Italian labels used by search-as-you-type."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file")
        parser.add_argument("--language", choices=["it", "en"], default="it")

    def handle(self, csv_file, language, **options):
        try:
            with open(csv_file, encoding="utf-8-sig", newline="") as handle:
                counts = load_labels(handle, language)
        except (OSError, UnicodeDecodeError, LabelFileError) as error:
            raise CommandError(f"{csv_file}: {error}") from error
        self.stdout.write(f"occupations: {counts['occupations']}, skills: {counts['skills']}")
