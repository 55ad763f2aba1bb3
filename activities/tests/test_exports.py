"""Register exports: the XLSX workbook read back cell by cell, formula injection, the signature sheets, their
scoping and their query counts."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from activities import actions, exports
from activities.models import AttendanceStatus, CEFRLevel, EnrolmentKind, EnrolmentStatus
from activities.tests.test_certificates import layout
from conftest import client_for, make_activity, make_member, make_participant, make_sessions
from core.roles import Role

pytestmark = pytest.mark.django_db

# Queries of the XLSX export: session, user, membership, the activity in scope (2), the activity with its
# rule, sessions, people, marks, assessments, the hours held, and the session save (3). Constant.
REGISTER_XLSX_QUERIES = 14
PRESENT, ABSENT, EXCUSED = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED


@pytest.fixture
def register(org_a, operator_a, trainer_a, participant_a):
    """Four sessions of 4 h held and one cancelled; Amina came to all of them, the operator Carla Verdi to
    three, Zeta Omar to one and a half (one absence, one excused); a withdrawn person is not on the
    register. Amina has entry A1 and exit A2."""
    activity = make_activity(
        org_a, title='Italiano A2 / sera: "Napoli"', trainers=[trainer_a], venue="Via Toledo 1"
    )
    sessions = make_sessions(activity, count=5, hours=4)
    cancelled = sessions[4]
    cancelled.is_cancelled = True
    cancelled.save()
    held = sessions[:4]
    amina = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    carla = actions.enrol(
        activity, acting_user=operator_a, kind=EnrolmentKind.OPERATOR, full_name="Carla Verdi"
    )
    omar = actions.enrol(
        activity,
        acting_user=operator_a,
        participant=make_participant(org_a, first_name="Omar", last_name="Zeta"),
    )
    gone = actions.enrol(activity, acting_user=operator_a, participant=make_participant(org_a))
    actions.change_enrolment_status(gone, EnrolmentStatus.WITHDRAWN, acting_user=operator_a)
    for session in held:
        actions.mark_attendance(session, amina, PRESENT, acting_user=operator_a)
    for session in held[:3]:
        actions.mark_attendance(session, carla, PRESENT, acting_user=operator_a)
    for session, status, hours in zip(
        held, (PRESENT, ABSENT, PRESENT, EXCUSED), (None, None, 2, None), strict=True
    ):
        actions.mark_attendance(session, omar, status, acting_user=operator_a, hours=hours)
    for moment, level, date in (
        ("entry", CEFRLevel.A1, activity.start_date),
        ("exit", CEFRLevel.A2, timezone.localdate()),
    ):
        actions.record_assessment(
            amina,
            acting_user=operator_a,
            data={"moment": moment, "date": date, "overall": level, "evidence": "placement_test"},
        )
    return {"activity": activity, "held": held, "cancelled": cancelled}


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def titles(response) -> dict[str, str]:
    """The sheet names in the language the workbook was made in (Registro, Sessioni, Valutazioni in
    Italian)."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return exports.register_sheet_titles()


def sheet(response, key: str):
    return workbook(response)[titles(response)[key]]


def download(user, activity):
    return client_for(user).get(reverse("activity_docs:register_xlsx", args=[activity.pk]))


def test_the_register_workbook_has_one_row_per_person_and_one_column_per_session(register, operator_a):
    response = download(operator_a, register["activity"])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="registro-italiano-a2-sera-napoli-{register["activity"].pk}.xlsx"' in disposition
    book = workbook(response)
    names = titles(response)
    assert book.sheetnames == [names["register"], names["sessions"], names["assessments"]]
    rows = list(book[names["register"]].iter_rows(values_only=True))
    header = rows[0]
    held = register["held"]
    # N., name, kind, status, the four sessions held (the cancelled one is not a column), three totals.
    assert len(header) == 4 + 4 + 3
    assert list(header[4:8]) == [f"{s.date:%d/%m/%Y}" for s in held]
    people = {row[1]: row for row in rows[1:4]}
    assert [row[1] for row in rows[1:4]] == ["Benali Amina", "Carla Verdi", "Zeta Omar"]
    assert [row[0] for row in rows[1:4]] == [1, 2, 3]

    amina = people["Benali Amina"]
    assert [float(v) for v in amina[4:8]] == [4, 4, 4, 4]
    assert (float(amina[8]), float(amina[9])) == (16, 100)

    carla = people["Carla Verdi"]
    assert [None if v is None else float(v) for v in carla[4:8]] == [4, 4, 4, None]
    assert (float(carla[8]), float(carla[9])) == (12, 75)

    omar = people["Zeta Omar"]
    absent, excused = omar[5], omar[7]
    assert (float(omar[4]), float(omar[6])) == (4, 2)
    assert isinstance(absent, str) and isinstance(excused, str) and absent != excused
    assert (float(omar[8]), float(omar[9])) == (6, 37.5)
    # The completion rule (70 %) is met by Amina and Carla only.
    assert amina[10] == carla[10] != omar[10]

    totals = rows[4]
    assert list(totals[4:8]) == [3, 2, 3, 1]
    assert "Withdrawn" not in str(rows) and "Ritirat" not in str(rows)


