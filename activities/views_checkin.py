"""The organiser's side of public events: who registered on the portal, and the check-in desk.

Reached by staff with the `event.checkin` permission on an activity they can see: an activity out of scope is
404, a visible one without the permission (the read-only viewer) is 403. Names and contacts are shown to
the organiser's staff, its trainers and the Region (the activity's PEOPLE scope); a partner organisation's
staff sees codes, statuses and counts only.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from activities import actions_events
from activities.models import PEOPLE, Activity, PublicRegistration, RegistrationStatus

STATUS_FILTERS = {
    "confirmed": _("Confirmed"),
    "waiting": _("Waiting list"),
    "cancelled": _("Cancelled"),
    "checked_in": _("Checked in"),
}


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code or confirmation code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
                "class": "form-control form-control-lg",
            }
        ),
    )


def _shows_names(user, activity) -> bool:
    return Activity.objects.visible_to(user, PEOPLE).filter(pk=activity.pk).exists()


@login_required
@require_GET
def registrations(request, pk):
    activity = actions_events.checkin_activity(request.user, pk)
    status = request.GET.get("status", "")
    rows = PublicRegistration.objects.filter(activity=activity).select_related("checked_in_by")
    if status == "checked_in":
        rows = rows.filter(checked_in_at__isnull=False)
    elif status in RegistrationStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    return render(
        request,
        "activities/checkin/registrations.html",
        {
            "activity": activity,
            "rows": rows.order_by("created_at", "pk"),
            "counts": actions_events.registration_counts(activity),
            "places_left": actions_events.places_left(activity),
            "status": status,
            "status_filters": STATUS_FILTERS,
            "show_names": _shows_names(request.user, activity),
            "form": CheckInForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request, pk):
    """The desk: type a code, see at once whether the people may come in."""
    activity = actions_events.checkin_activity(request.user, pk)
    form = CheckInForm(request.POST or None)
    result = error = already = None
    if request.method == "POST" and form.is_valid():
        try:
            result = actions_events.check_in(activity, form.cleaned_data["code"], acting_user=request.user)
        except actions_events.AlreadyCheckedIn as exc:
            already = exc.registration
            error = exc.messages[0]
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            form = CheckInForm()
    return render(
        request,
        "activities/checkin/checkin.html",
        {
            "activity": activity,
            "form": form,
            "result": result,
            "already": already,
            "error": error,
            "counts": actions_events.registration_counts(activity),
            "show_names": _shows_names(request.user, activity),
        },
    )
