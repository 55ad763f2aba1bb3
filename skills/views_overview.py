"""The skills profiles overview (permission `skills.overview`): how many profiles were started, how many
completed (indicator P2.1), the average completeness and the people who applied for the recognition of a
qualification obtained abroad (R.2.10, from the profiles only: decision 0007).

A profile counts from the start of its interview (`SkillsProfile.objects.interviewed()`): one a course
assessment opened with a language level alone is not a started profile, here or in the list.

An organisation's administrator sees the profiles of the organisation's participants, by name; the Region's
roles see aggregates only, by organisation, and never a person's name. Every figure is an SQL aggregate: the
page costs the same queries whatever the number of profiles."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.roles import REGIONAL_ROLES
from core.scoping import VIEW, active_membership, require_permission
from people.models import Participant
from skills.forms import OverviewFilterForm
from skills.models import Qualification, SkillsProfile

PAGE_SIZE = 25


def _figures(start=None, end=None) -> dict:
    """Aggregates over a queryset of profiles; `start`/`end` restrict the completions and the applications
    for recognition to a period."""
    completed = Q(completed_at__isnull=False)
    if start:
        completed &= Q(completed_at__date__gte=start)
    if end:
        completed &= Q(completed_at__date__lte=end)
    applications = Qualification.objects.recognition_applied().filter(profile=OuterRef("pk"))
    if start:
        applications = applications.filter(recognition_applied_on__gte=start)
    if end:
        applications = applications.filter(recognition_applied_on__lte=end)
    return {
        "profiles": Count("pk"),
        "completed": Count("pk", filter=completed),
        "average": Avg("completeness"),
        "recognition": Count("pk", filter=Q(Exists(applications))),
    }


@login_required
@require_GET
def overview(request):
    require_permission(request.user, "skills.overview")
    membership = active_membership(request.user)
    regional = membership.role in REGIONAL_ROLES
    form = OverviewFilterForm(request.GET or None)
    start = end = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    if regional:
        # Aggregates of every organisation: no row of a person leaves the database.
        profiles = SkillsProfile.objects.interviewed()
        participants = Participant.objects.all()
    else:
        organisation = membership.organisation
        profiles = (
            SkillsProfile.objects.visible_to(request.user, VIEW)
            .interviewed()
            .filter(participant__owner=organisation)
        )
        participants = Participant.objects.visible_to(request.user, VIEW).filter(owner=organisation)
    figures = _figures(start, end)
    totals = profiles.aggregate(**figures)
    totals["participants"] = participants.count()
    context = {"form": form, "totals": totals, "regional": regional}
    if regional:
        context["by_organisation"] = list(
            profiles.values("participant__owner_id", "participant__owner__name")
            .annotate(**figures)
            .order_by("participant__owner__name", "participant__owner_id")
        )
    else:
        rows = profiles.select_related("participant").only(
            "pk",
            "completeness",
            "completed_at",
            "updated_at",
            "participant__id",
            "participant__first_name",
            "participant__last_name",
        )
        rows = rows.order_by("participant__last_name", "participant__first_name", "pk")
        context["page"] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
    return render(request, "skills/overview.html", context)
