"""Benchmarks of monitoring (issue 8): every indicator at national scale on PostgreSQL against hand-written
SQL, and the Region's dashboard on the campania demo (SQLite).

(a) National, PostgreSQL (`postgres://postgres@127.0.0.1:5432`, trust auth; a scratch database
    `interazioni_bench_mon` is created and dropped; "skipped" when the server is unreachable). After
    `migrate` and the reference data (`territory.reference.load_all`; the indicators come with the
    migrations), the dataset is generated with set-based SQL (`INSERT ... SELECT generate_series`,
    deterministic hashes instead of random draws): 300 organisations over every province, 1,000,000
    participants (sex, birth dates 1950-2020, ~3 % with an EU citizenship, 1 % stateless, municipalities over
    all of Italy) and their citizenships, 200,000 service records, 20,000 activities of every kind with
    ~400,000 sessions, ~1,000,000 enrolments (participants, operators, association representatives),
    10,000,000 attendance rows, entry/exit language assessments, feedback, operator self-assessments,
    public registrations, referrals, mediations, consultation tables and meetings, agreements, plans and
    goals, skills profiles and qualifications, the directory (`directory.demo.seed_directory_scale`) and
    project targets; then VACUUM ANALYZE. Events span 2024-01-01..2026-10-31.
    Then, over the calendar year 2025 and no filter: each indicator's `report.compute` (value only, and with
    the breakdowns action, province and sex where allowed) against hand-written SQL for the same aggregate
    (one statement per computation family, written as a DBA would, directly on the tables), whose numbers
    must equal the app's (a mismatch is reported as an error); the median of BENCH_MON_RUNS runs after a
    warm-up; and the whole set (`report.compute_all`) with and without targets (progress and forecast
    compute each total again over the whole project so far). Targets: the full set for one year < 5 s; each
    indicator <= 1.5x its raw SQL. Sizes: BENCH_MON_PARTICIPANTS (default 1,000,000) and
    BENCH_MON_ATTENDANCE (default 10,000,000); the other tables scale with the participants.
(b) Campania dashboard, SQLite (the database `bench/run.py` seeded, or SQLITE_NAME): what the Region's
    dashboard computes for the current year, `report.compute_all` with the breakdowns by action and province
    and the monthly trend of O.2.3, and, when `monitoring.views.dashboard` exists, the page itself through
    Django's test client as the regional coordinator. Target < 1 s.

`run(results)` fills `results["monitoring"]` and returns markdown lines; `bench/run.py` calls it after seeding.
Standalone (writes bench/results/results_monitoring.json and .md):

    .venv/bin/python bench/bench_monitoring.py national        # PostgreSQL, scratch database
    BENCH_MON_PARTICIPANTS=100000 BENCH_MON_ATTENDANCE=1000000 .venv/bin/python bench/bench_monitoring.py national
    SQLITE_NAME=/tmp/demo.sqlite3 .venv/bin/python bench/bench_monitoring.py campania
    .venv/bin/python bench/bench_monitoring.py                 # both
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "interazioni_bench_mon"
PARTICIPANTS = int(os.environ.get("BENCH_MON_PARTICIPANTS", "1000000"))
ATTENDANCE = int(os.environ.get("BENCH_MON_ATTENDANCE", "10000000"))
DIRECTORY_SERVICES = int(os.environ.get("BENCH_MON_DIRECTORY", "2000"))
RUNS = int(os.environ.get("BENCH_MON_RUNS", "3"))
YEAR = int(os.environ.get("BENCH_MON_YEAR", "2025"))
SPAN = (datetime.date(2024, 1, 1), datetime.date(2026, 10, 31))  # the events of the national dataset
FULL_SET_TARGET_S = 5.0
RATIO_TARGET = 1.5
DASHBOARD_TARGET_S = 1.0
BY = ("action", "province", "sex")  # the breakdowns timed with each indicator (where the indicator allows)
DASHBOARD_BY = ("action", "province")
REGION_USER = "coordinamento.regione@demo.interazioni.example.org"
ORGANISATIONS = 300
USERS = 600


def log(message: str) -> None:
    print(f"  monitoring: {message}", flush=True)


def median_ms(function, runs: int = RUNS, warm: bool = True) -> tuple[float, object]:
    """Median wall time (ms) of `runs` calls after one warm-up call, and the last result."""
    result = function() if warm else None
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1), result


# --- (a) the national dataset, generated in SQL ----------------------------------------------------------------

# Deterministic draws: a hash of (row number, salt) mapped to [0, 1). SQL functions of one SELECT are inlined.
HELPERS = """
CREATE OR REPLACE FUNCTION bench_r(i bigint, salt integer) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (hashint8extended(i, salt) & 4503599627370495)::double precision / 4503599627370496.0 $$;
CREATE OR REPLACE FUNCTION bench_n(i bigint, salt integer, n bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT floor(bench_r(i, salt) * n)::bigint $$;
"""

# Activity kinds: share of the activities, sessions (min + spread), enrolments per activity, who enrols.
KINDS = [
    ("italian_l2", 0.25, "02", "participants", 20, 17, 70, "participant"),
    ("italian_work", 0.08, "02", "participants", 20, 17, 70, "participant"),
    ("digital", 0.08, "02", "participants", 20, 17, 70, "participant"),
    ("civic_orientation", 0.10, "02", "participants", 20, 17, 70, "participant"),
    ("school_to_work", 0.04, "02", "participants", 20, 17, 70, "participant"),
    ("vocational_orientation", 0.08, "02", "participants", 20, 17, 70, "participant"),
    ("operator_training", 0.12, "01", "operators", 8, 5, 30, "operator"),
    ("capacity_building", 0.05, "03", "associations", 8, 5, 10, "association"),
    ("information_event", 0.12, "03", "public", 1, 2, 10, "participant"),
    ("community_event", 0.08, "03", "public", 1, 2, 10, "participant"),
]
ORGANISATION_KINDS = [
    ("municipality", 0.20), ("third_sector", 0.20), ("migrant_association", 0.10), ("informal_group", 0.04),
    ("school", 0.08), ("health_authority", 0.04), ("prefecture", 0.03), ("social_district", 0.05),
    ("job_centre", 0.06), ("university", 0.03), ("social_partner", 0.05), ("employer", 0.12),
]  # fmt: skip
COMMON_COUNTRIES = ["MA", "AL", "UA", "CN", "IN", "BD", "PK", "NG", "SN", "EG", "TN", "PH", "LK", "PE", "EC", "MD",
                    "GH", "CI", "ML", "GM", "BR", "AF", "SY", "ER", "SO", "DZ", "MK", "RS", "GE", "CO"]  # fmt: skip
EU_COUNTRIES = ["RO", "PL", "BG", "IT", "FR", "DE", "ES"]
MEDIATION_LANGUAGES = ["ara", "eng", "fra", "ukr", "ben", "urd", "zho", "spa", "rus", "sqi", "wol", "pan", "tir",
                       "som", "fas", "tur"]  # fmt: skip
BIG_TABLES = [  # loaded without their secondary indexes and foreign keys, which are rebuilt afterwards
    "people_participant",
    "paths_servicerecord",
    "activities_session",
    "activities_enrolment",
    "activities_attendance",
    "activities_feedbackresponse",
    "activities_languageassessment",
    "activities_selfassessment",
]


def _cumulative(pairs) -> str:
    """VALUES rows (name, lo, hi, extra...) with cumulative shares, for a range join on a draw."""
    rows, low = [], 0.0
    total = sum(pair[1] for pair in pairs)
    for index, (name, share, *extra) in enumerate(pairs):
        high = 1.0 if index == len(pairs) - 1 else low + share / total
        values = ", ".join(repr(value) if isinstance(value, str) else str(value) for value in extra)
        rows.append(f"('{name}', {low!r}, {high!r}{', ' + values if values else ''})")
        low = high
    return ", ".join(rows)


class Generator:
    """The national dataset, table by table, in one connection (session settings for a bulk load)."""

    def __init__(self, cursor, participants: int, attendance: int):
        self.cursor = cursor
        self.n = participants
        self.attendance = attendance
        self.scale = participants / 1_000_000
        self.p = {
            "n": participants,
            "orgs": ORGANISATIONS,
            "users": USERS,
            "span_start": SPAN[0],
            "span_end": SPAN[1],
            "span_days": (SPAN[1] - SPAN[0]).days,
            "stride": 104_729 if participants % 104_729 else 130_363,  # a prime: distinct people per activity
        }
        self.timings: dict[str, float] = {}
        self.saved: list[tuple[str, str]] = []  # (kind, statement) to rebuild dropped indexes and constraints

    def sql(self, label: str, statement: str, params: dict | None = None) -> None:
        started = time.perf_counter()
        self.cursor.execute(statement, {**self.p, **(params or {})} if "%(" in statement else None)
        elapsed = time.perf_counter() - started
        self.timings[label] = round(self.timings.get(label, 0) + elapsed, 1)
        log(f"{label}: {elapsed:.1f} s")

    def scalar(self, statement: str, params: dict | None = None):
        self.cursor.execute(statement, {**self.p, **(params or {})} if "%(" in statement else None)
        return self.cursor.fetchone()[0]

    def count(self, table: str) -> int:
        return self.scalar(f"SELECT count(*) FROM {table}")

    def run(self) -> dict:
        c = self.cursor
        c.execute("SET synchronous_commit = off")
        c.execute("SET work_mem = '256MB'")
        c.execute("SET maintenance_work_mem = '1GB'")
        c.execute(HELPERS)
        self._lookups()
        self._drop_indexes()
        self._organisations()
        self._participants()
        self._services()
        self._activities()
        self._attendance()
        self._assessments()
        self._paths()
        self._network()
        self._plans_and_skills()
        self._restore_indexes()
        self._sequences()
        c.execute("RESET ALL")
        return self.timings

    # Lookups -------------------------------------------------------------------------------------------------

    def _lookups(self) -> None:
        common = ", ".join(f"'{code}'" for code in COMMON_COUNTRIES)
        eu = ", ".join(f"'{code}'" for code in EU_COUNTRIES)
        languages = ", ".join(f"'{code}'" for code in MEDIATION_LANGUAGES)
        self.sql(
            "lookups",
            f"""
            CREATE TEMP TABLE b_muni AS
              SELECT (row_number() OVER (ORDER BY id) - 1)::bigint AS n, id, province_id FROM territory_municipality;
            CREATE TEMP TABLE b_capital AS
              SELECT (row_number() OVER (ORDER BY p.id) - 1)::bigint AS n, p.id AS province_id,
                     COALESCE((SELECT min(m.id) FROM territory_municipality m
                               WHERE m.province_id = p.id AND m.is_province_capital),
                              (SELECT min(m.id) FROM territory_municipality m WHERE m.province_id = p.id))
                       AS municipality_id
              FROM territory_province p
              WHERE EXISTS (SELECT 1 FROM territory_municipality m WHERE m.province_id = p.id);
            -- Third countries, the common ones eight times over (weights), every other one once.
            CREATE TEMP TABLE b_country AS
              SELECT (row_number() OVER (ORDER BY c.id, w) - 1)::bigint AS n, c.id
              FROM territory_country c
              CROSS JOIN LATERAL generate_series(1, CASE WHEN c.iso_alpha2 IN ({common}) THEN 8 ELSE 1 END) w
              WHERE NOT c.is_eu;
            CREATE TEMP TABLE b_eu AS
              SELECT (row_number() OVER (ORDER BY id) - 1)::bigint AS n, id
              FROM territory_country WHERE iso_alpha2 IN ({eu});
            CREATE TEMP TABLE b_language AS
              SELECT (row_number() OVER (ORDER BY id) - 1)::bigint AS n, id
              FROM territory_language WHERE code IN ({languages});
            CREATE TEMP TABLE b_service_type AS
              SELECT (row_number() OVER (ORDER BY id, w) - 1)::bigint AS n, id, default_action
              FROM paths_servicetype
              CROSS JOIN LATERAL generate_series(1, CASE WHEN indicator_code = 'O.2.3' THEN 3 ELSE 2 END) w;
            CREATE TEMP TABLE b_kind (kind text, lo float8, hi float8, action text, audience text,
                                      s_min int, s_spread int, enrol int, enrol_kind text);
            INSERT INTO b_kind VALUES {_cumulative([(k[0], k[1], *k[2:]) for k in KINDS])};
            CREATE TEMP TABLE b_org_kind (kind text, lo float8, hi float8);
            INSERT INTO b_org_kind VALUES {_cumulative(ORGANISATION_KINDS)};
            """,
        )
        c = self.cursor
        for name in ("b_muni", "b_capital", "b_country", "b_eu", "b_language", "b_service_type"):
            c.execute(f"SELECT count(*) FROM {name}")
            self.p[name] = c.fetchone()[0]
        self.p["italy"] = self.scalar("SELECT id FROM territory_country WHERE iso_alpha2 = 'IT'")
        self.p["italian"] = self.scalar("SELECT id FROM territory_language WHERE code = 'ita'")
        self.p["rule"] = self.scalar("SELECT min(id) FROM activities_completionrule")

    # Bulk load: secondary indexes and foreign keys off, rebuilt at the end -----------------------------------

    def _drop_indexes(self) -> None:
        c = self.cursor
        for table in BIG_TABLES:
            c.execute(
                "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype DESC",
                [table],
            )
            for name, definition, kind in c.fetchall():
                self.saved.append((kind, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
                c.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            c.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname AND k.contype = 'p')",
                [table],
            )
            for name, definition in c.fetchall():
                self.saved.append(("i", definition))
                c.execute(f'DROP INDEX "{name}"')
        log(f"dropped {len(self.saved)} indexes and constraints of {len(BIG_TABLES)} tables for the load")

    def _restore_indexes(self) -> None:
        order = {"i": 0, "u": 1, "f": 2}
        started = time.perf_counter()
        for _kind, statement in sorted(self.saved, key=lambda item: order[item[0]]):
            self.cursor.execute(statement)
        self.timings["indexes and foreign keys"] = round(time.perf_counter() - started, 1)
        log(f"rebuilt {len(self.saved)} indexes and constraints: {time.perf_counter() - started:.1f} s")

    def _sequences(self) -> None:
        c = self.cursor
        c.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'id' "
            "AND is_identity = 'YES' AND table_schema = 'public'"
        )
        for (table,) in c.fetchall():
            c.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"GREATEST((SELECT COALESCE(max(id), 0) FROM {table}), 1))"
            )

    # Organisations, users -------------------------------------------------------------------------------------

    def _organisations(self) -> None:
        self.sql(
            "organisations and users",
            """
            INSERT INTO network_organisation (id, name, kind, tax_code, address, migrant_led, email, phone,
                website, contact_person, require_mfa, is_active, is_demo, created_at, updated_at, municipality_id,
                approval, approval_note, joined_on, left_on, listed_publicly, network_status, reference_contact,
                reference_person, sectors)
            SELECT i, 'Ente bench ' || i, kind, '', '', kind IN ('migrant_association', 'informal_group'), '', '',
                   '', '', false, true, true, now(), now(), municipality_id,
                   CASE WHEN kind IN ('migrant_association', 'informal_group')
                        THEN CASE WHEN bench_r(i, 32) < 0.8 THEN 'approved' ELSE 'pending' END
                        ELSE 'not_needed' END,
                   '', joined_on, left_on, true,
                   CASE WHEN left_on IS NOT NULL THEN 'left' WHEN bench_r(i, 35) < 0.05 THEN 'candidate'
                        ELSE 'active' END,
                   '', '', '[]'::jsonb
            FROM (
              SELECT i,
                     CASE WHEN i = 1 THEN 'region' ELSE k.kind END AS kind,
                     CASE WHEN k.kind = 'municipality' AND i > %(b_capital)s THEN m.id ELSE cap.municipality_id END
                       AS municipality_id,
                     CASE WHEN bench_r(i, 36) < 0.1 THEN NULL
                          ELSE date '2023-01-01' + bench_n(i, 33, 1000)::int END AS joined_on,
                     CASE WHEN bench_r(i, 34) < 0.05 THEN date '2025-03-01' + bench_n(i, 37, 300)::int END AS left_on
              FROM generate_series(1, %(orgs)s) i
              JOIN b_capital cap ON cap.n = (i - 1) %% %(b_capital)s
              JOIN b_muni m ON m.n = bench_n(i, 31, %(b_muni)s)
              JOIN b_org_kind k ON bench_r(i, 30) >= k.lo AND bench_r(i, 30) < k.hi
            ) o;
            INSERT INTO accounts_user (id, password, is_superuser, first_name, last_name, is_staff, is_active,
                date_joined, email, email_notifications, preferred_language)
            SELECT i, '!', false, 'Utente', 'Bench ' || i, false, true, now(), 'utente' || i || '@bench.invalid',
                   false, 'it'
            FROM generate_series(1, %(users)s) i;
            CREATE TEMP TABLE b_assoc AS
              SELECT (row_number() OVER (ORDER BY id) - 1)::bigint AS n, id FROM network_organisation
              WHERE kind IN ('migrant_association', 'informal_group');
            """,
        )
        self.p["b_assoc"] = self.count("b_assoc")

    # Participants and citizenships ----------------------------------------------------------------------------

    def _participants(self) -> None:
        self.sql(
            "participants",
            """
            INSERT INTO people_participant (id, public_id, first_name, last_name, sex, birth_date, is_stateless,
                codice_fiscale, permit_reason, permit_being_renewed, arrival_date, arrived_before_school_age,
                phone, email, education_level, employment_status, unaccompanied_minor, status, is_demo,
                created_at, updated_at, country_of_birth_id, municipality_id, owner_id)
            SELECT i, md5(i::text)::uuid, 'Nome' || i, 'Cognome' || (i %% 50000),
                   CASE WHEN bench_r(i, 1) < 0.46 THEN 'F' WHEN bench_r(i, 1) < 0.99 THEN 'M' ELSE 'X' END,
                   birth, bench_r(i, 9) < 0.01, '',
                   CASE WHEN unaccompanied THEN 'unaccompanied_minor'
                        ELSE (ARRAY['work_employed', 'family', 'international_protection', 'asylum_seeker',
                                    'special_protection', 'study', 'eu_long_term', 'job_seeking'])
                             [1 + bench_n(i, 11, 8)] END,
                   false, arrival, arrival < birth + interval '6 years', '', '', 'unknown', 'unknown',
                   unaccompanied, 'active', true, created, created,
                   CASE WHEN bench_r(i, 12) < 0.03 THEN %(italy)s ELSE cob.id END,
                   CASE WHEN place < 0.02 THEN NULL WHEN place < 0.32 THEN cap.municipality_id ELSE m.id END,
                   1 + bench_n(i, 8, %(orgs)s)
            FROM (
              SELECT i, date '1950-01-01' + bench_n(i, 2, 25567)::int AS birth,
                     bench_r(i, 5) AS place,
                     timestamptz '2024-01-01 09:00+01' + bench_n(i, 13, %(span_days)s) * interval '1 day' AS created
              FROM generate_series(1, %(n)s) i
            ) s
            CROSS JOIN LATERAL (
              SELECT GREATEST(s.birth, date '2000-01-01' + bench_n(s.i, 4, 9800)::int) AS arrival,
                     s.birth > date '2007-01-01' AND bench_r(s.i, 10) < 0.05 AS unaccompanied
            ) d
            JOIN b_country cob ON cob.n = bench_n(s.i, 20, %(b_country)s)
            JOIN b_capital cap ON cap.n = bench_n(s.i, 6, %(b_capital)s)
            JOIN b_muni m ON m.n = bench_n(s.i, 7, %(b_muni)s)
            """,
        )
        # One third-country citizenship (the country of birth's draw), except the stateless and the 1.5 % with
        # only an EU one; a second one for some (an EU one for 1.5 %, another third country for 2 %).
        self.sql(
            "citizenships",
            """
            INSERT INTO people_participant_citizenships (participant_id, country_id)
            SELECT p.id, c.id FROM people_participant p JOIN b_country c ON c.n = bench_n(p.id, 20, %(b_country)s)
            WHERE NOT p.is_stateless AND bench_r(p.id, 21) >= 0.015;
            INSERT INTO people_participant_citizenships (participant_id, country_id)
            SELECT p.id, e.id FROM people_participant p JOIN b_eu e ON e.n = bench_n(p.id, 22, %(b_eu)s)
            WHERE NOT p.is_stateless AND (bench_r(p.id, 21) < 0.015 OR bench_r(p.id, 21) >= 0.985)
            ON CONFLICT DO NOTHING;
            INSERT INTO people_participant_citizenships (participant_id, country_id)
            SELECT p.id, c.id FROM people_participant p JOIN b_country c ON c.n = bench_n(p.id, 23, %(b_country)s)
            WHERE NOT p.is_stateless AND bench_r(p.id, 21) BETWEEN 0.5 AND 0.52
            ON CONFLICT DO NOTHING;
            """,
        )

    # Services -------------------------------------------------------------------------------------------------

    def _services(self) -> None:
        self.p["services"] = max(1000, round(200_000 * self.scale))
        self.sql(
            "service records",
            """
            INSERT INTO paths_servicerecord (id, date, duration_minutes, action, outcome, note, created_at,
                operator_id, organisation_id, participant_id, service_type_id)
            SELECT i, day, 30 + 15 * bench_n(i, 101, 5)::int, t.default_action,
                   CASE WHEN bench_r(i, 102) < 0.88 THEN 'delivered' WHEN bench_r(i, 102) < 0.94 THEN 'partial'
                        ELSE 'not_delivered' END,
                   '', day + time '10:00', 1 + bench_n(i, 103, %(users)s), 1 + bench_n(i, 104, %(orgs)s),
                   1 + bench_n(i, 105, %(n)s), t.id
            FROM (SELECT i, %(span_start)s::date + bench_n(i, 100, %(span_days)s + 1)::int AS day
                  FROM generate_series(1, %(services)s) i) s
            JOIN b_service_type t ON t.n = bench_n(s.i, 106, %(b_service_type)s)
            """,
        )

    # Activities, sessions, enrolments ---------------------------------------------------------------------

    def _activities(self) -> None:
        self.p["activities"] = max(200, round(20_000 * self.scale))
        self.sql(
            "activities and sessions",
            """
            CREATE TEMP TABLE b_act AS
              SELECT a, k.kind, k.action, k.audience, k.enrol, k.enrol_kind,
                     k.s_min + bench_n(a, 42, k.s_spread)::int AS sessions,
                     %(span_start)s::date + bench_n(a, 40, %(span_days)s - 120)::int AS start_date,
                     1 + bench_n(a, 41, %(orgs)s) AS organiser
              FROM generate_series(1, %(activities)s) a
              JOIN b_kind k ON bench_r(a, 43) >= k.lo AND bench_r(a, 43) < k.hi;
            ALTER TABLE b_act ADD COLUMN first_session bigint, ADD COLUMN first_enrolment bigint,
                ADD COLUMN end_date date;
            UPDATE b_act b SET first_session = x.fs, first_enrolment = x.fe,
                               end_date = b.start_date + ((b.sessions - 1) * 7 / 2)
            FROM (SELECT a, sum(sessions) OVER (ORDER BY a) - sessions + 1 AS fs,
                         sum(enrol) OVER (ORDER BY a) - enrol + 1 AS fe FROM b_act) x
            WHERE x.a = b.a;
            CREATE UNIQUE INDEX ON b_act (a);
            INSERT INTO activities_activity (id, title, description, kind, action, venue, online, start_date,
                end_date, planned_hours, audience, childcare_offered, status, is_demo, created_at, updated_at,
                municipality_id, organiser_id, completion_rule_id)
            SELECT b.a, 'Attività bench ' || b.a, '', b.kind, b.action, '', false, b.start_date, b.end_date,
                   b.sessions * 2.5, b.audience, false,
                   CASE WHEN b.end_date < %(span_end)s THEN 'completed' ELSE 'running' END, true,
                   b.start_date - 20 + time '09:00', b.start_date - 20 + time '09:00',
                   CASE WHEN bench_r(b.a, 44) < 0.5 THEN NULL ELSE m.id END, b.organiser, %(rule)s
            FROM b_act b JOIN b_muni m ON m.n = bench_n(b.a, 45, %(b_muni)s);
            INSERT INTO activities_session (id, date, start_time, end_time, hours, topic, venue, is_cancelled,
                activity_id)
            SELECT b.first_session + j, b.start_date + (j * 7 / 2), time '10:00', time '12:30', 2.5, '', '',
                   bench_r(b.first_session + j, 50) < 0.02, b.a
            FROM b_act b CROSS JOIN LATERAL generate_series(0, b.sessions - 1) j;
            """,
        )
        self.sql(
            "enrolments",
            """
            INSERT INTO activities_enrolment (id, kind, full_name, email, role_title, status, enrolled_at,
                status_changed_at, childcare_needed, attended_hours, note, activity_id, organisation_id,
                participant_id, user_id)
            SELECT b.first_enrolment + k, b.enrol_kind,
                   CASE b.enrol_kind WHEN 'participant' THEN ''
                        WHEN 'operator' THEN CASE WHEN k %% 5 < 2 THEN 'Utente Bench ' || u.user_id
                                                  ELSE 'Operatore ' || u.named END
                        ELSE 'Rappresentante ' || (b.first_enrolment + k) END,
                   '', '',
                   CASE WHEN bench_r(b.first_enrolment + k, 63) < 0.6 THEN 'completed'
                        WHEN bench_r(b.first_enrolment + k, 63) < 0.8 THEN 'enrolled'
                        WHEN bench_r(b.first_enrolment + k, 63) < 0.85 THEN 'withdrawn' ELSE 'dropped_out' END,
                   b.start_date - 7 + time '10:00', b.start_date - 7 + time '10:00', false, 0, '', b.a,
                   CASE b.enrol_kind WHEN 'participant' THEN NULL
                        WHEN 'operator' THEN CASE WHEN k %% 5 < 2 THEN 1 + (u.user_id - 1) %% %(orgs)s
                                                  ELSE 1 + u.named %% %(orgs)s END
                        ELSE x.id END,
                   CASE WHEN b.enrol_kind = 'participant'
                        THEN (bench_n(b.a, 60, %(n)s) + k::bigint * %(stride)s) %% %(n)s + 1 END,
                   CASE WHEN b.enrol_kind = 'operator' AND k %% 5 < 2 THEN u.user_id END
            FROM b_act b
            CROSS JOIN LATERAL generate_series(0, b.enrol - 1) k
            CROSS JOIN LATERAL (
              SELECT (bench_n(b.a, 61, %(users)s) + k * 7) %% %(users)s + 1 AS user_id,
                     (bench_n(b.a, 62, 6000) + k * 13) %% 6000 AS named
            ) u
            LEFT JOIN b_assoc x ON b.enrol_kind = 'association' AND x.n = (bench_n(b.a, 64, %(b_assoc)s) + k)
                                   %% %(b_assoc)s
            """,
        )

    def _attendance(self) -> None:
        """Each enrolment attends a run of consecutive sessions: all of them for events, operator and association
        courses; for participants' courses a run whose length is set so that the total is BENCH_MON_ATTENDANCE."""
        fixed = self.scalar(
            """SELECT COALESCE(sum(b.enrol::bigint * b.sessions), 0) FROM b_act b
               WHERE b.enrol_kind <> 'participant' OR b.audience = 'public'"""
        )
        courses = self.scalar(
            "SELECT COALESCE(sum(b.enrol), 0) FROM b_act b WHERE b.enrol_kind = 'participant' "
            "AND b.audience <> 'public'"
        )
        self.p["run"] = max(1.0, (self.attendance - fixed) / max(1, courses))
        log(f"attendance: {fixed:,} rows at events and operator/association courses, runs of ~{self.p['run']:.1f} "
            f"sessions for {courses:,} course enrolments")  # fmt: skip
        self.sql(
            "attendance",
            """
            CREATE TEMP TABLE b_enr AS
              SELECT e.id AS e, b.a, b.first_session, b.start_date, b.sessions, len,
                     bench_n(e.id, 71, b.sessions - len + 1)::int AS f0
              FROM activities_enrolment e JOIN b_act b ON b.a = e.activity_id
              CROSS JOIN LATERAL (
                SELECT CASE WHEN b.enrol_kind = 'participant' AND b.audience <> 'public'
                            THEN LEAST(b.sessions, GREATEST(1, floor(%(run)s + 7 * bench_r(e.id, 70) - 3)::int))
                            ELSE b.sessions END AS len
              ) l;
            ALTER TABLE b_enr ADD COLUMN first_row bigint;
            UPDATE b_enr SET first_row = x.f FROM (SELECT e, sum(len) OVER (ORDER BY e) - len + 1 AS f
                                                   FROM b_enr) x WHERE x.e = b_enr.e;
            INSERT INTO activities_attendance (id, status, hours, recorded_at, enrolment_id, session_id)
            SELECT r.first_row + g, st, CASE WHEN st = 'present'
                                             THEN CASE WHEN bench_r(r.first_row + g, 73) < 0.9 THEN 2.5 ELSE 1.5 END
                                             ELSE 0 END,
                   r.start_date + ((r.f0 + g) * 7 / 2) + time '13:00', r.e, r.first_session + r.f0 + g
            FROM b_enr r
            CROSS JOIN LATERAL generate_series(0, r.len - 1) g
            CROSS JOIN LATERAL (
              SELECT CASE WHEN bench_r(r.first_row + g, 72) < 0.8 THEN 'present'
                          WHEN bench_r(r.first_row + g, 72) < 0.95 THEN 'absent' ELSE 'excused' END AS st
            ) x
            """,
        )

    def _assessments(self) -> None:
        self.sql(
            "language assessments, feedback, self-assessments, registrations",
            """
            -- Entry for 90 per cent of the language-course participants, exit for 65 per cent (some exits lack an entry
            -- and some entries an exit), the exit level from one level below to two above.
            INSERT INTO activities_languageassessment (moment, date, overall, evidence, certificate_name,
                assessor_name, created_at, enrolment_id, language_id)
            SELECT m.moment, CASE m.moment WHEN 'entry' THEN b.start_date ELSE b.end_date END,
                   CASE m.moment WHEN 'entry' THEN lvl.entry ELSE LEAST(5, GREATEST(0, lvl.entry
                        + bench_n(e.id, 83, 4)::int - 1)) END,
                   'teacher', '', '', b.start_date + time '10:00', e.id, %(italian)s
            FROM activities_enrolment e JOIN b_act b ON b.a = e.activity_id
            CROSS JOIN LATERAL (SELECT bench_n(e.id, 81, 4)::int AS entry) lvl
            CROSS JOIN LATERAL (VALUES ('entry', 80, 0.9), ('exit', 82, 0.65)) m(moment, salt, share)
            WHERE b.kind IN ('italian_l2', 'italian_work') AND e.kind = 'participant'
              AND bench_r(e.id, m.salt) < m.share;
            INSERT INTO activities_feedbackresponse (helpful_for_integration, satisfaction, comment, language,
                channel, submitted_at, activity_id, enrolment_id)
            SELECT 1 + bench_n(e.id, 90, 5), 1 + bench_n(e.id, 91, 5), '', 'it', 'link',
                   b.end_date + time '18:00', b.a, e.id
            FROM activities_enrolment e JOIN b_act b ON b.a = e.activity_id
            WHERE e.kind = 'participant' AND bench_r(e.id, 92) < 0.3;
            INSERT INTO activities_trainingtopic (title, position, activity_id)
            SELECT 'Tema ' || t, t, b.a FROM b_act b CROSS JOIN generate_series(1, 2) t
            WHERE b.kind = 'operator_training';
            INSERT INTO activities_selfassessment (moment, score, recorded_at, enrolment_id, topic_id)
            SELECT m.moment,
                   CASE m.moment WHEN 'pre' THEN 1 + bench_n(e.id * 3 + t.id, 95, 3)
                        ELSE LEAST(5, 1 + bench_n(e.id * 3 + t.id, 95, 3) + bench_n(e.id * 3 + t.id, 96, 3) - 0) END,
                   CASE m.moment WHEN 'pre' THEN b.start_date ELSE b.end_date END + time '17:00', e.id, t.id
            FROM activities_enrolment e JOIN b_act b ON b.a = e.activity_id
            JOIN activities_trainingtopic t ON t.activity_id = b.a
            CROSS JOIN (VALUES ('pre'), ('post')) m(moment)
            WHERE e.kind = 'operator' AND (m.moment = 'pre' OR bench_r(e.id, 97) < 0.85);
            INSERT INTO activities_publicregistration (full_name, contact, language, people, consent_at,
                consent_text_version, status, confirmation_code, checkin_code, cancel_token, created_at,
                checked_in_at, is_demo, activity_id)
            SELECT 'Iscritto ' || b.a || '-' || r, '', 'it', 1 + bench_n(b.a * 16 + r, 98, 4), b.start_date - 5
                   + time '12:00', '1', 'confirmed', left(md5('c' || b.a || '-' || r), 12),
                   left(md5('k' || b.a || '-' || r), 8), md5('t' || b.a || '-' || r), b.start_date - 5
                   + time '12:00',
                   CASE WHEN bench_r(b.a * 16 + r, 99) < 0.7 THEN b.start_date + time '10:05' END, true, b.a
            FROM b_act b CROSS JOIN generate_series(1, 12) r
            WHERE b.audience = 'public';
            """,
        )

    # Referrals, mediations ------------------------------------------------------------------------------------

    def _paths(self) -> None:
        self.p["referrals"] = max(500, round(50_000 * self.scale))
        self.p["mediations"] = max(300, round(30_000 * self.scale))
        self.sql(
            "referrals and mediations",
            """
            INSERT INTO paths_referral (id, reason, summary, urgent, status, consent_override_reason, sent_at,
                answered_at, rejection_reason, closed_at, from_organisation_id, participant_id, sent_by_id,
                to_organisation_id, service_type_id)
            SELECT i, '', 'Invio bench', bench_r(i, 111) < 0.1, st, '', sent,
                   CASE WHEN st IN ('accepted', 'completed', 'rejected')
                        THEN sent + bench_n(i, 112, 30) * interval '1 day' + bench_n(i, 113, 600) * interval '1 minute'
                        END,
                   '', CASE WHEN st = 'completed' THEN sent + interval '45 days' END,
                   fo, 1 + bench_n(i, 114, %(n)s), 1 + bench_n(i, 115, %(users)s),
                   1 + (fo + bench_n(i, 116, %(orgs)s - 1)) %% %(orgs)s,
                   (SELECT id FROM b_service_type WHERE n = bench_n(i, 117, %(b_service_type)s))
            FROM (SELECT i, 1 + bench_n(i, 118, %(orgs)s) AS fo,
                         timestamptz '2024-01-01 08:00+01' + bench_n(i, 119, %(span_days)s) * interval '1 day'
                           + bench_n(i, 120, 600) * interval '1 minute' AS sent,
                         CASE WHEN bench_r(i, 121) < 0.15 THEN 'sent' WHEN bench_r(i, 121) < 0.45 THEN 'accepted'
                              WHEN bench_r(i, 121) < 0.7 THEN 'completed' WHEN bench_r(i, 121) < 0.85 THEN 'rejected'
                              ELSE 'withdrawn' END AS st
                  FROM generate_series(1, %(referrals)s) i) r;
            INSERT INTO paths_mediationrequest (id, meeting, service_context, starts_at, planned_minutes, place,
                status, hours, note, created_at, updated_at, language_id, organisation_id, participant_id,
                requested_by_id)
            SELECT i, '', '', at, 60, '', st,
                   CASE WHEN st = 'completed' AND bench_r(i, 131) < 0.9 THEN 0.5 * (1 + bench_n(i, 132, 6)) END,
                   '', at - interval '3 days', at, l.id, 1 + bench_n(i, 133, %(orgs)s),
                   CASE WHEN bench_r(i, 134) < 0.8 THEN 1 + bench_n(i, 135, %(n)s) END, 1 + bench_n(i, 136, %(users)s)
            FROM (SELECT i, timestamptz '2024-01-01 08:00+01' + bench_n(i, 137, %(span_days)s) * interval '1 day'
                              + bench_n(i, 138, 900) * interval '1 minute' AS at,
                         CASE WHEN bench_r(i, 139) < 0.7 THEN 'completed' WHEN bench_r(i, 139) < 0.8 THEN 'confirmed'
                              WHEN bench_r(i, 139) < 0.9 THEN 'cancelled' ELSE 'requested' END AS st
                  FROM generate_series(1, %(mediations)s) i) m
            JOIN b_language l ON l.n = bench_n(m.i, 140, %(b_language)s);
            """,
        )

    # Consultation tables, meetings, agreements ----------------------------------------------------------------

    def _network(self) -> None:
        self.sql(
            "tables, meetings, agreements",
            """
            INSERT INTO network_consultationtable (id, name, theme, is_active, is_demo, created_at, coordinator_id,
                province_id)
            SELECT cap.n + 1, 'Tavolo bench ' || cap.n, '', true, true, now(),
                   1 + cap.n %% %(orgs)s, cap.province_id
            FROM b_capital cap;
            INSERT INTO network_meeting (id, title, starts_at, ends_at, place, online_url, agenda, minutes,
                decisions, status, uid, is_demo, created_at, updated_at, table_id)
            SELECT i, 'Incontro bench ' || i, at, at + interval '2 hours', '', '', '', '', '',
                   CASE WHEN bench_r(i, 151) < 0.8 THEN 'held' WHEN bench_r(i, 151) < 0.9 THEN 'cancelled'
                        ELSE 'planned' END,
                   md5('m' || i)::uuid, true, at - interval '10 days', at, 1 + bench_n(i, 152, %(b_capital)s)
            FROM (SELECT i, timestamptz '2024-01-01 10:00+01' + bench_n(i, 153, %(span_days)s) * interval '1 day' AS at
                  FROM generate_series(1, 1500) i) m;
            INSERT INTO network_meetingparticipant (person_name, presence, meeting_id, organisation_id)
            SELECT '', CASE WHEN bench_r(m.id * 8 + k, 154) < 0.7 THEN 'present'
                            WHEN bench_r(m.id * 8 + k, 154) < 0.8 THEN 'excused'
                            WHEN bench_r(m.id * 8 + k, 154) < 0.9 THEN 'absent' ELSE 'invited' END,
                   m.id, 1 + (bench_n(m.id, 155, %(orgs)s) + k * 7) %% %(orgs)s
            FROM network_meeting m CROSS JOIN generate_series(0, 7) k;
            INSERT INTO network_agreement (id, kind, title, description, actions, objectives, status, signed_on,
                valid_from, valid_until, withdrawn_on, withdrawal_reason, document, document_sha256, is_demo,
                created_at, updated_at)
            SELECT i, (ARRAY['memorandum', 'adhesion', 'convention', 'partnership'])[1 + bench_n(i, 161, 4)],
                   'Accordo bench ' || i, '',
                   (ARRAY['["01"]', '["01", "02"]', '["02", "03"]', '["01", "02", "03"]'])
                     [1 + bench_n(i, 162, 4)]::jsonb,
                   '', st, CASE WHEN st <> 'draft' THEN signed END, CASE WHEN st <> 'draft' THEN signed END,
                   CASE WHEN st <> 'draft' THEN signed + (365 * (1 + bench_n(i, 163, 3)))::int END,
                   CASE WHEN st = 'withdrawn' THEN signed + 200 END, '', '', '', true, now(), now()
            FROM (SELECT i, date '2023-01-01' + bench_n(i, 164, 1300)::int AS signed,
                         CASE WHEN bench_r(i, 165) < 0.6 THEN 'signed' WHEN bench_r(i, 165) < 0.75 THEN 'expired'
                              WHEN bench_r(i, 165) < 0.85 THEN 'withdrawn' ELSE 'draft' END AS st
                  FROM generate_series(1, 400) i) a;
            INSERT INTO network_agreementparty (role, agreement_id, organisation_id)
            SELECT CASE WHEN k = 0 THEN 'lead' WHEN k = 3 THEN 'adherent' ELSE 'partner' END, a.id,
                   1 + (bench_n(a.id, 166, %(orgs)s) + k * 7) %% %(orgs)s
            FROM network_agreement a CROSS JOIN generate_series(0, 3) k;
            """,
        )

    # Plans and goals, skills profiles and qualifications ------------------------------------------------------

    def _plans_and_skills(self) -> None:
        self.p["plans"] = max(100, round(100_000 * self.scale))
        self.sql(
            "plans, goals, skills profiles, qualifications",
            """
            INSERT INTO paths_individualplan (id, version, is_current, summary, created_at, created_by_id,
                organisation_id, participant_id)
            SELECT j, 1, true, '',
                   timestamptz '2024-01-01 11:00+01' + bench_n(j, 171, %(span_days)s) * interval '1 day',
                   1 + bench_n(j, 172, %(users)s), 1 + bench_n(j, 173, %(orgs)s), j * 10
            FROM generate_series(1, LEAST(%(plans)s, %(n)s / 10)) j;
            INSERT INTO paths_goal (title, status, created_at, updated_at, owner_organisation_id, area_id, plan_id)
            SELECT 'Obiettivo', CASE WHEN bench_r(p.id * 2 + g, 174) < 0.3 THEN 'reached'
                                     WHEN bench_r(p.id * 2 + g, 174) < 0.6 THEN 'in_progress'
                                     WHEN bench_r(p.id * 2 + g, 174) < 0.9 THEN 'open' ELSE 'dropped' END,
                   p.created_at, p.created_at + bench_n(p.id * 2 + g, 175, 240) * interval '1 day',
                   p.organisation_id,
                   (SELECT id FROM paths_goalarea ORDER BY id OFFSET bench_n(p.id * 2 + g, 176, 5) LIMIT 1), p.id
            FROM paths_individualplan p CROSS JOIN generate_series(0, 1) g;
            INSERT INTO skills_skillsprofile (id, summary, aspirations, nothing_to_declare, interview_language,
                interview_started_at, completeness, completed_at, created_at, updated_at, participant_id)
            SELECT j, '', '', '[]'::jsonb, 'it', started, bench_n(j, 181, 101),
                   CASE WHEN bench_r(j, 182) < 0.5 THEN started + bench_n(j, 183, 60) * interval '1 day' END,
                   started, started, j * 10 - 3
            FROM (SELECT j, timestamptz '2024-01-01 15:00+01' + bench_n(j, 184, %(span_days)s) * interval '1 day'
                              AS started
                  FROM generate_series(1, LEAST(%(plans)s, %(n)s / 10)) j) s;
            INSERT INTO skills_qualification (evidence_level, evidence_note, evidence_set_at, created_at, title,
                institution, completed, field_of_study, documents_held, recognition_status,
                recognition_applied_on, recognition_body, country_id, profile_id)
            SELECT 1, '', now(), now(), 'Diploma', '', true, '', '[]'::jsonb, st,
                   CASE WHEN st <> 'none' THEN %(span_start)s::date + bench_n(s.id, 191, %(span_days)s)::int END,
                   '', CASE WHEN bench_r(s.id, 192) < 0.05 THEN NULL WHEN bench_r(s.id, 192) < 0.1 THEN %(italy)s
                            ELSE c.id END, s.id
            FROM skills_skillsprofile s
            JOIN b_country c ON c.n = bench_n(s.id, 193, %(b_country)s)
            CROSS JOIN LATERAL (
              SELECT CASE WHEN bench_r(s.id, 194) < 0.5 THEN 'none' WHEN bench_r(s.id, 194) < 0.75 THEN 'applied'
                          WHEN bench_r(s.id, 194) < 0.9 THEN 'recognised' ELSE 'refused' END AS st
            ) r
            WHERE bench_r(s.id, 195) < 0.6;
            """,
        )


# --- hand-written SQL for the same aggregates -----------------------------------------------------------------
#
# `value` is the statement a DBA would write for the number; `events` (subject, action, province, amount) is
# what the breakdowns group. Participants: third-country nationals only (no EU citizenship, Italy included),
# each once; their province and sex come from the registry.

TCN = (
    "NOT EXISTS (SELECT 1 FROM people_participant_citizenships pc JOIN territory_country c ON c.id = pc.country_id"
    " WHERE pc.participant_id = {} AND c.is_eu)"
)
PRESENT = (
    "FROM activities_attendance a JOIN activities_session s ON s.id = a.session_id "
    "JOIN activities_enrolment e ON e.id = a.enrolment_id JOIN activities_activity act ON act.id = s.activity_id "
    "{joins}WHERE s.date BETWEEN %(start)s AND %(end)s AND NOT s.is_cancelled AND a.status = 'present' "
    "AND e.kind = '{kind}'{kinds}"
)
OPERATOR = "COALESCE(e.user_id::text, e.full_name || '|' || COALESCE(e.organisation_id::text, ''))"
PROVINCE_OF = "(SELECT province_id FROM territory_municipality WHERE id = {})"


class Raw:
    def __init__(self, value: str, events: str | None = None, *, participant=False, group="", aggregate="count",
                 **params):  # fmt: skip
        self.value, self.events, self.participant, self.group, self.aggregate = (
            value,
            events,
            participant,
            group,
            aggregate,
        )
        self.params = params


def _present(kind: str, kinds, joins: str = "") -> str:
    return PRESENT.format(
        kind=kind, kinds=" AND act.kind = ANY(%(kinds)s)" if kinds is not None else "", joins=joins
    )


def _services(params: dict) -> tuple[str, str]:
    """(subjects, events) of the services of the indicator codes / service types named, in the period."""
    codes, types = params.get("indicator_codes"), params.get("service_types")
    where = "sr.date BETWEEN %(start)s AND %(end)s"
    if codes is not None or types is not None:
        where += (
            " AND sr.service_type_id IN (SELECT id FROM paths_servicetype"
            " WHERE indicator_code = ANY(%(codes)s) OR code = ANY(%(types)s))"
        )
    return (
        f"SELECT sr.participant_id AS subj FROM paths_servicerecord sr WHERE {where}",
        f"SELECT sr.participant_id AS subj, sr.action AS act FROM paths_servicerecord sr WHERE {where}",
    )


def _attended(kinds) -> tuple[str, str]:
    """(subjects, events) of participants present at a session held in the period (of activities of `kinds`)."""
    if kinds is None:
        subjects = (
            "SELECT e.participant_id AS subj FROM activities_attendance a "
            "JOIN activities_session s ON s.id = a.session_id JOIN activities_enrolment e ON e.id = a.enrolment_id "
            "WHERE s.date BETWEEN %(start)s AND %(end)s AND NOT s.is_cancelled AND a.status = 'present' "
            "AND e.kind = 'participant'"
        )
    else:
        subjects = f"SELECT e.participant_id AS subj {_present('participant', kinds)}"
    return subjects, f"SELECT e.participant_id AS subj, act.action AS act {_present('participant', kinds)}"


MEDIATED = (
    "FROM paths_mediationrequest mr WHERE mr.status = 'completed' "
    "AND mr.starts_at >= %(start_ts)s AND mr.starts_at < %(end_ts)s"
)


def _participants(sources: list[tuple[str, str]], group: str = "", **params) -> Raw:
    """Distinct third-country nationals over the union of the sources' subjects."""
    union = " UNION ".join(subjects for subjects, _events in sources)
    if len(sources) == 1:  # one source: its distinct subjects
        union = union.replace("SELECT ", "SELECT DISTINCT ", 1)
    if group:
        value = (
            f"SELECT count(*) FROM ({union}) x JOIN people_participant p ON p.id = x.subj "
            f"WHERE {TARGET_GROUPS[group]} AND {TCN.format('p.id')}"
        )
    else:
        value = f"SELECT count(*) FROM ({union}) x WHERE {TCN.format('x.subj')}"
    events = " UNION ALL ".join(events for _subjects, events in sources)
    return Raw(value, events, participant=True, group=group, **params)


TARGET_GROUPS = {
    "woman": "p.sex = 'F'",
    "newly_arrived_minor": "p.birth_date > %(adult)s AND p.arrival_date >= %(newly)s",
    "unaccompanied_minor": "p.birth_date > %(adult)s AND (p.unaccompanied_minor OR p.permit_reason = 'unaccompanied_minor')",
    "second_generation": (
        "(p.arrived_before_school_age OR p.country_of_birth_id IN "
        "(SELECT id FROM territory_country WHERE iso_alpha2 = 'IT'))"
    ),
}


def raw_for(indicator) -> Raw | None:
    """The hand-written statements of an indicator (None: the computation is not an aggregate of events)."""
    params = indicator.params or {}
    name = indicator.computation
    kinds = params.get("activity_kinds")
    common = {
        "codes": params.get("indicator_codes") or [],
        "types": params.get("service_types") or [],
        "kinds": kinds or [],
        "okinds": params.get("organisation_kinds") or [],
    }
    group = params.get("target_group", "")
    if name == "participants_supported":
        mediated = (
            f"SELECT mr.participant_id AS subj {MEDIATED} AND mr.participant_id IS NOT NULL",
            f"SELECT mr.participant_id AS subj, '01' AS act {MEDIATED} AND mr.participant_id IS NOT NULL",
        )
        return _participants([_services({}), _attended(None), mediated], group, **common)
    if name == "participants_with_services":
        return _participants([_services(params)], group, **common)
    if name == "participants_in_activities":
        sources = [_attended(kinds)]
        if params.get("indicator_codes") or params.get("service_types"):
            sources.append(_services(params))
        return _participants(sources, group, **common)
    if name == "language_level_improved":
        where = (
            "FROM activities_languageassessment x "
            "JOIN activities_languageassessment n ON n.enrolment_id = x.enrolment_id AND n.moment = 'entry' "
            "JOIN activities_enrolment e ON e.id = x.enrolment_id JOIN activities_activity act ON act.id = e.activity_id "
            "WHERE x.moment = 'exit' AND x.date BETWEEN %(start)s AND %(end)s AND act.kind = ANY(%(kinds)s) "
            "AND x.overall >= n.overall + %(gain)s AND e.participant_id IS NOT NULL"
        )
        source = (
            f"SELECT e.participant_id AS subj {where}",
            f"SELECT e.participant_id AS subj, act.action AS act {where}",
        )
        return _participants([source], gain=int(params.get("min_gain", 1)), **common)
    if name == "helpful_for_integration":
        where = (
            "FROM activities_feedbackresponse f JOIN activities_enrolment e ON e.id = f.enrolment_id "
            "JOIN activities_activity act ON act.id = f.activity_id "
            "WHERE f.submitted_at >= %(start_ts)s AND f.submitted_at < %(end_ts)s "
            "AND f.helpful_for_integration >= %(positive)s AND e.participant_id IS NOT NULL"
        )
        subjects = (
            "SELECT e.participant_id AS subj FROM activities_feedbackresponse f "
            "JOIN activities_enrolment e ON e.id = f.enrolment_id "
            "WHERE f.submitted_at >= %(start_ts)s AND f.submitted_at < %(end_ts)s "
            "AND f.helpful_for_integration >= %(positive)s AND e.participant_id IS NOT NULL"
        )
        source = (subjects, f"SELECT e.participant_id AS subj, act.action AS act {where}")
        return _participants([source], positive=int(params.get("positive_min", 4)), **common)
    if name == "recognition_applied":
        where = (
            "FROM skills_qualification q JOIN skills_skillsprofile sp ON sp.id = q.profile_id "
            "WHERE q.recognition_status <> 'none' AND q.recognition_applied_on BETWEEN %(start)s AND %(end)s "
            "AND (q.country_id IS NULL OR q.country_id NOT IN (SELECT id FROM territory_country WHERE iso_alpha2 = 'IT'))"
        )
        qualifications = (
            f"SELECT sp.participant_id AS subj {where}",
            f"SELECT sp.participant_id AS subj, '' AS act {where}",
        )
        return _participants([_services(params), qualifications], **common)
    if name == "skills_profiles_completed":
        where = "FROM skills_skillsprofile sp WHERE sp.completed_at >= %(start_ts)s AND sp.completed_at < %(end_ts)s"
        source = (
            f"SELECT sp.participant_id AS subj {where}",
            f"SELECT sp.participant_id AS subj, '' AS act {where}",
        )
        return _participants([source], **common)
    if name == "participants_with_plan":
        where = (
            "FROM paths_individualplan ip WHERE ip.created_at >= %(start_ts)s AND ip.created_at < %(end_ts)s"
        )
        source = (
            f"SELECT ip.participant_id AS subj {where}",
            f"SELECT ip.participant_id AS subj, '' AS act {where}",
        )
        return _participants([source], **common)
    if name in ("operators_trained", "operator_training_hours"):
        rows = _present(
            "operator", kinds, joins="LEFT JOIN network_organisation o ON o.id = e.organisation_id "
        )
        if name == "operators_trained":
            value = f"SELECT count(DISTINCT {OPERATOR}) {_present('operator', kinds)}"
            aggregate = "count"
        else:
            value = f"SELECT COALESCE(sum(a.hours), 0) {_present('operator', kinds)}"
            aggregate = "sum"
        events = (
            f"SELECT {OPERATOR} AS subj, act.action AS act, {PROVINCE_OF.format('o.municipality_id')} AS prov, "
            f"a.hours AS amount {rows}"
        )
        return Raw(value, events, aggregate=aggregate, **common)
    if name == "operators_improved":
        scores = (
            "WITH sa AS (SELECT enrolment_id, avg(score) FILTER (WHERE moment = 'pre') AS pre, "
            "avg(score) FILTER (WHERE moment = 'post') AS post, max(recorded_at) FILTER (WHERE moment = 'post') "
            "AS post_at FROM activities_selfassessment GROUP BY enrolment_id) "
        )
        where = (
            "FROM sa JOIN activities_enrolment e ON e.id = sa.enrolment_id "
            "JOIN activities_activity act ON act.id = e.activity_id "
            "LEFT JOIN network_organisation o ON o.id = e.organisation_id "
            "WHERE e.kind = 'operator' AND act.kind = ANY(%(kinds)s) AND sa.pre IS NOT NULL AND sa.post > sa.pre "
            "AND sa.post_at >= %(start_ts)s AND sa.post_at < %(end_ts)s"
        )
        value = f"{scores}SELECT count(DISTINCT {OPERATOR}) {where}"
        events = (
            f"{scores}SELECT {OPERATOR} AS subj, act.action AS act, "
            f"{PROVINCE_OF.format('o.municipality_id')} AS prov, 1 AS amount {where}"
        )
        return Raw(value, events, **common)
    if name == "authorities_supported":
        trained = _present("operator", ["operator_training"]).replace(
            "%(kinds)s", "ARRAY['operator_training']"
        )
        value = (
            "SELECT count(*) FROM network_organisation o WHERE o.kind = ANY(%(okinds)s) AND ("
            f"EXISTS (SELECT 1 {trained} AND e.organisation_id = o.id) "
            "OR EXISTS (SELECT 1 FROM activities_activity act JOIN activities_session s ON s.activity_id = act.id "
            "WHERE act.organiser_id = o.id AND s.date BETWEEN %(start)s AND %(end)s AND NOT s.is_cancelled) "
            "OR EXISTS (SELECT 1 FROM paths_servicerecord sr WHERE sr.organisation_id = o.id "
            "AND sr.date BETWEEN %(start)s AND %(end)s))"
        )
        org = "JOIN network_organisation o ON o.id = {} "
        events = (
            f"SELECT o.id AS subj, act.action AS act, {PROVINCE_OF.format('o.municipality_id')} AS prov, 1 AS amount "
            f"{trained.replace('WHERE', org.format('e.organisation_id') + 'WHERE', 1)} AND o.kind = ANY(%(okinds)s) "
            f"UNION ALL SELECT o.id, act.action, {PROVINCE_OF.format('o.municipality_id')}, 1 "
            "FROM activities_session s JOIN activities_activity act ON act.id = s.activity_id "
            f"{org.format('act.organiser_id')}WHERE s.date BETWEEN %(start)s AND %(end)s AND NOT s.is_cancelled "
            "AND o.kind = ANY(%(okinds)s) "
            f"UNION ALL SELECT o.id, sr.action, {PROVINCE_OF.format('o.municipality_id')}, 1 "
            f"FROM paths_servicerecord sr {org.format('sr.organisation_id')}"
            "WHERE sr.date BETWEEN %(start)s AND %(end)s AND o.kind = ANY(%(okinds)s)"
        )
        return Raw(value, events, **common)
    held = (
        "FROM activities_session s JOIN activities_activity act ON act.id = s.activity_id "
        "JOIN network_organisation o ON o.id = act.organiser_id "
        "WHERE s.date BETWEEN %(start)s AND %(end)s AND NOT s.is_cancelled AND act.kind = ANY(%(kinds)s)"
    )
    place = PROVINCE_OF.format("COALESCE(act.municipality_id, o.municipality_id)")
    if name == "activities_held":
        value = (
            "SELECT count(DISTINCT s.activity_id) FROM activities_session s "
            "JOIN activities_activity act ON act.id = s.activity_id "
            "WHERE s.date BETWEEN %(start)s AND %(end)s AND NOT s.is_cancelled AND act.kind = ANY(%(kinds)s)"
        )
        return Raw(
            value, f"SELECT act.id AS subj, act.action AS act, {place} AS prov, 1 AS amount {held}", **common
        )
    if name == "people_reached":
        registrations = (
            "FROM activities_publicregistration r JOIN activities_activity act ON act.id = r.activity_id "
            "JOIN network_organisation o ON o.id = act.organiser_id "
            "WHERE r.checked_in_at IS NOT NULL AND r.activity_id IN (SELECT s.activity_id FROM activities_session s "
            "JOIN activities_activity act ON act.id = s.activity_id WHERE s.date BETWEEN %(start)s AND %(end)s "
            "AND NOT s.is_cancelled AND act.kind = ANY(%(kinds)s))"
        )
        value = (
            "SELECT (SELECT COALESCE(sum(r.people), 0) FROM activities_publicregistration r "
            "WHERE r.checked_in_at IS NOT NULL AND r.activity_id IN (SELECT s.activity_id FROM activities_session s "
            "JOIN activities_activity act ON act.id = s.activity_id WHERE s.date BETWEEN %(start)s AND %(end)s "
            "AND NOT s.is_cancelled AND act.kind = ANY(%(kinds)s))) "
            f"+ (SELECT count(DISTINCT a.enrolment_id) {_present('participant', kinds)})"
        )
        events = (
            f"SELECT act.id AS subj, act.action AS act, {place} AS prov, r.people AS amount {registrations} "
            f"UNION ALL SELECT act.id, act.action, {place}, 1 FROM activities_enrolment en "
            "JOIN activities_activity act ON act.id = en.activity_id "
            "JOIN network_organisation o ON o.id = act.organiser_id WHERE en.id IN "
            f"(SELECT a.enrolment_id {_present('participant', kinds)})"
        )
        return Raw(value, events, aggregate="sum", **common)
    if name == "organisations_in_network":
        where = (
            "FROM network_organisation o WHERE (o.joined_on IS NULL OR o.joined_on <= %(end)s) "
            "AND (o.left_on IS NULL OR o.left_on >= %(start)s) AND o.approval IN ('not_needed', 'approved') "
            "AND o.network_status <> 'candidate'"
        )
        events = f"SELECT o.id AS subj, '' AS act, {PROVINCE_OF.format('o.municipality_id')} AS prov, 1 AS amount {where}"
        return Raw(f"SELECT count(*) {where}", events, **common)
    if name == "agreements_in_force":
        value = (
            "SELECT count(*) FROM network_agreement g WHERE (g.valid_from IS NULL OR g.valid_from <= %(end)s) "
            "AND (g.valid_until IS NULL OR g.valid_until >= %(start)s) "
            "AND (g.withdrawn_on IS NULL OR g.withdrawn_on >= %(start)s) "
            "AND g.status IN ('signed', 'expired', 'withdrawn') AND g.signed_on IS NOT NULL "
            "AND g.signed_on <= %(end)s AND g.kind = ANY(%(akinds)s)"
        )
        if params.get("lead_kinds"):
            value += (
                " AND EXISTS (SELECT 1 FROM network_agreementparty gp JOIN network_organisation o "
                "ON o.id = gp.organisation_id WHERE gp.agreement_id = g.id AND gp.role = 'lead' "
                "AND o.kind = ANY(%(lkinds)s))"
            )
        return Raw(
            value, akinds=params.get("agreement_kinds") or [], lkinds=params.get("lead_kinds") or [], **common
        )
    if name == "meetings_held":
        where = (
            "FROM network_meeting m JOIN network_consultationtable t ON t.id = m.table_id "
            "WHERE m.status = 'held' AND m.starts_at >= %(start_ts)s AND m.starts_at < %(end_ts)s"
        )
        value = (
            "SELECT count(*) FROM network_meeting m WHERE m.status = 'held' "
            "AND m.starts_at >= %(start_ts)s AND m.starts_at < %(end_ts)s"
        )
        return Raw(
            value, f"SELECT m.id AS subj, '01' AS act, t.province_id AS prov, 1 AS amount {where}", **common
        )
    if name == "meeting_organisations":
        where = (
            "FROM network_meetingparticipant mp JOIN network_meeting m ON m.id = mp.meeting_id "
            "JOIN network_organisation o ON o.id = mp.organisation_id "
            "WHERE m.status = 'held' AND mp.presence = 'present' "
            "AND m.starts_at >= %(start_ts)s AND m.starts_at < %(end_ts)s"
        )
        events = f"SELECT o.id AS subj, '01' AS act, {PROVINCE_OF.format('o.municipality_id')} AS prov, 1 AS amount {where}"
        return Raw(f"SELECT count(DISTINCT mp.organisation_id) {where}", events, **common)
    sent = "r.sent_at >= %(start_ts)s AND r.sent_at < %(end_ts)s"
    referral_events = (
        "SELECT r.id AS subj, '' AS act, {province} AS prov, {amount} AS amount FROM paths_referral r "
        "JOIN network_organisation o ON o.id = r.from_organisation_id WHERE {where}"
    ).replace("{province}", PROVINCE_OF.format("o.municipality_id"))
    accepted = "CASE WHEN r.status IN ('accepted', 'completed') THEN 1 ELSE 0 END"
    days = "(r.answered_at AT TIME ZONE %(tz)s)::date - (r.sent_at AT TIME ZONE %(tz)s)::date"
    if name == "referrals_sent":
        value = f"SELECT count(*) FROM paths_referral r WHERE {sent}"
        return Raw(value, referral_events.format(amount="1", where=sent), **common)
    if name == "referrals_accepted_share":
        where = f"r.answered_at IS NOT NULL AND {sent}"
        value = f"SELECT avg({accepted}) * 100 FROM paths_referral r WHERE {where}"
        return Raw(value, referral_events.format(amount=accepted, where=where), aggregate="share", **common)
    if name == "referral_median_days":
        where = f"r.status IN ('accepted', 'completed') AND r.answered_at IS NOT NULL AND {sent}"
        value = (
            f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY {days}) FROM paths_referral r WHERE {where}"
        )
        return Raw(value, referral_events.format(amount=days, where=where), aggregate="median", **common)
    if name in ("mediations_delivered", "mediation_hours"):
        hours = " AND mr.hours IS NOT NULL" if name == "mediation_hours" else ""
        value = (
            f"SELECT count(*) {MEDIATED}"
            if not hours
            else f"SELECT COALESCE(sum(mr.hours), 0) {MEDIATED}{hours}"
        )
        events = (
            f"SELECT mr.id AS subj, '01' AS act, {PROVINCE_OF.format('o.municipality_id')} AS prov, "
            f"{'mr.hours' if hours else '1'} AS amount "
            + MEDIATED.replace("WHERE", "JOIN network_organisation o ON o.id = mr.organisation_id WHERE")
            + hours
        )
        return Raw(value, events, aggregate="sum" if hours else "count", **common)
    if name == "plans_with_goal_reached":
        where = (
            "FROM paths_goal g JOIN paths_individualplan ip ON ip.id = g.plan_id "
            "JOIN network_organisation o ON o.id = ip.organisation_id WHERE g.status = 'reached' AND ip.is_current "
            "AND g.updated_at >= %(start_ts)s AND g.updated_at < %(end_ts)s AND "
            + TCN.format("ip.participant_id")
        )
        value = (
            "SELECT count(DISTINCT g.plan_id) FROM paths_goal g JOIN paths_individualplan ip ON ip.id = g.plan_id "
            "WHERE g.status = 'reached' AND ip.is_current AND g.updated_at >= %(start_ts)s AND g.updated_at < %(end_ts)s "
            "AND " + TCN.format("ip.participant_id")
        )
        events = f"SELECT g.plan_id AS subj, '' AS act, {PROVINCE_OF.format('o.municipality_id')} AS prov, 1 AS amount {where}"
        return Raw(value, events, **common)
    if name == "associations_supported":
        rows = _present(
            "association", kinds, joins="JOIN network_organisation o ON o.id = e.organisation_id "
        )
        rows += " AND o.kind = ANY(%(okinds)s)"
        events = f"SELECT o.id AS subj, act.action AS act, {PROVINCE_OF.format('o.municipality_id')} AS prov, 1 AS amount {rows}"
        return Raw(f"SELECT count(DISTINCT e.organisation_id) {rows}", events, **common)
    if name == "directory_services_published":
        value = (
            "SELECT count(*) FROM directory_service WHERE state = 'published' AND last_verified_at >= %(hide_before)s "
            "AND status NOT IN ('inactive', 'defunct') AND published_at < %(end_ts)s"
        )
        return Raw(value, directory=True, **common)
    return None  # directory_translated_share: the desk's own query (issue 7), not an aggregate of events


