"""Demo targets for the indicators (`seed_demo`): generated from the demo's own pace, deterministic.

A plan's targets are inputs the Region types in; the demo derives them from what the demo data achieves so
far, projected to the end of the project and scaled by a factor drawn per indicator (some indicators end up
ahead of their target, some behind), then split over the years by their share of the project's days. Shares
get a round target; medians (lower is better) and states get none.
"""

from __future__ import annotations

import datetime
import math
import random

from django.db import transaction

from monitoring.engine import Scope
from monitoring.models import Indicator, IndicatorTarget, project_period

SHARE_TARGETS = {"P1.6.1": 80, "P3.3.1": 90, "P3.3.2": 75}


@transaction.atomic
def seed_monitoring(seed: int, size: str, today: datetime.date) -> dict[str, int]:
    from monitoring.report import compute_all

    rng = random.Random(f"monitoring-{seed}")
    start, end = project_period()
    today = min(max(today, start), end)
    scope = Scope(start, today)
    IndicatorTarget.objects.filter(is_demo=True).delete()
    targets = []
    indicators = list(Indicator.objects.filter(is_active=True))
    results = {r.indicator.pk: r for r in compute_all(scope, with_targets=False, indicators=indicators)}
    elapsed = (today - start).days + 1
    length = (end - start).days + 1
    for indicator in indicators:
        result = results[indicator.pk]
        if indicator.code in SHARE_TARGETS:
            project = SHARE_TARGETS[indicator.code]
            targets.append(IndicatorTarget(indicator=indicator, year=None, value=project, is_demo=True))
            targets.extend(
                IndicatorTarget(indicator=indicator, year=year, value=project, is_demo=True)
                for year in range(start.year, end.year + 1)
            )
            continue
        if indicator.unit in ("percent", "days") or not result.value:
            continue
        pace = result.value * length / elapsed
        project = max(1, math.ceil(pace * rng.uniform(0.85, 1.35)))
        targets.append(IndicatorTarget(indicator=indicator, year=None, value=project, is_demo=True))
        for year in range(start.year, end.year + 1):
            first, last = max(start, datetime.date(year, 1, 1)), min(end, datetime.date(year, 12, 31))
            share = ((last - first).days + 1) / length
            targets.append(
                IndicatorTarget(
                    indicator=indicator, year=year, value=max(1, round(project * share)), is_demo=True
                )
            )
    IndicatorTarget.objects.bulk_create(targets)
    return {"indicator_targets": len(targets)}


def delete_monitoring_demo_data() -> int:
    deleted, _detail = IndicatorTarget.objects.filter(is_demo=True).delete()
    return deleted
