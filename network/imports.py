"""Imports of partner organisations and of agreements from a spreadsheet (see core.imports and
docs/import.md)."""

from __future__ import annotations

import datetime

from codicefiscale import codicefiscale
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports import (
    HELP_MUNICIPALITY_ISTAT,
    LIST_SEPARATORS,
    CellError,
    Column,
    ImportContext,
    ImportKind,
    RowData,
    cell_text,
    choice,
    language_sheet,
    municipality_sheet,
    parse_boolean,
    parse_date,
    parse_email,
    parse_languages,
    parse_municipality,
    parse_url,
    register,
    text,
)
from core.scoping import VIEW, require_permission
from network.actions import FIRST_DAY, LAST_DAY
from network.models import (
    NEEDS_APPROVAL,
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    Approval,
    NetworkStatus,
    Organisation,
    OrganisationKind,
    PartyRole,
    Sector,
)
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
    "sectors",
    "network_status",
    "joined_on",
    "left_on",
    "reference_person",
    "reference_contact",
)
ACTION_CODES = ("01", "02", "03")
# Party roles as they may be written in the "other parties" cell (Italian and English).
ROLE_WORDS = {
    "lead": PartyRole.LEAD,
    "capofila": PartyRole.LEAD,
    "partner": PartyRole.PARTNER,
    "adherent": PartyRole.ADHERENT,
    "aderente": PartyRole.ADHERENT,
    "supporter": PartyRole.SUPPORTER,
    "sostenitore": PartyRole.SUPPORTER,
    "sostenitrice": PartyRole.SUPPORTER,
}


@transaction.atomic
def import_organisations(*, acting_user, rows: list[dict]) -> list[Organisation]:
    """Create organisations from validated rows, all or none (regional coordinators only).

    Only the Region imports, so a migrant association or informal group it imports is approved by that act
    (as when it creates one in the workspace); other kinds need no approval."""
    require_permission(acting_user, "organisation.import")
    now = timezone.now()
    created = []
    for data in rows:
        fields = {k: v for k, v in data.items() if k in ORGANISATION_FIELDS and v is not None}
        if fields.get("kind") in NEEDS_APPROVAL:
            fields.update(approval=Approval.APPROVED, approved_by=acting_user, approved_at=now)
        organisation = Organisation.objects.create(**fields)
        if data.get("provinces_served"):
            organisation.provinces_served.set(data["provinces_served"])
        if data.get("languages_offered"):
            organisation.languages_offered.set(data["languages_offered"])
        created.append(organisation)
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


def _codes(value) -> list[str]:
    return [code for code in LIST_SEPARATORS.split(cell_text(value).lower()) if code]


def parse_sectors(value, ctx) -> list[str]:
    codes, unknown = [], []
    for code in _codes(value):
        if code not in Sector.values:
            unknown.append(code)
        elif code not in codes:
            codes.append(code)
    if unknown:
        raise CellError(
            _("Unknown sector %(codes)s: use %(allowed)s, separated by ';'.")
            % {"codes": ", ".join(unknown), "allowed": ", ".join(Sector.values)}
        )
    return codes


def parse_provinces(value, ctx) -> list:
    from territory.models import Province

    provinces = ctx.cached("provinces", lambda: {p.abbreviation.lower(): p for p in Province.objects.all()})
    result, unknown = [], []
    for code in _codes(value):
        if code not in provinces:
            unknown.append(code.upper())
        elif provinces[code] not in result:
            result.append(provinces[code])
    if unknown:
        raise CellError(
            _(
                "Unknown province %(codes)s: use the two-letter abbreviations (NA, CE, SA, AV, BN) separated by ';'."
            )
            % {"codes": ", ".join(unknown)}
        )
    return result


def parse_actions(value, ctx) -> list[str]:
    result, unknown = [], []
    for code in LIST_SEPARATORS.split(cell_text(value)):
        if not code:
            continue
        code = code.zfill(2) if code.isdigit() else code
        if code not in ACTION_CODES:
            unknown.append(code)
        elif code not in result:
            result.append(code)
    if unknown:
        raise CellError(
            _("Unknown action %(codes)s: use 01, 02, 03 separated by ';'.") % {"codes": ", ".join(unknown)}
        )
    return sorted(result)


