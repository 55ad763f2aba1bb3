"""Network analytics: the partnership network as a graph, its metrics, the change between two periods,
exports (GraphML, CSV) and a picture (server-side SVG).

Nodes are organisations; an undirected tie joins two organisations that, in the period:

- were parties of the same **agreement** signed or in force (`agreements`: the number of such agreements);
- were **present** at the same **held meeting** of a consultation table (`meetings`: the number of meetings);
- **co-organised** an activity running in the period, as organiser and partner or as two partners
  (`activities`: the number of activities);
- sent **referrals** one to the other, either way (`referrals`: the number of referrals sent).

A tie's `weight` is the sum of the four counts (so many referrals weigh as much as many meetings: the
per-kind counts are kept on the tie and exported). The nodes are the organisations that were members of the
network in the period (active, not awaiting approval, joined by its end and not left before its start) plus
any organisation with a tie in the period. With a province, only organisations whose seat is in that
province are kept, and only the ties between them.

Everything is read with six queries (organisations, agreement parties, meeting presences, activity
partners, referrals) whatever the number of organisations; the pairs are made in Python. The rest is pure
functions over the graph, so the metrics can be tested on a graph built by hand and benchmarked on a
synthetic one (`bench/bench_network.py`).
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import random
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx
import numpy as np
from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TIE_KINDS: tuple[str, ...] = ("agreements", "meetings", "activities", "referrals")
TIE_KIND_LABELS = {
    "agreements": gettext_lazy("Agreements"),
    "meetings": gettext_lazy("Joint meetings"),
    "activities": gettext_lazy("Co-organised activities"),
    "referrals": gettext_lazy("Referrals"),
}
# Betweenness is computed from every organisation up to this many; above, from this many sampled ones
# (a fixed seed, so the same data always gives the same figures).
BETWEENNESS_SAMPLE = 200
BETWEENNESS_SEED = 42
TOP = 10
PICTURE_LIMIT = 150
LABELLED = 8  # organisations named in the picture (the most connected)
LAYOUT_SEED = 7

# Colours of the kinds of organisation in the picture (the legend and the tables say the same in words).
KIND_COLOURS = {
    "region": "#17324d",
    "municipality": "#0066cc",
    "social_district": "#5d7083",
    "prefecture": "#7b3fa0",
    "health_authority": "#cc334d",
    "job_centre": "#d97706",
    "school": "#1a7f37",
    "university": "#0e7c86",
    "third_sector": "#a07800",
    "migrant_association": "#c2185b",
    "informal_group": "#e8719a",
    "social_partner": "#8d6e63",
    "employer": "#455a64",
}
OTHER_COLOUR = "#999999"


# --- Periods ------------------------------------------------------------------------------------------------


# Periods are analysed within these years (the plan runs 2021-2027; dates far outside are typing errors).
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)


def period_error(start: datetime.date, end: datetime.date) -> str | None:
    """Why a period cannot be analysed, or None."""
    if not (FIRST_DAY <= start <= LAST_DAY and FIRST_DAY <= end <= LAST_DAY):
        return _("Choose dates between %(first)s and %(last)s.") % {
            "first": f"{FIRST_DAY:%d/%m/%Y}",
            "last": f"{LAST_DAY:%d/%m/%Y}",
        }
    if end < start:
        return _("The end of a period cannot come before its start.")
    return None


@dataclass(frozen=True)
class Period:
    """A period of whole days, both ends included."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        error = period_error(self.start, self.end)
        if error:
            raise ValueError(error)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as aware date-times: from its first midnight to the midnight after its last day."""
        tz = timezone.get_current_timezone()
        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        after = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return first, after

    def __str__(self):
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def default_periods(today: datetime.date | None = None) -> tuple[Period, Period]:
    """The last twelve months (ending today) and the twelve months before them."""
    today = today or timezone.localdate()
    a_start = _year_before(today) + datetime.timedelta(days=1)
    b_end = a_start - datetime.timedelta(days=1)
    return Period(a_start, today), Period(_year_before(b_end) + datetime.timedelta(days=1), b_end)


# --- The graph from the database ----------------------------------------------------------------------------


def _province_id(province) -> int | None:
    if province is None or province == "":
        return None
    return getattr(province, "pk", province)


def member_condition(start: datetime.date, end: datetime.date) -> Q:
    """Organisations that were members of the network during [start, end]."""
    from network.models import Approval, NetworkStatus

    return (
        Q(is_active=True)
        & ~Q(approval__in=[Approval.PENDING, Approval.REJECTED])
        & ~Q(network_status=NetworkStatus.CANDIDATE)
        & ~Q(network_status=NetworkStatus.LEFT, left_on__isnull=True)
        & (Q(joined_on__isnull=True) | Q(joined_on__lte=end))
        & (Q(left_on__isnull=True) | Q(left_on__gte=start))
    )


def agreements_in_period(start: datetime.date, end: datetime.date):
    """Agreements signed by the end of the period and still in force at its start (not expired, not
    withdrawn before it): signed, expired (while they ran) or withdrawn (before the withdrawal)."""
    from network.models import Agreement, AgreementStatus

    return (
        Agreement.objects.filter(
            status__in=[AgreementStatus.SIGNED, AgreementStatus.EXPIRED, AgreementStatus.WITHDRAWN],
            signed_on__isnull=False,
            signed_on__lte=end,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
        .exclude(status=AgreementStatus.WITHDRAWN, withdrawn_on__isnull=True)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=start))
    )


def _pairs(groups: dict[int, set[int]], counts: Counter) -> None:
    """Add one to every pair of organisations found together in a group (an agreement, a meeting...)."""
    for members in groups.values():
        for pair in combinations(sorted(members), 2):
            counts[pair] += 1


def tie_counts(
    start: datetime.date, end: datetime.date, province=None, tie_kinds: Iterable[str] = TIE_KINDS
) -> dict[str, Counter]:
    """For each kind of tie, a Counter {(org_id, org_id): count} with the smaller id first."""
    from activities.models import Activity, ActivityStatus
    from network.models import AgreementParty, MeetingParticipant, MeetingStatus, Presence
    from paths.models import Referral

    province_id = _province_id(province)
    period = Period(start, end)
    first, after = period.bounds()
    counts: dict[str, Counter] = {kind: Counter() for kind in TIE_KINDS}
    kinds = set(tie_kinds)

    def in_territory(prefix: str) -> Q:
        return Q(**{f"{prefix}municipality__province_id": province_id}) if province_id else Q()

    if "agreements" in kinds:
        groups: dict[int, set[int]] = defaultdict(set)
        rows = (
            AgreementParty.objects.filter(agreement__in=agreements_in_period(start, end))
            .filter(in_territory("organisation__"))
            .order_by()
            .values_list("agreement_id", "organisation_id")
        )
        for agreement_id, organisation_id in rows:
            groups[agreement_id].add(organisation_id)
        _pairs(groups, counts["agreements"])
    if "meetings" in kinds:
        groups = defaultdict(set)
        rows = (
            MeetingParticipant.objects.filter(
                meeting__status=MeetingStatus.HELD,
                meeting__starts_at__gte=first,
                meeting__starts_at__lt=after,
                presence=Presence.PRESENT,
            )
            .filter(in_territory("organisation__"))
            .order_by()
            .values_list("meeting_id", "organisation_id")
        )
        for meeting_id, organisation_id in rows:
            groups[meeting_id].add(organisation_id)
        _pairs(groups, counts["meetings"])
    if "activities" in kinds:
        groups = defaultdict(set)
        # One row per partner, with its activity's organiser: activities without partners make no tie.
        partners = Activity.partners.through.objects.filter(
            activity__start_date__lte=end, activity__end_date__gte=start
        ).exclude(activity__status=ActivityStatus.CANCELLED)
        if province_id:
            partners = partners.filter(
                organisation__municipality__province_id=province_id,
            )
        rows = partners.order_by().values_list(
            "activity_id",
            "activity__organiser_id",
            "activity__organiser__municipality__province_id",
            "organisation_id",
        )
        for activity_id, organiser_id, organiser_province, partner_id in rows:
            members = groups[activity_id]
            members.add(partner_id)
            if not province_id or organiser_province == province_id:
                members.add(organiser_id)
        _pairs(groups, counts["activities"])
    if "referrals" in kinds:
        referrals = Referral.objects.filter(sent_at__gte=first, sent_at__lt=after)
        if province_id:
            referrals = referrals.filter(
                in_territory("from_organisation__"), in_territory("to_organisation__")
            )
        rows = (
            referrals.order_by()
            .values("from_organisation_id", "to_organisation_id")
            .annotate(n=Count("pk"))
            .values_list("from_organisation_id", "to_organisation_id", "n")
        )
        for sender, receiver, n in rows:
            if sender != receiver:
                counts["referrals"][(min(sender, receiver), max(sender, receiver))] += n
    return counts


def build_graph(
    start: datetime.date, end: datetime.date, province=None, tie_kinds: Iterable[str] = TIE_KINDS
) -> nx.Graph:
    """The network of the period [start, end] (both included) as an undirected weighted graph.

    Node ids are organisation ids, with attributes `name`, `kind`, `sectors` (a sorted tuple of codes),
    `province` (abbreviation of the seat's province) and `migrant_led`. Each tie has a `weight` and one
    count per kind of tie (`agreements`, `meetings`, `activities`, `referrals`)."""
    from network.models import Organisation

    tie_kinds = tuple(kind for kind in TIE_KINDS if kind in set(tie_kinds))
    province_id = _province_id(province)
    counts = tie_counts(start, end, province_id, tie_kinds)
    organisations = Organisation.objects.all()
    if province_id:
        organisations = organisations.filter(municipality__province_id=province_id)
    rows = (
        organisations.annotate(
            member=Case(
                When(member_condition(start, end), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("name", "pk")
        .values_list(
            "pk", "name", "kind", "sectors", "municipality__province__abbreviation", "migrant_led", "member"
        )
    )
    tied = {node for kind in tie_kinds for pair in counts[kind] for node in pair}
    G = nx.Graph(
        start=start.isoformat(), end=end.isoformat(), province=province_id or "", tie_kinds=tie_kinds
    )
    for pk, name, kind, sectors, province_code, migrant_led, member in rows:
        if member or pk in tied:
            G.add_node(
                pk,
                name=name,
                kind=kind,
                sectors=tuple(sorted(set(sectors or ()))),
                province=province_code or "",
                migrant_led=bool(migrant_led),
            )
    for kind in tie_kinds:
        for (a, b), n in counts[kind].items():
            if a not in G or b not in G:  # an organisation outside the territory
                continue
            if G.has_edge(a, b):
                G[a][b][kind] = n
                G[a][b]["weight"] += n
            else:
                G.add_edge(a, b, weight=n, **dict.fromkeys(TIE_KINDS, 0) | {kind: n})
    return G


# --- Metrics -------------------------------------------------------------------------------------------------


def betweenness(G: nx.Graph, sample: int = BETWEENNESS_SAMPLE, seed: int = BETWEENNESS_SEED) -> dict:
    """Normalised (unweighted, hop-count) betweenness centrality, as networkx computes it
    (`betweenness_centrality(G, k, normalized=True, seed=seed)`, the same sources and scaling), but with
    the breadth-first searches vectorised with numpy: networkx took about 10 s for 200 sources on 5,000
    organisations and 50,000 ties, this takes about 1 s. Exact up to `sample` organisations; above, an
    estimate from `sample` sources drawn with `seed`."""
    nodes = list(G.nodes())
    n = len(nodes)
    result = dict.fromkeys(nodes, 0.0)
    if n < 3 or G.number_of_edges() == 0:
        return result
    index = {node: i for i, node in enumerate(nodes)}
    pairs = np.array([(index[u], index[v]) for u, v in G.edges() if u != v], dtype=np.int64).reshape(-1, 2)
    src = np.concatenate([pairs[:, 0], pairs[:, 1]])
    dst = np.concatenate([pairs[:, 1], pairs[:, 0]])
    order = np.argsort(src, kind="stable")
    src, dst = src[order], dst[order]
    degree = np.bincount(src, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(degree, out=indptr[1:])

    sampled = None
    if sample and sample < n:
        sampled = random.Random(seed).sample(nodes, sample)
        sources = [index[node] for node in sampled]
    else:
        sources = range(n)
    total = np.zeros(n)
    for s in sources:
        dist = np.full(n, -1, dtype=np.int64)
        dist[s] = 0
        sigma = np.zeros(n)
        sigma[s] = 1.0
        frontier = np.array([s], dtype=np.int64)
        levels = []
        depth = 0
        while frontier.size:
            counts = degree[frontier]
            size = int(counts.sum())
            if not size:
                break
            # The positions of every neighbour of the frontier in `dst`, without a Python loop.
            ends = np.cumsum(counts)
            positions = np.repeat(indptr[frontier] - ends + counts, counts) + np.arange(size)
            u = np.repeat(frontier, counts)
            w = dst[positions]
            new = np.unique(w[dist[w] < 0])
            dist[new] = depth + 1
            on_path = dist[w] == depth + 1
            u, w = u[on_path], w[on_path]
            sigma += np.bincount(w, weights=sigma[u], minlength=n)
            levels.append((u, w))
            frontier = new
            depth += 1
        delta = np.zeros(n)
        for u, w in reversed(levels):
            delta += np.bincount(u, weights=sigma[u] / sigma[w] * (1.0 + delta[w]), minlength=n)
        delta[s] = 0.0
        total += delta
    # networkx's scaling (normalized, endpoints excluded), including its correction for sampled sources.
    N = n - 1
    if sampled is None:
        scale = np.full(n, 1.0 / (N * (N - 1)))
    else:
        k = len(sampled)
        scale = np.full(n, 1.0 / (k * (N - 1)))
        scale[[index[node] for node in sampled]] = 1.0 / ((k - 1) * (N - 1)) if k > 1 else math.nan
    values = total * scale
    return {node: float(values[i]) for i, node in enumerate(nodes)}


def _node_row(G: nx.Graph, node, degree: dict, strength: dict, between: dict) -> dict:
    data = G.nodes[node]
    return {
        "id": node,
        "name": data.get("name", str(node)),
        "kind": data.get("kind", ""),
        "province": data.get("province", ""),
        "degree": degree[node],
        "weighted_degree": strength[node],
        "betweenness": between[node],
    }


def metrics(G: nx.Graph, top: int = TOP) -> dict:
    """The figures of a network (JSON-ready).

    - `density`: ties / possible ties (networkx `density`);
    - `isolated`: organisations with no tie, sorted by name;
    - `cross_sector_ties`: ties whose two organisations have declared sectors and **no sector in common**;
      `cross_sector_share` is their share of the ties whose two organisations both declared sectors
      (`ties_with_sectors`), None when there is none. `cross_kind_ties` / `cross_kind_share`: ties between
      organisations of different kinds (a municipality and an association), over all ties;
    - `components`: connected groups of organisations with at least one tie (isolated organisations are
      counted apart); `largest_component`: the organisations in the biggest one;
    - `central`: the `top` organisations by weighted degree (the sum of their ties' weights), with their
      number of ties and betweenness; `brokers`: the `top` by betweenness (how often an organisation lies
      on the shortest path between two others: exact up to 200 organisations, sampled above).
    """
    n = G.number_of_nodes()
    m = G.number_of_edges()
    degree = dict(G.degree())
    strength = dict(G.degree(weight="weight"))
    names = {node: G.nodes[node].get("name", str(node)) for node in G}
    isolated = sorted((node for node, d in degree.items() if d == 0), key=lambda node: (names[node], node))
    by_kind = Counter(G.nodes[node].get("kind", "") for node in G)
    ties_by_kind = dict.fromkeys(TIE_KINDS, 0)
    cross_sector = with_sectors = cross_kind = 0
    total_weight = 0
    for u, v, data in G.edges(data=True):
        total_weight += data.get("weight", 1)
        for kind in TIE_KINDS:
            if data.get(kind):
                ties_by_kind[kind] += 1
        a, b = G.nodes[u], G.nodes[v]
        sectors_a, sectors_b = set(a.get("sectors") or ()), set(b.get("sectors") or ())
        if sectors_a and sectors_b:
            with_sectors += 1
            if not sectors_a & sectors_b:
                cross_sector += 1
        if a.get("kind") != b.get("kind"):
            cross_kind += 1
    connected = [c for c in nx.connected_components(G) if len(c) > 1]
    between = betweenness(G)
    rows = [_node_row(G, node, degree, strength, between) for node in G]
    central = sorted(rows, key=lambda r: (-r["weighted_degree"], -r["betweenness"], r["name"], r["id"]))[:top]
    brokers = sorted(
        (r for r in rows if r["betweenness"] > 0),
        key=lambda r: (-r["betweenness"], -r["weighted_degree"], r["name"], r["id"]),
    )[:top]
    return {
        "organisations": n,
        "by_kind": dict(sorted(by_kind.items(), key=lambda item: (-item[1], item[0]))),
        "ties": m,
        "ties_by_kind": ties_by_kind,
        "total_weight": total_weight,
        "density": nx.density(G) if n > 1 else 0.0,
        "average_degree": 2 * m / n if n else 0.0,
        "isolated": isolated,
        "isolated_count": len(isolated),
        "cross_sector_ties": cross_sector,
        "ties_with_sectors": with_sectors,
        "cross_sector_share": cross_sector / with_sectors if with_sectors else None,
        "cross_kind_ties": cross_kind,
        "cross_kind_share": cross_kind / m if m else None,
        "components": len(connected),
        "largest_component": max((len(c) for c in connected), default=0),
        "central": central,
        "brokers": brokers,
        "betweenness_sampled": n > BETWEENNESS_SAMPLE,
    }


# --- Two periods ---------------------------------------------------------------------------------------------


@dataclass
class Comparison:
    """Period A (the one examined) against period B (the one it is compared with)."""

    period_a: Period
    period_b: Period
    graph_a: nx.Graph
    graph_b: nx.Graph
    metrics_a: dict
    metrics_b: dict
    change: dict = field(default_factory=dict)


def _difference(a, b):
    if a is None or b is None:
        return None
    return a - b


def change_between(graph_a: nx.Graph, graph_b: nx.Graph, metrics_a: dict, metrics_b: dict) -> dict:
    """How A differs from B: ties present in A only (new) or in B only (lost), ties in both whose weight
    grew or fell, organisations in A only, and the differences of the headline figures (A minus B)."""

    def ties(G):
        return {(min(u, v), max(u, v)): data.get("weight", 1) for u, v, data in G.edges(data=True)}

    ties_a, ties_b = ties(graph_a), ties(graph_b)
    kept = ties_a.keys() & ties_b.keys()
    return {
        "new_ties": len(ties_a.keys() - ties_b.keys()),
        "lost_ties": len(ties_b.keys() - ties_a.keys()),
        "kept_ties": len(kept),
        "stronger_ties": sum(1 for pair in kept if ties_a[pair] > ties_b[pair]),
        "weaker_ties": sum(1 for pair in kept if ties_a[pair] < ties_b[pair]),
        "new_organisations": len(set(graph_a) - set(graph_b)),
        "organisations": metrics_a["organisations"] - metrics_b["organisations"],
        "ties": metrics_a["ties"] - metrics_b["ties"],
        "density": metrics_a["density"] - metrics_b["density"],
        "average_degree": metrics_a["average_degree"] - metrics_b["average_degree"],
        "isolated": metrics_a["isolated_count"] - metrics_b["isolated_count"],
        "components": metrics_a["components"] - metrics_b["components"],
        "cross_sector_share": _difference(metrics_a["cross_sector_share"], metrics_b["cross_sector_share"]),
        "cross_kind_share": _difference(metrics_a["cross_kind_share"], metrics_b["cross_kind_share"]),
    }


def compare(
    period_a: Period, period_b: Period, province=None, tie_kinds: Iterable[str] = TIE_KINDS, top: int = TOP
) -> Comparison:
    """The metrics of two periods and the change from B to A: "are our partnerships stronger than last
    year?" is period A = the last twelve months against period B = the twelve months before."""
    tie_kinds = tuple(tie_kinds)
    graph_a = build_graph(period_a.start, period_a.end, province, tie_kinds)
    graph_b = build_graph(period_b.start, period_b.end, province, tie_kinds)
    metrics_a, metrics_b = metrics(graph_a, top), metrics(graph_b, top)
    return Comparison(
        period_a,
        period_b,
        graph_a,
        graph_b,
        metrics_a,
        metrics_b,
        change_between(graph_a, graph_b, metrics_a, metrics_b),
    )


# --- Exports -------------------------------------------------------------------------------------------------

# A spreadsheet treats text starting with one of these as a formula (or the start of one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """Text a spreadsheet shows and never evaluates (OWASP, CSV injection): formula-like text gets a
    leading apostrophe. Numbers pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def graphml_bytes(G: nx.Graph) -> bytes:
    """The graph as GraphML (UTF-8). Sectors are written as codes separated by ';'."""
    H = nx.Graph()
    H.graph.update(
        {
            "start": str(G.graph.get("start", "")),
            "end": str(G.graph.get("end", "")),
            "province": str(G.graph.get("province", "")),
            "tie_kinds": ";".join(G.graph.get("tie_kinds", TIE_KINDS)),
        }
    )
    for node, data in G.nodes(data=True):
        H.add_node(
            node,
            name=data.get("name", ""),
            kind=data.get("kind", ""),
            sectors=";".join(data.get("sectors") or ()),
            province=data.get("province", ""),
            migrant_led=bool(data.get("migrant_led", False)),
        )
    for u, v, data in G.edges(data=True):
        H.add_edge(
            u, v, weight=int(data.get("weight", 1)), **{kind: int(data.get(kind, 0)) for kind in TIE_KINDS}
        )
    buffer = io.BytesIO()
    nx.write_graphml(H, buffer, encoding="utf-8", prettyprint=False)
    return buffer.getvalue()


def nodes_csv(G: nx.Graph) -> str:
    degree, strength = dict(G.degree()), dict(G.degree(weight="weight"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "name", "kind", "sectors", "province", "migrant_led", "ties", "weighted_degree"])
    for node in sorted(G, key=lambda node: (G.nodes[node].get("name", ""), node)):
        data = G.nodes[node]
        writer.writerow(
            [
                node,
                csv_safe(data.get("name", "")),
                data.get("kind", ""),
                ";".join(data.get("sectors") or ()),
                data.get("province", ""),
                "1" if data.get("migrant_led") else "0",
                degree[node],
                strength[node],
            ]
        )
    return out.getvalue()


def edges_csv(G: nx.Graph) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["source", "target", "source_name", "target_name", "weight", *TIE_KINDS])
    edges = sorted((min(u, v), max(u, v), data) for u, v, data in G.edges(data=True))
    for u, v, data in edges:
        writer.writerow(
            [
                u,
                v,
                csv_safe(G.nodes[u].get("name", "")),
                csv_safe(G.nodes[v].get("name", "")),
                data.get("weight", 1),
                *[data.get(kind, 0) for kind in TIE_KINDS],
            ]
        )
    return out.getvalue()


def csv_zip_bytes(G: nx.Graph) -> bytes:
    """A ZIP with `nodes.csv` and `edges.csv` (UTF-8 with BOM, so that spreadsheets read the accents)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nodes.csv", "\ufeff" + nodes_csv(G))
        archive.writestr("edges.csv", "\ufeff" + edges_csv(G))
    return buffer.getvalue()


# --- Picture -------------------------------------------------------------------------------------------------


@dataclass
class Picture:
    svg: SafeString
    shown: list  # node ids in the picture, most connected first
    total: int  # organisations in the network
    ties_shown: int
    legend: list[tuple[str, str, int]]  # (kind, colour, organisations shown)


def top_nodes(G: nx.Graph, limit: int = PICTURE_LIMIT) -> list:
    strength = dict(G.degree(weight="weight"))
    return sorted(G, key=lambda node: (-strength[node], G.nodes[node].get("name", ""), node))[:limit]


def picture(
    G: nx.Graph,
    *,
    title: str,
    description: str,
    kind_labels: dict | None = None,
    limit: int = PICTURE_LIMIT,
    shown: list | None = None,
) -> Picture:
    """The graph drawn as SVG: the `limit` organisations with the heaviest ties, or `shown` (spring layout with a fixed
    seed, so the same data gives the same picture), circles coloured by kind and sized by weighted degree,
    lines as thick as the tie is heavy, a legend, and the names of the most connected organisations."""
    kind_labels = kind_labels or {}
    shown = shown if shown is not None else top_nodes(G, limit)
    H = G.subgraph(shown)
    width, height, margin = 960, 560, 40
    strength = dict(H.degree(weight="weight"))
    heaviest = max(strength.values(), default=0) or 1
    positions = nx.spring_layout(H, seed=LAYOUT_SEED) if len(H) > 1 else dict.fromkeys(H, (0.0, 0.0))

    # Stretch the layout to the whole box on both axes (spring_layout keeps the aspect ratio of a circle).
    xs = [float(x) for x, _y in positions.values()] or [0.0]
    ys = [float(y) for _x, y in positions.values()] or [0.0]
    x_low, x_span = min(xs), (max(xs) - min(xs)) or 1.0
    y_low, y_span = min(ys), (max(ys) - min(ys)) or 1.0

    def xy(node) -> tuple[float, float]:
        x, y = positions[node]
        if len(H) == 1:
            return width / 2, height / 2
        return (
            margin + (float(x) - x_low) / x_span * (width - 2 * margin),
            margin + (float(y) - y_low) / y_span * (height - 2 * margin),
        )

    kinds_shown = Counter(H.nodes[node].get("kind", "") for node in H)
    legend = [
        (kind, KIND_COLOURS.get(kind, OTHER_COLOUR), count)
        for kind, count in sorted(kinds_shown.items(), key=lambda item: (-item[1], item[0]))
    ]
    columns = 3
    legend_rows = math.ceil(len(legend) / columns)
    total_height = height + 20 + legend_rows * 22
    parts = [
        f'<svg class="network-graph" viewBox="0 0 {width} {total_height}" role="img" '
        f'aria-labelledby="network-graph-title network-graph-desc" preserveAspectRatio="xMidYMin meet" '
        f'style="direction: ltr; max-width: 100%; height: auto" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="network-graph-title">{escape(title)}</title>',
        f'<desc id="network-graph-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{total_height}" fill="#ffffff"></rect>',
        '<g stroke="#7a8a99" stroke-opacity="0.55" stroke-linecap="round">',
    ]
    for u, v, data in sorted(H.edges(data=True), key=lambda e: (e[2].get("weight", 1), min(e[0], e[1]))):
        (x1, y1), (x2, y2) = xy(u), xy(v)
        stroke = min(6.0, 0.6 + 1.2 * math.log2(1 + data.get("weight", 1)))
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke-width="{stroke:.2f}"></line>'
        )
    parts.append('</g><g stroke="#ffffff" stroke-width="1">')
    for node in reversed(shown):  # the most connected drawn last, on top
        x, y = xy(node)
        data = H.nodes[node]
        radius = 5 + 9 * math.sqrt(strength[node] / heaviest)
        colour = KIND_COLOURS.get(data.get("kind", ""), OTHER_COLOUR)
        label = _("%(name)s (%(kind)s): %(ties)s ties, weighted degree %(weight)s") % {
            "name": data.get("name", node),
            "kind": kind_labels.get(data.get("kind", ""), data.get("kind", "")),
            "ties": H.degree(node),
            "weight": strength[node],
        }
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{colour}"><title>{escape(label)}</title></circle>'
        )
    parts.append("</g>")
    parts.append(
        '<g font-size="11" fill="#17324d" stroke="#ffffff" stroke-width="3" paint-order="stroke" '
        'font-family="Titillium Web, sans-serif">'
    )
    placed: list[tuple[float, float, float]] = []  # (x, y, width) of the labels written
    for node in shown[:LABELLED]:
        if not H.degree(node):
            continue
        x, y = xy(node)
        name = H.nodes[node].get("name", str(node))
        name = name if len(name) <= 32 else name[:31] + "…"
        left, top, span = x + 9, y - 7, 6.2 * len(name)
        # A label that would cover one already written is left out: the tables name everyone.
        if any(abs(top - other_top) < 13 and left < other_left + other_span and other_left < left + span
               for other_left, other_top, other_span in placed):  # fmt: skip
            continue
        placed.append((left, top, span))
        parts.append(f'<text x="{left:.1f}" y="{top:.1f}">{escape(name)}</text>')
    parts.append("</g>")
    parts.append('<g font-size="12" fill="#17324d" font-family="Titillium Web, sans-serif">')
    column_width = width / columns
    for i, (kind, colour, count) in enumerate(legend):
        x = 20 + (i % columns) * column_width
        y = height + 20 + (i // columns) * 22
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}"></circle>')
        parts.append(
            f'<text x="{x + 12:.1f}" y="{y + 4:.1f}">{escape(str(kind_labels.get(kind, kind)))} ({count})</text>'
        )
    parts.append("</g></svg>")
    return Picture(
        svg=mark_safe("".join(parts)),  # noqa: S308 - every text above is escaped, the rest is numbers
        shown=shown,
        total=G.number_of_nodes(),
        ties_shown=H.number_of_edges(),
        legend=legend,
    )


def strongest_ties(G: nx.Graph, nodes: Iterable | None = None, limit: int = 20) -> list[dict]:
    """The heaviest ties (among `nodes` when given), with both names and the count of each kind."""
    H = G.subgraph(nodes) if nodes is not None else G
    rows = []
    for u, v, data in H.edges(data=True):
        a, b = sorted((u, v), key=lambda node: (G.nodes[node].get("name", ""), node))
        rows.append(
            {
                "a": a,
                "b": b,
                "a_name": G.nodes[a].get("name", str(a)),
                "b_name": G.nodes[b].get("name", str(b)),
                "weight": data.get("weight", 1),
                **{kind: data.get(kind, 0) for kind in TIE_KINDS},
            }
        )
    rows.sort(key=lambda r: (-r["weight"], r["a_name"], r["b_name"]))
    return rows[:limit]
