"""Import of partner organisations from a spreadsheet (see core.imports and docs/import.md)."""

from __future__ import annotations

from codicefiscale import codicefiscale
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports import (
    HELP_MUNICIPALITY_ISTAT,
    Column,
    ImportContext,
    ImportKind,
    RowData,
    cell_text,
    choice,
    municipality_sheet,
    parse_boolean,
    parse_email,
    parse_municipality,
    parse_url,
    register,
    text,
)
from core.scoping import require_permission
from network.models import Organisation, OrganisationKind
from people.eligibility import _luhn_like_ok

ORGANISATION_FIELDS = (
    "name",
    "kind",
    "tax_code",
    "municipality",
    "address",
    "email",
    "phone",
    "website",
    "contact_person",
    "migrant_led",
)


@transaction.atomic
def import_organisations(*, acting_user, rows: list[dict]) -> list[Organisation]:
    """Create organisations from validated rows, all or none (regional coordinators only)."""
    require_permission(acting_user, "organisation.import")
    created = []
    for data in rows:
        created.append(
            Organisation.objects.create(**{k: v for k, v in data.items() if k in ORGANISATION_FIELDS})
        )
    return created


def parse_tax_code(value, ctx) -> str:
    return "".join(cell_text(value).split()).upper()


def tax_code_error(code: str) -> str | None:
    if len(code) == 11 and code.isdigit():
        return (
            None if _luhn_like_ok(code) else _("The tax code / VAT number is not valid (wrong check digit).")
        )
    if len(code) == 16:
        return None if codicefiscale.is_valid(code) else _("The codice fiscale is not valid.")
    return _(
        "The tax code must have 11 digits (tax code or VAT number of a body) or be a 16-character codice fiscale."
    )


@register
class OrganisationImport(ImportKind):
    slug = "organisations"
    label = gettext_lazy("Organisations")
    description = gettext_lazy("Partner organisations of the network, one per row.")
    permission = "organisation.import"
    list_url_name = "network:organisation_list"
    notes = [
        gettext_lazy(
            "An organisation with the same name in the same municipality must not already exist: such rows are "
            "reported as errors."
        ),
    ]
    columns = [
        Column("name", gettext_lazy("Name"), required=True, parser=text(200), width=36),
        Column(
            "kind",
            gettext_lazy("Kind"),
            required=True,
            parser=choice(OrganisationKind.choices),
            choices=OrganisationKind.choices,
            width=20,
        ),
        Column(
            "tax_code",
            gettext_lazy("Tax code / VAT number"),
            parser=parse_tax_code,
            help=gettext_lazy("11 digits, or a 16-character codice fiscale."),
            default="",
        ),
        Column(
            "municipality_istat",
            gettext_lazy("Municipality (seat)"),
            required=True,
            parser=parse_municipality,
            help=HELP_MUNICIPALITY_ISTAT,
            target="municipality",
            width=12,
        ),
        Column("address", gettext_lazy("Address"), parser=text(200), default="", width=30),
        Column("email", gettext_lazy("E-mail"), parser=parse_email, default="", width=24),
        Column("phone", gettext_lazy("Phone"), parser=text(40), default=""),
        Column(
            "website",
            gettext_lazy("Website"),
            parser=parse_url,
            help=gettext_lazy("e.g. https://www.example.it"),
            default="",
            width=24,
        ),
        Column("contact_person", gettext_lazy("Contact person"), parser=text(120), default="", width=24),
        Column(
            "migrant_led",
            gettext_lazy("Migrant-led"),
            parser=parse_boolean,
            default=False,
            format="boolean",
            help=gettext_lazy("Led mainly by people with a migrant background."),
        ),
    ]

    def clean_row(self, row: RowData, ctx: ImportContext) -> None:
        code = row.values.get("tax_code")
        if code:
            message = tax_code_error(code)
            if message:
                row.add_error("tax_code", message)

    def check_rows(self, rows: list[RowData], ctx: ImportContext) -> None:
        seen: dict[tuple, int] = {}
        keyed = []
        for row in rows:
            if not row.ok("name", "municipality_istat") or not row.values.get("municipality"):
                continue
            key = (row.values["name"].casefold(), row.values["municipality"].pk)
            if key in seen:
                row.add_error(
                    "name",
                    _("Row %(row)s has an organisation with the same name in the same municipality.")
                    % {"row": seen[key]},
                )
                continue
            seen[key] = row.number
            keyed.append((key, row))
        if not keyed:
            return
        municipality_ids = {key[1] for key, _row in keyed}
        existing = {
            (name.casefold(), municipality_id): name
            for name, municipality_id in Organisation.objects.filter(
                municipality_id__in=municipality_ids
            ).values_list("name", "municipality_id")
        }
        for key, row in keyed:
            if key in existing:
                row.add_error(
                    "name",
                    _(
                        "The organisation %(name)s is already registered in this municipality: remove this row "
                        "from the file."
                    )
                    % {"name": existing[key]},
                )

    def commit_rows(self, rows: list[RowData], ctx: ImportContext) -> int:
        return len(import_organisations(acting_user=ctx.user, rows=[row.values for row in rows]))

    def reference_sheets(self, ctx: ImportContext):
        return [municipality_sheet()]
