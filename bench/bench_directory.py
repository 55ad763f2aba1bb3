"""Benchmarks of the public portal (issue 7).

(a) Directory search at scale: a scratch database gets 10,000 published services translated in the eight
    content languages (`directory.demo.seed_directory_scale`), then `directory.search.search()` runs a
    realistic mix of 200+ queries: words in each of the eight languages, need filter, municipality and
    province, language spoken, free of charge, open now, near a point, filters with no words, and queries
    that find nothing. Each query runs once to warm up, then once timed: p50/p95/max server time (the
    function, cards included) and SQL queries per search, overall and by kind of query. Runs on SQLite and
    on PostgreSQL (`postgres://postgres@127.0.0.1:5432`, trust auth: a scratch database
    `interazioni_bench_dir` is created and dropped), each in a subprocess of its own; PostgreSQL is
    "skipped" when unreachable. Target: p95 < 30 ms. When a backend misses it, the slowest kind of query is
    profiled (its slowest SQL statements) rather than guessed at.
(b) Page weight: the demo database (the one `bench/run.py` seeded) served by gunicorn like production
    (DJANGO_ENV=production, collectstatic into a scratch STATIC_ROOT with WhiteNoise's compressed manifest
    storage, no debug), loaded by headless Chromium (Debian's, /usr/bin/chromium) in a fresh context for
    every page (first visit, empty cache): home, search results, a service, an information page, the events
    list, in Italian and Arabic. The transferred bytes of every response (CDP `Network.loadingFinished`
    encodedDataLength: headers and body as sent, fonts included) are summed. Target: < 200 KB.

`run(results)` fills `results["directory"]` and returns markdown lines; `bench/run.py` calls it after seeding.
Standalone:

    .venv/bin/python bench/bench_directory.py search --backend sqlite     # prints the JSON of (a)
    SQLITE_NAME=/tmp/demo.sqlite3 .venv/bin/python bench/bench_directory.py weight   # (b) on a seeded demo
    SQLITE_NAME=/tmp/demo.sqlite3 .venv/bin/python bench/bench_directory.py          # both, markdown
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SERVICES = int(os.environ.get("BENCH_DIRECTORY_SERVICES", "10000"))
SEARCH_TARGET_MS = 30
WEIGHT_TARGET_KB = 200
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "interazioni_bench_dir"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

# Words people type, per language (the demo texts' vocabulary, plus some misspelt or rarer ones).
WORDS = {
    "it": ["permesso di soggiorno", "permesso", "rinnovo", "kit postale", "medico", "tessera stp",
           "corso di italiano", "italiano a2", "lavoro", "centro per l'impiego", "avvocato", "consulenza legale",
           "casa", "affitto", "scuola", "iscrizione", "ricongiungimento", "cittadinanza", "mediatore",
           "violenza", "titolo di studio", "Questura", "Caserta", "gratuito", "sportello"],
    "en": ["residence permit", "renew permit", "doctor", "health card", "italian course", "job", "work",
           "legal advice", "lawyer", "housing", "rent", "school", "family reunification", "citizenship",
           "interpreter", "violence", "qualification", "free"],
    "fr": ["titre de séjour", "renouvellement", "médecin", "cours d'italien", "travail", "emploi",
           "avocat", "conseil juridique", "logement", "école", "regroupement familial", "nationalité",
           "médiateur", "diplôme"],
    "ar": ["تصريح الإقامة", "تجديد", "طبيب", "البطاقة الصحية", "دورة اللغة الإيطالية", "عمل", "محامي",
           "استشارة قانونية", "سكن", "مدرسة", "لم شمل", "الجنسية", "وسيط", "شهادة"],
    "uk": ["посвідка на проживання", "продовження", "лікар", "курс італійської", "робота", "юридична",
           "житло", "школа", "возз'єднання", "громадянство", "посередник"],
    "zh-hans": ["居留许可", "续签", "医生", "意大利语", "工作", "法律", "住房", "学校", "家庭团聚", "入籍"],
    "bn": ["বসবাসের অনুমতিপত্র", "নবায়ন", "ডাক্তার", "ইতালীয়", "কাজ", "আইনি", "বাসা", "স্কুল", "নাগরিকত্ব"],
    "ur": ["رہائشی اجازت نامہ", "تجدید", "ڈاکٹر", "اطالوی", "روزگار", "قانونی", "رہائش", "اسکول", "شہریت"],
}  # fmt: skip
NO_RESULT = ["xyzzy", "kangourou", "qwertyuiop", "permesso marziano", "zzzz", "ذذذذ"]
NEEDS = ["residence-permit", "health", "school", "work", "italian-courses", "legal-help", "housing",
         "family-reunification", "citizenship", "qualification-recognition", "social-services", "mediation",
         "protection"]  # fmt: skip
TOWNS = [
    "Napoli",
    "Caserta",
    "Salerno",
    "Avellino",
    "Benevento",
    "Eboli",
    "Castel Volturno",
    "Aversa",
    "Nola",
]
POINTS = [(40.8518, 14.2681), (40.6824, 14.7681), (41.0742, 14.3328), (40.9146, 14.7906)]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]


def summary(timings_ms: list[float]) -> dict:
    return {
        "n": len(timings_ms),
        "p50_ms": round(statistics.median(timings_ms), 2),
        "p95_ms": round(percentile(timings_ms, 0.95), 2),
        "max_ms": round(max(timings_ms), 2),
    }


# --- (a) search --------------------------------------------------------------------------------------------


def query_mix():
    """(kind, language, filters as plain data) for every query of the mix; deterministic."""
    import random

    rng = random.Random(7)
    mix = []
    for language, words in WORDS.items():
        for word in words:
            mix.append(("words", language, {"query": word}))
    for index, need in enumerate(NEEDS):
        language = list(WORDS)[index % len(WORDS)]
        mix.append(("need", language, {"need": need}))
        mix.append(
            ("words+need", language, {"need": need, "query": WORDS[language][index % len(WORDS[language])]})
        )
    for town in TOWNS:
        mix.append(("municipality", "it", {"municipality": town}))
        mix.append(("words+municipality", "fr", {"municipality": town, "query": rng.choice(WORDS["fr"])}))
        mix.append(("need+municipality", "ar", {"municipality": town, "need": rng.choice(NEEDS)}))
    for province in ("NA", "CE", "SA", "AV", "BN"):
        mix.append(("province", "en", {"province": province}))
        mix.append(("words+province", "uk", {"province": province, "query": rng.choice(WORDS["uk"])}))
    for spoken in ("ar", "uk", "fr", "bn", "zh-hans", "ur"):
        mix.append(("language spoken", "it", {"language_spoken": spoken}))
        mix.append(
            ("words+language spoken", spoken, {"language_spoken": spoken, "query": rng.choice(WORDS[spoken])})
        )
    for language in WORDS:
        mix.append(("free", language, {"free_only": True}))
        mix.append(("words+free", language, {"free_only": True, "query": rng.choice(WORDS[language])}))
        mix.append(("open now", language, {"open_now": True}))
        mix.append(("words+open now", language, {"open_now": True, "query": rng.choice(WORDS[language])}))
    for point in POINTS:
        mix.append(("near", "it", {"near": point}))
        mix.append(("words+near", "ar", {"near": point, "query": rng.choice(WORDS["ar"])}))
        mix.append(("need+near", "en", {"near": point, "need": rng.choice(NEEDS)}))
    for _n in range(10):
        mix.append(
            (
                "filters, no words",
                rng.choice(list(WORDS)),
                {
                    "need": rng.choice(NEEDS),
                    "province": rng.choice(["NA", "CE", "SA"]),
                    "free_only": rng.random() < 0.5,
                },
            )
        )
    for word in NO_RESULT:
        mix.append(("no result", "it", {"query": word}))
        mix.append(("no result", "ar", {"query": word, "need": "health"}))
    for page in (2, 3, 5):
        mix.append(("words, page 2+", "it", {"query": "sportello", "page": page}))
    mix.append(("everything", "it", {}))
    return mix


def _filters(spec: dict, cache: dict):
    from directory.models import TaxonomyTerm
    from directory.reference import need_id
    from directory.search import Filters
    from territory.models import Municipality, Province

    filters = Filters(
        query=spec.get("query", ""),
        language_spoken=spec.get("language_spoken", ""),
        free_only=spec.get("free_only", False),
        open_now=spec.get("open_now", False),
        near=spec.get("near"),
    )
    if "need" in spec:
        filters.need = cache.setdefault(
            ("need", spec["need"]), TaxonomyTerm.objects.get(pk=need_id(spec["need"]))
        )
    if "municipality" in spec:
        filters.municipality = cache.setdefault(
            ("m", spec["municipality"]),
            Municipality.objects.select_related("province").get(name=spec["municipality"]),
        )
    if "province" in spec:
        filters.province = cache.setdefault(
            ("p", spec["province"]), Province.objects.get(abbreviation=spec["province"])
        )
    return filters


def search_bench(backend: str) -> dict:
    """Runs inside a subprocess whose environment points Django at a scratch database."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interazioni.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from directory import search
    from directory.demo import seed_directory_scale
    from territory.models import Municipality
    from territory.reference import load_all

    out: dict = {"backend": connection.vendor, "services": SERVICES}
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if not Municipality.objects.exists():
        load_all()
    out["migrate_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    counts = seed_directory_scale(SERVICES)
    out["seed_s"] = round(time.perf_counter() - started, 1)
    out["rows"] = {
        "services": counts["directory_services"],
        "translations": counts["directory_translations"],
        "search_entries": counts["search_entries"],
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # "Open now" at a fixed moment when most places are open: a Tuesday at 10:30, local time.
    today = timezone.localdate()
    tuesday = today + datetime.timedelta(days=(1 - today.weekday()) % 7)
    now = timezone.make_aware(datetime.datetime.combine(tuesday, datetime.time(10, 30)))
    cache: dict = {}
    mix = query_mix()
    prepared = [(kind, language, _filters(spec, cache), spec.get("page", 1)) for kind, language, spec in mix]
    # Warm-up pass (caches, statistics, prepared plans), which also records the SQL of each search; then
    # the timed pass, without the capture's overhead.
    captured: list[list] = []
    for _kind, language, filters, page in prepared:
        with CaptureQueriesContext(connection) as ctx:
            search.search(filters, language, page=page, now=now)
        captured.append(ctx.captured_queries)
    timings, by_kind, empty = [], defaultdict(list), 0
    slow: list[tuple[float, str, str, list]] = []
    for (kind, language, filters, page), sql in zip(prepared, captured, strict=True):
        began = time.perf_counter()
        result = search.search(filters, language, page=page, now=now)
        elapsed = (time.perf_counter() - began) * 1000
        timings.append(elapsed)
        by_kind[kind].append(elapsed)
        empty += result.total == 0
        slow.append((elapsed, kind, language, sql))
    queries = [len(sql) for sql in captured]
    out["queries"] = len(timings)
    out["no_result"] = empty
    out["search"] = summary(timings)
    out["sql_per_search"] = {"min": min(queries), "median": statistics.median(queries), "max": max(queries)}
    out["by_kind"] = {kind: summary(values) for kind, values in sorted(by_kind.items())}
    out["target_p95_ms"] = SEARCH_TARGET_MS
    if out["search"]["p95_ms"] >= SEARCH_TARGET_MS:
        out["profile"] = profile(slow, by_kind)
        out["profile"]["parts"] = parts(now)
    return out


def parts(now) -> dict:
    """The pieces of one search timed apart (median of 10, ms): which part is slow."""
    from directory import search
    from directory.models import SearchEntry, Service

    def median_ms(fn) -> float:
        values = []
        for _n in range(10):
            began = time.perf_counter()
            fn()
            values.append((time.perf_counter() - began) * 1000)
        return round(statistics.median(values), 1)

    ids = list(search.public_services().order_by("name").values_list("pk", flat=True)[:20])
    entries = SearchEntry.objects.filter(language="it")
    return {
        "card data of one page (20 services, prefetches)": median_ms(
            lambda: list(search.with_card_data(Service.objects.filter(pk__in=ids), "ar"))
        ),
        "text scan, one word, count (LIKE over one language's entries)": median_ms(
            lambda: entries.filter(body__contains="permesso").count()
        ),
        "text scan, a word that matches nothing": median_ms(
            lambda: entries.filter(body__contains="xyzzy").count()
        ),
        "filters only, count (municipality Napoli, EXISTS subqueries)": median_ms(
            lambda: search.apply_filters(
                search.public_services(), _filters({"municipality": "Napoli"}, {}), now=now
            ).count()
        ),
        "open now, count": median_ms(
            lambda: search.apply_filters(
                search.public_services(), _filters({"open_now": True}, {}), now=now
            ).count()
        ),
    }


def profile(slow, by_kind) -> dict:
    """Where the time goes in the slowest searches: their kinds and their slowest SQL statements."""
    slow.sort(key=lambda item: -item[0])
    statements = []
    for elapsed, kind, language, captured in slow[:10]:
        worst = sorted(captured, key=lambda q: -float(q.get("time") or 0))[:2]
        statements.append(
            {
                "search_ms": round(elapsed, 1),
                "kind": kind,
                "language": language,
                "sql": [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:600]} for q in worst],
            }
        )
    kinds = sorted(by_kind, key=lambda k: -percentile(by_kind[k], 0.95))
    return {
        "slowest_kinds": [(k, round(percentile(by_kind[k], 0.95), 1)) for k in kinds[:6]],
        "slowest": statements,
    }


