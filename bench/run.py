"""Benchmarks (`make bench`): seeds the campania dataset on a scratch SQLite database, then times the
participant pages and API. Writes bench/results/results.json and bench/results/results.md.

Targets (issue 2): campania seed < 120 s; participant list and API list with a constant query count.
Targets (issue 3): timeline, referral queues and caseload under 10 concurrent users, p95 < 150 ms, served
by gunicorn like production (bench/load.py says how the load is made).
Targets (issue 6): ESCO search-as-you-type and matching hints p95 < 100 ms (bench/bench_skills.py).
Targets (issue 7): directory search p95 < 30 ms at 10,000 services in 8 languages on SQLite and PostgreSQL;
a portal page < 200 KB transferred on first visit, fonts included (bench/bench_directory.py).
"""

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402  (bench/load.py, next to this file)

RESULTS = ROOT / "bench" / "results"
DB = RESULTS / "bench.sqlite3"
SIZE = os.environ.get("BENCH_SIZE", "campania")
USERS = int(os.environ.get("BENCH_USERS", "10"))
REQUESTS_PER_USER = int(os.environ.get("BENCH_REQUESTS", "30"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "0")) or load.cpu_count() + 1
CONCURRENCY_TARGET_MS = 150
DEMO_DOMAIN = "@demo.interazioni.example.org"