def test_the_sessions_sheet_lists_every_session_with_head_counts(register, operator_a):
    calendar = sheet(download(operator_a, register["activity"]), "sessions")
    rows = list(calendar.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 5
    first = rows[0]
    assert first[0].date() == register["held"][0].date
    assert float(first[3]) == 4
    assert first[5] == "Via Toledo 1"
    assert list(first[7:10]) == [3, 0, 0]
    assert list(rows[1][7:10]) == [2, 1, 0]
    assert list(rows[3][7:10]) == [1, 0, 1]
    cancelled = rows[4]
    assert cancelled[6] != first[6]  # yes / no
    assert list(cancelled[7:10]) == [None, None, None]


def test_the_assessments_sheet_has_entry_and_exit_levels(register, operator_a):
    levels = sheet(download(operator_a, register["activity"]), "assessments")
    rows = list(levels.iter_rows(min_row=2, values_only=True))
    amina = rows[0]
    assert (amina[1], amina[2], amina[5], amina[8]) == ("Benali Amina", "A1", "A2", 1)
    assert amina[3].date() == register["activity"].start_date
    omar = rows[2]
    assert (omar[1], omar[2], omar[5], omar[8]) == ("Zeta Omar", None, None, None)


def test_text_that_looks_like_a_formula_is_written_as_text(org_a, operator_a):
    activity = make_activity(org_a, title="=cmd|' /C calc'!A0")
    actions.enrol(
        activity,
        acting_user=operator_a,
        participant=make_participant(org_a, first_name="Mario", last_name='=HYPERLINK("http://x.example")'),
    )
    actions.enrol(activity, acting_user=operator_a, kind=EnrolmentKind.OPERATOR, full_name="@SUM(1+1)")
    response = download(operator_a, activity)
    names = [sheet(response, "register").cell(row=row, column=2) for row in (2, 3)]
    assert [cell.value for cell in names] == ['\'=HYPERLINK("http://x.example") Mario', "'@SUM(1+1)"]
    assert all(cell.data_type == "s" for cell in names)
    assert not any(
        cell.data_type == "f" for ws in workbook(response) for row in ws.iter_rows() for cell in row
    )
    assert ".xlsx" in response["Content-Disposition"] and "|" not in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+39 333", "'+39 333"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("Rossi", "Rossi"),
        (-2, -2),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert exports.safe_cell(value) == expected


@pytest.mark.parametrize("people", [3, 10])
def test_the_register_export_queries_do_not_grow_with_people(
    org_a, operator_a, people, django_assert_num_queries
):
    activity = make_activity(org_a)
    sessions = make_sessions(activity, count=3)
    for _ in range(people):
        enrolment = actions.enrol(activity, acting_user=operator_a, participant=make_participant(org_a))
        for session in sessions:
            actions.mark_attendance(session, enrolment, PRESENT, acting_user=operator_a)
    client = client_for(operator_a)
    url = reverse("activity_docs:register_xlsx", args=[activity.pk])
    client.get(url)
    with django_assert_num_queries(REGISTER_XLSX_QUERIES):
        response = client.get(url)
    assert sheet(response, "register").max_row == people + 1 + 3  # header, people, totals, blank, legend


# --------------------------------------------------------------------------------------- signature sheets


def test_the_signature_sheet_of_a_session_is_a_pdf_with_the_people_on_the_register(register, trainer_a):
    session = register["held"][0]
    url = reverse("activity_docs:signature_sheet", args=[register["activity"].pk, session.pk])
    response = client_for(trainer_a).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "foglio-firme" in response["Content-Disposition"]

    html = exports.signature_sheets_html(register["activity"], [session], trainer_a)
    pages, text = layout(html)
    assert pages == 1
    for expected in (
        "Benali Amina",
        "Carla Verdi",
        "Zeta Omar",
        "Comune di Napoli",
        "Via Toledo 1",
        "Trainer A",
    ):
        assert expected in text, expected
    assert f"{session.date:%d/%m/%Y}" in text


def test_all_signature_sheets_print_one_page_per_session_held(register, operator_a):
    response = client_for(operator_a).get(
        reverse("activity_docs:signature_sheets", args=[register["activity"].pk])
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    pages, _text = layout(exports.signature_sheets_html(register["activity"], register["held"], operator_a))
    assert pages == 4


def test_a_long_register_continues_on_more_pages(org_a, operator_a):
    activity = make_activity(org_a)
    session = make_sessions(activity, count=1)[0]
    for _ in range(40):
        actions.enrol(activity, acting_user=operator_a, participant=make_participant(org_a))
    pages, text = layout(exports.signature_sheets_html(activity, [session], operator_a))
    assert pages == 2
    assert "40" in text


def test_a_session_of_another_activity_is_404(register, operator_a, org_a):
    other_session = make_sessions(make_activity(org_a), count=1)[0]
    url = reverse("activity_docs:signature_sheet", args=[register["activity"].pk, other_session.pk])
    assert client_for(operator_a).get(url).status_code == 404


# ------------------------------------------------------------------------------------------------ scoping


def export_urls(register) -> list[str]:
    pk = register["activity"].pk
    return [
        reverse("activity_docs:register_xlsx", args=[pk]),
        reverse("activity_docs:signature_sheets", args=[pk]),
        reverse("activity_docs:signature_sheet", args=[pk, register["held"][0].pk]),
    ]


def test_exports_are_for_the_register_keepers(register, viewer_a, operator_b, org_a, client):
    other_trainer = make_member(org_a, Role.TRAINER, "trainer2_a@example.org")
    for url in export_urls(register):
        assert client_for(viewer_a).get(url).status_code == 403, url
        assert client_for(operator_b).get(url).status_code == 404, url
        assert client_for(other_trainer).get(url).status_code == 404, url
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_regional_coordinator_does_not_keep_other_organisations_registers(register, coordinator):
    # The Region sees every activity but keeps only the registers of the activities it organises.
    for url in export_urls(register):
        assert client_for(coordinator).get(url).status_code == 403, url


def test_the_activity_dates_do_not_matter_for_an_export(org_a, operator_a):
    activity = make_activity(
        org_a, start_date=datetime.date(2024, 1, 8), end_date=datetime.date(2024, 1, 8), planned_hours=3
    )
    response = download(operator_a, activity)
    rows = list(sheet(response, "register").iter_rows(values_only=True))
    assert len(rows[0]) == 4 + 3  # no session yet
    assert len(rows) == 1 + 1 + 2  # header, totals, blank, legend


# ------------------------------------------------------------------------------------------ review fixes


def test_sheet_names_are_translated(org_a, operator_a):
    activity = make_activity(org_a)
    for language in ("en", "it"):
        with translation.override(language):
            book = openpyxl.load_workbook(io.BytesIO(exports.register_workbook(activity, operator_a)))
            expected = exports.register_sheet_titles()
        assert book.sheetnames == [expected["register"], expected["sessions"], expected["assessments"]]
        if language == "en":
            assert book.sheetnames == ["Register", "Sessions", "Assessments"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Registro", "Registro"),
        ("Reg[is]tro: a/b\\c?*", "Registro abc"),
        ("'Sessioni'", "Sessioni"),
        ("Valutazioni linguistiche di ingresso e di uscita", "Valutazioni linguistiche di ing"),
        ("[]:*?/\\", "Fallback"),
    ],
)
def test_sheet_titles_are_valid_excel_names(title, expected):
    assert exports.sheet_title(title, "Fallback") == expected


def test_a_translation_that_is_not_a_valid_sheet_name_still_makes_a_workbook(monkeypatch, org_a, operator_a):
    monkeypatch.setattr(
        exports, "pgettext", lambda context, text: f"{text}: [all]/*? of the activity's {text}"
    )
    book = openpyxl.load_workbook(io.BytesIO(exports.register_workbook(make_activity(org_a), operator_a)))
    assert len(book.sheetnames) == 3
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in book.sheetnames)