def raw_params(raw: Raw, scope) -> dict:
    from django.conf import settings
    from django.utils import timezone

    from directory.models import Editorial
    from people.models import years_before

    zone = timezone.get_current_timezone()
    moment = min(scope.end, timezone.localdate())
    params = {
        "start": scope.start,
        "end": scope.end,
        "start_ts": datetime.datetime.combine(scope.start, datetime.time.min, zone),
        "end_ts": datetime.datetime.combine(scope.end + datetime.timedelta(days=1), datetime.time.min, zone),
        "tz": settings.TIME_ZONE,
        "adult": years_before(scope.start, 18),
        "newly": years_before(scope.start, 2),
        **{k: v for k, v in raw.params.items() if k != "directory"},
    }
    if raw.params.get("directory"):
        params["end_ts"] = datetime.datetime.combine(
            moment + datetime.timedelta(days=1), datetime.time.min, zone
        )
        params["hide_before"] = Editorial.verification_cutoffs()[1]
    return params


def raw_breakdown_sql(raw: Raw, by: str) -> str:
    if raw.participant:
        key = {"action": "x.act", "province": "m.province_id", "sex": "p.sex"}[by]
        joins = "LEFT JOIN territory_municipality m ON m.id = p.municipality_id " if by == "province" else ""
        group = f" AND {TARGET_GROUPS[raw.group]}" if raw.group else ""
        return (
            f"SELECT {key} AS k, count(DISTINCT x.subj) FROM ({raw.events}) x "
            f"JOIN people_participant p ON p.id = x.subj {joins}WHERE {TCN.format('p.id')}{group} GROUP BY 1"
        )
    key = {"action": "x.act", "province": "x.prov"}[by]
    aggregate = {
        "count": "count(DISTINCT x.subj)",
        "sum": "COALESCE(sum(x.amount), 0)",
        "share": "avg(x.amount) * 100",
        "median": "percentile_cont(0.5) WITHIN GROUP (ORDER BY x.amount)",
    }[raw.aggregate]
    return f"SELECT {key} AS k, {aggregate} FROM ({raw.events}) x GROUP BY 1"


