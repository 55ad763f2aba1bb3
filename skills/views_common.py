"""What the skills pages share: finding the profile in the user's scope, the sections' pictograms and
questions, the claims of a section as the pages show them, and the history in words."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.scoping import VIEW, require_permission, user_can
from people.actions import participant_for
from people.models import WORK, Participant
from skills.actions import CLAIM_SECTIONS
from skills.models import (
    ClaimChange,
    DigitalSkill,
    DrivingLicence,
    LanguageSkill,
    NextStep,
    ProfileConstraint,
    Qualification,
    Section,
    Skill,
    SkillsProfile,
    SoftSkill,
    WorkExperience,
)
from skills.reference import DIGCOMP_COMPETENCES, QualificationDocument

# The kind of claim each section holds (the summary, wishes and next steps are not claims).
SECTION_MODELS = {section: model for model, section in CLAIM_SECTIONS.items()}
HISTORY_ROWS = 30

# Pictograms from the Bootstrap Italia sprite, one per section, for people who read little.
SECTION_ICONS = {
    Section.SUMMARY: "it-user",
    Section.EDUCATION: "it-file",
    Section.WORK: "it-tool",
    Section.LANGUAGES: "it-comment",
    Section.DIGITAL: "it-software",
    Section.SOFT_SKILLS: "it-star-outline",
    Section.LICENCES: "it-car",
    Section.ASPIRATIONS: "it-flag",
    Section.NEXT_STEPS: "it-arrow-right",
}

# One short, plain question per section, asked to the person in both languages of the interview.
SECTION_QUESTIONS = {
    Section.SUMMARY: gettext_lazy("Who are you? Tell us about yourself."),
    Section.EDUCATION: gettext_lazy("What did you study?"),
    Section.WORK: gettext_lazy("What work have you done?"),
    Section.LANGUAGES: gettext_lazy("Which languages do you speak?"),
    Section.DIGITAL: gettext_lazy("What can you do with a phone or a computer?"),
    Section.SOFT_SKILLS: gettext_lazy("What are you good at?"),
    Section.LICENCES: gettext_lazy("Can you drive? Do you have a driving licence?"),
    Section.ASPIRATIONS: gettext_lazy("What would you like to do? Is anything making it hard?"),
    Section.NEXT_STEPS: gettext_lazy("What will we do next?"),
}

STATE_LABELS = {
    "done": gettext_lazy("Done"),
    "nothing": gettext_lazy("Nothing to declare"),
    "todo": gettext_lazy("To do"),
}


# ------------------------------------------------------------------------------------------------ access


def participant_in_scope(user, participant_pk) -> Participant:
    """The participant if the user may read skills profiles and reaches the person; 404 otherwise."""
    participant = participant_for(user, participant_pk, VIEW)
    require_permission(user, "skills.view")
    return participant


def visible_profile(user, participant) -> SkillsProfile | None:
    return SkillsProfile.objects.visible_to(user, VIEW).filter(participant=participant).first()


def can_work(user, participant) -> bool:
    return (
        user_can(user, "skills.change")
        and Participant.objects.visible_to(user, WORK).filter(pk=participant.pk).exists()
    )


def require_work(user, participant) -> None:
    """Writes: 403 for the roles that only read (viewer, regional coordinator)."""
    if not can_work(user, participant):
        raise PermissionDenied


def sees_constraints(user) -> bool:
    return user_can(user, "skills.sensitive")


def interview_started(profile: SkillsProfile) -> bool:
    """False for a profile a course assessment opened and no operator has interviewed yet."""
    return profile.interview_started_at is not None


# ------------------------------------------------------------------------------------------------ claims


def claim_querysets(profile: SkillsProfile) -> dict[str, object]:
    """Each section's claims with what their rows show, one query per kind (plus the skills of work)."""
    return {
        Section.EDUCATION: Qualification.objects.filter(profile=profile).select_related(
            "country", "evidence_set_by"
        ),
        Section.WORK: WorkExperience.objects.filter(profile=profile)
        .select_related("occupation", "country", "evidence_set_by")
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.only("id", "label", "label_it"))),
        Section.LANGUAGES: LanguageSkill.objects.filter(profile=profile).select_related(
            "language", "evidence_set_by"
        ),
        Section.DIGITAL: DigitalSkill.objects.filter(profile=profile).select_related("evidence_set_by"),
        Section.SOFT_SKILLS: SoftSkill.objects.filter(profile=profile).select_related("evidence_set_by"),
        Section.LICENCES: DrivingLicence.objects.filter(profile=profile).select_related(
            "country", "evidence_set_by"
        ),
    }


def decorate_claim(claim) -> None:
    """Labels the templates need that the model does not give directly."""
    if isinstance(claim, Qualification):
        labels = dict(QualificationDocument.choices)
        claim.document_labels = [labels.get(code, code) for code in claim.documents_held or []]
    elif isinstance(claim, LanguageSkill):
        claim.level_rows = [
            (LanguageSkill._meta.get_field(name).verbose_name, getattr(claim, f"get_{name}_display")())
            for name in ("listening", "reading", "spoken_interaction", "spoken_production", "writing")
            if getattr(claim, name) is not None
        ]
    elif isinstance(claim, DigitalSkill):
        claim.competence_labels = [
            f"{code} {DIGCOMP_COMPETENCES[code][1]}"
            for code in claim.competences or []
            if code in DIGCOMP_COMPETENCES
        ]


