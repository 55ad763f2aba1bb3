"""Benchmarks of activities (issue 4), on a database seeded with the campania demo data (SQLite):

(a) server time to save one attendance mark: `activities.actions.mark_attendance` called directly, and the
    register's own view (`activities:register_mark`, as htmx posts it) through Django's test client;
    p50/p95 over 200 marks each. Target: under 50 ms.
(b) the register of a session renders with a constant number of queries: a 30-person and a 5-person
    session (`activities:register`).
(c) importing 100,000 attendance rows from an XLSX file made from the demo data through
    `core.imports.run_import`: the dry run (read and check), the real import (read, check and save), and the
    same file again (every mark replaced). Target: under 2 minutes.

`run(results)` fills `results["activities"]` and returns markdown lines; `bench/run.py` calls it after
seeding. Standalone, against an existing SQLite database (seeded demo activities are added when missing):

    SQLITE_NAME=/tmp/bench_act.sqlite3 .venv/bin/python bench/bench_activities.py

The benchmark leaves the data as it found it: the marks it makes are deleted afterwards and the imported
marks are the ones it removed just before (same people, sessions, statuses and hours).
"""

from __future__ import annotations

import io
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKS = 200
IMPORT_ROWS = 100_000
MARK_TARGET_MS = 50
IMPORT_TARGET_S = 120
REGISTER_SIZES = (30, 5)
DEMO_DOMAIN = "@demo.interazioni.example.org"
TRAINER = "formatore.napoli" + DEMO_DOMAIN


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


def ensure_demo_activities(results: dict) -> None:
    """A database seeded before activities existed gets its demo activities (timed)."""
    from auditlog.context import disable_auditlog
    from django.db import transaction

    from activities.demo import seed_activities
    from activities.models import Activity
    from people.models import Participant

    if Activity.objects.filter(is_demo=True).exists():
        return
    size = "campania" if Participant.objects.filter(is_demo=True).count() >= 10_000 else "small"
    started = time.perf_counter()
    with disable_auditlog(), transaction.atomic():
        counts = seed_activities(1, size)
    results["seeded_now"] = {"size": size, "seconds": round(time.perf_counter() - started, 2), **counts}


def operator_of(organisation_id: int):
    """A demo operator (or administrator) of the organisation."""
    from accounts.models import Membership

    membership = (
        Membership.objects.filter(
            organisation_id=organisation_id,
            role__in=["operator", "org_admin"],
            is_active=True,
            user__email__endswith=DEMO_DOMAIN,
        )
        .select_related("user")
        .order_by("role", "user__email")
        .first()
    )
    if membership is None:
        return None
    user = membership.user
    if user.active_membership_id != membership.pk:
        user.active_membership = membership
        user.save(update_fields=["active_membership"])
    return user


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


# --- (a) one mark -------------------------------------------------------------------------------------------


def mark_session():
    """The Napoli trainer's session today (the demo leaves it unmarked), or their latest session held."""
    from django.utils import timezone

    from accounts.models import User
    from activities.actions import ON_REGISTER
    from activities.models import Session

    trainer = User.objects.filter(email=TRAINER).first()
    if trainer is None:
        return None, None, []
    sessions = Session.objects.filter(
        activity__trainers=trainer, is_cancelled=False, date__lte=timezone.localdate()
    ).select_related("activity")
    session = sessions.filter(date=timezone.localdate()).first() or sessions.order_by("-date").first()
    if session is None:
        return trainer, None, []
    people = list(session.activity.enrolments.filter(status__in=ON_REGISTER).order_by("pk"))
    return trainer, session, people