def fetch(statement: str, params: dict) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def same(app, raw, *, median=False) -> bool:
    """Equal numbers; `median` (medians and shares, which the app rounds to one decimal) rounds the raw one."""
    app, raw = _number(app), _number(raw)
    if median and raw is not None:
        raw = round(float(raw), 1)
    if app in (None, 0) and raw in (None, 0):
        return True
    if app is None or raw is None:
        return False
    return abs(float(app) - float(raw)) <= 1e-6 * max(1.0, abs(float(app)))


# --- (a) timing, national --------------------------------------------------------------------------------------


def _cells(result, by: str) -> dict:
    return {cell.key: cell.value for cell in result.breakdowns.get(by, [])}


def _raw_cells(rows, median: bool) -> dict:
    return {
        ("" if k is None else str(k)): (round(float(v), 1) if median and v is not None else _number(v))
        for k, v in rows
    }


def time_indicator(indicator, scope, runs: int) -> dict:
    """One indicator: the app's value (and with breakdowns) against the hand-written SQL, same numbers."""
    from monitoring import report

    row: dict = {
        "code": indicator.code,
        "computation": indicator.computation,
        "unit": indicator.unit,
        "errors": [],
    }
    raw = raw_for(indicator)
    app_ms, result = median_ms(lambda: report.compute(indicator, scope, with_targets=False), runs)
    row.update(app_ms=app_ms, value=_number(result.value))
    by = list(report.allowed(indicator, list(BY)))
    if raw is not None:
        params = raw_params(raw, scope)
        raw_ms, rows = median_ms(lambda: fetch(raw.value, params), runs)
        row.update(raw_ms=raw_ms, raw_value=_number(rows[0][0]), ratio=round(app_ms / max(raw_ms, 0.01), 2))
        if not same(result.value, rows[0][0], median=raw.aggregate in ("median", "share")):
            row["errors"].append(f"value: app {result.value} != raw SQL {rows[0][0]}")
    else:
        row["raw"] = "n/a: the directory desk's own query (issue 7), not an aggregate of events"
    if by:
        row["by"] = by
        app_by_ms, result_by = median_ms(
            lambda: report.compute(indicator, scope, by=by, with_targets=False), runs
        )
        row["app_by_ms"] = app_by_ms
        if raw is not None and raw.events:
            params = raw_params(raw, scope)
            statements = [(None, raw.value)] + [(b, raw_breakdown_sql(raw, b)) for b in by]
            raw_by_ms, outputs = median_ms(lambda: [fetch(sql, params) for _b, sql in statements], runs)
            row.update(raw_by_ms=raw_by_ms, ratio_by=round(app_by_ms / max(raw_by_ms, 0.01), 2))
            for (dimension, _sql), rows in zip(statements[1:], outputs[1:], strict=True):
                expected, got = (
                    _raw_cells(rows, raw.aggregate in ("median", "share")),
                    _cells(result_by, dimension),
                )
                wrong = [
                    k
                    for k in set(expected) | set(got)
                    if not same(got.get(k), expected.get(k), median=raw.aggregate in ("median", "share"))
                ]
                if wrong:
                    sample = ", ".join(
                        f"{k!r}: app {got.get(k)} raw {expected.get(k)}" for k in sorted(wrong)[:3]
                    )
                    row["errors"].append(f"breakdown {dimension}: {len(wrong)} cells differ ({sample})")
    return row


