"""Writes that matter for activities: enrolments and the waiting list, attendance, completion, language and
self-assessments, certificates and feedback.

Each write is atomic, takes a keyword-only `acting_user` (None only for the public feedback link), checks
the actor's scope itself and is audited by django-auditlog. Pure computations (attendance maths, CEFR
improvement, the completion rule) are plain functions so that views, imports, the API and monitoring
agree."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

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
    Audience,
    CEFRLevel,
    Certificate,
    CertificateKind,
    Enrolment,
    EnrolmentKind,
    EnrolmentStatus,
    FeedbackChannel,
    FeedbackInvitation,
    FeedbackResponse,
    LanguageAssessment,
    SelfAssessment,
    Session,
    TrainingTopic,
)
from core.scoping import CHANGE, VIEW, get_for_user, require_permission
from people.models import WORK, Participant

ZERO = Decimal("0")
# How far from the course dates an assessment may lie (placement tests come before the start).
ASSESSMENT_MARGIN_DAYS = 90

# ----------------------------------------------------------------------------------------- activities


def _check_activity(activity: Activity, acting_user, action: str) -> Activity:
    return get_for_user(Activity.objects.all(), acting_user, action, pk=activity.pk)


def activity_hours(activity: Activity) -> Decimal:
    """The hours of the course: its sessions that are not cancelled, or the planned hours before any
    session is scheduled."""
    held = activity.sessions.filter(is_cancelled=False).aggregate(total=Sum("hours"))["total"]
    return Decimal(held) if held else Decimal(activity.planned_hours)


def attendance_percent(attended: Decimal, total: Decimal) -> Decimal | None:
    if not total:
        return None
    return (Decimal(attended) * 100 / Decimal(total)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class CompletionCheck:
    met: bool
    percent: Decimal | None
    required_percent: Decimal
    missing_exit_assessment: bool


def check_completion(
    enrolment: Enrolment, total_hours: Decimal | None = None, has_exit=None
) -> CompletionCheck:
    """Apply the activity's completion rule (kept as data) to one enrolment."""
    rule = enrolment.activity.completion_rule
    total = total_hours if total_hours is not None else activity_hours(enrolment.activity)
    percent = attendance_percent(enrolment.attended_hours, total)
    required = Decimal(rule.min_attendance_percent)
    attended = Decimal(enrolment.attended_hours)
    # Whatever the rule, completing means having attended something (a 0% rule: attended at all). The
    # comparison is exact: 13.99 hours of 20 is 69.95%, short of 70% even if it displays as 70.0%.
    hours_ok = bool(attended) and (
        required == 0 or (bool(total) and attended * 100 >= required * Decimal(total))
    )
    missing_exit = False
    if rule.requires_exit_assessment:
        if has_exit is None:
            has_exit = enrolment.assessments.filter(moment=AssessmentMoment.EXIT).exists()
        missing_exit = not has_exit
    return CompletionCheck(hours_ok and not missing_exit, percent, required, missing_exit)


@transaction.atomic
def close_activity(activity: Activity, *, acting_user) -> dict[str, int]:
    """End an activity: enrolments that meet the completion rule become "completed"; the others stay
    enrolled (not completed) for the organiser to review. Returns the counts."""
    _check_activity(activity, acting_user, CHANGE)
    total = activity_hours(activity)
    exits = set(
        LanguageAssessment.objects.filter(
            enrolment__activity=activity, moment=AssessmentMoment.EXIT
        ).values_list("enrolment_id", flat=True)
    )
    completed = not_met = 0
    now = timezone.now()
    for enrolment in activity.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related(
        "activity__completion_rule"
    ):
        if check_completion(enrolment, total, enrolment.pk in exits).met:
            enrolment.status = EnrolmentStatus.COMPLETED
            enrolment.status_changed_at = now
            enrolment.save(update_fields=["status", "status_changed_at"])
            completed += 1
        else:
            not_met += 1
    activity.status = ActivityStatus.COMPLETED
    activity.save(update_fields=["status", "updated_at"])
    return {"completed": completed, "not_met": not_met}


# ---------------------------------------------------------------------------------- enrolments, list


def places_taken(activity: Activity) -> int:
    """Enrolments holding a place plus the people of confirmed public registrations (one capacity for both)."""
    from activities import actions_events

    return actions_events.places_used(activity)


