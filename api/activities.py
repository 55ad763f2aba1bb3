"""API endpoints for activities: courses, trainings and events, their sessions, enrolments, attendance and
language assessments, with the same scoping as the workspace (a trainer reaches only their activities and,
of the people enrolled, only what the register shows)."""

import datetime
import decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from activities import actions
from activities.models import (
    HOLDS_PLACE,
    REGISTER,
    SKILLS,
    Activity,
    ActivityKind,
    ActivityStatus,
    AssessmentEvidence,
    AssessmentMoment,
    Attendance,
    AttendanceStatus,
    CEFRLevel,
    Enrolment,
    EnrolmentKind,
    EnrolmentStatus,
    LanguageAssessment,
    LanguageCertificate,
    Session,
)
from core.scoping import CHANGE, VIEW, get_for_user, require_permission
from network.models import Organisation
from people.models import WORK, Participant

router = Router(tags=["activities"])

# Ids and page numbers beyond a 32-bit integer exist nowhere: bounding them makes such input a 422, where
# the database would otherwise refuse the number with a server error.
MAX_ID = 2**31 - 1


class BoundedPageNumberPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_ID)
        page_size: int | None = Field(None, ge=1, le=MAX_ID)


class Error(Schema):
    detail: str | dict | list


def _level(value: int | None) -> str | None:
    return None if value is None else CEFRLevel(value).label


class ActivityOut(Schema):
    id: int
    title: str
    description: str
    kind: str
    action: str
    organiser_id: int
    partner_ids: list[int]
    municipality_istat: str | None
    venue: str
    online: bool
    start_date: datetime.date
    end_date: datetime.date
    planned_hours: decimal.Decimal
    capacity: int | None = Field(None, description="Places; null means no limit.")
    places_taken: int = Field(..., description="Enrolled or completed: the people holding a place.")
    waiting_list: int
    audience: str
    language_of_instruction: str | None = Field(None, description="ISO 639-3 code")
    target_level: str | None = Field(None, description="CEFR level, e.g. A2 or pre-A1")
    childcare_offered: bool
    status: str
    completion_rule: str = Field(..., alias="completion_rule.code")

    @staticmethod
    def resolve_partner_ids(obj):
        return [partner.pk for partner in obj.partners.all()]

    @staticmethod
    def resolve_municipality_istat(obj):
        return obj.municipality.istat_code if obj.municipality_id else None

    @staticmethod
    def resolve_language_of_instruction(obj):
        return obj.language_of_instruction.code if obj.language_of_instruction_id else None

    @staticmethod
    def resolve_target_level(obj):
        return _level(obj.target_level)


class ActivityFilter(Schema):
    kind: ActivityKind | None = None
    status: ActivityStatus | None = None
    date_from: datetime.date | None = Field(None, alias="from", description="Activities ending on or after")
    date_to: datetime.date | None = Field(None, alias="to", description="Activities starting on or before")


class SessionOut(Schema):
    id: int
    activity_id: int
    date: datetime.date
    start_time: datetime.time | None
    end_time: datetime.time | None
    hours: decimal.Decimal
    topic: str
    venue: str
    is_cancelled: bool


class EnrolmentOut(Schema):
    """What the register shows of a person; `participant_id` and `childcare_needed` only to callers who may
    see the participant's record."""

    id: int
    activity_id: int
    kind: str
    name: str = Field(..., alias="person_name")
    status: str
    enrolled_at: datetime.datetime
    organisation_id: int | None
    attended_hours: decimal.Decimal
    attendance_percent: decimal.Decimal | None = Field(
        None, alias="register_percent", description="Share of the activity's hours attended, in %."
    )
    participant_id: int | None = Field(
        None, alias="visible_participant_id", description="Only to callers who may see the participant."
    )
    childcare_needed: bool | None = Field(
        None, alias="visible_childcare_needed", description="Only to callers who may see the participant."
    )


class EnrolmentIn(Schema):
    kind: EnrolmentKind = EnrolmentKind.PARTICIPANT
    participant_id: int | None = Field(None, gt=0, le=MAX_ID, description="Required for participants")
    full_name: str = Field("", max_length=200, description="Operators and association representatives")
    email: str = Field("", max_length=254)
    organisation_id: int | None = Field(None, gt=0, le=MAX_ID)
    role_title: str = Field("", max_length=120)
    childcare_needed: bool = False
    note: str = Field("", max_length=300)


class MarkIn(Schema):
    enrolment: int = Field(..., gt=0, le=MAX_ID, description="Enrolment id")
    status: AttendanceStatus
    hours: decimal.Decimal | None = Field(
        None, description="Hours attended, for people present who came late or left early"
    )


class AttendanceOut(Schema):
    id: int
    session_id: int
    enrolment_id: int
    status: str
    hours: decimal.Decimal
    recorded_at: datetime.datetime
    attended_hours: decimal.Decimal = Field(
        ..., alias="enrolment.attended_hours", description="The enrolment's attended hours after the mark"
    )