def not_future_date(value, ctx) -> datetime.date:
    day = parse_date(value, ctx)
    if day > ctx.today:
        raise CellError(_("The date %(date)s is in the future.") % {"date": day.strftime("%d/%m/%Y")})
    return day


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
        gettext_lazy(
            "Migrant associations and informal groups imported by the Region are recorded as approved by it. "
            "An informal group needs a reference person and their contact."
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
        Column(
            "sectors",
            gettext_lazy("Sectors"),
            parser=parse_sectors,
            default=list,
            format="list",
            help=gettext_lazy(
                "Codes separated by ';': social, labour, education, health, housing, legal, culture."
            ),
            width=24,
        ),
        Column(
            "provinces_served",
            gettext_lazy("Provinces served"),
            parser=parse_provinces,
            default=list,
            format="list",
            help=gettext_lazy("Province abbreviations separated by ';', e.g. NA;CE."),
        ),
        Column(
            "network_status",
            gettext_lazy("Status in the network"),
            parser=choice(NetworkStatus.choices),
            choices=NetworkStatus.choices,
            default=None,
            help=gettext_lazy("Empty means active."),
        ),
        Column(
            "joined_on",
            gettext_lazy("Joined the network on"),
            parser=not_future_date,
            format="date",
            help=gettext_lazy("Empty: today, for an active member."),
        ),
        Column(
            "left_on",
            gettext_lazy("Left the network on"),
            parser=not_future_date,
            format="date",
            help=gettext_lazy("Only for status left; empty: today."),
        ),
        Column(
            "languages_offered",
            gettext_lazy("Languages offered"),
            parser=parse_languages,
            default=list,
            format="list",
            help=gettext_lazy(
                "ISO 639-3 codes separated by ';', e.g. ara;fra;ukr (see the Languages sheet)."
            ),
        ),
        Column(
            "reference_person",
            gettext_lazy("Reference person"),
            parser=text(120),
            default="",
            help=gettext_lazy("Required for an informal group, which has no legal identity."),
            width=24,
        ),
        Column(
            "reference_contact",
            gettext_lazy("Reference person's contact"),
            parser=text(120),
            default="",
            help=gettext_lazy("Phone or e-mail of the reference person (informal groups)."),
            width=24,
        ),
    ]

    def clean_row(self, row: RowData, ctx: ImportContext) -> None:
        values = row.values
        code = values.get("tax_code")
        if code:
            message = tax_code_error(code)
            if message:
                row.add_error("tax_code", message)
        status = values.get("network_status") or NetworkStatus.ACTIVE
        values["network_status"] = status
        if status == NetworkStatus.ACTIVE and row.ok("joined_on") and values.get("joined_on") is None:
            values["joined_on"] = ctx.today
        if values.get("left_on") is not None and status != NetworkStatus.LEFT:
            row.add_error(
                "left_on", _("A date of leaving is only for an organisation that left the network.")
            )
        if status == NetworkStatus.LEFT and row.ok("left_on"):
            values["left_on"] = values.get("left_on") or ctx.today
            joined = values.get("joined_on")
            if joined and values["left_on"] < joined:
                row.add_error("left_on", _("The date of leaving comes before the date of joining."))
        if values.get("kind") == OrganisationKind.INFORMAL_GROUP:
            if not values.get("reference_person"):
                row.add_error("reference_person", _("An informal group needs a reference person."))
            if not values.get("reference_contact"):
                row.add_error(
                    "reference_contact", _("Give a phone number or e-mail of the reference person.")
                )

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
        return [municipality_sheet(), language_sheet()]


# --- Agreements ----------------------------------------------------------------------------------------------


class OrganisationFinder:
    """Organisations named in a file, by tax code or by exact name (case and spaces do not matter), looked
    up with one query for the whole file among the organisations the user sees."""

    def __init__(self, ctx: ImportContext):
        self.by_code: dict[str, list[Organisation]] = {}
        self.by_name: dict[str, list[Organisation]] = {}
        organisations = Organisation.objects.visible_to(ctx.user, VIEW).only("pk", "name", "tax_code")
        for organisation in organisations:
            if organisation.tax_code:
                self.by_code.setdefault(organisation.tax_code.upper(), []).append(organisation)
            self.by_name.setdefault(self.key(organisation.name), []).append(organisation)

    @staticmethod
    def key(name: str) -> str:
        return " ".join(name.split()).casefold()

    def knows(self, reference: str) -> bool:
        reference = " ".join(reference.split())
        return bool(
            self.by_code.get(reference.replace(" ", "").upper()) or self.by_name.get(self.key(reference))
        )

    def find(self, reference: str) -> Organisation:
        reference = " ".join(reference.split())
        code = reference.replace(" ", "").upper()
        found = self.by_code.get(code) or self.by_name.get(self.key(reference)) or []
        if len(found) == 1:
            return found[0]
        if not found:
            raise CellError(
                _("No organisation has the tax code or the exact name %(name)s.") % {"name": reference}
            )
        raise CellError(
            _("More than one organisation is called %(name)s: write its tax code instead.")
            % {"name": reference}
        )


