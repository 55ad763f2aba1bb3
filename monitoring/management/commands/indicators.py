"""`manage.py indicators`: the dashboard's indicator figures for a period and filters, as JSON, CSV or XLSX.

    python manage.py indicators --from 2026-01-01 --to 2026-03-31 [--province NA] [--by sex,age_band]
        [--code O.2.3,R.2.8] [--controlled] --format json|csv|xlsx [--output FILE]

Uses `report.compute_all`, so the numbers are the dashboard's. JSON is a list of `report.as_dict` objects.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from monitoring import exports
from monitoring.report import as_dict, compute_all


class Command(BaseCommand):
    help = "Compute the monitoring indicators for a period and print them (JSON, CSV) or write them (XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="from", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="to", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--province", default="", help="ISTAT code, abbreviation (NA) or name.")
        parser.add_argument("--municipality", default="", help="ISTAT code or name.")
        parser.add_argument("--organisation", default="", help="Organisation id.")
        parser.add_argument("--organisation-kind", dest="organisation_kind", default="")
        parser.add_argument("--action", default="", help="01, 02 or 03.")
        parser.add_argument("--by", default="", help="Breakdowns, comma separated (sex,age_band,...).")
        parser.add_argument("--code", default="", help="Indicator codes, comma separated (default: all).")
        parser.add_argument(
            "--controlled", action="store_true", help="Disclosure-controlled figures, as published."
        )
        parser.add_argument("--format", required=True, choices=["json", "csv", "xlsx"])
        parser.add_argument("--output", default="", help="Write to this file (required for xlsx).")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, help="Language of the wording.")

    def handle(self, *args, **options):
        if options["format"] == "xlsx" and not options["output"]:
            raise CommandError("--format xlsx needs --output FILE.")
        with translation.override(options["language"]):
            try:
                filters = exports.parse_filters(
                    {
                        name: options[name]
                        for name in (
                            "from",
                            "to",
                            "province",
                            "municipality",
                            "organisation",
                            "organisation_kind",
                            "action",
                            "by",
                            "code",
                        )
                    },
                    place_codes=True,
                )
            except exports.FilterError as error:
                raise CommandError(str(error)) from None
            results = compute_all(
                filters.scope, filters.by, controlled=options["controlled"], indicators=filters.indicators
            )
            content = self.render(results, options["format"], to_file=bool(options["output"]))
        if options["output"]:
            mode = "wb" if isinstance(content, bytes) else "w"
            try:
                with open(options["output"], mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as file:
                    file.write(content)
            except OSError as error:
                raise CommandError(f"Cannot write {options['output']}: {error.strerror}.") from None
        else:
            self.stdout.write(content, ending="")

    def render(self, results, fmt: str, *, to_file: bool):
        if fmt == "xlsx":
            return exports.to_xlsx(results)
        if fmt == "csv":
            # A BOM tells Excel the file is UTF-8; a pipe does not want one.
            return exports.to_csv(results, bom=to_file)
        objects = []
        for result in results:
            data = as_dict(result)
            data["progress_percent"], data["forecast"] = exports.progress_and_forecast(result)
            objects.append(data)
        return json.dumps(objects, ensure_ascii=False, indent=2) + "\n"
