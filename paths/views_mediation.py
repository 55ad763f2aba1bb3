"""Workspace pages for cultural mediation: requests, assignment, the mediator's answers, the roster."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.roles import ALL_RECORDS_ROLES, Role
from core.scoping import VIEW, active_membership, get_for_user, user_can
from paths import actions
from paths.forms_referrals import (
    AssignMediatorForm,
    MediationAnswerForm,
    MediationFilterForm,
    MediationRequestForm,
    MediatorProfileForm,
)
from paths.models import MediationRequest, MediationStatus, MediatorProfile
from people.models import Participant
from territory.models import Language

PAGE_SIZE = 25
ROSTER_ROLES = frozenset({Role.ORG_ADMIN, Role.OPERATOR, Role.REGIONAL_COORDINATOR})
MEDIATION_RELATED = ("language", "organisation", "mediator", "requested_by")


def _require_mediation_access(user) -> None:
    if not any(user_can(user, p) for p in ("mediation.perform", "mediation.request", "mediation.manage")):
        raise PermissionDenied


def _attach_participants(user, mediations) -> None:
    """Names only for the participants the user may view (a mediator sees the context, not the record)."""
    ids = {m.participant_id for m in mediations if m.participant_id}
    visible = {}
    if ids:
        visible = {
            p.pk: p
            for p in Participant.objects.visible_to(user, VIEW)
            .filter(pk__in=ids)
            .only("pk", "first_name", "last_name")
        }
    for mediation in mediations:
        mediation.visible_participant = visible.get(mediation.participant_id)


@login_required
@require_GET
def mediation_list(request):
    _require_mediation_access(request.user)
    qs = MediationRequest.objects.visible_to(request.user, VIEW).select_related(*MEDIATION_RELATED)
    if user_can(request.user, "mediation.perform"):
        groups = [
            ("confirm", _("To confirm"), list(qs.filter(status=MediationStatus.ASSIGNED))),
            ("upcoming", _("Upcoming"), list(qs.filter(status=MediationStatus.CONFIRMED))),
            (
                "done",
                _("Done"),
                list(qs.filter(status=MediationStatus.COMPLETED).order_by("-starts_at")[:50]),
            ),
        ]
        _attach_participants(request.user, [m for _key, _title, rows in groups for m in rows])
        return render(request, "paths/mediation_list.html", {"groups": groups, "is_mediator": True})
    form = MediationFilterForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["status"]:
        qs = qs.filter(status=form.cleaned_data["status"])
    page = Paginator(qs.order_by("-starts_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    _attach_participants(request.user, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "paths/mediation_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "is_mediator": False},
    )


@login_required
@require_http_methods(["GET", "POST"])
def mediation_create(request):
    if not user_can(request.user, "mediation.request"):
        raise PermissionDenied
    initial = {}
    if request.GET.get("participant", "").isdigit():
        initial["participant"] = int(request.GET["participant"])
    form = MediationRequestForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mediation = actions.request_mediation(acting_user=request.user, data=dict(form.cleaned_data))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Mediation requested."))
            return redirect(mediation)
    return render(request, "paths/mediation_form.html", {"form": form})


def _can_assign(user, membership, mediation) -> bool:
    if not (user_can(user, "mediation.manage") or user_can(user, "mediation.request")):
        return False
    same_org = membership.organisation_id == mediation.organisation_id or membership.role in ALL_RECORDS_ROLES
    return same_org and mediation.status in (MediationStatus.REQUESTED, MediationStatus.DECLINED)


@login_required
@require_GET
def mediation_detail(request, pk):
    mediation = get_for_user(
        MediationRequest.objects.select_related(*MEDIATION_RELATED), request.user, VIEW, pk=pk
    )
    membership = active_membership(request.user)
    _attach_participants(request.user, [mediation])
    is_requester = membership.organisation_id == mediation.organisation_id and (
        user_can(request.user, "mediation.request") or user_can(request.user, "mediation.manage")
    )
    acting_as = {"mediator": mediation.mediator_id == request.user.pk, "requester": is_requester}
    transitions = [
        MediationStatus(new)
        for (current, new), side in actions.MEDIATION_TRANSITIONS.items()
        if current == mediation.status and acting_as[side]
    ]
    can_assign = _can_assign(request.user, membership, mediation)
    roster = []
    if can_assign:
        roster = (
            MediatorProfile.objects.filter(languages=mediation.language_id)
            .select_related("user", "organisation")
            .order_by("-is_available", "user__last_name")
        )
    return render(
        request,
        "paths/mediation_detail.html",
        {
            "mediation": mediation,
            "transitions": transitions,
            "answer_form": MediationAnswerForm(),
            "assign_form": AssignMediatorForm(mediation=mediation) if can_assign else None,
            "roster": roster,
        },
    )


@login_required
@require_POST
def mediation_assign(request, pk):
    mediation = get_for_user(MediationRequest.objects.all(), request.user, VIEW, pk=pk)
    form = AssignMediatorForm(request.POST, mediation=mediation)
    if not form.is_valid():
        messages.error(request, _("Choose an available mediator who works in the requested language."))
        return redirect(mediation)
    try:
        actions.assign_mediator(mediation, acting_user=request.user, mediator=form.cleaned_data["mediator"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Mediator assigned."))
    return redirect(mediation)


@login_required
@require_POST
def mediation_transition(request, pk, status):
    if status not in MediationStatus.values:
        raise Http404
    mediation = get_for_user(MediationRequest.objects.all(), request.user, VIEW, pk=pk)
    form = MediationAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the hours worked (more than 0, at most 24)."))
        return redirect(mediation)
    try:
        actions.transition_mediation(
            mediation,
            status,
            acting_user=request.user,
            hours=form.cleaned_data["hours"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The request is now: %(status)s.") % {"status": MediationStatus(status).label}
        )
    return redirect(mediation)


@login_required
@require_GET
def mediator_list(request):
    membership = active_membership(request.user)
    if membership is None or membership.role not in ROSTER_ROLES:
        raise PermissionDenied
    languages = Language.objects.filter(mediators__isnull=False).distinct().order_by("-is_common", "name_it")
    roster = (
        MediatorProfile.objects.select_related("user", "organisation")
        .prefetch_related("languages")
        .order_by("-is_available", "user__last_name", "user__first_name")
    )
    language = request.GET.get("language", "")
    if language:
        roster = roster.filter(languages__code=language)
    return render(
        request,
        "paths/mediator_list.html",
        {"roster": roster, "languages": languages, "language": language},
    )


@login_required
@require_http_methods(["GET", "POST"])
def mediator_profile(request):
    if not user_can(request.user, "mediation.perform"):
        raise PermissionDenied
    membership = active_membership(request.user)
    profile = MediatorProfile.objects.filter(user=request.user).first() or MediatorProfile(
        user=request.user, organisation=membership.organisation
    )
    form = MediatorProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        actions.update_mediator_profile(
            acting_user=request.user,
            languages=form.cleaned_data["languages"],
            availability=form.cleaned_data["availability"],
            is_available=form.cleaned_data["is_available"],
        )
        messages.success(request, _("Your mediator profile has been saved."))
        return redirect("paths:mediator_profile")
    return render(request, "paths/mediator_profile.html", {"form": form, "profile": profile})
