"""Participants (third-country nationals), their consents and vulnerability flags, and read access logs."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.roles import ALL_RECORDS_ROLES, role_can
from core.scoping import VIEW, ScopedQuerySet

WORK = "work"
NEWLY_ARRIVED_YEARS = 2
SECOND_GENERATION_MAX_ARRIVAL_AGE = 6
ADULT_AGE = 18


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other / not stated")


class PermitReason(models.TextChoices):
    """Reasons for a residence permit (motivi del permesso di soggiorno)."""

    WORK_EMPLOYED = "work_employed", _("Work (employed)")
    WORK_SEASONAL = "work_seasonal", _("Seasonal work")
    WORK_SELF_EMPLOYED = "work_self_employed", _("Self-employment")
    JOB_SEEKING = "job_seeking", _("Job seeking")
    FAMILY = "family", _("Family")
    STUDY = "study", _("Study")
    INTERNATIONAL_PROTECTION = "international_protection", _("International protection")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum application")
    SPECIAL_PROTECTION = "special_protection", _("Special protection")
    SOCIAL_PROTECTION = "social_protection", _("Social protection (art. 18)")
    MEDICAL = "medical", _("Medical care")
    MINOR_AGE = "minor_age", _("Minor age")
    UNACCOMPANIED_MINOR = "unaccompanied_minor", _("Unaccompanied minor")
    EU_BLUE_CARD = "eu_blue_card", _("EU Blue Card")
    STATELESS = "stateless", _("Statelessness")
    ELECTIVE_RESIDENCE = "elective_residence", _("Elective residence")
    JUSTICE = "justice", _("Justice")
    EU_LONG_TERM = "eu_long_term", _("EU long-term residence")
    TEMPORARY_PROTECTION = "temporary_protection", _("Temporary protection")
    OTHER = "other", _("Other")


class EducationLevel(models.TextChoices):
    """Highest education completed, ISCED 2011 groups."""

    NONE = "none", _("No formal education")
    PRIMARY = "isced1", _("Primary (ISCED 1)")
    LOWER_SECONDARY = "isced2", _("Lower secondary (ISCED 2)")
    UPPER_SECONDARY = "isced3", _("Upper secondary (ISCED 3)")
    POST_SECONDARY = "isced4", _("Post-secondary non-tertiary (ISCED 4)")
    TERTIARY = "isced5_8", _("Tertiary (ISCED 5-8)")
    UNKNOWN = "unknown", _("Not known")


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    UNEMPLOYED = "unemployed", _("Unemployed, looking for work")
    INACTIVE = "inactive", _("Not looking for work")
    STUDENT = "student", _("In education or training")
    UNKNOWN = "unknown", _("Not known")


class ParticipantStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class TargetGroup(models.TextChoices):
    """Vulnerable targets of the plan, derived from the registry data (never typed in)."""

    WOMAN = "woman", _("Woman")
    NEWLY_ARRIVED_MINOR = "newly_arrived_minor", _("Newly-arrived minor")
    UNACCOMPANIED_MINOR = "unaccompanied_minor", _("Unaccompanied minor")
    SECOND_GENERATION = "second_generation", _("Second generation")


AGE_BANDS: list[tuple[str, int, int | None]] = [
    ("0-17", 0, 17),
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55-64", 55, 64),
    ("65+", 65, None),
]


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class ParticipantQuerySet(ScopedQuerySet):
    """Actions: "view" (read the record), "work" (plans, services, referrals on the person) and "change"
    (edit the registry data, owner organisation only)."""

    def scope(self, membership, action):
        condition = self.scope_condition(membership, action)
        return self.none() if condition is None else self.filter(condition)

    def scope_condition(self, membership, action, path: str = "") -> Q | None:
        """The scope as a condition on the participant reached through `path` ("" for participants
        themselves, "participant" or "plan__participant" for their records); None means nothing.

        Records of a person filter with this condition directly instead of `participant__in=<scope>`, so
        the database checks the person's owner row by row rather than listing every participant the
        organisation reaches (which costs milliseconds on each query of a participant's page)."""
        permission = {VIEW: "participant.view", WORK: "plan.change"}.get(action, "participant.change")
        if not role_can(membership.role, permission):
            return None
        if membership.role in ALL_RECORDS_ROLES:
            return Q()
        prefix = f"{path}__" if path else ""
        own = Q(**{f"{prefix}owner_id": membership.organisation_id})
        if action not in (VIEW, WORK):
            return own
        # While a referral to the organisation is accepted, it sees and works on the person.
        from paths.models import Referral

        accepted = Referral.objects.active_for(membership.organisation_id).values("participant_id")
        return own | Q(**{f"{path}__in" if path else "pk__in": accepted})

    def scope_records(self, records, membership, action, path: str = "participant"):
        """Filter `records` (a queryset of a person's records) to the people in scope."""
        condition = self.scope_condition(membership, action, path)
        return records.none() if condition is None else records.filter(condition)

    def active(self):
        return self.filter(status=ParticipantStatus.ACTIVE)

    def age_band(self, band: str, today: datetime.date | None = None):
        today = today or timezone.localdate()
        for code, low, high in AGE_BANDS:
            if code == band:
                # Born on or before (today - low years) and after (today - (high+1) years).
                qs = self.filter(birth_date__lte=years_before(today, low))
                if high is not None:
                    qs = qs.filter(birth_date__gt=years_before(today, high + 1))
                return qs
        return self.none()

    def in_target_group(self, group: str, today: datetime.date | None = None):
        return self.filter(target_group_q(group, today or timezone.localdate()))

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        q = Q()
        for word in text.split():
            q &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(codice_fiscale__iexact=word)
                | Q(email__iexact=word)
            )
        return self.filter(q)