def _lock(activity: Activity) -> Activity:
    # Serialises enrolments of one activity (PostgreSQL row lock; SQLite takes the write lock up front).
    return Activity.objects.select_for_update().get(pk=activity.pk)


@transaction.atomic
def enrol(
    activity: Activity,
    *,
    acting_user,
    participant: Participant | None = None,
    kind: str = EnrolmentKind.PARTICIPANT,
    full_name: str = "",
    email: str = "",
    organisation=None,
    user=None,
    role_title: str = "",
    childcare_needed: bool = False,
    note: str = "",
    enrolled_at: datetime.datetime | None = None,
) -> Enrolment:
    """Enrol a person; when the activity is full the person goes on the waiting list."""
    _check_activity(activity, acting_user, CHANGE)
    activity = _lock(activity)
    if activity.status in (ActivityStatus.COMPLETED, ActivityStatus.CANCELLED):
        raise ValidationError(_("This activity is closed: nobody can be enrolled."))
    if kind == EnrolmentKind.PARTICIPANT:
        if participant is None:
            raise ValidationError(_("Choose the participant to enrol."))
        get_for_user(Participant.objects.all(), acting_user, WORK, pk=participant.pk)
        if activity.enrolments.filter(participant=participant).exists():
            raise ValidationError(_("%(name)s is already enrolled in this activity.") % {"name": participant})
        full_name = ""
    else:
        participant = None
        full_name = (full_name or (user.get_full_name() if user else "")).strip()
        if not full_name:
            raise ValidationError(_("Enter the person's full name."))
        if user is not None and activity.enrolments.filter(user=user).exists():
            raise ValidationError(_("%(name)s is already enrolled in this activity.") % {"name": full_name})
    full = activity.capacity is not None and places_taken(activity) >= activity.capacity
    now = timezone.now()
    return Enrolment.objects.create(
        activity=activity,
        kind=kind,
        participant=participant,
        full_name=full_name,
        email=email or (user.email if user else ""),
        organisation=organisation,
        user=user,
        role_title=role_title,
        childcare_needed=childcare_needed,
        note=note,
        status=EnrolmentStatus.WAITING if full else EnrolmentStatus.ENROLLED,
        enrolled_at=enrolled_at or now,
        status_changed_at=now,
        created_by=acting_user,
    )


# Status changes an organiser may make by hand. Completion normally comes from `close_activity`.
ENROLMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    EnrolmentStatus.ENROLLED: frozenset(
        {EnrolmentStatus.WITHDRAWN, EnrolmentStatus.DROPPED_OUT, EnrolmentStatus.COMPLETED}
    ),
    EnrolmentStatus.WAITING: frozenset({EnrolmentStatus.WITHDRAWN, EnrolmentStatus.ENROLLED}),
    EnrolmentStatus.COMPLETED: frozenset({EnrolmentStatus.ENROLLED}),
    EnrolmentStatus.DROPPED_OUT: frozenset({EnrolmentStatus.ENROLLED}),
    EnrolmentStatus.WITHDRAWN: frozenset(),
}


@transaction.atomic
def change_enrolment_status(enrolment: Enrolment, new_status: str, *, acting_user) -> list[Enrolment]:
    """Move an enrolment to `new_status`. When a place frees, the first people on the waiting list move
    up. Returns the enrolments promoted."""
    _check_activity(enrolment.activity, acting_user, CHANGE)
    activity = _lock(enrolment.activity)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if new_status not in ENROLMENT_TRANSITIONS.get(enrolment.status, ()):
        raise ValidationError(
            _("An enrolment cannot go from “%(old)s” to “%(new)s”.")
            % {"old": enrolment.get_status_display(), "new": EnrolmentStatus(new_status).label}
        )
    if new_status == EnrolmentStatus.COMPLETED:
        check = check_completion(enrolment)
        if not check.met:
            raise ValidationError(
                _("The completion rule is not met: %(percent)s%% of hours attended, %(required)s%% required.")
                % {"percent": check.percent or 0, "required": check.required_percent}
            )
    if (
        new_status == EnrolmentStatus.ENROLLED
        and enrolment.status not in HOLDS_PLACE
        and activity.capacity is not None
        and places_taken(activity) >= activity.capacity
    ):
        raise ValidationError(_("The activity is full: free a place first."))
    enrolment.status = new_status
    enrolment.status_changed_at = timezone.now()
    enrolment.save(update_fields=["status", "status_changed_at"])
    return promote_waiting(activity)


