"""Imports of enrolments, attendance and language assessments from spreadsheets (see core.imports for the
framework and docs/import.md).

Every kind resolves what its rows name (activities, sessions, participants, enrolments) with a few queries
for the whole file, never one per row, so that checking a file costs the same number of queries whatever
its length. The attendance import, built for files of up to 100,000 rows, also writes in bulk: new marks
with `bulk_create`, replaced marks with an `executemany` UPDATE, then one recomputation of the attended hours
of the enrolments touched; bulk writes bypass django-auditlog's signals, so the import writes one audit entry
that summarises it. Enrolments and assessments are written record by record (each in the audit log).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities import actions
from activities.exports import safe_cell
from activities.models import (
    HOLDS_PLACE,
    REGISTER,
    SKILLS,
    Activity,
    ActivityStatus,
    AssessmentEvidence,
    AssessmentMoment,
    Attendance,
    AttendanceStatus,
    CEFRLevel,
    Enrolment,
    EnrolmentKind,
    EnrolmentStatus,
    LanguageCertificate,
    Session,
)
from core.imports import (
    CellError,
    Column,
    ImportContext,
    ImportKind,
    RowData,
    cell_text,
    choice,
    parse_boolean,
    parse_date,
    past_date,
    register,
    text,
)
from core.scoping import CHANGE, VIEW, user_can
from paths.imports import assign_participants, parse_positive_int
from people.imports import parse_codice_fiscale
from people.models import WORK, Participant

QUERY_CHUNK = 500  # values per IN (...) list: SQLite allows 999 parameters per statement
WRITE_BATCH = 2_000
ATTENDANCE_MAX_ROWS = 100_000
ACTIVITIES_LISTED = 500  # rows of the template's Activities sheet
MAX_SESSION_HOURS = Decimal("24")

# Words accepted for an attendance mark (case-insensitive); the template offers the one-letter codes.
ATTENDANCE_WORDS = {
    "p": AttendanceStatus.PRESENT,
    "presente": AttendanceStatus.PRESENT,
    "present": AttendanceStatus.PRESENT,
    "a": AttendanceStatus.ABSENT,
    "assente": AttendanceStatus.ABSENT,
    "absent": AttendanceStatus.ABSENT,
    "g": AttendanceStatus.EXCUSED,
    "giustificato": AttendanceStatus.EXCUSED,
    "giustificata": AttendanceStatus.EXCUSED,
    "assenza giustificata": AttendanceStatus.EXCUSED,
    "excused": AttendanceStatus.EXCUSED,
}
ATTENDANCE_CODES = [
    ("P", gettext_lazy("Present")),
    ("A", gettext_lazy("Absent")),
    ("G", gettext_lazy("Excused (giustificato)")),
]
MOMENT_WORDS = {
    "ingresso": AssessmentMoment.ENTRY,
    "entrata": AssessmentMoment.ENTRY,
    "entry": AssessmentMoment.ENTRY,
    "uscita": AssessmentMoment.EXIT,
    "finale": AssessmentMoment.EXIT,
    "exit": AssessmentMoment.EXIT,
}
MOMENT_CODES = [("ingresso", gettext_lazy("Entry")), ("uscita", gettext_lazy("Exit"))]
LEVEL_CODES = [(label, label) for _value, label in CEFRLevel.choices]
# Statuses an import may give an enrolment; completion comes from closing the activity.
IMPORT_STATUSES = [
    (EnrolmentStatus.ENROLLED.value, gettext_lazy("Enrolled (waiting list when the activity is full)")),
    (EnrolmentStatus.WAITING.value, EnrolmentStatus.WAITING.label),
    (EnrolmentStatus.WITHDRAWN.value, EnrolmentStatus.WITHDRAWN.label),
    (EnrolmentStatus.DROPPED_OUT.value, EnrolmentStatus.DROPPED_OUT.label),
]
PERSON_COLUMNS = ("enrolment_id", "participant_id", "codice_fiscale")
TIME_RE = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?(?::\d{2})?$", re.ASCII)


def _chunks(values: Iterable, size: int = QUERY_CHUNK) -> Iterable[list]:
    values = sorted(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _memoised(parser: Callable) -> Callable:
    """Parse each distinct text once per import: a 100,000-row register repeats the same dates."""

    def parse(value, ctx):
        if not isinstance(value, str):
            return parser(value, ctx)
        cache = ctx.cached(f"memo:{parser.__name__}", dict)
        if value not in cache:
            try:
                cache[value] = (True, parser(value, ctx))
            except CellError as error:
                cache[value] = (False, error.message)
        ok, result = cache[value]
        if not ok:
            raise CellError(result)
        return result

    parse.__name__ = parser.__name__
    return parse


def parse_time(value, ctx) -> datetime.time:
    if isinstance(value, datetime.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:  # a time cell formatted as a number: a fraction of a day
        minutes = round(value * 24 * 60)
        return datetime.time(minutes // 60 % 24, minutes % 60)
    raw = cell_text(value).lower()
    match = TIME_RE.match(raw)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour < 24 and minute < 60:
            return datetime.time(hour, minute)
    raise CellError(_("%(value)s is not a time: write it as hh:mm (e.g. 09:30).") % {"value": raw})


def parse_hours(value, ctx) -> Decimal:
    raw = cell_text(value).replace(",", ".")
    try:
        hours = Decimal(raw)
    except InvalidOperation:
        raise CellError(_("%(value)s is not a number of hours (e.g. 2 or 1,5).") % {"value": raw}) from None
    if not hours.is_finite() or hours < 0 or hours > MAX_SESSION_HOURS:
        raise CellError(_("%(value)s is not a number of hours (e.g. 2 or 1,5).") % {"value": raw})
    return hours.quantize(Decimal("0.01"))


def parse_attendance(value, ctx) -> str:
    word = " ".join(cell_text(value).lower().split())
    if word in ATTENDANCE_WORDS:
        return ATTENDANCE_WORDS[word]
    raise CellError(
        _("%(value)s is not an attendance mark: write P (present), A (absent) or G (excused).")
        % {"value": cell_text(value)}
    )


def parse_moment(value, ctx) -> str:
    word = cell_text(value).lower()
    if word in MOMENT_WORDS:
        return MOMENT_WORDS[word]
    raise CellError(
        _("%(value)s is not an assessment moment: write ingresso (entry) or uscita (exit).")
        % {"value": cell_text(value)}
    )


def parse_level(value, ctx) -> int:
    level = CEFRLevel.parse(cell_text(value))
    if level is None:
        raise CellError(
            _("%(value)s is not a CEFR level: use pre-A1, A1, A2, B1, B2, C1 or C2.")
            % {"value": cell_text(value)}
        )
    return level


def _may_view_participants(ctx: ImportContext) -> bool:
    return ctx.cached("may_view_participants", lambda: user_can(ctx.user, "participant.view"))


def _participant_lookup(parser: Callable) -> Callable:
    """The parser of a column that finds a person through their participant record (participant_id,
    codice_fiscale). Who may not open participant records (trainers) names people by enrolment_id only:
    any value here gets one message, the same whatever it is, so that nothing can be learnt from it."""

    def parse(value, ctx):
        if not _may_view_participants(ctx):
            raise CellError(
                _("Name people by enrolment_id (the enrolment number, as in the register export).")
            )
        return parser(value, ctx)

    parse.__name__ = parser.__name__
    return parse


PERSON_HELP = gettext_lazy("Give one of enrolment_id, participant_id or codice_fiscale.")
PERSON_COLUMN_LIST = [
    Column(
        "enrolment_id",
        gettext_lazy("Enrolment number"),
        parser=parse_positive_int,
        help=gettext_lazy(
            "The enrolment's number, as in the register export. Give this, participant_id or codice_fiscale."
        ),
        width=12,
    ),
    Column(
        "participant_id",
        gettext_lazy("Participant number"),
        parser=_participant_lookup(parse_positive_int),
        help=gettext_lazy(
            "The participant's number (as in the address of their page). Give this, enrolment_id or "
            "codice_fiscale."
        ),
        width=12,
    ),
    Column(
        "codice_fiscale",
        gettext_lazy("Codice fiscale"),
        parser=_participant_lookup(parse_codice_fiscale),
        help=gettext_lazy("The participant's codice fiscale. Give this, enrolment_id or participant_id."),
        default="",
    ),
]
ACTIVITY_COLUMN = Column(
    "activity_id",
    gettext_lazy("Activity number"),
    required=True,
    parser=parse_positive_int,
    help=gettext_lazy("The activity's number (as in the address of its page, see the Activities sheet)."),
    width=12,
)


def _list_url_name() -> str | None:
    """The activities list, once its page exists (the import result page links to it)."""
    for name in ("activities:list", "activities:activity_list"):
        try:
            reverse(name)
        except NoReverseMatch:
            continue
        return name
    return None


def _activities_sheet(ctx: ImportContext, action: str):
    activities = (
        Activity.objects.visible_to(ctx.user, action)
        .exclude(status=ActivityStatus.CANCELLED)
        .select_related("organiser")
        .order_by("-start_date", "title")[:ACTIVITIES_LISTED]
    )
    # Titles and names are typed by users: written so that a spreadsheet never evaluates them as formulas.
    rows = [
        [
            a.pk,
            safe_cell(a.title),
            safe_cell(str(a.get_kind_display())),
            a.start_date.strftime("%d/%m/%Y"),
            a.end_date.strftime("%d/%m/%Y"),
            safe_cell(a.organiser.name),
        ]
        for a in activities
    ]
    header = [_("Number"), _("Activity"), _("Kind"), _("Start"), _("End"), _("Organiser")]
    return (_("Activities"), [safe_cell(h) for h in header], rows)


def _resolve_activities(rows: list[RowData], ctx: ImportContext, action: str, message: str) -> dict:
    """Attach the activity to each row; an unknown and an out-of-scope number get the same message."""
    ids = {r.values["activity_id"] for r in rows if r.values.get("activity_id")}
    found: dict[int, Activity] = {}
    scoped = Activity.objects.visible_to(ctx.user, action).select_related("completion_rule")
    for chunk in _chunks(ids):
        found.update((a.pk, a) for a in scoped.filter(pk__in=chunk))
    for row in rows:
        pk = row.values.get("activity_id")
        if not pk:
            continue
        activity = found.get(pk)
        if activity is None:
            row.add_error("activity_id", message)
        else:
            row.values["activity"] = activity
    return found


class _Enrolled:
    """The enrolments of the activities a file names, looked up by enrolment, participant or codice fiscale.

    The participant number and the codice fiscale find only people whose record the user may open (the
    others read as unknown); who may open none (trainers) names people by enrolment number only."""

    def __init__(self, activity_ids: Iterable[int], ctx: ImportContext):
        self.by_pk: dict[int, tuple] = {}
        self.by_participant: dict[tuple[int, int], tuple] = {}
        self.by_code: dict[tuple[int, str], list[tuple]] = {}
        fields = ("pk", "activity_id", "kind", "participant_id", "participant__codice_fiscale", "status")
        may_view = _may_view_participants(ctx)
        visible = Participant.objects.visible_to(ctx.user, VIEW).values("pk")
        for chunk in _chunks(activity_ids):
            enrolments = Enrolment.objects.filter(activity_id__in=chunk)
            if may_view:
                enrolments = enrolments.annotate(
                    shown=ExpressionWrapper(Q(participant__in=visible), output_field=BooleanField())
                )
            for entry in enrolments.values_list(*fields, *(["shown"] if may_view else [])):
                entry, shown = entry[: len(fields)], may_view and entry[-1]
                pk, activity_id, _kind, participant_id, code, _status = entry
                self.by_pk[pk] = entry
                if not shown:
                    continue
                if participant_id:
                    self.by_participant[(activity_id, participant_id)] = entry
                if code:
                    self.by_code.setdefault((activity_id, code.upper()), []).append(entry)

    def resolve(self, row: RowData) -> tuple | None:
        """The enrolment the row names in its activity, or None after reporting why."""
        if not row.ok(*PERSON_COLUMNS):
            return None
        activity_id = row.values["activity"].pk
        pk, participant_id = row.values.get("enrolment_id"), row.values.get("participant_id")
        code = row.values.get("codice_fiscale")
        found = None
        if pk:
            found = self.by_pk.get(pk)
            if found is None or found[1] != activity_id:
                row.add_error(
                    "enrolment_id", _("Nobody enrolled in this activity has this enrolment number.")
                )
                return None
        if participant_id:
            by_participant = self.by_participant.get((activity_id, participant_id))
            if by_participant is None:
                row.add_error(
                    "participant_id", _("No participant enrolled in this activity has this number.")
                )
                return None
            if found is not None and found != by_participant:
                row.add_error("participant_id", _("The enrolment number and the participant do not match."))
                return None
            found = by_participant
        if code:
            matches = self.by_code.get((activity_id, code), [])
            if not matches:
                row.add_error(
                    "codice_fiscale", _("No participant enrolled in this activity has this codice fiscale.")
                )
                return None
            if found is None and len(matches) > 1:
                row.add_error(
                    "codice_fiscale",
                    _("More than one participant has this codice fiscale: use participant_id instead."),
                )
                return None
            if found is not None and found not in matches:
                row.add_error("codice_fiscale", _("The codice fiscale is not that of this participant."))
                return None
            found = found or matches[0]
        return found


def _person_column(row: RowData) -> str:
    """The column that names the person in a row (where errors about the person go)."""
    return next((name for name in PERSON_COLUMNS if row.values.get(name)), "enrolment_id")


def _require_person(row: RowData, message: str) -> None:
    if row.ok(*PERSON_COLUMNS) and not any(row.values.get(name) for name in PERSON_COLUMNS):
        row.add_error("enrolment_id", message)


def _replace_marks(marks: list[Attendance], now) -> None:
    """Overwrite marks already recorded, by primary key, with one `executemany` UPDATE per batch.

    `bulk_update` builds a CASE expression per field over each batch, which SQLite evaluates row by row:
    about 95 s for 100,000 marks, against about 2 s here. Table and column names come from the model's
    metadata, never from input."""
    if not marks:
        return
    ops = connection.ops
    columns = {f.attname: ops.quote_name(f.column) for f in Attendance._meta.concrete_fields}
    fields = ("status", "hours", "recorded_by_id", "recorded_at")
    assignments = ", ".join(f"{columns[name]} = %s" for name in fields)
    sql = f"UPDATE {ops.quote_name(Attendance._meta.db_table)} SET {assignments} WHERE {columns['id']} = %s"  # noqa: S608
    recorded_at = ops.adapt_datetimefield_value(now)
    hours_field = Attendance._meta.get_field("hours")
    with connection.cursor() as cursor:
        for start in range(0, len(marks), WRITE_BATCH):
            cursor.executemany(
                sql,
                [
                    (
                        mark.status,
                        ops.adapt_decimalfield_value(
                            mark.hours, hours_field.max_digits, hours_field.decimal_places
                        ),
                        mark.recorded_by_id,
                        recorded_at,
                        mark.pk,
                    )
                    for mark in marks[start : start + WRITE_BATCH]
                ],
            )


def _audit_import(ctx: ImportContext, model, kind: str, summary: dict[str, Any], rows: int) -> None:
    """One audit-log entry for a bulk import (bulk writes bypass django-auditlog's per-record signals)."""
    user = ctx.user
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk="",
        object_repr=_("Import of %(kind)s: %(rows)s rows") % {"kind": kind, "rows": rows},
        action=LogEntry.Action.CREATE,
        changes={key: ["", str(value)] for key, value in {"import": kind, "rows": rows, **summary}.items()},
        actor=user if getattr(user, "pk", None) else None,
        actor_email=getattr(user, "email", "") or "",
        additional_data={"import": kind, "rows": rows, **summary},
    )


