"""Exports of monitoring: the indicator tables as CSV and XLSX, and the FAMI quarterly monitoring workbook.

The indicator tables are the dashboard's numbers (`report.compute_all`), exact or controlled. The workbook
lists the people behind the figures of the quarter (participants behind O.2.3, operators trained,
activities held, vulnerabilities), under pseudonymous IDs unless the role may see names. Every query is
set-based: the number of queries does not depend on the number of people (no query per row).

The filters of the exports and of `manage.py indicators` are parsed here (`parse_filters`), so a bad
value is a clear message, never a crash.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, Sum, Value
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from activities.exports import safe_cell, sheet_title
from activities.models import (
    HOLDS_PLACE,
    Activity,
    ActivityKind,
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    Audience,
    Enrolment,
    Session,
    TrainingTopic,
)
from core.scoping import VIEW, active_membership
from monitoring.computations import REGISTRY, _attendance, _mediations
from monitoring.engine import Scope, subject_ids_sql
from monitoring.models import AgeBand, Breakdown, Indicator, project_period
from monitoring.report import Result, pseudonym, spec_for
from network.models import Organisation, OrganisationKind
from paths.models import Action, ServiceRecord, ServiceType
from people.actions import _client_ip
from people.models import (
    Consent,
    ConsentPurpose,
    EducationLevel,
    EmploymentStatus,
    Participant,
    ParticipantAccessLog,
    PermitReason,
    Sex,
    TargetGroup,
    VulnerabilityFlag,
    VulnerabilityKind,
    age_on,
    target_group_q,
)
from territory.models import Country, Municipality, Province

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CSV_DELIMITER = ";"  # what Excel expects with Italian regional settings (the comma is the decimal mark)
CHUNK = 2000
ACCESS_LOG_CHANNEL = "export"


# --- filters -------------------------------------------------------------------------------------------------


class FilterError(ValueError):
    """A filter that cannot be used; the message says why, in the active language."""


@dataclass
class Filters:
    start: datetime.date
    end: datetime.date
    province: object = None
    municipality: object = None
    organisation: object = None
    organisation_kind: str = ""
    action: str = ""
    by: list[str] = field(default_factory=list)
    indicators: list[Indicator] | None = None  # None: every active indicator

    @property
    def scope(self) -> Scope:
        return Scope(
            self.start,
            self.end,
            province_id=self.province.pk if self.province else None,
            municipality_id=self.municipality.pk if self.municipality else None,
            organisation_id=self.organisation.pk if self.organisation else None,
            organisation_kind=self.organisation_kind,
            action=self.action,
        )


def preset_period(value: str, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The dashboard's preset periods: "year" (this calendar year, the default), "last-year", "project",
    "YYYY-qN" (a quarter). Raises FilterError."""
    today = today or timezone.localdate()
    if value in ("", "year"):
        return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    if value == "last-year":
        return datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)
    if value == "project":
        return project_period()
    year, _sep, quarter = value.partition("-q")
    if year.isdigit() and 2000 <= int(year) <= 2100 and quarter in ("1", "2", "3", "4"):
        return quarter_period(int(year), int(quarter))
    raise FilterError(_("Unknown period “%(value)s”.") % {"value": value})


