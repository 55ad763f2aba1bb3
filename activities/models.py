"""Activities: courses, trainings, workshops and events; sessions, enrolments, attendance, CEFR assessments,
operator self-assessments, certificates and feedback.

Who reaches what (`scope`):
- an activity is seen by its organiser and partner organisations, by trainers assigned to it, and by the
  regional roles; it is changed by the organiser's admins and operators;
- an enrolment (and its attendance, assessments, certificate) is seen by the organiser organisation, by
  the trainers of the activity (register fields only: they get no access to the participant record) and
  by whoever sees the participant (so the participant's own organisation follows their courses).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.roles import ALL_RECORDS_ROLES, REGIONAL_ROLES, Role, role_can
from core.scoping import VIEW, ScopedQuerySet
from paths.models import Action

# Actions of the activity scope (besides VIEW and CHANGE).
REGISTER = "register"  # keep the register: sessions, attendance, assessments, feedback entry
PEOPLE = "people"  # read what the people enrolled wrote or need (feedback comments): the organiser's side


class ActivityKind(models.TextChoices):
    ITALIAN_L2 = "italian_l2", _("Italian L2 course")
    ITALIAN_WORK = "italian_work", _("Work-oriented Italian course")
    DIGITAL = "digital", _("Digital-skills course")
    CIVIC_ORIENTATION = "civic_orientation", _("Civic orientation course")
    SCHOOL_TO_WORK = "school_to_work", _("School-to-work workshop")
    VOCATIONAL_ORIENTATION = "vocational_orientation", _("Vocational orientation")
    OPERATOR_TRAINING = "operator_training", _("Operator training")
    CAPACITY_BUILDING = "capacity_building", _("Association capacity building")
    INFORMATION_EVENT = "information_event", _("Information or awareness event")
    COMMUNITY_EVENT = "community_event", _("Community event")


LANGUAGE_COURSE_KINDS = frozenset({ActivityKind.ITALIAN_L2, ActivityKind.ITALIAN_WORK})
# The action each kind belongs to by default (the form proposes it; the organiser may change it).
DEFAULT_ACTION = {
    ActivityKind.ITALIAN_L2: Action.SKILLS,
    ActivityKind.ITALIAN_WORK: Action.SKILLS,
    ActivityKind.DIGITAL: Action.SKILLS,
    ActivityKind.CIVIC_ORIENTATION: Action.SKILLS,
    ActivityKind.SCHOOL_TO_WORK: Action.SKILLS,
    ActivityKind.VOCATIONAL_ORIENTATION: Action.SKILLS,
    ActivityKind.OPERATOR_TRAINING: Action.GOVERNANCE,
    ActivityKind.CAPACITY_BUILDING: Action.PARTICIPATION,
    ActivityKind.INFORMATION_EVENT: Action.PARTICIPATION,
    ActivityKind.COMMUNITY_EVENT: Action.PARTICIPATION,
}


class Audience(models.TextChoices):
    PARTICIPANTS = "participants", _("Participants (third-country nationals)")
    OPERATORS = "operators", _("Service operators")
    ASSOCIATIONS = "associations", _("Associations")
    PUBLIC = "public", _("General public")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Enrolment open")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class CEFRLevel(models.IntegerChoices):
    """Common European Framework of Reference levels, stored as ranks so that SQL can compare them."""

    PRE_A1 = 0, "pre-A1"
    A1 = 1, "A1"
    A2 = 2, "A2"
    B1 = 3, "B1"
    B2 = 4, "B2"
    C1 = 5, "C1"
    C2 = 6, "C2"

    @classmethod
    def parse(cls, text) -> int | None:
        """'A2', 'a2', 'pre-A1', 'PreA1', 'pre a1' -> rank; anything else -> None."""
        key = str(text or "").strip().upper().replace(" ", "").replace("-", "").replace("_", "")
        return {label.upper().replace("-", ""): value for value, label in cls.choices}.get(key)


class CompletionRule(models.Model):
    """When an enrolment counts as completed (kept as data, editable by the Region)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_it = models.CharField(_("Italian name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    min_attendance_percent = models.DecimalField(
        _("minimum attendance (percentage of hours)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    requires_exit_assessment = models.BooleanField(_("requires an exit assessment"), default=False)

    class Meta:
        ordering = ["min_attendance_percent", "code"]
        verbose_name = _("completion rule")
        verbose_name_plural = _("completion rules")

    def __str__(self):
        return self.name_it if (get_language() or "it").startswith("it") else self.name_en


class ActivityQuerySet(ScopedQuerySet):
    """Actions: VIEW, "change" (the activity itself, enrolments, certificates) and REGISTER (sessions,
    attendance, assessments, feedback entry: also the activity's trainers)."""

    def scope(self, membership, action):
        role = membership.role
        if action == VIEW:
            if not role_can(role, "activity.view"):
                return self.none()
            if role in REGIONAL_ROLES:
                return self
            if role == Role.TRAINER:
                return self._taught(membership)
            org = membership.organisation_id
            return self.filter(Q(organiser_id=org) | Q(pk__in=self._partnered(org)))
        if action == PEOPLE:
            # Free text may name people: the organiser's staff, its trainers and the Region, not partners.
            if role in ALL_RECORDS_ROLES:
                return self
            if role == Role.TRAINER:
                return self._taught(membership)
            if not role_can(role, "enrolment.view"):
                return self.none()
            return self.filter(organiser_id=membership.organisation_id)
        if action == REGISTER:
            if role == Role.TRAINER:
                return self._taught(membership)
            if not role_can(role, "attendance.record"):
                return self.none()
            return self.filter(organiser_id=membership.organisation_id)
        if not role_can(role, "activity.change"):
            return self.none()
        return self.filter(organiser_id=membership.organisation_id)

    def _taught(self, membership):
        # Assigned as trainer *and* acting for the organiser: a trainer who left the organisation keeps
        # nothing, even if still listed on the activity.
        return self.filter(trainers=membership.user_id, organiser_id=membership.organisation_id)

    @staticmethod
    def _partnered(organisation_id):
        return Activity.partners.through.objects.filter(organisation_id=organisation_id).values("activity_id")

    def public(self):
        return self.filter(audience=Audience.PUBLIC).exclude(status=ActivityStatus.CANCELLED)


class Activity(models.Model):
    """A course, training, workshop or event."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    action = models.CharField(_("action"), max_length=2, choices=Action.choices)
    organiser = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="organised_activities",
        verbose_name=_("organiser"),
    )
    partners = models.ManyToManyField(
        "network.Organisation",
        blank=True,
        related_name="partner_activities",
        verbose_name=_("partner organisations"),
    )
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    venue = models.CharField(_("venue"), max_length=250, blank=True)
    online = models.BooleanField(_("online"), default=False)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    planned_hours = models.DecimalField(
        _("planned hours"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    language_of_instruction = models.ForeignKey(
        "territory.Language",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("language of instruction"),
    )
    target_level = models.PositiveSmallIntegerField(
        _("target CEFR level"), choices=CEFRLevel.choices, null=True, blank=True
    )
    childcare_offered = models.BooleanField(_("childcare offered"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    completion_rule = models.ForeignKey(
        CompletionRule, on_delete=models.PROTECT, related_name="activities", verbose_name=_("completion rule")
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="taught_activities", verbose_name=_("trainers")
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["organiser", "-start_date"]),
            models.Index(fields=["kind", "start_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="activity_dates_order"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:detail", args=[self.pk])

    @property
    def is_language_course(self) -> bool:
        return self.kind in LANGUAGE_COURSE_KINDS

    @property
    def is_operator_training(self) -> bool:
        return self.kind == ActivityKind.OPERATOR_TRAINING


class TrainingTopic(models.Model):
    """A topic of an operator training, on which trainees rate themselves before and after."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("topic"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("training topic")
        verbose_name_plural = _("training topics")
        constraints = [models.UniqueConstraint(fields=["activity", "title"], name="topic_unique_title")]

    def __str__(self):
        return self.title


class SessionQuerySet(ScopedQuerySet):
    def scope(self, membership, action):
        return self.filter(activity__in=Activity.objects.scope(membership, action))


class Session(models.Model):
    """One lesson or meeting of an activity."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(24)],
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    venue = models.CharField(_("venue"), max_length=250, blank=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["activity", "date"])]

    def __str__(self):
        return f"{self.activity} {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("activities:register", args=[self.activity_id, self.pk])


class EnrolmentKind(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    OPERATOR = "operator", _("Operator")
    ASSOCIATION = "association", _("Association representative")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITING = "waiting", _("Waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")


# Statuses that hold a place (the capacity counts them): withdrawing or dropping out frees the place.
HOLDS_PLACE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)


class EnrolmentQuerySet(ScopedQuerySet):
    """VIEW: organiser, the activity's trainers (register fields only), whoever sees the participant.
    "change": the organiser's admins and operators. REGISTER: organiser staff and the trainers."""

    def scope(self, membership, action):
        role = membership.role
        if action == VIEW:
            if role in ALL_RECORDS_ROLES:
                return self
            if role == Role.TRAINER:
                return self.filter(activity__in=Activity.objects.scope(membership, VIEW))
            if not role_can(role, "enrolment.view"):
                return self.none()
            from people.models import Participant

            reached = Participant.objects.scope_condition(membership, VIEW, "participant")
            organised = Q(activity__organiser_id=membership.organisation_id)
            if reached is None:
                return self.filter(organised)
            return self.filter(organised | reached) if reached else self
        return self.filter(activity__in=Activity.objects.scope(membership, action))

    def holding_place(self):
        return self.filter(status__in=HOLDS_PLACE)


class Enrolment(models.Model):
    """A person enrolled in an activity: a participant, an operator (who may have no account) or an
    association's representative."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="enrolments")
    kind = models.CharField(_("kind"), max_length=12, choices=EnrolmentKind.choices)
    participant = models.ForeignKey(
        "people.Participant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("participant"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("platform user"),
    )
    # For operators and representatives (a participant's name lives on the participant record).
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    role_title = models.CharField(_("job title"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    enrolled_at = models.DateTimeField(_("enrolled on"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed on"), default=timezone.now)
    childcare_needed = models.BooleanField(_("needs childcare"), default=False)
    # Kept up to date by every attendance write (activities.actions.refresh_attendance).
    attended_hours = models.DecimalField(_("attended hours"), max_digits=7, decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "enrolled_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        indexes = [
            models.Index(fields=["activity", "status", "enrolled_at"]),
            models.Index(fields=["participant", "activity"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "participant"],
                condition=Q(participant__isnull=False),
                name="enrolment_unique_participant",
            ),
            models.UniqueConstraint(
                fields=["activity", "user"], condition=Q(user__isnull=False), name="enrolment_unique_user"
            ),
            models.CheckConstraint(
                condition=(Q(kind="participant") & Q(participant__isnull=False))
                | (~Q(kind="participant") & Q(participant__isnull=True) & ~Q(full_name="")),
                name="enrolment_person_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.person_name} — {self.activity}"

    @property
    def person_name(self) -> str:
        if self.participant_id:
            return f"{self.participant.last_name} {self.participant.first_name}"
        return self.full_name

    @property
    def initials(self) -> str:
        """Name initials (what the public certificate check reveals)."""
        if self.participant_id:
            words = [self.participant.first_name, self.participant.last_name]
        else:
            words = self.full_name.split()
        return " ".join(f"{w.strip()[0].upper()}." for w in words if w.strip())

    def attendance_percent(self, total_hours: Decimal | None = None) -> Decimal | None:
        """Attended share of the hours held so far (or of `total_hours`), to one decimal."""
        total = total_hours if total_hours is not None else self.activity.planned_hours
        if not total:
            return None
        return (Decimal(self.attended_hours) * 100 / Decimal(total)).quantize(Decimal("0.1"))


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class AttendanceQuerySet(ScopedQuerySet):
    def scope(self, membership, action):
        return self.filter(enrolment__in=Enrolment.objects.scope(membership, action))


class Attendance(models.Model):
    """One person at one session. `hours` is the time attended (partial when late or leaving early)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("attendance"), max_length=8, choices=AttendanceStatus.choices)
    hours = models.DecimalField(_("hours attended"), max_digits=5, decimal_places=2, default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_unique"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="attendance_hours_positive"),
        ]
        indexes = [models.Index(fields=["enrolment", "session"])]

    def __str__(self):
        return f"{self.enrolment_id}@{self.session_id}: {self.status}"


class AssessmentMoment(models.TextChoices):
    ENTRY = "entry", _("Entry")
    EXIT = "exit", _("Exit")


class AssessmentEvidence(models.TextChoices):
    PLACEMENT_TEST = "placement_test", _("Placement test")
    TEACHER = "teacher", _("Teacher's assessment")
    CERTIFICATE = "certificate", _("Certificate")


class LanguageCertificate(models.TextChoices):
    CILS = "CILS", "CILS"
    CELI = "CELI", "CELI"
    PLIDA = "PLIDA", "PLIDA"
    CERT_IT = "CERT.IT", "CERT.IT"
    OTHER = "other", _("Other")


SKILLS = ("listening", "reading", "spoken_interaction", "spoken_production", "writing")


class AssessmentQuerySet(ScopedQuerySet):
    def scope(self, membership, action):
        return self.filter(enrolment__in=Enrolment.objects.scope(membership, action))


def _level_field(label):
    return models.PositiveSmallIntegerField(label, choices=CEFRLevel.choices, null=True, blank=True)


class LanguageAssessment(models.Model):
    """An entry or exit CEFR assessment of a participant in a course: overall and optionally per skill."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="assessments")
    moment = models.CharField(_("moment"), max_length=5, choices=AssessmentMoment.choices)
    date = models.DateField(_("date"))
    language = models.ForeignKey(
        "territory.Language", on_delete=models.PROTECT, related_name="+", verbose_name=_("language assessed")
    )
    overall = models.PositiveSmallIntegerField(_("overall level"), choices=CEFRLevel.choices)
    listening = _level_field(_("listening"))
    reading = _level_field(_("reading"))
    spoken_interaction = _level_field(_("spoken interaction"))
    spoken_production = _level_field(_("spoken production"))
    writing = _level_field(_("writing"))
    evidence = models.CharField(_("evidence"), max_length=20, choices=AssessmentEvidence.choices)
    certificate_name = models.CharField(
        _("certificate"), max_length=10, choices=LanguageCertificate.choices, blank=True
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    assessor_name = models.CharField(_("assessor"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["enrolment", "moment"]
        verbose_name = _("language assessment")
        verbose_name_plural = _("language assessments")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "moment"], name="assessment_one_per_moment"),
            models.CheckConstraint(
                condition=~Q(evidence="certificate") | ~Q(certificate_name=""),
                name="assessment_certificate_named",
            ),
        ]

    def __str__(self):
        return f"{self.get_moment_display()} {self.get_overall_display()}"

    def skill_levels(self) -> dict[str, int | None]:
        return {skill: getattr(self, skill) for skill in SKILLS}


class SelfAssessmentQuerySet(ScopedQuerySet):
    def scope(self, membership, action):
        return self.filter(enrolment__in=Enrolment.objects.scope(membership, action))


class SelfAssessment(models.Model):
    """A trainee's own rating (1-5) of their competence on a training topic, before or after."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="self_assessments")
    topic = models.ForeignKey(TrainingTopic, on_delete=models.CASCADE, related_name="ratings")
    moment = models.CharField(_("moment"), max_length=5, choices=[("pre", _("Before")), ("post", _("After"))])
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    recorded_at = models.DateTimeField(auto_now=True)

    objects = SelfAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "topic", "moment"], name="self_assessment_unique"),
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="self_assessment_range"),
        ]

    def __str__(self):
        return f"{self.topic} ({self.moment}): {self.score}"


