"""Individual plans, services delivered, referrals between organisations, cultural mediation, notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.roles import ALL_RECORDS_ROLES, role_can
from core.scoping import VIEW, ScopedQuerySet


class Action(models.TextChoices):
    """The three actions of the plan."""

    GOVERNANCE = "01", _("01 Governance")
    SKILLS = "02", _("02 Skills")
    PARTICIPATION = "03", _("03 Participation")


class Taxonomy(models.Model):
    """A term kept as data (editable by the Region), with Italian and English labels."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_it = models.CharField(_("Italian name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self):
        return self.name_it if (get_language() or "it").startswith("it") else self.name_en


class GoalArea(Taxonomy):
    """An area of an individual plan's goals (Italian language, work, housing, ...)."""

    class Meta(Taxonomy.Meta):
        verbose_name = _("goal area")
        verbose_name_plural = _("goal areas")


class ServiceType(Taxonomy):
    """A kind of service delivered, aligned to the FAMI indicators (indicator code kept for monitoring)."""

    indicator_code = models.CharField(_("indicator"), max_length=20, blank=True)
    default_action = models.CharField(
        _("action"), max_length=2, choices=Action.choices, default=Action.SKILLS
    )

    class Meta(Taxonomy.Meta):
        verbose_name = _("service type")
        verbose_name_plural = _("service types")


def _scope_records(records, membership, action, path="participant"):
    from people.models import Participant

    return Participant.objects.scope_records(records, membership, action, path)


class PlanQuerySet(ScopedQuerySet):
    def scope(self, membership, action):
        return _scope_records(self, membership, VIEW if action == VIEW else "work")

    def current(self):
        return self.filter(is_current=True)


class IndividualPlan(models.Model):
    """An individual plan (progetto/percorso individualizzato). One current version per participant;
    a revision copies the goals into a new version and keeps the old one."""

    participant = models.ForeignKey("people.Participant", on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current"), default=True)
    summary = models.TextField(_("summary"), blank=True)
    next_review = models.DateField(_("next review"), null=True, blank=True)
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("individual plan")
        verbose_name_plural = _("individual plans")
        constraints = [
            models.UniqueConstraint(fields=["participant", "version"], name="plan_unique_version"),
            models.UniqueConstraint(
                fields=["participant"], condition=Q(is_current=True), name="plan_one_current"
            ),
        ]

    def __str__(self):
        return f"{self.participant} v{self.version}"

    def get_absolute_url(self):
        return reverse("paths:plan", args=[self.participant_id])


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    REACHED = "reached", _("Reached")
    DROPPED = "dropped", _("Dropped")


class GoalQuerySet(ScopedQuerySet):
    def scope(self, membership, action):
        return _scope_records(self, membership, VIEW if action == VIEW else "work", "plan__participant")

    def open(self):
        return self.filter(status__in=[GoalStatus.OPEN, GoalStatus.IN_PROGRESS])

    def due_between(self, start, end):
        return self.open().filter(due_date__gte=start, due_date__lte=end)


class Goal(models.Model):
    """A goal of an individual plan, with its steps, owner, due date and review date."""

    plan = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE, related_name="goals")
    area = models.ForeignKey(GoalArea, on_delete=models.PROTECT, related_name="goals", verbose_name=_("area"))
    title = models.CharField(_("goal"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_goals",
        verbose_name=_("owner"),
    )
    owner_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["owner_organisation", "due_date"]),
            models.Index(fields=["owner", "due_date"]),
        ]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self):
        return self.title