def target_group_q(group: str, today: datetime.date) -> Q:
    """The SQL condition for a derived target group, as of `today`."""
    adult_cutoff = years_before(today, ADULT_AGE)
    if group == TargetGroup.WOMAN:
        return Q(sex=Sex.FEMALE)
    if group == TargetGroup.NEWLY_ARRIVED_MINOR:
        return Q(birth_date__gt=adult_cutoff, arrival_date__gte=years_before(today, NEWLY_ARRIVED_YEARS))
    if group == TargetGroup.UNACCOMPANIED_MINOR:
        return Q(birth_date__gt=adult_cutoff) & (
            Q(unaccompanied_minor=True) | Q(permit_reason=PermitReason.UNACCOMPANIED_MINOR)
        )
    if group == TargetGroup.SECOND_GENERATION:
        # Born in Italy, or arrived before school age (so schooled in Italy from the start). The arrival age
        # is stored on save, so the condition stays a plain indexed comparison.
        return Q(country_of_birth__iso_alpha2="IT") | Q(arrived_before_school_age=True)
    return Q(pk__in=[])


class Participant(models.Model):
    """A third-country national taking part in the plan (cittadino di paese terzo, CPT)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("owner organisation"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), db_index=True)
    country_of_birth = models.ForeignKey(
        "territory.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country of birth")
    )
    citizenships = models.ManyToManyField(
        "territory.Country", related_name="citizens", blank=True, verbose_name=_("citizenships")
    )
    is_stateless = models.BooleanField(_("stateless"), default=False)
    codice_fiscale = models.CharField(_("codice fiscale"), max_length=16, blank=True, db_index=True)
    permit_reason = models.CharField(
        _("residence permit reason"), max_length=30, choices=PermitReason.choices, blank=True
    )
    permit_expiry = models.DateField(_("residence permit expiry"), null=True, blank=True)
    permit_being_renewed = models.BooleanField(_("permit being renewed"), default=False)
    arrival_date = models.DateField(_("arrival in Italy"), null=True, blank=True)
    arrived_before_school_age = models.BooleanField(default=False, editable=False)
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("municipality of residence"),
    )
    languages = models.ManyToManyField(
        "territory.Language", blank=True, related_name="speakers", verbose_name=_("languages spoken")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    education_level = models.CharField(
        _("education level"), max_length=10, choices=EducationLevel.choices, default=EducationLevel.UNKNOWN
    )
    employment_status = models.CharField(
        _("employment status"),
        max_length=20,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.UNKNOWN,
    )
    unaccompanied_minor = models.BooleanField(_("unaccompanied minor (MSNA)"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ParticipantStatus.choices, default=ParticipantStatus.ACTIVE
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [
            models.Index(fields=["owner", "last_name", "first_name"]),
            models.Index(fields=["last_name", "first_name", "birth_date"]),
        ]

    def __str__(self):
        return f"{self.last_name} {self.first_name}"

    def get_absolute_url(self):
        return reverse("people:participant_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.codice_fiscale = (self.codice_fiscale or "").strip().upper()
        self.arrived_before_school_age = bool(
            self.arrival_date
            and self.birth_date
            and age_on(self.birth_date, self.arrival_date) < SECOND_GENERATION_MAX_ARRIVAL_AGE
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"arrival_date", "birth_date"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "arrived_before_school_age", "codice_fiscale"}
        super().save(*args, **kwargs)

    def age(self, today: datetime.date | None = None) -> int:
        return age_on(self.birth_date, today or timezone.localdate())

    def target_groups(self, today: datetime.date | None = None) -> list[TargetGroup]:
        """Derived target groups; the same rules as `target_group_q`, in Python for one record."""
        today = today or timezone.localdate()
        minor = self.age(today) < ADULT_AGE
        groups = []
        if self.sex == Sex.FEMALE:
            groups.append(TargetGroup.WOMAN)
        if minor and self.arrival_date and self.arrival_date >= years_before(today, NEWLY_ARRIVED_YEARS):
            groups.append(TargetGroup.NEWLY_ARRIVED_MINOR)
        if minor and (self.unaccompanied_minor or self.permit_reason == PermitReason.UNACCOMPANIED_MINOR):
            groups.append(TargetGroup.UNACCOMPANIED_MINOR)
        if self.country_of_birth.iso_alpha2 == "IT" or self.arrived_before_school_age:
            groups.append(TargetGroup.SECOND_GENERATION)
        return groups

    @property
    def permit_expired(self) -> bool:
        return bool(self.permit_expiry and self.permit_expiry < timezone.localdate())


class ConsentPurpose(models.TextChoices):
    SERVICES = "services", _("Processing of personal data to receive services")
    SHARING = "sharing", _("Sharing data with network organisations for referrals")
    CONTACT = "contact", _("Being contacted about activities and opportunities")
    IMAGES = "images", _("Photos and videos during activities")


class ConsentScope(models.TextChoices):
    OWN = "own", _("This organisation only")
    LISTED = "listed", _("The organisations listed")
    NETWORK = "network", _("All organisations of the network")


class ConsentEvidence(models.TextChoices):
    SIGNED_FORM = "signed_form", _("Signed paper form")
    DIGITAL_SIGNATURE = "digital_signature", _("Digital signature")
    ORAL_WITH_MEDIATOR = "oral_mediator", _("Given orally with a cultural mediator present")
    GUARDIAN = "guardian", _("Given by parent or guardian")
    OTHER = "other", _("Other")


class ConsentQuerySet(ScopedQuerySet):
    def delete(self):
        raise ValidationError(_("Consents are never deleted: withdraw them instead."))

    def scope(self, membership, action):
        return Participant.objects.scope_records(self, membership, action)

    def in_force(self):
        return self.filter(granted=True, withdrawn_at__isnull=True)

    def covering(self, organisation, purpose: str = ConsentPurpose.SHARING):
        """Consents in force that let the owner share with `organisation` for `purpose`."""
        return (
            self.in_force()
            .filter(purpose=purpose)
            .filter(
                Q(scope=ConsentScope.NETWORK)
                | Q(scope=ConsentScope.LISTED, organisations=organisation)
                | Q(scope=ConsentScope.OWN, participant__owner=organisation)
            )
            .distinct()
        )


class Consent(models.Model):
    """A consent given or refused by a participant. Immutable: a change withdraws it and records a new one."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("consent given"), default=True)
    scope = models.CharField(
        _("recipients"), max_length=10, choices=ConsentScope.choices, default=ConsentScope.OWN
    )
    organisations = models.ManyToManyField(
        "network.Organisation", blank=True, related_name="+", verbose_name=_("organisations covered")
    )
    given_on = models.DateField(_("date"))
    evidence = models.CharField(_("evidence"), max_length=20, choices=ConsentEvidence.choices)
    evidence_reference = models.CharField(
        _("evidence reference"),
        max_length=200,
        blank=True,
        help_text=_("Protocol number, file name, witness…"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.RESTRICT, null=True, blank=True, related_name="superseded_by"
    )

    objects = ConsentQuerySet.as_manager()

    IMMUTABLE_FIELDS = (
        "participant_id",
        "purpose",
        "granted",
        "scope",
        "given_on",
        "evidence",
        "recorded_by_id",
    )

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.given_on:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        if self.pk:
            stored = Consent.objects.filter(pk=self.pk).values(*self.IMMUTABLE_FIELDS, "withdrawn_at").first()
            if stored:
                if any(stored[field] != getattr(self, field) for field in self.IMMUTABLE_FIELDS):
                    raise ValidationError(_("A consent cannot be edited: withdraw it and record a new one."))
                if stored["withdrawn_at"] is not None and stored["withdrawn_at"] != self.withdrawn_at:
                    raise ValidationError(_("This consent has already been withdrawn."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Consents are never deleted: withdraw them instead."))

    @property
    def in_force(self) -> bool:
        return self.granted and self.withdrawn_at is None


class VulnerabilityKind(models.TextChoices):
    TRAFFICKING = "trafficking", _("Victim of trafficking or exploitation")
    VIOLENCE = "violence", _("Victim of violence")
    TORTURE = "torture", _("Survivor of torture")
    DISABILITY = "disability", _("Disability")
    SERIOUS_ILLNESS = "illness", _("Serious illness")
    MENTAL_HEALTH = "mental_health", _("Psychological distress")
    SINGLE_PARENT = "single_parent", _("Single parent with minor children")
    PREGNANCY = "pregnancy", _("Pregnancy")
    ELDERLY = "elderly", _("Elderly person")
    HOUSING_EMERGENCY = "housing", _("Housing emergency")
    OTHER = "other", _("Other")


class VulnerabilityFlagQuerySet(ScopedQuerySet):
    def scope(self, membership, action):
        return Participant.objects.scope_records(self, membership, action)


class VulnerabilityFlag(models.Model):
    """A vulnerability of a participant; the note is special-category data, encrypted at rest."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="vulnerabilities")
    kind = models.CharField(_("kind"), max_length=20, choices=VulnerabilityKind.choices)
    note = EncryptedTextField(_("confidential note"), blank=True)
    is_active = models.BooleanField(_("current"), default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = VulnerabilityFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("vulnerability")
        verbose_name_plural = _("vulnerabilities")

    def __str__(self):
        return self.get_kind_display()


class ParticipantAccessLog(models.Model):
    """One read of a participant's record by a workspace user (who, as which organisation, when, from where)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="access_logs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    role = models.CharField(max_length=30, blank=True)
    accessed_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(max_length=10, default="web")
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-accessed_at"]
        verbose_name = _("participant access")
        verbose_name_plural = _("participant accesses")

    def __str__(self):
        return f"{self.user} → {self.participant_id} @ {self.accessed_at:%Y-%m-%d %H:%M}"
