"""Imports of enrolments, attendance and language assessments: every row checked, errors by row and column,
all or nothing, dry run, scope (unknown and out of scope read the same), bulk writes and query counts."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import actions
from activities.models import (
    ActivityStatus,
    AssessmentMoment,
    Attendance,
    AttendanceStatus,
    CEFRLevel,
    Enrolment,
    EnrolmentStatus,
    LanguageAssessment,
    Session,
)
from conftest import client_for, make_activity, make_participant, make_sessions
from core.imports import build_template, get_kind, read_table, run_import, validate

pytestmark = pytest.mark.django_db

ATTENDANCE_HEADER = ["activity_id", "session_date", "participant_id", "status", "hours"]
# Trainers may not open participant records: they name people by enrolment number.
TRAINER_ATTENDANCE_HEADER = ["activity_id", "session_date", "enrolment_id", "status", "hours"]


def upload(header: list[str], rows: list[list], name: str = "file.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode())


def xlsx(header: list[str], rows: list[list]) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("file.xlsx", buffer.getvalue())


def day(session: Session) -> str:
    return session.date.strftime("%d/%m/%Y")


def errors(report) -> list[tuple]:
    return [(e.row, e.column, e.letter) for e in report.errors]


def enrol(activity, user, participant, **kwargs):
    return actions.enrol(activity, acting_user=user, participant=participant, **kwargs)


@pytest.fixture
def course(org_a, trainer_a):
    return make_activity(org_a, trainers=[trainer_a], capacity=10)


@pytest.fixture
def sessions(course):
    return make_sessions(course, count=3, hours=4)


@pytest.fixture
def learners(course, org_a, operator_a):
    people = [make_participant(org_a, codice_fiscale=f"TSTPRS90A01Z33{n}X") for n in range(3)]
    return [enrol(course, operator_a, p) for p in people]


# ------------------------------------------------------------------------------------------ attendance


def test_good_attendance_file_dry_run_saves_nothing_then_imports_and_updates_hours(
    operator_a, course, sessions, learners
):
    first, second, third = learners
    rows = [
        [course.pk, sessions[0].date, first.participant_id, "P", None],
        [course.pk, sessions[0].date, second.participant_id, "A", None],
        [course.pk, sessions[0].date, third.participant_id, "presente", "2,5"],
        [course.pk, sessions[1].date, first.participant_id, "G", None],
        [course.pk, sessions[1].date, second.participant_id, "p", 4],
    ]
    kind = get_kind("attendance")

    report = run_import(kind, xlsx(ATTENDANCE_HEADER, rows), operator_a, dry_run=True)
    assert report.ok, report.errors
    assert len(report.valid_rows) == 5 and report.imported == 0
    assert not Attendance.objects.exists()

    report = run_import(kind, xlsx(ATTENDANCE_HEADER, rows), operator_a, dry_run=False)
    assert report.ok, report.errors
    assert report.imported == 5
    assert Attendance.objects.count() == 5
    hours = dict(Enrolment.objects.values_list("pk", "attended_hours"))
    assert hours == {first.pk: Decimal("4"), second.pk: Decimal("4"), third.pk: Decimal("2.5")}
    mark = Attendance.objects.get(session=sessions[1], enrolment=first)
    assert mark.status == AttendanceStatus.EXCUSED and mark.hours == 0 and mark.recorded_by == operator_a


def test_attendance_import_writes_one_audit_entry(operator_a, course, sessions, learners):
    rows = [[course.pk, day(sessions[0]), e.participant_id, "P", ""] for e in learners]
    content_type = ContentType.objects.get_for_model(Attendance)
    before = LogEntry.objects.filter(content_type=content_type).count()

    report = run_import(get_kind("attendance"), upload(ATTENDANCE_HEADER, rows), operator_a, dry_run=False)

    assert report.ok, report.errors
    entries = LogEntry.objects.filter(content_type=content_type)
    assert entries.count() == before + 1
    entry = entries.latest("timestamp")
    assert entry.actor == operator_a
    assert entry.additional_data["import"] == "attendance" and entry.additional_data["rows"] == 3
    assert entry.additional_data["created"] == 3


def test_existing_marks_are_replaced(operator_a, trainer_a, course, sessions, learners):
    first, second = learners[0], learners[1]
    actions.mark_attendance(sessions[0], first, AttendanceStatus.ABSENT, acting_user=operator_a)
    actions.mark_attendance(sessions[0], second, AttendanceStatus.PRESENT, acting_user=operator_a)
    rows = [
        [course.pk, day(sessions[0]), first.pk, "P", "3"],
        [course.pk, day(sessions[0]), second.pk, "G", ""],
        [course.pk, day(sessions[1]), second.pk, "P", ""],
    ]

    report = run_import(
        get_kind("attendance"), upload(TRAINER_ATTENDANCE_HEADER, rows), trainer_a, dry_run=False
    )

    assert report.ok, report.errors
    marks = {
        (m.session_id, m.enrolment_id): (m.status, m.hours, m.recorded_by)
        for m in Attendance.objects.select_related("recorded_by")
    }
    assert marks == {
        (sessions[0].pk, first.pk): (AttendanceStatus.PRESENT, Decimal("3"), trainer_a),
        (sessions[0].pk, second.pk): (AttendanceStatus.EXCUSED, Decimal("0"), trainer_a),
        (sessions[1].pk, second.pk): (AttendanceStatus.PRESENT, Decimal("4"), trainer_a),
    }
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attended_hours, second.attended_hours) == (Decimal("3"), Decimal("4"))
    entry = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Attendance)).latest(
        "timestamp"
    )
    assert (entry.additional_data["created"], entry.additional_data["replaced"]) == (1, 2)


def test_people_are_named_by_enrolment_participant_or_codice_fiscale(operator_a, course, sessions, learners):
    first, second, third = learners
    header = ["activity_id", "session_date", "enrolment_id", "participant_id", "codice_fiscale", "status"]
    rows = [
        [course.pk, day(sessions[0]), first.pk, "", "", "P"],
        [course.pk, day(sessions[0]), "", second.participant_id, "", "P"],
        [course.pk, day(sessions[0]), "", "", third.participant.codice_fiscale.lower(), "P"],
        [course.pk, day(sessions[1]), first.pk, first.participant_id, first.participant.codice_fiscale, "A"],
    ]

    report = run_import(get_kind("attendance"), upload(header, rows), operator_a, dry_run=False)

    assert report.ok, report.errors
    assert Attendance.objects.count() == 4


def test_wrong_headers_are_reported_and_nothing_is_saved(operator_a, course, sessions, learners):
    rows = [[course.pk, day(sessions[0]), learners[0].participant_id, "P"]]
    report = run_import(
        get_kind("attendance"),
        upload(["activity", "session_date", "participant_id", "status"], rows),
        operator_a,
        dry_run=False,
    )

    assert not report.ok
    assert (1, "activity", "A") in errors(report)
    assert any(e.row == 1 and e.column == "activity_id" for e in report.errors)  # required column missing
    assert not Attendance.objects.exists()


def test_unknown_and_out_of_scope_participants_read_the_same(
    operator_a, org_a, org_b, operator_b, course, sessions, learners
):
    elsewhere = make_activity(org_b)
    stranger = make_participant(org_b)
    enrol(elsewhere, operator_b, stranger)
    not_enrolled = make_participant(org_a)
    rows = [
        [course.pk, day(sessions[0]), learners[0].participant_id, "P", ""],
        [course.pk, day(sessions[0]), stranger.pk, "P", ""],
        [course.pk, day(sessions[0]), 999_999, "P", ""],
        [course.pk, day(sessions[0]), not_enrolled.pk, "P", ""],
    ]

    report = run_import(get_kind("attendance"), upload(ATTENDANCE_HEADER, rows), operator_a, dry_run=False)

    assert errors(report) == [
        (3, "participant_id", "C"),
        (4, "participant_id", "C"),
        (5, "participant_id", "C"),
    ]
    assert len({e.message for e in report.errors}) == 1
    assert not Attendance.objects.exists()


def test_duplicate_rows_are_errors(operator_a, course, sessions, learners):
    first = learners[0]
    header = ["activity_id", "session_date", "enrolment_id", "participant_id", "status"]
    rows = [
        [course.pk, day(sessions[0]), "", first.participant_id, "P"],
        [course.pk, day(sessions[1]), "", first.participant_id, "P"],
        [course.pk, day(sessions[0]), first.pk, "", "A"],  # the same person at the same session
    ]

    report = run_import(get_kind("attendance"), upload(header, rows), operator_a, dry_run=False)

    assert errors(report) == [(4, "enrolment_id", "C")]
    assert "2" in report.errors[0].message
    assert not Attendance.objects.exists()


def test_future_cancelled_and_missing_sessions_are_errors(operator_a, course, sessions, learners):
    today = timezone.localdate()
    future = Session.objects.create(activity=course, date=today + datetime.timedelta(days=3), hours=2)
    cancelled = Session.objects.create(
        activity=course, date=today - datetime.timedelta(days=1), hours=2, is_cancelled=True
    )
    person = learners[0].participant_id
    rows = [
        [course.pk, day(future), person, "P", ""],
        [course.pk, day(cancelled), person, "P", ""],
        [course.pk, "01/01/2020", person, "P", ""],
        [course.pk, "31/02/2024", person, "P", ""],
        [course.pk, day(sessions[0]), person, "P", ""],
    ]

    report = run_import(get_kind("attendance"), upload(ATTENDANCE_HEADER, rows), operator_a, dry_run=False)

    assert errors(report) == [
        (2, "session_date", "B"),
        (3, "session_date", "B"),
        (4, "session_date", "B"),
        (5, "session_date", "B"),
    ]
    assert "future" in report.errors[0].message or "futur" in report.errors[0].message
    assert not Attendance.objects.exists()


def test_start_time_chooses_between_two_sessions_of_one_day(operator_a, course, learners):
    when = timezone.localdate() - datetime.timedelta(days=2)
    morning = Session.objects.create(activity=course, date=when, start_time=datetime.time(9), hours=2)
    Session.objects.create(activity=course, date=when, start_time=datetime.time(14, 30), hours=2)
    person = learners[0].participant_id
    header = ["activity_id", "session_date", "start_time", "participant_id", "status"]
    ambiguous = [[course.pk, when.strftime("%d/%m/%Y"), "", person, "P"]]
    report = run_import(get_kind("attendance"), upload(header, ambiguous), operator_a, dry_run=False)
    assert errors(report) == [(2, "start_time", "C")]

    wrong_time = [[course.pk, when.strftime("%d/%m/%Y"), "11:00", person, "P"]]
    report = run_import(get_kind("attendance"), upload(header, wrong_time), operator_a, dry_run=False)
    assert errors(report) == [(2, "start_time", "C")]

    good = [[course.pk, when.strftime("%d/%m/%Y"), "9.00", person, "P"]]
    report = run_import(get_kind("attendance"), upload(header, good), operator_a, dry_run=False)
    assert report.ok, report.errors
    assert Attendance.objects.get().session == morning


def test_impossible_marks_and_hours(operator_a, course, sessions, learners):
    person = learners[0].participant_id
    rows = [
        [course.pk, day(sessions[0]), person, "X", ""],
        [course.pk, day(sessions[1]), person, "P", "5"],  # the session lasts 4 hours
        [course.pk, day(sessions[2]), person, "A", "2"],
        [course.pk, day(sessions[2]), learners[1].participant_id, "P", "due"],
    ]

    report = run_import(get_kind("attendance"), upload(ATTENDANCE_HEADER, rows), operator_a, dry_run=False)

    assert errors(report) == [(2, "status", "D"), (3, "hours", "E"), (4, "hours", "E"), (5, "hours", "E")]
    assert not Attendance.objects.exists()


def test_people_off_the_register_are_refused(operator_a, org_a, course, sessions, learners):
    course.capacity = 3
    course.save()
    waiting = enrol(course, operator_a, make_participant(org_a))
    assert waiting.status == EnrolmentStatus.WAITING
    rows = [[course.pk, day(sessions[0]), waiting.participant_id, "P", ""]]

    report = run_import(get_kind("attendance"), upload(ATTENDANCE_HEADER, rows), operator_a, dry_run=False)

    assert errors(report) == [(2, "participant_id", "C")]
    assert not Attendance.objects.exists()


def test_out_of_scope_activity_reads_like_an_unknown_one(operator_a, org_b, course, sessions, learners):
    other = make_activity(org_b)
    other_session = make_sessions(other, count=1)[0]
    rows = [
        [other.pk, day(other_session), learners[0].participant_id, "P", ""],
        [987_654, day(other_session), learners[0].participant_id, "P", ""],
    ]

    report = run_import(get_kind("attendance"), upload(ATTENDANCE_HEADER, rows), operator_a, dry_run=False)

    assert errors(report) == [(2, "activity_id", "A"), (3, "activity_id", "A")]
    assert report.errors[0].message == report.errors[1].message


def test_a_trainer_imports_attendance_only_for_their_activities(
    trainer_a, org_a, operator_a, course, sessions, learners
):
    not_theirs = make_activity(org_a)
    not_theirs_session = make_sessions(not_theirs, count=1)[0]
    someone = enrol(not_theirs, operator_a, make_participant(org_a))
    rows = [
        [course.pk, day(sessions[0]), learners[0].pk, "P", ""],
        [not_theirs.pk, day(not_theirs_session), someone.pk, "P", ""],
    ]
    header = TRAINER_ATTENDANCE_HEADER
    report = run_import(get_kind("attendance"), upload(header, rows), trainer_a, dry_run=False)
    assert errors(report) == [(3, "activity_id", "A")]
    assert not Attendance.objects.exists()

    report = run_import(get_kind("attendance"), upload(header, rows[:1]), trainer_a, dry_run=False)
    assert report.ok, report.errors
    assert Attendance.objects.get().recorded_by == trainer_a


def test_read_only_roles_may_not_import(viewer_a, course, sessions, learners):
    rows = [[course.pk, day(sessions[0]), learners[0].participant_id, "P", ""]]
    with pytest.raises(PermissionDenied):
        run_import(get_kind("attendance"), upload(ATTENDANCE_HEADER, rows), viewer_a, dry_run=False)
    assert not Attendance.objects.exists()


def test_a_failure_while_saving_rolls_everything_back(monkeypatch, operator_a, course, sessions, learners):
    def broken(enrolments):
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "refresh_attended_hours", broken)
    rows = [[course.pk, day(sessions[0]), e.participant_id, "P", ""] for e in learners]

    report = run_import(get_kind("attendance"), upload(ATTENDANCE_HEADER, rows), operator_a, dry_run=False)

    assert not report.ok and report.imported == 0
    assert not Attendance.objects.exists()


def test_attendance_validation_queries_do_not_grow_with_rows(operator_a, org_a, sessions, course):
    course.capacity = None
    course.save()
    people = [enrol(course, operator_a, make_participant(org_a)) for _ in range(34)]
    all_rows = [[course.pk, day(s), e.participant_id, "P", ""] for s in sessions for e in people]
    kind = get_kind("attendance")

    def queries(rows) -> int:
        table = read_table(upload(ATTENDANCE_HEADER, rows))
        with CaptureQueriesContext(connection) as captured:
            report = validate(kind, table, operator_a)
        assert report.ok, report.errors
        return len(captured.captured_queries)

    assert queries(all_rows[:10]) == queries(all_rows[:100])


def test_the_row_limit_is_per_kind(settings, operator_a, course, sessions, learners):
    settings.IMPORT_MAX_ROWS = 2
    rows = [[course.pk, day(sessions[0]), e.participant_id, "P", ""] for e in learners]
    assert run_import(get_kind("attendance"), upload(ATTENDANCE_HEADER, rows), operator_a).ok
    assert get_kind("attendance").row_limit == 100_000
    assert get_kind("assessments").row_limit == 2


# ------------------------------------------------------------------------------------------ enrolments

ENROLMENT_HEADER = [
    "activity_id",
    "participant_id",
    "codice_fiscale",
    "enrolment_date",
    "status",
    "childcare_needed",
]


def test_enrolments_fill_the_places_then_the_waiting_list_in_file_order(operator_a, org_a):
    activity = make_activity(org_a, capacity=2)
    people = [make_participant(org_a, codice_fiscale=f"ENRPRS90A01Z33{n}X") for n in range(4)]
    rows = [
        [activity.pk, people[0].pk, "", "01/09/2025", "", "sì"],
        [activity.pk, "", people[1].codice_fiscale, "", "enrolled", ""],
        [activity.pk, people[2].pk, "", "", "", ""],
        [activity.pk, people[3].pk, "", "", "withdrawn", ""],
    ]
    kind = get_kind("enrolments")

    report = run_import(kind, upload(ENROLMENT_HEADER, rows), operator_a, dry_run=True)
    assert report.ok, report.errors
    assert not Enrolment.objects.exists()

    report = run_import(kind, upload(ENROLMENT_HEADER, rows), operator_a, dry_run=False)
    assert report.ok, report.errors
    statuses = dict(Enrolment.objects.values_list("participant_id", "status"))
    assert statuses == {
        people[0].pk: EnrolmentStatus.ENROLLED,
        people[1].pk: EnrolmentStatus.ENROLLED,
        people[2].pk: EnrolmentStatus.WAITING,
        people[3].pk: EnrolmentStatus.WITHDRAWN,
    }
    first = Enrolment.objects.get(participant=people[0])
    assert first.childcare_needed and timezone.localtime(first.enrolled_at).date() == datetime.date(
        2025, 9, 1
    )
    assert first.created_by == operator_a
    # Each enrolment is in the audit log.
    assert LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Enrolment)).count() == 4


def test_enrolment_errors_leave_nothing_saved(operator_a, org_a, org_b):
    activity = make_activity(org_a)
    closed = make_activity(org_a, status=ActivityStatus.COMPLETED)
    foreign_activity = make_activity(org_b)
    mine, again = make_participant(org_a), make_participant(org_a)
    enrol(activity, operator_a, again)
    theirs = make_participant(org_b)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    rows = [
        [activity.pk, mine.pk, "", "", "", ""],
        [activity.pk, theirs.pk, "", "", "", ""],  # out of scope: read as unknown
        [activity.pk, 999_999, "", "", "", ""],
        [activity.pk, again.pk, "", "", "", ""],  # already enrolled
        [activity.pk, mine.pk, "", "", "", ""],  # twice in the file
        [closed.pk, mine.pk, "", "", "", ""],
        [foreign_activity.pk, mine.pk, "", "", "", ""],
        [activity.pk, "", "", tomorrow, "completed", ""],
    ]

    report = run_import(get_kind("enrolments"), upload(ENROLMENT_HEADER, rows), operator_a, dry_run=False)

    assert errors(report) == [
        (3, "participant_id", "B"),
        (4, "participant_id", "B"),
        (5, "participant_id", "B"),
        (6, "participant_id", "B"),
        (7, "activity_id", "A"),
        (8, "activity_id", "A"),
        (9, "participant_id", "B"),
        (9, "enrolment_date", "D"),
        (9, "status", "E"),
    ]
    assert report.errors[0].message == report.errors[1].message
    assert Enrolment.objects.count() == 1  # the one enrolled before the import


def test_trainers_cannot_import_enrolments(trainer_a, course):
    with pytest.raises(PermissionDenied):
        run_import(
            get_kind("enrolments"), upload(ENROLMENT_HEADER, [[course.pk, 1, "", "", "", ""]]), trainer_a
        )


# ----------------------------------------------------------------------------------------- assessments

ASSESSMENT_HEADER = [
    "activity_id",
    "participant_id",
    "moment",
    "date",
    "overall",
    "listening",
    "writing",
    "evidence",
    "certificate_name",
    "assessor",
]


def test_good_assessments_are_recorded_and_replace_earlier_ones(trainer_a, course, learners):
    first, second, _third = learners
    start = course.start_date
    actions.record_assessment(
        first,
        acting_user=trainer_a,
        data={"moment": "entry", "date": start, "overall": CEFRLevel.A1, "evidence": "teacher"},
    )
    header = ["enrolment_id" if name == "participant_id" else name for name in ASSESSMENT_HEADER]
    rows = [
        [
            course.pk,
            first.pk,
            "ingresso",
            start - datetime.timedelta(days=5),
            "pre-A1",
            "A1",
            "",
            "placement_test",
            "",
            "",
        ],
        [course.pk, second.pk, "entry", start, "a2", "", "", "teacher", "", "Prof.ssa Rossi"],
        [
            course.pk,
            second.pk,
            "uscita",
            timezone.localdate(),
            "B1",
            "B1",
            "A2",
            "certificate",
            "CILS",
            "",
        ],
    ]

    report = run_import(get_kind("assessments"), xlsx(header, rows), trainer_a, dry_run=False)

    assert report.ok, report.errors
    assert LanguageAssessment.objects.count() == 3
    entry = LanguageAssessment.objects.get(enrolment=first, moment=AssessmentMoment.ENTRY)
    assert entry.overall == CEFRLevel.PRE_A1 and entry.listening == CEFRLevel.A1
    assert entry.assessed_by == trainer_a
    exit_ = LanguageAssessment.objects.get(enrolment=second, moment=AssessmentMoment.EXIT)
    assert (exit_.overall, exit_.writing, exit_.certificate_name) == (CEFRLevel.B1, CEFRLevel.A2, "CILS")
    other = LanguageAssessment.objects.get(enrolment=second, moment=AssessmentMoment.ENTRY)
    assert other.assessor_name == "Prof.ssa Rossi" and other.assessed_by is None
    assert actions.cefr_improvement(other, exit_).overall == 1


def test_bad_assessments_leave_nothing_saved(operator_a, org_b, course, learners):
    first, second, third = learners
    start = course.start_date
    foreign = make_activity(org_b)
    long_ago = start - datetime.timedelta(days=400)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    rows = [
        [
            course.pk,
            first.participant_id,
            "ingresso",
            start,
            "D1",
            "",
            "",
            "teacher",
            "",
            "",
        ],  # invalid level
        [
            course.pk,
            second.participant_id,
            "ingresso",
            long_ago,
            "A1",
            "",
            "",
            "teacher",
            "",
            "",
        ],  # out of range
        [course.pk, third.participant_id, "uscita", tomorrow, "A2", "", "", "teacher", "", ""],  # future
        [course.pk, third.participant_id, "ingresso", start, "A1", "Z9", "", "certificate", "", ""],
        [foreign.pk, third.participant_id, "ingresso", start, "A1", "", "", "teacher", "", ""],
        [course.pk, 999_999, "ingresso", start, "A1", "", "", "teacher", "", ""],
        [course.pk, first.participant_id, "a metà", start, "A1", "", "", "teacher", "", ""],
        [course.pk, second.participant_id, "uscita", start, "A2", "", "", "teacher", "", ""],
        [course.pk, second.participant_id, "exit", start, "A2", "", "", "teacher", "", ""],  # duplicate
    ]

    report = run_import(get_kind("assessments"), upload(ASSESSMENT_HEADER, rows), operator_a, dry_run=False)

    assert errors(report) == [
        (2, "overall", "E"),
        (3, "date", "D"),
        (4, "date", "D"),
        (5, "listening", "F"),
        (5, "certificate_name", "I"),
        (6, "activity_id", "A"),
        (7, "participant_id", "B"),
        (8, "moment", "C"),
        (10, "moment", "C"),
    ]
    assert not LanguageAssessment.objects.exists()


def test_assessment_validation_queries_do_not_grow_with_rows(operator_a, org_a):
    activity = make_activity(org_a)
    people = [enrol(activity, operator_a, make_participant(org_a)) for _ in range(50)]
    rows = [
        [activity.pk, e.participant_id, moment, activity.start_date, "A2", "", "", "teacher", "", ""]
        for e in people
        for moment in ("ingresso", "uscita")
    ]
    kind = get_kind("assessments")

    def queries(selected) -> int:
        table = read_table(upload(ASSESSMENT_HEADER, selected))
        with CaptureQueriesContext(connection) as captured:
            report = validate(kind, table, operator_a)
        assert report.ok, report.errors
        return len(captured.captured_queries)

    assert queries(rows[:10]) == queries(rows[:100])


# ------------------------------------------------------------------------------------------- templates


@pytest.mark.parametrize("slug", ["enrolments", "attendance", "assessments"])
def test_templates_have_the_columns_drop_downs_and_activities(operator_a, course, slug):
    client = client_for(operator_a)
    response = client.get(reverse("core:import_template", args=[slug]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    data = workbook.worksheets[0]
    header = [cell.value for cell in next(data.iter_rows(max_row=1))]
    assert header == [c.name for c in get_kind(slug).columns]
    assert data.data_validations.dataValidation
    activities = workbook.worksheets[-1]
    assert [row[0] for row in activities.iter_rows(min_row=2, values_only=True)] == [course.pk]
    # An empty template reads back as a header without rows.
    table = read_table(SimpleUploadedFile("t.xlsx", build_template(get_kind(slug), operator_a)))
    assert table.header == header and table.rows == []


def test_import_kinds_follow_the_role(operator_a, trainer_a, viewer_a):
    from core.imports import kinds_for

    assert {"enrolments", "attendance", "assessments"} <= {k.slug for k in kinds_for(operator_a)}
    assert {"attendance", "assessments"} <= {k.slug for k in kinds_for(trainer_a)}
    assert "enrolments" not in {k.slug for k in kinds_for(trainer_a)}
    assert not {"enrolments", "attendance", "assessments"} & {k.slug for k in kinds_for(viewer_a)}


# ------------------------------------------------------------------------------------------ review fixes


def test_a_trainer_names_people_by_enrolment_number_only_and_learns_nothing_from_other_columns(
    trainer_a, org_a, course, sessions, learners
):
    """A trainer may not open participant records: a participant number or codice fiscale gets the same
    message whether it belongs to someone on the register, to nobody, or is not even well formed, and a
    dry run tells no more."""
    first, second, _third = learners
    stranger = make_participant(org_a, codice_fiscale="TSTPRS90A01Z339X")
    header = ["activity_id", "session_date", "enrolment_id", "participant_id", "codice_fiscale", "status"]
    rows = [
        [course.pk, day(sessions[0]), "", first.participant_id, "", "P"],  # on the register
        [course.pk, day(sessions[0]), "", stranger.pk, "", "P"],  # not enrolled
        [course.pk, day(sessions[0]), "", 999_999, "", "P"],  # nobody
        [course.pk, day(sessions[0]), "", "", second.participant.codice_fiscale, "P"],  # on the register
        [course.pk, day(sessions[0]), "", "", stranger.codice_fiscale, "P"],  # not enrolled
        [course.pk, day(sessions[0]), "", "", "X" * 20, "P"],  # not a codice fiscale
        [course.pk, day(sessions[1]), first.pk, first.participant_id, "", "P"],  # even with the number
    ]
    for dry_run in (True, False):
        report = run_import(get_kind("attendance"), upload(header, rows), trainer_a, dry_run=dry_run)
        assert errors(report) == [
            (2, "participant_id", "D"),
            (3, "participant_id", "D"),
            (4, "participant_id", "D"),
            (5, "codice_fiscale", "E"),
            (6, "codice_fiscale", "E"),
            (7, "codice_fiscale", "E"),
            (8, "participant_id", "D"),
        ]
        assert len({e.message for e in report.errors}) == 1
        assert "enrolment_id" in report.errors[0].message
    assert not Attendance.objects.exists()

    by_enrolment = [[course.pk, day(sessions[0]), first.pk, "", "", "P"]]
    report = run_import(get_kind("attendance"), upload(header, by_enrolment), trainer_a, dry_run=False)
    assert report.ok, report.errors
    assert Attendance.objects.get().enrolment == first


def test_participant_numbers_and_codes_find_only_people_the_importer_may_see(
    operator_a, org_a, org_b, course, sessions, learners
):
    """Someone of another organisation on the organiser's register is found by enrolment number only: by
    participant number or codice fiscale they read like nobody, in a dry run too."""
    stranger = make_participant(org_b, codice_fiscale="TSTPRS90A01Z338X")
    on_register = Enrolment.objects.create(
        activity=course, kind="participant", participant=stranger, status=EnrolmentStatus.ENROLLED
    )
    header = ["activity_id", "session_date", "enrolment_id", "participant_id", "codice_fiscale", "status"]
    rows = [
        [course.pk, day(sessions[0]), "", stranger.pk, "", "P"],
        [course.pk, day(sessions[0]), "", 999_999, "", "P"],
        [course.pk, day(sessions[0]), "", "", stranger.codice_fiscale, "P"],
        [course.pk, day(sessions[0]), "", "", "TSTPRS90A01Z337X", "P"],  # nobody's
        [course.pk, day(sessions[0]), "", learners[0].participant_id, "", "P"],  # visible: fine
    ]
    for dry_run in (True, False):
        report = run_import(get_kind("attendance"), upload(header, rows), operator_a, dry_run=dry_run)
        assert errors(report) == [
            (2, "participant_id", "D"),
            (3, "participant_id", "D"),
            (4, "codice_fiscale", "E"),
            (5, "codice_fiscale", "E"),
        ]
        assert report.errors[0].message == report.errors[1].message
        assert report.errors[2].message == report.errors[3].message
    assert not Attendance.objects.exists()

    by_enrolment = [[course.pk, day(sessions[0]), on_register.pk, "", "", "P"]]
    report = run_import(get_kind("attendance"), upload(header, by_enrolment), operator_a, dry_run=False)
    assert report.ok, report.errors


def test_template_reference_cells_cannot_be_formulas(org_a, operator_a):
    org_a.name = '=HYPERLINK("http://x.example","Comune")'
    org_a.save()
    activity = make_activity(org_a, title="=cmd|' /C calc'!A0")
    for slug in ("enrolments", "attendance", "assessments"):
        workbook = openpyxl.load_workbook(io.BytesIO(build_template(get_kind(slug), operator_a)))
        activities = workbook.worksheets[-1]
        row = next(activities.iter_rows(min_row=2, values_only=True))
        assert row[0] == activity.pk
        assert row[1] == "'=cmd|' /C calc'!A0"
        assert row[5] == '\'=HYPERLINK("http://x.example","Comune")'
        assert not any(
            cell.data_type == "f" for sheet in workbook for cells in sheet.iter_rows() for cell in cells
        )


@pytest.mark.parametrize(
    "value", ["²", "٣", "1²", "9" * 30, "9" * 5000, "2147483648", "0", "000", "-3", "1.5", "1e3"]
)
def test_whole_numbers_are_ascii_digits_within_32_bits(value):
    from core.imports import CellError
    from paths.imports import parse_positive_int

    with pytest.raises(CellError):
        parse_positive_int(value, None)


def test_the_largest_whole_number_and_leading_zeros_are_accepted():
    from paths.imports import parse_positive_int

    assert parse_positive_int("2147483647", None) == 2**31 - 1
    assert parse_positive_int("007", None) == 7
    assert parse_positive_int(12.0, None) == 12


def test_numbers_that_are_not_plain_digits_are_cell_errors_not_crashes(
    operator_a, course, sessions, learners
):
    header = ["activity_id", "session_date", "start_time", "enrolment_id", "status"]
    rows = [
        ["²", day(sessions[0]), "", learners[0].pk, "P"],
        ["9" * 30, day(sessions[0]), "", learners[0].pk, "P"],
        [course.pk, day(sessions[0]), "", "²", "P"],
        [course.pk, day(sessions[0]), "", "9" * 30, "P"],
        [course.pk, day(sessions[0]), "٠٩:٣٠", learners[1].pk, "P"],  # Arabic-Indic digits: not a time
    ]
    for dry_run in (True, False):
        report = run_import(get_kind("attendance"), upload(header, rows), operator_a, dry_run=dry_run)
        assert errors(report) == [
            (2, "activity_id", "A"),
            (3, "activity_id", "A"),
            (4, "enrolment_id", "D"),
            (5, "enrolment_id", "D"),
            (6, "start_time", "C"),
        ]
    assert not Attendance.objects.exists()
