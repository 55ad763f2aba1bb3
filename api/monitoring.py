"""API endpoints of monitoring: the indicator definitions and their values for a scope, the same numbers as
the dashboard, the exports and `manage.py indicators` (all go through `monitoring.report`).

Organisation roles get their own organisation's exact figures (asking for another answers 403); monitoring
officers get controlled figures (decision 0010); the regional coordinator gets exact figures."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema, Status

from core.roles import Role
from core.scoping import active_membership, require_permission
from monitoring import exports, report
from monitoring.models import Indicator
from monitoring.views_exports import export_filters

router = Router(tags=["monitoring"])


class IndicatorOut(Schema):
    code: str
    section: str = Field(..., description="A: AMIF common indicators; B: project indicators.")
    objective: str
    parent: str | None = Field(None, description="The indicator this one is part of (“of which”).")
    name_it: str
    name_en: str
    kind: str = Field(..., description="output or result")
    unit: str
    rule_it: str = Field(..., description="The counting rule, as shown next to the number.")
    rule_en: str
    breakdowns: list[str]


class CellOut(Schema):
    key: str
    label: str
    value: int | float | str | None


class ValueOut(Schema):
    code: str
    name: str
    kind: str
    unit: str
    period: dict[str, str]
    value: int | float | str | None = Field(
        ..., description="Exact, or controlled (“<5”, counts rounded to 5, “—” hidden) when `controlled`."
    )
    controlled: bool
    breakdown: dict[str, list[CellOut]]
    target: dict[str, float | None]
    progress_percent: float | None
    forecast: float | int | str | None


class Error(Schema):
    detail: str


class ValuesQuery(Schema):
    start: str = Field("", alias="from", description="First day, YYYY-MM-DD (default: this calendar year).")
    end: str = Field("", alias="to", description="Last day, YYYY-MM-DD.")
    province: str = Field("", description="Province id (residence for people, the record's place otherwise).")
    municipality: str = Field("", description="Municipality id.")
    organisation: str = Field("", description="Organisation id (regional roles only; others get their own).")
    organisation_kind: str = ""
    action: str = Field("", description="01, 02 or 03.")
    by: str = Field("", description="Comma list of breakdowns, e.g. sex,age_band.")
    code: str = Field("", description="Comma list of indicator codes (default: every active indicator).")


@router.get("/indicators", response=list[IndicatorOut], summary="Indicator definitions")
def indicator_list(request):
    require_permission(request.user, "monitoring.view")
    return [
        {
            **{name: getattr(i, name) for name in IndicatorOut.model_fields if name != "parent"},
            "parent": i.parent.code if i.parent_id else None,
        }
        for i in Indicator.objects.filter(is_active=True).select_related("parent")
    ]


@router.get(
    "/indicators/values",
    response={200: list[ValueOut], 400: Error},
    summary="Indicator values for a period, place, organisation or action, with breakdowns",
)
def indicator_values(request, filters: Query[ValuesQuery]):
    require_permission(request.user, "monitoring.view")
    request.GET = request.GET.copy()
    for name, value in filters.model_dump(by_alias=True).items():
        request.GET.setdefault(name, value)
    try:
        parsed = export_filters(request)
    except exports.FilterError as error:
        return Status(400, {"detail": str(error)})
    controlled = active_membership(request.user).role == Role.MONITORING_OFFICER
    results = report.compute_all(parsed.scope, parsed.by, controlled=controlled, indicators=parsed.indicators)
    return [report.as_dict(result) for result in results]