def promote_waiting(activity: Activity) -> list[Enrolment]:
    """Fill free places from the waiting list, first come first served. Call inside a transaction."""
    if activity.status in (ActivityStatus.COMPLETED, ActivityStatus.CANCELLED):
        return []
    waiting = activity.enrolments.filter(status=EnrolmentStatus.WAITING).order_by("enrolled_at", "pk")
    if activity.capacity is not None:
        free = activity.capacity - places_taken(activity)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    now = timezone.now()
    for enrolment in promoted:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.status_changed_at = now
        enrolment.save(update_fields=["status", "status_changed_at"])
    if activity.audience == Audience.PUBLIC:
        # Places left after the enrolments go to the public waiting list (which e-mails the people moved up).
        from activities import actions_events

        actions_events.promote_waiting(activity)
    return promoted


@transaction.atomic
def set_capacity(activity: Activity, capacity: int | None, *, acting_user) -> list[Enrolment]:
    """Change the number of places; more places promote people from the waiting list."""
    _check_activity(activity, acting_user, CHANGE)
    activity = _lock(activity)
    if capacity is not None and capacity < places_taken(activity):
        raise ValidationError(
            _("There are already more people enrolled than %(n)s places.") % {"n": capacity}
        )
    activity.capacity = capacity
    activity.save(update_fields=["capacity", "updated_at"])
    return promote_waiting(activity)


# ------------------------------------------------------------------------------------------ attendance

# Who can be on the register of a session.
ON_REGISTER = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED_OUT)


def attended_hours_subquery():
    return Coalesce(
        Subquery(
            Attendance.objects.filter(enrolment=OuterRef("pk"), session__is_cancelled=False)
            .values("enrolment")
            .annotate(total=Sum("hours"))
            .values("total")
        ),
        Value(ZERO),
        output_field=DecimalField(max_digits=7, decimal_places=2),
    )


def refresh_attended_hours(enrolments) -> int:
    """Recompute the stored attended hours of the given enrolments (a queryset) in one UPDATE."""
    return enrolments.update(attended_hours=attended_hours_subquery())


def validate_mark(session: Session, status: str, hours) -> Decimal:
    """The hours a mark stands for; raises ValidationError for an impossible mark."""
    if status not in AttendanceStatus.values:
        raise ValidationError(_("Unknown attendance value “%(value)s”.") % {"value": status})
    if session.is_cancelled:
        raise ValidationError(_("This session was cancelled."))
    if status != AttendanceStatus.PRESENT:
        return ZERO
    if hours in (None, ""):
        return Decimal(session.hours)
    try:
        hours = Decimal(str(hours).strip().replace(",", "."))
        if not hours.is_finite():
            raise ArithmeticError
        hours = hours.quantize(Decimal("0.01"))
    except ArithmeticError:
        raise ValidationError(_("Hours must be a number.")) from None
    if hours <= 0 or hours > session.hours:
        raise ValidationError(
            _("Hours attended must be more than 0 and at most %(max)s.") % {"max": session.hours}
        )
    return hours


@transaction.atomic
def mark_attendance(
    session: Session, enrolment: Enrolment, status: str, *, acting_user, hours=None
) -> Attendance:
    """Record one person's attendance at one session (creates or replaces the mark)."""
    get_for_user(Session.objects.all(), acting_user, REGISTER, pk=session.pk)
    if enrolment.activity_id != session.activity_id or enrolment.status not in ON_REGISTER:
        raise ValidationError(_("This person is not on the register of this activity."))
    if session.date > timezone.localdate():
        raise ValidationError(_("Attendance cannot be recorded for a future session."))
    hours = validate_mark(session, status, hours)
    mark, created = Attendance.objects.get_or_create(
        session=session,
        enrolment=enrolment,
        defaults={"status": status, "hours": hours, "recorded_by": acting_user},
    )
    if not created and (mark.status != status or mark.hours != hours):
        mark.status, mark.hours, mark.recorded_by = status, hours, acting_user
        mark.save(update_fields=["status", "hours", "recorded_by", "recorded_at"])
    refresh_attended_hours(Enrolment.objects.filter(pk=enrolment.pk))
    return mark


