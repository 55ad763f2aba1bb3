"""Benchmarks of the network analytics (issue 5).

(a) `network.analytics.metrics()` on a synthetic network of 5,000 organisations and 50,000 ties built in
    memory, with the attributes `build_graph` gives (name, kind, sectors, province, migrant_led; ties with a
    weight and a count per kind). Target: under 5 s. p50 of 3 runs, with the betweenness (sampled from 200
    organisations) timed apart.
(b) on the demo database, when it is seeded: `build_graph` for the last twelve months, `compare` of the last
    twelve months with the twelve before, and the analytics page (`network_analytics:overview`) as the regional
    coordinator sees it, with its number of queries. p50 of 3 runs.

`run(results)` fills `results["network"]` and returns markdown lines (for `bench/run.py`). Standalone:

    .venv/bin/python bench/bench_network.py                       # the synthetic network only, no database
    SQLITE_NAME=/tmp/bench.sqlite3 .venv/bin/python bench/bench_network.py   # and the seeded demo database

BENCH_NETWORK_NX=1 also times networkx's own `betweenness_centrality(k=200)` on the synthetic network, for
comparison (about 10 s on the development machine).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORGANISATIONS = 5_000
TIES = 50_000
RUNS = 3
METRICS_TARGET_S = 5.0
DEMO_DOMAIN = "@demo.interazioni.example.org"

KINDS = [
    ("municipality", 25), ("third_sector", 25), ("school", 12), ("migrant_association", 10), ("informal_group", 4),
    ("social_district", 3), ("health_authority", 3), ("job_centre", 4), ("university", 1), ("prefecture", 1),
    ("social_partner", 4), ("employer", 7), ("region", 1),
]  # fmt: skip
PROVINCES = [("NA", 50), ("CE", 18), ("SA", 20), ("AV", 6), ("BN", 6)]
SECTORS = ["social", "labour", "education", "health", "housing", "legal", "culture"]
TIE_WEIGHTS = [("agreements", 20), ("meetings", 45), ("activities", 20), ("referrals", 15)]


def p50(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def synthetic_network(organisations: int = ORGANISATIONS, ties: int = TIES, seed: int = 5):
    """A network shaped like the real one: organisations clustered by province (four ties in five inside it),
    a few hubs (one end of each tie is drawn by a heavy-tailed popularity), 3% of organisations without ties,
    ties of the four kinds with counts of 1 to 6."""
    import networkx as nx

    from network.analytics import TIE_KINDS

    rng = random.Random(seed)
    G = nx.Graph(start="2025-01-01", end="2025-12-31", province="", tie_kinds=TIE_KINDS)
    kinds, kind_weights = zip(*KINDS, strict=True)
    provinces, province_weights = zip(*PROVINCES, strict=True)
    tie_kinds, tie_weights = zip(*TIE_WEIGHTS, strict=True)
    by_province: dict[str, list[int]] = {code: [] for code in provinces}
    for node in range(1, organisations + 1):
        kind = rng.choices(kinds, kind_weights)[0]
        province = rng.choices(provinces, province_weights)[0]
        G.add_node(
            node,
            name=f"Ente {node:05d}",
            kind=kind,
            sectors=tuple(sorted(rng.sample(SECTORS, rng.randint(1, 3)))),
            province=province,
            migrant_led=kind in ("migrant_association", "informal_group"),
        )
        if rng.random() > 0.03:  # the others stay without ties
            by_province[province].append(node)
    connected = [node for nodes in by_province.values() for node in nodes]
    # Popularity: a few hubs (the Region, big municipalities) gather many ties.
    popularity = {node: rng.paretovariate(1.6) for node in connected}

    def pool(nodes):  # cumulative weights computed once: a draw is then a bisection
        return nodes, list(accumulate(popularity[n] for n in nodes))

    pools = {code: pool(nodes) for code, nodes in by_province.items() if nodes}
    everyone = pool(connected)
    made = 0
    while made < ties:
        a = rng.choices(everyone[0], cum_weights=everyone[1])[0]
        nodes, _cum = pools[G.nodes[a]["province"]] if rng.random() < 0.8 else everyone
        b = nodes[int(rng.random() * len(nodes))]  # the partner: any organisation, hub or not
        if a == b:
            continue
        kind = rng.choices(tie_kinds, tie_weights)[0]
        count = rng.randint(1, 6)
        if G.has_edge(a, b):
            G[a][b][kind] += count
            G[a][b]["weight"] += count
        else:
            G.add_edge(a, b, weight=count, **dict.fromkeys(TIE_KINDS, 0) | {kind: count})
            made += 1  # number_of_edges() counts them all each time: too slow in this loop
    return G


def bench_synthetic() -> dict:
    from network import analytics

    started = time.perf_counter()
    G = synthetic_network()
    built = time.perf_counter() - started
    metrics_runs, betweenness_runs = [], []
    result = {}
    for _ in range(RUNS):
        began = time.perf_counter()
        result = analytics.metrics(G)
        metrics_runs.append(time.perf_counter() - began)
        began = time.perf_counter()
        analytics.betweenness(G)
        betweenness_runs.append(time.perf_counter() - began)
    out = {
        "organisations": G.number_of_nodes(),
        "ties": G.number_of_edges(),
        "build_s": round(built, 2),
        "metrics_p50_s": p50(metrics_runs),
        "metrics_runs_s": [round(t, 3) for t in metrics_runs],
        "betweenness_p50_s": p50(betweenness_runs),
        "under_target": p50(metrics_runs) < METRICS_TARGET_S,
        "density": round(result["density"], 5),
        "isolated": result["isolated_count"],
        "components": result["components"],
        "betweenness_sampled": result["betweenness_sampled"],
    }
    if os.environ.get("BENCH_NETWORK_NX") == "1":
        import networkx as nx

        began = time.perf_counter()
        nx.betweenness_centrality(G, k=analytics.BETWEENNESS_SAMPLE, seed=analytics.BETWEENNESS_SEED)
        out["networkx_betweenness_s"] = round(time.perf_counter() - began, 2)
    return out


def bench_demo() -> dict:
    """build_graph, compare and the page on the seeded demo database (skipped when it is not seeded)."""
    from django.db import connection
    from django.db.utils import OperationalError
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Membership
    from network import analytics
    from network.models import Agreement, Meeting, Organisation

    try:
        if not Organisation.objects.filter(is_demo=True).exists():
            return {"error": "the database has no demo data (run manage.py seed_demo)"}
    except OperationalError as error:
        return {"error": f"no usable database ({error})"}
    period_a, period_b = analytics.default_periods()
    out: dict = {
        "rows": {
            "organisations": Organisation.objects.count(),
            "agreements": Agreement.objects.count(),
            "meetings": Meeting.objects.count(),
        }
    }
    timings = []
    for _ in range(RUNS):
        began = time.perf_counter()
        graph = analytics.build_graph(period_a.start, period_a.end)
        timings.append(time.perf_counter() - began)
    out["build_graph"] = {
        "p50_s": p50(timings),
        "organisations": graph.number_of_nodes(),
        "ties": graph.number_of_edges(),
    }
    timings = []
    for _ in range(RUNS):
        began = time.perf_counter()
        comparison = analytics.compare(period_a, period_b)
        timings.append(time.perf_counter() - began)
    out["compare"] = {
        "p50_s": p50(timings),
        "ties_a": comparison.metrics_a["ties"],
        "ties_b": comparison.metrics_b["ties"],
        "new_ties": comparison.change["new_ties"],
        "lost_ties": comparison.change["lost_ties"],
    }
    membership = (
        Membership.objects.filter(role="regional_coordinator", user__email__endswith=DEMO_DOMAIN)
        .select_related("user")
        .first()
    )
    if membership is None:
        out["page"] = {"error": "no demo regional coordinator"}
        return out
    client = Client()
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("network_analytics:overview")
    client.get(url, HTTP_HOST="127.0.0.1")
    timings = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            timings.append(time.perf_counter() - began)
    out["page"] = {
        "url": url,
        "status": response.status_code,
        "p50_ms": round(statistics.median(timings) * 1000, 1),
        "queries": len(captured.captured_queries),
    }
    return out


def run(results: dict) -> list[str]:
    """Run both benchmarks; fill results["network"] and return markdown lines."""
    print("  network: metrics of 5,000 organisations and 50,000 ties…", flush=True)
    out = {"synthetic": bench_synthetic()}
    print("  network: the demo database…", flush=True)
    out["demo"] = bench_demo()
    results["network"] = out
    return markdown(out)


def markdown(out: dict) -> list[str]:
    synthetic = out["synthetic"]
    lines = [
        "## Network analytics (issue 5)",
        "",
        f"### Metrics of {synthetic['organisations']:,} organisations and {synthetic['ties']:,} ties "
        f"— target < {METRICS_TARGET_S:g} s",
        "",
        "| step | p50 s (3 runs) |",
        "|---|---|",
        f"| `analytics.metrics()` (everything) | {synthetic['metrics_p50_s']} |",
        f"| of which betweenness (200 sampled sources, numpy) | {synthetic['betweenness_p50_s']} |",
    ]
    if "networkx_betweenness_s" in synthetic:
        lines.append(
            f"| networkx `betweenness_centrality(k=200)`, for comparison | {synthetic['networkx_betweenness_s']} |"
        )
    lines += [
        "",
        f"Target met: {'yes' if synthetic['under_target'] else 'NO'}. Synthetic graph built in {synthetic['build_s']} s; "
        f"density {synthetic['density']}, {synthetic['isolated']} organisations without ties, "
        f"{synthetic['components']} connected group(s).",
    ]
    demo = out["demo"]
    lines += ["", "### On the demo database", ""]
    if "error" in demo:
        lines.append(f"Not measured: {demo['error']}.")
        return lines
    rows = demo["rows"]
    lines += [
        f"Data: {rows['organisations']} organisations, {rows['agreements']} agreements, {rows['meetings']} meetings.",
        "",
        "| step | p50 |",
        "|---|---|",
        f"| `build_graph` (last 12 months: {demo['build_graph']['organisations']} organisations, "
        f"{demo['build_graph']['ties']} ties) | {demo['build_graph']['p50_s']} s |",
        f"| `compare` (last 12 months vs the 12 before: {demo['compare']['ties_a']} vs {demo['compare']['ties_b']} "
        f"ties, {demo['compare']['new_ties']} new, {demo['compare']['lost_ties']} lost) | {demo['compare']['p50_s']} s |",
    ]
    page = demo.get("page", {})
    if "error" in page:
        lines.append(f"| analytics page | {page['error']} |")
    elif page:
        lines.append(
            f"| analytics page `{page['url']}` (coordinator, HTTP {page['status']}, {page['queries']} queries) "
            f"| {page['p50_ms']} ms |"
        )
    return lines


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interazioni.settings")
    import django

    django.setup()
    results: dict = {}
    lines = run(results)
    print("\n".join(lines))
    print(json.dumps(results["network"], indent=2, default=str))


if __name__ == "__main__":
    main()