class AssessmentOut(Schema):
    id: int
    enrolment_id: int
    moment: str
    date: datetime.date
    language: str = Field(..., alias="language.code")
    overall: str
    listening: str | None
    reading: str | None
    spoken_interaction: str | None
    spoken_production: str | None
    writing: str | None
    evidence: str
    certificate_name: str
    assessor_name: str
    assessed_by_id: int | None

    @staticmethod
    def resolve_overall(obj):
        return _level(obj.overall)

    @staticmethod
    def resolve_listening(obj):
        return _level(obj.listening)

    @staticmethod
    def resolve_reading(obj):
        return _level(obj.reading)

    @staticmethod
    def resolve_spoken_interaction(obj):
        return _level(obj.spoken_interaction)

    @staticmethod
    def resolve_spoken_production(obj):
        return _level(obj.spoken_production)

    @staticmethod
    def resolve_writing(obj):
        return _level(obj.writing)


class AssessmentIn(Schema):
    moment: AssessmentMoment
    date: datetime.date
    overall: str = Field(..., description="CEFR level: pre-A1, A1, A2, B1, B2, C1, C2")
    listening: str | None = None
    reading: str | None = None
    spoken_interaction: str | None = None
    spoken_production: str | None = None
    writing: str | None = None
    evidence: AssessmentEvidence
    certificate_name: LanguageCertificate | None = None
    assessor_name: str = Field("", max_length=200)


# --- Activities ------------------------------------------------------------------------------------------


def _activities(user):
    return (
        Activity.objects.visible_to(user, VIEW)
        .select_related("municipality", "language_of_instruction", "completion_rule")
        .prefetch_related(Prefetch("partners", queryset=Organisation.objects.only("pk")))
        .annotate(
            places_taken=Count("enrolments", filter=Q(enrolments__status__in=HOLDS_PLACE)),
            waiting_list=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
        )
    )


