"""Workspace pages for services delivered: fast entry, group sessions, the organisation's list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from core.roles import ALL_RECORDS_ROLES
from core.scoping import VIEW, active_membership, get_for_user, require_permission
from paths import actions
from paths.forms_casework import GroupServiceForm, ServiceFilterForm, ServiceForm
from paths.models import ServiceRecord
from people.models import WORK, Participant

PAGE_SIZE = 25


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request, participant_id):
    participant = get_for_user(Participant.objects.all(), request.user, WORK, pk=participant_id)
    require_permission(request.user, "service.record")
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = actions.record_service(participant, acting_user=request.user, data=form.service_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Service recorded: %(service)s on %(date)s.")
                % {"service": record.service_type, "date": record.date.strftime("%d/%m/%Y")},
            )
            if "add_another" in request.POST:
                return redirect("paths:service_create", participant.pk)
            return redirect(participant)
    return render(request, "paths/service_form.html", {"form": form, "participant": participant})


@login_required
@require_http_methods(["GET", "POST"])
def service_group(request):
    """A group session: the service once, several participants (all saved, or none)."""
    require_permission(request.user, "service.record")
    query = request.GET.get("q", "").strip()
    form = GroupServiceForm(request.POST or None, user=request.user, query=query)
    if request.method == "POST" and form.is_valid():
        ids = form.cleaned_data["participants"]
        participants = list(Participant.objects.visible_to(request.user, VIEW).filter(pk__in=ids))
        if len(participants) != len(ids):
            raise PermissionDenied
        try:
            records = actions.record_group_session(
                participants, acting_user=request.user, data=form.service_data()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Group session recorded for %(count)s participant.",
                    "Group session recorded for %(count)s participants.",
                    len(records),
                )
                % {"count": len(records)},
            )
            return redirect("paths:service_list")
    return render(request, "paths/service_group.html", {"form": form, "query": query})


def organisation_services(user):
    """Services of the acting organisation (all of them for regional coordinators)."""
    membership = active_membership(user)
    qs = ServiceRecord.objects.visible_to(user, VIEW)
    if membership is not None and membership.role not in ALL_RECORDS_ROLES:
        qs = qs.filter(organisation_id=membership.organisation_id)
    return qs


@login_required
@require_GET
def service_list(request):
    require_permission(request.user, "participant.view")
    form = ServiceFilterForm(request.GET or None)
    qs = organisation_services(request.user).select_related(
        "participant", "service_type", "operator", "organisation"
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["service_type"]:
            qs = qs.filter(service_type=data["service_type"])
        if data["date_from"]:
            qs = qs.filter(date__gte=data["date_from"])
        if data["date_to"]:
            qs = qs.filter(date__lte=data["date_to"])
    page = Paginator(qs.order_by("-date", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "paths/service_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )
