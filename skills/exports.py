"""Exports of a skills profile, so that the person can take their data with them: a Europass-compatible XML,
a documented JSON, and a bilingual PDF. Pure functions of a profile loaded with `profile_queryset()` (every
claim prefetched: the number of queries does not grow with the number of claims).

Constraints (health, family, transport) are sensitive. They never go into the Europass XML; the JSON and the
PDF carry them only when asked for and the requesting user may see them (`skills.sensitive` and the case in
scope, decided by `ProfileConstraint.objects.visible_to`).

Europass XML (the "Candidate" document of Europass v4, namespace http://www.europass.eu/1.0 with the HR-XML 3,
OAGIS 9 and EURES extensions), after the EU's schema documentation and real exports of the Europass editor:

- CandidatePerson: name, `NationalityCode` per citizenship (ISO 3166-1 alpha-2, lower case), `hr:BirthDate`,
  `PrimaryLanguageCode` per mother tongue.
- Languages, as the editor writes them: `name`/`schemeName` "NORMAL" with the ISO 639-2 code (bibliographic
  where it differs, "fre" like the editor's own exports) for languages that have an ISO 639-1 code, mapping
  varieties to their macrolanguage (Moroccan Arabic "ary" is "ara"); any other language goes as "FREE_TEXT"
  with its English name. The JSON keeps the ISO 639-3 code.
- Foreign languages: `PersonQualifications/PersonCompetency`, `hr:TaxonomyID` "language", one
  `eures:CompetencyDimension` per CEFR skill (CEF-Understanding-Listening, CEF-Understanding-Reading,
  CEF-Speaking-Interaction, CEF-Speaking-Production, CEF-Writing-Production) with `hr:ScoreText` A1..C2; a
  skill without its own level takes the overall level, which also goes in `eures:ProficiencyLevel`. Europass
  has no level below A1: a pre-A1 skill has no dimension (the language is listed without a score; the JSON
  and the PDF say "pre-A1").
- Work: one `EmployerHistory` per experience. `PositionTitle typeCode="URI"` carries the ESCO occupation or
  ISCO-08 group URI in `languageID`, as the Europass editor writes it, with the label as text; a job with no
  occupation is `typeCode="FREETEXT"`. `hr:JobCategoryCode` repeats the classification (ISCO-08 code, or the
  ESCO URI), each ESCO skill used is a `PersonCompetency` (CompetencyID = skill URI, TaxonomyID "other"),
  years go in `eures:EmploymentPeriod`, tasks in `oa:Description`, the country in `Country`.
- Education: `EducationOrganizationAttendance` with `EducationLevelCode` = EQF level 1..8 (a code list: the
  schema has no place for the EQF URI, which the JSON carries), `hr:DegreeName`, the country, the year as end
  of the attendance, `FieldOfStudy/MainFieldOfStudy/ProgramConcentration` = ISCED-F broad field; the
  recognition in Italy is written in `OccupationalSkillsCovered`.
- Digital skills: `Skills/SkillsGroup` "DigComp 2.2", one `PersonCompetency` per area (CompetencyID
  schemeName="DigComp" schemeVersionID="2.2", the area code "1".."5", level 1..8 in
  `eures:ProficiencyLevel/hr:ScoreText`) and one per competence shown ("1.1".."5.4"). `hr:TaxonomyID` is
  "Digital_Skill", the value the Europass editor imports as a digital skill.
- Driving licences: `eures:Licenses/eures:License/hr:LicenseTypeCode` (EU categories).
- Soft skills: one `Others` per skill (the editor keeps one entry per `Others`).
- Not exported to Europass: constraints, wishes, next steps, evidence levels (the JSON and PDF have them).
"""

from __future__ import annotations

import json
import unicodedata
import xml.etree.ElementTree as ET
from html import escape

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from activities.certificates import interface_language, pdf_from_html
from activities.models import CEFRLevel
from core.scoping import VIEW, user_can
from skills.actions import section_states
from skills.models import (
    CEFR_SKILLS,
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
from skills.reference import (
    DIGCOMP_COMPETENCES,
    EQF_URI,
    ConstraintKind,
    DigCompArea,
    DigCompLevel,
    EQFLevel,
    FieldOfStudy,
    LicenceCategory,
    LicenceStatus,
    QualificationDocument,
    RecognitionStatus,
    TransversalSkill,
)
from territory.models import Country, Language

FORMAT = "interazioni-skills-profile"
VERSION = 1
DIGCOMP = "DigComp 2.2"

# Who set a claim's evidence: the organisation recorded with it, and (for rows written before it was) the
# user's current one.
_BY = ("evidence_organisation", "evidence_set_by__active_membership__organisation")


def profile_queryset():
    """Skills profiles with everything an export reads, in a fixed number of queries."""
    return SkillsProfile.objects.select_related("participant__owner").prefetch_related(
        Prefetch("participant__citizenships", queryset=Country.objects.order_by("iso_alpha2")),
        Prefetch("participant__languages", queryset=Language.objects.order_by("code")),
        Prefetch("mother_tongues", queryset=Language.objects.order_by("code")),
        Prefetch("qualifications", queryset=Qualification.objects.select_related("country", *_BY)),
        Prefetch(
            "work_experiences",
            queryset=WorkExperience.objects.select_related("occupation", "country", *_BY).prefetch_related(
                "skills"
            ),
        ),
        Prefetch("languages", queryset=LanguageSkill.objects.select_related("language", *_BY)),
        Prefetch("digital_skills", queryset=DigitalSkill.objects.select_related(*_BY)),
        Prefetch("soft_skills", queryset=SoftSkill.objects.select_related(*_BY)),
        Prefetch("licences", queryset=DrivingLicence.objects.select_related("country", *_BY)),
        Prefetch(
            "next_steps",
            queryset=NextStep.objects.select_related("area", "created_by__active_membership__organisation"),
        ),
        Prefetch(
            "changes",
            queryset=ClaimChange.objects.select_related(
                "organisation", "changed_by__active_membership__organisation"
            ),
        ),
    )


def includes_constraints(user, *, requested: bool) -> bool:
    """Whether an export asked for with `?sensibili=1` (`requested`) carries the constraints for `user`."""
    return requested and user_can(user, "skills.sensitive")


def visible_constraints(profile: SkillsProfile, user, *, requested: bool) -> list[ProfileConstraint] | None:
    """The profile's constraints for an export: None (left out) unless asked for and the user holds
    `skills.sensitive`; the scope then decides which ones (the case's operators)."""
    if not includes_constraints(user, requested=requested):
        return None
    return list(
        ProfileConstraint.objects.visible_to(user, VIEW)
        .filter(profile=profile)
        .select_related("recorded_by__active_membership__organisation")
    )


# --------------------------------------------------------------------------------------------- languages


def second_language(profile: SkillsProfile, requested: str | None = None) -> str | None:
    """The interface language of the PDF's second part, or None for Italian only.

    A language asked for (`?lingua=`) wins when the interface has it; otherwise the interview language, then
    the mother tongues and the languages spoken that the interface has (English last: it is a lingua franca
    for many, so a language closer to the person comes first)."""
    allowed = [code for code, _name in settings.LANGUAGES]
    if requested and requested in allowed:
        return None if requested == settings.LANGUAGE_CODE else requested
    candidates = []
    if profile.interview_language:
        code = profile.interview_language
        candidates.append(code if code in allowed else interface_language(code))
    if not any(candidates):
        spoken = [*profile.mother_tongues.all(), *profile.participant.languages.all()]
        found = {interface_language(language.code) for language in spoken}
        candidates = sorted(
            (code for code in found if code), key=lambda code: (code == "en", allowed.index(code))
        )
    for code in candidates:
        if code and code in allowed and code != settings.LANGUAGE_CODE:
            return code
    return None


# Varieties spoken in Campania's communities, written in Europass with their macrolanguage's code.
_MACROLANGUAGES = {
    **dict.fromkeys(("arb", "ary", "arz", "apc", "acm", "aeb", "arq", "ayl", "afb", "ajp"), "ara"),
    **dict.fromkeys(("cmn", "yue", "wuu", "hak", "nan"), "zho"),
    **dict.fromkeys(("pes", "prs"), "fas"),
    **dict.fromkeys(("fuc", "fuf", "fuv", "ffm"), "ful"),
    **dict.fromkeys(("als", "aln"), "sqi"),
    **dict.fromkeys(("pbu", "pst"), "pus"),
    **dict.fromkeys(("gaz", "hae"), "orm"),
    "swh": "swa",
    "zsm": "msa",
    "uzn": "uzb",
    "ekk": "est",
    "lvs": "lav",
    "khk": "mon",
    "plt": "mlg",
    "knc": "kau",
}


def europass_language(language: Language) -> tuple[str, str]:
    """(scheme, value) of a language in Europass: ("NORMAL", ISO 639-2 code) or ("FREE_TEXT", English name)."""
    import pycountry

    code = _MACROLANGUAGES.get(language.code, language.code)
    record = pycountry.languages.get(alpha_3=code)
    if record is not None and getattr(record, "alpha_2", None):
        return "NORMAL", getattr(record, "bibliographic", None) or record.alpha_3
    return "FREE_TEXT", language.name_en


# ------------------------------------------------------------------------------------------------ JSON


def _label(choices, value):
    return None if value in (None, "") else {"code": value, "label": str(choices(value).label)}


def _organisation(organisation, user=None) -> str | None:
    """The organisation a staff member acted for (exports name organisations, never people): the one recorded
    with the act, so that history is not relabelled when the user moves; for rows that have none, the user's
    current organisation."""
    if organisation is not None:
        return organisation.name
    membership = getattr(user, "active_membership", None) if user is not None else None
    return membership.organisation.name if membership is not None else None


def _evidence_level(value):
    if value is None:
        return None
    level = EvidenceLevel(value)
    return {"level": level.value, "code": level.name.lower(), "label": str(level.label)}


def _evidence(claim) -> dict:
    return {
        **_evidence_level(claim.evidence_level),
        "note": claim.evidence_note,
        "organisation": _organisation(claim.evidence_organisation, claim.evidence_set_by),
        "set_at": claim.evidence_set_at,
    }


def _cefr(value) -> str | None:
    return None if value is None else CEFRLevel(value).label


def _country(country) -> dict | None:
    return None if country is None else {"iso_alpha2": country.iso_alpha2, "label": str(country)}


def _language(language) -> dict:
    return {"iso639_3": language.code, "label": str(language)}


def _qualification(q: Qualification) -> dict:
    return {
        "id": q.pk,
        "title": q.title,
        "institution": q.institution,
        "country": _country(q.country),
        "year": q.year,
        "completed": q.completed,
        "eqf": None
        if q.eqf_level is None
        else {
            "level": q.eqf_level,
            "uri": EQF_URI.format(level=q.eqf_level),
            "label": str(EQFLevel(q.eqf_level).label),
        },
        "field_of_study": None
        if not q.field_of_study
        else {"isced_f": q.field_of_study, "label": str(FieldOfStudy(q.field_of_study).label)},
        "documents_held": [
            _label(QualificationDocument, code)
            for code in q.documents_held or []
            if code in QualificationDocument.values
        ],
        "recognition": {
            **_label(RecognitionStatus, q.recognition_status),
            "applied_on": q.recognition_applied_on,
            "body": q.recognition_body,
            "recognised_on": q.recognised_on,
        },
        "evidence": _evidence(q),
    }


def _occupation(occupation) -> dict | None:
    if occupation is None:
        return None
    return {
        "uri": occupation.uri,
        "label": occupation.display_label,
        "label_en": occupation.label,
        "isco_code": occupation.isco_code or None,
    }


def _work(w: WorkExperience) -> dict:
    return {
        "id": w.pk,
        "occupation": _occupation(w.occupation),
        "job_title": w.job_title,
        "employer": w.employer,
        "country": _country(w.country),
        "start_year": w.start_year,
        "end_year": w.end_year,
        "years": None if w.years is None else float(w.years),
        "informal": w.is_informal,
        "tasks": w.tasks,
        "skills": [
            {"uri": s.uri, "label": s.display_label, "label_en": s.label, "type": s.skill_type}
            for s in w.skills.all()
        ],
        "evidence": _evidence(w),
    }


def _language_skill(skill: LanguageSkill) -> dict:
    return {
        "id": skill.pk,
        "language": _language(skill.language),
        "overall": _cefr(skill.overall),
        "levels": {name: _cefr(value) for name, value in skill.levels().items()},
        "assessed_on": skill.assessed_on,
        "from_course_assessment": skill.source_assessment_id is not None,
        "evidence": _evidence(skill),
    }


def _digital(skill: DigitalSkill) -> dict:
    return {
        "id": skill.pk,
        "framework": DIGCOMP,
        "area": _label(DigCompArea, skill.area),
        "level": {"value": skill.level, "label": str(DigCompLevel(skill.level).label)},
        "competences": [
            {"code": code, "label": str(DIGCOMP_COMPETENCES[code][1])}
            for code in skill.competences or []
            if code in DIGCOMP_COMPETENCES
        ],
        "evidence": _evidence(skill),
    }


def _soft(skill: SoftSkill) -> dict:
    return {
        **_label(TransversalSkill, skill.skill),
        "id": skill.pk,
        "example": skill.example,
        "evidence": _evidence(skill),
    }


def _licence(licence: DrivingLicence) -> dict:
    return {
        "id": licence.pk,
        "category": licence.category,
        "label": str(LicenceCategory(licence.category).label),
        "issued_in": _country(licence.country),
        "use_in_italy": _label(LicenceStatus, licence.status),
        "expires_on": licence.expires_on,
        "evidence": _evidence(licence),
    }


def _next_step(step: NextStep, created_for=None) -> dict:
    """`created_for`: the organisation the history recorded when the step was agreed."""
    return {
        "id": step.pk,
        "text": step.text,
        "area": {"code": step.area.code, "label": str(step.area)},
        "due_date": step.due_date,
        "goal_id": step.goal_id,
        "organisation": _organisation(created_for, step.created_by),
        "created_at": step.created_at,
    }


def _constraint(constraint: ProfileConstraint) -> dict:
    return {
        "id": constraint.pk,
        "kind": _label(ConstraintKind, constraint.kind),
        "note": constraint.note,
        "current": constraint.is_active,
        "organisation": _organisation(None, constraint.recorded_by),
        "recorded_at": constraint.recorded_at,
    }


def _change(change: ClaimChange) -> dict:
    return {
        "section": _label(Section, change.section),
        "claim": change.claim_label,
        "claim_id": change.claim_id,
        "changes": change.changes,
        "evidence": _evidence_level(change.evidence_level),
        "previous_evidence": _evidence_level(change.previous_evidence_level),
        "source": _label(ChangeSource, change.source),
        "applied": change.applied,
        "organisation": _organisation(change.organisation, change.changed_by),
        "at": change.changed_at,
    }


def profile_data(profile: SkillsProfile, *, constraints: list[ProfileConstraint] | None = None) -> dict:
    """The whole profile as plain data, labels in the active language (dates stay date objects: the JSON
    encoder writes them in ISO 8601). `constraints` None leaves the key out (the history never names
    constraints)."""
    participant = profile.participant
    data = {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": timezone.now(),
        "generator": "InterAzioni",
        "language": translation.get_language(),
        "evidence_levels": [_evidence_level(level) for level in EvidenceLevel.values],
        "person": {
            "participant_id": participant.pk,
            "public_id": str(participant.public_id),
            "first_name": participant.first_name,
            "last_name": participant.last_name,
            "birth_date": participant.birth_date,
            "citizenships": [_country(c) for c in participant.citizenships.all()],
            "mother_tongues": [_language(lang) for lang in profile.mother_tongues.all()],
        },
        "profile": {
            "organisation": participant.owner.name,
            "interview_language": profile.interview_language or None,
            "completeness": profile.completeness,
            "completed_at": profile.completed_at,
            "created_at": profile.created_at,
            "updated_at": profile.updated_at,
            "sections": [
                {**_label(Section, state.section), "state": state.state} for state in section_states(profile)
            ],
        },
        "summary": {"text": profile.summary},
        "education": [_qualification(q) for q in profile.qualifications.all()],
        "work": [_work(w) for w in profile.work_experiences.all()],
        "languages": [_language_skill(s) for s in profile.languages.all()],
        "digital": [_digital(s) for s in profile.digital_skills.all()],
        "soft_skills": [_soft(s) for s in profile.soft_skills.all()],
        "licences": [_licence(licence) for licence in profile.licences.all()],
        "aspirations": {"text": profile.aspirations},
    }
    if constraints is not None:
        data["constraints"] = [_constraint(c) for c in constraints]
    changes = list(profile.changes.all())  # newest first
    step_organisations = {
        change.claim_id: change.organisation  # the oldest row of a step last: the one that agreed it
        for change in changes
        if change.section == Section.NEXT_STEPS and change.source == ChangeSource.INTERVIEW
    }
    data["next_steps"] = [
        _next_step(step, step_organisations.get(step.pk)) for step in profile.next_steps.all()
    ]
    data["history"] = [_change(change) for change in changes]
    return data


def profile_json(
    profile: SkillsProfile, user, *, sensitive: bool = False, language: str | None = None
) -> bytes:
    """The "take your data with you" JSON (format `interazioni-skills-profile`, version 1). Constraints only
    when asked for (`sensitive`) and visible to `user`."""
    constraints = visible_constraints(profile, user, requested=sensitive)
    with translation.override(language or settings.LANGUAGE_CODE):
        data = profile_data(profile, constraints=constraints)
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


# ----------------------------------------------------------------------------------------- Europass XML

NAMESPACES = {
    "": "http://www.europass.eu/1.0",
    "hr": "http://www.hr-xml.org/3",
    "oa": "http://www.openapplications.org/oagis/9",
    "eures": "http://www.europass_eures.eu/1.0",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
EUROPASS_NS = NAMESPACES[""]
for _prefix, _uri in NAMESPACES.items():
    if _prefix:
        ET.register_namespace(_prefix, _uri)

CEFR_DIMENSIONS = {
    "listening": "CEF-Understanding-Listening",
    "reading": "CEF-Understanding-Reading",
    "spoken_interaction": "CEF-Speaking-Interaction",
    "spoken_production": "CEF-Speaking-Production",
    "writing": "CEF-Writing-Production",
}


def _q(name: str) -> str:
    # Europass elements stay unqualified under the root's default namespace declaration: ElementTree's own
    # `default_namespace` refuses the unqualified attributes (schemeID, typeCode, ...) this format has.
    prefix, _sep, local = name.rpartition(":")
    return f"{{{NAMESPACES[prefix]}}}{local}" if prefix else local


def _el(parent, tag: str, text=None, /, **attributes) -> ET.Element:
    element = ET.SubElement(parent, _q(tag), {key: str(value) for key, value in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def _html(*paragraphs: str) -> str:
    """Free text as the escaped HTML Europass keeps in its long texts (one paragraph per line)."""
    lines = [line.strip() for text in paragraphs for line in (text or "").splitlines()]
    return "".join(f"<p>{escape(line)}</p>" for line in lines if line)


def _date(parent, name: str, value) -> None:
    _el(_el(parent, name), "hr:FormattedDateTime", value)


def _ids(scheme: dict, name: str, version: str) -> dict:
    return {"schemeID": scheme["schemeID"], "schemeName": name, **scheme, "schemeVersionID": version}


def _document_id(profile) -> str:
    return f"interazioni-{profile.participant.public_id}"


def _person_name(parent, participant) -> None:
    name = _el(parent, "PersonName")
    _el(name, "oa:GivenName", participant.first_name)
    _el(name, "hr:FamilyName", participant.last_name)


def _candidate_person(root, profile) -> None:
    participant = profile.participant
    person = _el(root, "CandidatePerson")
    _person_name(person, participant)
    for country in participant.citizenships.all():
        _el(person, "NationalityCode", country.iso_alpha2.lower())
    _el(person, "hr:BirthDate", participant.birth_date.isoformat())
    for language in profile.mother_tongues.all():
        scheme, value = europass_language(language)
        _el(person, "PrimaryLanguageCode", value, name=scheme)


def _employment(profile_el, profile) -> None:
    history = _el(profile_el, "EmploymentHistory")
    for work in profile.work_experiences.all():
        employer = _el(history, "EmployerHistory")
        if work.employer:
            _el(employer, "hr:OrganizationName", work.employer)
        position = _el(employer, "PositionHistory")
        if work.occupation_id:
            _el(
                position,
                "PositionTitle",
                work.occupation.display_label,
                typeCode="URI",
                languageID=work.occupation.uri,
            )
        else:
            _el(position, "PositionTitle", work.job_title, typeCode="FREETEXT")
        if work.start_year:
            period = _el(position, "eures:EmploymentPeriod")
            _date(period, "eures:StartDate", work.start_year)
            if work.end_year:
                _date(period, "eures:EndDate", work.end_year)
            _el(period, "hr:CurrentIndicator", "false" if work.end_year else "true")
        extra = []
        if work.years is not None:
            extra.append(_("Years of experience: %(years)s") % {"years": f"{work.years.normalize():f}"})
        if work.is_informal:
            extra.append(_("Informal work (no contract)"))
        description = _html(work.tasks, *extra)
        if description:
            _el(position, "oa:Description", description)
        if work.occupation_id:
            if work.occupation.isco_code:
                _el(position, "hr:JobCategoryCode", work.occupation.isco_code, listName="ISCO2008")
            else:
                _el(position, "hr:JobCategoryCode", work.occupation.uri, listName="ESCO_Occupations")
        for skill in work.skills.all():
            competency = _el(position, "PersonCompetency")
            _el(
                competency,
                "CompetencyID",
                skill.uri,
                schemeName="ESCO",
                schemeAgencyName="European Commission",
            )
            _el(competency, "hr:TaxonomyID", "other")
            _el(competency, "hr:CompetencyName", skill.display_label)
        if work.country_id:
            _el(position, "Country", work.country.iso_alpha2.lower())


def _education(profile_el, profile) -> None:
    history = _el(profile_el, "EducationHistory")
    for qualification in profile.qualifications.all():
        attendance = _el(history, "EducationOrganizationAttendance")
        if qualification.institution:
            _el(attendance, "hr:OrganizationName", qualification.institution)
        if qualification.country_id:
            address = _el(_el(_el(attendance, "OrganizationContact"), "Communication"), "Address")
            _el(address, "CountryCode", qualification.country.iso_alpha2.lower())
        if qualification.eqf_level is not None:
            _el(attendance, "EducationLevelCode", qualification.eqf_level, listName="EQF")
        if qualification.year:
            period = _el(attendance, "AttendancePeriod")
            _date(period, "EndDate", qualification.year)
            _el(period, "Ongoing", "false")
        degree = _el(attendance, "EducationDegree")
        _el(degree, "hr:DegreeName", qualification.title)
        if qualification.field_of_study:
            field = _el(degree, "FieldOfStudy", typeCode="URI")
            _el(_el(field, "MainFieldOfStudy"), "ProgramConcentration", qualification.field_of_study)
        notes = []
        if not qualification.completed:
            notes.append(_("Not completed"))
        if qualification.recognition_status != RecognitionStatus.NONE:
            notes.append(
                _("Recognition in Italy: %(status)s")
                % {"status": RecognitionStatus(qualification.recognition_status).label}
            )
        if notes:
            _el(degree, "OccupationalSkillsCovered", _html(*notes))


def _licences(profile_el, profile) -> None:
    licences = _el(profile_el, "eures:Licenses")
    for licence in profile.licences.all():
        _el(_el(licences, "eures:License"), "hr:LicenseTypeCode", licence.category)


def _languages(profile_el, profile) -> None:
    qualifications = _el(profile_el, "PersonQualifications")
    for skill in profile.languages.all():
        competency = _el(qualifications, "PersonCompetency")
        scheme, value = europass_language(skill.language)
        _el(competency, "CompetencyID", value, schemeName=scheme)
        _el(competency, "hr:TaxonomyID", "language")
        if skill.overall:  # pre-A1 (0) has no Europass level
            _el(_el(competency, "eures:ProficiencyLevel"), "hr:ScoreText", _cefr(skill.overall))
        for name in CEFR_SKILLS:
            level = getattr(skill, name)
            level = skill.overall if level is None else level
            if level:
                dimension = _el(competency, "eures:CompetencyDimension")
                _el(dimension, "hr:CompetencyDimensionTypeCode", CEFR_DIMENSIONS[name])
                _el(_el(dimension, "eures:Score"), "hr:ScoreText", _cefr(level))


def _digcomp(parent, code: str, name: str, level: int | None = None) -> None:
    competency = _el(parent, "PersonCompetency")
    _el(competency, "CompetencyID", code, schemeName="DigComp", schemeVersionID="2.2")
    _el(competency, "hr:TaxonomyID", "Digital_Skill")
    _el(competency, "hr:CompetencyName", name)
    if level is not None:
        _el(_el(competency, "eures:ProficiencyLevel"), "hr:ScoreText", level)


def _skills(profile_el, profile) -> None:
    skills = _el(profile_el, "Skills")
    digital = list(profile.digital_skills.all())
    if not digital:
        return
    group = _el(skills, "SkillsGroup")
    _el(group, "Title", DIGCOMP)
    for skill in digital:
        _digcomp(
            group,
            skill.area,
            f"{skill.area} {DigCompArea(skill.area).label}: {DigCompLevel(skill.level).label}",
            skill.level,
        )
        for code in skill.competences or []:
            if code in DIGCOMP_COMPETENCES:
                _digcomp(group, code, f"{code} {DIGCOMP_COMPETENCES[code][1]}")


def _others(profile_el, profile) -> None:
    for skill in profile.soft_skills.all():
        others = _el(profile_el, "Others")
        _el(others, "Title", Section.SOFT_SKILLS.label)
        other = _el(others, "Other")
        _el(other, "Title", TransversalSkill(skill.skill).label)
        if skill.example:
            _el(other, "Description", _html(skill.example))


def _rendering(root) -> None:
    # The Europass editor shows only the sections listed here (those with content), in this order.
    design = _el(_el(root, "RenderingInformation"), "Design")
    for name, value in (("Template", "Template1"), ("Color", "Default"), ("FontSize", "Medium")):
        _el(design, name, value)
    _el(design, "Logo", "FirstPage")
    _el(design, "PageNumbers", "true")
    order = _el(design, "SectionsOrder")
    for title in ("work-experience", "education-training", "language", "profile-skills", "driving-licence"):
        _el(_el(order, "Section"), "Title", title)


def europass_tree(profile: SkillsProfile, language: str | None = None) -> ET.Element:
    """The Europass "Candidate" document of a profile (constraints, wishes and next steps left out). Its
    Europass elements are unqualified: serialise it with `europass_xml`, which declares their namespace."""
    language = language or settings.LANGUAGE_CODE
    document_id = _document_id(profile)
    with translation.override(language):
        root = ET.Element(
            "Candidate", {_q("xsi:schemaLocation"): f"{EUROPASS_NS} Candidate.xsd", "xmlns": EUROPASS_NS}
        )
        scheme = {"schemeID": document_id, "schemeAgencyName": "EUROPASS"}
        _el(root, "hr:DocumentID", **_ids(scheme, "DocumentIdentifier", "4.0"))
        supplier = _el(root, "CandidateSupplier")
        _el(supplier, "hr:PartyID", **_ids(scheme, "PartyID", "1.0"))
        _el(supplier, "hr:PartyName", "Owner")
        _person_name(_el(supplier, "PersonContact"), profile.participant)
        _el(supplier, "hr:PrecedenceCode", 1)
        _candidate_person(root, profile)
        profile_el = _el(root, "CandidateProfile", languageCode=language.split("-")[0])
        _el(profile_el, "hr:ID", **_ids(scheme, "CandidateProfileID", "1.0"))
        if profile.summary.strip():
            _el(profile_el, "hr:ExecutiveSummary", _html(profile.summary))
        _employment(profile_el, profile)
        _education(profile_el, profile)
        _licences(profile_el, profile)
        _languages(profile_el, profile)
        _skills(profile_el, profile)
        _others(profile_el, profile)
        _rendering(root)
    return root


def europass_xml(profile: SkillsProfile, language: str | None = None) -> bytes:
    """The Europass-compatible XML, UTF-8, as the Europass editor writes its own exports."""
    root = europass_tree(profile, language)
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{body}\n'.encode()


# ------------------------------------------------------------------------------------------------- PDF


# Values the PDF prints as written: free text, names, and labels that may be in another script.
_AS_WRITTEN = frozenset(
    {"text", "title", "institution", "employer", "job_title", "tasks", "example", "note", "body"}
    | {"organisation", "label"}
)


def _direction(text: str) -> str | None:
    """The direction of a text's first strong character, as `dir="auto"` would decide (WeasyPrint has no
    "auto")."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def _isolate(value, direction: str):
    """Wrap the values printed as written whose direction differs from the part's (Latin text in the Arabic
    part, Arabic text in the Italian one), so that their punctuation stays where it was typed."""
    if isinstance(value, dict):
        return {
            key: _isolate_text(item, direction) if key in _AS_WRITTEN else _isolate(item, direction)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_isolate(item, direction) for item in value]
    return value


def _isolate_text(value, direction: str):
    if not isinstance(value, str):
        return _isolate(value, direction)
    own = _direction(value)
    if own is None or own == direction:
        return value
    return mark_safe(f'<bdi dir="{own}">{escape(value)}</bdi>')  # noqa: S308 (escaped above)


def _part(profile: SkillsProfile, language: str, constraints) -> str:
    with translation.override(language):
        bidi = translation.get_language_bidi()
        direction = "rtl" if bidi else "ltr"
        data = _isolate(profile_data(profile, constraints=constraints), direction)
        sections = {state["code"]: state for state in data["profile"]["sections"]}
        return render_to_string(
            "skills/pdf/part.html",
            {
                "data": data,
                "name": _isolate_text(
                    f"{profile.participant.first_name} {profile.participant.last_name}", direction
                ),
                "sections": sections,
                "language": language,
                "language_name": dict(settings.LANGUAGES).get(language, language),
                "bidi": bidi,
                # Column headings in the order of each language's "levels".
                "cefr_labels": [LanguageSkill._meta.get_field(name).verbose_name for name in CEFR_SKILLS],
            },
        )


def profile_html(profile: SkillsProfile, user, *, sensitive: bool = False, second: str | None = None) -> str:
    """The PDF's HTML: the profile in Italian, then (on a new page) in the participant's language."""
    constraints = visible_constraints(profile, user, requested=sensitive)
    languages = [settings.LANGUAGE_CODE] + ([second] if second else [])
    parts = [mark_safe(_part(profile, language, constraints)) for language in languages]  # noqa: S308 (rendered template)
    now = timezone.localtime()
    footers = []
    for language in languages:
        with translation.override(language):
            text = _("Document generated by InterAzioni on %(date)s") % {
                "date": formats.date_format(now, "SHORT_DATE_FORMAT")
            }
            if all(footer["text"] != text for footer in footers):  # not translated yet: once is enough
                footers.append({"language": language, "bidi": translation.get_language_bidi(), "text": text})
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "skills/pdf/profile.html",
            {"participant": profile.participant, "parts": parts, "footers": footers},
        )


def profile_pdf(profile: SkillsProfile, user, *, sensitive: bool = False, second: str | None = None) -> bytes:
    return pdf_from_html(profile_html(profile, user, sensitive=sensitive, second=second))


def filename(profile: SkillsProfile, extension: str) -> str:
    """An ASCII file name: the person's name where it has Latin letters, and the record number."""
    participant = profile.participant
    name = slugify(f"{participant.first_name} {participant.last_name}")[:60]
    stem = "-".join(part for part in ("profilo-competenze", name, str(participant.pk)) if part)
    return f"{stem}.{extension}"