def diagnose(indicator, scope, row: dict) -> None:
    """Why an indicator misses: the app without JIT compilation (the engine's correlated subqueries inflate the
    planner's cost estimates past jit_above_cost), and the plans of its slowest statement and of the raw one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from monitoring import report

    try:
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        row["app_ms_jit_off"], _result = median_ms(
            lambda: report.compute(indicator, scope, with_targets=False), RUNS
        )
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")
        with CaptureQueriesContext(connection) as ctx:
            report.compute(indicator, scope, with_targets=False)
        slowest = max(ctx.captured_queries, key=lambda query: float(query["time"]))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            row["explain_app"] = {
                "sql": slowest["sql"],
                "plan": [line for (line,) in cursor.fetchall()][:120],
            }
        raw = raw_for(indicator)
        if raw is not None:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + raw.value, raw_params(raw, scope))
                row["explain_raw"] = {"sql": raw.value, "plan": [line for (line,) in cursor.fetchall()][:120]}
    except Exception as error:  # a diagnosis that fails must not stop the benchmark
        row["diagnosis_error"] = f"{type(error).__name__}: {error}"[:300]


def _verdict(row: dict) -> str:
    if row.get("errors"):
        return "error"
    if "ratio" not in row:
        return "n/a"
    ratios = [row["ratio"], row.get("ratio_by", 0)]
    if max(ratios) <= RATIO_TARGET:
        return "met"
    # By how much, in absolute terms: a few ms on a statement of 1 ms is query building, not SQL.
    excess = (
        row["app_ms"] - row["raw_ms"]
        if row["ratio"] >= row.get("ratio_by", 0)
        else row["app_by_ms"] - row["raw_by_ms"]
    )
    return f"missed (+{excess:,.1f} ms)"


def server_info() -> dict:
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        out["version"] = cursor.fetchone()[0]
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "max_parallel_workers_per_gather",
                     "random_page_cost", "jit"):  # fmt: skip
            cursor.execute(f"SHOW {name}")
            out[name] = cursor.fetchone()[0]
    return out


ROW_COUNTS = [
    "network_organisation", "people_participant", "people_participant_citizenships", "paths_servicerecord",
    "activities_activity", "activities_session", "activities_enrolment", "activities_attendance",
    "activities_languageassessment", "activities_feedbackresponse", "activities_selfassessment",
    "activities_publicregistration", "paths_referral", "paths_mediationrequest", "network_meeting",
    "network_meetingparticipant", "network_agreement", "paths_individualplan", "paths_goal", "skills_skillsprofile",
    "skills_qualification", "directory_service",
]  # fmt: skip


def _targets() -> int:
    """Whole-project and yearly targets for the counted indicators, so the dashboard's progress and forecast
    (a second total over the whole project so far) are part of what is timed."""
    from monitoring.models import Indicator, IndicatorTarget, project_period

    start, end = project_period()
    rows = []
    for indicator in Indicator.objects.filter(is_active=True).exclude(unit__in=["percent", "days"]):
        rows.append(IndicatorTarget(indicator=indicator, year=None, value=100_000, is_demo=True))
        rows += [
            IndicatorTarget(indicator=indicator, year=year, value=25_000, is_demo=True)
            for year in range(start.year, end.year + 1)
        ]
    IndicatorTarget.objects.bulk_create(rows)
    return len(rows)


def national_bench() -> dict:
    """Runs in a subprocess whose DATABASE_URL names the scratch PostgreSQL database."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interazioni.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from monitoring.engine import Scope
    from monitoring.models import Indicator
    from territory.reference import load_all

    out: dict = {
        "backend": connection.vendor,
        "sizes": {"participants": PARTICIPANTS, "attendance_target": ATTENDANCE, "runs": RUNS, "year": YEAR},
    }
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    load_all()
    out["migrate_s"] = round(time.perf_counter() - started, 1)
    log(f"migrated and loaded the reference data in {out['migrate_s']} s")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        out["generation_steps_s"] = Generator(cursor, PARTICIPANTS, ATTENDANCE).run()
    if DIRECTORY_SERVICES:
        from directory.demo import seed_directory_scale

        began = time.perf_counter()
        seed_directory_scale(DIRECTORY_SERVICES)
        out["generation_steps_s"]["directory"] = round(time.perf_counter() - began, 1)
        log(f"directory: {DIRECTORY_SERVICES} services in {time.perf_counter() - began:.1f} s")
    out["targets"] = _targets()
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    out["generation_steps_s"]["vacuum analyze"] = round(time.perf_counter() - began, 1)
    out["generation_s"] = round(time.perf_counter() - started, 1)
    log(f"dataset generated in {out['generation_s']} s")
    with connection.cursor() as cursor:
        out["rows"] = {}
        for table in ROW_COUNTS:
            cursor.execute(f"SELECT count(*) FROM {table}")
            out["rows"][table] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        out["database_size"] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM activities_attendance a JOIN activities_session s ON s.id = a.session_id "
            "WHERE s.date BETWEEN %s AND %s",
            [datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)],
        )
        out["attendance_in_year"] = cursor.fetchone()[0]
    out["server"] = server_info()
    scope = Scope(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
    out["indicators"] = []
    for indicator in Indicator.objects.filter(is_active=True):
        try:
            row = time_indicator(indicator, scope, RUNS)
        except Exception as error:  # reported, the others go on
            row = {"code": indicator.code, "computation": indicator.computation, "errors": [f"{type(error).__name__}: {error}"[:300]]}  # fmt: skip
        row["verdict"] = _verdict(row)
        if row["verdict"].startswith("missed"):
            diagnose(indicator, scope, row)
        out["indicators"].append(row)
        log(
            f"{row['code']:8} app {row.get('app_ms')} ms, raw {row.get('raw_ms')} ms, ratio {row.get('ratio')}; "
            f"with {'+'.join(row.get('by', [])) or '-'}: app {row.get('app_by_ms')} ms, raw {row.get('raw_by_ms')} ms, "
            f"ratio {row.get('ratio_by')} -> {row['verdict']} {'; '.join(row.get('errors', []))}"
        )
    out["full_set"] = full_set(scope)
    return out


def full_set(scope, runs: int = RUNS) -> dict:
    from monitoring import report

    measured = {}
    for label, call in (
        ("values", lambda: report.compute_all(scope, with_targets=False)),
        ("values + targets (progress, forecast)", lambda: report.compute_all(scope)),
        ("values + targets + by action, province", lambda: report.compute_all(scope, by=list(DASHBOARD_BY))),
        (
            "values, PostgreSQL JIT off",
            lambda: _without_jit(lambda: report.compute_all(scope, with_targets=False)),
        ),
    ):
        ms, results = median_ms(call, runs, warm=False)
        measured[label] = {"ms": ms, "indicators": len(results), "met": ms < FULL_SET_TARGET_S * 1000}
        log(f"full set, {label}: {ms} ms")
    return measured


def _without_jit(function):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        return function()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


def _run_national_subprocess() -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "interazioni.settings"}
    env.pop("INTERAZIONI_TESTING", None)
    env.pop("SQLITE_NAME", None)
    try:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_DATABASE}")
    except Exception as error:  # unreachable or refused: recorded, the rest goes on
        return {"skipped": f"PostgreSQL unreachable ({type(error).__name__}: {str(error).strip()[:120]})"}
    env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
    out_file = RESULTS / "bench_monitoring_national.json"
    out_file.unlink(missing_ok=True)
    try:
        subprocess.run(
            [sys.executable, __file__, "national", "--out", str(out_file)],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=4 * 3600,
        )
        return json.loads(out_file.read_text())
    except (subprocess.SubprocessError, OSError, ValueError) as error:
        return {"error": f"{type(error).__name__}: {error}"[:300]}
    finally:
        if os.environ.get("BENCH_MON_KEEP") != "1":  # BENCH_MON_KEEP=1 keeps the database, to investigate
            import psycopg

            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