def section_claims(profile: SkillsProfile, sections=None) -> dict[str, list]:
    claims = {}
    for section, queryset in claim_querysets(profile).items():
        if sections is not None and section not in sections:
            continue
        claims[section] = list(queryset)
        for claim in claims[section]:
            decorate_claim(claim)
    return claims


def next_steps(profile: SkillsProfile):
    return list(NextStep.objects.filter(profile=profile).select_related("area", "goal", "created_by"))


def constraints_for(user, profile: SkillsProfile):
    """The profile's constraints for the roles that may see them; [] (not even the count) for the others."""
    if not sees_constraints(user):
        return []
    return list(
        ProfileConstraint.objects.visible_to(user, VIEW).filter(profile=profile).select_related("recorded_by")
    )


# ----------------------------------------------------------------------------------------------- history


@dataclass
class ChangeLine:
    field: str
    old: str
    new: str


SPECIAL_FIELDS = {
    "nothing_to_declare": gettext_lazy("Nothing to declare"),
}
HISTORY_MODELS = {**SECTION_MODELS, Section.NEXT_STEPS: NextStep}


def history_for(user, profile: SkillsProfile, limit: int = HISTORY_ROWS) -> list[ClaimChange]:
    """The newest changes, in words (constraints are never in the history: `skills.actions.add_constraint`)."""
    changes = ClaimChange.objects.filter(profile=profile).select_related("changed_by", "assessment")
    rows = list(changes[:limit])
    uris = set()
    for row in rows:  # work experiences log their ESCO skills by URI: show the labels
        for side in (row.changes or {}).get("skills") or []:
            if isinstance(side, list):
                uris.update(side)
    skill_labels = {s.uri: s.display_label for s in Skill.objects.filter(uri__in=uris)} if uris else {}
    for row in rows:
        row.lines = describe_changes(row, skill_labels)
    return rows


def _field_for(section: str, name: str):
    for model in (HISTORY_MODELS.get(section), SkillsProfile):
        if model is None:
            continue
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def _format_value(value, field=None, name: str = "", skill_labels=None) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(_format_value(item, field, name, skill_labels) for item in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name == "skills":
        return str((skill_labels or {}).get(value, value))
    if name == "nothing_to_declare":
        return _("Yes") if value else _("No")
    if name == "documents_held":
        return str(dict(QualificationDocument.choices).get(value, value))
    if name == "competences":
        return f"{value} {DIGCOMP_COMPETENCES[value][1]}" if value in DIGCOMP_COMPETENCES else str(value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if (
        isinstance(value, str)
        and len(value) in (10, 19, 25, 26, 32)
        and value[4:5] == "-"
        and value[7:8] == "-"
    ):
        try:
            return formats.date_format(datetime.date.fromisoformat(value[:10]), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    return str(value)


def describe_changes(change: ClaimChange, skill_labels=None) -> list[ChangeLine]:
    lines = []
    for name, old_new in (change.changes or {}).items():
        old, new = old_new if isinstance(old_new, list | tuple) and len(old_new) == 2 else (None, old_new)
        field = _field_for(change.section, name)
        if name in SPECIAL_FIELDS:
            label = str(SPECIAL_FIELDS[name])
        elif field is not None:
            label = str(field.verbose_name)
            label = label[:1].upper() + label[1:]
        else:
            label = name
        lines.append(
            ChangeLine(
                label,
                _format_value(old, field, name, skill_labels),
                _format_value(new, field, name, skill_labels),
            )
        )
    return lines


# --------------------------------------------------------------------------------------- other helpers


EXPORTS = (
    ("profile_pdf", gettext_lazy("PDF profile"), "it-file-pdf"),
    ("profile_europass_xml", gettext_lazy("Europass XML"), "it-file-xml"),
    ("profile_json", gettext_lazy("JSON (all data)"), "it-file-json"),
)
# The downloads that can carry the confidential constraints (`?sensibili=1`); the Europass XML never does.
SENSITIVE_EXPORTS = frozenset({"profile_pdf", "profile_json"})


def export_links(participant, *, sensitive: bool = False) -> list[tuple[str, str, str]]:
    """The profile's downloads (their views check access themselves); none while the export URLs are absent.
    `sensitive`: the downloads with the confidential constraints, for the users who may see them."""
    links = []
    for name, label, icon in EXPORTS:
        if sensitive and name not in SENSITIVE_EXPORTS:
            continue
        try:
            url = reverse(f"skills_docs:{name}", args=[participant.pk])
        except NoReverseMatch:
            continue
        links.append((f"{url}?sensibili=1" if sensitive else url, label, icon))
    return links


def matching_hints(profile, user) -> list:
    """Suggested activities and services, when the matching module is there."""
    try:
        from skills.matching import hints
    except ImportError:
        return []
    return list(hints(profile, user))