@router.get("/activities/", response=list[ActivityOut], summary="Activities in your scope")
@paginate(BoundedPageNumberPagination, page_size=50)
def list_activities(request, filters: Query[ActivityFilter]):
    require_permission(request.user, "activity.view")
    qs = _activities(request.user).order_by("-start_date", "pk")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.date_from:
        qs = qs.filter(end_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(start_date__lte=filters.date_to)
    return qs


@router.get("/activities/{int:activity_id}", response={200: ActivityOut, 404: Error}, summary="One activity")
def get_activity(request, activity_id: int):
    return get_for_user(_activities(request.user), request.user, VIEW, pk=activity_id)


@router.get(
    "/activities/{int:activity_id}/sessions",
    response={200: list[SessionOut], 404: Error},
    summary="The sessions (calendar) of an activity",
)
def list_sessions(request, activity_id: int):
    activity = get_for_user(Activity.objects.all(), request.user, VIEW, pk=activity_id)
    return list(activity.sessions.order_by("date", "start_time", "pk"))


# --- Enrolments --------------------------------------------------------------------------------------------


def _present(user, enrolments, total_hours):
    """Attach the attendance percentage, and the participant details only where the caller may see the
    participant (one query for the page)."""
    ids = {e.participant_id for e in enrolments if e.participant_id}
    visible = (
        set(Participant.objects.visible_to(user, VIEW).filter(pk__in=ids).values_list("pk", flat=True))
        if ids
        else set()
    )
    for enrolment in enrolments:
        enrolment.register_percent = actions.attendance_percent(enrolment.attended_hours, total_hours)
        shown = enrolment.participant_id is None or enrolment.participant_id in visible
        enrolment.visible_participant_id = enrolment.participant_id if shown else None
        enrolment.visible_childcare_needed = enrolment.childcare_needed if shown else None
    return enrolments


class _PresentedList:
    """A lazily sliced queryset whose page is presented with the caller's visibility (for @paginate)."""

    def __init__(self, user, queryset, total_hours):
        self.user = user
        self.queryset = queryset
        self.total_hours = total_hours

    def __len__(self):
        return self.queryset.count()

    def count(self):
        return self.queryset.count()

    def __getitem__(self, item):
        return _present(self.user, list(self.queryset[item]), self.total_hours)


def _enrolments(user):
    return Enrolment.objects.visible_to(user, VIEW).select_related("participant")


@router.get(
    "/activities/{int:activity_id}/enrolments",
    response={200: list[EnrolmentOut], 404: Error},
    summary="The people enrolled in an activity that you may see",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_enrolments(request, activity_id: int, status: EnrolmentStatus | None = None):
    activity = get_for_user(Activity.objects.all(), request.user, VIEW, pk=activity_id)
    qs = _enrolments(request.user).filter(activity=activity).order_by("enrolled_at", "pk")
    if status:
        qs = qs.filter(status=status)
    return _PresentedList(request.user, qs, actions.activity_hours(activity))


@router.post(
    "/activities/{int:activity_id}/enrolments",
    response={201: EnrolmentOut, 403: Error, 404: Error, 422: Error},
    summary="Enrol a person (on the waiting list when the activity is full)",
)
def create_enrolment(request, activity_id: int, payload: EnrolmentIn):
    activity = get_for_user(Activity.objects.all(), request.user, CHANGE, pk=activity_id)
    email = payload.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            return Status(422, {"detail": {"email": error.messages}})
    participant = organisation = None
    if payload.kind == EnrolmentKind.PARTICIPANT:
        if payload.participant_id is None:
            return Status(422, {"detail": {"participant_id": [_("Choose the participant to enrol.")]}})
        participant = get_for_user(Participant.objects.all(), request.user, WORK, pk=payload.participant_id)
    if payload.organisation_id is not None:
        organisation = (
            Organisation.objects.visible_to(request.user, VIEW).filter(pk=payload.organisation_id).first()
        )
        if organisation is None:
            return Status(422, {"detail": {"organisation_id": [_("Unknown organisation.")]}})
    enrolment = actions.enrol(
        activity,
        acting_user=request.user,
        participant=participant,
        kind=payload.kind,
        full_name=payload.full_name,
        email=email,
        organisation=organisation,
        role_title=payload.role_title,
        childcare_needed=payload.childcare_needed,
        note=payload.note,
    )
    enrolment = get_object_or_404(_enrolments(request.user), pk=enrolment.pk)
    return Status(201, _present(request.user, [enrolment], actions.activity_hours(activity))[0])


# --- Attendance ----------------------------------------------------------------------------------------------


@router.post(
    "/sessions/{int:session_id}/attendance",
    response={200: list[AttendanceOut], 403: Error, 404: Error, 422: Error},
    summary="Mark attendance at a session: all the marks, or none when any is refused",
)
def mark_attendance(request, session_id: int, payload: list[MarkIn]):
    session = get_for_user(Session.objects.select_related("activity"), request.user, REGISTER, pk=session_id)
    wanted = [mark.enrolment for mark in payload]
    enrolments = {e.pk: e for e in Enrolment.objects.filter(activity_id=session.activity_id, pk__in=wanted)}
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    marks = []
    with transaction.atomic():
        for index, mark in enumerate(payload):
            enrolment = enrolments.get(mark.enrolment)
            if enrolment is None:
                errors[str(index)] = [_("This person is not on the register of this activity.")]
                continue
            if mark.enrolment in seen:
                errors[str(index)] = [_("This person appears more than once.")]
                continue
            seen.add(mark.enrolment)
            try:
                marks.append(
                    actions.mark_attendance(
                        session, enrolment, mark.status, acting_user=request.user, hours=mark.hours
                    )
                )
            except ValidationError as error:
                errors[str(index)] = error.messages
        if errors:
            transaction.set_rollback(True)
            return Status(422, {"detail": errors})
    return list(
        Attendance.objects.filter(pk__in=[m.pk for m in marks])
        .select_related("enrolment")
        .order_by("enrolment__enrolled_at", "enrolment_id")
    )


# --- Assessments ---------------------------------------------------------------------------------------------


@router.get(
    "/enrolments/{int:enrolment_id}/assessments",
    response={200: list[AssessmentOut], 404: Error},
    summary="The entry and exit language assessments of an enrolment",
)
def list_assessments(request, enrolment_id: int):
    enrolment = get_for_user(Enrolment.objects.all(), request.user, VIEW, pk=enrolment_id)
    return list(enrolment.assessments.select_related("language").order_by("moment"))


@router.post(
    "/enrolments/{int:enrolment_id}/assessments",
    response={200: AssessmentOut, 201: AssessmentOut, 403: Error, 404: Error, 422: Error},
    summary="Record (or correct) the entry or exit CEFR assessment of an enrolment",
)
def record_assessment(request, enrolment_id: int, payload: AssessmentIn):
    enrolment = get_for_user(
        Enrolment.objects.select_related("activity"), request.user, VIEW, pk=enrolment_id
    )
    levels, errors = {}, {}
    for field in ("overall", *SKILLS):
        raw = getattr(payload, field)
        if raw in (None, ""):
            levels[field] = None
            continue
        levels[field] = CEFRLevel.parse(raw)
        if levels[field] is None:
            errors[field] = [_("Unknown CEFR level.")]
    if errors:
        return Status(422, {"detail": errors})
    existed = enrolment.assessments.filter(moment=payload.moment).exists()
    data = {
        "moment": payload.moment,
        "date": payload.date,
        **levels,
        "evidence": payload.evidence,
        "certificate_name": payload.certificate_name or "",
    }
    if payload.assessor_name:
        data["assessor_name"] = payload.assessor_name
    assessment = actions.record_assessment(enrolment, acting_user=request.user, data=data)
    assessment = LanguageAssessment.objects.select_related("language").get(pk=assessment.pk)
    return Status(200 if existed else 201, assessment)
