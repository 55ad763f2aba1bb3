"""Benchmarks of skills profiles (issue 6), on a database seeded with the campania demo data (SQLite):

(a) ESCO occupation search (search-as-you-type of the interview): `Occupation.objects.search` over 50 typical
    queries of 3 to 6 letters, Italian and English ("cuo", "mura", "carer", "agric", ...), p50/p95; and the
    search view (`skills:occupation_search`, as htmx calls it) for the same queries, with its query count.
(b) matching hints: `skills.matching.hints` for 20 interviewed profiles of the Comune di Napoli operator,
    p50/p95 per profile and the number of queries (the same for every profile).
(c) exports, when `skills.exports` exists: the JSON ("take your data with you") and the Europass XML of the
    same 20 profiles, loaded with `exports.profile_queryset()`, p50/p95 and the size of the files.
(d) completeness: `skills.actions.refresh_completeness` on 200 profiles, p50/p95 (nothing changes, so no
    write: the cost is reading the nine sections).
(e) the overview's aggregates over every profile in SQL: profiles, completed (indicator P2.1), average
    completeness, profiles with a qualification whose recognition was applied for or granted (R.2.10),
    overall and by organisation; and the overview page for the Region (`skills:overview`).

`run(results)` fills `results["skills"]` and returns markdown lines; `bench/run.py` calls it after seeding.
Standalone, against an existing seeded SQLite database:

    SQLITE_NAME=/tmp/bench.sqlite3 .venv/bin/python bench/bench_skills.py

Nothing is written to the database (the completeness refresh finds every figure already right).
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_DOMAIN = "@demo.interazioni.example.org"
OPERATOR = "operatrice.napoli" + DEMO_DOMAIN
PROFILES = 20
REFRESHES = 200
RUNS = 5
SEARCH_TARGET_MS = 100  # search-as-you-type must feel immediate
HINTS_TARGET_MS = 100
QUERIES = [
    # Italian (labels where loaded; the shipped fixture has English labels, so these test the misses too)
    "cuo", "cuoc", "mura", "murat", "badan", "colf", "pulit", "camer", "magaz", "parru", "sart", "mecc",
    "autis", "pizz", "brac", "agric", "edil", "vendi", "comme", "infer",
    # English
    "cook", "kitch", "carer", "care", "clean", "farm", "const", "build", "shop", "sales", "tailo", "mecha",
    "wareh", "hair", "drive", "waite", "baker", "butch", "weld", "elect", "paint", "plast", "nurse", "child",
    "nanny", "fruit", "harv", "fork", "deliv", "cash",
]  # fmt: skip


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


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def demo_operator():
    from accounts.models import User

    return User.objects.filter(email=OPERATOR).first()


def sample_profiles(user) -> list:
    """The operator's interviewed profiles, the most complete first (they hold the most claims)."""
    from skills.models import SkillsProfile

    return list(
        SkillsProfile.objects.visible_to(user).exclude(summary="").order_by("-completeness", "pk")[:PROFILES]
    )


# --- (a) ESCO search ---------------------------------------------------------------------------------------


def bench_search(user) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from skills.models import Occupation

    list(Occupation.objects.search(QUERIES[0]))  # warm up
    timings, found = [], {}
    for query in QUERIES:
        started = time.perf_counter()
        rows = list(Occupation.objects.search(query))
        timings.append((time.perf_counter() - started) * 1000)
        found[query] = len(rows)
    out = {
        "occupations": Occupation.objects.count(),
        "queries": len(QUERIES),
        "search": summary(timings),
        "empty": sorted(q for q, n in found.items() if not n),
    }
    try:
        url = reverse("skills:occupation_search")
    except NoReverseMatch:
        out["view"] = {"error": "no skills:occupation_search view"}
        return out
    if user is None:
        out["view"] = {"error": "no demo operator"}
        return out
    client = client_for(user)
    client.get(url, {"q": QUERIES[0]}, HTTP_HOST="127.0.0.1", HTTP_HX_REQUEST="true")
    timings, statuses, queries = [], set(), set()
    for query in QUERIES:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, {"q": query}, HTTP_HOST="127.0.0.1", HTTP_HX_REQUEST="true")
            timings.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
        queries.add(len(captured.captured_queries))
    out["view"] = {
        "url": url,
        "status_codes": sorted(statuses),
        "queries": sorted(queries),
        **summary(timings),
    }
    return out


# --- (b) hints ---------------------------------------------------------------------------------------------


