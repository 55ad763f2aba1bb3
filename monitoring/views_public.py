"""The portal's results page (namespace `results`, /risultati/): the plan's headline figures for the whole
project and for this year, for Campania and by province. No account, no cookie, no JavaScript; the language
comes from the address.

Every figure is under disclosure control (`report.compute(..., controlled=True)`): under 5 shown as "<5",
the others rounded to 5, so no one can be singled out by comparing figures. The figures are computed once per
day and kept in the cache for a quarter of an hour, so the page costs a few queries for its visitors.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from monitoring.engine import Scope
from monitoring.models import Breakdown, Indicator, project_period
from monitoring.report import compute
from monitoring.views import COUNT_UNITS, figure
from territory.models import CAMPANIA_REGION_CODE, Province

HEADLINE = (
    "O.2.3",
    "O.2.3.1",
    "O.2.3.2",
    "O.2.3.3",
    "R.2.8",
    "R.2.9",
    "P1.1",
    "P1.4",
    "P2.1",
    "P3.2",
    "P3.2.1",
    "P3.3",
)
CACHE_SECONDS = 15 * 60
NOTE = gettext_lazy(
    "To protect the people counted, values under 5 are shown as <5 and the others are rounded to the nearest 5."
)


def periods(today: datetime.date) -> dict[str, Scope]:
    start, end = project_period()
    last = max(start, min(today, end))
    return {"project": Scope(start, last), "year": Scope(max(start, datetime.date(today.year, 1, 1)), last)}


def figures(today: datetime.date) -> dict:
    """{code: {period: {"total": shown, "provinces": {province id: shown}, "by_province": bool}}}, cached."""
    key = f"monitoring:results:{today.isoformat()}"
    found = cache.get(key)
    if found is not None:
        return found
    found = {}
    for indicator in Indicator.objects.filter(code__in=HEADLINE, is_active=True):
        found[indicator.code] = {}
        for name, scope in periods(today).items():
            result = compute(indicator, scope, [Breakdown.PROVINCE], controlled=True, with_targets=False)
            found[indicator.code][name] = {
                "total": result.shown,
                "by_province": Breakdown.PROVINCE in result.breakdowns,
                "provinces": {cell.key: cell.shown for cell in result.breakdowns.get(Breakdown.PROVINCE, [])},
            }
    cache.set(key, found, CACHE_SECONDS)
    return found


def _table(indicators, provinces, found: dict, period: str) -> list[dict]:
    rows = []
    for indicator in indicators:
        data = found.get(indicator.code, {}).get(period)
        if data is None:
            continue
        missing = 0 if indicator.unit in COUNT_UNITS else None
        rows.append(
            {
                "indicator": indicator,
                "total": figure(data["total"]),
                "provinces": [
                    figure(data["provinces"].get(str(province.pk), missing)) if data["by_province"] else "—"
                    for province in provinces
                ],
            }
        )
    return rows


@require_GET
def results(request):
    today = timezone.localdate()
    found = figures(today)
    order = {code: index for index, code in enumerate(HEADLINE)}
    indicators = sorted(
        Indicator.objects.filter(code__in=list(found)), key=lambda indicator: order.get(indicator.code, 0)
    )
    provinces = list(Province.objects.filter(region_code=CAMPANIA_REGION_CODE).order_by("name"))
    scopes = periods(today)
    try:
        from directory.usage import count_view
    except ImportError:  # the usage counter is optional
        pass
    else:
        count_view(request, "results")
    return render(
        request,
        "monitoring/results.html",
        {
            "provinces": provinces,
            "tables": [
                {
                    "id": "project",
                    "scope": scopes["project"],
                    "rows": _table(indicators, provinces, found, "project"),
                },
                {"id": "year", "scope": scopes["year"], "rows": _table(indicators, provinces, found, "year")},
            ],
            "indicators": indicators,
            "disclosure_note": NOTE,
        },
    )