class GoalStep(models.Model):
    """A step towards a goal."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    description = models.CharField(_("step"), max_length=300)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self):
        return self.description


class ServiceOutcome(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    PARTIAL = "partial", _("Partly delivered")
    NOT_DELIVERED = "not_delivered", _("Not delivered (no-show)")
    REFERRED = "referred", _("Referred elsewhere")


class ServiceRecordQuerySet(ScopedQuerySet):
    def scope(self, membership, action):
        if action == VIEW:
            return _scope_records(self, membership, VIEW)
        if not role_can(membership.role, "service.record"):
            return self.none()
        return self.filter(organisation_id=membership.organisation_id)


class ServiceRecord(models.Model):
    """A service delivered to a participant (servizio erogato)."""

    participant = models.ForeignKey("people.Participant", on_delete=models.CASCADE, related_name="services")
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="records", verbose_name=_("service")
    )
    date = models.DateField(_("date"), db_index=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=30)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("operator")
    )
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("organisation"),
    )
    action = models.CharField(_("action"), max_length=2, choices=Action.choices)
    outcome = models.CharField(
        _("outcome"), max_length=15, choices=ServiceOutcome.choices, default=ServiceOutcome.DELIVERED
    )
    note = models.TextField(_("note"), blank=True)
    referral = models.ForeignKey(
        "Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="services"
    )
    group_session = models.UUIDField(_("group session"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        indexes = [
            models.Index(fields=["participant", "-date"]),
            models.Index(fields=["operator", "-date"]),
        ]

    def __str__(self):
        return f"{self.service_type} {self.date:%d/%m/%Y}"


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_REFERRAL_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


class ReferralQuerySet(ScopedQuerySet):
    def scope(self, membership, action):
        if not role_can(membership.role, "referral.view"):
            return self.none()
        if membership.role in ALL_RECORDS_ROLES and action == VIEW:
            return self
        org = membership.organisation_id
        return self.filter(Q(from_organisation_id=org) | Q(to_organisation_id=org))

    def open(self):
        return self.filter(status__in=OPEN_REFERRAL_STATUSES)

    def awaiting_answer_from(self, organisation):
        return self.filter(to_organisation=organisation, status=ReferralStatus.SENT)

    def sent_open_by(self, organisation):
        return self.filter(from_organisation=organisation, status__in=OPEN_REFERRAL_STATUSES)

    def active_for(self, organisation):
        """Referrals through which `organisation` works on the participant (accepted, not yet completed)."""
        return self.filter(to_organisation=organisation, status=ReferralStatus.ACCEPTED)


class Referral(models.Model):
    """A referral (invio) of a participant from one organisation to another for a service.

    sent → accepted | rejected; accepted → completed; sent | accepted → withdrawn (by the sender).
    Until it is accepted the receiver sees only `summary`; while accepted it works on the participant."""

    participant = models.ForeignKey("people.Participant", on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("from"),
    )
    to_organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("to"),
    )
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("service requested")
    )
    reason = models.TextField(_("reason for the referral"), blank=True)
    summary = models.CharField(_("summary shared before acceptance"), max_length=300)
    urgent = models.BooleanField(_("urgent"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT, db_index=True
    )
    consent = models.ForeignKey(
        "people.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_override_reason = models.CharField(
        _("reason for sending without consent"), max_length=300, blank=True
    )
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_referrals",
        verbose_name=_("assigned to"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["to_organisation", "status"]),
            models.Index(fields=["from_organisation", "status"]),
        ]

    def __str__(self):
        return f"{self.from_organisation} → {self.to_organisation}: {self.service_type}"

    def get_absolute_url(self):
        return reverse("paths:referral_detail", args=[self.pk])

    @property
    def age_days(self) -> int:
        return (timezone.now() - self.sent_at).days

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES


class ReferralEvent(models.Model):
    """One step in a referral's history, seen by both organisations."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ReferralStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status}→{self.to_status}"


class MediatorProfile(models.Model):
    """A cultural mediator in the roster (mediazione linguistico-culturale): languages and availability."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mediator_profile"
    )
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="mediators"
    )
    languages = models.ManyToManyField(
        "territory.Language", related_name="mediators", verbose_name=_("languages")
    )
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    is_available = models.BooleanField(_("available for new requests"), default=True)

    class Meta:
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")

    def __str__(self):
        return str(self.user)


class MediationStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ASSIGNED = "assigned", _("Assigned")
    CONFIRMED = "confirmed", _("Confirmed by the mediator")
    DECLINED = "declined", _("Declined by the mediator")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class MediationQuerySet(ScopedQuerySet):
    def scope(self, membership, action):
        if role_can(membership.role, "mediation.perform"):
            return self.filter(mediator_id=membership.user_id)
        if membership.role in ALL_RECORDS_ROLES:
            return self
        if role_can(membership.role, "mediation.request") or role_can(membership.role, "mediation.manage"):
            return self.filter(organisation_id=membership.organisation_id)
        return self.none()


class MediationRequest(models.Model):
    """A request for a cultural mediator: language, context, date and place, participant or meeting."""

    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="mediation_requests"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        "people.Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mediation_requests",
        verbose_name=_("participant"),
    )
    meeting = models.CharField(_("meeting (when not for one participant)"), max_length=200, blank=True)
    language = models.ForeignKey("territory.Language", on_delete=models.PROTECT, verbose_name=_("language"))
    service_context = models.CharField(_("service or context"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    planned_minutes = models.PositiveIntegerField(_("planned duration (minutes)"), default=60)
    place = models.CharField(_("place or online link"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=MediationStatus.choices, default=MediationStatus.REQUESTED
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediations",
        verbose_name=_("mediator"),
    )
    hours = models.DecimalField(_("hours worked"), max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MediationQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("mediation request")
        verbose_name_plural = _("mediation requests")

    def __str__(self):
        return f"{self.language} {self.starts_at:%d/%m/%Y %H:%M}"

    def get_absolute_url(self):
        return reverse("paths:mediation_detail", args=[self.pk])


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one user; the text is rendered in the reader's language from `kind`."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)
    key = models.CharField(max_length=80, blank=True, db_index=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_once_per_key"
            )
        ]

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        from paths.notifications import render_text

        return render_text(self.kind, self.params)


__all__ = [
    "OPEN_REFERRAL_STATUSES",
    "Action",
    "Goal",
    "GoalArea",
    "GoalStatus",
    "GoalStep",
    "IndividualPlan",
    "MediationRequest",
    "MediationStatus",
    "MediatorProfile",
    "Notification",
    "Referral",
    "ReferralEvent",
    "ReferralStatus",
    "ServiceOutcome",
    "ServiceRecord",
    "ServiceType",
]