@transaction.atomic
def mark_all_present(session: Session, *, acting_user) -> int:
    """Mark everybody on the register without a mark as present (the usual start of a lesson)."""
    get_for_user(Session.objects.all(), acting_user, REGISTER, pk=session.pk)
    validate_mark(session, AttendanceStatus.PRESENT, None)
    if session.date > timezone.localdate():
        raise ValidationError(_("Attendance cannot be recorded for a future session."))
    # People who dropped out stay on the register (their past marks) but are not marked present in bulk.
    unmarked = session.activity.enrolments.filter(
        status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
    ).exclude(attendance__session=session)
    marks = [
        Attendance(
            session=session,
            enrolment=e,
            status=AttendanceStatus.PRESENT,
            hours=session.hours,
            recorded_by=acting_user,
        )
        for e in unmarked
    ]
    for mark in marks:
        mark.save()  # one by one so that each mark is in the audit log
    refresh_attended_hours(Enrolment.objects.filter(pk__in=[m.enrolment_id for m in marks]))
    return len(marks)


# ------------------------------------------------------------------------------------------ assessments


def assessment_date_error(activity: Activity, moment: str, date: datetime.date) -> str | None:
    """Why an assessment date is impossible for this course, or None."""
    margin = datetime.timedelta(days=ASSESSMENT_MARGIN_DAYS)
    # Dates near the calendar's ends cannot take the margin; any real course is far from them.
    if not (
        datetime.date.min + margin <= activity.start_date and activity.end_date <= datetime.date.max - margin
    ):
        return _("The activity's dates are not valid.")
    if date > timezone.localdate():
        return _("The assessment date is in the future.")
    if moment == AssessmentMoment.ENTRY and not (activity.start_date - margin <= date <= activity.end_date):
        return _("An entry assessment must fall between %(start)s and %(end)s.") % {
            "start": f"{activity.start_date - margin:%d/%m/%Y}",
            "end": f"{activity.end_date:%d/%m/%Y}",
        }
    if moment == AssessmentMoment.EXIT and not (activity.start_date <= date <= activity.end_date + margin):
        return _("An exit assessment must fall between %(start)s and %(end)s.") % {
            "start": f"{activity.start_date:%d/%m/%Y}",
            "end": f"{activity.end_date + margin:%d/%m/%Y}",
        }
    return None


def validate_assessment(enrolment: Enrolment, data: dict) -> None:
    """Raise a ValidationError (by field) for an impossible assessment."""
    errors: dict[str, str] = {}
    if enrolment.kind != EnrolmentKind.PARTICIPANT:
        errors["enrolment"] = _("Language assessments are recorded for participants only.")
    if data.get("moment") not in AssessmentMoment.values:
        errors["moment"] = _("The moment must be entry or exit.")
    for field in ("overall", *SKILLS):
        value = data.get(field)
        if value is not None and value not in CEFRLevel.values:
            errors[field] = _("Unknown CEFR level.")
    if data.get("overall") is None:
        errors["overall"] = _("The overall level is required.")
    if data.get("evidence") == AssessmentEvidence.CERTIFICATE and not data.get("certificate_name"):
        errors["certificate_name"] = _("Say which certificate (CILS, CELI, PLIDA, ...).")
    date = data.get("date")
    if date is None:
        errors["date"] = _("The date is required.")
    elif "moment" not in errors:
        message = assessment_date_error(enrolment.activity, data["moment"], date)
        if message:
            errors["date"] = message
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_assessment(enrolment: Enrolment, *, acting_user, data: dict) -> LanguageAssessment:
    """Record (or correct) the entry or exit assessment of an enrolment."""
    get_for_user(Activity.objects.all(), acting_user, REGISTER, pk=enrolment.activity_id)
    validate_assessment(enrolment, data)
    data = {"assessed_by": acting_user, **data}
    if not data.get("language"):
        from territory.models import Language

        data["language"] = enrolment.activity.language_of_instruction or Language.objects.get(code="ita")
    moment = data.pop("moment")
    assessment, _created = LanguageAssessment.objects.update_or_create(
        enrolment=enrolment, moment=moment, defaults=data
    )
    # The participant's skills profile takes the level (with the history of what it replaced).
    from skills.actions import apply_language_assessment

    apply_language_assessment(assessment, acting_user=acting_user)
    return assessment


