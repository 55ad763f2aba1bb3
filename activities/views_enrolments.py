"""Enrolments: find and enrol a participant (search as you type), enrol an operator or an association's
representative, change an enrolment's status (the waiting list moves up by itself)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities import actions
from activities.forms import EnrolParticipantForm, EnrolPersonForm, add_action_errors
from activities.models import Activity, Enrolment, EnrolmentStatus
from activities.views import promoted_message
from core.scoping import CHANGE, get_for_user
from people.models import WORK, Participant

SEARCH_MIN_CHARS = 2
SEARCH_LIMIT = 20


def search_participants(user, activity: Activity, query: str) -> tuple[list[Participant], bool]:
    """Up to SEARCH_LIMIT people the user works on whose name (or codice fiscale, e-mail) matches, each
    flagged when already enrolled; and whether there were more. Two queries."""
    query = query.strip()
    if len(query) < SEARCH_MIN_CHARS:
        return [], False
    found = list(
        Participant.objects.visible_to(user, WORK)
        .search(query)
        .only("pk", "first_name", "last_name", "birth_date")
        .order_by("last_name", "first_name", "pk")[: SEARCH_LIMIT + 1]
    )
    more, found = len(found) > SEARCH_LIMIT, found[:SEARCH_LIMIT]
    enrolled = set(
        activity.enrolments.filter(participant__in=[p.pk for p in found]).values_list(
            "participant_id", flat=True
        )
    )
    for participant in found:
        participant.already_enrolled = participant.pk in enrolled
    return found, more


def _enrolled_message(enrolment: Enrolment) -> str:
    if enrolment.status == EnrolmentStatus.WAITING:
        position = enrolment.activity.enrolments.filter(status=EnrolmentStatus.WAITING).count()
        return _("The activity is full: %(name)s is on the waiting list (position %(position)s).") % {
            "name": enrolment.person_name,
            "position": position,
        }
    return _("%(name)s is enrolled.") % {"name": enrolment.person_name}


def _page(request, activity, *, query="", person_form=None, error=None, status=200):
    results, more = search_participants(request.user, activity, query)
    return render(
        request,
        "activities/enrol.html",
        {
            "activity": activity,
            "query": query,
            "results": results,
            "more": more,
            "min_chars": SEARCH_MIN_CHARS,
            "error": error,
            "person_form": person_form or EnrolPersonForm(user=request.user, activity=activity),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request, pk):
    """Find a participant and enrol them. GET ?q= searches (the page works without JavaScript too)."""
    activity = get_for_user(Activity.objects.all(), request.user, CHANGE, pk=pk)
    query = request.GET.get("q", "")
    if request.method == "GET":
        return _page(request, activity, query=query)
    form = EnrolParticipantForm(request.POST)
    if not form.is_valid():
        return _page(request, activity, query=query, error=_("Choose the participant to enrol."))
    participant = get_for_user(
        Participant.objects.all(), request.user, WORK, pk=form.cleaned_data["participant"]
    )
    try:
        enrolment = actions.enrol(
            activity,
            acting_user=request.user,
            participant=participant,
            childcare_needed=form.cleaned_data["childcare_needed"],
        )
    except ValidationError as error:
        return _page(request, activity, query=query, error=" ".join(error.messages))
    messages.success(request, _enrolled_message(enrolment))
    return redirect("activities:enrol", activity.pk)


@login_required
@require_GET
def enrol_search(request, pk):
    """htmx: the search results only."""
    activity = get_for_user(Activity.objects.all(), request.user, CHANGE, pk=pk)
    query = request.GET.get("q", "")
    results, more = search_participants(request.user, activity, query)
    return render(
        request,
        "activities/_enrol_results.html",
        {
            "activity": activity,
            "query": query.strip(),
            "results": results,
            "more": more,
            "min_chars": SEARCH_MIN_CHARS,
        },
    )


@login_required
@require_POST
def enrol_person(request, pk):
    """Enrol an operator (who may have no account) or an association's representative."""
    activity = get_for_user(Activity.objects.all(), request.user, CHANGE, pk=pk)
    form = EnrolPersonForm(request.POST, user=request.user, activity=activity)
    if form.is_valid():
        try:
            enrolment = actions.enrol(activity, acting_user=request.user, **form.enrol_kwargs())
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _enrolled_message(enrolment))
            return redirect("activities:enrol", activity.pk)
    return _page(request, activity, person_form=form)


@login_required
@require_POST
def enrolment_status(request, pk, status):
    enrolment = get_for_user(
        Enrolment.objects.select_related("activity__completion_rule", "participant"),
        request.user,
        CHANGE,
        pk=pk,
    )
    if status not in EnrolmentStatus.values:
        raise Http404
    try:
        promoted = actions.change_enrolment_status(enrolment, status, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s: %(status)s.")
            % {"name": enrolment.person_name, "status": EnrolmentStatus(status).label},
        )
        if promoted:
            messages.info(request, promoted_message(promoted))
    return redirect(enrolment.activity.get_absolute_url() + "#enrolments")
