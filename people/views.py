"""Workspace pages for participants: list, detail, registration, editing, consents, vulnerabilities."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.scoping import CHANGE, VIEW, get_for_user, require_permission
from people import actions
from people.forms import (
    ConsentForm,
    ParticipantFilterForm,
    ParticipantForm,
    VulnerabilityForm,
    WithdrawConsentForm,
    municipality_choices,
)
from people.models import WORK, Consent, Participant, ParticipantStatus, VulnerabilityFlag
from territory.models import Country

PAGE_SIZE = 25
SORTS = {
    "name": ("last_name", "first_name", "pk"),
    "-name": ("-last_name", "-first_name", "-pk"),
    "birth": ("birth_date", "pk"),
    "-birth": ("-birth_date", "-pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "municipality": ("municipality__name", "last_name", "pk"),
    "-municipality": ("-municipality__name", "-last_name", "-pk"),
}


def filtered_participants(user, params):
    """The scoped, filtered, sorted queryset behind the list (shared by the list page and exports)."""
    form = ParticipantFilterForm(params or None)
    qs = Participant.objects.visible_to(user, VIEW)
    if form.is_valid():
        data = form.cleaned_data
        qs = qs.search(data["q"])
        if data["age_band"]:
            qs = qs.age_band(data["age_band"])
        if data["citizenship"]:
            qs = qs.filter(citizenships=data["citizenship"])
        if data["target_group"]:
            qs = qs.in_target_group(data["target_group"])
        if data["municipality"]:
            qs = qs.filter(municipality=data["municipality"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
    elif not params:
        qs = qs.filter(status=ParticipantStatus.ACTIVE)
    sort = params.get("sort", "name") if params else "name"
    qs = qs.order_by(*SORTS.get(sort, SORTS["name"]))
    return form, qs, sort


@login_required
@require_GET
def participant_list(request):
    require_permission(request.user, "participant.view")
    form, qs, sort = filtered_participants(request.user, request.GET)
    qs = qs.select_related("owner", "country_of_birth", "municipality").prefetch_related(
        Prefetch("citizenships", queryset=Country.objects.only("pk", "name_it", "name_en", "iso_alpha2"))
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
    }
    template = "people/_participant_table.html" if request.htmx else "people/participant_list.html"
    return render(request, template, context)


@login_required
@require_GET
def participant_detail(request, pk):
    participant = actions.participant_for(request.user, pk, VIEW)
    actions.log_participant_access(participant, acting_user=request.user, request=request)
    return render(
        request,
        "people/participant_detail.html",
        {
            "participant": participant,
            "citizenships": participant.citizenships.all(),
            "languages": participant.languages.all(),
            "consents": participant.consents.select_related("recorded_by", "withdrawn_by").prefetch_related(
                "organisations"
            ),
            "vulnerabilities": participant.vulnerabilities.select_related("recorded_by"),
            "target_groups": participant.target_groups(),
            "can_change": Participant.objects.visible_to(request.user, CHANGE).filter(pk=pk).exists(),
            "can_work": Participant.objects.visible_to(request.user, WORK).filter(pk=pk).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_create(request):
    require_permission(request.user, "participant.change")
    form = ParticipantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        participant = actions.register_participant(acting_user=request.user, data=form.domain_data())
        messages.success(request, _("%(name)s has been registered.") % {"name": participant})
        return redirect(participant)
    return render(request, "people/participant_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def participant_edit(request, pk):
    participant = actions.participant_for(request.user, pk, CHANGE)
    form = ParticipantForm(request.POST or None, instance=participant, user=request.user)
    if request.method == "POST" and form.is_valid():
        actions.update_participant(participant, acting_user=request.user, data=form.domain_data())
        messages.success(request, _("Changes saved."))
        return redirect(participant)
    return render(request, "people/participant_form.html", {"form": form, "participant": participant})


@login_required
@require_http_methods(["GET", "POST"])
def consent_create(request, pk):
    participant = actions.participant_for(request.user, pk, CHANGE)
    require_permission(request.user, "consent.change")
    supersedes = None
    if request.GET.get("replace") or request.POST.get("replace"):
        supersedes = get_for_user(
            Consent.objects.all(),
            request.user,
            CHANGE,
            pk=request.GET.get("replace") or request.POST.get("replace"),
            participant=participant,
        )
    initial = {}
    if supersedes is not None:
        initial = {"purpose": supersedes.purpose, "scope": supersedes.scope, "evidence": supersedes.evidence}
    form = ConsentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        actions.record_consent(participant, acting_user=request.user, data=data, supersedes=supersedes)
        messages.success(request, _("Consent recorded."))
        return redirect(participant.get_absolute_url() + "#consents")
    return render(
        request,
        "people/consent_form.html",
        {"form": form, "participant": participant, "supersedes": supersedes},
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, pk, consent_pk):
    participant = actions.participant_for(request.user, pk, CHANGE)
    consent = get_for_user(
        Consent.objects.all(), request.user, CHANGE, pk=consent_pk, participant=participant
    )
    if not consent.in_force:
        messages.info(request, _("This consent is no longer in force."))
        return redirect(participant.get_absolute_url() + "#consents")
    form = WithdrawConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.withdraw_consent(consent, acting_user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Consent withdrawn."))
        return redirect(participant.get_absolute_url() + "#consents")
    return render(
        request,
        "people/consent_withdraw.html",
        {"form": form, "participant": participant, "consent": consent},
    )


@login_required
@require_http_methods(["GET", "POST"])
def vulnerability_create(request, pk):
    participant = actions.participant_for(request.user, pk, CHANGE)
    form = VulnerabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.add_vulnerability(participant, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Vulnerability recorded."))
        return redirect(participant.get_absolute_url() + "#vulnerabilities")
    return render(request, "people/vulnerability_form.html", {"form": form, "participant": participant})


@login_required
@require_POST
def vulnerability_close(request, pk, flag_pk):
    participant = actions.participant_for(request.user, pk, CHANGE)
    flag = get_object_or_404(
        VulnerabilityFlag.objects.visible_to(request.user, CHANGE), pk=flag_pk, participant=participant
    )
    actions.close_vulnerability(flag, acting_user=request.user)
    messages.success(request, _("Vulnerability marked as no longer current."))
    return redirect(participant.get_absolute_url() + "#vulnerabilities")


@login_required
@require_GET
def municipality_options(request):
    """htmx: <option> elements for the municipality select, searching all of Italy."""
    query = request.GET.get("q", "").strip()
    options = municipality_choices(query=query) if len(query) >= 2 else municipality_choices()
    html = format_html_join("", '<option value="{}">{}</option>', options)
    return HttpResponse(html)
