"""Benchmarks (`make bench`): seeds the campania dataset on a scratch SQLite database, then times the
participant pages and API. Writes bench/results/results.json and bench/results/results.md.

Targets (issue 2): campania seed < 120 s; participant list and API list with a constant query count.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DB = RESULTS / "bench.sqlite3"
SIZE = os.environ.get("BENCH_SIZE", "campania")


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
    ]
    (RESULTS / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
