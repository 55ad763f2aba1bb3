"""Workspace pages for the organisation registry: list, profile, edit, contact people."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.scoping import CHANGE, VIEW, get_for_user, require_permission, user_can
from network import actions
from network.forms import ContactPersonForm, OrganisationFilterForm, OrganisationForm
from network.models import (
    NEEDS_APPROVAL,
    Agreement,
    AgreementStatus,
    ConsultationTable,
    ContactPerson,
    Organisation,
    Sector,
)


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
        Organisation.objects.select_related("municipality__province", "approved_by").annotate(
            staff_count=Count("memberships", filter=Q(memberships__is_active=True), distinct=True)
        ),
        request.user,
        VIEW,
        pk=pk,
    )
    agreements = (
        Agreement.objects.visible_to(request.user, VIEW)
        .filter(parties__organisation=organisation)
        .exclude(status=AgreementStatus.WITHDRAWN)
        .order_by("-signed_on", "-created_at")[:20]
    )
    tables = (
        ConsultationTable.objects.visible_to(request.user, VIEW)
        .filter(Q(members=organisation) | Q(coordinator=organisation), is_active=True)
        .distinct()
        .order_by("name")[:20]
    )
    return render(
        request,
        "network/organisation_detail.html",
        {
            "organisation": organisation,
            "areas": organisation.areas_served.select_related("province").order_by("name"),
            "districts": organisation.districts_served.all(),
            "provinces": organisation.provinces_served.order_by("name"),
            "languages": organisation.languages_offered.order_by("name_it"),
            "sectors": [Sector(code).label for code in organisation.sectors if code in Sector.values],
            "contacts": organisation.contacts.all(),
            "agreements": agreements,
            "tables": tables,
            "needs_approval": organisation.kind in NEEDS_APPROVAL,
            "can_change": Organisation.objects.visible_to(request.user, CHANGE).filter(pk=pk).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    require_permission(request.user, "organisation.create")
    form = OrganisationForm(request.POST or None, can_create=True)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = actions.create_organisation(acting_user=request.user, form=form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
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
        try:
            actions.update_organisation(organisation, acting_user=request.user, form=form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(organisation)
    return render(request, "network/organisation_form.html", {"form": form, "organisation": organisation})


# ------------------------------------------------------------------------------------- contact people


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request, pk):
    organisation = get_for_user(Organisation.objects.all(), request.user, CHANGE, pk=pk)
    form = ContactPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.add_contact(organisation, acting_user=request.user, data=form.cleaned_data)
        messages.success(request, _("Contact person added."))
        return redirect(organisation)
    return _contact_form(request, form, organisation, _("New contact person"))


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk):
    contact = _contact_for_change(request, pk)
    form = ContactPersonForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        actions.update_contact(contact, acting_user=request.user, data=form.cleaned_data)
        messages.success(request, _("Changes saved."))
        return redirect(contact.organisation)
    return _contact_form(request, form, contact.organisation, _("Edit contact person"))


@login_required
@require_POST
def contact_delete(request, pk):
    contact = _contact_for_change(request, pk)
    actions.remove_contact(contact, acting_user=request.user)
    messages.success(request, _("Contact person removed."))
    return redirect(contact.organisation)


def _contact_for_change(request, pk) -> ContactPerson:
    # A contact is reached through its organisation: visible to all, changed by its admins and the Region.
    contact = ContactPerson.objects.select_related("organisation").filter(pk=pk).first()
    if contact is None:
        raise Http404
    get_for_user(Organisation.objects.all(), request.user, CHANGE, pk=contact.organisation_id)
    return contact


def _contact_form(request, form, organisation, title):
    return render(
        request,
        "generic_form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": [
                (_("Organisations"), reverse("network:organisation_list")),
                (organisation.name, organisation.get_absolute_url()),
            ],
            "back_url": organisation.get_absolute_url(),
        },
    )
