"""Benchmarks (`make bench`): seeds the campania dataset on a scratch SQLite database, then times the
participant pages and API. Writes bench/results/results.json and bench/results/results.md.

Targets (issue 2): campania seed < 120 s; participant list and API list with a constant query count.
Targets (issue 3): timeline, referral queues and caseload under 10 concurrent users, p95 < 150 ms.
"""

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DB = RESULTS / "bench.sqlite3"
SIZE = os.environ.get("BENCH_SIZE", "campania")
THREADS = int(os.environ.get("BENCH_THREADS", "10"))
REQUESTS_PER_THREAD = int(os.environ.get("BENCH_REQUESTS", "20"))
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


def time_concurrently(
    user, urls: list[str], threads: int = THREADS, repeat: int = REQUESTS_PER_THREAD
) -> dict:
    """`threads` threads, each with its own client logged in as `user`, each making `repeat` requests
    (cycling through `urls`); plus the query count of one request made alone."""
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(urls[0], HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, (urls[0], response.status_code)
    queries = len(ctx.captured_queries)

    timings: list[float] = []
    errors: list[tuple[str, int | str]] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def worker(index: int) -> None:
        try:
            own = Client()
            own.force_login(user)
            local, failed = [], []
            start.wait()
            for n in range(repeat):
                url = urls[(index * repeat + n) % len(urls)]
                began = time.perf_counter()
                try:
                    status = own.get(url, HTTP_HOST="127.0.0.1").status_code
                except Exception as exc:  # counted and reported; the run goes on
                    status = type(exc).__name__
                local.append((time.perf_counter() - began) * 1000)
                if status != 200:
                    failed.append((url, status))
            with lock:
                timings.extend(local)
                errors.extend(failed)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    began = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - began
    timings.sort()
    return {
        "url": urls[0] if len(urls) == 1 else f"{urls[0]} (+{len(urls) - 1} more)",
        "requests": len(timings),
        "errors": len(errors),
        "first_errors": errors[:3],
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "max_ms": round(timings[-1], 1),
        "throughput_rps": round(len(timings) / wall, 1),
        "queries": queries,
    }


def concurrency_bench() -> list[dict]:
    """The Napoli and Approdi operators' timeline (busiest participants), referral queues and caseload."""
    from django.db.models import Count
    from django.urls import reverse

    from accounts.models import User
    from paths.models import ServiceRecord

    rows = []
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
        for page, urls in pages.items():
            if not urls:
                continue
            result = time_concurrently(user, urls)
            rows.append({"user": email.split("@")[0], "page": page, **result})
            print(
                f"  {rows[-1]['user']} {page}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms",
                flush=True,
            )
    return rows


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
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
    results["steps"]["load_reference_s"] = round(manage("load_reference", env=env), 2)
    results["steps"]["seed_demo_s"] = round(manage("seed_demo", "--size", SIZE, "--seed", "1", env=env), 2)

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
    concurrency = concurrency_bench()
    results["concurrency"] = {
        "threads": THREADS,
        "requests_per_thread": REQUESTS_PER_THREAD,
        "target_p95_ms": CONCURRENCY_TARGET_MS,
        "pages": concurrency,
    }
    (RESULTS / "results.json").write_text(json.dumps(results, indent=2))
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
        f"## {THREADS} concurrent users × {REQUESTS_PER_THREAD} requests — target p95 < {CONCURRENCY_TARGET_MS} ms",
        "",
        "| user | page | requests | errors | p50 ms | p95 ms | max ms | req/s | queries (1 request) |",
        "|---|---|---|---|---|---|---|---|---|",
        *[
            f"| {c['user']} | {c['page']} | {c['requests']} | {c['errors']} | {c['p50_ms']} | {c['p95_ms']} | "
            f"{c['max_ms']} | {c['throughput_rps']} | {c['queries']} |"
            for c in concurrency
        ],
    ]
    (RESULTS / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