def _finder(ctx: ImportContext) -> OrganisationFinder:
    return ctx.cached("organisation_finder", lambda: OrganisationFinder(ctx))


def parse_organisation(value, ctx) -> Organisation:
    return _finder(ctx).find(cell_text(value))


def parse_parties(value, ctx) -> list[tuple[Organisation, str]]:
    """ "Org A:partner; Org B:adherent": organisations by tax code or exact name, each with an optional role
    after the last ':' (partner when missing)."""
    parties, problems = [], []
    for item in cell_text(value).split(";"):
        item = item.strip()
        if not item:
            continue
        reference, role = item, PartyRole.PARTNER
        if ":" in item:
            name, word = (part.strip() for part in item.rsplit(":", 1))
            if word.casefold() in ROLE_WORDS:
                reference, role = name, ROLE_WORDS[word.casefold()]
            elif not _finder(ctx).knows(item):  # not a name with a colon in it either
                problems.append(
                    _("%(role)s is not a role: write partner, adherent or supporter (or the Italian aderente, "
                      "sostenitore).") % {"role": word}
                )  # fmt: skip
                continue
        try:
            parties.append((_finder(ctx).find(reference), role))
        except CellError as error:
            problems.append(error.message)
    if problems:
        raise CellError(" ".join(problems))
    return parties


STATUS_CHOICES = [
    (AgreementStatus.DRAFT, AgreementStatus.DRAFT.label),
    (AgreementStatus.SIGNED, AgreementStatus.SIGNED.label),
]


@transaction.atomic
def import_agreements(
    *, acting_user, rows: list[dict], today: datetime.date | None = None
) -> list[Agreement]:
    """Create agreements with their parties from validated rows, all or none (regional coordinators only).
    A signed agreement whose validity has already ended is recorded as expired."""
    require_permission(acting_user, "governance.import")
    today = today or timezone.localdate()
    created = []
    for data in rows:
        status = data["status"]
        if status == AgreementStatus.SIGNED and data.get("valid_until") and data["valid_until"] < today:
            status = AgreementStatus.EXPIRED
        agreement = Agreement.objects.create(
            kind=data["kind"],
            title=data["title"],
            description=data.get("description", ""),
            actions=data.get("actions", []),
            objectives=data.get("objectives", ""),
            status=status,
            signed_on=data.get("signed_on"),
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
            created_by=acting_user,
        )
        parties = [(data["lead"], PartyRole.LEAD), *data.get("parties", [])]
        AgreementParty.objects.bulk_create(
            AgreementParty(agreement=agreement, organisation=organisation, role=role)
            for organisation, role in parties
        )
        created.append(agreement)
    return created