def parse_filters(data: dict, *, place_codes: bool = False) -> Filters:
    """Filters from text values: `from`, `to` (ISO dates; or `period`, a preset of the dashboard, this year
    by default), `province`, `municipality`, `organisation`, `organisation_kind`, `action`, `by` (comma list)
    and `code` (comma list of indicator codes).

    Places are given by id (`place_codes=False`, the web forms) or, for the command line, by ISTAT code,
    abbreviation (provinces) or name. Raises FilterError."""
    text = {key: str(value or "").strip() for key, value in data.items()}
    period = text.get("period", "")
    if period == "custom" or (not period and (text.get("from") or text.get("to"))):
        if not (text.get("from") and text.get("to")):
            raise FilterError(_("For another period, give both the first and the last day."))
        start, end = _date(text["from"]), _date(text["to"])
    else:
        start, end = preset_period(period)
    if start > end:
        raise FilterError(_("The start date cannot be after the end date."))
    filters = Filters(start, end)
    if text.get("province"):
        filters.province = _province(text["province"], place_codes)
    if text.get("municipality"):
        filters.municipality = _municipality(text["municipality"], place_codes)
        if filters.province and filters.municipality.province_id != filters.province.pk:
            raise FilterError(
                _("%(municipality)s is not in the province of %(province)s.")
                % {"municipality": filters.municipality.name, "province": filters.province.name}
            )
    if text.get("organisation"):
        value = text["organisation"]
        filters.organisation = Organisation.objects.filter(pk=int(value)).first() if value.isdigit() else None
        if filters.organisation is None:
            raise FilterError(_("There is no organisation with id “%(value)s”.") % {"value": value})
    if text.get("organisation_kind"):
        if text["organisation_kind"] not in OrganisationKind.values:
            raise FilterError(
                _("Unknown organisation type “%(value)s”: use one of %(choices)s.")
                % {"value": text["organisation_kind"], "choices": ", ".join(OrganisationKind.values)}
            )
        filters.organisation_kind = text["organisation_kind"]
    if text.get("action"):
        if text["action"] not in Action.values:
            raise FilterError(
                _("Unknown action “%(value)s”: use one of %(choices)s.")
                % {"value": text["action"], "choices": ", ".join(Action.values)}
            )
        filters.action = text["action"]
    filters.by = _listed(text.get("by", ""))
    unknown = [b for b in filters.by if b not in Breakdown.values]
    if unknown:
        raise FilterError(
            _("Unknown breakdown %(values)s: use one of %(choices)s.")
            % {"values": ", ".join(unknown), "choices": ", ".join(Breakdown.values)}
        )
    codes = _listed(text.get("code", ""))
    if codes:
        found = {i.code.upper(): i for i in Indicator.objects.filter(is_active=True)}
        unknown = [c for c in codes if c.upper() not in found]
        if unknown:
            raise FilterError(
                _("Unknown or inactive indicator code %(values)s.") % {"values": ", ".join(unknown)}
            )
        filters.indicators = [found[c.upper()] for c in codes]
    return filters


def _listed(value: str) -> list[str]:
    items = [item.strip() for item in value.split(",")]
    return list(dict.fromkeys(item for item in items if item))


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise FilterError(
            _("“%(value)s” is not a valid date: write it as YYYY-MM-DD.") % {"value": value}
        ) from None


def _province(value: str, codes: bool):

    if value.isdigit():
        found = Province.objects.filter(**({"istat_code": value.zfill(3)} if codes else {"pk": int(value)}))
    elif codes:
        found = Province.objects.filter(Q(abbreviation__iexact=value) | Q(name__iexact=value))
    else:
        found = Province.objects.none()
    found = list(found[:2])
    if len(found) != 1:
        raise FilterError(_("Unknown province “%(value)s”.") % {"value": value})
    return found[0]


def _municipality(value: str, codes: bool):

    if value.isdigit():
        lookup = {"istat_code": value.zfill(6)} if codes else {"pk": int(value)}
        found = Municipality.objects.filter(**lookup)
    elif codes:
        found = Municipality.objects.filter(name__iexact=value)
    else:
        found = Municipality.objects.none()
    found = list(found.select_related("province")[:5])
    if not found:
        raise FilterError(_("Unknown municipality “%(value)s”.") % {"value": value})
    if len(found) > 1:
        raise FilterError(
            _("More than one municipality is called “%(value)s” (%(places)s): give its ISTAT code.")
            % {"value": value, "places": ", ".join(f"{m.name} ({m.province.abbreviation})" for m in found)}
        )
    return found[0]


def quarter_period(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, 3 * quarter - 2, 1)
    after = datetime.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return first, after - datetime.timedelta(days=1)