def bench_marks() -> dict:
    from django.db.models import Q
    from django.urls import NoReverseMatch, reverse

    from activities import actions
    from activities.models import Attendance, Enrolment

    trainer, session, people = mark_session()
    if session is None or not people:
        return {"error": "no session of the demo trainer to mark"}
    before = {
        m.enrolment_id: (m.status, m.hours, m.recorded_by_id, m.recorded_at)
        for m in Attendance.objects.filter(session=session)
    }
    cycle = [("present", None), ("absent", None), ("excused", None), ("present", "1.5")]
    result = {
        "session": session.pk,
        "activity": session.activity_id,
        "people_on_register": len(people),
        "marked_before": len(before),
    }
    try:
        timings = []
        for n in range(MARKS):
            status, hours = cycle[(n // len(people)) % len(cycle)]
            began = time.perf_counter()
            actions.mark_attendance(
                session, people[n % len(people)], status, acting_user=trainer, hours=hours
            )
            timings.append((time.perf_counter() - began) * 1000)
        result["action"] = summary(timings)
        try:
            url_name = "activities:register_mark"
            reverse(url_name, args=[session.activity_id, session.pk, people[0].pk])
        except NoReverseMatch:
            result["view"] = {"error": "the URL activities:register_mark does not exist"}
        else:
            client = client_for(trainer)
            timings, statuses = [], set()
            for n in range(MARKS):
                status, hours = cycle[(n // len(people) + 1) % len(cycle)]
                person = people[n % len(people)]
                url = reverse(url_name, args=[session.activity_id, session.pk, person.pk])
                began = time.perf_counter()
                response = client.post(
                    url,
                    {"status": status, "hours": hours or ""},
                    HTTP_HX_REQUEST="true",
                    HTTP_HOST="127.0.0.1",
                )
                timings.append((time.perf_counter() - began) * 1000)
                statuses.add(response.status_code)
            result["view"] = {**summary(timings), "status_codes": sorted(statuses)}
    finally:
        # Put the session back as it was.
        Attendance.objects.filter(session=session).filter(~Q(enrolment_id__in=list(before))).delete()
        for enrolment_id, (status, hours, recorded_by, recorded_at) in before.items():
            Attendance.objects.filter(session=session, enrolment_id=enrolment_id).update(
                status=status, hours=hours, recorded_by_id=recorded_by, recorded_at=recorded_at
            )
        actions.refresh_attended_hours(Enrolment.objects.filter(pk__in=[p.pk for p in people]))
    return result


# --- (b) the register's queries -----------------------------------------------------------------------------


def register_sessions() -> dict[int, tuple]:
    """For each wanted size, a session held by an activity with exactly that many people on the register,
    of an organiser with a demo operator (or the size closest to it)."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from activities.actions import ON_REGISTER
    from activities.models import Activity, Session

    activities = (
        Activity.objects.filter(is_demo=True, organiser__memberships__role="operator")
        .annotate(people=Count("enrolments", filter=Q(enrolments__status__in=ON_REGISTER), distinct=True))
        .filter(people__gt=0)
        .order_by("pk")
        .values_list("pk", "organiser_id", "people")
    )
    found = {}
    for size in REGISTER_SIZES:
        ranked = sorted(activities, key=lambda row, size=size: (abs(row[2] - size), row[0]))
        for pk, organiser_id, people in ranked:
            session = (
                Session.objects.filter(activity_id=pk, is_cancelled=False, date__lte=timezone.localdate())
                .order_by("-date")
                .first()
            )
            if session is not None:
                found[size] = (session, organiser_id, people)
                break
    return found


def bench_register() -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("activities:register", args=[1, 1])
    except NoReverseMatch:
        return {"error": "the URL activities:register does not exist"}
    rows = []
    for size, (session, organiser_id, people) in register_sessions().items():
        user = operator_of(organiser_id)
        client = client_for(user)
        url = reverse("activities:register", args=[session.activity_id, session.pk])
        client.get(url, HTTP_HOST="127.0.0.1")  # warm up (session, membership caches)
        connection.queries_log.clear()  # a full log (9,000 entries) would hide the new queries
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, HTTP_HOST="127.0.0.1")
        timings = []
        for _ in range(20):
            began = time.perf_counter()
            client.get(url, HTTP_HOST="127.0.0.1")
            timings.append((time.perf_counter() - began) * 1000)
        rows.append(
            {
                "wanted": size,
                "people": people,
                "url": url,
                "status": response.status_code,
                "queries": len(captured.captured_queries),
                **summary(timings),
            }
        )
    counts = {row["queries"] for row in rows}
    return {"sessions": rows, "constant": len(counts) == 1}


# --- (c) importing 100,000 marks ----------------------------------------------------------------------------


def import_rows(limit: int = IMPORT_ROWS):
    """The marks of the organisation with the most, as rows of the attendance template (codice fiscale
    when the person has one, otherwise participant or enrolment number), and the operator who imports."""
    from django.db.models import Count

    from activities.models import Attendance

    top = (
        Attendance.objects.filter(enrolment__activity__is_demo=True)
        .values("session__activity__organiser_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if top is None:
        return None, [], []
    organiser_id = top["session__activity__organiser_id"]
    marks = list(
        Attendance.objects.filter(session__activity__organiser_id=organiser_id, session__is_cancelled=False)
        .order_by("session__date", "session_id", "enrolment_id")
        .values_list(
            "pk",
            "session__activity_id",
            "session__date",
            "enrolment_id",
            "enrolment__participant_id",
            "enrolment__participant__codice_fiscale",
            "status",
            "hours",
            "session__hours",
        )[:limit]
    )
    letter = {"present": "P", "absent": "A", "excused": "G"}
    header = [
        "activity_id",
        "session_date",
        "enrolment_id",
        "participant_id",
        "codice_fiscale",
        "status",
        "hours",
    ]
    rows = []
    for _pk, activity, day, enrolment, participant, code, status, hours, session_hours in marks:
        person = ("", "", code) if code else ("", participant, "") if participant else (enrolment, "", "")
        partial = hours if status == "present" and hours != session_hours else ""
        rows.append([activity, day, *person, letter[status], partial])
    return operator_of(organiser_id), [header, *rows], [m[0] for m in marks]


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bench_import() -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import Sum

    from activities.models import Attendance, Enrolment
    from core.imports import get_kind, run_import

    user, rows, mark_ids = import_rows()
    if user is None or len(rows) < 2:
        return {"error": "no demo attendance to build the file from"}
    kind = get_kind("attendance")
    started = time.perf_counter()
    content = xlsx_bytes(rows)
    result = {
        "rows": len(rows) - 1,
        "user": user.email,
        "file_bytes": len(content),
        "build_file_s": round(time.perf_counter() - started, 2),
    }
    hours_before = Enrolment.objects.filter(activity__is_demo=True).aggregate(total=Sum("attended_hours"))[
        "total"
    ]

    def upload():
        return SimpleUploadedFile("registro.xlsx", content)

    # The marks of the file are removed first: the import writes them again (new rows, the common case).
    removed = []
    for start in range(0, len(mark_ids), 500):
        chunk = Attendance.objects.filter(pk__in=mark_ids[start : start + 500])
        removed += list(chunk)
        chunk._raw_delete("default")
    try:
        began = time.perf_counter()
        report = run_import(kind, upload(), user, dry_run=True)
        dry_run = time.perf_counter() - began
        assert report.ok, [str(e) for e in report.errors[:5]]
        began = time.perf_counter()
        report = run_import(kind, upload(), user, dry_run=False)
        total = time.perf_counter() - began
        assert report.ok and report.imported == len(rows) - 1, [str(e) for e in report.errors[:5]]
    except BaseException:
        Attendance.objects.bulk_create(removed, batch_size=2_000)  # leave the data as it was
        raise
    result["new_marks"] = {
        "dry_run_s": round(dry_run, 2),
        "import_s": round(total, 2),
        "save_s": round(total - dry_run, 2),
        "under_target": total < IMPORT_TARGET_S,
    }
    began = time.perf_counter()
    report = run_import(kind, upload(), user, dry_run=False)
    again = time.perf_counter() - began
    assert report.ok, [str(e) for e in report.errors[:5]]
    result["replacing_marks"] = {"import_s": round(again, 2), "under_target": again < IMPORT_TARGET_S}
    hours_after = Enrolment.objects.filter(activity__is_demo=True).aggregate(total=Sum("attended_hours"))[
        "total"
    ]
    result["attended_hours_unchanged"] = hours_before == hours_after
    return result


# --- Run ----------------------------------------------------------------------------------------------------


def run(results: dict) -> list[str]:
    """Run the three benchmarks; fill results["activities"] and return markdown lines."""
    from activities.models import Activity, Attendance, Enrolment

    out: dict = {}
    ensure_demo_activities(out)
    out["rows"] = {
        "activities": Activity.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "attendance": Attendance.objects.count(),
    }
    print("  activities: one mark…", flush=True)
    out["mark"] = bench_marks()
    print("  activities: register queries…", flush=True)
    out["register"] = bench_register()
    print("  activities: importing 100,000 marks…", flush=True)
    out["import"] = bench_import()
    results["activities"] = out
    return markdown(out)


def markdown(out: dict) -> list[str]:
    rows = out["rows"]
    lines = [
        "## Activities (issue 4)",
        "",
        f"Data: {rows['activities']} activities, {rows['enrolments']} enrolments, {rows['attendance']} attendance rows.",
    ]
    if "seeded_now" in out:
        lines.append(f"Demo activities seeded for this run in {out['seeded_now']['seconds']} s.")
    mark = out["mark"]
    lines += ["", f"### Saving one attendance mark ({MARKS} marks) — target < {MARK_TARGET_MS} ms", ""]
    if "error" in mark:
        lines.append(f"Not measured: {mark['error']}.")
    else:
        lines += [
            f"Session {mark['session']} of activity {mark['activity']}, {mark['people_on_register']} people on the register.",
            "",
            "| path | p50 ms | p95 ms | max ms |",
            "|---|---|---|---|",
            f"| `actions.mark_attendance` | {mark['action']['p50_ms']} | {mark['action']['p95_ms']} | {mark['action']['max_ms']} |",
        ]
        view = mark.get("view", {})
        if "error" in view:
            lines.append(f"| view `activities:register_mark` | {view['error']} | | |")
        elif view:
            lines.append(
                f"| view `activities:register_mark` (htmx, test client; HTTP {', '.join(map(str, view['status_codes']))}) "
                f"| {view['p50_ms']} | {view['p95_ms']} | {view['max_ms']} |"
            )
    register = out["register"]
    lines += ["", "### Register page queries — target: the same for 30 and 5 people", ""]
    if "error" in register:
        lines.append(f"Not measured: {register['error']}.")
    else:
        lines += ["| people on the register | HTTP | queries | p50 ms | p95 ms |", "|---|---|---|---|---|"]
        lines += [
            f"| {r['people']} | {r['status']} | {r['queries']} | {r['p50_ms']} | {r['p95_ms']} |"
            for r in register["sessions"]
        ]
        lines.append(f"\nConstant query count: {'yes' if register['constant'] else 'NO'}.")
    imported = out["import"]
    lines += ["", f"### Importing {IMPORT_ROWS:,} attendance rows (XLSX) — target < {IMPORT_TARGET_S} s", ""]
    if "error" in imported:
        lines.append(f"Not measured: {imported['error']}.")
    else:
        new, again = imported["new_marks"], imported["replacing_marks"]
        lines += [
            f"{imported['rows']:,} rows, {imported['file_bytes'] / 1e6:.1f} MB, imported by {imported['user']}.",
            "",
            "| step | seconds |",
            "|---|---|",
            f"| dry run (read + check) | {new['dry_run_s']} |",
            f"| import of new marks (read + check + save) | {new['import_s']} |",
            f"| of which saving | {new['save_s']} |",
            f"| the same file again (every mark replaced) | {again['import_s']} |",
        ]
    return lines


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interazioni.settings")
    import django

    django.setup()
    results: dict = {}
    lines = run(results)
    print("\n".join(lines))
    print(json.dumps(results["activities"], indent=2, default=str))


if __name__ == "__main__":
    main()
