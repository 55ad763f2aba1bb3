"""Exports of monitoring: the indicator tables (CSV, XLSX), the quarterly workbook, who gets what.

The figures come from the hand-built dataset of `factories.py` (year 2025): O.2.3 counts p1 p2 p3 p5 p7 p8
p11 p12 = 8 (women: p1 p7 p11 = 3); p7 withdrew a consent for services.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from activities.exports import sheet_title
from activities.models import ActivityKind, EnrolmentKind
from conftest import client_for, make_activity, make_consent, make_member, make_organisation, make_participant
from core.roles import Role
from monitoring import disclosure, exports
from monitoring.engine import Scope
from monitoring.models import Indicator, IndicatorTarget
from monitoring.report import compute, compute_all, pseudonym
from monitoring.tests.factories import (
    END,
    START,
    attend,
    build_dataset,
    enrol,
    enrol_person,
    service,
    session,
)
from people.actions import withdraw_consent
from people.models import ConsentPurpose, ParticipantAccessLog, VulnerabilityFlag, VulnerabilityKind

pytestmark = pytest.mark.django_db

YEAR = Scope(START, END)
SECRET_NOTE = "Nota riservata: vittima di tratta 7731"


@pytest.fixture
def data():
    d = build_dataset()
    d.coordinator = make_member(d.region, Role.REGIONAL_COORDINATOR)
    d.officer = make_member(d.region, Role.MONITORING_OFFICER)
    p7 = d.people["p7"]
    p7.last_name = "Zerhouni-Settimo"
    p7.save(update_fields=["last_name"])
    # p7's consent for services withdrawn (the dataset's withdrawn consent is about sharing).
    withdraw_consent(
        make_consent(p7, d.admin_a, purpose=ConsentPurpose.SERVICES), acting_user=d.admin_a, reason="revoca"
    )
    VulnerabilityFlag.objects.create(
        participant=d.people["p3"],
        kind=VulnerabilityKind.TRAFFICKING,
        note=SECRET_NOTE,
        recorded_by=d.admin_a,
    )
    VulnerabilityFlag.objects.create(
        participant=d.people["p1"], kind=VulnerabilityKind.DISABILITY, is_active=False, recorded_by=d.admin_a
    )
    return d


def sheets(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


def as_records(rows: list[tuple]) -> list[dict]:
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def xml_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode("utf-8") for name in archive.namelist())


def title(text: str) -> str:
    return sheet_title(text, text)


def export_url(fmt: str, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"from": START, "to": END, **params}.items())
    return f"{reverse('monitoring:export', args=[fmt])}?{query}"


# --- indicator tables ----------------------------------------------------------------------------------------


def test_csv_has_a_row_per_indicator_and_per_breakdown_cell(data):
    results = compute_all(YEAR, ["sex", "age_band"])
    text = exports.to_csv(results)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert len(rows[0]) == 11 and rows[0][0] == _("Code")
    totals = {row[0]: row for row in rows[1:] if row[3] == ""}
    assert set(totals) == set(Indicator.objects.filter(is_active=True).values_list("code", flat=True))
    assert totals["O.2.3"][6] == "8"
    sex = {row[4]: row[6] for row in rows if row[0] == "O.2.3" and row[3] == str(_("Sex"))}
    assert sex == {"F": "3", "M": "5"}
    # Decimals with a comma (P1.2: 3 + 2.5 + 3 + 2 = 10.5 hours of operator training).
    assert totals["P1.2"][6] == "10,5"


def test_xlsx_has_totals_a_sheet_per_breakdown_and_notes(data):
    indicator = Indicator.objects.get(code="O.2.3")
    IndicatorTarget.objects.create(indicator=indicator, value=Decimal(200))
    results = compute_all(YEAR, ["sex", "month"], indicators=[indicator, Indicator.objects.get(code="P1.2")])
    content = exports.to_xlsx(results)
    book = sheets(content)
    assert list(book) == [title(_("Indicators")), title(_("Sex")), title(_("Month")), title(_("Notes"))]
    totals = as_records(book[title(_("Indicators"))])
    assert totals[0][_("Code")] == "O.2.3" and totals[0][_("Value")] == 8  # a number, not text
    assert totals[0][_("Project target")] == 200
    assert totals[1][_("Value")] == 10.5
    sex = as_records(book[title(_("Sex"))])
    assert [(r[_("Key")], r[_("Value")]) for r in sex] == [("F", 3), ("M", 5)]
    notes = book[title(_("Notes"))]
    assert any(row[0] == "O.2.3" and row[1] == indicator.rule for row in notes)
    assert any(row[0] == _("Figures") and row[1] == _("Exact.") for row in notes)
    workbook = load_workbook(io.BytesIO(content))
    first = workbook[title(_("Indicators"))]
    assert first["A1"].font.b and first.freeze_panes == "A2"
    assert first.column_dimensions["B"].width == 60


def test_monitoring_officer_gets_controlled_figures_and_the_coordinator_exact_ones(data):
    officer = client_for(data.officer).get(export_url("xlsx", by="sex", code="O.2.3"))
    assert officer.status_code == 200
    assert officer["Content-Disposition"] == 'attachment; filename="indicatori_2025-01-01_2025-12-31.xlsx"'
    book = sheets(officer.content)
    assert as_records(book[title(_("Indicators"))])[0][_("Value")] == 10  # 8 rounded to base 5
    assert [r[_("Value")] for r in as_records(book[title(_("Sex"))])] == ["<5", 5]

    coordinator = client_for(data.coordinator).get(export_url("csv", by="sex", code="O.2.3"))
    rows = list(csv.reader(io.StringIO(coordinator.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[6] for row in rows[1:]] == ["8", "3", "5"]


def test_controlled_progress_and_forecast_rest_on_a_controlled_count(data):
    indicator = Indicator.objects.get(code="O.2.3")
    IndicatorTarget.objects.create(indicator=indicator, value=Decimal(100))  # progress % = the count so far
    exact = compute(indicator, YEAR)
    assert exports.progress_and_forecast(exact) == (exact.progress_project, exact.forecast_project)
    progress, forecast = exports.progress_and_forecast(compute(indicator, YEAR, controlled=True))
    # Both come from the controlled count so far: a rounded forecast of the exact count would give the count
    # back more precisely than the rounding to 5 does (the forecast multiplies it).
    so_far = disclosure.controlled_count(exact.so_far)
    if so_far == disclosure.LESS_THAN_5:
        assert progress is None and forecast is None
    else:
        assert progress == so_far  # a target of 100
        assert forecast == disclosure.controlled_count(exact.forecast_project * so_far / exact.so_far)
        assert forecast % 5 == 0


def test_org_role_exports_its_own_organisation_only(data):
    client = client_for(data.admin_a)
    assert client.get(export_url("csv", organisation=data.org_b.pk)).status_code == 403
    response = client.get(export_url("csv", code="O.2.3"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    own = compute(Indicator.objects.get(code="O.2.3"), Scope(START, END, organisation_id=data.org_a.pk))
    assert rows[1][6] == str(own.value) and own.value != 8
    assert client.get(export_url("csv", organisation=data.org_a.pk)).status_code == 200


def test_the_dashboards_own_parameters_give_the_same_export(data):
    client = client_for(data.coordinator)
    ours = client.get(export_url("csv", by="sex", code="O.2.3")).content
    base = reverse("monitoring:export", args=["csv"])
    theirs = client.get(f"{base}?period=custom&start={START}&end={END}&breakdown=sex&code=O.2.3")
    assert theirs.content == ours
    quarter = client.get(f"{base}?period=2025-q1&code=O.2.3")
    assert quarter["Content-Disposition"].endswith('filename="indicatori_2025-01-01_2025-03-31.csv"')
    assert client.get(f"{base}?period=2025-q5").status_code == 400
    assert client.get(f"{base}?period=custom&start={START}").status_code == 400


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2025-13-01"}, "2025-13-01"),
        ({"from": "2025-12-31", "to": "2025-01-01"}, ""),
        ({"province": "99999"}, "99999"),
        ({"municipality": "abc"}, "abc"),
        ({"organisation": "x"}, "x"),
        ({"organisation_kind": "bank"}, "bank"),
        ({"action": "04"}, "04"),
        ({"by": "sex,shoe_size"}, "shoe_size"),
        ({"code": "Z.9"}, "Z.9"),
    ],
)
def test_bad_filters_are_a_clear_400(data, params, message):
    response = client_for(data.coordinator).get(export_url("xlsx", **params))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert message in response.content.decode()


def test_exports_need_monitoring_view(data):
    trainer = make_member(data.org_a, Role.TRAINER)
    assert client_for(trainer).get(export_url("csv")).status_code == 403
    assert client_for(None).get(export_url("csv")).status_code == 302
    assert client_for(data.coordinator).get(export_url("pdf")).status_code == 404


def test_parse_filters_places_by_id_for_the_web_and_by_code_for_the_command_line(data):
    napoli = data.org_a.municipality
    web = exports.parse_filters({"province": str(napoli.province_id), "by": "sex,sex,month"})
    assert web.province == napoli.province and web.by == ["sex", "month"]
    for value in (napoli.province.istat_code.lstrip("0"), napoli.province.abbreviation.lower(), "napoli"):
        assert exports.parse_filters({"province": value}, place_codes=True).province == napoli.province
    assert exports.parse_filters({"municipality": napoli.istat_code}, place_codes=True).municipality == napoli
    salerno = data.people["p3"].municipality
    with pytest.raises(exports.FilterError):
        exports.parse_filters(
            {"province": napoli.province.abbreviation, "municipality": salerno.name}, place_codes=True
        )
    assert exports.parse_quarter({"year": "2025", "quarter": "4"}) == (
        datetime.date(2025, 10, 1),
        datetime.date(2025, 12, 31),
    )
    assert exports.parse_quarter({}, today=datetime.date(2026, 2, 10)) == (
        datetime.date(2025, 10, 1),
        datetime.date(2025, 12, 31),
    )


# --- the quarterly workbook ----------------------------------------------------------------------------------


def test_workbook_has_the_four_fami_sheets_with_names_for_the_coordinator(data):
    content = exports.quarterly_workbook(YEAR, names=True, membership=data.coordinator.active_membership)
    book = sheets(content)
    assert list(book)[:4] == [
        title(_("Participants")),
        title(_("Operators trained")),
        title(_("Activities")),
        title(_("Vulnerabilities")),
    ]
    assert next(iter(book)) == "Partecipanti"
    people = {row[_("Pseudonymous ID")]: row for row in as_records(book[title(_("Participants"))])}
    expected = {pseudonym(data.people[key].pk) for key in ("p1", "p2", "p3", "p5", "p7", "p8", "p11", "p12")}
    assert set(people) == expected  # O.2.3: the EU and Italian citizens are not there
    p1 = people[pseudonym(data.people["p1"].pk)]
    assert (p1[_("Last name")], p1[_("Birth date")].date()) == (
        data.people["p1"].last_name,
        datetime.date(1990, 5, 17),
    )
    assert p1[_("Age band")] == "25-34" and p1[str(_("Woman"))] == _("yes")
    assert p1[_("Services received")].endswith("(1)") and p1[_("Services in the period")] == 1
    assert (
        p1[_("Hours attended in the period")] == 8
    )  # the L2 (3) and work-oriented (3) courses, the event (2)
    assert p1[_("Vulnerability recorded")] == _("no")  # closed flag
    p3 = people[pseudonym(data.people["p3"].pk)]
    assert p3[str(_("Unaccompanied minor"))] == _("yes") and p3[_("Vulnerability recorded")] == _("yes")
    p11 = people[pseudonym(data.people["p11"].pk)]
    assert p11[_("Mediations in the period")] == 1 and p11[_("Activities attended")] is None
    # The withdrawn consent for services: pseudonymous ID only.
    p7 = people[pseudonym(data.people["p7"].pk)]
    assert p7[_("Last name")] is None and p7[_("Codice fiscale")] is None and p7[_("Birth date")] is None
    assert data.people["p7"].last_name not in xml_text(content)

    operators = as_records(book[title(_("Operators trained"))])
    assert sorted((r[_("Operator")], r[_("Hours attended in the period")]) for r in operators) == [
        ("Giulia Esposito", 2),
        ("Giulia Esposito", 5.5),
        ("Mario Rossi", 3),
    ]
    training = next(r for r in operators if r[_("Hours attended in the period")] == 5.5)
    assert training[_("Topics")] == "Tema 1; Tema 2" and training[_("Sessions attended in the period")] == 2
    assert training[_("Organisation type")] == str(data.org_a.get_kind_display())

    activities = {r[_("Title")]: r for r in as_records(book[title(_("Activities"))])}
    l2 = activities[data.activities["l2"].title]
    assert (l2[_("Sessions held in the period")], l2[_("People present in the period")]) == (2, 3)
    assert data.activities["event3"].title not in activities  # its only session is in 2026

    vulnerabilities = as_records(book[title(_("Vulnerabilities"))])
    assert [(r[_("Pseudonymous ID")], r[_("Vulnerability")]) for r in vulnerabilities] == [
        (pseudonym(data.people["p3"].pk), str(VulnerabilityKind.TRAFFICKING.label))
    ]
    assert SECRET_NOTE not in xml_text(content)


def test_workbook_without_names_leaks_no_name(data):
    content = exports.quarterly_workbook(YEAR, names=False, membership=data.officer.active_membership)
    text = xml_text(content)
    for person in data.people.values():
        assert person.last_name not in text and person.first_name not in text
    for name in ("Rossi", "Esposito", SECRET_NOTE):
        assert name not in text
    assert pseudonym(data.people["p1"].pk) in text
    participants = sheets(content)[title(_("Participants"))]
    assert _("Last name") not in participants[0] and _("Birth date") not in participants[0]
    assert exports.operator_pseudonym(str(data.operator_a.pk)) in text


def test_workbook_view_names_for_the_coordinator_only_and_logs_the_download(data):
    url = f"{reverse('monitoring:workbook')}?year=2025&quarter=1"
    response = client_for(data.coordinator).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="monitoraggio_2025-01-01_2025-03-31.xlsx"'
    assert data.people["p1"].last_name in xml_text(response.content)
    logged = ParticipantAccessLog.objects.filter(user=data.coordinator, channel=exports.ACCESS_LOG_CHANNEL)
    # Q1 2025: p1 p2 p3 p8 p11 p12 (p5 and p7 were supported later in the year).
    q1 = {data.people[key].pk for key in ("p1", "p2", "p3", "p8", "p11", "p12")}
    assert set(logged.values_list("participant_id", flat=True)) == q1 and logged.count() == len(q1)
    assert logged.first().path == url

    officer = client_for(data.officer).get(url)
    assert officer.status_code == 200
    assert data.people["p1"].last_name not in xml_text(officer.content)
    assert client_for(data.admin_a).get(url).status_code == 403
    assert client_for(data.coordinator).get(f"{url[:-1]}5").status_code == 400
    assert (
        client_for(data.coordinator).get(f"{reverse('monitoring:workbook')}?year=20x5&quarter=1").status_code
        == 400
    )


def _people(owner, operator, activity_, sessions, count: int) -> None:
    """`count` participants with a citizenship, a service, presence and a vulnerability each (some with a
    withdrawn consent), and `count` operators trained."""
    for n in range(count):
        person = make_participant(owner, citizenships=("MA", "TN"), last_name=f"Cognome{n}")
        service(person, "legal_advice", datetime.date(2025, 2, 2), owner, operator)
        attend(enrol(activity_, person), sessions[0])
        VulnerabilityFlag.objects.create(participant=person, kind="other", recorded_by=operator)
        if n % 3 == 0:
            withdraw_consent(
                make_consent(person, operator, purpose=ConsentPurpose.SERVICES),
                acting_user=operator,
                reason="",
            )


def test_workbook_queries_do_not_grow_with_the_people(django_assert_max_num_queries):
    owner = make_organisation("Comune di Napoli")
    operator = make_member(owner, Role.OPERATOR)
    coordinator = make_member(make_organisation("Regione"), Role.REGIONAL_COORDINATOR)
    course = make_activity(owner, start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2025, 3, 31))
    training = make_activity(
        owner,
        kind=ActivityKind.OPERATOR_TRAINING,
        action="01",
        start_date=course.start_date,
        end_date=course.end_date,
    )
    course_sessions = [session(course, datetime.date(2025, 2, 3))]
    training_session = session(training, datetime.date(2025, 2, 4))
    scope = Scope(datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    counts = []
    for count in (3, 17):  # 3, then 20 in all
        _people(owner, operator, course, course_sessions, count)
        for n in range(count):
            attend(
                enrol_person(training, EnrolmentKind.OPERATOR, owner, full_name=f"Operatore {n}"),
                training_session,
            )
        with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as queries:
            content = exports.quarterly_workbook(scope, names=True, membership=coordinator.active_membership)
        counts.append(len(queries))
        assert len(sheets(content)[title(_("Participants"))]) == 1 + (3 if count == 3 else 20)
    assert counts[0] == counts[1]
