"""API endpoints for participants."""

import datetime
import uuid

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from core.scoping import CHANGE, VIEW, get_for_user, require_permission
from people import actions
from people.eligibility import check_codice_fiscale, date_errors, eligibility_errors
from people.models import (
    EducationLevel,
    EmploymentStatus,
    Participant,
    PermitReason,
    Sex,
)
from territory.models import Country, Language, Municipality

router = Router(tags=["participants"])


class ParticipantOut(Schema):
    id: int
    public_id: uuid.UUID
    owner_id: int = Field(..., alias="owner_id")
    first_name: str
    last_name: str
    sex: str
    birth_date: datetime.date
    country_of_birth: str = Field(..., alias="country_of_birth.iso_alpha2")
    citizenships: list[str]
    is_stateless: bool
    codice_fiscale: str
    permit_reason: str
    permit_expiry: datetime.date | None
    permit_being_renewed: bool
    arrival_date: datetime.date | None
    municipality_istat: str | None
    languages: list[str]
    education_level: str
    employment_status: str
    status: str
    target_groups: list[str]
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_citizenships(obj):
        return [c.iso_alpha2 for c in obj.citizenships.all()]

    @staticmethod
    def resolve_languages(obj):
        return [lang.code for lang in obj.languages.all()]

    @staticmethod
    def resolve_municipality_istat(obj):
        return obj.municipality.istat_code if obj.municipality_id else None

    @staticmethod
    def resolve_target_groups(obj):
        return [str(g.value) for g in obj.target_groups()]


class ParticipantIn(Schema):
    first_name: str = Field(..., min_length=1, max_length=100)
    last_name: str = Field(..., min_length=1, max_length=100)
    sex: Sex
    birth_date: datetime.date
    country_of_birth: str = Field(..., description="ISO 3166-1 alpha-2 code", min_length=2, max_length=2)
    citizenships: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2 codes")
    is_stateless: bool = False
    codice_fiscale: str = ""
    permit_reason: PermitReason | None = None
    permit_expiry: datetime.date | None = None
    permit_being_renewed: bool = False
    arrival_date: datetime.date | None = None
    municipality_istat: str | None = Field(None, description="ISTAT municipality code, 6 digits")
    languages: list[str] = Field(default_factory=list, description="ISO 639-3 codes")
    phone: str = ""
    email: str = ""
    education_level: EducationLevel = EducationLevel.UNKNOWN
    employment_status: EmploymentStatus = EmploymentStatus.UNKNOWN
    unaccompanied_minor: bool = False


class ParticipantFilter(FilterSchema):
    q: str | None = Field(None, description="Name, codice fiscale or e-mail")
    citizenship: str | None = Field(None, description="ISO alpha-2 code")
    status: str | None = None
    updated_since: datetime.datetime | None = None


class Error(Schema):
    detail: str | dict | list


def _scoped_list(user):
    return (
        Participant.objects.visible_to(user, VIEW)
        .select_related("country_of_birth", "municipality")
        .prefetch_related(
            Prefetch("citizenships", queryset=Country.objects.only("pk", "iso_alpha2")),
            Prefetch("languages", queryset=Language.objects.only("pk", "code")),
        )
        .order_by("pk")
    )


@router.get("/", response=list[ParticipantOut], summary="List participants in your scope")
@paginate(PageNumberPagination, page_size=50)
def list_participants(request, filters: Query[ParticipantFilter]):
    require_permission(request.user, "participant.view")
    qs = _scoped_list(request.user)
    if filters.q:
        qs = qs.search(filters.q)
    if filters.citizenship:
        qs = qs.filter(citizenships__iso_alpha2=filters.citizenship.upper())
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.updated_since:
        qs = qs.filter(updated_at__gte=filters.updated_since)
    return qs


@router.get("/{int:participant_id}", response={200: ParticipantOut, 404: Error}, summary="One participant")
def get_participant(request, participant_id: int):
    participant = get_for_user(_scoped_list(request.user), request.user, VIEW, pk=participant_id)
    actions.log_participant_access(participant, acting_user=request.user, request=request, channel="api")
    return participant


def _resolve_in(payload: ParticipantIn) -> tuple[dict, dict]:
    """Turn codes into records; returns (data, errors by field)."""
    errors: dict[str, list[str]] = {}
    data = payload.dict()
    country = Country.objects.filter(iso_alpha2=data.pop("country_of_birth").upper()).first()
    if country is None:
        errors["country_of_birth"] = ["Unknown country code."]
    data["country_of_birth"] = country
    codes = [c.upper() for c in data.pop("citizenships")]
    citizenships = list(Country.objects.filter(iso_alpha2__in=codes))
    if len(citizenships) != len(set(codes)):
        errors["citizenships"] = ["Unknown country code."]
    data["citizenships"] = citizenships
    language_codes = data.pop("languages")
    languages = list(Language.objects.filter(code__in=language_codes))
    if len(languages) != len(set(language_codes)):
        errors["languages"] = ["Unknown language code."]
    data["languages"] = languages
    istat = data.pop("municipality_istat")
    data["municipality"] = None
    if istat:
        data["municipality"] = Municipality.objects.filter(istat_code=istat).first()
        if data["municipality"] is None:
            errors["municipality_istat"] = ["Unknown ISTAT code."]
    data["permit_reason"] = data["permit_reason"] or ""
    if not errors:
        messages = eligibility_errors(citizenships, is_stateless=data["is_stateless"])
        if messages:
            errors["citizenships"] = messages
        check = check_codice_fiscale(
            data["codice_fiscale"], birth_date=data["birth_date"], sex=data["sex"], country_of_birth=country
        )
        if check.errors:
            errors["codice_fiscale"] = check.errors
        errors.update(date_errors(data["birth_date"], data["arrival_date"]))
    return data, errors


@router.post("/", response={201: ParticipantOut, 403: Error, 422: Error}, summary="Register a participant")
def create_participant(request, payload: ParticipantIn):
    require_permission(request.user, "participant.change")
    data, errors = _resolve_in(payload)
    if errors:
        return Status(422, {"detail": errors})
    participant = actions.register_participant(acting_user=request.user, data=data)
    return Status(201, get_object_or_404(_scoped_list(request.user), pk=participant.pk))


@router.put("/{int:participant_id}", response={200: ParticipantOut, 403: Error, 404: Error, 422: Error})
def update_participant(request, participant_id: int, payload: ParticipantIn):
    participant = get_for_user(Participant.objects.all(), request.user, CHANGE, pk=participant_id)
    data, errors = _resolve_in(payload)
    if errors:
        return Status(422, {"detail": errors})
    actions.update_participant(participant, acting_user=request.user, data=data)
    return Status(200, get_object_or_404(_scoped_list(request.user), pk=participant.pk))
