"""Workspace pages for referrals between organisations: send, work queues, detail, answer, assign."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.roles import ALL_RECORDS_ROLES
from core.scoping import VIEW, active_membership, get_for_user, require_permission, user_can
from network.models import Organisation
from paths import actions
from paths.forms_referrals import AssignReferralForm, ReferralForm, RejectForm, TransitionNoteForm
from paths.models import OPEN_REFERRAL_STATUSES, Referral, ReferralStatus
from people.models import WORK, Participant

RECENT_DAYS = 30
QUEUE_PREVIEW = 20
QUEUE_PAGE_SIZE = 50
QUEUE_RELATED = ("from_organisation", "to_organisation", "service_type", "assigned_to")
# What a queue row shows (loading whole organisation and user rows for 60 referrals costs more than the SQL).
QUEUE_FIELDS = (
    "participant_id",
    "summary",
    "urgent",
    "status",
    "sent_at",
    "from_organisation__name",
    "to_organisation__name",
    "service_type__name_it",
    "service_type__name_en",
    "assigned_to__first_name",
    "assigned_to__last_name",
    "assigned_to__email",
)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def attach_visible_participants(user, referrals) -> None:
    """Set `visible_participant` on each referral: the participant if the user may view the record, else None.

    One query for the whole page: names never leave the database for people the user may not see."""
    ids = {r.participant_id for r in referrals}
    visible = {
        p.pk: p
        for p in Participant.objects.visible_to(user, VIEW)
        .filter(pk__in=ids)
        .only("pk", "first_name", "last_name")
    }
    for referral in referrals:
        referral.visible_participant = visible.get(referral.participant_id)


def _side(membership, referral) -> str | None:
    if membership is None:
        return None
    if membership.organisation_id == referral.from_organisation_id:
        return "from"
    if membership.organisation_id == referral.to_organisation_id:
        return "to"
    return None


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request, participant_id):
    require_permission(request.user, "referral.send")
    participant = get_for_user(Participant.objects.all(), request.user, WORK, pk=participant_id)
    if request.htmx and request.method == "GET":
        return _consent_status(request, participant)
    form = ReferralForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = actions.send_referral(
                participant,
                acting_user=request.user,
                to_organisation=data["to_organisation"],
                service_type=data["service_type"],
                reason=data["reason"],
                urgent=data["urgent"],
                override_reason=data.get("override_reason", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Referral sent to %(organisation)s.") % {"organisation": referral.to_organisation}
            )
            return redirect(referral)
    consent = None
    chosen = form["to_organisation"].value()
    organisation = form.fields["to_organisation"].queryset.filter(pk=chosen).first() if chosen else None
    if organisation is not None:
        consent = actions.covering_consent(participant, organisation)
    return render(
        request,
        "paths/referral_form.html",
        {"form": form, "participant": participant, "organisation": organisation, "consent": consent},
    )


def _consent_status(request, participant):
    """htmx: does a consent in force cover the organisation chosen in the form?"""
    organisation = None
    chosen = request.GET.get("to_organisation", "")
    if chosen.isdigit():
        organisation = (
            Organisation.objects.visible_to(request.user, VIEW).filter(pk=chosen, is_active=True).first()
        )
    consent = actions.covering_consent(participant, organisation) if organisation else None
    return render(
        request,
        "paths/_referral_consent.html",
        {
            "participant": participant,
            "organisation": organisation,
            "consent": consent,
            "can_override": user_can(request.user, "referral.override_consent"),
        },
    )


@login_required
@require_GET
def referral_queues(request):
    """The work queues, oldest first, QUEUE_PREVIEW rows each with the full count; `?queue=KEY` lists one
    queue whole, paginated."""
    require_permission(request.user, "referral.view")
    membership = active_membership(request.user)
    scoped = Referral.objects.visible_to(request.user, VIEW)
    network_wide = membership.role in ALL_RECORDS_ROLES
    if network_wide:
        definitions = [("network", _("Open referrals in the network"), Q(status__in=OPEN_REFERRAL_STATUSES))]
    else:
        org = membership.organisation_id
        since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
        definitions = [
            (
                "incoming",
                _("Awaiting my organisation's answer"),
                Q(to_organisation_id=org, status=ReferralStatus.SENT),
            ),
            (
                "outgoing",
                _("Sent by us, still open"),
                Q(from_organisation_id=org, status__in=OPEN_REFERRAL_STATUSES),
            ),
            (
                "assigned",
                _("Recently assigned to me"),
                Q(assigned_to=request.user)
                & (
                    Q(status=ReferralStatus.ACCEPTED)
                    | Q(status=ReferralStatus.COMPLETED, closed_at__gte=since)
                ),
            ),
        ]
    counts = scoped.aggregate(
        **{key: Count("pk", filter=condition) for key, _title, condition in definitions}
    )
    rows_qs = scoped.select_related(*QUEUE_RELATED).only(*QUEUE_FIELDS).order_by("sent_at", "pk")
    chosen = request.GET.get("queue", "")
    page = None
    if chosen in counts:
        key, title, condition = next(d for d in definitions if d[0] == chosen)
        page = Paginator(rows_qs.filter(condition), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
        queues = [(key, title, list(page.object_list), counts[key])]
    else:
        queues = [
            (key, title, list(rows_qs.filter(condition)[:QUEUE_PREVIEW]), counts[key])
            for key, title, condition in definitions
        ]
    attach_visible_participants(request.user, [r for _key, _title, rows, _n in queues for r in rows])
    query = f"queue={chosen}" if page is not None else ""
    return render(
        request,
        "paths/referral_queues.html",
        {
            "queues": queues,
            "network_wide": network_wide,
            "page": page,
            "query": query,
            "preview": QUEUE_PREVIEW,
        },
    )


def _reason_visible(side, referral) -> bool:
    if side == "from":
        return True
    return side == "to" and referral.answered_at is not None and referral.status != ReferralStatus.REJECTED


@login_required
@require_GET
def referral_detail(request, pk):
    referral = get_for_user(
        Referral.objects.select_related(*QUEUE_RELATED, "sent_by", "consent"), request.user, VIEW, pk=pk
    )
    membership = active_membership(request.user)
    side = _side(membership, referral)
    attach_visible_participants(request.user, [referral])
    permission = {"to": "referral.answer", "from": "referral.send"}.get(side)
    transitions = []
    if permission and user_can(request.user, permission):
        transitions = [
            ReferralStatus(new)
            for (current, new), who in actions.TRANSITIONS.items()
            if current == referral.status and who == side
        ]
    can_assign = side == "to" and referral.is_open and user_can(request.user, "referral.answer")
    return render(
        request,
        "paths/referral_detail.html",
        {
            "referral": referral,
            "side": side,
            "show_reason": _reason_visible(side, referral),
            "events": referral.events.select_related("actor", "organisation"),
            "transitions": transitions,
            "reject_form": RejectForm(),
            "note_form": TransitionNoteForm(),
            "assign_form": AssignReferralForm(referral=referral) if can_assign else None,
        },
    )


@login_required
@require_POST
def referral_transition(request, pk, status):
    if status not in ReferralStatus.values:
        raise Http404
    referral = get_for_user(Referral.objects.all(), request.user, VIEW, pk=pk)
    form = (RejectForm if status == ReferralStatus.REJECTED else TransitionNoteForm)(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the rejection."))
        return redirect(referral)
    try:
        actions.transition_referral(
            referral, status, acting_user=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("The referral is now: %(status)s.") % {"status": ReferralStatus(status).label}
        )
    return redirect(referral)


@login_required
@require_http_methods(["GET", "POST"])
def referral_assign(request, pk):
    referral = get_for_user(
        Referral.objects.select_related("to_organisation", "service_type"), request.user, VIEW, pk=pk
    )
    membership = active_membership(request.user)
    if _side(membership, referral) != "to" or not user_can(request.user, "referral.answer"):
        raise PermissionDenied
    form = AssignReferralForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            actions.assign_referral(
                referral, acting_user=request.user, assignee=form.cleaned_data["assignee"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Referral assigned to %(name)s.") % {"name": form.cleaned_data["assignee"]}
            )
            return redirect(referral)
    return render(request, "paths/referral_assign.html", {"form": form, "referral": referral})
