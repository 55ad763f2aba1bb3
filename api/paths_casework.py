"""API endpoints for case work: individual plans and services delivered."""

import datetime

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from core.scoping import VIEW, get_for_user, require_permission
from paths import actions
from paths.models import GoalStep, IndividualPlan, ServiceOutcome, ServiceRecord, ServiceType
from people.actions import log_participant_access
from people.models import WORK, Participant

router = Router(tags=["casework"])


class Error(Schema):
    detail: str | dict | list


class StepOut(Schema):
    id: int
    description: str
    due_date: datetime.date | None
    done_at: datetime.datetime | None


class GoalOut(Schema):
    id: int
    area: str = Field(..., alias="area.code")
    title: str
    owner_email: str | None
    owner_organisation_id: int
    due_date: datetime.date | None
    review_date: datetime.date | None
    status: str
    steps: list[StepOut]

    @staticmethod
    def resolve_owner_email(obj):
        return obj.owner.email if obj.owner_id else None

    @staticmethod
    def resolve_steps(obj):
        return list(obj.steps.all())


class PlanOut(Schema):
    id: int
    participant_id: int
    version: int
    summary: str
    next_review: datetime.date | None
    organisation_id: int
    created_at: datetime.datetime
    goals: list[GoalOut]

    @staticmethod
    def resolve_goals(obj):
        return list(obj.goals.all())


class ServiceOut(Schema):
    id: int
    participant_id: int
    service_type: str = Field(..., alias="service_type.code")
    date: datetime.date
    duration_minutes: int
    action: str
    outcome: str
    note: str
    operator_email: str = Field(..., alias="operator.email")
    organisation_id: int
    group_session: str | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_group_session(obj):
        return str(obj.group_session) if obj.group_session else None


class ServiceIn(Schema):
    participant_id: int
    service_type: str = Field(..., description="Code of the service type")
    date: datetime.date
    duration_minutes: int = Field(30, gt=0, le=1440)
    outcome: ServiceOutcome = ServiceOutcome.DELIVERED
    note: str = ""


@router.get(
    "/plans/{int:participant_id}",
    response={200: PlanOut, 404: Error},
    summary="A participant's current individual plan",
)
def get_plan(request, participant_id: int):
    participant = get_for_user(Participant.objects.all(), request.user, VIEW, pk=participant_id)
    plan = get_object_or_404(
        IndividualPlan.objects.visible_to(request.user, VIEW)
        .filter(participant=participant, is_current=True)
        .prefetch_related(
            "goals__area",
            "goals__owner",
            Prefetch("goals__steps", queryset=GoalStep.objects.order_by("due_date", "pk")),
        )
    )
    log_participant_access(participant, acting_user=request.user, request=request, channel="api")
    return plan


def _services(user):
    return (
        ServiceRecord.objects.visible_to(user, VIEW)
        .select_related("service_type", "operator")
        .order_by("-date", "-pk")
    )


@router.get("/services/", response=list[ServiceOut], summary="Services delivered in your scope")
@paginate(PageNumberPagination, page_size=50)
def list_services(request, participant: int | None = None):
    require_permission(request.user, "participant.view")
    qs = _services(request.user)
    if participant is not None:
        qs = qs.filter(participant_id=participant)
    return qs


@router.post(
    "/services/",
    response={201: ServiceOut, 403: Error, 404: Error, 422: Error},
    summary="Record a service delivered",
)
def create_service(request, payload: ServiceIn):
    participant = get_for_user(Participant.objects.all(), request.user, WORK, pk=payload.participant_id)
    require_permission(request.user, "service.record")
    service_type = ServiceType.objects.filter(code=payload.service_type, is_active=True).first()
    if service_type is None:
        return Status(422, {"detail": {"service_type": ["Unknown service type code."]}})
    if payload.date > timezone.localdate():
        return Status(422, {"detail": {"date": ["A service cannot be recorded in the future."]}})
    record = actions.record_service(
        participant,
        acting_user=request.user,
        data={
            "service_type": service_type,
            "date": payload.date,
            "duration_minutes": payload.duration_minutes,
            "outcome": payload.outcome,
            "note": payload.note,
        },
    )
    return Status(201, get_object_or_404(_services(request.user), pk=record.pk))