@dataclass(frozen=True)
class Improvement:
    """CEFR change between entry and exit, in levels. None where a level is missing."""

    overall: int | None
    skills: dict[str, int | None]

    @property
    def improved(self) -> bool | None:
        return None if self.overall is None else self.overall > 0


def cefr_improvement(entry: LanguageAssessment | None, exit_: LanguageAssessment | None) -> Improvement:
    def delta(a, b):
        return None if a is None or b is None else b - a

    if entry is None or exit_ is None:
        return Improvement(None, dict.fromkeys(SKILLS))
    return Improvement(
        delta(entry.overall, exit_.overall),
        {skill: delta(getattr(entry, skill), getattr(exit_, skill)) for skill in SKILLS},
    )


@transaction.atomic
def record_self_assessment(enrolment: Enrolment, moment: str, scores: dict[int, int], *, acting_user) -> int:
    """Save a trainee's 1-5 ratings per training topic ("pre" or "post"). `scores` maps topic id to score."""
    get_for_user(Activity.objects.all(), acting_user, REGISTER, pk=enrolment.activity_id)
    if moment not in ("pre", "post"):
        raise ValidationError(_("The moment must be before or after the training."))
    topics = {t.pk: t for t in TrainingTopic.objects.filter(activity_id=enrolment.activity_id)}
    for topic_id, score in scores.items():
        if topic_id not in topics:
            raise ValidationError(_("This topic does not belong to the training."))
        if score not in (1, 2, 3, 4, 5):
            raise ValidationError(_("Scores go from 1 to 5."))
    for topic_id, score in scores.items():
        SelfAssessment.objects.update_or_create(
            enrolment=enrolment, topic=topics[topic_id], moment=moment, defaults={"score": score}
        )
    return len(scores)


def competence_growth(activity: Activity) -> list[dict]:
    """Per topic: mean self-rating before and after, and the change, over the trainees who rated both."""
    rows = []
    ratings = SelfAssessment.objects.filter(topic__activity=activity).values_list(
        "topic_id", "enrolment_id", "moment", "score"
    )
    by_topic: dict[int, dict[int, dict[str, int]]] = {}
    for topic_id, enrolment_id, moment, score in ratings:
        by_topic.setdefault(topic_id, {}).setdefault(enrolment_id, {})[moment] = score
    for topic in activity.topics.all():
        pairs = [r for r in by_topic.get(topic.pk, {}).values() if "pre" in r and "post" in r]
        pre = sum(r["pre"] for r in pairs) / len(pairs) if pairs else None
        post = sum(r["post"] for r in pairs) / len(pairs) if pairs else None
        rows.append(
            {
                "topic": topic,
                "people": len(pairs),
                "pre": None if pre is None else round(pre, 2),
                "post": None if post is None else round(post, 2),
                "change": None if pre is None else round(post - pre, 2),
            }
        )
    return rows


# ----------------------------------------------------------------------------------------- certificates


@transaction.atomic
def issue_certificate(
    enrolment: Enrolment, kind: str, *, acting_user, second_language: str = ""
) -> Certificate:
    """Issue (once) a certificate of attendance or completion. Returns the valid one if it exists."""
    require_permission(acting_user, "certificate.issue")
    _check_activity(enrolment.activity, acting_user, CHANGE)
    existing = enrolment.certificates.filter(kind=kind, revoked_at__isnull=True).first()
    if existing is not None:
        return existing
    if kind == CertificateKind.COMPLETION and enrolment.status != EnrolmentStatus.COMPLETED:
        raise ValidationError(_("A certificate of completion needs a completed enrolment."))
    if kind == CertificateKind.ATTENDANCE and not enrolment.attended_hours:
        raise ValidationError(_("A certificate of attendance needs at least one session attended."))
    exit_level = (
        enrolment.assessments.filter(moment=AssessmentMoment.EXIT).values_list("overall", flat=True).first()
    )
    return Certificate.objects.create(
        enrolment=enrolment,
        kind=kind,
        hours_attended=enrolment.attended_hours,
        exit_level=exit_level,
        second_language=second_language,
        issued_by=acting_user,
    )


@transaction.atomic
def revoke_certificate(certificate: Certificate, *, acting_user, reason: str) -> Certificate:
    require_permission(acting_user, "certificate.issue")
    _check_activity(certificate.enrolment.activity, acting_user, CHANGE)
    if not reason.strip():
        raise ValidationError(_("Give the reason for revoking the certificate."))
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason.strip()
        certificate.save(update_fields=["revoked_at", "revoked_reason"])
    return certificate


