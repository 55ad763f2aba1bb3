"""Workspace pages of the network analytics (permission `network.analytics`): two periods compared, the
graph picture next to its tables, and the exports (GraphML, CSV).

The page costs the same number of queries whatever the number of organisations: `analytics.build_graph`
reads each period with six queries and everything else is computed on the graphs."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.scoping import require_permission
from network import analytics
from network.analytics import TIE_KIND_LABELS, TIE_KINDS, Period
from network.models import OrganisationKind
from people.forms import DateInput
from territory.models import CAMPANIA_REGION_CODE, Province

ISOLATED_PER_PAGE = 25
PERIOD_FIELDS = ("a_start", "a_end", "b_start", "b_end")
TIE_CHOICES = [(kind, TIE_KIND_LABELS[kind]) for kind in TIE_KINDS]


def _provinces():
    return Province.objects.filter(region_code=CAMPANIA_REGION_CODE).order_by("name")


class _TerritoryFields(forms.Form):
    province = forms.ModelChoiceField(
        queryset=Province.objects.none(),
        required=False,
        empty_label=gettext_lazy("All of Campania"),
        label=gettext_lazy("Province"),
        help_text=gettext_lazy("Organisations with their seat in the province, and the ties between them."),
    )
    ties = forms.MultipleChoiceField(
        choices=TIE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Kinds of tie"),
        help_text=gettext_lazy("None ticked means all of them."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = _provinces()

    def tie_kinds(self) -> tuple[str, ...]:
        chosen = self.cleaned_data.get("ties") or TIE_KINDS
        return tuple(kind for kind in TIE_KINDS if kind in chosen)


def _check_order(form, start: str, end: str) -> None:
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last:
        error = analytics.period_error(first, last)
        if error:
            form.add_error(end, error)


class AnalyticsForm(_TerritoryFields):
    a_start = forms.DateField(label=gettext_lazy("Period A from"), widget=DateInput())
    a_end = forms.DateField(label=gettext_lazy("Period A to"), widget=DateInput())
    b_start = forms.DateField(label=gettext_lazy("Period B from"), widget=DateInput())
    b_end = forms.DateField(label=gettext_lazy("Period B to"), widget=DateInput())

    field_order = [*PERIOD_FIELDS, "province", "ties"]

    def clean(self):
        cleaned = super().clean()
        _check_order(self, "a_start", "a_end")
        _check_order(self, "b_start", "b_end")
        return cleaned

    def periods(self) -> tuple[Period, Period]:
        data = self.cleaned_data
        return Period(data["a_start"], data["a_end"]), Period(data["b_start"], data["b_end"])


class ExportForm(_TerritoryFields):
    start = forms.DateField()
    end = forms.DateField()

    def clean(self):
        cleaned = super().clean()
        _check_order(self, "start", "end")
        return cleaned


def _defaults() -> dict[str, str]:
    period_a, period_b = analytics.default_periods()
    return {
        "a_start": period_a.start.isoformat(),
        "a_end": period_a.end.isoformat(),
        "b_start": period_b.start.isoformat(),
        "b_end": period_b.end.isoformat(),
    }


# --- Presentation --------------------------------------------------------------------------------------------


def _number(value, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return number_format(value, decimals, use_l10n=True)


def _signed(value, decimals: int = 0) -> str:
    if value is None:
        return "—"
    text = _number(value, decimals)
    return "+" + text if value > 0 else text


def _percent(value) -> str:
    return "—" if value is None else _number(value * 100, 1) + "%"


def _signed_points(value) -> str:
    return "—" if value is None else _signed(value * 100, 1) + " " + _("points")


def _share(count: int, share) -> str:
    return f"{_number(count)} ({_percent(share)})"


def metric_rows(comparison: analytics.Comparison) -> list[tuple[str, str, str, str]]:
    """(label, period A, period B, change A − B) for the metrics table."""
    a, b, change = comparison.metrics_a, comparison.metrics_b, comparison.change
    rows = [
        (_("Organisations"), _number(a["organisations"]), _number(b["organisations"]), _signed(change["organisations"])),
        (_("Ties"), _number(a["ties"]), _number(b["ties"]), _signed(change["ties"])),
        (_("Density (ties out of all possible ties)"), _number(a["density"], 4), _number(b["density"], 4),
         _signed(change["density"], 4)),
        (_("Average number of ties per organisation"), _number(a["average_degree"], 2),
         _number(b["average_degree"], 2), _signed(change["average_degree"], 2)),
        (_("Organisations with no ties"), _number(a["isolated_count"]), _number(b["isolated_count"]),
         _signed(change["isolated"])),
        (_("Connected groups of organisations"), _number(a["components"]), _number(b["components"]),
         _signed(change["components"])),
        (_("Organisations in the largest group"), _number(a["largest_component"]),
         _number(b["largest_component"]), _signed(a["largest_component"] - b["largest_component"])),
        (_("Ties across sectors (no sector in common)"), _share(a["cross_sector_ties"], a["cross_sector_share"]),
         _share(b["cross_sector_ties"], b["cross_sector_share"]), _signed_points(change["cross_sector_share"])),
        (_("Ties between different kinds of organisation"), _share(a["cross_kind_ties"], a["cross_kind_share"]),
         _share(b["cross_kind_ties"], b["cross_kind_share"]), _signed_points(change["cross_kind_share"])),
    ]  # fmt: skip
    for kind in comparison.graph_a.graph.get("tie_kinds", TIE_KINDS):
        count_a, count_b = a["ties_by_kind"][kind], b["ties_by_kind"][kind]
        label = _("Ties through: %(kind)s") % {"kind": TIE_KIND_LABELS[kind]}
        rows.append((label, _number(count_a), _number(count_b), _signed(count_a - count_b)))
    return rows


def kind_rows(comparison: analytics.Comparison) -> list[tuple[str, int, int, str]]:
    labels = dict(OrganisationKind.choices)
    a, b = comparison.metrics_a["by_kind"], comparison.metrics_b["by_kind"]
    kinds = sorted(set(a) | set(b), key=lambda kind: (-a.get(kind, 0), str(labels.get(kind, kind))))
    return [
        (labels.get(kind, kind), a.get(kind, 0), b.get(kind, 0), _signed(a.get(kind, 0) - b.get(kind, 0)))
        for kind in kinds
    ]


def _node_rows(rows: list[dict]) -> list[dict]:
    labels = dict(OrganisationKind.choices)
    return [
        {
            **row,
            "kind_label": labels.get(row["kind"], row["kind"]),
            "betweenness_text": _number(row["betweenness"], 4),
        }
        for row in rows
    ]


# --- Views ---------------------------------------------------------------------------------------------------


@login_required
@require_GET
def analytics_overview(request):
    require_permission(request.user, "network.analytics")
    data = request.GET if any(name in request.GET for name in PERIOD_FIELDS) else _defaults()
    form = AnalyticsForm(data)
    context = {"form": form, "tie_choices": TIE_CHOICES, "picture_limit": analytics.PICTURE_LIMIT}
    if form.is_valid():
        period_a, period_b = form.periods()
        province = form.cleaned_data["province"]
        tie_kinds = form.tie_kinds()
        comparison = analytics.compare(period_a, period_b, province, tie_kinds)
        graph_a, metrics_a = comparison.graph_a, comparison.metrics_a
        kind_labels = {code: str(label) for code, label in OrganisationKind.choices}
        shown = analytics.top_nodes(graph_a)
        picture = analytics.picture(
            graph_a,
            shown=shown,
            title=_("Network of period A (%(period)s)") % {"period": period_a},
            description=_(
                "%(total)s organisations and %(ties)s ties; the picture shows the %(shown)s organisations with "
                "the heaviest ties, coloured by kind, and the %(ties_shown)s ties between them, thicker when "
                "heavier. The same figures are in the tables on this page."
            )
            % {
                "total": metrics_a["organisations"],
                "ties": metrics_a["ties"],
                "shown": len(shown),
                "ties_shown": graph_a.subgraph(shown).number_of_edges(),
            },
            kind_labels=kind_labels,
        )
        isolated = Paginator(
            [(node, graph_a.nodes[node]) for node in metrics_a["isolated"]], ISOLATED_PER_PAGE
        ).get_page(request.GET.get("isolated_page"))
        query = request.GET.copy() if request.GET else _query_from(data)
        query.pop("isolated_page", None)
        export_params = {
            "a": _export_query(period_a, province, tie_kinds),
            "b": _export_query(period_b, province, tie_kinds),
        }
        context.update(
            {
                "comparison": comparison,
                "period_a": period_a,
                "period_b": period_b,
                "province": province,
                "tie_labels": [TIE_KIND_LABELS[kind] for kind in tie_kinds],
                "metric_rows": metric_rows(comparison),
                "kind_rows": kind_rows(comparison),
                "change": comparison.change,
                "picture": picture,
                "strongest": [
                    {**tie, "counts": [tie[kind] for kind in tie_kinds]}
                    for tie in analytics.strongest_ties(graph_a, picture.shown)
                ],
                "central": _node_rows(metrics_a["central"]),
                "brokers": _node_rows(metrics_a["brokers"]),
                "betweenness_sampled": metrics_a["betweenness_sampled"],
                "isolated": isolated,
                "query": query.urlencode(),
                "exports": export_params,
                "tie_kinds": tie_kinds,
            }
        )
    return render(request, "network/analytics_overview.html", context)


def _query_from(data: dict):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update(data)
    return query


def _export_query(period: Period, province, tie_kinds) -> str:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query["start"] = period.start.isoformat()
    query["end"] = period.end.isoformat()
    if province is not None:
        query["province"] = str(province.pk)
    if tuple(tie_kinds) != TIE_KINDS:
        query.setlist("ties", list(tie_kinds))
    return query.urlencode()


def _export_graph(request):
    """The graph asked for by an export link (by default: the last twelve months, all of Campania)."""
    require_permission(request.user, "network.analytics")
    data = request.GET
    if "start" not in data or "end" not in data:
        period_a, _period_b = analytics.default_periods()
        data = data.copy()
        data.setdefault("start", period_a.start.isoformat())
        data.setdefault("end", period_a.end.isoformat())
    form = ExportForm(data)
    if not form.is_valid():
        return None, form
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    graph = analytics.build_graph(start, end, form.cleaned_data["province"], form.tie_kinds())
    return graph, form


def _filename(form, extension: str) -> str:
    data = form.cleaned_data
    province = f"-{data['province'].abbreviation.lower()}" if data["province"] else ""
    return f"rete-interazioni{province}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.{extension}"


def _bad_request(form) -> HttpResponse:
    errors = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in form.errors.items())
    return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def export_graphml(request):
    graph, form = _export_graph(request)
    if graph is None:
        return _bad_request(form)
    response = HttpResponse(analytics.graphml_bytes(graph), content_type="application/graphml+xml")
    response["Content-Disposition"] = f'attachment; filename="{_filename(form, "graphml")}"'
    return response


@login_required
@require_GET
def export_csv(request):
    graph, form = _export_graph(request)
    if graph is None:
        return _bad_request(form)
    response = HttpResponse(analytics.csv_zip_bytes(graph), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{_filename(form, "zip")}"'
    return response
