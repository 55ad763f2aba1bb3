"""The partnership network: organisations, migrant associations and informal groups, agreements,
consultation tables with their meetings and action items.

Governance records (agreements, tables, meetings, action items) hold no personal data about participants:
every workspace role reads them; they are changed by the organisations involved and by the Region."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import ALL_RECORDS_ROLES, role_can
from core.scoping import CHANGE, VIEW, ScopedQuerySet


class OrganisationKind(models.TextChoices):
    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Municipality")
    SOCIAL_DISTRICT = "social_district", _("Social district")
    PREFECTURE = "prefecture", _("Prefecture")
    HEALTH_AUTHORITY = "health_authority", _("Health authority")
    JOB_CENTRE = "job_centre", _("Job centre")
    SCHOOL = "school", _("School or adult-education centre")
    UNIVERSITY = "university", _("University")
    THIRD_SECTOR = "third_sector", _("Third-sector body")
    MIGRANT_ASSOCIATION = "migrant_association", _("Migrant association")
    INFORMAL_GROUP = "informal_group", _("Informal group")
    SOCIAL_PARTNER = "social_partner", _("Social partner")
    EMPLOYER = "employer", _("Employer")


class Sector(models.TextChoices):
    SOCIAL = "social", _("Social services")
    LABOUR = "labour", _("Labour and employment")
    EDUCATION = "education", _("Education and training")
    HEALTH = "health", _("Health")
    HOUSING = "housing", _("Housing")
    LEGAL = "legal", _("Legal and administrative")
    CULTURE = "culture", _("Culture and community")


class NetworkStatus(models.TextChoices):
    ACTIVE = "active", _("Active member")
    CANDIDATE = "candidate", _("Candidate")
    LEFT = "left", _("Left the network")


class Approval(models.TextChoices):
    """The Region's approval of a migrant association or informal group joining the registry."""

    NOT_NEEDED = "not_needed", _("Not needed")
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# Kinds that enter the registry only after the Region approves them.
NEEDS_APPROVAL = frozenset({"migrant_association", "informal_group"})


class OrganisationQuerySet(ScopedQuerySet):
    def scope(self, membership, action):
        if action == VIEW:
            return self if role_can(membership.role, "organisation.view") else self.none()
        if action == CHANGE and role_can(membership.role, "organisation.change"):
            if membership.role in ALL_RECORDS_ROLES:
                return self
            return self.filter(pk=membership.organisation_id)
        return self.none()

    def active(self):
        return self.filter(is_active=True)


class Organisation(models.Model):
    """A partner organisation of the network (ente partner): public body, school, third sector, association."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices, db_index=True)
    tax_code = models.CharField(_("tax code / VAT number"), max_length=16, blank=True)
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("municipality"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    areas_served = models.ManyToManyField(
        "territory.Municipality",
        blank=True,
        related_name="served_by",
        verbose_name=_("municipalities served"),
    )
    districts_served = models.ManyToManyField(
        "territory.SocialDistrict",
        blank=True,
        related_name="served_by",
        verbose_name=_("social districts served"),
    )
    migrant_led = models.BooleanField(
        _("migrant-led"), default=False, help_text=_("Led mainly by people with a migrant background.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=120, blank=True)
    require_mfa = models.BooleanField(
        _("two-factor authentication required"),
        default=False,
        help_text=_("Staff acting for this organisation must set up an authenticator app."),
    )
    provinces_served = models.ManyToManyField(
        "territory.Province", blank=True, related_name="served_by", verbose_name=_("provinces served")
    )
    sectors = models.JSONField(
        _("sectors"), default=list, blank=True, help_text=_("Codes of the sectors the organisation works in.")
    )
    languages_offered = models.ManyToManyField(
        "territory.Language", blank=True, related_name="offered_by", verbose_name=_("languages offered")
    )
    network_status = models.CharField(
        _("status in the network"), max_length=10, choices=NetworkStatus.choices, default=NetworkStatus.ACTIVE
    )
    joined_on = models.DateField(_("joined the network on"), null=True, blank=True)
    left_on = models.DateField(_("left the network on"), null=True, blank=True)
    # Migrant associations and informal groups: the Region approves them before they are listed.
    approval = models.CharField(
        _("approval"), max_length=12, choices=Approval.choices, default=Approval.NOT_NEEDED
    )
    approval_note = models.CharField(_("approval note"), max_length=300, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved on"), null=True, blank=True)
    # An informal group has no legal identity: a reference person answers for it.
    reference_person = models.CharField(_("reference person"), max_length=120, blank=True)
    reference_contact = models.CharField(
        _("reference person's contact"), max_length=120, blank=True, help_text=_("Phone or e-mail.")
    )
    listed_publicly = models.BooleanField(
        _("listed on the public portal"), default=False, help_text=_("Only approved associations are listed.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["name", "municipality"], name="organisation_unique_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("network:organisation_detail", args=[self.pk])

    @property
    def is_region(self) -> bool:
        return self.kind == OrganisationKind.REGION

    @property
    def is_informal(self) -> bool:
        return self.kind == OrganisationKind.INFORMAL_GROUP

    def sector_labels(self) -> list[str]:
        return [str(Sector(code).label) for code in self.sectors if code in Sector.values]


class ContactPerson(models.Model):
    """A contact person of an organisation (not a platform user)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("main contact"), default=False)

    class Meta:
        ordering = ["-is_primary", "name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")

    def __str__(self):
        return self.name


# --------------------------------------------------------------------------------------------- agreements


