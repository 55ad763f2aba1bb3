"""Public list of migrant associations and informal groups (namespace `associations`, under /associazioni/).

Only the ones the Region approved and that chose to be listed appear. The page shows what the organisation
offers the public (sectors, languages, place, website, its own e-mail and phone) and never a person: not the
contact person, not the reference person an informal group gives the Region.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from activities.models import Activity
from network.models import Approval, Organisation, OrganisationKind
from territory.models import Province

PAGE_SIZE = 30
CAMPANIA = "15"
LISTED_KINDS = (OrganisationKind.MIGRANT_ASSOCIATION, OrganisationKind.INFORMAL_GROUP)


def listed():
    """Approved, active associations and informal groups that chose to be listed on the portal."""
    return Organisation.objects.filter(
        kind__in=LISTED_KINDS, approval=Approval.APPROVED, listed_publicly=True, is_active=True
    )


def _count_view(request, page: str, key: str = "") -> None:
    try:
        from directory.usage import count_view
    except ImportError:  # the usage counter is optional
        return
    count_view(request, page, key)


class AssociationFilterForm(forms.Form):
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.filter(region_code=CAMPANIA),
        required=False,
        empty_label=_("All provinces"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Associations and groups")), *[(k.value, k.label) for k in LISTED_KINDS]],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


@require_GET
def association_list(request):
    form = AssociationFilterForm(request.GET or None)
    organisations = listed()
    if form.is_bound and form.is_valid():
        if form.cleaned_data["province"]:
            organisations = organisations.filter(municipality__province=form.cleaned_data["province"])
        if form.cleaned_data["kind"]:
            organisations = organisations.filter(kind=form.cleaned_data["kind"])
    organisations = (
        organisations.select_related("municipality__province")
        .prefetch_related("languages_offered")
        .order_by("name", "pk")
    )
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    _count_view(request, "associations")
    return render(
        request,
        "network/portal/association_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "filtered": form.is_bound},
    )


def upcoming_public_activities(organisation: Organisation):
    """Public activities the organisation organises or partners, not over yet, soonest first."""
    return (
        Activity.objects.public()
        .filter(Q(organiser=organisation) | Q(partners=organisation), end_date__gte=timezone.localdate())
        .select_related("municipality__province", "organiser")
        .distinct()
        .order_by("start_date", "title", "pk")
    )


@require_GET
def association_detail(request, pk):
    organisation = get_object_or_404(
        listed()
        .select_related("municipality__province")
        .prefetch_related("languages_offered", "provinces_served"),
        pk=pk,
    )
    _count_view(request, "associations", str(organisation.pk))
    return render(
        request,
        "network/portal/association_detail.html",
        {"organisation": organisation, "activities": list(upcoming_public_activities(organisation)[:50])},
    )