# ------------------------------------------------------------------------------------------ enrolments


@register
class EnrolmentImport(ImportKind):
    slug = "enrolments"
    label = gettext_lazy("Enrolments in activities")
    description = gettext_lazy(
        "Participants to enrol in activities your organisation organises, one enrolment per row. When an "
        "activity is full, people go on its waiting list."
    )
    # Enrolling needs both the activity ("change": its organiser) and the participant (worked on by the
    # user's organisation): case workers only, like the participants import.
    permission = "participant.import"
    notes = [
        gettext_lazy(
            "Each row names the activity by its number (see the Activities sheet) and the participant by "
            "participant_id or codice fiscale. Only participants your organisation works on are accepted."
        ),
        gettext_lazy(
            "Rows are taken in file order: while an activity has free places, enrolled people take them; the "
            "others go on the waiting list, in the same order."
        ),
    ]
    columns = [
        ACTIVITY_COLUMN,
        Column(
            "participant_id",
            gettext_lazy("Participant number"),
            parser=parse_positive_int,
            help=gettext_lazy("Required unless codice_fiscale is given."),
            width=12,
        ),
        Column(
            "codice_fiscale",
            gettext_lazy("Codice fiscale"),
            parser=parse_codice_fiscale,
            help=gettext_lazy("Required unless participant_id is given."),
            default="",
        ),
        Column(
            "enrolment_date",
            gettext_lazy("Enrolment date"),
            parser=_memoised(past_date),
            format="date",
            help=gettext_lazy("Not in the future. Empty means today."),
            width=12,
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            parser=choice(IMPORT_STATUSES),
            choices=IMPORT_STATUSES,
            default=EnrolmentStatus.ENROLLED,
            help=gettext_lazy("Empty means enrolled (or the waiting list when the activity is full)."),
            width=14,
        ),
        Column(
            "childcare_needed",
            gettext_lazy("Needs childcare"),
            parser=parse_boolean,
            default=False,
            format="boolean",
        ),
        Column("note", gettext_lazy("Note"), parser=text(300), default="", width=30),
    ]

    @property
    def list_url_name(self):
        return _list_url_name()

    def clean_row(self, row: RowData, ctx: ImportContext) -> None:
        if row.ok("participant_id", "codice_fiscale") and not (
            row.values.get("participant_id") or row.values.get("codice_fiscale")
        ):
            row.add_error("participant_id", _("Give the participant_id or the codice_fiscale."))

    def check_rows(self, rows: list[RowData], ctx: ImportContext) -> None:
        _resolve_activities(rows, ctx, CHANGE, _("No activity your organisation organises has this number."))
        for row in rows:
            activity = row.values.get("activity")
            if activity is not None and activity.status in (
                ActivityStatus.COMPLETED,
                ActivityStatus.CANCELLED,
            ):
                row.add_error("activity_id", _("This activity is closed: nobody can be enrolled."))
                row.values.pop("activity")
        self._resolve_participants(rows, ctx)
        self._check_duplicates(rows)

    def _resolve_participants(self, rows: list[RowData], ctx: ImportContext) -> None:
        """Rows must name a participant the user may work on; unknown and out of scope read the same."""
        ids = {r.values["participant_id"] for r in rows if r.values.get("participant_id")}
        codes = {r.values["codice_fiscale"] for r in rows if r.values.get("codice_fiscale")}
        workable = Participant.objects.visible_to(ctx.user, WORK).only(
            "pk", "first_name", "last_name", "codice_fiscale"
        )
        by_id: dict[int, Participant] = {}
        for chunk in _chunks(ids):
            by_id.update((p.pk, p) for p in workable.filter(pk__in=chunk))
        by_code: dict[str, list[Participant]] = {}
        for chunk in _chunks(codes):
            for p in workable.filter(codice_fiscale__in=chunk):
                by_code.setdefault(p.codice_fiscale, []).append(p)
        assign_participants(rows, by_id, by_code)

    def _check_duplicates(self, rows: list[RowData]) -> None:
        """The same person twice in one activity: in the file, or already enrolled."""
        named = [r for r in rows if r.values.get("activity") and r.values.get("participant")]
        activity_ids = {r.values["activity"].pk for r in named}
        participant_ids = {r.values["participant"].pk for r in named}
        enrolled: set[tuple[int, int]] = set()
        for chunk in _chunks(activity_ids):
            for participants in _chunks(participant_ids):
                enrolled.update(
                    Enrolment.objects.filter(
                        activity_id__in=chunk, participant_id__in=participants
                    ).values_list("activity_id", "participant_id")
                )
        seen: dict[tuple[int, int], int] = {}
        for row in named:
            participant = row.values["participant"]
            column = "participant_id" if row.values.get("participant_id") else "codice_fiscale"
            key = (row.values["activity"].pk, participant.pk)
            if key in enrolled:
                row.add_error(
                    column, _("%(name)s is already enrolled in this activity.") % {"name": participant}
                )
            elif key in seen:
                row.add_error(
                    column,
                    _("Row %(row)s enrols the same person in the same activity: each enrolment appears once.")
                    % {"row": seen[key]},
                )
            else:
                seen[key] = row.number

    def commit_rows(self, rows: list[RowData], ctx: ImportContext) -> int:
        """Enrol in file order with the rule of `activities.actions.enrol`: a place while there is one,
        otherwise the waiting list. Activities are locked first so that places are counted once."""
        activity_ids = sorted({row.values["activity"].pk for row in rows})
        for chunk in _chunks(activity_ids):
            list(Activity.objects.select_for_update().filter(pk__in=chunk).values_list("pk", flat=True))
        taken: dict[int, int] = {}
        for chunk in _chunks(activity_ids):
            taken.update(
                Enrolment.objects.filter(activity_id__in=chunk, status__in=HOLDS_PLACE)
                .values("activity_id")
                .annotate(n=Count("pk"))
                .values_list("activity_id", "n")
            )
        now = timezone.now()
        tz = timezone.get_current_timezone()
        for row in rows:
            values = row.values
            activity = values["activity"]
            status = values["status"]
            if status == EnrolmentStatus.ENROLLED:
                full = activity.capacity is not None and taken.get(activity.pk, 0) >= activity.capacity
                status = EnrolmentStatus.WAITING if full else EnrolmentStatus.ENROLLED
            if status in HOLDS_PLACE:
                taken[activity.pk] = taken.get(activity.pk, 0) + 1
            day = values.get("enrolment_date")
            enrolled_at = (
                now
                if day is None or day == ctx.today
                else datetime.datetime.combine(day, datetime.time(12), tz)
            )
            try:
                Enrolment.objects.create(
                    activity=activity,
                    kind=EnrolmentKind.PARTICIPANT,
                    participant=values["participant"],
                    status=status,
                    enrolled_at=enrolled_at,
                    status_changed_at=now,
                    childcare_needed=values["childcare_needed"],
                    note=values["note"],
                    created_by=ctx.user,
                )
            except Exception as error:
                error.import_row = row.number
                raise
        return len(rows)

    def reference_sheets(self, ctx: ImportContext):
        return [_activities_sheet(ctx, CHANGE)]