# --- (b) the campania dashboard, SQLite --------------------------------------------------------------------------


def campania_bench(runs: int = 3) -> dict:
    """On the database Django is configured with (the seeded campania demo)."""
    from django.db import connection
    from django.utils import timezone

    from activities.models import Attendance
    from monitoring import report
    from monitoring.engine import PARTICIPANT, Scope
    from monitoring.models import Indicator
    from people.models import Participant

    today = timezone.localdate()
    scope = Scope(datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31))
    out: dict = {
        "backend": connection.vendor,
        "period": f"{scope.start}..{scope.end}",
        "participants": Participant.objects.count(),
        "attendance": Attendance.objects.count(),
        "by": list(DASHBOARD_BY),
    }
    trend = Indicator.objects.get(code="O.2.3")
    # As monitoring.views.dashboard_context: participant indicators by action and province (the tables by
    # action and province), the others without breakdown, targets for all; then the monthly trend of O.2.3.
    indicators = list(Indicator.objects.filter(is_active=True))
    people = [i for i in indicators if report.spec_for(i, scope).subject == PARTICIPANT]
    others = [i for i in indicators if i not in people]

    def dashboard():
        results = [
            *report.compute_all(scope, list(DASHBOARD_BY), indicators=people),
            *report.compute_all(scope, [], indicators=others),
        ]
        report.compute(trend, scope, by=["month"], with_targets=False)
        return results

    ms, results = median_ms(dashboard, runs)
    out["computation"] = {"ms": ms, "indicators": len(results), "met": ms < DASHBOARD_TARGET_S * 1000}
    log(f"campania dashboard computation: {ms} ms")
    values_ms, _results = median_ms(lambda: report.compute_all(scope, with_targets=False), runs)
    out["values_only"] = {"ms": values_ms, "met": values_ms < DASHBOARD_TARGET_S * 1000}
    log(f"campania values only: {values_ms} ms")
    per = []
    for indicator in indicators:
        by = list(DASHBOARD_BY) if indicator in people else []
        value_ms, _result = median_ms(lambda i=indicator: report.compute(i, scope, with_targets=False), 3)
        one_ms, _result = median_ms(lambda i=indicator, b=by: report.compute(i, scope, by=b), 3)
        per.append({"code": indicator.code, "value_ms": value_ms, "ms": one_ms, "by": by})
    out["indicators"] = per
    out["page"] = page_bench(runs)
    return out


