"""API endpoints for skills profiles (read only) and the ESCO search, with the same scoping as the pages: a
profile out of scope answers 404 and is absent from the list. Constraints (health, family) are never served
by the API; the workspace's JSON download carries them for the case's operators who ask."""

import datetime
import json

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from api.activities import MAX_ID, BoundedPageNumberPagination, Error
from core.scoping import VIEW, get_for_user, require_permission
from people.actions import log_participant_access
from skills import exports
from skills.models import (
    DigitalSkill,
    DrivingLicence,
    LanguageSkill,
    NextStep,
    Occupation,
    Qualification,
    Skill,
    SkillsProfile,
    SoftSkill,
    WorkExperience,
)

router = Router(tags=["skills"])

ESCO_RESULTS = 15

# Claims counted per section in the list (section code -> model).
COUNTED = {
    "education": Qualification,
    "work": WorkExperience,
    "languages": LanguageSkill,
    "digital": DigitalSkill,
    "soft_skills": SoftSkill,
    "licences": DrivingLicence,
    "next_steps": NextStep,
}


class SkillsProfileOut(Schema):
    participant_id: int
    interview_started_at: datetime.datetime | None = Field(
        None,
        description="When the interview started; null for a profile a course assessment opened "
        "(it holds only that language level and is not counted as a started profile).",
    )
    completeness: int = Field(..., description="Share of the interview's sections answered, in %.")
    completed_at: datetime.datetime | None = Field(None, description="When the interview was closed.")
    updated_at: datetime.datetime
    counts: dict[str, int] = Field(
        ...,
        description="Claims per section: education, work, languages, digital, soft_skills, licences, next_steps.",
    )

    @staticmethod
    def resolve_counts(obj):
        return {section: getattr(obj, f"count_{section}") for section in COUNTED}


class SkillsProfileDetailOut(Schema):
    """The profile as the JSON download has it (format `interazioni-skills-profile`, version 1), without
    constraints."""

    format: str
    version: int
    generated_at: datetime.datetime
    language: str
    evidence_levels: list[dict]
    person: dict
    profile: dict
    summary: dict
    education: list[dict]
    work: list[dict]
    languages: list[dict]
    digital: list[dict]
    soft_skills: list[dict]
    licences: list[dict]
    aspirations: dict
    next_steps: list[dict]
    history: list[dict]


class ProfileFilter(Schema):
    started: bool | None = Field(
        None,
        description="Only profiles whose interview started (true) or opened by a course assessment (false)",
    )
    completed: bool | None = Field(None, description="Only profiles whose interview is (not) closed")
    updated_since: datetime.datetime | None = None


class OccupationOut(Schema):
    uri: str
    label: str = Field(..., description="English label")
    label_it: str = Field(..., description="Italian label, where loaded")
    isco_code: str | None = Field(None, description="ISCO-08 code, for ISCO groups")

    @staticmethod
    def resolve_isco_code(obj):
        return obj.isco_code or None


class SkillOut(Schema):
    uri: str
    label: str = Field(..., description="English label")
    label_it: str = Field(..., description="Italian label, where loaded")
    skill_type: str


class EscoSearch(Schema):
    q: str = Field(..., min_length=1, max_length=100, description="Words of the label, Italian or English")


def _count(model):
    claims = (
        model.objects.filter(profile=OuterRef("pk"))
        .order_by()
        .values("profile")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(claims, output_field=IntegerField()), 0)


@router.get("/skills-profiles", response=list[SkillsProfileOut], summary="Skills profiles in your scope")
@paginate(BoundedPageNumberPagination, page_size=50)
def list_profiles(request, filters: Query[ProfileFilter]):
    require_permission(request.user, "skills.view")
    qs = (
        SkillsProfile.objects.visible_to(request.user, VIEW)
        .annotate(**{f"count_{section}": _count(model) for section, model in COUNTED.items()})
        .order_by("participant_id")
    )
    if filters.started is not None:
        qs = qs.interviewed() if filters.started else qs.filter(interview_started_at__isnull=True)
    if filters.completed is not None:
        qs = qs.filter(completed_at__isnull=not filters.completed)
    if filters.updated_since:
        qs = qs.filter(updated_at__gte=filters.updated_since)
    return qs


@router.get(
    "/skills-profiles/{int:participant_id}",
    response={200: SkillsProfileDetailOut, 403: Error, 404: Error},
    summary="A participant's skills profile, with ESCO, CEFR, EQF, DigComp and ISCED-F codes",
)
def get_profile(request, participant_id: int = Path(..., ge=1, le=MAX_ID)):
    require_permission(request.user, "skills.view")
    profile = get_for_user(exports.profile_queryset(), request.user, VIEW, participant_id=participant_id)
    log_participant_access(profile.participant, acting_user=request.user, request=request, channel="api")
    # The same document as the download, constraints left out whoever asks.
    return json.loads(exports.profile_json(profile, request.user, sensitive=False))


@router.get(
    "/esco/occupations", response=list[OccupationOut], summary="Search ESCO occupations and ISCO groups"
)
def search_occupations(request, search: Query[EscoSearch]):
    require_permission(request.user, "skills.view")
    return list(Occupation.objects.search(search.q, limit=ESCO_RESULTS))


@router.get("/esco/skills", response=list[SkillOut], summary="Search ESCO skills and knowledge")
def search_skills(request, search: Query[EscoSearch]):
    require_permission(request.user, "skills.view")
    return list(Skill.objects.search(search.q, limit=ESCO_RESULTS))
