"""Exports of an activity's register: the workbook (XLSX, three sheets) and the signature sheets (PDF).

Both read only through the scoped querysets (REGISTER: the organiser's staff and the activity's trainers)
and issue a fixed number of queries whatever the number of people or sessions.
"""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from activities import actions
from activities.certificates import format_hours, pdf_from_html
from activities.models import (
    REGISTER,
    Activity,
    AssessmentMoment,
    Attendance,
    AttendanceStatus,
    CEFRLevel,
    Enrolment,
    LanguageAssessment,
    Session,
)

# A spreadsheet treats text starting with one of these as a formula (or the start of one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet will show and never evaluate: formula-like text gets a leading apostrophe
    (OWASP's advice against CSV/formula injection). Numbers, dates and None pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


SHEET_TITLE_FORBIDDEN = str.maketrans("", "", "[]:*?/\\")
SHEET_TITLE_MAX = 31


def sheet_title(title, fallback: str) -> str:
    """A (translated) text made a valid Excel sheet name: at most 31 characters, none of []:*?/\\, not
    starting or ending with an apostrophe, not empty."""
    text = " ".join(str(title).translate(SHEET_TITLE_FORBIDDEN).split())[:SHEET_TITLE_MAX].strip("' ")
    return text or fallback


def register_sheet_titles() -> dict[str, str]:
    """The names of the register workbook's sheets, in the active language."""
    return {
        "register": sheet_title(pgettext("sheet of the register workbook", "Register"), "Register"),
        "sessions": sheet_title(pgettext("sheet of the register workbook", "Sessions"), "Sessions"),
        "assessments": sheet_title(pgettext("sheet of the register workbook", "Assessments"), "Assessments"),
    }


def register_people(activity: Activity, user):
    """The people on the register of an activity (scoped), alphabetical."""
    enrolments = (
        Enrolment.objects.visible_to(user, REGISTER)
        .filter(activity=activity, status__in=actions.ON_REGISTER)
        .select_related("participant", "organisation")
    )
    people = sorted(enrolments, key=lambda e: (e.person_name.casefold(), e.pk))
    for enrolment in people:
        enrolment.activity = activity  # the completion rule is read once, from this instance
    return people


def _session_label(session: Session, same_day: bool) -> str:
    label = f"{session.date:%d/%m/%Y}"
    if same_day and session.start_time:
        label += f" {session.start_time:%H:%M}"
    return label


def _write_rows(sheet, header, rows, bold):
    sheet.append([safe_cell(str(h)) for h in header])
    for cell in sheet[1]:
        cell.font = bold
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    sheet.freeze_panes = "A2"


def register_workbook(activity: Activity, user) -> bytes:
    """The register as XLSX: "Register" (one row per person, one column per session held, totals),
    "Sessions" (the calendar with head counts), "Assessments" (entry and exit CEFR levels); the sheet
    names are translated (Registro, Sessioni, Valutazioni in Italian)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    activity = Activity.objects.select_related("completion_rule", "organiser").get(pk=activity.pk)
    sessions = list(Session.objects.visible_to(user, REGISTER).filter(activity=activity))
    held = [s for s in sessions if not s.is_cancelled]
    people = register_people(activity, user)
    marks: dict[tuple[int, int], tuple[str, Decimal]] = {}
    for enrolment_id, session_id, status, hours in (
        Attendance.objects.visible_to(user, REGISTER)
        .filter(session__activity=activity)
        .values_list("enrolment_id", "session_id", "status", "hours")
    ):
        marks[(enrolment_id, session_id)] = (status, hours)
    assessments: dict[int, dict[str, LanguageAssessment]] = defaultdict(dict)
    for assessment in LanguageAssessment.objects.visible_to(user, REGISTER).filter(
        enrolment__activity=activity
    ):
        assessments[assessment.enrolment_id][assessment.moment] = assessment
    total_hours = actions.activity_hours(activity)

    bold = Font(bold=True)
    absent = pgettext("register mark: absent", "A")
    excused = pgettext("register mark: excused (justified absence)", "E")
    yes, no = _("yes"), _("no")
    workbook = Workbook()
    workbook.properties.title = safe_cell(activity.title)
    workbook.properties.creator = "InterAzioni"

    # --- Register
    register = workbook.active
    titles = register_sheet_titles()
    register.title = titles["register"]
    days = defaultdict(int)
    for session in held:
        days[session.date] += 1
    header = [
        "N.",
        _("Name"),
        _("Kind"),
        _("Status"),
        *[_session_label(s, days[s.date] > 1) for s in held],
        _("Attended hours"),
        _("Percentage of hours"),
        _("Completion rule met"),
    ]
    rows = []
    present_count = defaultdict(int)
    for number, enrolment in enumerate(people, start=1):
        cells = []
        for session in held:
            status, hours = marks.get((enrolment.pk, session.pk), (None, None))
            if status == AttendanceStatus.PRESENT:
                cells.append(hours)
                present_count[session.pk] += 1
            elif status == AttendanceStatus.ABSENT:
                cells.append(absent)
            elif status == AttendanceStatus.EXCUSED:
                cells.append(excused)
            else:
                cells.append(None)
        check = actions.check_completion(
            enrolment, total_hours, AssessmentMoment.EXIT in assessments.get(enrolment.pk, {})
        )
        rows.append(
            [
                number,
                enrolment.person_name,
                enrolment.get_kind_display(),
                enrolment.get_status_display(),
                *cells,
                enrolment.attended_hours,
                check.percent,
                yes if check.met else no,
            ]
        )
    _write_rows(register, header, rows, bold)
    register.freeze_panes = "C2"
    totals = [None, pgettext("number of people", "Present"), None, None, *[present_count[s.pk] for s in held]]
    register.append(totals)
    for cell in register[register.max_row]:
        cell.font = bold
    register.append([])
    register.append(
        [
            None,
            safe_cell(
                _(
                    "Hours of the activity: %(hours)s. In the session columns: hours attended; %(absent)s = absent; "
                    "%(excused)s = excused."
                )
                % {"hours": format_hours(total_hours), "absent": absent, "excused": excused}
            ),
        ]
    )
    register.column_dimensions["A"].width = 5
    register.column_dimensions["B"].width = 32
    register.column_dimensions["C"].width = 16
    register.column_dimensions["D"].width = 14
    first_session_column = 5
    for offset in range(len(held)):
        letter = get_column_letter(first_session_column + offset)
        register.column_dimensions[letter].width = 11
        register[f"{letter}1"].alignment = Alignment(text_rotation=90, horizontal="center")
    percent_letter = get_column_letter(first_session_column + len(held) + 1)
    for row in register.iter_rows(min_row=2, max_row=len(people) + 1):
        row[first_session_column + len(held)].number_format = "0.0"
    register.column_dimensions[percent_letter].width = 12
    register.oddHeader.center.text = safe_cell(f"{activity.title} — {activity.organiser.name}")
    register.print_options.gridLines = True
    register.page_setup.orientation = "landscape"

    # --- Sessions
    calendar = workbook.create_sheet(titles["sessions"])
    absent_count = defaultdict(int)
    excused_count = defaultdict(int)
    for (_enrolment_id, session_id), (status, _hours) in marks.items():
        if status == AttendanceStatus.ABSENT:
            absent_count[session_id] += 1
        elif status == AttendanceStatus.EXCUSED:
            excused_count[session_id] += 1
    _write_rows(
        calendar,
        [
            _("Date"),
            _("Start"),
            _("End"),
            _("Hours"),
            _("Topic"),
            _("Venue"),
            _("Cancelled"),
            pgettext("number of people", "Present"),
            pgettext("number of people", "Absent"),
            pgettext("number of people", "Excused"),
        ],
        [
            [
                s.date,
                s.start_time,
                s.end_time,
                s.hours,
                s.topic,
                s.venue or activity.venue,
                yes if s.is_cancelled else no,
                None if s.is_cancelled else present_count[s.pk],
                None if s.is_cancelled else absent_count[s.pk],
                None if s.is_cancelled else excused_count[s.pk],
            ]
            for s in sessions
        ],
        bold,
    )
    for row in calendar.iter_rows(min_row=2):
        row[0].number_format = "DD/MM/YYYY"
        row[1].number_format = row[2].number_format = "HH:MM"
    for letter, width in zip("ABCDEFGHIJ", (12, 8, 8, 8, 36, 30, 10, 10, 10, 10), strict=True):
        calendar.column_dimensions[letter].width = width

    # --- Assessments
    levels = workbook.create_sheet(titles["assessments"])

    def level(assessment):
        return CEFRLevel(assessment.overall).label if assessment else None

    rows = []
    for number, enrolment in enumerate(people, start=1):
        entry = assessments.get(enrolment.pk, {}).get(AssessmentMoment.ENTRY)
        exit_ = assessments.get(enrolment.pk, {}).get(AssessmentMoment.EXIT)
        improvement = actions.cefr_improvement(entry, exit_).overall
        rows.append(
            [
                number,
                enrolment.person_name,
                level(entry),
                entry.date if entry else None,
                entry.get_evidence_display() if entry else None,
                level(exit_),
                exit_.date if exit_ else None,
                exit_.get_evidence_display() if exit_ else None,
                improvement,
            ]
        )
    _write_rows(
        levels,
        [
            "N.",
            _("Name"),
            _("Entry level"),
            _("Entry date"),
            _("Entry evidence"),
            _("Exit level"),
            _("Exit date"),
            _("Exit evidence"),
            _("Change (levels)"),
        ],
        rows,
        bold,
    )
    for row in levels.iter_rows(min_row=2):
        row[3].number_format = row[6].number_format = "DD/MM/YYYY"
    for letter, width in zip("ABCDEFGHI", (5, 32, 12, 12, 22, 12, 12, 22, 14), strict=True):
        levels.column_dimensions[letter].width = width

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------- signature sheets


def signature_sheets_html(activity: Activity, sessions: list[Session], user) -> str:
    """One page (or more, for long registers) per session: header, people with empty signature boxes,
    the trainers' signature lines."""
    activity = Activity.objects.select_related("organiser", "municipality").get(pk=activity.pk)
    trainers = [t.get_full_name() or t.email for t in activity.trainers.order_by("last_name", "first_name")]
    return render_to_string(
        "activities/register_sheet_signatures.html",
        {
            "activity": activity,
            "sessions": [
                {"session": s, "hours": format_hours(s.hours), "venue": s.venue or activity.venue}
                for s in sessions
            ],
            "people": register_people(activity, user),
            "trainers": trainers,
        },
    )


def signature_sheets_pdf(activity: Activity, sessions: list[Session], user) -> bytes:
    return pdf_from_html(signature_sheets_html(activity, sessions, user))
