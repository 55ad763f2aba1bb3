"""Load an HSDS 3.0 dataset: `hsds_import PATH... [--dry-run] [--publish] [--kind K] [--network-organisation-map F]`."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from directory.hsds import importer, validation
from network.models import Organisation


class Command(BaseCommand):
    help = (
        "Import HSDS 3.0 JSON files (one object, a Page envelope, a list, or an hsds_export document). Every "
        "object is validated against the official schema first; on any error nothing is saved and the exit code "
        "is 1. New services are drafts for an editor to review unless --publish is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="HSDS JSON files.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and import, then roll everything back."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the imported services (counted as verified today) instead of leaving new ones as drafts.",
        )
        parser.add_argument("--kind", choices=validation.KINDS, help="The kind of every top-level object.")
        parser.add_argument(
            "--network-organisation-map",
            help='JSON file {"<HSDS organization id>": <network organisation id>} linking directory entries to '
            "partners of the network (who may then propose changes to their services).",
        )
        parser.add_argument("--user", help="E-mail of the user recorded as author of the new versions.")

    def handle(self, *args, paths, dry_run, publish, kind, network_organisation_map, user, **options):
        acting_user = None
        if user:
            acting_user = get_user_model().objects.filter(email__iexact=user.strip(), is_active=True).first()
            if acting_user is None:
                raise CommandError(_("No active user with e-mail %(email)s.") % {"email": user})
        network_map = self._network_map(network_organisation_map) if network_organisation_map else {}
        result = importer.import_files(
            paths,
            kind=kind,
            dry_run=dry_run,
            publish=publish,
            acting_user=acting_user,
            network_organisation_map=network_map,
        )
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("%(count)d problem(s) found: nothing was imported.") % {"count": len(result.problems)}
            )
        if dry_run:
            self.stdout.write(_("Dry run, nothing saved: %(summary)s") % {"summary": result.summary()})
        else:
            self.stdout.write(_("Imported: %(summary)s") % {"summary": result.summary()})

    def _network_map(self, path):
        try:
            with open(path, encoding="utf-8") as handle:
                raw = json.load(handle)
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc}) from exc
        if not isinstance(raw, dict):
            raise CommandError(_("%(file)s must hold a JSON object.") % {"file": path})
        out = {}
        for hsds_id, organisation_id in raw.items():
            organisation = (
                Organisation.objects.filter(pk=organisation_id).first()
                if str(organisation_id).isdigit()
                else None
            )
            if organisation is None:
                raise CommandError(
                    _("No network organisation with id %(id)s (for %(hsds)s).")
                    % {"id": organisation_id, "hsds": hsds_id}
                )
            out[str(hsds_id)] = organisation
        return out
