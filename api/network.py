"""API endpoints for the partnership network: the organisation registry (`router`, under /organisations),
agreements, consultation tables, meetings, action items and the network metrics (`governance_router`).

Governance records hold no personal data of participants: every workspace role reads them
(`governance.view`), through the same scoped querysets as the pages. The endpoints are read-only; changes
go through the workspace. The network metrics need `network.analytics` (org admins and the regional
roles)."""

import datetime

from django.db.models import Count, Min, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from api.activities import BoundedPageNumberPagination, Error
from core.scoping import VIEW, get_for_user, require_permission
from network import analytics
from network.models import (
    ActionItem,
    ActionItemStatus,
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    Approval,
    ConsultationTable,
    Meeting,
    MeetingParticipant,
    MeetingStatus,
    NetworkStatus,
    Organisation,
    OrganisationKind,
    Sector,
)
from territory.models import Province

router = Router(tags=["organisations"])
governance_router = Router(tags=["governance"])


# --- Organisations -------------------------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    tax_code: str
    municipality_istat: str = Field(..., alias="municipality.istat_code")
    municipality_name: str = Field(..., alias="municipality.name")
    province: str = Field(..., alias="municipality.province.abbreviation", description="Province of the seat")
    migrant_led: bool
    email: str
    phone: str
    website: str
    is_active: bool
    sectors: list[str] = Field(..., description="Sector codes: " + ", ".join(Sector.values))
    provinces_served: list[str] = Field(..., description="Province abbreviations")
    languages_offered: list[str] = Field(..., description="ISO 639-3 codes")
    network_status: str = Field(..., description="active, candidate or left")
    joined_on: datetime.date | None
    left_on: datetime.date | None
    approval: str = Field(
        ...,
        description="Migrant associations and informal groups: pending, approved or rejected; others not_needed",
    )

    @staticmethod
    def resolve_provinces_served(obj):
        return sorted(province.abbreviation for province in obj.provinces_served.all())

    @staticmethod
    def resolve_languages_offered(obj):
        return sorted(language.code for language in obj.languages_offered.all())


class OrganisationFilter(Schema):
    kind: OrganisationKind | None = None
    q: str | None = Field(None, description="Part of the name")
    sector: Sector | None = None
    network_status: NetworkStatus | None = None
    approval: Approval | None = None


def _scoped(user):
    return (
        Organisation.objects.visible_to(user, VIEW)
        .select_related("municipality__province")
        .prefetch_related("provinces_served", "languages_offered")
        .order_by("name", "pk")
    )


