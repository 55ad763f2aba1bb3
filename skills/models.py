"""Skills profiles (messa in trasparenza delle competenze): what a participant knows and can do, each claim with
the strength of its evidence, built in an interview between operator and participant.

Reference data: ESCO occupations, ISCO-08 groups and ESCO skills (shipped in skills/data/, URIs kept);
DigComp, EQF, ISCED-F and the other small frameworks are in `skills.reference`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from activities.models import CEFRLevel
from core.fields import EncryptedTextField
from core.scoping import VIEW, ScopedQuerySet
from people.models import WORK
from skills.reference import (
    ConstraintKind,
    DigCompArea,
    DigCompLevel,
    EQFLevel,
    FieldOfStudy,
    LicenceCategory,
    LicenceStatus,
    RecognitionStatus,
    TransversalSkill,
)

# --- ESCO reference data ---------------------------------------------------------------------------------


class LabelSource(models.TextChoices):
    OFFICIAL = "official", _("Official ESCO label")
    DERIVED = "derived", _("Derived from the ESCO text")


class EscoConceptQuerySet(models.QuerySet):
    def search(self, text: str, limit: int = 15):
        """Concepts whose labels contain every word typed, labels that start with the text first. Italian
        labels where loaded, English otherwise (alternative labels too)."""
        words = (text or "").split()
        if not words:
            return self.none()
        condition = Q()
        for word in words[:6]:
            condition &= (
                Q(label__icontains=word) | Q(label_it__icontains=word) | Q(alt_labels__icontains=word)
            )
        starts = Q(label__istartswith=text.strip()) | Q(label_it__istartswith=text.strip())
        return (
            self.filter(condition)
            .annotate(starts=models.Case(models.When(starts, then=0), default=1))
            .order_by("starts", models.functions.Length("label"), "label")[:limit]
        )


class EscoConcept(models.Model):
    uri = models.CharField(_("URI"), max_length=120, unique=True)
    label = models.CharField(_("label (English)"), max_length=300)
    label_it = models.CharField(_("label (Italian)"), max_length=300, blank=True)
    label_source = models.CharField(max_length=10, choices=LabelSource.choices, default=LabelSource.OFFICIAL)
    alt_labels = models.TextField(_("alternative labels"), blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = EscoConceptQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["label"]

    def __str__(self):
        return self.display_label

    @property
    def display_label(self) -> str:
        if self.label_it and (get_language() or "it").startswith("it"):
            return self.label_it
        return self.label


class Occupation(EscoConcept):
    """An ESCO occupation or an ISCO-08 group (ISCO groups have their code in `isco_code`)."""

    isco_code = models.CharField(_("ISCO-08 code"), max_length=4, blank=True, db_index=True)

    class Meta(EscoConcept.Meta):
        verbose_name = _("occupation (ESCO/ISCO)")
        verbose_name_plural = _("occupations (ESCO/ISCO)")


class Skill(EscoConcept):
    """An ESCO skill or knowledge concept."""

    skill_type = models.CharField(_("type"), max_length=30, blank=True)

    class Meta(EscoConcept.Meta):
        verbose_name = _("skill (ESCO)")
        verbose_name_plural = _("skills (ESCO)")


# --- The profile ---------------------------------------------------------------------------------------


class Section(models.TextChoices):
    """The sections of the interview, in order; each counts once towards completeness."""

    SUMMARY = "summary", _("About me")
    EDUCATION = "education", _("Education and qualifications")
    WORK = "work", _("Work experience")
    LANGUAGES = "languages", _("Languages")
    DIGITAL = "digital", _("Digital skills")
    SOFT_SKILLS = "soft_skills", _("Soft skills")
    LICENCES = "licences", _("Driving licences")
    ASPIRATIONS = "aspirations", _("Wishes and constraints")
    NEXT_STEPS = "next_steps", _("Next steps")


# Sections where "nothing to declare" is an answer (no qualification, never worked, no licence, ...).
NOTHING_TO_DECLARE_SECTIONS = frozenset(
    {
        Section.EDUCATION,
        Section.WORK,
        Section.DIGITAL,
        Section.SOFT_SKILLS,
        Section.LICENCES,
        Section.ASPIRATIONS,
    }
)


class EvidenceLevel(models.IntegerChoices):
    """How strong the evidence behind a claim is; higher is stronger."""

    SELF_DECLARED = 1, _("Self-declared")
    OBSERVED = 2, _("Observed by the operator")
    TESTED = 3, _("Tested or certified")
    RECOGNISED = 4, _("Formally recognised")


class SkillsProfileQuerySet(ScopedQuerySet):
    """Actions: "view" and "work" (fill in the interview), on the same people as individual plans."""

    def scope(self, membership, action):
        from people.models import Participant

        return Participant.objects.scope_records(self, membership, VIEW if action == VIEW else WORK)

    def completed_between(self, start, end):
        """Profiles whose interview was concluded in the period (indicator P2.1 counts this event: a later
        correction that empties a section does not undo it)."""
        return self.filter(completed_at__date__gte=start, completed_at__date__lte=end)

    def interviewed(self):
        return self.filter(interview_started_at__isnull=False)


class SkillsProfile(models.Model):
    """A participant's skills profile (scheda di messa in trasparenza delle competenze)."""

    participant = models.OneToOneField(
        "people.Participant", on_delete=models.CASCADE, related_name="skills_profile"
    )
    summary = models.TextField(_("personal summary"), blank=True, max_length=4000)
    mother_tongues = models.ManyToManyField(
        "territory.Language", blank=True, related_name="+", verbose_name=_("mother tongues")
    )
    aspirations = models.TextField(_("wishes for work and study"), blank=True, max_length=4000)
    nothing_to_declare = models.JSONField(_("sections with nothing to declare"), default=list, blank=True)
    interview_language = models.CharField(
        _("participant's language in the interview"), max_length=10, blank=True
    )
    # Set when an operator starts the interview. A profile opened by a course assessment alone (its language
    # level) has none: it does not count as a started profile.
    interview_started_at = models.DateTimeField(_("interview started"), null=True, blank=True, db_index=True)
    completeness = models.PositiveSmallIntegerField(_("completeness (%)"), default=0)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, db_index=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SkillsProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("skills profile")
        verbose_name_plural = _("skills profiles")
        constraints = [
            models.CheckConstraint(condition=Q(completeness__lte=100), name="profile_completeness_percent")
        ]

    def __str__(self):
        return str(self.participant)

    def get_absolute_url(self):
        return reverse("skills:profile", args=[self.participant_id])

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class Claim(models.Model):
    """What every claim of a profile carries: the evidence level, who set it, when and on what basis."""

    evidence_level = models.PositiveSmallIntegerField(
        _("evidence level"), choices=EvidenceLevel.choices, default=EvidenceLevel.SELF_DECLARED
    )
    evidence_note = models.CharField(_("evidence detail"), max_length=300, blank=True)
    evidence_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evidence set by"),
    )
    evidence_set_at = models.DateTimeField(_("evidence set on"), default=timezone.now)
    # The organisation the user acted for when setting the evidence (users change organisation).
    evidence_organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evidence set by (organisation)"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class ClaimQuerySet(ScopedQuerySet):
    def scope(self, membership, action):
        from people.models import Participant

        return Participant.objects.scope_records(
            self, membership, VIEW if action == VIEW else WORK, "profile__participant"
        )


