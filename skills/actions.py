"""Writes that matter for skills profiles. Each is atomic, takes a keyword-only `acting_user`, checks the
actor's scope itself, is audited by django-auditlog, and adds a row to the profile's claim history.

Evidence levels only mean something if they are honest: "tested or certified" and "formally recognised"
need a note saying which test, certificate or decision; a qualification is "formally recognised" only with
its recognition recorded. A course assessment updates the language level unless the claim already rests on
stronger or newer evidence; either way the history says what happened."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.roles import role_can
from core.scoping import active_membership, get_for_user, require_permission
from people.models import WORK, Participant
from skills.models import (
    CEFR_SKILLS,
    NOTHING_TO_DECLARE_SECTIONS,
    ChangeSource,
    ClaimChange,
    DigitalSkill,
    DrivingLicence,
    EvidenceLevel,
    LanguageSkill,
    NextStep,
    ProfileConstraint,
    Qualification,
    Section,
    SkillsProfile,
    SoftSkill,
    WorkExperience,
)
from skills.reference import DIGCOMP_COMPETENCES, QualificationDocument, RecognitionStatus

# The section each kind of claim belongs to.
CLAIM_SECTIONS: dict[type[models.Model], str] = {
    Qualification: Section.EDUCATION,
    WorkExperience: Section.WORK,
    LanguageSkill: Section.LANGUAGES,
    DigitalSkill: Section.DIGITAL,
    SoftSkill: Section.SOFT_SKILLS,
    DrivingLicence: Section.LICENCES,
}
EVIDENCE_FIELDS = ("evidence_level", "evidence_note")


def _json_value(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, int | float | str | bool | list | dict) or value is None:
        return value
    return str(value)


def _acting_organisation(user):
    membership = active_membership(user) if user is not None else None
    return membership.organisation if membership else None


def _log(
    profile, section, claim, *, acting_user, changes, source=ChangeSource.INTERVIEW, previous=None, **extra
):
    extra.setdefault("organisation", _acting_organisation(acting_user))
    return ClaimChange.objects.create(
        profile=profile,
        section=section,
        claim_id=getattr(claim, "pk", None),
        claim_label=str(claim)[:300],
        changes=changes,
        evidence_level=getattr(claim, "evidence_level", None),
        previous_evidence_level=previous,
        source=source,
        changed_by=acting_user,
        **extra,
    )


def _check_writable(profile: SkillsProfile, acting_user) -> SkillsProfile:
    require_permission(acting_user, "skills.change")
    checked = get_for_user(SkillsProfile.objects.all(), acting_user, WORK, pk=profile.pk)
    if profile.interview_started_at is None:  # an operator writing in a profile opened by a course
        profile.interview_started_at = timezone.now()
        profile.created_by = profile.created_by or acting_user
        profile.save(update_fields=["interview_started_at", "created_by", "updated_at"])
    return checked


# --------------------------------------------------------------------------------------------- profile


@transaction.atomic
def start_profile(participant: Participant, *, acting_user) -> SkillsProfile:
    """The participant's profile, created at the first interview (idempotent)."""
    get_for_user(Participant.objects.all(), acting_user, WORK, pk=participant.pk)
    require_permission(acting_user, "skills.change")
    profile, _created = SkillsProfile.objects.get_or_create(
        participant=participant, defaults={"created_by": acting_user}
    )
    if profile.interview_started_at is None:  # also a profile a course assessment opened
        profile.interview_started_at = timezone.now()
        profile.created_by = profile.created_by or acting_user
        profile.save(update_fields=["interview_started_at", "created_by", "updated_at"])
    return profile