def _run_search_subprocess(backend: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "interazioni.settings"}
    env.pop("INTERAZIONI_TESTING", None)
    created = False
    if backend == "sqlite":
        db = RESULTS / "bench_directory.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        env["SQLITE_NAME"] = str(db)
        env.pop("DATABASE_URL", None)
    else:
        try:
            import psycopg

            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
                admin.execute(f"CREATE DATABASE {PG_DATABASE}")
            created = True
        except Exception as error:  # unreachable or refused: recorded, the rest goes on
            return {"skipped": f"PostgreSQL unreachable ({type(error).__name__}: {str(error).strip()[:120]})"}
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
    out_file = RESULTS / f"bench_directory_{backend}.json"
    out_file.unlink(missing_ok=True)
    try:
        subprocess.run(
            [sys.executable, __file__, "search", "--backend", backend, "--out", str(out_file)],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=3600,
        )
        return json.loads(out_file.read_text())
    except (subprocess.SubprocessError, OSError, ValueError) as error:
        return {"error": f"{type(error).__name__}: {error}"[:300]}
    finally:
        if created:
            import psycopg

            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        if backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{RESULTS / 'bench_directory.sqlite3'}{suffix}").unlink(missing_ok=True)


# --- (b) page weight ------------------------------------------------------------------------------------------