# --------------------------------------------------------------------------------------------- feedback


def feedback_invitation(enrolment: Enrolment, *, acting_user) -> FeedbackInvitation:
    """The personal questionnaire link of an enrolment (created on first use)."""
    get_for_user(Activity.objects.all(), acting_user, REGISTER, pk=enrolment.activity_id)
    invitation, _created = FeedbackInvitation.objects.get_or_create(enrolment=enrolment)
    return invitation


def feedback_invitations(activity: Activity, enrolments, *, acting_user) -> dict[int, FeedbackInvitation]:
    """The personal links of several enrolments of one activity, creating the missing ones in one go.
    Returns them by enrolment id."""
    get_for_user(Activity.objects.all(), acting_user, REGISTER, pk=activity.pk)
    ids = {e.pk for e in enrolments if e.activity_id == activity.pk}
    existing = {i.enrolment_id: i for i in FeedbackInvitation.objects.filter(enrolment_id__in=ids)}
    missing = [FeedbackInvitation(enrolment_id=pk) for pk in ids - existing.keys()]
    if missing:
        with transaction.atomic():
            FeedbackInvitation.objects.bulk_create(missing)
        existing.update({i.enrolment_id: i for i in FeedbackInvitation.objects.filter(enrolment_id__in=ids)})
    return existing


def has_answered(enrolment: Enrolment) -> bool:
    """Whether the person answered, named or anonymously (a used link counts)."""
    return (
        FeedbackResponse.objects.filter(enrolment=enrolment).exists()
        or FeedbackInvitation.objects.filter(enrolment=enrolment, used_at__isnull=False).exists()
    )


FEEDBACK_FIELDS = ("helpful_for_integration", "satisfaction", "would_recommend", "comment")


@transaction.atomic
def answer_feedback_link(token: str, data: dict, *, anonymous: bool, language: str) -> FeedbackResponse:
    """Save the answer given through a personal link. A link answers once."""
    invitation = (
        FeedbackInvitation.objects.select_for_update()
        .select_related("enrolment__activity")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise PermissionDenied
    if (
        invitation.used_at is not None
        or FeedbackResponse.objects.filter(enrolment=invitation.enrolment).exists()
    ):
        raise ValidationError(_("This questionnaire has already been answered. Thank you!"))
    now = timezone.now()
    # An anonymous answer must not be joinable to the person through its time: the link is marked used
    # at the start of the day, and the answer keeps the day only.
    moment = now.replace(hour=0, minute=0, second=0, microsecond=0) if anonymous else now
    invitation.used_at = moment
    invitation.save(update_fields=["used_at"])
    return FeedbackResponse.objects.create(
        activity=invitation.enrolment.activity,
        enrolment=None if anonymous else invitation.enrolment,
        language=language,
        channel=FeedbackChannel.LINK,
        submitted_at=moment,
        **{k: data.get(k) for k in FEEDBACK_FIELDS if k in data},
    )


@transaction.atomic
def enter_feedback(
    activity: Activity, data: dict, *, acting_user, enrolment: Enrolment | None = None, language: str = "it"
) -> FeedbackResponse:
    """An operator types in a questionnaire (paper or spoken). Without `enrolment` it is anonymous."""
    get_for_user(Activity.objects.all(), acting_user, REGISTER, pk=activity.pk)
    if enrolment is not None:
        if enrolment.activity_id != activity.pk:
            raise ValidationError(_("This person is not enrolled in this activity."))
        if has_answered(enrolment):
            raise ValidationError(_("This person has already answered."))
        # The person's link, printed or not yet, can no longer be used.
        invitation, _created = FeedbackInvitation.objects.get_or_create(enrolment=enrolment)
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
    return FeedbackResponse.objects.create(
        activity=activity,
        enrolment=enrolment,
        language=language,
        channel=FeedbackChannel.OPERATOR,
        entered_by=acting_user,
        **{k: data.get(k) for k in FEEDBACK_FIELDS if k in data},
    )


def visible_activity(acting_user, pk, action: str = VIEW) -> Activity:
    return get_for_user(Activity.objects.all(), acting_user, action, pk=pk)