@transaction.atomic
def update_profile(profile: SkillsProfile, *, acting_user, data: dict) -> SkillsProfile:
    """Summary, wishes, the participant's interview language and mother tongues."""
    _check_writable(profile, acting_user)
    data = dict(data)
    mother_tongues = data.pop("mother_tongues", None)
    language = data.get("interview_language")
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"interview_language": _("Choose one of the languages of the interface.")})
    changes = {}
    for name, value in data.items():
        if name not in {"summary", "aspirations", "interview_language"}:
            raise ValueError(name)
        if getattr(profile, name) != value:
            changes[name] = [_json_value(getattr(profile, name)), _json_value(value)]
            setattr(profile, name, value)
    if changes:
        profile.save(update_fields=[*changes, "updated_at"])
    if mother_tongues is not None:
        before = sorted(str(lang) for lang in profile.mother_tongues.all())
        profile.mother_tongues.set(mother_tongues)
        after = sorted(str(lang) for lang in mother_tongues)
        if before != after:
            changes["mother_tongues"] = [before, after]
    for name in changes:
        section = {"summary": Section.SUMMARY, "aspirations": Section.ASPIRATIONS}.get(
            name, Section.LANGUAGES
        )
        if name != "interview_language":
            _log(profile, section, profile, acting_user=acting_user, changes={name: changes[name]})
    refresh_completeness(profile)
    return profile


@transaction.atomic
def set_nothing_to_declare(
    profile: SkillsProfile, section: str, value: bool, *, acting_user
) -> SkillsProfile:
    """Mark a section answered with "nothing to declare" (no qualification, never worked, ...), or unmark it."""
    _check_writable(profile, acting_user)
    if section not in NOTHING_TO_DECLARE_SECTIONS:
        raise ValidationError(_("This section cannot be answered with nothing to declare."))
    marked = set(profile.nothing_to_declare)
    if value == (section in marked):
        return profile
    marked = (marked | {section}) if value else (marked - {section})
    profile.nothing_to_declare = sorted(marked)
    profile.save(update_fields=["nothing_to_declare", "updated_at"])
    _log(
        profile, section, profile, acting_user=acting_user, changes={"nothing_to_declare": [not value, value]}
    )
    refresh_completeness(profile)
    return profile


# ---------------------------------------------------------------------------------------------- claims


