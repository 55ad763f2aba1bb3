"""Import of services delivered from a spreadsheet (see core.imports for the framework and docs/import.md)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership
from core.imports import (
    CellError,
    Column,
    ImportContext,
    ImportKind,
    RowData,
    cell_text,
    choice,
    parse_email,
    past_date,
    register,
    text,
)
from paths import actions
from paths.models import Action, ServiceOutcome, ServiceType
from people.imports import parse_codice_fiscale
from people.models import WORK, Participant

MAX_DURATION_MINUTES = 1440
# The largest whole number a cell may hold: ids and counts are 32-bit integers in most databases.
MAX_POSITIVE_INT = 2**31 - 1


def parse_positive_int(value, ctx) -> int:
    raw = cell_text(value)
    # ASCII digits only: str.isdigit() is also true for '²' or '٣', which int() refuses or reads differently.
    if not (raw.isascii() and raw.isdigit()):
        raise CellError(_("%(value)s is not a whole number greater than 0.") % {"value": raw})
    digits = raw.lstrip("0")
    # The length first: int() of thousands of digits is slow (and refused beyond 4,300).
    if len(digits) > len(str(MAX_POSITIVE_INT)) or int(digits or "0") > MAX_POSITIVE_INT:
        raise CellError(_("%(value)s is too big: at most %(max)s.") % {"value": raw, "max": MAX_POSITIVE_INT})
    number = int(digits or "0")
    if number <= 0:
        raise CellError(_("%(value)s is not a whole number greater than 0.") % {"value": raw})
    return number


def parse_duration(value, ctx) -> int:
    minutes = parse_positive_int(value, ctx)
    if minutes > MAX_DURATION_MINUTES:
        raise CellError(_("The duration is at most %(max)s minutes.") % {"max": MAX_DURATION_MINUTES})
    return minutes


def _service_types(ctx) -> dict:
    return ctx.cached(
        "service_types", lambda: {t.code.lower(): t for t in ServiceType.objects.filter(is_active=True)}
    )


def parse_service_type(value, ctx) -> ServiceType:
    code = cell_text(value).lower()
    service_type = _service_types(ctx).get(code)
    if service_type is None:
        raise CellError(
            _("Unknown service type %(code)s: use a code of the Service types sheet.")
            % {"code": cell_text(value)}
        )
    return service_type


def assign_participants(rows: list[RowData], by_id: dict, by_code: dict) -> None:
    """Set each row's "participant" from its participant_id and/or codice_fiscale, given the people the
    importer may reach (by id, and by code: a code can belong to several records), with an error on the
    cell that does not match. Unknown and unreachable people read the same."""
    for row in rows:
        if not row.ok("participant_id", "codice_fiscale"):
            continue
        pk, code = row.values.get("participant_id"), row.values.get("codice_fiscale")
        if not (pk or code):
            continue
        found = by_id.get(pk) if pk else None
        if pk and found is None:
            row.add_error("participant_id", _("No participant you work on has this number."))
            continue
        if code:
            matches = by_code.get(code, [])
            if not matches:
                row.add_error("codice_fiscale", _("No participant you work on has this codice fiscale."))
                continue
            if found is None and len(matches) > 1:
                row.add_error(
                    "codice_fiscale",
                    _("More than one participant has this codice fiscale: use participant_id instead."),
                )
                continue
            if found is not None and found not in matches:
                row.add_error("codice_fiscale", _("The codice fiscale is not that of this participant."))
                continue
            found = found or matches[0]
        row.values["participant"] = found


@register
class ServiceImport(ImportKind):
    slug = "services"
    label = gettext_lazy("Services delivered")
    description = gettext_lazy(
        "Services your organisation delivered to participants you work on, one service per row."
    )
    permission = "service.import"
    list_url_name = "paths:service_list"
    notes = [
        gettext_lazy(
            "Each row names the participant by participant_id (the number in the address of their page) or by "
            "codice fiscale. Only participants your organisation works on are accepted."
        ),
    ]
    columns = [
        Column(
            "participant_id",
            gettext_lazy("Participant number"),
            parser=parse_positive_int,
            help=gettext_lazy("Required unless codice_fiscale is given."),
            width=12,
        ),
        Column(
            "codice_fiscale",
            gettext_lazy("Codice fiscale"),
            parser=parse_codice_fiscale,
            help=gettext_lazy("Required unless participant_id is given."),
            default="",
        ),
        Column(
            "service_type",
            gettext_lazy("Service"),
            required=True,
            parser=parse_service_type,
            help=gettext_lazy("Code of the service type (see the Service types sheet)."),
            width=24,
        ),
        Column("date", gettext_lazy("Date"), required=True, parser=past_date, format="date", width=12),
        Column(
            "duration_minutes",
            gettext_lazy("Duration (minutes)"),
            parser=parse_duration,
            default=30,
            help=gettext_lazy("Empty means 30."),
            width=10,
        ),
        Column(
            "action",
            gettext_lazy("Action"),
            parser=choice(Action.choices),
            choices=Action.choices,
            help=gettext_lazy("Empty means the service type's action."),
            width=8,
        ),
        Column(
            "outcome",
            gettext_lazy("Outcome"),
            parser=choice(ServiceOutcome.choices),
            choices=ServiceOutcome.choices,
            default=ServiceOutcome.DELIVERED,
            help=gettext_lazy("Empty means delivered."),
        ),
        Column("note", gettext_lazy("Note"), parser=text(2000), default="", width=30),
        Column(
            "operator_email",
            gettext_lazy("Operator"),
            parser=parse_email,
            help=gettext_lazy(
                "E-mail of the operator who delivered the service, an active member of your organisation. "
                "Empty means you."
            ),
            width=24,
        ),
    ]

    def clean_row(self, row: RowData, ctx: ImportContext) -> None:
        if row.ok("participant_id", "codice_fiscale") and not (
            row.values.get("participant_id") or row.values.get("codice_fiscale")
        ):
            row.add_error("participant_id", _("Give the participant_id or the codice_fiscale."))

    def check_rows(self, rows: list[RowData], ctx: ImportContext) -> None:
        self._resolve_participants(rows, ctx)
        self._resolve_operators(rows, ctx)

    def _resolve_participants(self, rows: list[RowData], ctx: ImportContext) -> None:
        """Rows must name a participant the user may work on; unknown and out of scope read the same."""
        ids = {r.values["participant_id"] for r in rows if r.values.get("participant_id")}
        codes = {r.values["codice_fiscale"] for r in rows if r.values.get("codice_fiscale")}
        workable = Participant.objects.visible_to(ctx.user, WORK)
        by_id = {p.pk: p for p in workable.filter(pk__in=ids)} if ids else {}
        by_code: dict[str, list[Participant]] = {}
        if codes:
            for p in workable.filter(codice_fiscale__in=codes):
                by_code.setdefault(p.codice_fiscale, []).append(p)
        assign_participants(rows, by_id, by_code)

    def _resolve_operators(self, rows: list[RowData], ctx: ImportContext) -> None:
        emails = {r.values["operator_email"].lower() for r in rows if r.values.get("operator_email")}
        if not emails or ctx.membership is None:
            return
        members = {
            m.user.email.lower(): m.user
            for m in Membership.objects.active()
            .filter(organisation_id=ctx.membership.organisation_id, user__is_active=True)
            .select_related("user")
            if m.user.email.lower() in emails
        }
        for row in rows:
            email = row.values.get("operator_email")
            if not email:
                continue
            operator = members.get(email.lower())
            if operator is None:
                row.add_error(
                    "operator_email",
                    _("%(email)s is not an active member of your organisation.") % {"email": email},
                )
            else:
                row.values["operator"] = operator

    def commit_rows(self, rows: list[RowData], ctx: ImportContext) -> int:
        for row in rows:
            values = row.values
            data = {
                "service_type": values["service_type"],
                "date": values["date"],
                "duration_minutes": values["duration_minutes"],
                "outcome": values["outcome"],
                "note": values["note"],
                "operator": values.get("operator") or ctx.user,
            }
            if values.get("action"):
                data["action"] = values["action"]
            try:
                actions.record_service(values["participant"], acting_user=ctx.user, data=data)
            except Exception as error:
                error.import_row = row.number
                raise
        return len(rows)

    def reference_sheets(self, ctx: ImportContext):
        rows = [
            [t.code, str(t), t.get_default_action_display()]
            for t in ServiceType.objects.filter(is_active=True)
        ]
        return [(_("Service types"), [_("Code"), _("Service"), _("Default action")], rows)]