# ------------------------------------------------------------------------------------------ attendance


@register
class AttendanceImport(ImportKind):
    slug = "attendance"
    label = gettext_lazy("Attendance")
    description = gettext_lazy(
        "Attendance at the sessions of activities whose register you keep, one person at one session per row."
    )
    permission = "activity.import"
    max_rows = ATTENDANCE_MAX_ROWS
    notes = [
        gettext_lazy(
            "Each row names the activity by its number, the session by its date (and start time when the "
            "activity has more than one session that day) and the person by enrolment_id, participant_id or "
            "codice fiscale. Only people on the register (enrolled, completed or dropped out) are accepted."
        ),
        gettext_lazy(
            "A mark already recorded for the same person at the same session is replaced by the file's. "
            "Future and cancelled sessions are refused."
        ),
    ]
    columns = [
        ACTIVITY_COLUMN,
        Column(
            "session_date",
            gettext_lazy("Session date"),
            required=True,
            parser=_memoised(parse_date),
            format="date",
            help=gettext_lazy("The date of a session of the activity, not in the future."),
            width=12,
        ),
        Column(
            "start_time",
            gettext_lazy("Start time"),
            parser=_memoised(parse_time),
            help=gettext_lazy("hh:mm; needed only when the activity has more than one session that day."),
            width=10,
        ),
        *PERSON_COLUMN_LIST,
        Column(
            "status",
            gettext_lazy("Attendance"),
            required=True,
            parser=_memoised(parse_attendance),
            choices=ATTENDANCE_CODES,
            help=gettext_lazy(
                "P present, A absent, G excused (presente, assente, giustificato also accepted)."
            ),
            width=10,
        ),
        Column(
            "hours",
            gettext_lazy("Hours attended"),
            parser=_memoised(parse_hours),
            help=gettext_lazy(
                "Only for people present who came late or left early, e.g. 1,5. Empty means the whole session."
            ),
            width=10,
        ),
    ]

    @property
    def list_url_name(self):
        return _list_url_name()

    def clean_row(self, row: RowData, ctx: ImportContext) -> None:
        _require_person(row, PERSON_HELP)

    def check_rows(self, rows: list[RowData], ctx: ImportContext) -> None:
        activities = _resolve_activities(
            rows, ctx, REGISTER, _("No activity whose register you keep has this number.")
        )
        enrolled = _Enrolled(activities, ctx)
        sessions: dict[tuple[int, datetime.date], list[Session]] = {}
        for chunk in _chunks(activities):
            for session in Session.objects.filter(activity_id__in=chunk).only(
                "pk", "activity_id", "date", "start_time", "hours", "is_cancelled"
            ):
                sessions.setdefault((session.activity_id, session.date), []).append(session)
        seen: dict[tuple[int, int], int] = {}
        for row in rows:
            activity = row.values.get("activity")
            if activity is None:
                continue
            session = self._session(row, activity, sessions, ctx)
            entry = enrolled.resolve(row)
            if session is None or entry is None:
                continue
            if entry[5] not in actions.ON_REGISTER:
                row.add_error(_person_column(row), _("This person is not on the register of this activity."))
                continue
            key = (session.pk, entry[0])
            if key in seen:
                row.add_error(
                    _person_column(row),
                    _(
                        "Row %(row)s already marks this person at this session: each person appears once per session."
                    )
                    % {"row": seen[key]},
                )
                continue
            seen[key] = row.number
            if not row.ok("status", "hours"):
                continue
            status, hours = row.values["status"], row.values.get("hours")
            if status != AttendanceStatus.PRESENT and hours:
                row.add_error("hours", _("Hours are given only for people present: leave the cell empty."))
                continue
            try:
                row.values["mark_hours"] = actions.validate_mark(session, status, hours)
            except ValidationError as error:
                row.add_error("hours", " ".join(error.messages))
                continue
            row.values["session"] = session
            row.values["enrolment"] = entry[0]

    def _session(
        self, row: RowData, activity: Activity, sessions: dict, ctx: ImportContext
    ) -> Session | None:
        if not row.ok("session_date", "start_time"):
            return None
        day, start = row.values["session_date"], row.values.get("start_time")
        when = day.strftime("%d/%m/%Y")
        candidates = sessions.get((activity.pk, day), [])
        if start is not None:
            candidates = [s for s in candidates if s.start_time and s.start_time.replace(second=0) == start]
        held = [s for s in candidates if not s.is_cancelled]
        column = "start_time" if start is not None else "session_date"
        if not held:
            if candidates:
                row.add_error(column, _("The session of %(date)s was cancelled.") % {"date": when})
            elif start is not None:
                row.add_error(
                    column,
                    _("This activity has no session on %(date)s at %(time)s.")
                    % {"date": when, "time": start.strftime("%H:%M")},
                )
            else:
                row.add_error(column, _("This activity has no session on %(date)s.") % {"date": when})
            return None
        if len(held) > 1:
            row.add_error(
                "start_time",
                _("This activity has more than one session on %(date)s: give the start_time.")
                % {"date": when},
            )
            return None
        if day > ctx.today:
            row.add_error("session_date", _("Attendance cannot be recorded for a future session."))
            return None
        return held[0]

    def commit_rows(self, rows: list[RowData], ctx: ImportContext) -> int:
        """New marks in bulk, marks already recorded replaced in bulk, then the attended hours of every
        enrolment touched recomputed in a few UPDATEs, and one audit entry for the whole import."""
        user_id = ctx.user.pk if getattr(ctx.user, "pk", None) else None
        now = timezone.now()
        marks = {
            (row.values["session"].pk, row.values["enrolment"]): Attendance(
                session_id=row.values["session"].pk,
                enrolment_id=row.values["enrolment"],
                status=row.values["status"],
                hours=row.values["mark_hours"],
                recorded_by_id=user_id,
                recorded_at=now,
            )
            for row in rows
        }
        session_ids = {session_id for session_id, _enrolment in marks}
        for chunk in _chunks(session_ids):
            for pk, session_id, enrolment_id in Attendance.objects.filter(session_id__in=chunk).values_list(
                "pk", "session_id", "enrolment_id"
            ):
                mark = marks.get((session_id, enrolment_id))
                if mark is not None:
                    mark.pk = pk
        new = [mark for mark in marks.values() if mark.pk is None]
        replaced = [mark for mark in marks.values() if mark.pk is not None]
        Attendance.objects.bulk_create(new, batch_size=WRITE_BATCH)
        _replace_marks(replaced, now)
        enrolment_ids = {enrolment_id for _session, enrolment_id in marks}
        for chunk in _chunks(enrolment_ids):
            actions.refresh_attended_hours(Enrolment.objects.filter(pk__in=chunk))
        activity_ids = sorted({row.values["activity"].pk for row in rows})
        _audit_import(
            ctx,
            Attendance,
            self.slug,
            {
                "created": len(new),
                "replaced": len(replaced),
                "sessions": len(session_ids),
                "enrolments": len(enrolment_ids),
                "activities": ", ".join(str(pk) for pk in activity_ids),
            },
            len(rows),
        )
        return len(rows)

    def reference_sheets(self, ctx: ImportContext):
        return [_activities_sheet(ctx, REGISTER)]