def parse_quarter(data: dict, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """`year` and `quarter` (1-4) to the quarter's dates; without them, the last quarter that has ended."""
    year, quarter = str(data.get("year") or "").strip(), str(data.get("quarter") or "").strip()
    if not year and not quarter:
        today = today or timezone.localdate()
        start, _end = quarter_period(today.year, (today.month - 1) // 3 + 1)
        return quarter_period(*_previous(start))
    if not (year.isdigit() and 2000 <= int(year) <= 2100):
        raise FilterError(_("“%(value)s” is not a valid year.") % {"value": year})
    if quarter not in ("1", "2", "3", "4"):
        raise FilterError(_("The quarter must be 1, 2, 3 or 4."))
    return quarter_period(int(year), int(quarter))


def _previous(first_day: datetime.date) -> tuple[int, int]:
    day = first_day - datetime.timedelta(days=1)
    return day.year, (day.month - 1) // 3 + 1


# --- indicator tables ----------------------------------------------------------------------------------------


def _number(value):
    """Floats to one decimal (shares, medians, hours), integral values as integers; text passes."""
    if isinstance(value, float):
        value = round(value, 1)
        return int(value) if value.is_integer() else value
    return value


def progress_and_forecast(result: Result) -> tuple:
    """Progress (%) and forecast as they may be shown (for controlled output `report` has already derived
    them from the controlled count so far, decision 0010)."""
    return result.progress_project, result.forecast_project


def indicator_table_rows(results: list[Result]) -> list[dict]:
    """One row per indicator (dimension "") and one per breakdown cell, in the dashboard's order; values as
    shown (exact, or controlled: "<5", multiples of 5, "—" for hidden)."""
    dimensions = dict(Breakdown.choices)
    rows = []
    for result in results:
        indicator = result.indicator
        progress, forecast = progress_and_forecast(result)
        common = {
            "code": indicator.code,
            "indicator": indicator.name,
            "kind": indicator.get_kind_display(),
            "unit": indicator.get_unit_display(),
        }
        rows.append(
            {
                **common,
                "dimension": "",
                "dimension_label": "",
                "key": "",
                "label": _("Total"),
                "value": _number(result.shown),
                "target_project": _number(result.target_project),
                "target_year": _number(result.target_year),
                "progress": _number(progress),
                "forecast": _number(forecast),
            }
        )
        for dimension, cells in result.breakdowns.items():
            for cell in cells:
                rows.append(
                    {
                        **common,
                        "dimension": dimension,
                        "dimension_label": str(dimensions.get(dimension, dimension)),
                        "key": cell.key,
                        "label": str(cell.label),
                        "value": _number(cell.shown),
                        "target_project": None,
                        "target_year": None,
                        "progress": None,
                        "forecast": None,
                    }
                )
    return rows


def _table_columns() -> list[tuple[str, str, int]]:
    """(row key, header, width) of the long table (CSV)."""
    return [
        ("code", _("Code"), 10),
        ("indicator", _("Indicator"), 60),
        ("unit", _("Unit"), 14),
        ("dimension_label", _("Breakdown"), 18),
        ("key", _("Key"), 12),
        ("label", _("Category"), 30),
        ("value", _("Value"), 12),
        ("target_project", _("Project target"), 14),
        ("target_year", _("Target for the year"), 14),
        ("progress", _("Progress towards the project target (%)"), 16),
        ("forecast", _("Forecast at the end of the project"), 16),
    ]


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return str(safe_cell(value))


def to_csv(results: list[Result], *, bom: bool = True) -> str:
    """The indicator tables as one long CSV table: `;` separated, decimal comma, CRLF, UTF-8 with a BOM
    (so that Excel with Italian settings opens it as it is)."""
    columns = _table_columns()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([header for _key, header, _width in columns])
    for row in indicator_table_rows(results):
        writer.writerow([_csv_text(row[key]) for key, _header, _width in columns])
    return ("\ufeff" if bom else "") + buffer.getvalue()


def to_xlsx(results: list[Result]) -> bytes:
    """The indicator tables as a workbook: "Indicators" (totals, targets, progress, forecast), one sheet per
    breakdown present, and "Notes" (period, filters, when, exact or controlled, counting rules)."""
    workbook = _workbook()
    rows = indicator_table_rows(results)
    year = results[0].scope.end.year if results else timezone.localdate().year
    totals = _sheet(
        workbook,
        _("Indicators"),
        [
            (_("Code"), 10),
            (_("Indicator"), 60),
            (_("Kind"), 10),
            (_("Unit"), 14),
            (_("Value"), 12),
            (_("Project target"), 14),
            (_("Target for %(year)s") % {"year": year}, 14),
            (_("Progress towards the project target (%)"), 16),
            (_("Forecast at the end of the project"), 16),
        ],
    )
    by_dimension: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row["dimension"]:
            by_dimension[row["dimension"]].append(row)
            continue
        totals.append(
            _cells(
                [
                    row["code"],
                    row["indicator"],
                    row["kind"],
                    row["unit"],
                    row["value"],
                    row["target_project"],
                    row["target_year"],
                    row["progress"],
                    row["forecast"],
                ]
            )
        )
    for dimension_rows in by_dimension.values():
        sheet = _sheet(
            workbook,
            dimension_rows[0]["dimension_label"],
            [(_("Code"), 10), (_("Indicator"), 60), (_("Key"), 12), (_("Category"), 30), (_("Value"), 12)],
        )
        for row in dimension_rows:
            sheet.append(_cells([row["code"], row["indicator"], row["key"], row["label"], row["value"]]))
    notes = _sheet(workbook, _("Notes"), [(_("Item"), 32), (_("Value"), 100)], freeze="A2")
    controlled = bool(results) and results[0].controlled
    for label, value in [
        *(describe_scope(results[0].scope) if results else []),
        (_("Generated on"), _now()),
        (
            _("Figures"),
            _(
                "Controlled (disclosure control, decision 0010): counts of 1 to 4 shown as “<5”, other counts "
                "rounded to a multiple of 5; “—” = not shown."
            )
            if controlled
            else _("Exact."),
        ),
    ]:
        notes.append(_cells([label, value]))
    notes.append([])
    notes.append(_cells([_("Code"), _("Counting rule")], bold=notes))
    for result in results:
        notes.append(_cells([result.indicator.code, result.indicator.rule]))
    return _save(workbook)


def describe_scope(scope: Scope) -> list[tuple[str, str]]:
    """The period and the filters of a scope, as (label, value) lines."""
    everything = _("All")
    place = everything
    if scope.municipality_id:
        place = str(Municipality.objects.get(pk=scope.municipality_id))
    elif scope.province_id:
        place = str(Province.objects.get(pk=scope.province_id))
    organisation = (
        Organisation.objects.get(pk=scope.organisation_id).name if scope.organisation_id else everything
    )
    return [
        (
            _("Period"),
            f"{date_format(scope.start, 'SHORT_DATE_FORMAT')} – {date_format(scope.end, 'SHORT_DATE_FORMAT')}",
        ),
        (_("Place (residence of participants, seat of organisations)"), place),
        (_("Organisation"), organisation),
        (
            _("Organisation type"),
            str(dict(OrganisationKind.choices).get(scope.organisation_kind, everything)),
        ),
        (_("Action"), str(dict(Action.choices).get(scope.action, everything))),
    ]


# --- workbook helpers ----------------------------------------------------------------------------------------


def _workbook():

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "InterAzioni"
    return workbook


def _sheet(workbook, title: str, columns: list[tuple[str, int]], freeze: str = "A2"):
    """A write-only sheet with a bold, frozen header row and the given column widths."""
    sheet = workbook.create_sheet(sheet_title(title, f"Sheet{len(workbook.worksheets) + 1}"))
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    sheet.append(_cells([header for header, _width in columns], bold=sheet))
    return sheet


def _cells(values: list, bold=None) -> list:
    """Values for a row: formula-like text neutralised; with `bold` (the sheet), bold cells."""
    if bold is None:
        return [safe_cell(value) for value in values]

    font = Font(bold=True)
    cells = []
    for value in values:
        cell = WriteOnlyCell(bold, value=safe_cell(str(value)))
        cell.font = font
        cells.append(cell)
    return cells


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _now() -> datetime.datetime:
    return timezone.localtime().replace(tzinfo=None, microsecond=0)


# --- the quarterly monitoring workbook -----------------------------------------------------------------------


def operator_pseudonym(key: str) -> str:
    """A stable pseudonymous ID for an operator (their account, or their name at their organisation)."""
    digest = salted_hmac("interazioni.monitoring.operator", key, algorithm="sha256").hexdigest()
    return f"O-{digest[:10].upper()}"


def _spec(code: str, computation: str, params: dict, scope: Scope):
    """The spec of the indicator `code` as the Region defined it (the dashboard's), else the computation."""
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is not None and indicator.computation == computation:
        return spec_for(indicator, scope)
    return REGISTRY[computation](params, scope)


def supported_participant_ids(scope: Scope):
    """The participants behind O.2.3 (supported in the period) as a subquery."""
    return subject_ids_sql(_spec("O.2.3", "participants_supported", {}, scope), scope)


def services_withdrawn():
    """Participants whose consent to the processing of their data for services was withdrawn, with no
    consent given again since: they appear only under their pseudonymous ID."""
    given_again = Consent.objects.filter(
        participant_id=OuterRef("participant_id"),
        purpose=ConsentPurpose.SERVICES,
        granted=True,
        withdrawn_at__isnull=True,
        recorded_at__gte=OuterRef("withdrawn_at"),
    )
    withdrawn = Consent.objects.filter(
        participant_id=OuterRef("pk"), purpose=ConsentPurpose.SERVICES, withdrawn_at__isnull=False
    ).exclude(Exists(given_again))
    return Exists(withdrawn)


def _labels(choices) -> dict:
    return {key: str(label) for key, label in choices}


def quarterly_workbook(scope: Scope, *, names: bool, membership) -> bytes:
    """The FAMI quarterly monitoring workbook for the scope (INDICATORS.md section D): "Participants",
    "Operators trained", "Activities", "Vulnerabilities" and "Notes".

    With `names`, participants reached by `membership` (Participant.objects.scope(membership, VIEW)) carry
    their names, codice fiscale and full dates; everybody else, and anybody whose consent for services was
    withdrawn, appears under the pseudonymous ID only. Operators are named only with `names`."""
    workbook = _workbook()
    ids = supported_participant_ids(scope)
    _participants_sheet(workbook, scope, ids, names=names, membership=membership)
    _operators_sheet(workbook, scope, names=names)
    _activities_sheet(workbook, scope)
    _vulnerabilities_sheet(workbook, ids)
    notes = _sheet(workbook, _("Notes"), [(_("Item"), 32), (_("Value"), 100)])
    for label, value in [
        *describe_scope(scope),
        (_("Generated on"), _now()),
        (_("Names"), _("included") if names else _("not included: pseudonymous IDs only")),
        (
            _("Participants"),
            _(
                "Third-country nationals supported in the period (indicator O.2.3): a service recorded, "
                "presence at an activity's session or a completed mediation. Age band on the first day of the "
                "period; services, activities and mediations of the period."
            ),
        ),
        (
            _("Pseudonymous IDs"),
            _(
                "Stable across exports and not reversible without the platform's secret key. People who "
                "withdrew their consent for services appear under their pseudonymous ID only."
            ),
        ),
    ]:
        notes.append(_cells([label, value]))
    return _save(workbook)


def _participants_sheet(workbook, scope: Scope, ids, *, names: bool, membership) -> None:

    countries = {pk: str(c) for pk, c in ((c.pk, c) for c in Country.objects.all())}
    bands = list(AgeBand.objects.all())
    groups = list(TargetGroup)
    sexes, permits = _labels(Sex.choices), _labels(PermitReason.choices)
    education, employment = _labels(EducationLevel.choices), _labels(EmploymentStatus.choices)
    yes_no = {True: _("yes"), False: _("no")}

    citizenships: dict[int, list[str]] = defaultdict(list)
    for participant_id, country_id in (
        Participant.citizenships.through.objects.filter(participant_id__in=ids)
        .values_list("participant_id", "country_id")
        .iterator(chunk_size=CHUNK)
    ):
        citizenships[participant_id].append(countries[country_id])
    services, service_counts = _services_received(scope)
    activities, hours = _activities_attended(scope)
    mediations = _mediations_received(scope)

    in_scope = Q(pk__in=[])
    if names and membership is not None:
        in_scope = Participant.objects.scope_condition(membership, VIEW)
        in_scope = Q(pk__in=[]) if in_scope is None else in_scope
    annotations = {
        f"tg_{group.value}": ExpressionWrapper(
            target_group_q(group, scope.start), output_field=BooleanField()
        )
        for group in groups
    }
    annotations["vulnerable"] = Exists(
        VulnerabilityFlag.objects.filter(participant_id=OuterRef("pk"), is_active=True)
    )
    annotations["withdrawn"] = services_withdrawn()
    annotations["named"] = ExpressionWrapper(in_scope, output_field=BooleanField()) if names else Value(False)
    fields = [
        "pk",
        "sex",
        "birth_date",
        "country_of_birth_id",
        "municipality__name",
        "municipality__province__abbreviation",
        "permit_reason",
        "arrival_date",
        "education_level",
        "employment_status",
        "owner__name",
        *annotations,
    ]
    if names:
        fields += ["first_name", "last_name", "codice_fiscale"]
    columns = [(_("Pseudonymous ID"), 15)]
    if names:
        columns += [
            (_("Last name"), 20),
            (_("First name"), 20),
            (_("Codice fiscale"), 18),
            (_("Birth date"), 12),
        ]
    columns += [
        (_("Sex"), 10),
        (_("Year of birth"), 8),
        (_("Age band"), 9),
        (_("Citizenships"), 24),
        (_("Country of birth"), 20),
        (_("Municipality of residence"), 22),
        (_("Province"), 8),
        (_("Residence permit reason"), 24),
    ]
    if names:
        columns.append((_("Arrival in Italy"), 12))
    columns += [
        (_("Year of arrival"), 8),
        (_("Education level"), 22),
        (_("Employment status"), 22),
        *[(str(group.label), 12) for group in groups],
        (_("Vulnerability recorded"), 12),
        (_("Organisation in charge"), 30),
        (_("Services in the period"), 10),
        (_("Services received"), 50),
        (_("Activities attended"), 50),
        (_("Hours attended in the period"), 10),
        (_("Mediations in the period"), 10),
    ]
    sheet = _sheet(workbook, _("Participants"), columns, freeze="B2")
    rows = (
        Participant.objects.filter(pk__in=ids)
        .annotate(**annotations)
        .order_by("pk")
        .values(*fields)
        .iterator(chunk_size=CHUNK)
    )
    for row in rows:
        pk, born, arrived = row["pk"], row["birth_date"], row["arrival_date"]
        named = names and row["named"] and not row["withdrawn"]
        cells = [pseudonym(pk)]
        if names:
            cells += (
                [row["last_name"], row["first_name"], row["codice_fiscale"], born]
                if named
                else [None, None, None, None]
            )
        cells += [
            sexes.get(row["sex"], row["sex"]),
            born.year,
            _age_band(bands, age_on(born, scope.start)),
            ", ".join(sorted(citizenships.get(pk, []))),
            countries.get(row["country_of_birth_id"], ""),
            row["municipality__name"],
            row["municipality__province__abbreviation"],
            permits.get(row["permit_reason"], ""),
        ]
        if names:
            cells.append(arrived if named else None)
        cells += [
            arrived.year if arrived else None,
            education.get(row["education_level"], ""),
            employment.get(row["employment_status"], ""),
            *[yes_no[bool(row[f"tg_{group.value}"])] for group in groups],  # NULL: no
            yes_no[row["vulnerable"]],
            row["owner__name"],
            service_counts.get(pk, 0),
            "; ".join(services.get(pk, [])) or None,
            "; ".join(activities.get(pk, [])) or None,
            _number(float(hours[pk])) if pk in hours else 0,
            mediations.get(pk, 0),
        ]
        sheet.append(_cells(cells))


def _age_band(bands, age: int) -> str:
    for index, band in enumerate(bands):
        if (index == 0 or age >= band.min_age) and (band.max_age is None or age <= band.max_age):
            return band.label
    return ""


def _services_received(scope: Scope) -> tuple[dict, dict]:
    """Per participant: "Service type (n)" texts and the number of services recorded in the period."""
    types = {t.pk: str(t) for t in ServiceType.objects.all()}
    records = scope.narrow(
        ServiceRecord.objects.filter(date__gte=scope.start, date__lte=scope.end),
        organisation="organisation",
        action="action",
    )
    texts: dict[int, list[str]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    for participant_id, type_id, number in (
        records.order_by("participant_id", "service_type_id")
        .values("participant_id", "service_type_id")
        .annotate(n=Count("pk"))
        .values_list("participant_id", "service_type_id", "n")
        .iterator(chunk_size=CHUNK)
    ):
        texts[participant_id].append(f"{types[type_id]} ({number})")
        counts[participant_id] += number
    return texts, counts


def _activities_attended(scope: Scope) -> tuple[dict, dict]:
    """Per participant: "Title (kind)" of the activities attended in the period, and the hours attended."""
    kinds = _labels(ActivityKind.choices)
    present = (
        _attendance({}, scope)
        .order_by()
        .values("enrolment__participant_id", "session__activity_id")
        .annotate(hours=Sum("hours"))
        .values_list("enrolment__participant_id", "session__activity_id", "hours")
    )
    titles = {
        pk: f"{title} ({kinds.get(kind, kind)})"
        for pk, title, kind in Activity.objects.filter(
            pk__in=_attendance({}, scope).values("session__activity_id")
        ).values_list("pk", "title", "kind")
    }
    texts: dict[int, list[str]] = defaultdict(list)
    hours: dict = defaultdict(int)
    for participant_id, activity_id, attended in present.iterator(chunk_size=CHUNK):
        texts[participant_id].append(titles[activity_id])
        hours[participant_id] += attended or 0
    for values in texts.values():
        values.sort()
    return texts, hours


def _mediations_received(scope: Scope) -> dict:

    if scope.action and scope.action != "01":  # mediation belongs to action 01
        return {}
    return dict(
        _mediations(scope)
        .filter(participant__isnull=False)
        .order_by()
        .values("participant_id")
        .annotate(n=Count("pk"))
        .values_list("participant_id", "n")
    )


def _operators_sheet(workbook, scope: Scope, *, names: bool) -> None:
    """One row per operator enrolment present at a session in the period (the operators behind P1.1)."""
    spec = _spec("P1.1", "operators_trained", {}, scope)
    enrolment_ids = subject_ids_sql(spec, scope, column="m_record")
    attended = {
        enrolment_id: (sessions, hours)
        for enrolment_id, sessions, hours in Attendance.objects.filter(
            enrolment_id__in=enrolment_ids,
            status=AttendanceStatus.PRESENT,
            session__is_cancelled=False,
            session__date__gte=scope.start,
            session__date__lte=scope.end,
        )
        .order_by()
        .values("enrolment_id")
        .annotate(n=Count("session_id", distinct=True), h=Sum("hours"))
        .values_list("enrolment_id", "n", "h")
    }
    topics: dict[int, list[str]] = defaultdict(list)
    for activity_id, title in (
        TrainingTopic.objects.filter(activity__enrolments__in=enrolment_ids)
        .order_by("activity_id", "position", "pk")
        .distinct()
        .values_list("activity_id", "title")
    ):
        topics[activity_id].append(title)
    kinds, org_kinds, actions = (
        _labels(ActivityKind.choices),
        _labels(OrganisationKind.choices),
        _labels(Action.choices),
    )
    columns = [(_("Operator") if names else _("Pseudonymous ID"), 24 if names else 15)]
    if names:
        columns.append((_("Job title"), 20))
    columns += [
        (_("Organisation"), 30),
        (_("Organisation type"), 20),
        (_("Province"), 8),
        (_("Training"), 40),
        (_("Training area"), 24),
        (_("Action"), 14),
        (_("Topics"), 50),
        (_("Sessions attended in the period"), 10),
        (_("Hours attended in the period"), 10),
    ]
    sheet = _sheet(workbook, _("Operators trained"), columns, freeze="B2")
    for row in (
        Enrolment.objects.filter(pk__in=enrolment_ids)
        .order_by("organisation__name", "full_name", "pk")
        .values(
            "pk",
            "user_id",
            "full_name",
            "organisation_id",
            "role_title",
            "organisation__name",
            "organisation__kind",
            "organisation__municipality__province__abbreviation",
            "activity_id",
            "activity__title",
            "activity__kind",
            "activity__action",
        )
        .iterator(chunk_size=CHUNK)
    ):
        key = str(row["user_id"]) if row["user_id"] else f"{row['full_name']}|{row['organisation_id']}"
        sessions, hours = attended.get(row["pk"], (0, 0))
        cells = [row["full_name"] if names else operator_pseudonym(key)]
        if names:
            cells.append(row["role_title"])
        cells += [
            row["organisation__name"],
            org_kinds.get(row["organisation__kind"], ""),
            row["organisation__municipality__province__abbreviation"],
            row["activity__title"],
            kinds.get(row["activity__kind"], row["activity__kind"]),
            actions.get(row["activity__action"], row["activity__action"]),
            "; ".join(topics.get(row["activity_id"], [])) or None,
            sessions,
            _number(float(hours or 0)),
        ]
        sheet.append(_cells(cells))


def _activities_sheet(workbook, scope: Scope) -> None:
    """The activities of every kind with a session held in the period, with head counts of the period."""
    spec = REGISTRY["activities_held"]({"activity_kinds": ActivityKind.values}, scope)
    activity_ids = subject_ids_sql(spec, scope)
    in_period = {"date__gte": scope.start, "date__lte": scope.end, "is_cancelled": False}
    held = {
        pk: (n, h)
        for pk, n, h in Session.objects.filter(activity_id__in=activity_ids, **in_period)
        .order_by()
        .values("activity_id")
        .annotate(n=Count("pk"), h=Sum("hours"))
        .values_list("activity_id", "n", "h")
    }
    enrolled = dict(
        Enrolment.objects.filter(activity_id__in=activity_ids, status__in=HOLDS_PLACE)
        .order_by()
        .values("activity_id")
        .annotate(n=Count("pk"))
        .values_list("activity_id", "n")
    )
    present = dict(
        Attendance.objects.filter(
            session__activity_id__in=activity_ids,
            status=AttendanceStatus.PRESENT,
            **{f"session__{key}": value for key, value in in_period.items()},
        )
        .order_by()
        .values("session__activity_id")
        .annotate(n=Count("enrolment_id", distinct=True))
        .values_list("session__activity_id", "n")
    )
    kinds, actions = _labels(ActivityKind.choices), _labels(Action.choices)
    audiences, statuses = _labels(Audience.choices), _labels(ActivityStatus.choices)
    sheet = _sheet(
        workbook,
        _("Activities"),
        [
            (_("Title"), 40),
            (_("Kind"), 24),
            (_("Action"), 14),
            (_("Organiser"), 30),
            (_("Municipality"), 20),
            (_("Start date"), 12),
            (_("End date"), 12),
            (_("Status"), 14),
            (_("Audience"), 24),
            (_("Sessions held in the period"), 10),
            (_("Hours held in the period"), 10),
            (_("Planned hours"), 10),
            (_("Enrolled"), 10),
            (_("People present in the period"), 10),
        ],
        freeze="B2",
    )
    for row in (
        Activity.objects.filter(pk__in=activity_ids)
        .order_by("start_date", "title", "pk")
        .values(
            "pk",
            "title",
            "kind",
            "action",
            "organiser__name",
            "municipality__name",
            "start_date",
            "end_date",
            "status",
            "audience",
            "planned_hours",
        )
        .iterator(chunk_size=CHUNK)
    ):
        sessions, hours = held.get(row["pk"], (0, 0))
        sheet.append(
            _cells(
                [
                    row["title"],
                    kinds.get(row["kind"], row["kind"]),
                    actions.get(row["action"], row["action"]),
                    row["organiser__name"],
                    row["municipality__name"] or _("Online"),
                    row["start_date"],
                    row["end_date"],
                    statuses.get(row["status"], row["status"]),
                    audiences.get(row["audience"], row["audience"]),
                    sessions,
                    _number(float(hours or 0)),
                    _number(float(row["planned_hours"] or 0)),
                    enrolled.get(row["pk"], 0),
                    present.get(row["pk"], 0),
                ]
            )
        )


def _vulnerabilities_sheet(workbook, ids) -> None:
    """The current vulnerabilities of the participants of the first sheet: never names, never notes."""
    kinds = _labels(VulnerabilityKind.choices)
    sheet = _sheet(
        workbook,
        _("Vulnerabilities"),
        [(_("Pseudonymous ID"), 15), (_("Vulnerability"), 40), (_("Recorded on"), 12)],
    )
    for participant_id, kind, recorded_at in (
        VulnerabilityFlag.objects.filter(participant_id__in=ids, is_active=True)
        .order_by("participant_id", "recorded_at", "pk")
        .values_list("participant_id", "kind", "recorded_at")
        .iterator(chunk_size=CHUNK)
    ):
        sheet.append(
            _cells([pseudonym(participant_id), kinds.get(kind, kind), timezone.localdate(recorded_at)])
        )


def record_workbook_reads(scope: Scope, *, acting_user, request=None) -> int:
    """Record in the participants' access log that the workbook of `scope` carried their records: one row
    per participant, channel "export", written by one INSERT ... SELECT whatever their number."""
    membership = active_membership(acting_user)
    values = {
        "user": acting_user.pk,
        "organisation": membership.organisation_id if membership else None,
        "role": membership.role if membership else "",
        "accessed_at": timezone.now(),
        "ip_address": _client_ip(request) if request is not None else None,
        "channel": ACCESS_LOG_CHANNEL,
        "path": request.get_full_path()[:300] if request is not None else "",
    }
    fields = [ParticipantAccessLog._meta.get_field(name) for name in values]
    constants = [field.get_db_prep_save(values[field.name], connection) for field in fields]
    columns = [field.column for field in fields] + [
        ParticipantAccessLog._meta.get_field("participant").column
    ]
    ids = Participant.objects.filter(pk__in=supported_participant_ids(scope)).order_by().values_list("pk")
    ids_sql, ids_params = ids.query.sql_with_params()
    quote = connection.ops.quote_name
    statement = (
        f"INSERT INTO {quote(ParticipantAccessLog._meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
        f"SELECT {', '.join(['%s'] * len(constants))}, ids.* FROM ({ids_sql}) ids"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*constants, *ids_params])
        return cursor.rowcount


def filename(prefix: str, scope: Scope, extension: str) -> str:
    return f"{prefix}_{scope.start.isoformat()}_{scope.end.isoformat()}.{extension}"