class AgreementKind(models.TextChoices):
    MEMORANDUM = "memorandum", _("Memorandum of understanding (protocollo d'intesa)")
    LETTER_OF_ADHESION = "adhesion", _("Letter of adhesion (lettera di adesione)")
    CONVENTION = "convention", _("Convention (convenzione)")
    PARTNERSHIP = "partnership", _("Partnership agreement (accordo di partenariato)")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PartyRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PARTNER = "partner", _("Partner")
    ADHERENT = "adherent", _("Adherent")
    SUPPORTER = "supporter", _("Supporter")


class GovernanceQuerySet(ScopedQuerySet):
    """Governance records are read by every workspace role; `change` is decided by `changeable_by`."""

    def scope(self, membership, action):
        if action == VIEW:
            return self if role_can(membership.role, "governance.view") else self.none()
        if not role_can(membership.role, "governance.change"):
            return self.none()
        if membership.role in ALL_RECORDS_ROLES:
            return self
        return self.filter(self.model.changeable_by(membership.organisation_id))


class Agreement(models.Model):
    """An agreement between network organisations: protocollo d'intesa, lettera di adesione, convenzione,
    accordo di partenariato."""

    kind = models.CharField(_("kind"), max_length=12, choices=AgreementKind.choices)
    title = models.CharField(_("subject"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    actions = models.JSONField(_("actions covered"), default=list, blank=True)  # ["01", "02", "03"]
    objectives = models.TextField(_("objectives"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Leave empty for an open-ended agreement.")
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)
    document = models.FileField(_("signed document (PDF)"), upload_to="agreements/%Y/", blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    organisations = models.ManyToManyField(
        Organisation, through="AgreementParty", related_name="agreements", verbose_name=_("parties")
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GovernanceQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "-created_at"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        indexes = [models.Index(fields=["status", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="agreement_validity_order",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["signed", "expired"]) | Q(signed_on__isnull=False),
                name="agreement_signed_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("network:agreement_detail", args=[self.pk])

    @staticmethod
    def changeable_by(organisation_id) -> Q:
        # Any party may update the record (the lead usually does); the Region changes everything.
        return Q(parties__organisation_id=organisation_id)

    def in_force_on(self, day) -> bool:
        return (
            self.status == AgreementStatus.SIGNED
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or day <= self.valid_until)
        )


class AgreementParty(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agreement_parties")
    role = models.CharField(_("role"), max_length=10, choices=PartyRole.choices, default=PartyRole.PARTNER)

    class Meta:
        ordering = ["role", "organisation__name"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="agreement_party_once"),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


# ------------------------------------------------------------------------ consultation tables, meetings


class ConsultationTable(models.Model):
    """A consultation table (tavolo di concertazione / tavolo territoriale) on a theme, for a territory."""

    name = models.CharField(_("name"), max_length=200)
    theme = models.CharField(_("theme"), max_length=250)
    province = models.ForeignKey(
        "territory.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
        help_text=_("Empty for a regional table."),
    )
    district = models.ForeignKey(
        "territory.SocialDistrict",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("social district"),
    )
    coordinator = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="coordinated_tables",
        verbose_name=_("coordinator"),
    )
    members = models.ManyToManyField(
        Organisation, blank=True, related_name="tables", verbose_name=_("members")
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GovernanceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("consultation table")
        verbose_name_plural = _("consultation tables")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("network:table_detail", args=[self.pk])

    @staticmethod
    def changeable_by(organisation_id) -> Q:
        return Q(coordinator_id=organisation_id)


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    """A meeting of a consultation table: agenda before, minutes, decisions and action items after."""

    table = models.ForeignKey(ConsultationTable, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=250, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    # Sanitised HTML (network.actions keeps only safe tags); shown as is.
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    uid = models.UUIDField(unique=True, editable=False, default=uuid.uuid4)  # the calendar event's UID
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GovernanceQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["table", "-starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.starts_at):%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("network:meeting_detail", args=[self.pk])

    @staticmethod
    def changeable_by(organisation_id) -> Q:
        return Q(table__coordinator_id=organisation_id)


class Presence(models.TextChoices):
    INVITED = "invited", _("Invited")
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class MeetingParticipant(models.Model):
    """An organisation at a meeting, and optionally the person who represented it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="meeting_presences")
    person_name = models.CharField(_("represented by"), max_length=120, blank=True)
    presence = models.CharField(
        _("presence"), max_length=10, choices=Presence.choices, default=Presence.INVITED
    )

    class Meta:
        ordering = ["organisation__name", "person_name"]
        verbose_name = _("meeting participant")
        verbose_name_plural = _("meeting participants")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation", "person_name"], name="meeting_participant_once"
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_presence_display()}"


class ActionItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_ACTION_ITEM_STATUSES = (ActionItemStatus.OPEN, ActionItemStatus.IN_PROGRESS)


class ActionItemQuerySet(GovernanceQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_ACTION_ITEM_STATUSES)

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or timezone.localdate())


class ActionItem(models.Model):
    """Something a meeting decided that an organisation must do, followed until it is closed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("owner organisation"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionItemStatus.choices, default=ActionItemStatus.OPEN
    )
    note = models.CharField(_("follow-up note"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["status", "due_date"]), models.Index(fields=["owner", "status"])]

    def __str__(self):
        return self.description

    @staticmethod
    def changeable_by(organisation_id) -> Q:
        # The owner reports progress; the table's coordinator manages the list.
        return Q(owner_id=organisation_id) | Q(meeting__table__coordinator_id=organisation_id)

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_ACTION_ITEM_STATUSES and self.due_date < timezone.localdate()
