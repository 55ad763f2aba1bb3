"""Downloads of monitoring (namespace `monitoring`): the indicator tables as CSV or XLSX, with the dashboard's
filters, and the FAMI quarterly monitoring workbook.

Organisation roles get their own organisation's exact figures; monitoring officers get controlled figures
(decision 0010) and pseudonymous workbooks; the regional coordinator gets exact figures and names. A bad
filter is a 400 with the reason, never an error page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from core.roles import Role
from core.scoping import active_membership, require_permission, user_can
from monitoring import exports
from monitoring.engine import Scope
from monitoring.report import compute_all

FORMATS = {"csv": exports.CSV_CONTENT_TYPE, "xlsx": exports.XLSX_CONTENT_TYPE}
FILTERS = ("period", "province", "municipality", "organisation", "organisation_kind", "action")


def _attachment(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _bad_request(error: exports.FilterError) -> HttpResponse:
    return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")


def export_filters(request) -> exports.Filters:
    """The dashboard's GET filters (`from`/`to` or the dashboard's `start`/`end`, `by` or `breakdown`, ...),
    with organisation roles held to their own organisation, as on the dashboard."""
    get = request.GET
    data = {name: get.get(name, "") for name in FILTERS}
    data["from"], data["to"] = get.get("from") or get.get("start", ""), get.get("to") or get.get("end", "")
    data["by"] = ",".join([*get.getlist("by"), *get.getlist("breakdown")])
    data["code"] = ",".join(get.getlist("code"))
    filters = exports.parse_filters(data)
    if not user_can(request.user, "monitoring.network"):
        own = active_membership(request.user).organisation
        if filters.organisation is not None and filters.organisation.pk != own.pk:
            raise PermissionDenied
        filters.organisation, filters.organisation_kind = own, ""
    return filters


@login_required
@require_GET
def export(request, fmt: str):
    """Every indicator table of the dashboard (`code=` for some), as CSV or XLSX."""
    if fmt not in FORMATS:
        raise Http404
    require_permission(request.user, "monitoring.view")
    try:
        filters = export_filters(request)
    except exports.FilterError as error:
        return _bad_request(error)
    controlled = active_membership(request.user).role == Role.MONITORING_OFFICER
    results = compute_all(filters.scope, filters.by, controlled=controlled, indicators=filters.indicators)
    content = exports.to_csv(results) if fmt == "csv" else exports.to_xlsx(results)
    return _attachment(content, FORMATS[fmt], exports.filename("indicatori", filters.scope, fmt))


@login_required
@require_GET
def workbook(request):
    """The quarterly monitoring workbook (`year`, `quarter` 1-4; by default the last quarter ended). Names
    only for who may see participants; each download is recorded in the participants' access log."""
    require_permission(request.user, "monitoring.workbook")
    try:
        start, end = exports.parse_quarter(request.GET)
    except exports.FilterError as error:
        return _bad_request(error)
    scope = Scope(start, end)
    names = user_can(request.user, "participant.view")
    content = exports.quarterly_workbook(scope, names=names, membership=active_membership(request.user))
    exports.record_workbook_reads(scope, acting_user=request.user, request=request)
    return _attachment(content, exports.XLSX_CONTENT_TYPE, exports.filename("monitoraggio", scope, "xlsx"))


urlpatterns = [
    path("esporta/<str:fmt>/", export, name="export"),
    path("trimestrale/", workbook, name="workbook"),
]
