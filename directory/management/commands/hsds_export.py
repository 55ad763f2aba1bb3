"""Write the public directory as one HSDS 3.0 JSON document: `hsds_export [--out FILE] [--lang it]`."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from directory import search
from directory.hsds.export import export_chunks


class Command(BaseCommand):
    help = (
        "Export the public directory (published, recently verified services, their organisations, taxonomies "
        "and terms) as one HSDS 3.0 JSON document; docs/hsds.md describes its shape."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", help="File to write (default: standard output).")
        parser.add_argument(
            "--lang", default="it", help="Language of the texts (Italian where not translated)."
        )

    def handle(self, *args, out=None, lang="it", **options):
        languages = search.active_languages()
        if lang not in languages:
            raise CommandError(
                _("Unknown language %(lang)s; available: %(names)s.")
                % {"lang": lang, "names": ", ".join(languages)}
            )
        if out:
            try:
                with open(out, "w", encoding="utf-8") as handle:
                    for chunk in export_chunks(lang):
                        handle.write(chunk)
            except OSError as exc:
                raise CommandError(
                    _("Cannot write %(file)s: %(error)s") % {"file": out, "error": exc}
                ) from exc
            self.stderr.write(_("Written %(file)s.") % {"file": out})
        else:
            for chunk in export_chunks(lang):
                sys.stdout.write(chunk)
            sys.stdout.write("\n")
