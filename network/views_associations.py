"""The registry of migrant associations and informal groups: the list, proposals, and the Region's
approval queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.scoping import VIEW, get_for_user, require_permission, user_can
from network import actions
from network.forms import AssociationFilterForm, AssociationProposalForm, DecisionForm, RejectionForm
from network.models import NEEDS_APPROVAL, Approval, Organisation

PAGE_SIZE = 30


def _associations(user):
    return (
        Organisation.objects.visible_to(user, VIEW)
        .filter(kind__in=NEEDS_APPROVAL)
        .select_related("municipality__province")
    )


@login_required
@require_GET
def association_list(request):
    """Approved associations and informal groups (the Region can also list pending and rejected ones)."""
    require_permission(request.user, "organisation.view")
    can_approve = user_can(request.user, "association.approve")
    form = AssociationFilterForm(request.GET or None, can_approve=can_approve)
    qs = _associations(request.user)
    approval = Approval.APPROVED
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(name__icontains=data["q"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["province"]:
            qs = qs.filter(municipality__province=data["province"])
        approval = data.get("approval") or Approval.APPROVED
    qs = qs.filter(approval=approval)
    page = Paginator(qs.order_by("name"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "network/association_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "approval": approval,
            "can_propose": user_can(request.user, "organisation.change"),
            "can_approve": can_approve,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def association_propose(request):
    require_permission(request.user, "organisation.change")
    form = AssociationProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = actions.propose_association(acting_user=request.user, form=form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s has been proposed: the Region will review it.") % {"name": organisation.name},
            )
            return redirect(organisation)
    return render(request, "network/association_form.html", {"form": form})


@login_required
@require_GET
def association_queue(request):
    """The Region's queue: proposals waiting for a decision, oldest first."""
    require_permission(request.user, "association.approve")
    qs = _associations(request.user).filter(approval=Approval.PENDING).order_by("created_at", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "network/association_queue.html",
        {"page": page, "decision_form": DecisionForm(), "rejection_form": RejectionForm()},
    )


def _decision_target(request, pk) -> Organisation:
    require_permission(request.user, "association.approve")
    return get_for_user(Organisation.objects.all(), request.user, VIEW, pk=pk, kind__in=NEEDS_APPROVAL)


@login_required
@require_POST
def association_approve(request, pk):
    organisation = _decision_target(request, pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        actions.approve_association(organisation, acting_user=request.user, note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s approved.") % {"name": organisation.name})
    return redirect("network:association_queue")


@login_required
@require_POST
def association_reject(request, pk):
    organisation = _decision_target(request, pk)
    form = RejectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason, so that the proposer knows what to fix."))
        return redirect("network:association_queue")
    try:
        actions.reject_association(organisation, acting_user=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s not approved.") % {"name": organisation.name})
    return redirect("network:association_queue")
