"""Workspace pages of monitoring (namespace `monitoring`, under /area-riservata/monitoraggio/).

- The dashboard: every active indicator for a period, place, organisation and action, grouped by section and
  objective, with targets, progress and forecast; a chart of the progress towards the targets, a monthly
  trend, and the participant indicators by action and by province. Every chart is SVG drawn on the server
  next to a table with the same figures. The same page as PDF.
- One indicator with all its breakdowns, and the drill-down to the records behind a number.
- The indicator definitions (read by everyone who sees the figures; wording and rules edited by the Region)
  and the targets grid.

Who sees what (`monitoring.*` permissions, `core.roles`): the regional coordinator sees exact figures of the
whole network; monitoring officers see the whole network under disclosure control and never a list of
people; an organisation's roles see the exact figures of their own organisation, whatever the query string
asks for. Lists of people need `participant.view` and show only the people in the user's scope; reading
them is logged like opening each person's record.
"""

from __future__ import annotations

import dataclasses
import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import formats, timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from activities.certificates import pdf_from_html, safe_filename
from core.roles import Role, role_can
from core.scoping import VIEW, require_permission
from monitoring import charts, disclosure
from monitoring.engine import PARTICIPANT, Scope, Spec, subject_ids_sql
from monitoring.forms import SCOPE_FIELDS, DashboardFilterForm, IndicatorForm, TargetGridForm
from monitoring.models import AgeBand, Breakdown, Indicator, Unit, project_period
from monitoring.report import Result, compute, compute_all, labeller, pseudonym, spec_for
from network.models import OrganisationKind
from paths.models import Action
from people.actions import log_participant_access
from people.models import (
    Consent,
    ConsentPurpose,
    Participant,
    TargetGroup,
    age_on,
    target_group_q,
    years_before,
)
from territory.models import Country, Municipality

PAGE_SIZE = 25
TREND_DEFAULT = "O.2.3"
COUNT_UNITS = (Unit.PEOPLE, Unit.ORGANISATIONS, Unit.RECORDS, Unit.HOURS)
SECTIONS = {
    "A": gettext_lazy("A. AMIF common indicators (specific objective 2)"),
    "B": gettext_lazy("B. Project indicators"),
}
DISCLOSURE_NOTE = gettext_lazy(
    "Figures under disclosure control: values under 5 are shown as <5, the others are rounded to the nearest 5; "
    "hours, shares and medians resting on fewer than 5 people or records are not shown (—)."
)
# Breakdowns a drill-down follows: by the person's registry data, or by narrowing the scope.
DRILL_BY_PERSON = {Breakdown.SEX, Breakdown.AGE_BAND, Breakdown.CITIZENSHIP, Breakdown.TARGET_GROUP}
DRILL_BY_SCOPE = {
    Breakdown.PROVINCE,
    Breakdown.MUNICIPALITY,
    Breakdown.ORGANISATION,
    Breakdown.ORGANISATION_KIND,
    Breakdown.ACTION,
    Breakdown.MONTH,
}


# --- who, what, where ---------------------------------------------------------------------------------------


@dataclasses.dataclass
class Filters:
    """What every monitoring page works from: the filters, the scope they give and how figures are shown."""

    form: DashboardFilterForm
    scope: Scope
    controlled: bool
    network: bool
    query: str  # the filters as a query string, for links to the other pages


def is_controlled(membership) -> bool:
    """Monitoring officers see figures under disclosure control, everywhere."""
    return membership is not None and membership.role == Role.MONITORING_OFFICER


def _filters(request, trend_indicators=()) -> Filters:
    require_permission(request.user, "monitoring.view")
    membership = request.membership
    network = role_can(membership.role, "monitoring.network")
    form = DashboardFilterForm(request.GET, network=network, trend_indicators=trend_indicators)
    scope = form.scope(None if network else membership.organisation_id)
    query = urlencode([(key, value) for key in SCOPE_FIELDS for value in request.GET.getlist(key) if value])
    return Filters(form, scope, is_controlled(membership), network, query)


def figure(value) -> str:
    """A figure as text: suppressed ones as they are, numbers with the locale's separators."""
    if value is None or value == "":
        return disclosure.HIDDEN
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not value.is_integer():
        return formats.number_format(value, 1, use_l10n=True, force_grouping=True)
    return formats.number_format(int(value), 0, use_l10n=True, force_grouping=True)