class QualificationQuerySet(ClaimQuerySet):
    def recognition_applied(self):
        """Qualifications obtained abroad whose recognition in Italy was applied for (indicator R.2.10 counts
        their participants; the service type "qualification_recognition" is its other source, decision 0007)."""
        return self.exclude(recognition_status=RecognitionStatus.NONE).exclude(country__iso_alpha2="IT")


class Qualification(Claim):
    """A title of study or vocational qualification, with its recognition in Italy."""

    profile = models.ForeignKey(SkillsProfile, on_delete=models.CASCADE, related_name="qualifications")
    title = models.CharField(_("title"), max_length=200)
    institution = models.CharField(_("school or institution"), max_length=200, blank=True)
    country = models.ForeignKey(
        "territory.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
    )
    year = models.PositiveSmallIntegerField(_("year obtained"), null=True, blank=True)
    completed = models.BooleanField(_("completed"), default=True)
    eqf_level = models.PositiveSmallIntegerField(
        _("EQF level"), choices=EQFLevel.choices, null=True, blank=True
    )
    field_of_study = models.CharField(
        _("field of study"), max_length=2, choices=FieldOfStudy.choices, blank=True
    )
    documents_held = models.JSONField(_("documents held"), default=list, blank=True)
    recognition_status = models.CharField(
        _("recognition in Italy"),
        max_length=12,
        choices=RecognitionStatus.choices,
        default=RecognitionStatus.NONE,
    )
    recognition_applied_on = models.DateField(
        _("recognition applied for on"), null=True, blank=True, db_index=True
    )
    recognition_body = models.CharField(_("recognition body"), max_length=200, blank=True)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)

    objects = QualificationQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(recognition_status="none") | Q(recognition_applied_on__isnull=False),
                name="qualification_recognition_dated",
            )
        ]

    def __str__(self):
        return self.title