def bench_hints(user, profiles) -> dict:
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from skills.matching import hints

    if user is None or not profiles:
        return {"error": "no demo operator or no interviewed profile"}
    hints(profiles[0], user)  # warm up (the user's membership is then cached, as within a request)
    timings, queries, kinds = [], set(), Counter()
    for profile in profiles:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            found = hints(profile, user)
            timings.append((time.perf_counter() - started) * 1000)
        queries.add(len(captured.captured_queries))
        kinds.update(hint.kind for hint in found)
    return {"profiles": len(profiles), "queries": sorted(queries), "hints": dict(kinds), **summary(timings)}


# --- (c) exports -------------------------------------------------------------------------------------------


def bench_exports(user, profiles) -> dict:
    try:
        from skills import exports
    except ImportError:
        return {"error": "skills.exports does not exist yet"}
    if user is None or not profiles:
        return {"error": "no demo operator or no interviewed profile"}
    out: dict = {}
    steps = {
        "load": lambda pk: exports.profile_queryset().get(pk=pk),
    }
    if hasattr(exports, "profile_json"):
        steps["json"] = lambda profile: exports.profile_json(profile, user)
    if hasattr(exports, "europass_xml"):
        steps["xml"] = lambda profile: exports.europass_xml(profile)
    timings: dict[str, list[float]] = {name: [] for name in steps}
    sizes: dict[str, list[int]] = {name: [] for name in steps if name != "load"}
    for profile in profiles:
        started = time.perf_counter()
        loaded = steps["load"](profile.pk)
        timings["load"].append((time.perf_counter() - started) * 1000)
        for name in sizes:
            started = time.perf_counter()
            body = steps[name](loaded)
            timings[name].append((time.perf_counter() - started) * 1000)
            sizes[name].append(len(body))
    if "json" in sizes:
        json.loads(steps["json"](steps["load"](profiles[0].pk)))  # it parses
    for name, values in timings.items():
        out[name] = summary(values)
        if name in sizes:
            out[name]["mean_kb"] = round(statistics.mean(sizes[name]) / 1024, 1)
    return out


# --- (d) completeness --------------------------------------------------------------------------------------