@register
class AgreementImport(ImportKind):
    slug = "agreements"
    label = gettext_lazy("Agreements")
    description = gettext_lazy(
        "Agreements between organisations of the network (protocolli d'intesa, lettere di adesione, convenzioni, "
        "accordi di partenariato), one per row, with their parties."
    )
    permission = "governance.import"
    list_url_name = "network:agreement_list"
    notes = [
        gettext_lazy(
            "Organisations are named by tax code or by their exact name as registered. In other_parties write "
            "one organisation after another, separated by ';', each optionally followed by ':' and its role, "
            "e.g. Comune di Caserta:partner; 00123450631:adherent (partner when the role is missing)."
        ),
        gettext_lazy(
            "A signed agreement needs its signing date; a signed agreement whose validity has ended is recorded "
            "as expired."
        ),
    ]
    columns = [
        Column(
            "kind",
            gettext_lazy("Kind"),
            required=True,
            parser=choice(AgreementKind.choices),
            choices=AgreementKind.choices,
            width=14,
        ),
        Column("subject", gettext_lazy("Subject"), required=True, parser=text(250), target="title", width=40),
        Column(
            "status",
            gettext_lazy("Status"),
            parser=choice(STATUS_CHOICES),
            choices=STATUS_CHOICES,
            default=AgreementStatus.DRAFT,
            help=gettext_lazy("draft or signed; empty means draft."),
        ),
        Column("signed_on", gettext_lazy("Signed on"), parser=not_future_date, format="date"),
        Column("valid_from", gettext_lazy("Valid from"), parser=parse_date, format="date"),
        Column(
            "valid_until",
            gettext_lazy("Valid until"),
            parser=parse_date,
            format="date",
            help=gettext_lazy("Empty for an open-ended agreement."),
        ),
        Column(
            "actions",
            gettext_lazy("Actions covered"),
            parser=parse_actions,
            default=list,
            format="list",
            help=gettext_lazy("01 governance, 02 skills, 03 participation; separated by ';'."),
        ),
        Column(
            "lead_organisation",
            gettext_lazy("Lead organisation"),
            required=True,
            parser=parse_organisation,
            target="lead",
            help=gettext_lazy("Tax code or exact name of the lead organisation (capofila)."),
            width=30,
        ),
        Column(
            "other_parties",
            gettext_lazy("Other parties"),
            required=True,
            parser=parse_parties,
            target="parties",
            help=gettext_lazy(
                "Organisations separated by ';', each with its role after ':' (partner, adherent, supporter), "
                "e.g. Comune di Caserta:partner; 00123450631:adherent."
            ),
            width=50,
        ),
        Column("objectives", gettext_lazy("Objectives"), parser=text(2000), default="", width=30),
        Column("description", gettext_lazy("Description"), parser=text(2000), default="", width=30),
    ]

    def clean_row(self, row: RowData, ctx: ImportContext) -> None:
        values = row.values
        status = values.get("status")
        signed_on = values.get("signed_on")
        if row.ok("status", "signed_on"):
            if status == AgreementStatus.SIGNED and signed_on is None:
                row.add_error("signed_on", _("A signed agreement needs its signing date."))
            if status == AgreementStatus.DRAFT and signed_on is not None:
                row.add_error(
                    "signed_on",
                    _("A draft has no signing date: write signed as its status, or remove the date."),
                )
        valid_from, valid_until = values.get("valid_from"), values.get("valid_until")
        for column, day in (
            ("signed_on", signed_on),
            ("valid_from", valid_from),
            ("valid_until", valid_until),
        ):
            if day and not FIRST_DAY <= day <= LAST_DAY:
                row.add_error(
                    column,
                    _("Enter a date between the years %(first)s and %(last)s.")
                    % {"first": 2000, "last": 2100},
                )
        if valid_from and valid_until and valid_until < valid_from:
            row.add_error("valid_until", _("The end of validity comes before its start."))
        if signed_on and valid_until and valid_until < signed_on:
            row.add_error("valid_until", _("The end of validity comes before the signing date."))
        lead, parties = values.get("lead"), values.get("parties")
        if not row.ok("lead_organisation", "other_parties") or lead is None or parties is None:
            return
        if any(role == PartyRole.LEAD for _organisation, role in parties):
            row.add_error(
                "other_parties",
                _("The lead organisation goes in lead_organisation: an agreement has one lead."),
            )
        seen = {lead.pk}
        for organisation, _role in parties:
            if organisation.pk in seen:
                row.add_error(
                    "other_parties",
                    _("%(name)s is named more than once: each organisation is a party only once.")
                    % {"name": organisation.name},
                )
            seen.add(organisation.pk)
        if not parties:
            row.add_error("other_parties", _("An agreement has at least one party besides the lead."))

    def check_rows(self, rows: list[RowData], ctx: ImportContext) -> None:
        """The same kind, subject and lead twice in the file, or already registered, is an error."""
        seen: dict[tuple, int] = {}
        keyed = []
        for row in rows:
            if not row.ok("kind", "subject", "lead_organisation") or row.values.get("lead") is None:
                continue
            key = (row.values["kind"], OrganisationFinder.key(row.values["title"]), row.values["lead"].pk)
            if key in seen:
                row.add_error(
                    "subject",
                    _("Row %(row)s has the same agreement (kind, subject and lead organisation).")
                    % {"row": seen[key]},
                )
                continue
            seen[key] = row.number
            keyed.append((key, row))
        if not keyed:
            return
        lead_ids = {key[2] for key, _row in keyed}
        existing = {
            (kind, OrganisationFinder.key(title), organisation_id)
            for kind, title, organisation_id in AgreementParty.objects.filter(
                role=PartyRole.LEAD, organisation_id__in=lead_ids
            ).values_list("agreement__kind", "agreement__title", "organisation_id")
        }
        for key, row in keyed:
            if key in existing:
                row.add_error(
                    "subject",
                    _("This agreement (same kind, subject and lead organisation) is already registered."),
                )

    def commit_rows(self, rows: list[RowData], ctx: ImportContext) -> int:
        return len(
            import_agreements(acting_user=ctx.user, rows=[row.values for row in rows], today=ctx.today)
        )