def _missing(unit: str):
    """What a breakdown key without rows stands for: none counted, or nothing to average."""
    return 0 if unit in COUNT_UNITS else None


def may_drill(membership, spec: Spec) -> bool:
    """Whether the role may list the records behind an indicator of this spec (any figure of it)."""
    if spec.subject == PARTICIPANT:
        return role_can(membership.role, "participant.view")
    model = spec.subject_model or spec.record_model
    if model is None or model._meta.label_lower not in LISTINGS:
        return False
    return not LISTINGS[model._meta.label_lower].personal or role_can(membership.role, "participant.view")


def shapes(indicators) -> dict[int, Spec]:
    """What each indicator counts (participants or which records) and whether it is a state, for choosing
    tables, charts and drill-downs: its computation's spec, built once per computation (sources unused)."""
    scope = Scope(*project_period())
    built: dict[str, Spec] = {}
    for indicator in indicators:
        if indicator.computation not in built:
            built[indicator.computation] = spec_for(indicator, scope)
    return {indicator.pk: built[indicator.computation] for indicator in indicators}


def scope_text(scope: Scope) -> str:
    """The scope in words (the page's subtitle, the PDF's heading)."""
    from network.models import Organisation
    from territory.models import Province

    parts = [
        _("from %(start)s to %(end)s")
        % {
            "start": formats.date_format(scope.start, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(scope.end, "SHORT_DATE_FORMAT"),
        }
    ]
    if scope.municipality_id:
        parts.append(
            str(Municipality.objects.filter(pk=scope.municipality_id).values_list("name", flat=True).first())
        )
    elif scope.province_id:
        parts.append(str(Province.objects.filter(pk=scope.province_id).first()))
    if scope.organisation_id:
        parts.append(
            str(Organisation.objects.filter(pk=scope.organisation_id).values_list("name", flat=True).first())
        )
    if scope.organisation_kind:
        parts.append(str(OrganisationKind(scope.organisation_kind).label))
    if scope.action:
        parts.append(str(Action(scope.action).label))
    return " · ".join(parts)


# --- controlled progress -------------------------------------------------------------------------------------


# --- dashboard ----------------------------------------------------------------------------------------------


def _row(result: Result, drill: bool, breakdown: str) -> dict:
    progress = result.progress_project
    return {
        "result": result,
        "indicator": result.indicator,
        "value": figure(result.shown),
        "target_year": figure(result.target_year) if result.target_year is not None else "",
        "target_project": figure(result.target_project) if result.target_project is not None else "",
        "progress": progress,
        "progress_text": f"{figure(progress)}%" if progress is not None else "",
        "progress_bar": round(min(progress, 100)) if progress is not None else 0,
        "forecast": figure(result.forecast_project) if result.forecast_project is not None else "",
        "drill": drill and not disclosure.is_suppressed(result.shown),
        "has_breakdown": breakdown in result.breakdowns,
        "cells": [
            {"key": cell.key, "label": cell.label, "value": figure(cell.shown)}
            for cell in result.breakdowns.get(breakdown, [])
        ]
        if breakdown
        else [],
    }


def _grouped(rows: list[dict]) -> list[dict]:
    """Rows by section, then by objective, in the indicators' order."""
    sections: dict = {}
    for row in rows:
        indicator = row["indicator"]
        section = sections.setdefault(
            indicator.section,
            {
                "code": indicator.section,
                "title": SECTIONS.get(indicator.section, indicator.section),
                "objectives": {},
            },
        )
        section["objectives"].setdefault(indicator.objective, []).append(row)
    return [
        {
            **section,
            "objectives": [{"code": code, "rows": items} for code, items in section["objectives"].items()],
        }
        for section in sections.values()
    ]


def _targets_chart(rows: list[dict]) -> dict | None:
    """Progress towards the whole-project target, with where the project should be by now."""
    targeted = [row for row in rows if row["progress"] is not None]
    if not targeted:
        return None
    start, end = project_period()
    today = min(max(timezone.localdate(), start), end)
    expected = round(100 * ((today - start).days + 1) / ((end - start).days + 1))
    chart = charts.bar_chart(
        [
            {"label": row["indicator"].code, "value": row["progress"], "text": row["progress_text"]}
            for row in targeted
        ],
        scale_max=100,
        markers=[
            {"value": 100, "label": _("target")},
            {"value": expected, "label": _("time elapsed %(percent)s%%") % {"percent": expected}},
        ],
    )
    chart["expected"] = expected
    return chart


def _trend(view: Filters, indicator: Indicator | None, result: Result | None) -> dict | None:
    """The indicator by month over the period (months without records count 0), as chart and table."""
    if indicator is None:
        return None
    if result is None or Breakdown.MONTH not in result.breakdowns:
        result = compute(
            indicator, view.scope, [Breakdown.MONTH], controlled=view.controlled, with_targets=False
        )
    by_month = {cell.key: cell for cell in result.breakdowns.get(Breakdown.MONTH, [])}
    rows = []
    for key in charts.months(view.scope.start, view.scope.end):
        cell = by_month.get(key)
        shown = cell.shown if cell else _missing(indicator.unit)
        month = datetime.date(int(key[:4]), int(key[5:]), 1)
        rows.append(
            {
                "key": key,
                "label": formats.date_format(month, "F Y"),
                "short": formats.date_format(month, "M y"),
                "value": shown,
                "text": figure(shown),
            }
        )
    return {"indicator": indicator, "chart": charts.column_chart(rows), "rows": rows}


def _matrix(rows: list[dict], dimension: str, columns: list[tuple[str, str]] | None = None) -> dict:
    """A table of the participant indicators by one dimension (action, province): indicators as rows."""
    if columns is None:
        keys: dict[str, str] = {}
        for row in rows:
            for cell in row["result"].breakdowns.get(dimension, []):
                keys.setdefault(cell.key, str(cell.label))
        columns = sorted(keys.items(), key=lambda item: (item[0] == "", item[1]))
    lines = []
    for row in rows:
        cells = {cell.key: cell.shown for cell in row["result"].breakdowns.get(dimension, [])}
        lines.append(
            {
                "indicator": row["indicator"],
                "value": row["value"],
                "cells": [figure(cells.get(key, _missing(row["indicator"].unit))) for key, _label in columns],
            }
        )
    return {"columns": columns, "rows": lines}


def dashboard_context(request) -> dict:
    indicators = list(Indicator.objects.filter(is_active=True))
    specs = shapes(indicators)
    trend_indicators = [
        i for i in indicators if Breakdown.MONTH in (i.breakdowns or []) and not specs[i.pk].snapshot
    ]
    view = _filters(request, trend_indicators)
    breakdown = view.form.value("breakdown")
    by = [breakdown] if breakdown else []
    people = [i for i in indicators if specs[i.pk].subject == PARTICIPANT]
    others = [i for i in indicators if specs[i.pk].subject != PARTICIPANT]
    # One pass over the indicators; the participant ones also by action and province, for the tables below.
    results = {
        r.indicator.pk: r
        for r in [
            *compute_all(
                view.scope,
                [*by, Breakdown.ACTION, Breakdown.PROVINCE],
                controlled=view.controlled,
                indicators=people,
            ),
            *compute_all(view.scope, by, controlled=view.controlled, indicators=others),
        ]
    }
    rows = [_row(results[i.pk], may_drill(request.membership, specs[i.pk]), breakdown) for i in indicators]
    people_rows = [row for row in rows if row["indicator"] in people]
    trend_code = view.form.value("trend") or TREND_DEFAULT
    trend_indicator = next((i for i in trend_indicators if i.code == trend_code), None) or next(
        iter(trend_indicators), None
    )
    return {
        "view": view,
        "form": view.form,
        "scope_text": scope_text(view.scope),
        "breakdown": breakdown,
        "breakdown_label": Breakdown(breakdown).label if breakdown else "",
        "sections": _grouped(rows),
        "targets_chart": _targets_chart(rows),
        "targeted_rows": [row for row in rows if row["progress"] is not None],
        "trend": _trend(view, trend_indicator, results.get(trend_indicator.pk) if trend_indicator else None),
        "by_action": _matrix(people_rows, Breakdown.ACTION, [(a.value, str(a.label)) for a in Action]),
        "by_province": _matrix(people_rows, Breakdown.PROVINCE),
        "query": view.query,
        "full_query": request.GET.urlencode(),
        "generated_at": timezone.localtime(),
        "disclosure_note": DISCLOSURE_NOTE,
    }


@login_required
@require_GET
def dashboard(request):
    return render(request, "monitoring/dashboard.html", dashboard_context(request))


@login_required
@require_GET
def dashboard_pdf(request):
    context = dashboard_context(request)
    html = render_to_string("monitoring/dashboard_pdf.html", context, request=request)
    scope = context["view"].scope
    response = HttpResponse(pdf_from_html(html), content_type="application/pdf")
    filename = safe_filename("monitoraggio", scope.start.isoformat(), scope.end.isoformat(), extension="pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


# --- one indicator ------------------------------------------------------------------------------------------


def _indicator(code: str) -> Indicator:
    return get_object_or_404(Indicator, code=code)


@login_required
@require_GET
def indicator_detail(request, code):
    view = _filters(request)
    indicator = _indicator(code)
    result = compute(indicator, view.scope, indicator.breakdowns or [], controlled=view.controlled)
    spec = shapes([indicator])[indicator.pk]
    drill = may_drill(request.membership, spec)
    tables = []
    for dimension, cells in result.breakdowns.items():
        drillable = drill and (
            dimension in DRILL_BY_SCOPE or (dimension in DRILL_BY_PERSON and spec.subject == PARTICIPANT)
        )
        tables.append(
            {
                "dimension": dimension,
                "label": Breakdown(dimension).label,
                "cells": [
                    {
                        "key": cell.key,
                        "label": cell.label,
                        "value": figure(cell.shown),
                        "drill": urlencode({"by": dimension, "key": cell.key})
                        if drillable
                        and cell.key != ""
                        and cell.contributors
                        and not disclosure.is_suppressed(cell.shown)
                        else "",
                    }
                    for cell in cells
                ],
            }
        )
    return render(
        request,
        "monitoring/indicator_detail.html",
        {
            "view": view,
            "form": view.form,
            "indicator": indicator,
            "row": _row(result, drill, ""),
            "scope_text": scope_text(view.scope),
            "tables": tables,
            "trend": _trend(view, indicator, result) if Breakdown.MONTH in result.breakdowns else None,
            "disclosure_note": DISCLOSURE_NOTE,
            "query": view.query,
        },
    )


# --- drill-down ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Listing:
    """How the records of a model are listed: related rows, the date and organisation shown, and whether
    the list is about people (then it needs `participant.view`)."""

    related: tuple[str, ...]
    date: str
    organisation: str = ""
    personal: bool = False


LISTINGS = {
    "activities.activity": Listing(("organiser",), "start_date", "organiser"),
    "network.meeting": Listing(("table__coordinator",), "starts_at", "table.coordinator"),
    "network.organisation": Listing(("municipality",), "joined_on"),
    "network.agreement": Listing((), "signed_on"),
    "paths.referral": Listing(
        ("from_organisation", "to_organisation", "service_type"), "sent_at", "from_organisation", True
    ),
    "paths.mediationrequest": Listing(("language", "organisation"), "starts_at", "organisation", True),
    "paths.individualplan": Listing(("organisation",), "created_at", "organisation", True),
    "activities.enrolment": Listing(
        ("activity", "organisation", "user", "participant"), "enrolled_at", "organisation", True
    ),
}


def _narrow(scope: Scope, by: str, key: str) -> Scope:
    """The scope of one cell of a breakdown by place, organisation, type, action or month (404 when the key
    is not a cell the scope can have)."""
    if by == Breakdown.MONTH:
        try:
            first = datetime.date.fromisoformat(f"{key}-01") if len(key) == 7 else None
        except ValueError:
            first = None
        if first is None:
            raise Http404
        last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        start, end = max(scope.start, first), min(scope.end, last)
        if start > end:
            raise Http404
        return dataclasses.replace(scope, start=start, end=end)
    if by == Breakdown.ORGANISATION_KIND:
        if key not in OrganisationKind.values or scope.organisation_kind not in ("", key):
            raise Http404
        return dataclasses.replace(scope, organisation_kind=key)
    if by == Breakdown.ACTION:
        if key not in Action.values or scope.action not in ("", key):
            raise Http404
        return dataclasses.replace(scope, action=key)
    if not key.isdigit():
        raise Http404
    pk = int(key)
    if by == Breakdown.ORGANISATION:
        if scope.organisation_id not in (None, pk):
            raise Http404
        return dataclasses.replace(scope, organisation_id=pk)
    places = Municipality.objects.all()
    if scope.municipality_id:
        places = places.filter(pk=scope.municipality_id)
    elif scope.province_id:
        places = places.filter(province_id=scope.province_id)
    if by == Breakdown.PROVINCE:
        if not places.filter(province_id=pk).exists():
            raise Http404
        return scope if scope.municipality_id else dataclasses.replace(scope, province_id=pk)
    if not places.filter(pk=pk).exists():
        raise Http404
    return dataclasses.replace(scope, municipality_id=pk)


def _people_in_cell(people, by: str, key: str, day: datetime.date):
    """Participants of one cell of a breakdown by registry data, as the engine groups them on `day`."""
    if by == Breakdown.SEX:
        return people.filter(sex=key)
    if by == Breakdown.CITIZENSHIP:
        return (
            people.filter(citizenships__isnull=True)
            if key == ""
            else people.filter(citizenships__iso_alpha2=key)
        )
    if by == Breakdown.TARGET_GROUP:
        if key not in TargetGroup.values:
            raise Http404
        return people.filter(target_group_q(key, day))
    bands = list(AgeBand.objects.order_by("min_age"))
    index = next((i for i, band in enumerate(bands) if band.label == key), None)
    if index is None:
        raise Http404
    band = bands[index]
    # The engine's CASE: the first band also takes people born after `day`.
    if index > 0:
        people = people.filter(birth_date__lte=years_before(day, band.min_age))
    if band.max_age is not None:
        people = people.filter(birth_date__gt=years_before(day, band.max_age + 1))
    return people


def _with_consent_state(people):
    """Mark the people whose consent to the processing for services is withdrawn (and not given again
    since): they are listed by pseudonym only."""
    services = Consent.objects.filter(participant=OuterRef("pk"), purpose=ConsentPurpose.SERVICES)
    last_withdrawal = (
        services.filter(withdrawn_at__isnull=False).order_by("-withdrawn_at").values("withdrawn_at")[:1]
    )
    given_again = services.filter(
        granted=True, withdrawn_at__isnull=True, recorded_at__gt=OuterRef("services_withdrawn_at")
    )
    return people.annotate(services_withdrawn_at=Subquery(last_withdrawal)).annotate(
        anonymous=Case(
            When(Q(services_withdrawn_at__isnull=False) & ~Exists(given_again), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def _people_page(request, spec: Spec, scope: Scope, by: str, key: str) -> dict:
    """The people behind the figure whom the user may see, named unless their consent is withdrawn; each
    one named is a read of their record (access log)."""
    behind = Participant.objects.filter(pk__in=subject_ids_sql(spec, scope))
    if by in DRILL_BY_PERSON:
        behind = _people_in_cell(behind, by, key, scope.start)
    people = _with_consent_state(
        Participant.objects.scope(request.membership, VIEW).filter(pk__in=behind.values("pk"))
    )
    people = (
        people.select_related("municipality__province")
        .prefetch_related(
            Prefetch("citizenships", queryset=Country.objects.only("pk", "name_it", "name_en", "iso_alpha2"))
        )
        .order_by(
            "anonymous",
            Case(When(anonymous=False, then=F("last_name")), default=Value("")),
            Case(When(anonymous=False, then=F("first_name")), default=Value("")),
            "pk",
        )
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for person in page.object_list:
        if not person.anonymous:
            log_participant_access(person, acting_user=request.user, request=request)
        rows.append(
            {
                "pseudonym": pseudonym(person.pk),
                "person": None if person.anonymous else person,
                "age": age_on(person.birth_date, scope.start) if not person.anonymous else None,
                "citizenships": ", ".join(str(c) for c in person.citizenships.all())
                if not person.anonymous
                else "",
            }
        )
    return {
        "people_list": True,
        "page": page,
        "people_rows": rows,
        "not_listed": behind.count() - page.paginator.count,
    }


def _records_page(request, spec: Spec, scope: Scope) -> dict:
    """The records behind the figure (activities, meetings, organisations, ...) in the user's scope."""
    model = spec.subject_model or spec.record_model
    listing = LISTINGS[model._meta.label_lower]
    column = "m_subject" if spec.subject_model else "m_record"
    records = model.objects.visible_to(request.user, VIEW).filter(pk__in=subject_ids_sql(spec, scope, column))
    records = records.select_related(*listing.related).order_by(f"-{listing.date}", "-pk")
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for record in page.object_list:
        organisation = record
        for part in listing.organisation.split(".") if listing.organisation else []:
            organisation = getattr(organisation, part, None)
        if model._meta.label_lower == "paths.individualplan":
            label = _("Plan of %(person)s, version %(version)s") % {
                "person": pseudonym(record.participant_id),
                "version": record.version,
            }
            url = ""
        else:
            label, url = str(record), getattr(record, "get_absolute_url", lambda: "")()
        if model._meta.label_lower == "network.organisation":
            organisation = record.get_kind_display()
        rows.append(
            {
                "label": label,
                "url": url,
                "date": getattr(record, listing.date),
                "organisation": organisation or "",
            }
        )
    return {
        "people_list": False,
        "page": page,
        "record_rows": rows,
        "model_name": model._meta.verbose_name_plural,
    }


def _cell_label(by: str, key: str) -> str:
    lookup = int(key) if by in (Breakdown.PROVINCE, Breakdown.MUNICIPALITY, Breakdown.ORGANISATION) else key
    label = labeller(by, [lookup]).get(lookup) or key or _("Not stated")
    return f"{Breakdown(by).label}: {label}"


@login_required
@require_GET
def drilldown(request, code):
    view = _filters(request)
    indicator = _indicator(code)
    by, key = request.GET.get("by", ""), request.GET.get("key", "")
    scope = view.scope
    if by:
        if by not in (indicator.breakdowns or []) or by not in DRILL_BY_PERSON | DRILL_BY_SCOPE:
            raise Http404
        if by in DRILL_BY_SCOPE:
            scope = _narrow(scope, by, key)
    spec = spec_for(indicator, scope)
    if not may_drill(request.membership, spec):
        raise PermissionDenied
    if by in DRILL_BY_PERSON and spec.subject != PARTICIPANT:
        raise Http404
    if spec.subject == PARTICIPANT:
        listing = _people_page(request, spec, scope, by, key)
    else:
        listing = _records_page(request, spec, scope)
    cell = _cell_label(by, key) if by else ""
    page_query = request.GET.copy()
    page_query.pop("page", None)
    return render(
        request,
        "monitoring/drilldown.html",
        {
            **listing,
            "view": view,
            "indicator": indicator,
            "scope_text": scope_text(scope),
            "cell": cell,
            "query": page_query.urlencode(),
            "filter_query": view.query,
        },
    )


# --- definitions and targets --------------------------------------------------------------------------------


@login_required
@require_GET
def definitions(request):
    require_permission(request.user, "monitoring.view")
    indicators = Indicator.objects.select_related("parent", "updated_by")
    return render(
        request,
        "monitoring/definitions.html",
        {
            "indicators": [
                {
                    "indicator": i,
                    "breakdowns": ", ".join(
                        str(Breakdown(b).label) for b in i.breakdowns or [] if b in Breakdown.values
                    ),
                }
                for i in indicators
            ]
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def definition_edit(request, code):
    require_permission(request.user, "monitoring.manage")
    indicator = _indicator(code)
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        indicator = form.save(commit=False)
        indicator.updated_by = request.user
        indicator.save()
        messages.success(request, _("Indicator %(code)s saved.") % {"code": indicator.code})
        return redirect("monitoring:definitions")
    return render(request, "monitoring/definition_edit.html", {"form": form, "indicator": indicator})


@login_required
@require_http_methods(["GET", "POST"])
def targets(request):
    require_permission(request.user, "monitoring.manage")
    form = TargetGridForm(request.POST or None, indicators=Indicator.objects.all())
    if request.method == "POST" and form.is_valid():
        changed = form.save()
        messages.success(request, _("Targets saved (%(count)s changed).") % {"count": changed})
        return redirect("monitoring:targets")
    return render(request, "monitoring/targets.html", {"form": form})


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("pdf/", dashboard_pdf, name="dashboard_pdf"),
    path("indicatori/<str:code>/", indicator_detail, name="indicator"),
    path("indicatori/<str:code>/elenco/", drilldown, name="drilldown"),
    path("definizioni/", definitions, name="definitions"),
    path("definizioni/<str:code>/", definition_edit, name="definition_edit"),
    path("obiettivi/", targets, name="targets"),
]