class CertificateKind(models.TextChoices):
    ATTENDANCE = "attendance", _("Certificate of attendance")
    COMPLETION = "completion", _("Certificate of completion")


# No 0/O, 1/I/L: the code is read aloud and typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class CertificateQuerySet(ScopedQuerySet):
    def scope(self, membership, action):
        return self.filter(enrolment__in=Enrolment.objects.scope(membership, action))


class Certificate(models.Model):
    """A certificate issued for an enrolment, checkable on the public verification page by its code."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="certificates")
    kind = models.CharField(_("kind"), max_length=12, choices=CertificateKind.choices)
    code = models.CharField(_("verification code"), max_length=14, unique=True, default=new_verification_code)
    # Frozen at issue time: the certificate states what was true when it was signed.
    hours_attended = models.DecimalField(_("hours attended"), max_digits=7, decimal_places=2)
    exit_level = models.PositiveSmallIntegerField(
        _("CEFR level reached"), choices=CEFRLevel.choices, null=True, blank=True
    )
    second_language = models.CharField(
        _("second language"), max_length=10, blank=True, help_text=_("Interface language code, e.g. ar.")
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "kind"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_one_valid",
            )
        ]

    def __str__(self):
        return self.code

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    def get_verification_url(self):
        return reverse("certificate_verify", args=[self.code])


class HelpfulScale(models.IntegerChoices):
    """The kept scale of "was this activity helpful for your integration?" (same wording every year)."""

    NOT_AT_ALL = 1, _("Not at all")
    A_LITTLE = 2, _("A little")
    SOMEWHAT = 3, _("Somewhat")
    MUCH = 4, _("Much")
    VERY_MUCH = 5, _("Very much")


class FeedbackChannel(models.TextChoices):
    LINK = "link", _("Personal link or QR code")
    OPERATOR = "operator", _("Entered by an operator")


def new_feedback_token() -> str:
    return secrets.token_urlsafe(16)


class FeedbackInvitation(models.Model):
    """A personal link (also printed as a QR code) to answer an activity's questionnaire once."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="feedback_invitation")
    token = models.CharField(max_length=32, unique=True, default=new_feedback_token)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("feedback invitation")
        verbose_name_plural = _("feedback invitations")

    def __str__(self):
        return f"{self.enrolment_id}: {'used' if self.used_at else 'open'}"

    def get_absolute_url(self):
        return reverse("feedback_answer", args=[self.token])


