"""The Region's governance dashboard: agreements in force and expiring, meetings held per province,
overdue action items, organisations that joined, associations awaiting approval.

A fixed number of queries whatever the size of the network (each block is one aggregate or one short,
limited list)."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.scoping import VIEW, require_permission, user_can
from network import actions
from network.models import (
    NEEDS_APPROVAL,
    ActionItem,
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    Approval,
    Meeting,
    MeetingStatus,
    Organisation,
    OrganisationKind,
    PartyRole,
)

EXPIRING_DAYS = 90
LIST_LIMIT = 20
YEAR = datetime.timedelta(days=365)


def in_force_condition(today: datetime.date) -> Q:
    return (
        Q(status=AgreementStatus.SIGNED)
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    )


def governance_figures(user, today: datetime.date | None = None) -> dict:
    now = timezone.now()
    today = today or timezone.localdate()
    since = today - YEAR
    agreements = Agreement.objects.visible_to(user, VIEW)
    by_kind = dict(
        agreements.filter(in_force_condition(today)).values_list("kind").annotate(n=Count("pk")).order_by()
    )
    expiring = list(
        agreements.filter(
            in_force_condition(today), valid_until__lte=today + datetime.timedelta(days=EXPIRING_DAYS)
        )
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=AgreementParty.objects.filter(role=PartyRole.LEAD).select_related("organisation"),
                to_attr="leads",
            )
        )
        .order_by("valid_until", "pk")[: LIST_LIMIT + 1]
    )
    for agreement in expiring:
        agreement.days_left = (agreement.valid_until - today).days
        agreement.lead = agreement.leads[0].organisation if agreement.leads else None

    meetings = (
        Meeting.objects.visible_to(user, VIEW)
        .filter(status=MeetingStatus.HELD, starts_at__gte=now - YEAR, starts_at__lte=now)
        .values("table__province__name")
        .annotate(n=Count("pk"), tables=Count("table", distinct=True))
        .order_by("table__province__name")
    )
    meetings_by_province = [
        {"province": row["table__province__name"], "meetings": row["n"], "tables": row["tables"]}
        for row in meetings
    ]

    overdue_qs = ActionItem.objects.visible_to(user, VIEW).overdue(today)
    overdue = list(
        overdue_qs.select_related("owner", "meeting__table").order_by("due_date", "pk")[:LIST_LIMIT]
    )
    for item in overdue:
        item.days_late = (today - item.due_date).days
    overdue_count = overdue_qs.count()

    organisations = Organisation.objects.visible_to(user, VIEW)
    joined = list(
        actions.members_in_good_standing(organisations)
        .filter(joined_on__gt=since, joined_on__lte=today)
        .select_related("municipality__province")
        .order_by("-joined_on", "name")[: LIST_LIMIT + 1]
    )
    joined_by_kind = dict(
        actions.members_in_good_standing(organisations)
        .filter(joined_on__gt=since, joined_on__lte=today)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    pending_qs = organisations.filter(kind__in=NEEDS_APPROVAL, approval=Approval.PENDING)
    pending = list(
        pending_qs.select_related("municipality__province").order_by("created_at", "pk")[:LIST_LIMIT]
    )
    kind_labels = dict(AgreementKind.choices)
    organisation_kinds = dict(OrganisationKind.choices)
    return {
        "today": today,
        "since": since,
        "in_force_total": sum(by_kind.values()),
        "in_force_by_kind": [(kind_labels[k], by_kind.get(k, 0)) for k in AgreementKind.values],
        "expiring": expiring[:LIST_LIMIT],
        "expiring_more": len(expiring) > LIST_LIMIT,
        "expiring_days": EXPIRING_DAYS,
        "meetings_by_province": meetings_by_province,
        "meetings_total": sum(row["meetings"] for row in meetings_by_province),
        "overdue": overdue,
        "overdue_count": overdue_count,
        "joined": joined[:LIST_LIMIT],
        "joined_more": len(joined) > LIST_LIMIT,
        "joined_total": sum(joined_by_kind.values()),
        "joined_by_kind": sorted(
            ((organisation_kinds.get(k, k), n) for k, n in joined_by_kind.items()), key=lambda row: -row[1]
        ),
        "pending": pending,
        "pending_count": pending_qs.count(),
    }


@login_required
@require_GET
def governance_dashboard(request):
    require_permission(request.user, "governance.view")
    context = governance_figures(request.user)
    context["can_approve"] = user_can(request.user, "association.approve")
    return render(request, "network/governance_dashboard.html", context)