def validate_claim(model: type[models.Model], data: dict) -> None:
    """Rules a form cannot see alone; raise a ValidationError by field."""
    errors: dict[str, str] = {}
    level = data.get("evidence_level", EvidenceLevel.SELF_DECLARED)
    if level not in EvidenceLevel.values:
        errors["evidence_level"] = _("Unknown evidence level.")
    elif level >= EvidenceLevel.TESTED and not (data.get("evidence_note") or "").strip():
        errors["evidence_note"] = _("Say which test, certificate or decision supports this evidence level.")
    this_year = timezone.localdate().year
    for field in ("year", "start_year", "end_year"):
        value = data.get(field)
        if value is not None and not 1940 <= value <= this_year:
            errors[field] = _("Give a year between 1940 and %(year)s.") % {"year": this_year}
    if model is Qualification:
        status = data.get("recognition_status", RecognitionStatus.NONE)
        if status != RecognitionStatus.NONE and not data.get("recognition_applied_on"):
            errors["recognition_applied_on"] = _("Give the date the recognition was applied for.")
        if status == RecognitionStatus.RECOGNISED and not data.get("recognised_on"):
            errors["recognised_on"] = _("Give the date of the recognition.")
        if level == EvidenceLevel.RECOGNISED and status != RecognitionStatus.RECOGNISED:
            errors["evidence_level"] = _(
                "A qualification is formally recognised only once its recognition is recorded."
            )
        applied, recognised = data.get("recognition_applied_on"), data.get("recognised_on")
        if applied and applied > timezone.localdate():
            errors["recognition_applied_on"] = _("The date cannot be in the future.")
        if applied and recognised and recognised < applied:
            errors["recognised_on"] = _("The recognition cannot come before the application.")
        unknown = set(data.get("documents_held") or []) - set(QualificationDocument.values)
        if unknown:
            errors["documents_held"] = _("Unknown document.")
    if model is WorkExperience:
        if not data.get("occupation") and not (data.get("job_title") or "").strip():
            errors["occupation"] = _("Choose an occupation or describe the job.")
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            errors["end_year"] = _("The end year comes before the start year.")
        years = data.get("years")
        if years is not None and not 0 <= years <= 60:
            errors["years"] = _("Give between 0 and 60 years.")
    if model is LanguageSkill and all(data.get(name) is None for name in ("overall", *CEFR_SKILLS)):
        errors["overall"] = _("Give the overall level or the level of at least one skill.")
    if model is DigitalSkill:
        area = data.get("area")
        wrong = [
            code for code in data.get("competences") or [] if DIGCOMP_COMPETENCES.get(code, ("",))[0] != area
        ]
        if wrong:
            errors["competences"] = _("These competences are not in the chosen area: %(codes)s") % {
                "codes": ", ".join(wrong)
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_claim(
    profile: SkillsProfile,
    model: type[models.Model],
    *,
    acting_user,
    data: dict,
    claim: models.Model | None = None,
    skills=None,
):
    """Add a claim to a section of the profile, or correct one. `skills` (work experience): ESCO skills."""
    _check_writable(profile, acting_user)
    if claim is not None and claim.profile_id != profile.pk:
        raise PermissionDenied
    section = CLAIM_SECTIONS[model]
    current = {name: getattr(claim, name) for name in data} if claim else {}
    # Rules read the whole claim: changing only the evidence of a job still needs its occupation.
    stored = {f.name: getattr(claim, f.name) for f in model._meta.concrete_fields} if claim else {}
    merged = {**stored, **data}
    merged.setdefault("evidence_level", claim.evidence_level if claim else EvidenceLevel.SELF_DECLARED)
    validate_claim(model, merged)
    previous_level = claim.evidence_level if claim else None
    detach = False
    if model is LanguageSkill and claim is not None and claim.source_assessment_id:
        # Levels changed by hand no longer rest on the course's assessment: the evidence must be said again.
        levels_changed = any(
            name in data and data[name] != current[name] for name in ("overall", *CEFR_SKILLS)
        )
        evidence_restated = any(name in data and data[name] != current[name] for name in EVIDENCE_FIELDS)
        if levels_changed and not evidence_restated and merged["evidence_level"] >= EvidenceLevel.TESTED:
            raise ValidationError(
                {
                    "evidence_level": _(
                        "These levels come from a course assessment: say the evidence for the corrected levels."
                    )
                }
            )
        detach = levels_changed
    organisation = _acting_organisation(acting_user)
    if claim is None:
        claim = model(
            profile=profile, evidence_set_by=acting_user, evidence_organisation=organisation, **data
        )
        # A new claim's history lists what was said, not the empty or "no" answers (0 is pre-A1: kept).
        changes = {
            name: [None, _json_value(value)]
            for name, value in data.items()
            if value is not None and value is not False and value != "" and value != []
        }
    else:
        changes = {
            name: [_json_value(current[name]), _json_value(value)]
            for name, value in data.items()
            if current[name] != value
        }
        for name, value in data.items():
            setattr(claim, name, value)
        if set(changes) & set(EVIDENCE_FIELDS):
            claim.evidence_set_by, claim.evidence_set_at = acting_user, timezone.now()
            claim.evidence_organisation = organisation
        if detach:
            claim.source_assessment, claim.assessed_on = None, None
    try:
        claim.full_clean()
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error
    claim.save()
    if skills is not None and hasattr(claim, "skills"):
        before = sorted(s.uri for s in claim.skills.all())
        claim.skills.set(skills)
        after = sorted(s.uri for s in skills)
        if before != after:
            changes["skills"] = [before, after]
    if changes:
        source = ChangeSource.INTERVIEW if previous_level is None else ChangeSource.CORRECTION
        _log(
            profile,
            section,
            claim,
            acting_user=acting_user,
            changes=changes,
            source=source,
            previous=previous_level,
        )
    if section in profile.nothing_to_declare:
        profile.nothing_to_declare = [s for s in profile.nothing_to_declare if s != section]
        profile.save(update_fields=["nothing_to_declare", "updated_at"])
    refresh_completeness(profile)
    return claim


@transaction.atomic
def set_evidence(claim, level: int, note: str = "", *, acting_user):
    """Change only the evidence level of a claim (and say on what basis)."""
    return save_claim(
        claim.profile,
        type(claim),
        acting_user=acting_user,
        claim=claim,
        data={"evidence_level": level, "evidence_note": note},
    )


@transaction.atomic
def remove_claim(claim, *, acting_user) -> None:
    profile = claim.profile
    _check_writable(profile, acting_user)
    _log(
        profile,
        CLAIM_SECTIONS[type(claim)],
        claim,
        acting_user=acting_user,
        changes={},
        source=ChangeSource.REMOVAL,
        previous=claim.evidence_level,
    )
    claim.delete()
    refresh_completeness(profile)


# ------------------------------------------------------------------------------------ course assessments

ASSESSMENT_EVIDENCE = EvidenceLevel.TESTED


@transaction.atomic
def apply_language_assessment(assessment, *, acting_user) -> ClaimChange:
    """Bring a course's CEFR assessment into the participant's profile (called by
    `activities.actions.record_assessment`; the trainer's right to assess was checked there).

    Levels the assessment does not give are cleared (the claim's evidence would not cover them); the history
    keeps them. Applied when the claim is new, rests on weaker evidence, comes from this same assessment (a correction),
    or rests on equal evidence of an earlier date. Otherwise the history records it as not applied, so the
    operator sees that a course said something different."""
    participant = assessment.enrolment.participant
    if participant is None:
        return None
    profile, _created = SkillsProfile.objects.get_or_create(participant=participant)
    skill = (
        LanguageSkill.objects.select_for_update()
        .filter(profile=profile, language=assessment.language)
        .first()
    )
    new_levels = {"overall": assessment.overall, **{name: getattr(assessment, name) for name in CEFR_SKILLS}}
    previous_level = skill.evidence_level if skill else None
    if skill is None or skill.source_assessment_id == assessment.pk:
        apply = True
    elif skill.evidence_level != ASSESSMENT_EVIDENCE:
        apply = skill.evidence_level < ASSESSMENT_EVIDENCE
    else:
        apply = skill.assessed_on is None or skill.assessed_on <= assessment.date
    before = skill.levels() | {"overall": skill.overall} if skill else {}
    changes = {
        name: [before.get(name), value] for name, value in new_levels.items() if before.get(name) != value
    }
    activity = assessment.enrolment.activity
    with translation.override(settings.LANGUAGE_CODE):  # stored text: in the interface's main language
        note = _("%(moment)s assessment, %(activity)s (%(date)s)") % {
            "moment": assessment.get_moment_display(),
            "activity": activity.title,
            "date": formats.date_format(assessment.date, "SHORT_DATE_FORMAT"),
        }
        if assessment.certificate_name:
            note = f"{note} - {assessment.get_certificate_name_display()}"
    if apply:
        if skill is None:
            skill = LanguageSkill(profile=profile, language=assessment.language)
        for name, value in new_levels.items():
            setattr(skill, name, value)
        skill.evidence_level = ASSESSMENT_EVIDENCE
        skill.evidence_note = note[:300]
        skill.evidence_set_by, skill.evidence_set_at = acting_user, timezone.now()
        skill.evidence_organisation = activity.organiser  # the organisation that assessed
        skill.assessed_on, skill.source_assessment = assessment.date, assessment
        skill.save()
    entry = ClaimChange.objects.create(
        profile=profile,
        section=Section.LANGUAGES,
        claim_id=skill.pk if skill and skill.pk else None,
        claim_label=str(assessment.language)[:300],
        changes=changes,
        evidence_level=ASSESSMENT_EVIDENCE,
        previous_evidence_level=previous_level,
        source=ChangeSource.ASSESSMENT,
        assessment=assessment,
        applied=apply,
        changed_by=acting_user,
        organisation=activity.organiser,
    )
    refresh_completeness(profile)
    return entry


# ------------------------------------------------------------------------------------------ constraints


def _check_sensitive(profile: SkillsProfile, acting_user) -> None:
    membership = active_membership(acting_user)
    if membership is None or not role_can(membership.role, "skills.sensitive"):
        raise PermissionDenied
    _check_writable(profile, acting_user)


@transaction.atomic
def add_constraint(profile: SkillsProfile, *, acting_user, kind: str, note: str = "") -> ProfileConstraint:
    _check_sensitive(profile, acting_user)
    constraint = ProfileConstraint(profile=profile, kind=kind, note=note, recorded_by=acting_user)
    constraint.full_clean(exclude=["profile", "recorded_by"])
    constraint.save()
    # No row in the profile's history, which every reader of the profile sees: even the kind of a constraint
    # ("health") is sensitive. The audit log records the write, with the note masked.
    return constraint


@transaction.atomic
def close_constraint(constraint: ProfileConstraint, *, acting_user) -> ProfileConstraint:
    _check_sensitive(constraint.profile, acting_user)
    if constraint.is_active:
        constraint.is_active = False
        constraint.save(update_fields=["is_active"])
    return constraint


# ------------------------------------------------------------------------------------------ next steps


@transaction.atomic
def add_next_step(profile: SkillsProfile, *, acting_user, data: dict, make_goal: bool = True) -> NextStep:
    """A next step agreed in the interview; by default it becomes a goal of the individual plan at once."""
    _check_writable(profile, acting_user)
    if not (data.get("text") or "").strip():
        raise ValidationError({"text": _("Describe the next step.")})
    step = NextStep.objects.create(profile=profile, created_by=acting_user, **data)
    _log(profile, Section.NEXT_STEPS, step, acting_user=acting_user, changes={"text": [None, step.text]})
    if make_goal:
        next_step_to_goal(step, acting_user=acting_user)
    refresh_completeness(profile)
    return step


@transaction.atomic
def remove_next_step(step: NextStep, *, acting_user) -> None:
    """Remove a next step entered by mistake. A goal made from it stays in the plan (change it there)."""
    profile = step.profile
    _check_writable(profile, acting_user)
    _log(profile, Section.NEXT_STEPS, step, acting_user=acting_user, changes={}, source=ChangeSource.REMOVAL)
    step.delete()
    refresh_completeness(profile)


@transaction.atomic
def next_step_to_goal(step: NextStep, *, acting_user):
    """Make the next step a goal of the participant's current plan (starting the plan if there is none)."""
    from paths import actions as path_actions

    _check_writable(step.profile, acting_user)
    if step.goal_id:
        return step.goal
    participant = step.profile.participant
    plan = path_actions.current_plan(participant) or path_actions.start_plan(
        participant, acting_user=acting_user
    )
    goal = path_actions.add_goal(
        plan,
        acting_user=acting_user,
        data={"area": step.area, "title": step.text, "due_date": step.due_date, "owner": acting_user},
    )
    step.goal = goal
    step.save(update_fields=["goal"])
    return goal


# --------------------------------------------------------------------------------------- completeness


@dataclass(frozen=True)
class SectionState:
    section: str
    state: str  # "done", "nothing" (nothing to declare) or "todo"

    @property
    def addressed(self) -> bool:
        return self.state != "todo"


def section_states(profile: SkillsProfile) -> list[SectionState]:
    """Where each section of the interview stands. Languages need the mother tongue and at least one other
    language (Italian, even at pre-A1); next steps need at least one step."""
    nothing = set(profile.nothing_to_declare)
    filled = {
        Section.SUMMARY: bool(profile.summary.strip()),
        Section.EDUCATION: profile.qualifications.exists(),
        Section.WORK: profile.work_experiences.exists(),
        Section.LANGUAGES: profile.mother_tongues.exists() and profile.languages.exists(),
        Section.DIGITAL: profile.digital_skills.exists(),
        Section.SOFT_SKILLS: profile.soft_skills.exists(),
        Section.LICENCES: profile.licences.exists(),
        # Constraints do not count: readers without the sensitive permission would learn that one exists.
        Section.ASPIRATIONS: bool(profile.aspirations.strip()),
        Section.NEXT_STEPS: profile.next_steps.exists(),
    }
    return [
        SectionState(section, "done" if filled[section] else "nothing" if section in nothing else "todo")
        for section in Section.values
    ]


def refresh_completeness(profile: SkillsProfile) -> int:
    states = section_states(profile)
    percent = round(100 * sum(s.addressed for s in states) / len(states))
    if percent != profile.completeness:
        profile.completeness = percent
        profile.save(update_fields=["completeness", "updated_at"])
    return percent


@transaction.atomic
def complete_profile(profile: SkillsProfile, *, acting_user) -> SkillsProfile:
    """Close the interview: every section answered (or "nothing to declare"). Counts for indicator P2.1."""
    _check_writable(profile, acting_user)
    missing = [s for s in section_states(profile) if not s.addressed]
    if missing:
        raise ValidationError(
            _("Complete these sections first: %(sections)s")
            % {"sections": ", ".join(str(Section(s.section).label) for s in missing)}
        )
    if profile.completed_at is None:
        profile.completed_at, profile.completed_by = timezone.now(), acting_user
        profile.save(update_fields=["completed_at", "completed_by", "updated_at"])
    return profile