def bench_completeness() -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from skills.actions import refresh_completeness
    from skills.models import SkillsProfile

    total = SkillsProfile.objects.count()
    if not total:
        return {"error": "no skills profile"}
    step = max(total // REFRESHES, 1)
    ids = list(SkillsProfile.objects.order_by("pk").values_list("pk", flat=True)[::step][:REFRESHES])
    profiles = list(SkillsProfile.objects.filter(pk__in=ids).order_by("pk"))
    timings, queries, changed = [], set(), 0
    for profile in profiles:
        before = profile.completeness
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            refresh_completeness(profile)
            timings.append((time.perf_counter() - started) * 1000)
        queries.add(len(captured.captured_queries))
        changed += profile.completeness != before
    return {"profiles": len(profiles), "changed": changed, "queries": sorted(queries), **summary(timings)}


# --- (e) overview aggregates -------------------------------------------------------------------------------


def figures():
    """The overview's figures as SQL aggregates: the very definitions of `skills.views_overview`."""
    from skills.views_overview import _figures

    return _figures()


def bench_overview() -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from accounts.models import Membership
    from skills.models import SkillsProfile

    timings, by_org_timings = [], []
    totals, by_org = {}, []
    for _ in range(RUNS):
        started = time.perf_counter()
        totals = SkillsProfile.objects.interviewed().aggregate(**figures())
        timings.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        by_org = list(
            SkillsProfile.objects.interviewed()
            .values("participant__owner_id")
            .annotate(**figures())
            .order_by("participant__owner_id")
        )
        by_org_timings.append((time.perf_counter() - started) * 1000)
    out = {
        "totals": {**totals, "average": round(totals["average"] or 0, 1)},
        "aggregate": summary(timings),
        "by_organisation": {"organisations": len(by_org), **summary(by_org_timings)},
    }
    membership = (
        Membership.objects.filter(role="regional_coordinator", user__email__endswith=DEMO_DOMAIN)
        .select_related("user")
        .first()
    )
    try:
        url = reverse("skills:overview")
    except NoReverseMatch:
        out["page"] = {"error": "no skills:overview view"}
        return out
    if membership is None:
        out["page"] = {"error": "no demo regional coordinator"}
        return out
    client = client_for(membership.user)
    client.get(url, HTTP_HOST="127.0.0.1")
    timings = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            timings.append((time.perf_counter() - started) * 1000)
    out["page"] = {
        "url": url,
        "status": response.status_code,
        "queries": len(captured.captured_queries),
        **summary(timings),
    }
    return out


# --- Run ---------------------------------------------------------------------------------------------------


def run(results: dict) -> list[str]:
    """Run the five benchmarks; fill results["skills"] and return markdown lines."""
    from django.db.utils import OperationalError

    from skills.models import SkillsProfile

    try:
        count = SkillsProfile.objects.count()
    except OperationalError as error:
        results["skills"] = {"error": f"no usable database ({error})"}
        return markdown(results["skills"])
    from django.db.models import Count

    from skills import models

    out: dict = {
        "rows": {
            "profiles": count,
            "completed": SkillsProfile.objects.filter(completed_at__isnull=False).count(),
            "claims": sum(
                model.objects.aggregate(n=Count("pk"))["n"]
                for model in (
                    models.Qualification,
                    models.WorkExperience,
                    models.LanguageSkill,
                    models.DigitalSkill,
                    models.SoftSkill,
                    models.DrivingLicence,
                )
            ),
            "history": models.ClaimChange.objects.count(),
        }
    }
    user = demo_operator()
    profiles = sample_profiles(user) if user else []
    print("  skills: ESCO occupation search…", flush=True)
    out["search"] = bench_search(user)
    print("  skills: matching hints…", flush=True)
    out["hints"] = bench_hints(user, profiles)
    print("  skills: exports…", flush=True)
    out["exports"] = bench_exports(user, profiles)
    print("  skills: completeness…", flush=True)
    out["completeness"] = bench_completeness()
    print("  skills: overview aggregates…", flush=True)
    out["overview"] = bench_overview()
    results["skills"] = out
    return markdown(out)


def _row(label: str, data: dict, extra: str = "") -> str:
    if "error" in data:
        return f"| {label} | {data['error']} | | | |"
    return f"| {label} | {data['p50_ms']} | {data['p95_ms']} | {data['max_ms']} | {extra} |"


def markdown(out: dict) -> list[str]:
    lines = ["## Skills profiles (issue 6)", ""]
    if "error" in out:
        return [*lines, f"Not measured: {out['error']}."]
    rows = out["rows"]
    lines += [
        f"Data: {rows['profiles']} profiles ({rows['completed']} completed), {rows['claims']} claims, "
        f"{rows['history']} history rows.",
        "",
        "| step | p50 ms | p95 ms | max ms | notes |",
        "|---|---|---|---|---|",
    ]
    search = out["search"]
    met = "met" if search["search"]["p95_ms"] < SEARCH_TARGET_MS else "missed"
    lines.append(
        _row(
            f"ESCO occupation search, {search['queries']} queries of 3-6 letters ({search['occupations']} occupations)",
            search["search"],
            f"target p95 < {SEARCH_TARGET_MS} ms: {met}; no result for {', '.join(search['empty']) or 'none'}",
        )
    )
    view = search.get("view", {})
    if view:
        lines.append(
            _row(
                "search view `skills:occupation_search` (htmx, test client)",
                view,
                f"HTTP {', '.join(map(str, view.get('status_codes', [])))}, queries {view.get('queries')}",
            )
        )
    hints = out["hints"]
    lines.append(
        _row(
            f"`matching.hints()` for {hints.get('profiles', 0)} profiles of the Napoli operator",
            hints,
            f"queries {hints.get('queries')}; hints {hints.get('hints')}; target p95 < {HINTS_TARGET_MS} ms: "
            f"{'met' if hints.get('p95_ms', 1e9) < HINTS_TARGET_MS else 'missed'}",
        )
    )
    exports = out["exports"]
    if "error" in exports:
        lines.append(f"| exports | {exports['error']} | | | |")
    else:
        for name, label in (
            ("load", "export: load the profile"),
            ("json", "export: JSON"),
            ("xml", "export: Europass XML"),
        ):
            if name in exports:
                size = exports[name].get("mean_kb")
                lines.append(_row(label, exports[name], f"{size} KB on average" if size else ""))
    completeness = out["completeness"]
    lines.append(
        _row(
            f"`refresh_completeness()` on {completeness.get('profiles', 0)} profiles",
            completeness,
            f"queries {completeness.get('queries')}; figures changed: {completeness.get('changed')}",
        )
    )
    overview = out["overview"]
    totals = overview["totals"]
    lines.append(
        _row(
            "overview aggregates over all profiles (SQL)",
            overview["aggregate"],
            f"{totals['profiles']} profiles, P2.1 completed {totals['completed']}, average {totals['average']}%, "
            f"R.2.10 recognition applied/granted {totals['recognition']}",
        )
    )
    lines.append(
        _row(
            f"the same by organisation ({overview['by_organisation']['organisations']} organisations)",
            overview["by_organisation"],
        )
    )
    page = overview.get("page", {})
    if page:
        lines.append(
            _row(
                "overview page `skills:overview` (regional coordinator)",
                page,
                f"HTTP {page.get('status')}, {page.get('queries')} queries" if "error" not in page else "",
            )
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
    print(json.dumps(results["skills"], indent=2, default=str))


if __name__ == "__main__":
    main()