class FeedbackQuerySet(ScopedQuerySet):
    def scope(self, membership, action):
        return self.filter(
            activity__in=Activity.objects.scope(membership, VIEW if action == VIEW else REGISTER)
        )


class FeedbackResponse(models.Model):
    """An answer to the end-of-activity questionnaire. Anonymous answers keep no link to the enrolment."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="feedback")
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    helpful_for_integration = models.PositiveSmallIntegerField(
        _("Was this activity helpful for your integration?"), choices=HelpfulScale.choices
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("How satisfied are you with the activity overall?"), choices=HelpfulScale.choices
    )
    would_recommend = models.BooleanField(_("Would you recommend it to a friend?"), null=True, blank=True)
    comment = models.TextField(_("Anything else you want to tell us?"), blank=True, max_length=2000)
    language = models.CharField(_("language of the answer"), max_length=10)
    channel = models.CharField(_("channel"), max_length=10, choices=FeedbackChannel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"], condition=Q(enrolment__isnull=False), name="feedback_once_per_enrolment"
            )
        ]

    def __str__(self):
        return f"{self.activity_id} {self.submitted_at:%Y-%m-%d}: {self.helpful_for_integration}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class PublicRegistrationQuerySet(ScopedQuerySet):
    """Registrations from the public portal; staff reach them through the activity they belong to."""

    def scope(self, membership, action):
        return self.filter(activity__in=Activity.objects.scope(membership, action))

    def holding_a_place(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waiting(self):
        return self.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")

    def reached(self):
        """People reached by an event (indicator P3.2): registrations that checked in."""
        return self.filter(checked_in_at__isnull=False)


class PublicRegistration(models.Model):
    """A registration to a public event made on the portal, without an account (iscrizione pubblica).

    The visitor gets a confirmation code (to quote), a check-in code (to show at the door) and a private
    cancellation link. Name and contact are kept only until `purge_after`; the counts stay.
    """

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="public_registrations")
    full_name = models.CharField(_("name"), max_length=200)
    contact = models.CharField(_("e-mail or phone"), max_length=200)
    language = models.CharField(_("language"), max_length=12)
    people = models.PositiveSmallIntegerField(_("people"), default=1, validators=[MinValueValidator(1)])
    consent_at = models.DateTimeField(_("consent given on"))
    consent_text_version = models.CharField(_("privacy notice version"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.CONFIRMED
    )
    confirmation_code = models.CharField(_("confirmation code"), max_length=12, unique=True)
    checkin_code = models.CharField(_("check-in code"), max_length=8)
    cancel_token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("registered on"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved from the waiting list on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in on"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    anonymised_at = models.DateTimeField(_("personal data removed on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = PublicRegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("public registration")
        verbose_name_plural = _("public registrations")
        constraints = [
            models.UniqueConstraint(fields=["activity", "checkin_code"], name="registration_checkin_unique")
        ]
        indexes = [models.Index(fields=["activity", "status"])]

    def __str__(self):
        return self.confirmation_code