# ----------------------------------------------------------------------------------------- assessments

SKILL_LABELS = {
    "listening": gettext_lazy("Listening"),
    "reading": gettext_lazy("Reading"),
    "spoken_interaction": gettext_lazy("Spoken interaction"),
    "spoken_production": gettext_lazy("Spoken production"),
    "writing": gettext_lazy("Writing"),
}


@register
class AssessmentImport(ImportKind):
    slug = "assessments"
    label = gettext_lazy("Language assessments")
    description = gettext_lazy(
        "Entry and exit CEFR levels of participants in courses whose register you keep, one assessment per row."
    )
    permission = "activity.import"
    notes = [
        gettext_lazy(
            "Each row names the activity by its number and the participant by enrolment_id, participant_id or "
            "codice fiscale. An assessment already recorded for the same person and moment is replaced."
        ),
        gettext_lazy(
            "An entry assessment may be up to 90 days before the course starts; an exit assessment up to 90 days "
            "after it ends; neither may be in the future."
        ),
    ]
    columns = [
        ACTIVITY_COLUMN,
        *PERSON_COLUMN_LIST,
        Column(
            "moment",
            gettext_lazy("Moment"),
            required=True,
            parser=parse_moment,
            choices=MOMENT_CODES,
            help=gettext_lazy("ingresso (entry) or uscita (exit); entry and exit are accepted too."),
            width=10,
        ),
        Column(
            "date", gettext_lazy("Date"), required=True, parser=_memoised(parse_date), format="date", width=12
        ),
        Column(
            "overall",
            gettext_lazy("Overall CEFR level"),
            required=True,
            parser=parse_level,
            choices=LEVEL_CODES,
            width=10,
        ),
        *[
            Column(skill, SKILL_LABELS[skill], parser=parse_level, choices=LEVEL_CODES, width=10)
            for skill in SKILLS
        ],
        Column(
            "evidence",
            gettext_lazy("Evidence"),
            required=True,
            parser=choice(AssessmentEvidence.choices),
            choices=AssessmentEvidence.choices,
            width=16,
        ),
        Column(
            "certificate_name",
            gettext_lazy("Certificate"),
            parser=choice(LanguageCertificate.choices),
            choices=LanguageCertificate.choices,
            default="",
            help=gettext_lazy("Required when the evidence is a certificate."),
            width=12,
        ),
        Column(
            "assessor",
            gettext_lazy("Assessor"),
            parser=text(200),
            default="",
            help=gettext_lazy("Name of who assessed. Empty means you."),
            width=24,
        ),
    ]

    @property
    def list_url_name(self):
        return _list_url_name()

    def clean_row(self, row: RowData, ctx: ImportContext) -> None:
        _require_person(row, PERSON_HELP)

    def check_rows(self, rows: list[RowData], ctx: ImportContext) -> None:
        activities = _resolve_activities(
            rows, ctx, REGISTER, _("No activity whose register you keep has this number.")
        )
        enrolled = _Enrolled(activities, ctx)
        seen: dict[tuple[int, str], int] = {}
        for row in rows:
            activity = row.values.get("activity")
            if activity is None:
                continue
            entry = enrolled.resolve(row)
            if entry is None:
                continue
            person = _person_column(row)
            data = self._data(row)
            try:
                actions.validate_assessment(Enrolment(pk=entry[0], kind=entry[2], activity=activity), data)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    column = person if field == "enrolment" else field
                    if row.ok(column):
                        row.add_error(column, " ".join(messages))
                continue
            if not row.valid:
                continue
            key = (entry[0], data["moment"])
            if key in seen:
                row.add_error(
                    "moment",
                    _("Row %(row)s has the same person and moment: each assessment appears once.")
                    % {"row": seen[key]},
                )
                continue
            seen[key] = row.number
            row.values["enrolment"] = entry[0]

    @staticmethod
    def _data(row: RowData) -> dict:
        values = row.values
        return {
            "moment": values.get("moment"),
            "date": values.get("date"),
            "overall": values.get("overall"),
            **{skill: values.get(skill) for skill in SKILLS},
            "evidence": values.get("evidence"),
            "certificate_name": values.get("certificate_name") or "",
        }

    def commit_rows(self, rows: list[RowData], ctx: ImportContext) -> int:
        """Each row through `activities.actions.record_assessment` (scope check, rules, audit log)."""
        from territory.models import Language

        enrolments: dict[int, Enrolment] = {}
        for chunk in _chunks({row.values["enrolment"] for row in rows}):
            enrolments.update(
                (e.pk, e) for e in Enrolment.objects.filter(pk__in=chunk).select_related("activity")
            )
        italian = Language.objects.filter(code="ita").first()
        for row in rows:
            enrolment = enrolments[row.values["enrolment"]]
            data = self._data(row)
            data["language"] = enrolment.activity.language_of_instruction or italian
            assessor = row.values.get("assessor")
            if assessor:
                data.update(assessed_by=None, assessor_name=assessor)
            try:
                actions.record_assessment(enrolment, acting_user=ctx.user, data=data)
            except Exception as error:
                error.import_row = row.number
                raise
        return len(rows)

    def reference_sheets(self, ctx: ImportContext):
        return [_activities_sheet(ctx, REGISTER)]
