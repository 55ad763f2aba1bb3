"""Workspace pages for the organisation registry."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.scoping import CHANGE, VIEW, get_for_user, require_permission, user_can
from network import actions
from network.forms import OrganisationFilterForm, OrganisationForm
from network.models import Organisation


@login_required
@require_GET
def organisation_list(request):
    require_permission(request.user, "organisation.view")
    form = OrganisationFilterForm(request.GET or None)
    qs = Organisation.objects.visible_to(request.user, VIEW).select_related("municipality__province")
    if form.is_valid():
        if form.cleaned_data["q"]:
            qs = qs.filter(name__icontains=form.cleaned_data["q"])
        if form.cleaned_data["kind"]:
            qs = qs.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["migrant_led"]:
            qs = qs.filter(migrant_led=True)
    page = Paginator(qs.order_by("name"), 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "network/organisation_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_create": user_can(request.user, "organisation.create"),
        },
    )


@login_required
@require_GET
def organisation_detail(request, pk):
    organisation = get_for_user(
        Organisation.objects.select_related("municipality__province").annotate(
            staff_count=Count("memberships", filter=Q(memberships__is_active=True), distinct=True)
        ),
        request.user,
        VIEW,
        pk=pk,
    )
    return render(
        request,
        "network/organisation_detail.html",
        {
            "organisation": organisation,
            "areas": organisation.areas_served.select_related("province").order_by("name"),
            "districts": organisation.districts_served.all(),
            "can_change": Organisation.objects.visible_to(request.user, CHANGE).filter(pk=pk).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    require_permission(request.user, "organisation.create")
    form = OrganisationForm(request.POST or None, can_create=True)
    if request.method == "POST" and form.is_valid():
        organisation = actions.create_organisation(acting_user=request.user, form=form)
        messages.success(request, _("Organisation created."))
        return redirect(organisation)
    return render(request, "network/organisation_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk):
    organisation = get_for_user(Organisation.objects.all(), request.user, CHANGE, pk=pk)
    form = OrganisationForm(
        request.POST or None, instance=organisation, can_create=user_can(request.user, "organisation.create")
    )
    if request.method == "POST" and form.is_valid():
        actions.update_organisation(organisation, acting_user=request.user, form=form)
        messages.success(request, _("Changes saved."))
        return redirect(organisation)
    return render(request, "network/organisation_form.html", {"form": form, "organisation": organisation})