@router.get("/", response=list[OrganisationOut], summary="List organisations")
@paginate(BoundedPageNumberPagination, page_size=50)
def list_organisations(request, filters: Query[OrganisationFilter]):
    require_permission(request.user, "organisation.view")
    qs = _scoped(request.user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    if filters.network_status:
        qs = qs.filter(network_status=filters.network_status)
    if filters.approval:
        qs = qs.filter(approval=filters.approval)
    if filters.sector:
        # JSON list membership, the same on SQLite and PostgreSQL: the code quoted inside the list's text.
        qs = qs.filter(sectors__icontains=f'"{filters.sector.value}"')
    return qs


@router.get("/{int:organisation_id}", response={200: OrganisationOut, 404: Error}, summary="One organisation")
def get_organisation(request, organisation_id: int):
    return get_for_user(_scoped(request.user), request.user, VIEW, pk=organisation_id)


# --- Agreements ----------------------------------------------------------------------------------------------


class PartyOut(Schema):
    organisation_id: int
    organisation_name: str = Field(..., alias="organisation.name")
    role: str


class AgreementOut(Schema):
    id: int
    kind: str
    title: str = Field(..., description="The subject")
    description: str
    actions: list[str] = Field(..., description="Actions covered: 01, 02, 03")
    objectives: str
    status: str = Field(..., description="draft, signed, expired or withdrawn")
    signed_on: datetime.date | None
    valid_from: datetime.date | None
    valid_until: datetime.date | None = Field(None, description="null: open-ended")
    withdrawn_on: datetime.date | None
    withdrawal_reason: str
    has_document: bool = Field(..., description="A signed PDF is attached (download it from the workspace)")
    in_force: bool = Field(..., description="Signed and within its validity today")
    days_to_expiry: int | None = Field(None, description="For an agreement in force with an end date")
    parties: list[PartyOut]

    @staticmethod
    def resolve_has_document(obj):
        return bool(obj.document)

    @staticmethod
    def resolve_in_force(obj):
        return obj.in_force_on(timezone.localdate())

    @staticmethod
    def resolve_days_to_expiry(obj):
        today = timezone.localdate()
        if obj.valid_until is None or not obj.in_force_on(today):
            return None
        return (obj.valid_until - today).days

    @staticmethod
    def resolve_parties(obj):
        return list(obj.parties.all())


class AgreementFilter(Schema):
    status: AgreementStatus | None = None
    kind: AgreementKind | None = None
    organisation: int | None = Field(None, description="Agreements this organisation (id) is a party of")
    expiring_within_days: int | None = Field(
        None,
        ge=0,
        le=3650,
        description="Signed agreements whose validity ends within so many days from today",
    )


def _agreements(user):
    return Agreement.objects.visible_to(user, VIEW).prefetch_related(
        Prefetch(
            "parties", queryset=AgreementParty.objects.select_related("organisation").order_by("role", "pk")
        )
    )


@governance_router.get("/agreements/", response=list[AgreementOut], summary="Agreements")
@paginate(BoundedPageNumberPagination, page_size=50)
def list_agreements(request, filters: Query[AgreementFilter]):
    require_permission(request.user, "governance.view")
    qs = _agreements(request.user).order_by("-signed_on", "-pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.organisation:
        qs = qs.filter(
            pk__in=AgreementParty.objects.filter(organisation_id=filters.organisation).values("agreement")
        )
    if filters.expiring_within_days is not None:
        today = timezone.localdate()
        qs = qs.filter(
            status=AgreementStatus.SIGNED,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=filters.expiring_within_days),
        ).order_by("valid_until", "pk")
    return qs


@governance_router.get(
    "/agreements/{int:agreement_id}", response={200: AgreementOut, 404: Error}, summary="One agreement"
)
def get_agreement(request, agreement_id: int):
    return get_for_user(_agreements(request.user), request.user, VIEW, pk=agreement_id)


# --- Consultation tables and meetings ------------------------------------------------------------------------


class TableOut(Schema):
    id: int
    name: str
    theme: str
    province: str | None = Field(None, description="Abbreviation; null for a regional table")
    district_id: int | None
    coordinator_id: int
    coordinator_name: str = Field(..., alias="coordinator.name")
    member_ids: list[int]
    is_active: bool
    meetings_held: int
    next_meeting: datetime.datetime | None

    @staticmethod
    def resolve_province(obj):
        return obj.province.abbreviation if obj.province_id else None

    @staticmethod
    def resolve_member_ids(obj):
        return sorted(member.pk for member in obj.members.all())


class MeetingOut(Schema):
    id: int
    table_id: int
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    online_url: str
    status: str = Field(..., description="planned, held or cancelled")


class MeetingParticipantOut(Schema):
    organisation_id: int
    organisation_name: str = Field(..., alias="organisation.name")
    person_name: str
    presence: str = Field(..., description="invited, present, excused or absent")


class ActionItemOut(Schema):
    id: int
    meeting_id: int
    description: str
    owner_id: int
    owner_name: str = Field(..., alias="owner.name")
    due_date: datetime.date
    status: str = Field(..., description="open, in_progress, done or dropped")
    note: str
    closed_at: datetime.datetime | None
    is_overdue: bool


class MeetingDetailOut(MeetingOut):
    agenda: str
    minutes: str = Field(..., description="Sanitised HTML")
    decisions: str
    participants: list[MeetingParticipantOut]
    action_items: list[ActionItemOut]

    @staticmethod
    def resolve_participants(obj):
        return list(obj.participants.all())

    @staticmethod
    def resolve_action_items(obj):
        return list(obj.action_items.all())


class TableFilter(Schema):
    province: str | None = Field(
        None, description="Province abbreviation, e.g. NA; 'regional' for regional tables"
    )
    active: bool | None = None


def _tables(user):
    now = timezone.now()
    return (
        ConsultationTable.objects.visible_to(user, VIEW)
        .select_related("province", "coordinator")
        .prefetch_related(Prefetch("members", queryset=Organisation.objects.only("pk")))
        .annotate(
            meetings_held=Count("meetings", filter=Q(meetings__status=MeetingStatus.HELD)),
            next_meeting=Min(
                "meetings__starts_at",
                filter=Q(meetings__status=MeetingStatus.PLANNED, meetings__starts_at__gte=now),
            ),
        )
    )


@governance_router.get("/tables/", response=list[TableOut], summary="Consultation tables")
@paginate(BoundedPageNumberPagination, page_size=50)
def list_tables(request, filters: Query[TableFilter]):
    require_permission(request.user, "governance.view")
    qs = _tables(request.user).order_by("name", "pk")
    if filters.province:
        if filters.province.lower() == "regional":
            qs = qs.filter(province__isnull=True)
        else:
            qs = qs.filter(province__abbreviation__iexact=filters.province)
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    return qs


@governance_router.get(
    "/tables/{int:table_id}", response={200: TableOut, 404: Error}, summary="One consultation table"
)
def get_table(request, table_id: int):
    return get_for_user(_tables(request.user), request.user, VIEW, pk=table_id)


@governance_router.get(
    "/tables/{int:table_id}/meetings",
    response={200: list[MeetingOut], 404: Error},
    summary="The meetings of a consultation table, newest first",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_table_meetings(request, table_id: int):
    table = get_for_user(ConsultationTable.objects.all(), request.user, VIEW, pk=table_id)
    return Meeting.objects.visible_to(request.user, VIEW).filter(table=table).order_by("-starts_at", "-pk")


@governance_router.get(
    "/meetings/{int:meeting_id}",
    response={200: MeetingDetailOut, 404: Error},
    summary="One meeting, with its participants and action items",
)
def get_meeting(request, meeting_id: int):
    meetings = Meeting.objects.prefetch_related(
        Prefetch("participants", queryset=MeetingParticipant.objects.select_related("organisation")),
        Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
    )
    return get_for_user(meetings, request.user, VIEW, pk=meeting_id)


class ActionItemFilter(Schema):
    owner: int | None = Field(None, description="Owner organisation id")
    status: ActionItemStatus | None = None
    overdue: bool | None = Field(None, description="true: open or in progress and past the due date")
    meeting: int | None = Field(None, description="Meeting id")


@governance_router.get("/action-items/", response=list[ActionItemOut], summary="Action items")
@paginate(BoundedPageNumberPagination, page_size=50)
def list_action_items(request, filters: Query[ActionItemFilter]):
    require_permission(request.user, "governance.view")
    qs = ActionItem.objects.visible_to(request.user, VIEW).select_related("owner").order_by("due_date", "pk")
    if filters.owner:
        qs = qs.filter(owner_id=filters.owner)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.meeting:
        qs = qs.filter(meeting_id=filters.meeting)
    if filters.overdue is True:
        qs = qs.overdue()
    elif filters.overdue is False:
        qs = qs.exclude(pk__in=ActionItem.objects.overdue().values("pk"))
    return qs


# --- Network metrics -----------------------------------------------------------------------------------------


class CentralOut(Schema):
    id: int
    name: str
    kind: str
    province: str
    degree: int = Field(..., description="Number of ties")
    weighted_degree: int = Field(..., description="Sum of the weights of its ties")
    betweenness: float = Field(..., description="Normalised betweenness centrality (0-1)")


class IsolatedOut(Schema):
    id: int
    name: str


class NetworkMetricsOut(Schema):
    start: datetime.date
    end: datetime.date
    province: str | None
    tie_kinds: list[str]
    organisations: int
    by_kind: dict[str, int]
    ties: int
    ties_by_kind: dict[str, int] = Field(..., description="Ties carrying each kind (a tie may carry several)")
    total_weight: int
    density: float
    average_degree: float
    isolated_count: int
    isolated: list[IsolatedOut]
    cross_sector_ties: int = Field(..., description="Ties between organisations with no sector in common")
    ties_with_sectors: int = Field(..., description="Ties whose two organisations both declared sectors")
    cross_sector_share: float | None
    cross_kind_ties: int = Field(..., description="Ties between organisations of different kinds")
    cross_kind_share: float | None
    components: int = Field(..., description="Connected groups of organisations with at least one tie")
    largest_component: int
    central: list[CentralOut] = Field(..., description="Top organisations by weighted degree")
    brokers: list[CentralOut] = Field(..., description="Top organisations by betweenness")
    betweenness_sampled: bool


class NetworkChangeOut(Schema):
    new_ties: int
    lost_ties: int
    kept_ties: int
    stronger_ties: int
    weaker_ties: int
    new_organisations: int
    organisations: int
    ties: int
    density: float
    average_degree: float
    isolated: int
    components: int
    cross_sector_share: float | None
    cross_kind_share: float | None


class NetworkComparisonOut(Schema):
    a: NetworkMetricsOut
    b: NetworkMetricsOut
    change: NetworkChangeOut = Field(..., description="Period A minus period B")


class NetworkQuery(Schema):
    province: str | None = Field(None, description="Province abbreviation, e.g. NA (default: all)")
    tie_kinds: list[str] | None = Field(
        None, description="Kinds of tie to count (repeat the parameter): " + ", ".join(analytics.TIE_KINDS)
    )


def _network_scope(query: NetworkQuery):
    from django.core.exceptions import ValidationError

    province = None
    if query.province:
        province = Province.objects.filter(abbreviation__iexact=query.province).first()
        if province is None:
            raise ValidationError({"province": [_("Unknown province %(code)s.") % {"code": query.province}]})
    kinds = tuple(query.tie_kinds or analytics.TIE_KINDS)
    unknown = set(kinds) - set(analytics.TIE_KINDS)
    if unknown:
        raise ValidationError(
            {"tie_kinds": [_("Unknown kind of tie: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))}]}
        )
    return province, kinds


def _period(start, end) -> analytics.Period:
    from django.core.exceptions import ValidationError

    error = analytics.period_error(start, end)
    if error:
        raise ValidationError({"end": [error]})
    return analytics.Period(start, end)


def _metrics_out(graph, metrics: dict, period: analytics.Period, province) -> dict:
    return {
        **metrics,
        "start": period.start,
        "end": period.end,
        "province": province.abbreviation if province else None,
        "tie_kinds": list(graph.graph["tie_kinds"]),
        "isolated": [{"id": node, "name": graph.nodes[node]["name"]} for node in metrics["isolated"]],
    }


class MetricsQuery(NetworkQuery):
    start: datetime.date | None = Field(None, description="First day (default: a year before the end)")
    end: datetime.date | None = Field(None, description="Last day (default: today)")


@governance_router.get(
    "/network/metrics",
    response={200: NetworkMetricsOut, 403: Error, 422: Error},
    summary="Metrics of the partnership network for a period",
)
def network_metrics(request, query: Query[MetricsQuery]):
    require_permission(request.user, "network.analytics")
    end = query.end or timezone.localdate()
    start = query.start or analytics.default_periods(end)[0].start
    period = _period(start, end)
    province, kinds = _network_scope(query)
    graph = analytics.build_graph(period.start, period.end, province, kinds)
    return _metrics_out(graph, analytics.metrics(graph), period, province)


class CompareQuery(NetworkQuery):
    a_start: datetime.date | None = Field(None, description="Period A (default: the last twelve months)")
    a_end: datetime.date | None = None
    b_start: datetime.date | None = Field(None, description="Period B (default: the twelve months before A)")
    b_end: datetime.date | None = None


@governance_router.get(
    "/network/compare",
    response={200: NetworkComparisonOut, 403: Error, 422: Error},
    summary="Metrics of two periods and the change between them",
)
def network_compare(request, query: Query[CompareQuery]):
    require_permission(request.user, "network.analytics")
    default_a, default_b = analytics.default_periods()
    period_a = _period(query.a_start or default_a.start, query.a_end or default_a.end)
    period_b = _period(query.b_start or default_b.start, query.b_end or default_b.end)
    province, kinds = _network_scope(query)
    comparison = analytics.compare(period_a, period_b, province, kinds)
    return {
        "a": _metrics_out(comparison.graph_a, comparison.metrics_a, period_a, province),
        "b": _metrics_out(comparison.graph_b, comparison.metrics_b, period_b, province),
        "change": comparison.change,
    }
