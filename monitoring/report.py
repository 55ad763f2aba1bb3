"""Indicator results for a scope: value, breakdowns, targets, progress and forecast, exact or controlled.

The dashboard, the exports, the API and `manage.py indicators` all go through `compute()` / `compute_all()`
and `as_dict()`, so they show the same numbers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from monitoring import disclosure
from monitoring.computations import REGISTRY
from monitoring.engine import COUNT, Scope, Spec, breakdown, total
from monitoring.models import Breakdown, Indicator, IndicatorTarget, project_period


@dataclass
class Cell:
    key: str
    label: str
    value: int | float | None
    contributors: int
    shown: int | float | str = ""


@dataclass
class Result:
    indicator: Indicator
    scope: Scope
    value: int | float | None
    contributors: int
    breakdowns: dict[str, list[Cell]] = field(default_factory=dict)
    shown: int | float | str = ""
    controlled: bool = False
    target_project: float | None = None
    target_year: float | None = None
    progress_project: float | None = None  # % of the whole-project target reached in the project so far
    forecast_project: float | None = None  # value at the project's end at the current pace
    so_far: int | float | None = (
        None  # the value over the project so far (what progress and forecast rest on)
    )

    @property
    def code(self) -> str:
        return self.indicator.code


def spec_for(indicator: Indicator, scope: Scope) -> Spec:
    try:
        computation = REGISTRY[indicator.computation]
    except KeyError:
        raise ValueError(
            _("Indicator %(code)s names an unknown computation “%(name)s”.")
            % {"code": indicator.code, "name": indicator.computation}
        ) from None
    return computation(indicator.params or {}, scope)


def allowed(indicator: Indicator, by: list[str]) -> list[str]:
    return [b for b in by if b in (indicator.breakdowns or [])]


def compute(
    indicator: Indicator,
    scope: Scope,
    by: list[str] | tuple = (),
    *,
    controlled: bool = False,
    targets: dict | None = None,
    with_targets: bool = True,
) -> Result:
    """The indicator over the scope, broken down by each allowed dimension of `by` (others are ignored)."""
    spec = spec_for(indicator, scope)
    value = total(spec, scope)
    result = Result(indicator, scope, value.value, value.contributors, controlled=controlled)
    for dimension in allowed(indicator, list(by)):
        if dimension == Breakdown.MONTH and spec.snapshot:
            continue
        rows = breakdown(spec_for(indicator, scope), scope, dimension)
        labels = labeller(dimension, [row[0] for row in rows])
        result.breakdowns[dimension] = [
            Cell(str(key) if key is not None else "", labels.get(key, _("Not stated")), v, n)
            for key, v, n in rows
        ]
    if with_targets:
        _targets(result, spec, targets)
    _shown(result)
    return result


def compute_all(
    scope: Scope, by=(), *, controlled: bool = False, indicators=None, with_targets: bool = True
) -> list[Result]:
    indicators = list(indicators if indicators is not None else Indicator.objects.filter(is_active=True))
    targets = _targets_by_indicator(indicators) if with_targets else {}
    return [
        compute(indicator, scope, by, controlled=controlled, targets=targets, with_targets=with_targets)
        for indicator in indicators
    ]


def _shown(result: Result) -> None:
    unit = result.indicator.unit
    if result.controlled:
        result.shown = disclosure.controlled(result.value, result.contributors, unit)
        # Progress and forecast rest on the exact count so far, which a known target gives back: they are
        # derived from the controlled count instead (decision 0010).
        if result.so_far is not None:
            so_far = disclosure.controlled(result.so_far, result.contributors, unit)
            hidden = isinstance(so_far, str)
            if result.target_project:
                result.progress_project = None if hidden else round(100 * so_far / result.target_project)
            if result.forecast_project is not None:
                forecast = None if hidden else result.forecast_project * so_far / (result.so_far or 1)
                result.forecast_project = None if forecast is None else disclosure.controlled_count(forecast)
        for cells in result.breakdowns.values():
            for cell in cells:
                cell.shown = disclosure.controlled(cell.value, cell.contributors, unit)
    else:
        result.shown = "—" if result.value is None else result.value
        for cells in result.breakdowns.values():
            for cell in cells:
                cell.shown = "—" if cell.value is None else cell.value


# --- targets and forecast -------------------------------------------------------------------------------------


def _targets_by_indicator(indicators) -> dict:
    out: dict = {}
    for target in IndicatorTarget.objects.filter(indicator__in=indicators):
        out.setdefault(target.indicator_id, {})[target.year] = float(target.value)
    return out


def _targets(result: Result, spec: Spec, targets: dict | None) -> None:
    """The project and year targets, progress over the project so far, and a linear forecast at its end.

    Progress and forecast are computed on the whole project (same place, organisation and action), not on
    the period shown, since the targets are the project's. Shares, medians and states are not projected."""
    if targets is None:
        targets = _targets_by_indicator([result.indicator])
    mine = targets.get(result.indicator.pk, {})
    result.target_project = mine.get(None)
    result.target_year = mine.get(result.scope.end.year)
    if result.target_project is None or spec.aggregate not in (COUNT, "sum"):
        return
    start, end = project_period()
    today = min(timezone.localdate(), end)
    if today < start:
        return
    scope = result.scope
    whole = Scope(
        start,
        today,
        scope.province_id,
        scope.municipality_id,
        scope.organisation_id,
        scope.organisation_kind,
        scope.action,
    )
    so_far = total(spec_for(result.indicator, whole), whole).value or 0
    result.so_far = so_far
    if result.target_project:
        result.progress_project = round(100 * so_far / result.target_project, 1)
    if not spec.snapshot:
        elapsed = (today - start).days + 1
        length = (end - start).days + 1
        result.forecast_project = round(so_far * length / elapsed) if elapsed > 0 else None