def page_bench(runs: int) -> dict:
    try:
        from monitoring import views
    except ImportError as error:
        return {"skipped": f"monitoring.views not importable yet ({error})"}
    if not hasattr(views, "dashboard"):
        return {"skipped": "monitoring.views has no dashboard view yet"}
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User

    user = User.objects.filter(email=REGION_USER).first()
    if user is None:
        return {"skipped": f"{REGION_USER} not in this database"}
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("monitoring:dashboard")
    response = client.get(url, HTTP_HOST="127.0.0.1")
    if response.status_code != 200:
        return {"url": url, "error": f"status {response.status_code}"}
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
    ms = round(statistics.median(timings), 1)
    log(f"campania dashboard page: {ms} ms, {queries} queries")
    return {
        "url": url,
        "ms": ms,
        "queries": queries,
        "kb": round(len(response.content) / 1024, 1),
        "met": ms < DASHBOARD_TARGET_S * 1000,
    }


# --- report ----------------------------------------------------------------------------------------------------


def machine() -> dict:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{round(int(line.split()[1]) / 1024 / 1024, 1)} GB"
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "memory": memory,
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def run(results: dict) -> list[str]:
    """Both benchmarks; fills results["monitoring"], writes results_monitoring.json/.md, returns markdown."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out: dict = {"machine": machine()}
    if os.environ.get("BENCH_MON_NATIONAL", "1") != "0":
        log(f"national dataset on PostgreSQL, {PARTICIPANTS:,} participants, {ATTENDANCE:,} attendance rows…")
        out["national"] = _run_national_subprocess()
    else:
        out["national"] = {"skipped": "BENCH_MON_NATIONAL=0"}
    log("campania dashboard on SQLite…")
    try:
        out["campania"] = campania_bench()
    except Exception as error:  # reported in the results; the other sections stay
        out["campania"] = {"error": f"{type(error).__name__}: {error}"[:300]}
    results["monitoring"] = out
    return write(out)


def write(out: dict) -> list[str]:
    lines = markdown(out)
    (RESULTS / "results_monitoring.json").write_text(json.dumps(out, indent=1, default=str))
    (RESULTS / "results_monitoring.md").write_text("\n".join(lines) + "\n")
    return lines


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def markdown(out: dict) -> list[str]:
    m = out.get("machine", {})
    lines = [
        "## Monitoring (issue 8)",
        "",
        f"Machine: {m.get('cpus')} CPUs, {m.get('memory')}, {m.get('platform')}, Python {m.get('python')}.",
    ]
    lines += _national_lines(out.get("national", {}))
    lines += _campania_lines(out.get("campania", {}))
    return lines


def _national_lines(data: dict) -> list[str]:
    lines = [
        "",
        f"### National dataset on PostgreSQL, year {YEAR} — full set < {FULL_SET_TARGET_S:g} s; "
        f"each indicator ≤ {RATIO_TARGET}× its hand-written SQL",
        "",
    ]
    if "indicators" not in data:
        return [*lines, f"Not measured: {data.get('skipped') or data.get('error') or 'not run'}."]
    rows, server = data["rows"], data["server"]
    lines += [
        f"Dataset: {rows['people_participant']:,} participants ({rows['people_participant_citizenships']:,} "
        f"citizenships), {rows['network_organisation']:,} organisations, {rows['paths_servicerecord']:,} services, "
        f"{rows['activities_activity']:,} activities, {rows['activities_session']:,} sessions, "
        f"{rows['activities_enrolment']:,} enrolments, {rows['activities_attendance']:,} attendance rows "
        f"({data['attendance_in_year']:,} in {YEAR}), {rows['activities_languageassessment']:,} language "
        f"assessments, {rows['activities_feedbackresponse']:,} feedback answers, {rows['paths_referral']:,} "
        f"referrals, {rows['paths_mediationrequest']:,} mediations, {rows['network_meeting']:,} meetings, "
        f"{rows['paths_individualplan']:,} plans, {rows['skills_skillsprofile']:,} skills profiles, "
        f"{rows['directory_service']:,} directory services; {data['database_size']}. Generated in "
        f"{data['generation_s']} s (set-based SQL; "
        + ", ".join(f"{k} {v} s" for k, v in data["generation_steps_s"].items())
        + ").",
        "",
        f"PostgreSQL {server['version']}: shared_buffers {server['shared_buffers']}, work_mem {server['work_mem']}, "
        f"max_parallel_workers_per_gather {server['max_parallel_workers_per_gather']}, jit {server['jit']}. "
        f"Median of {data['sizes']['runs']} runs after a warm-up; `report.compute(..., with_targets=False)` against "
        "the hand-written statement(s); with breakdowns, the app's one call against the raw value statement plus "
        "one raw statement per breakdown.",
        "",
        "| indicator | computation | value | app ms | raw SQL ms | ratio | breakdowns | app ms | raw SQL ms | ratio "
        f"| ≤ {RATIO_TARGET}× |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    totals = {"app_ms": 0.0, "raw_ms": 0.0, "app_by_ms": 0.0, "raw_by_ms": 0.0}
    for row in data["indicators"]:
        for key in totals:
            totals[key] += row.get(key) or 0
        lines.append(
            f"| {row['code']} | {row['computation']} | {_fmt(row.get('value'))} | {_fmt(row.get('app_ms'))} | "
            f"{_fmt(row.get('raw_ms'))} | {_fmt(row.get('ratio'))} | {', '.join(row.get('by', [])) or '—'} | "
            f"{_fmt(row.get('app_by_ms'))} | {_fmt(row.get('raw_by_ms'))} | {_fmt(row.get('ratio_by'))} | "
            f"{row.get('verdict')} |"
        )
    lines.append(
        f"| **all** | sum of medians | | {_fmt(round(totals['app_ms'], 1))} | {_fmt(round(totals['raw_ms'], 1))} | "
        f"{_fmt(round(totals['app_ms'] / max(totals['raw_ms'], 0.01), 2))} | | {_fmt(round(totals['app_by_ms'], 1))} "
        f"| {_fmt(round(totals['raw_by_ms'], 1))} | "
        f"{_fmt(round(totals['app_by_ms'] / max(totals['raw_by_ms'], 0.01), 2))} | |"
    )
    verdicts = [row.get("verdict") for row in data["indicators"]]
    lines += [
        "",
        f"Within {RATIO_TARGET}×: {verdicts.count('met')} met, "
        f"{sum(1 for v in verdicts if v.startswith('missed'))} missed, "
        f"{verdicts.count('error')} errors, {verdicts.count('n/a')} without a raw equivalent.",
        "",
        f"| full set ({len(data['indicators'])} indicators), `report.compute_all`, {YEAR} | ms | "
        f"< {FULL_SET_TARGET_S:g} s |",
        "|---|---|---|",
    ]
    for label, measured in data.get("full_set", {}).items():
        lines.append(f"| {label} | {_fmt(measured['ms'])} | {'met' if measured['met'] else 'missed'} |")
    jit = [row for row in data["indicators"] if row.get("app_ms_jit_off") is not None]
    if jit:
        lines += [
            "",
            "Missed indicators timed again with PostgreSQL's JIT compilation off (`SET jit = off`), app value "
            "only: " + "; ".join(f"{r['code']} {_fmt(r['app_ms'])} → {_fmt(r['app_ms_jit_off'])} ms "
                                 f"(raw {_fmt(r.get('raw_ms'))})" for r in jit) + ". Plans in the JSON.",
        ]  # fmt: skip
    errors = [(row["code"], error) for row in data["indicators"] for error in row.get("errors", [])]
    if errors:
        lines += ["", "Mismatches and errors (app ≠ hand-written SQL):", ""]
        lines += [f"- {code}: {error}" for code, error in errors]
    return lines


def _campania_lines(data: dict) -> list[str]:
    lines = ["", f"### Campania dashboard on SQLite — target < {DASHBOARD_TARGET_S:g} s", ""]
    if "computation" not in data:
        return [*lines, f"Not measured: {data.get('skipped') or data.get('error') or 'not run'}."]
    computation, page = data["computation"], data.get("page", {})
    lines += [
        f"{data['participants']:,} participants, {data['attendance']:,} attendance rows; period {data['period']}.",
        "",
        "| what | ms | queries | target |",
        "|---|---|---|---|",
        f"| the dashboard's computation: `compute_all` with targets, participant indicators by "
        f"{' and '.join(data['by'])}, + O.2.3 by month ({computation['indicators']} indicators) | "
        f"{_fmt(computation['ms'])} | | {'met' if computation['met'] else 'missed'} |",
    ]
    if "values_only" in data:
        lines.append(
            f"| values only: `compute_all(scope, with_targets=False)` | {_fmt(data['values_only']['ms'])} | | "
            f"{'met' if data['values_only']['met'] else 'missed'} |"
        )
    if "ms" in page:
        lines.append(
            f"| dashboard page `{page['url']}` (test client, regional coordinator, {page['kb']} KB) | "
            f"{_fmt(page['ms'])} | {page['queries']} | {'met' if page['met'] else 'missed'} |"
        )
    else:
        lines.append(f"| dashboard page | {page.get('skipped') or page.get('error')} | | |")
    slowest = sorted(data.get("indicators", []), key=lambda row: -row["ms"])[:5]
    if slowest:
        lines += ["", "Slowest indicators (one `compute` as on the dashboard, with targets; value only in "
                  "brackets): " + ", ".join(f"{row['code']} {row['ms']} ms ({row.get('value_ms')})" for row in slowest)
                  + "."]  # fmt: skip
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="?", default="all", choices=["all", "national", "campania"])
    parser.add_argument("--out", help=argparse.SUPPRESS)  # the subprocess of `run`: DATABASE_URL is set
    args = parser.parse_args()
    if args.what == "national" and args.out:
        Path(args.out).write_text(json.dumps(national_bench(), indent=1, default=str))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    previous = RESULTS / "results_monitoring.json"
    out = json.loads(previous.read_text()) if previous.exists() else {}
    out["machine"] = machine()
    if args.what in ("all", "national"):
        out["national"] = _run_national_subprocess()
    if args.what in ("all", "campania"):
        os.environ.setdefault("SQLITE_NAME", str(RESULTS / "bench.sqlite3"))
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interazioni.settings")
        if not Path(os.environ["SQLITE_NAME"]).exists():
            out["campania"] = {
                "skipped": f"no seeded database at {os.environ['SQLITE_NAME']} (run `make bench`)"
            }
        else:
            import django

            sys.path.insert(0, str(ROOT))
            django.setup()
            out["campania"] = campania_bench()
    print("\n".join(write(out)))


if __name__ == "__main__":
    main()
