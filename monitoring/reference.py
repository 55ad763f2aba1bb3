"""Loads the indicator definitions and age bands from `monitoring/data/indicators.json` (offline, idempotent).

A new indicator is added, an existing one gets its computation, parameters, unit, kind and allowed
breakdowns from the file; the wording and counting rule the Region has edited in the workspace are kept
(the file gives them only to new indicators), unless `wording=True`.
"""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "indicators.json"
WORDING = ("name_it", "name_en", "rule_it", "rule_en")
STRUCTURE = ("section", "objective", "kind", "unit", "computation", "params", "breakdowns", "position")


def load_indicators(apps=None, *, wording: bool = False) -> dict[str, int]:
    Indicator = apps.get_model("monitoring", "Indicator") if apps else _model("Indicator")
    AgeBand = apps.get_model("monitoring", "AgeBand") if apps else _model("AgeBand")
    document = json.loads(DATA.read_text(encoding="utf-8"))
    created = 0
    by_code = {}
    for row in document["indicators"]:
        indicator = Indicator.objects.filter(code=row["code"]).first()
        if indicator is None:
            indicator = Indicator(code=row["code"])
            created += 1
            fields = WORDING + STRUCTURE
        else:
            fields = (WORDING if wording else ()) + STRUCTURE
        for name in fields:
            setattr(indicator, name, row[name])
        indicator.save()
        by_code[row["code"]] = (indicator, row.get("parent"))
    for indicator, parent in by_code.values():
        parent_id = by_code[parent][0].pk if parent else None
        if indicator.parent_id != parent_id:
            indicator.parent_id = parent_id
            indicator.save(update_fields=["parent"])
    if not AgeBand.objects.exists():
        for position, (label, low, high) in enumerate(document["age_bands"]):
            AgeBand.objects.create(label=label, min_age=low, max_age=high, position=position)
    return {"indicators": len(by_code), "indicators_created": created, "age_bands": AgeBand.objects.count()}


def _model(name):
    from django.apps import apps

    return apps.get_model("monitoring", name)
