"""Import a spreadsheet from the command line, as a given user: `import_data KIND FILE --user EMAIL [--dry-run]`."""

from pathlib import Path

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.imports import RowError, all_kinds, get_kind, run_import
from core.scoping import active_membership, user_can


class Command(BaseCommand):
    help = (
        "Import participants, organisations… from an XLSX or CSV file made from the template, acting as the "
        "user's active membership. Every row is checked first; if any row has an error nothing is saved and the "
        "exit code is 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="Kind of import, e.g. participants, organisations.")
        parser.add_argument("file", help="Path of the .xlsx or .csv file.")
        parser.add_argument("--user", required=True, help="E-mail of the user the import acts as.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and save nothing.")

    def handle(self, *args, kind, file, user, dry_run, **options):
        try:
            import_kind = get_kind(kind)
        except Http404:
            names = ", ".join(k.slug for k in all_kinds())
            raise CommandError(
                _("Unknown kind %(kind)s; available: %(names)s.") % {"kind": kind, "names": names}
            ) from None
        account = get_user_model().objects.filter(email__iexact=user.strip(), is_active=True).first()
        if account is None:
            raise CommandError(_("No active user with e-mail %(email)s.") % {"email": user})
        membership = active_membership(account)
        if membership is None:
            raise CommandError(_("%(email)s has no active membership.") % {"email": user})
        if not user_can(account, import_kind.permission):
            raise CommandError(
                _("%(email)s acts as %(role)s of %(organisation)s and may not import %(kind)s.")
                % {
                    "email": user,
                    "role": membership.get_role_display(),
                    "organisation": membership.organisation,
                    "kind": import_kind.slug,
                }
            )
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(file)s") % {"file": file})
        with path.open("rb") as handle, set_actor(account):
            report = run_import(import_kind, handle, account, dry_run=dry_run)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(format_error(error))
            count = len(report.errors)
            raise CommandError(
                ngettext(
                    "%(count)s error: nothing was imported.", "%(count)s errors: nothing was imported.", count
                )
                % {"count": count},
                returncode=1,
            )
        if dry_run:
            count = len(report.valid_rows)
            message = ngettext(
                "Dry run: %(count)s row would be imported; nothing was saved.",
                "Dry run: %(count)s rows would be imported; nothing was saved.",
                count,
            ) % {"count": count}
            self.stdout.write(message)
        else:
            message = ngettext(
                "%(count)s row imported as %(organisation)s.",
                "%(count)s rows imported as %(organisation)s.",
                report.imported,
            ) % {"count": report.imported, "organisation": membership.organisation}
            self.stdout.write(self.style.SUCCESS(message))


def format_error(error: RowError) -> str:
    """`row N, column X: message` (or the bare message for errors about the whole file)."""
    if error.row is None:
        return str(error.message)
    parts = [f"row {error.row}"]
    if error.column or error.letter:
        column = error.column or error.letter
        if error.column and error.letter:
            column = f"{error.column} ({error.letter})"
        parts.append(f"column {column}")
    return f"{', '.join(parts)}: {error.message}"
