"""API endpoints for referrals between organisations and cultural mediation."""

import datetime
import decimal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from core.roles import ALL_RECORDS_ROLES
from core.scoping import VIEW, active_membership, get_for_user, require_permission
from network.models import Organisation
from paths import actions
from paths.models import MediationRequest, MediationStatus, Referral, ReferralStatus, ServiceType
from people.models import WORK, Participant

router = Router(tags=["referrals"])

RECENT_DAYS = 30
REFERRAL_RELATED = ("from_organisation", "to_organisation", "service_type")


class Error(Schema):
    detail: str | dict | list


class ReferralOut(Schema):
    id: int
    status: str
    from_organisation_id: int
    to_organisation_id: int
    service_type: str = Field(..., alias="service_type.code")
    summary: str
    urgent: bool
    sent_at: datetime.datetime
    answered_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    assigned_to_id: int | None
    consent_id: int | None
    consent_override_reason: str
    rejection_reason: str
    participant_id: int | None = Field(
        None,
        alias="visible_participant_id",
        description="Only once the caller may see the participant (for the receiver: after acceptance).",
    )
    reason: str | None = Field(
        None,
        alias="visible_reason",
        description="Only for the sender, and for the receiver after acceptance.",
    )


class ReferralIn(Schema):
    participant_id: int
    to_organisation_id: int
    service_type: str = Field(..., description="Service type code")
    reason: str = ""
    urgent: bool = False
    override_reason: str = Field("", max_length=300)


class ReferralTransitionIn(Schema):
    status: ReferralStatus
    note: str = Field("", max_length=300)


class ReferralFilter(Schema):
    queue: str | None = Field(None, description="incoming, outgoing or assigned")


class MediationOut(Schema):
    id: int
    organisation_id: int
    status: str
    language: str = Field(..., alias="language.code")
    service_context: str
    meeting: str
    starts_at: datetime.datetime
    planned_minutes: int
    place: str
    mediator_id: int | None
    hours: decimal.Decimal | None
    note: str


class MediationTransitionIn(Schema):
    status: MediationStatus
    hours: decimal.Decimal | None = None
    note: str = Field("", max_length=300)


def _present(user, referrals):
    """Attach the participant id and the reason only where the caller may see them (one query for all)."""
    membership = active_membership(user)
    visible = set(
        Participant.objects.visible_to(user, VIEW)
        .filter(pk__in={r.participant_id for r in referrals})
        .values_list("pk", flat=True)
    )
    for referral in referrals:
        org = membership.organisation_id if membership else None
        reason_visible = org == referral.from_organisation_id or (
            org == referral.to_organisation_id
            and referral.answered_at is not None
            and referral.status != ReferralStatus.REJECTED
        )
        referral.visible_participant_id = (
            referral.participant_id if referral.participant_id in visible else None
        )
        referral.visible_reason = referral.reason if reason_visible else None
    return referrals


@router.get("/referrals/", response=list[ReferralOut], summary="Referrals in your scope")
@paginate(PageNumberPagination, page_size=50)
def list_referrals(request, filters: Query[ReferralFilter]):
    require_permission(request.user, "referral.view")
    membership = active_membership(request.user)
    qs = (
        Referral.objects.visible_to(request.user, VIEW)
        .select_related(*REFERRAL_RELATED)
        .order_by("-sent_at", "-pk")
    )
    org = membership.organisation_id
    if filters.queue == "incoming":
        qs = qs.awaiting_answer_from(org)
    elif filters.queue == "outgoing":
        qs = qs.sent_open_by(org)
    elif filters.queue == "assigned":
        since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
        qs = qs.filter(assigned_to=request.user).filter(
            Q(status=ReferralStatus.ACCEPTED) | Q(status=ReferralStatus.COMPLETED, closed_at__gte=since)
        )
    elif membership.role not in ALL_RECORDS_ROLES:
        qs = qs.filter(Q(from_organisation_id=org) | Q(to_organisation_id=org))
    return _PresentedList(request.user, qs)


class _PresentedList:
    """A lazily sliced queryset whose page is presented with the caller's visibility (for @paginate)."""

    def __init__(self, user, queryset):
        self.user = user
        self.queryset = queryset

    def __len__(self):
        return self.queryset.count()

    def count(self):
        return self.queryset.count()

    def __getitem__(self, item):
        return _present(self.user, list(self.queryset[item]))


@router.get("/referrals/{int:referral_id}", response={200: ReferralOut, 404: Error}, summary="One referral")
def get_referral(request, referral_id: int):
    referral = get_for_user(
        Referral.objects.select_related(*REFERRAL_RELATED), request.user, VIEW, pk=referral_id
    )
    return _present(request.user, [referral])[0]


@router.post(
    "/referrals/",
    response={201: ReferralOut, 403: Error, 404: Error, 422: Error},
    summary="Send a referral to another organisation",
)
def create_referral(request, payload: ReferralIn):
    require_permission(request.user, "referral.send")
    participant = get_for_user(Participant.objects.all(), request.user, WORK, pk=payload.participant_id)
    organisation = (
        Organisation.objects.visible_to(request.user, VIEW).filter(pk=payload.to_organisation_id).first()
    )
    if organisation is None:
        return Status(422, {"detail": {"to_organisation_id": ["Unknown organisation."]}})
    service_type = ServiceType.objects.filter(code=payload.service_type, is_active=True).first()
    if service_type is None:
        return Status(422, {"detail": {"service_type": ["Unknown service type code."]}})
    referral = actions.send_referral(
        participant,
        acting_user=request.user,
        to_organisation=organisation,
        service_type=service_type,
        reason=payload.reason,
        urgent=payload.urgent,
        override_reason=payload.override_reason,
    )
    referral = get_object_or_404(Referral.objects.select_related(*REFERRAL_RELATED), pk=referral.pk)
    return Status(201, _present(request.user, [referral])[0])


@router.post(
    "/referrals/{int:referral_id}/transition",
    response={200: ReferralOut, 403: Error, 404: Error, 422: Error},
    summary="Accept, reject, complete or withdraw a referral",
)
def transition_referral(request, referral_id: int, payload: ReferralTransitionIn):
    referral = get_for_user(Referral.objects.all(), request.user, VIEW, pk=referral_id)
    actions.transition_referral(referral, payload.status, acting_user=request.user, note=payload.note)
    referral = get_object_or_404(Referral.objects.select_related(*REFERRAL_RELATED), pk=referral.pk)
    return _present(request.user, [referral])[0]


@router.get("/mediation/", response=list[MediationOut], summary="Mediation requests in your scope")
@paginate(PageNumberPagination, page_size=50)
def list_mediation(request, status: MediationStatus | None = None):
    qs = (
        MediationRequest.objects.visible_to(request.user, VIEW)
        .select_related("language")
        .order_by("-starts_at", "-pk")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


@router.post(
    "/mediation/{int:mediation_id}/transition",
    response={200: MediationOut, 403: Error, 404: Error, 422: Error},
    summary="Confirm, decline, complete (with hours) or cancel a mediation request",
)
def transition_mediation(request, mediation_id: int, payload: MediationTransitionIn):
    mediation = get_for_user(MediationRequest.objects.all(), request.user, VIEW, pk=mediation_id)
    actions.transition_mediation(
        mediation, payload.status, acting_user=request.user, hours=payload.hours, note=payload.note
    )
    return get_object_or_404(MediationRequest.objects.select_related("language"), pk=mediation.pk)