class WorkExperience(Claim):
    """A job done, in Italy or abroad, formal or informal."""

    profile = models.ForeignKey(SkillsProfile, on_delete=models.CASCADE, related_name="work_experiences")
    occupation = models.ForeignKey(
        Occupation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation"),
    )
    job_title = models.CharField(_("job as described by the person"), max_length=200, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    country = models.ForeignKey(
        "territory.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
    )
    start_year = models.PositiveSmallIntegerField(_("from (year)"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("to (year)"), null=True, blank=True)
    years = models.DecimalField(
        _("years of experience"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    is_informal = models.BooleanField(_("informal work (no contract)"), default=False)
    tasks = models.TextField(_("tasks"), blank=True, max_length=2000)
    skills = models.ManyToManyField(Skill, blank=True, related_name="+", verbose_name=_("skills used"))

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "pk"]
        verbose_name = _("work experience")
        verbose_name_plural = _("work experiences")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="work_years_in_order",
            ),
            models.CheckConstraint(
                condition=Q(occupation__isnull=False) | ~Q(job_title=""), name="work_has_occupation_or_title"
            ),
        ]

    def __str__(self):
        return str(self.occupation) if self.occupation_id else self.job_title


def _cefr_field(label):
    return models.PositiveSmallIntegerField(label, choices=CEFRLevel.choices, null=True, blank=True)


CEFR_SKILLS = ("listening", "reading", "spoken_interaction", "spoken_production", "writing")


class LanguageSkill(Claim):
    """A language other than the mother tongue, with a CEFR level per skill. Course assessments update it."""

    profile = models.ForeignKey(SkillsProfile, on_delete=models.CASCADE, related_name="languages")
    language = models.ForeignKey(
        "territory.Language", on_delete=models.PROTECT, related_name="+", verbose_name=_("language")
    )
    overall = _cefr_field(_("overall level"))
    listening = _cefr_field(_("listening"))
    reading = _cefr_field(_("reading"))
    spoken_interaction = _cefr_field(_("spoken interaction"))
    spoken_production = _cefr_field(_("spoken production"))
    writing = _cefr_field(_("writing"))
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    source_assessment = models.ForeignKey(
        "activities.LanguageAssessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the course assessment"),
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("language skill")
        verbose_name_plural = _("language skills")
        constraints = [models.UniqueConstraint(fields=["profile", "language"], name="language_skill_unique")]

    def __str__(self):
        return str(self.language)

    def levels(self) -> dict[str, int | None]:
        return {skill: getattr(self, skill) for skill in CEFR_SKILLS}

    @property
    def lowest_level(self) -> int | None:
        """The overall level, or the lowest skill where only per-skill levels exist (indicators use this)."""
        if self.overall is not None:
            return self.overall
        values = [v for v in self.levels().values() if v is not None]
        return min(values) if values else None


class DigitalSkill(Claim):
    """A DigComp 2.2 area with the person's proficiency level (1-8)."""

    profile = models.ForeignKey(SkillsProfile, on_delete=models.CASCADE, related_name="digital_skills")
    area = models.CharField(_("DigComp area"), max_length=1, choices=DigCompArea.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=DigCompLevel.choices)
    competences = models.JSONField(_("competences shown"), default=list, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["area"]
        verbose_name = _("digital skill")
        verbose_name_plural = _("digital skills")
        constraints = [
            models.UniqueConstraint(fields=["profile", "area"], name="digital_skill_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=8), name="digital_level_range"),
        ]

    def __str__(self):
        return f"{self.get_area_display()}: {self.level}"


class SoftSkill(Claim):
    """A soft or transversal skill, with the situation that shows it."""

    profile = models.ForeignKey(SkillsProfile, on_delete=models.CASCADE, related_name="soft_skills")
    skill = models.CharField(_("skill"), max_length=20, choices=TransversalSkill.choices)
    example = models.CharField(_("example"), max_length=300, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["skill"]
        verbose_name = _("soft skill")
        verbose_name_plural = _("soft skills")
        constraints = [models.UniqueConstraint(fields=["profile", "skill"], name="soft_skill_unique")]

    def __str__(self):
        return self.get_skill_display()


class DrivingLicence(Claim):
    """A driving licence category, where it was issued and whether it can be used in Italy."""

    profile = models.ForeignKey(SkillsProfile, on_delete=models.CASCADE, related_name="licences")
    category = models.CharField(_("category"), max_length=3, choices=LicenceCategory.choices)
    country = models.ForeignKey(
        "territory.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued in"),
    )
    status = models.CharField(
        _("use in Italy"), max_length=16, choices=LicenceStatus.choices, default=LicenceStatus.UNKNOWN
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["category"]
        verbose_name = _("driving licence")
        verbose_name_plural = _("driving licences")
        constraints = [models.UniqueConstraint(fields=["profile", "category"], name="licence_unique")]

    def __str__(self):
        return self.category


class ConstraintQuerySet(ScopedQuerySet):
    """Constraints are sensitive (health, family): only the case's operators see them (skills.sensitive)."""

    def scope(self, membership, action):
        from core.roles import role_can
        from people.models import Participant

        if not role_can(membership.role, "skills.sensitive"):
            return self.none()
        return Participant.objects.scope_records(
            self, membership, VIEW if action == VIEW else WORK, "profile__participant"
        )


class ProfileConstraint(models.Model):
    """Something that limits work or training (childcare, transport, health). The note is encrypted at rest
    and masked in the audit log."""

    profile = models.ForeignKey(SkillsProfile, on_delete=models.CASCADE, related_name="constraints")
    kind = models.CharField(_("kind"), max_length=12, choices=ConstraintKind.choices)
    note = EncryptedTextField(_("confidential note"), blank=True)
    is_active = models.BooleanField(_("current"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ConstraintQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("constraint")
        verbose_name_plural = _("constraints")

    def __str__(self):
        # Neutral: the audit log shows this text to the Region, which must not learn the kind.
        return f"{self._meta.verbose_name} {self.pk or ''}".strip()


class NextStep(models.Model):
    """What the counsellor and the person agree to do next; it becomes a goal of the individual plan."""

    profile = models.ForeignKey(SkillsProfile, on_delete=models.CASCADE, related_name="next_steps")
    text = models.CharField(_("next step"), max_length=200)
    area = models.ForeignKey(
        "paths.GoalArea", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    due_date = models.DateField(_("by"), null=True, blank=True)
    goal = models.OneToOneField(
        "paths.Goal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="from_next_step",
        verbose_name=_("goal of the plan"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("next step")
        verbose_name_plural = _("next steps")

    def __str__(self):
        return self.text


class ChangeSource(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    ASSESSMENT = "assessment", _("Course assessment")
    CORRECTION = "correction", _("Correction")
    REMOVAL = "removal", _("Removed")


class ClaimChange(models.Model):
    """History of a profile's claims: what changed, with which evidence, by whom, when and from where.
    Rows are only added; the profile page and the exports show the current claims."""

    profile = models.ForeignKey(SkillsProfile, on_delete=models.CASCADE, related_name="changes")
    section = models.CharField(_("section"), max_length=12, choices=Section.choices)
    claim_id = models.PositiveIntegerField(null=True, blank=True)
    claim_label = models.CharField(_("claim"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict, blank=True)  # {field: [old, new]}, raw values
    evidence_level = models.PositiveSmallIntegerField(
        _("evidence level"), choices=EvidenceLevel.choices, null=True, blank=True
    )
    previous_evidence_level = models.PositiveSmallIntegerField(
        _("previous evidence level"), choices=EvidenceLevel.choices, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=12, choices=ChangeSource.choices)
    assessment = models.ForeignKey(
        "activities.LanguageAssessment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied = models.BooleanField(_("applied"), default=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("profile change")
        verbose_name_plural = _("profile changes")

    def __str__(self):
        return f"{self.get_section_display()}: {self.claim_label}"