def _pages(language_prefix: str) -> dict[str, str]:
    from directory.models import Article
    from directory.search import public_services

    service = (
        public_services().filter(is_demo=True, organization__name="Comune di Napoli").order_by("name").first()
        or public_services().order_by("name").first()
    )
    article = Article.objects.public().order_by("slug").first()
    word = "permesso" if not language_prefix else "%D8%AA%D8%B5%D8%B1%D9%8A%D8%AD"  # تصريح
    pages = {"home": "/", "search results": f"/servizi/?q={word}"}
    if service is not None:
        pages["service"] = f"/servizi/{service.pk}/"
    if article is not None:
        pages["information page"] = f"/informazioni/{article.slug}/"
    pages["events list"] = "/eventi/"
    return {
        name: f"/{language_prefix}{url.lstrip('/')}" if language_prefix else url
        for name, url in pages.items()
    }


def weight_bench() -> dict:
    """Serve the current database like production and weigh each page on a first visit."""
    if not CHROMIUM.exists():
        return {"skipped": "Chromium not installed (/usr/bin/chromium)"}
    sys.path.insert(0, str(ROOT / "bench"))
    import load
    from cryptography.fernet import Fernet

    static_root = RESULTS / "staticfiles"
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": load.HOST,
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(static_root),
        "DEBUG": "0",
    }
    env.pop("INTERAZIONI_TESTING", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--clear", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    pages = {"it": _pages(""), "ar": _pages("ar/")}
    rows = []
    from playwright.sync_api import sync_playwright

    with load.Server(env, 2) as server, sync_playwright() as playwright:
        base = f"http://{load.HOST}:{server.port}"
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for language, urls in pages.items():
                for name, url in urls.items():
                    rows.append(
                        {"page": name, "language": language, "url": url, **_weigh(browser, base + url)}
                    )
        finally:
            browser.close()
    return {
        "server": "gunicorn, 2 sync workers, DJANGO_ENV=production, WhiteNoise compressed manifest storage",
        "pages": rows,
        "max_kb": max(row["kb"] for row in rows) if rows else None,
        "target_kb": WEIGHT_TARGET_KB,
    }


def _weigh(browser, url: str) -> dict:
    """First visit in a fresh context (empty cache, no cookies): bytes on the wire per resource type."""
    context = browser.new_context(locale="it-IT", viewport={"width": 390, "height": 844})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    types: dict[str, str] = {}
    sizes: dict[str, float] = {}
    failed: list[str] = []
    cdp.on("Network.responseReceived", lambda e: types.__setitem__(e["requestId"], e.get("type", "Other")))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    cdp.on("Network.loadingFailed", lambda e: failed.append(e.get("errorText", "")))
    try:
        response = page.goto(url, wait_until="networkidle")
        status = response.status if response else None
        page.wait_for_timeout(300)
        html_bytes = len(response.body()) if response else 0
    finally:
        context.close()
    by_type: dict[str, int] = defaultdict(int)
    for request_id, size in sizes.items():
        by_type[types.get(request_id, "Other").lower()] += int(size)
    total = sum(by_type.values())
    return {
        "status": status,
        "requests": len(sizes),
        "kb": round(total / 1024, 1),
        "by_type_kb": {kind: round(size / 1024, 1) for kind, size in sorted(by_type.items())},
        "html_kb_uncompressed": round(html_bytes / 1024, 1),
        "failed": failed[:3],
    }


# --- entry points ----------------------------------------------------------------------------------------------


def run(results: dict) -> list[str]:
    """Both benchmarks; fills results["directory"] and returns markdown lines."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out: dict = {"search": {}}
    for backend in ("sqlite", "postgresql"):
        print(f"  directory: search at {SERVICES} services on {backend}…", flush=True)
        out["search"][backend] = _run_search_subprocess(backend)
    print("  directory: page weight…", flush=True)
    try:
        out["page_weight"] = weight_bench()
    except Exception as error:  # reported in the results; the other sections stay
        out["page_weight"] = {"error": f"{type(error).__name__}: {error}"[:300]}
    results["directory"] = out
    return markdown(out)


def markdown(out: dict) -> list[str]:
    lines = [
        "## Public portal (issue 7)",
        "",
        f"### Directory search, {SERVICES:,} published services in 8 languages — target p95 < {SEARCH_TARGET_MS} ms",
        "",
        "| backend | seed s | queries | p50 ms | p95 ms | max ms | SQL per search | no result | target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for backend, data in out["search"].items():
        if "search" not in data:
            lines.append(f"| {backend} | {data.get('skipped') or data.get('error')} | | | | | | | |")
            continue
        s, sql = data["search"], data["sql_per_search"]
        met = "met" if s["p95_ms"] < SEARCH_TARGET_MS else "missed"
        lines.append(
            f"| {backend} | {data['seed_s']} | {data['queries']} | {s['p50_ms']} | {s['p95_ms']} | {s['max_ms']} | "
            f"{sql['min']}-{sql['max']} | {data['no_result']} | {met} |"
        )
    kinds = sorted({k for data in out["search"].values() for k in data.get("by_kind", {})})
    if kinds:
        backends = [b for b, data in out["search"].items() if "by_kind" in data]
        lines += ["", "| kind of query | " + " | ".join(f"{b} p50 / p95 ms" for b in backends) + " |"]
        lines.append("|---|" + "---|" * len(backends))
        for kind in kinds:
            cells = []
            for backend in backends:
                data = out["search"][backend]["by_kind"].get(kind)
                cells.append(f"{data['p50_ms']} / {data['p95_ms']} (n={data['n']})" if data else "")
            lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    for backend, data in out["search"].items():
        if "profile" in data:
            slowest = ", ".join(f"{kind} {ms} ms" for kind, ms in data["profile"]["slowest_kinds"])
            pieces = "; ".join(f"{name}: {ms} ms" for name, ms in data["profile"].get("parts", {}).items())
            lines += [
                "",
                f"Profile ({backend}, p95 missed). Slowest kinds (p95): {slowest}. Parts: {pieces}.",
            ]
    weight = out.get("page_weight", {})
    lines += ["", f"### Page weight, first visit (fonts included) — target < {WEIGHT_TARGET_KB} KB", ""]
    if "pages" not in weight:
        lines.append(f"Not measured: {weight.get('skipped') or weight.get('error')}.")
        return lines
    lines += [
        f"Served by {weight['server']}; headless Chromium, fresh context per page; bytes as transferred.",
        "",
        "| page | language | status | requests | KB transferred | by type (KB) | HTML KB (uncompressed) | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in weight["pages"]:
        met = "met" if row["kb"] < WEIGHT_TARGET_KB and row["status"] == 200 else "missed"
        types = ", ".join(f"{k} {v}" for k, v in row["by_type_kb"].items())
        lines.append(
            f"| {row['page']} | {row['language']} | {row['status']} | {row['requests']} | {row['kb']} | {types} | "
            f"{row['html_kb_uncompressed']} | {met} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", nargs="?", default="all", choices=["all", "search", "weight"])
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.what == "search" and args.out:  # the subprocess of `run`: the environment names the database
        Path(args.out).write_text(json.dumps(search_bench(args.backend), indent=1, default=str))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.what == "search":
        print(json.dumps(_run_search_subprocess(args.backend), indent=1, default=str))
        return
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interazioni.settings")
    django.setup()
    if args.what == "weight":
        print(json.dumps(weight_bench(), indent=1, default=str))
        return
    results: dict = {}
    lines = run(results)
    print("\n".join(lines))
    (RESULTS / "results_directory.json").write_text(json.dumps(results, indent=1, default=str))
    (RESULTS / "results_directory.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