# --- labels --------------------------------------------------------------------------------------------------


def labeller(dimension: str, keys: list) -> dict:
    """Readable labels for the keys of a breakdown (one query per dimension at most)."""
    from network.models import Organisation, OrganisationKind
    from paths.models import Action
    from people.models import Sex, TargetGroup
    from territory.models import Country, Language, Municipality, Province

    present = [k for k in keys if k not in (None, "")]
    if dimension == Breakdown.SEX:
        return dict(Sex.choices)
    if dimension == Breakdown.TARGET_GROUP:
        return dict(TargetGroup.choices)
    if dimension == Breakdown.ACTION:
        return dict(Action.choices)
    if dimension == Breakdown.ORGANISATION_KIND:
        return dict(OrganisationKind.choices)
    if dimension == Breakdown.PROVINCE:
        return {p.pk: p.name for p in Province.objects.filter(pk__in=present)}
    if dimension == Breakdown.MUNICIPALITY:
        return {m.pk: m.name for m in Municipality.objects.filter(pk__in=present)}
    if dimension == Breakdown.ORGANISATION:
        return {o.pk: o.name for o in Organisation.objects.filter(pk__in=present)}
    if dimension == Breakdown.CITIZENSHIP:
        return {c.iso_alpha2: str(c) for c in Country.objects.filter(iso_alpha2__in=present)} | {
            "": _("Stateless or not stated")
        }
    if dimension == Breakdown.LANGUAGE:
        names = {language.code: str(language) for language in Language.objects.filter(code__in=present)}
        from directory.models import ContentLanguage

        names.update({c.code: str(c) for c in ContentLanguage.objects.filter(code__in=present)})
        return names
    if dimension == Breakdown.AGE_BAND:
        return {k: k for k in present}
    if dimension == Breakdown.MONTH:
        return {k: _month_label(k) for k in present}
    return {k: str(k) for k in present}


def _month_label(key: str) -> str:
    from django.utils.formats import date_format

    try:
        year, month = (int(part) for part in str(key).split("-"))
    except ValueError:
        return str(key)
    return date_format(datetime.date(year, month, 1), "F Y")


# --- serialisation -------------------------------------------------------------------------------------------


def as_dict(result: Result) -> dict:
    """The JSON shape shared by the CLI, the API and the exports: `code`, `value`, `breakdown` and more.

    `value` is the exact number, or, for controlled output, what may be shown ("<5", rounded counts)."""
    indicator = result.indicator
    value = result.shown if result.controlled else result.value
    return {
        "code": indicator.code,
        "name": indicator.name,
        "kind": indicator.kind,
        "unit": indicator.unit,
        "period": {"from": result.scope.start.isoformat(), "to": result.scope.end.isoformat()},
        "value": value,
        "controlled": result.controlled,
        "breakdown": {
            dimension: [
                {
                    "key": cell.key,
                    "label": str(cell.label),
                    "value": cell.shown if result.controlled else cell.value,
                }
                for cell in cells
            ]
            for dimension, cells in result.breakdowns.items()
        },
        "target": {"project": result.target_project, "year": result.target_year},
        "progress_percent": result.progress_project,
        "forecast": result.forecast_project,
    }


# --- pseudonyms ----------------------------------------------------------------------------------------------


def pseudonym(participant_id: int) -> str:
    """A stable pseudonymous ID for a participant (keyed digest: not reversible without the secret key)."""
    digest = salted_hmac(
        "interazioni.monitoring.pseudonym", str(participant_id), algorithm="sha256"
    ).hexdigest()
    return f"P-{digest[:10].upper()}"