def manage(*args: str, env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def time_requests(client, url: str, repeat: int = 20) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    timings.sort()
    return {
        "url": url,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "queries": queries,
    }


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[max(0, math.ceil(len(sorted_values) * share) - 1)]


def queries_of(user, url: str) -> int:
    """Queries of one request made alone (in process, with Django's test client)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    client.get(url, HTTP_HOST="127.0.0.1")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def concurrency_bench(env: dict) -> list[dict]:
    """The Napoli and Approdi operators' timeline (busiest participants), referral queues and caseload,
    served by gunicorn, under USERS virtual users in the two regimes of bench/load.py."""
    from django.db.models import Count
    from django.urls import reverse

    from accounts.models import User
    from paths.models import ServiceRecord

    rows = []
    with load.Server(env, WORKERS) as server:
        for email in ("operatrice.napoli" + DEMO_DOMAIN, "sportello.approdi" + DEMO_DOMAIN):
            user = User.objects.select_related("active_membership").get(email=email)
            organisation_id = user.active_membership.organisation_id
            busiest = list(
                ServiceRecord.objects.filter(participant__owner_id=organisation_id)
                .values("participant_id")
                .annotate(n=Count("pk"))
                .order_by("-n", "participant_id")
                .values_list("participant_id", flat=True)[:10]
            )
            pages = {
                "timeline": [reverse("paths:timeline", args=[pid]) for pid in busiest],
                "referral_queues": [reverse("paths:referral_queues")],
                "caseload": [reverse("paths:caseload")],
            }
            cookies = [load.session_cookie(user) for _ in range(USERS)]
            for page, urls in pages.items():
                if not urls:
                    continue
                queries = queries_of(user, urls[0])
                for url in urls:  # warm up every worker's caches once
                    for _ in range(WORKERS):
                        server.get(url, cookies[0])
                for regime, think in (("saturation", None), ("paced", load.PACED_THINK_S)):
                    result = load.run_load(server, cookies, urls, REQUESTS_PER_USER, think)
                    rows.append(
                        {
                            "user": email.split("@")[0],
                            "page": page,
                            "regime": regime,
                            "queries": queries,
                            **result,
                        }
                    )
                    print(
                        f"  {rows[-1]['user']} {page} {regime}: p50 {result.get('p50_ms')} ms, "
                        f"p95 {result.get('p95_ms')} ms, {result.get('throughput_rps')} req/s",
                        flush=True,
                    )
    return rows


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    # BENCH_REUSE=1 keeps an already seeded database (to iterate on the timings); the default starts afresh.
    reuse = os.environ.get("BENCH_REUSE") == "1" and DB.exists()
    if not reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DB}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "SQLITE_NAME": str(DB), "DATABASE_URL": ""}
    env.pop("DATABASE_URL")
    results: dict = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "dataset": SIZE,
        "steps": {},
    }
    results["steps"]["migrate_s"] = round(manage("migrate", "--noinput", "-v0", env=env), 2)
    if not reuse:
        results["steps"]["load_reference_s"] = round(manage("load_reference", env=env), 2)
        results["steps"]["seed_demo_s"] = round(
            manage("seed_demo", "--size", SIZE, "--seed", "1", env=env), 2
        )

    os.environ.update({"SQLITE_NAME": str(DB), "DJANGO_SETTINGS_MODULE": "interazioni.settings"})
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    from accounts.models import Membership
    from people.models import Participant

    pages = []
    for role in ("operator", "regional_coordinator"):
        membership = (
            Membership.objects.filter(role=role, user__email__endswith="@demo.interazioni.example.org")
            .select_related("user")
            .first()
        )
        client = Client()
        client.force_login(membership.user)
        for url in (
            "/area-riservata/partecipanti/",
            "/area-riservata/partecipanti/?q=a&sort=-birth",
            "/area-riservata/partecipanti/?target_group=woman&page=3",
            "/api/v1/participants/?page=2",
        ):
            pages.append({"role": role, **time_requests(client, url)})
    results["participants"] = Participant.objects.count()
    results["pages"] = pages
    from paths.models import IndividualPlan, MediationRequest, Referral, ServiceRecord

    results["paths_rows"] = {
        "plans": IndividualPlan.objects.count(),
        "services": ServiceRecord.objects.count(),
        "referrals": Referral.objects.count(),
        "mediation_requests": MediationRequest.objects.count(),
    }
    concurrency = concurrency_bench(env)
    results["concurrency"] = {
        "server": f"gunicorn, {WORKERS} sync workers",
        "users": USERS,
        "requests_per_user": REQUESTS_PER_USER,
        "paced_think_s": load.PACED_THINK_S,
        "target_p95_ms": CONCURRENCY_TARGET_MS,
        "pages": concurrency,
    }
    import bench_activities  # bench/bench_activities.py (issue 4): attendance marks, register, import

    activity_lines = bench_activities.run(results)
    import bench_network  # bench/bench_network.py (issue 5): network metrics at 5,000 organisations

    activity_lines += ["", *bench_network.run(results)]
    import bench_skills  # bench/bench_skills.py (issue 6): ESCO search, hints, exports, completeness, overview

    activity_lines += ["", *bench_skills.run(results)]
    import bench_directory  # bench/bench_directory.py (issue 7): portal search at 10,000 services, page weight

    activity_lines += ["", *bench_directory.run(results)]
    import bench_monitoring  # bench/bench_monitoring.py (issue 8): indicators on 1 M participants (PG), dashboard

    activity_lines += ["", *bench_monitoring.run(results)]
    (RESULTS / "results.json").write_text(json.dumps(results, indent=2, default=str))
    lines = [
        f"# Benchmark — dataset `{SIZE}` ({results['participants']} participants), {results['machine']['cpus']} CPUs",
        "",
        "| step | seconds |",
        "|---|---|",
        *[f"| {name} | {value} |" for name, value in results["steps"].items()],
        "",
        "| role | url | p50 ms | p95 ms | queries |",
        "|---|---|---|---|---|",
        *[f"| {p['role']} | `{p['url']}` | {p['p50_ms']} | {p['p95_ms']} | {p['queries']} |" for p in pages],
        "",
        f"Paths rows: {', '.join(f'{count} {name}' for name, count in results['paths_rows'].items())}.",
        "",
        f"## {USERS} concurrent users × {REQUESTS_PER_USER} requests, {results['concurrency']['server']} "
        f"— target p95 < {CONCURRENCY_TARGET_MS} ms",
        "",
        "Saturation: no pause between a user's requests (always "
        f"{USERS} requests in flight). Paced: {load.PACED_THINK_S[0]}-{load.PACED_THINK_S[1]} s between requests.",
        "",
        "| user | page | regime | requests | errors | p50 ms | p95 ms | max ms | req/s | queries (1 request) | p95 target |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *[
            f"| {c['user']} | {c['page']} | {c['regime']} | {c['requests']} | {c['errors']} | {c.get('p50_ms')} | "
            f"{c.get('p95_ms')} | {c.get('max_ms')} | {c.get('throughput_rps')} | {c['queries']} | "
            f"{'met' if c.get('p95_ms', 1e9) < CONCURRENCY_TARGET_MS and not c['errors'] else 'missed'} |"
            for c in concurrency
        ],
    ]
    lines += ["", *activity_lines]
    (RESULTS / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
