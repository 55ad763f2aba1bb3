"""Parts of a service on the editorial desk: places, opening hours, documents to bring, languages spoken,
phones and costs. Small forms on their own pages (no JavaScript needed); editors only, each save is one
new version of the service (`actions.save_part`, `actions.save_place`, `actions.delete_part`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from directory import actions
from directory.forms import (
    CostOptionForm,
    PhoneForm,
    PlaceForm,
    RequiredDocumentForm,
    ScheduleForm,
    ServiceLanguageForm,
    add_action_errors,
)
from directory.models import (
    CostOption,
    Location,
    LocationType,
    Phone,
    RequiredDocument,
    Schedule,
    ServiceAtLocation,
    ServiceLanguage,
)
from directory.views_desk import get_service, posted, require_edit

# URL name of the kind → (model, form, what one is called, anchor on the service page)
PARTS = {
    "orari": (Schedule, ScheduleForm, gettext_lazy("opening hours"), "hours"),
    "documenti": (RequiredDocument, RequiredDocumentForm, gettext_lazy("document to bring"), "documents"),
    "lingue": (ServiceLanguage, ServiceLanguageForm, gettext_lazy("language spoken"), "languages"),
    "telefoni": (Phone, PhoneForm, gettext_lazy("phone"), "phones"),
    "costi": (CostOption, CostOptionForm, gettext_lazy("cost"), "costs"),
}


def _service_url(service, anchor: str) -> str:
    return reverse("directory:service_detail", args=[service.pk]) + f"#{anchor}"


def _editable_service(request, pk):
    service = get_service(request.user, pk)
    require_edit(request.user)
    return service


@login_required
@require_http_methods(["GET", "POST"])
def part_form(request, pk, kind, part_pk=None):
    if kind not in PARTS:
        raise Http404
    model, form_class, label, anchor = PARTS[kind]
    service = _editable_service(request, pk)
    if part_pk is not None:
        part = get_object_or_404(model, pk=part_pk, service=service)
        form_instance = model.objects.get(pk=part.pk)  # the form's own copy: changes are compared with `part`
    else:
        part, form_instance = model(service=service), model(service=service)
    form = form_class(posted(request), instance=form_instance)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_part(
                service,
                part,
                form.values(),
                acting_user=request.user,
                minor_edit=form.cleaned_data.get("minor_edit") or False,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_service_url(service, anchor))
    context = {
        "service": service,
        "form": form,
        "label": label,
        "creating": part_pk is None,
        "back_url": _service_url(service, anchor),
    }
    return render(request, "directory/desk/part_form.html", context)


@login_required
@require_POST
def part_delete(request, pk, kind, part_pk):
    service = _editable_service(request, pk)
    if kind == "sedi":
        part, anchor = get_object_or_404(ServiceAtLocation, pk=part_pk, service=service), "places"
    elif kind in PARTS:
        model, _form, _label, anchor = PARTS[kind]
        part = get_object_or_404(model, pk=part_pk, service=service)
    else:
        raise Http404
    actions.delete_part(service, part, acting_user=request.user)
    messages.success(request, _("Removed."))
    return redirect(_service_url(service, anchor))


@login_required
@require_http_methods(["GET", "POST"])
def place_form(request, pk, part_pk=None):
    """Add a place (an existing one of the organisation, or a new address) or change one."""
    service = _editable_service(request, pk)
    location = None
    if part_pk is not None:
        link = get_object_or_404(
            ServiceAtLocation.objects.select_related("location"), pk=part_pk, service=service
        )
        location = link.location
    form = PlaceForm(posted(request), organization=service.organization, editing=location)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("location"):
                if ServiceAtLocation.objects.filter(service=service, location=data["location"]).exists():
                    messages.info(request, _("This place is already linked to the service."))
                    return redirect(_service_url(service, "places"))
                actions.save_place(service, data["location"], {}, acting_user=request.user)
            else:
                target = location or Location(
                    organization=service.organization, location_type=LocationType.PHYSICAL
                )
                actions.save_place(
                    service,
                    target,
                    form.location_values(),
                    address=form.address_values(),
                    accessibility=data["accessibility"],
                    acting_user=request.user,
                    minor_edit=data["minor_edit"],
                )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("Place saved."))
            return redirect(_service_url(service, "places"))
    context = {
        "service": service,
        "form": form,
        "label": _("place"),
        "creating": location is None,
        "location": location,
        "back_url": _service_url(service, "places"),
    }
    return render(request, "directory/desk/place_form.html", context)
