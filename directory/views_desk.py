"""The directory's editorial desk in the workspace (namespace `directory`): the dashboard and its queues,
services (list, create, edit, page), the workflow buttons, version history and partners' proposals.

Who: editors and the regional coordinator (`directory.edit`) change anything; partner organisations'
admins and operators (`directory.propose`) see the whole directory and propose changes to their own
organisation's services; viewers (`directory.view`) read. Every directory record is visible to whoever may
view the directory, so a record a user may not change is read-only for them (403), never "missing" (404);
a proposal of another organisation is out of scope (404). Writes go through `directory.actions`.

Parts of a service, translations and information pages/languages/needs have their own modules
(`views_desk_parts`, `views_desk_translations`, `views_desk_content`).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.scoping import active_membership, require_permission
from directory import actions, desk
from directory.forms import RejectProposalForm, ServiceFilterForm, ServiceForm, add_action_errors
from directory.models import (
    WEEKDAYS,
    Article,
    DirectoryOrganization,
    EditorialState,
    Revision,
    RevisionStatus,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceLanguage,
    ServiceStatus,
    TaxonomyTerm,
)

PAGE_SIZE = 25
SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "pk"),
    "verified": (F("last_verified_at").asc(nulls_first=True), "name", "pk"),
    "-verified": (F("last_verified_at").desc(nulls_last=True), "name", "pk"),
    "updated": ("-updated_at", "pk"),
}
# Records whose workflow, verification and history the desk runs, by the name used in the URLconf.
EDITORIAL_MODELS = {"service": Service, "article": Article}


# --- access ------------------------------------------------------------------------------------------------


def require_view(user) -> None:
    require_permission(user, "directory.view")


def require_edit(user) -> None:
    require_permission(user, "directory.edit")


def get_service(user, pk, *, change=False) -> Service:
    """A service for the desk. `change`: the user must be able to edit it (editor) or propose changes to it
    (its own organisation's partner); otherwise 403, since the directory is readable by every desk user."""
    require_view(user)
    service = get_object_or_404(Service.objects.select_related("organization"), pk=pk)
    if change and not (actions.can_edit_directly(user) or actions.can_propose(user, service)):
        raise PermissionDenied
    return service


def get_editorial(user, model_name: str, pk):
    model = EDITORIAL_MODELS.get(model_name)
    if model is None:
        raise Http404
    if model is Article:
        require_edit(user)
        return get_object_or_404(Article, pk=pk)
    return get_service(user, pk)


def editorial_url(obj) -> str:
    if isinstance(obj, Article):
        return reverse("directory:article_detail", args=[obj.pk])
    return reverse("directory:service_detail", args=[obj.pk])


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def posted(request):
    """The submitted data of a POST (even an empty one), None for a GET: the form is bound only on POST."""
    return request.POST if request.method == "POST" else None


def user_organisation_id(user):
    membership = active_membership(user)
    return membership.organisation_id if membership else None


# --- dashboard ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request):
    """The editor's day: what to verify, to review, to approve, to translate; and indicator P3.3."""
    user = request.user
    require_view(user)
    is_editor = actions.can_edit_directly(user)
    organisation_id = user_organisation_id(user)
    service_ct = ContentType.objects.get_for_model(Service)
    proposals = Revision.objects.pending().filter(content_type=service_ct)
    if not is_editor:
        proposals = proposals.filter(author_organisation_id=organisation_id)
    pending = list(proposals.select_related("author", "author_organisation").order_by("created_at")[:10])
    names = dict(Service.objects.filter(pk__in=[p.object_id for p in pending]).values_list("pk", "name"))
    for proposal in pending:
        proposal.service_name = names.get(proposal.object_id, "")
    stale = Service.objects.stale()
    context = {
        "is_editor": is_editor,
        "service_states": desk.state_counts(Service),
        "article_states": desk.state_counts(Article) if is_editor else None,
        "stale_count": stale.count(),
        "hidden_count": Service.objects.hidden_as_stale().count(),
        "to_verify": list(
            stale.select_related("organization").order_by(
                F("last_verified_at").asc(nulls_first=True), "name"
            )[:10]
        ),
        "in_review": list(
            Service.objects.filter(state=EditorialState.IN_REVIEW)
            .select_related("organization")
            .order_by("updated_at")[:10]
        ),
        "proposal_count": proposals.count(),
        "proposals": pending,
        "outdated_services": Service.objects.filter(desk.service_outdated_q()).count(),
        "outdated_articles": desk.records_with_outdated(Article) if is_editor else 0,
        "outdated_needs": desk.records_with_outdated(TaxonomyTerm),
        "states": EditorialState,
    }
    published, coverage = desk.translation_coverage()
    context.update(
        {
            "published_count": published,
            "coverage": coverage,
            "recently_verified": published - context["stale_count"],
            "recently_verified_share": 100 * (published - context["stale_count"]) / published
            if published
            else 0,
            "verify_months": settings.DIRECTORY_VERIFY_MONTHS,
        }
    )
    if actions.can_propose(user) and organisation_id:
        mine = Service.objects.filter(organization__network_organisation_id=organisation_id)
        context["own_services"] = list(
            mine.exclude(state=EditorialState.ARCHIVED).order_by("state", "name")[:20]
        )
        context["own_total"] = mine.count()
        context["can_create"] = True
    else:
        context["can_create"] = is_editor
    return render(request, "directory/desk/dashboard.html", context)


# --- services: list -----------------------------------------------------------------------------------------


def filtered_services(form: ServiceFilterForm, user):
    qs = Service.objects.all()
    if not form.is_valid():
        return qs
    data = form.cleaned_data
    for word in data["q"].split()[:8]:
        qs = qs.filter(Q(name__icontains=word) | Q(organization__name__icontains=word))
    if data["state"]:
        qs = qs.filter(state=data["state"])
    if data["organization"]:
        qs = qs.filter(organization=data["organization"])
    if data["need"]:
        qs = qs.filter(
            Exists(ServiceAttribute.objects.filter(service=OuterRef("pk"), taxonomy_term=data["need"]))
        )
    if data["municipality"]:
        place = data["municipality"]
        qs = qs.filter(
            Exists(ServiceAtLocation.objects.filter(service=OuterRef("pk"), location__municipality=place))
            | Exists(ServiceArea.objects.filter(service=OuterRef("pk"), municipality=place))
        )
    if data["stale"] == "due":
        qs = qs.stale()
    elif data["stale"] == "hidden":
        qs = qs.hidden_as_stale()
    if data["outdated"]:
        qs = qs.filter(desk.service_outdated_q())
    if data["proposals"]:
        qs = qs.filter(Exists(_pending_for_service()))
    if data.get("mine"):
        qs = qs.filter(organization__network_organisation_id=user_organisation_id(user))
    return qs


def _pending_for_service():
    return Revision.objects.pending().filter(
        content_type=ContentType.objects.get_for_model(Service), object_id=OuterRef("pk")
    )


@login_required
@require_GET
def service_list(request):
    user = request.user
    require_view(user)
    is_editor = actions.can_edit_directly(user)
    proposer = actions.can_propose(user)
    form = ServiceFilterForm(request.GET or None, show_mine=proposer)
    qs = (
        filtered_services(form, user)
        .select_related("organization")
        .annotate(has_proposal=Exists(_pending_for_service()))
        .only(
            "pk",
            "name",
            "state",
            "status",
            "last_verified_at",
            "updated_at",
            "version",
            "organization__id",
            "organization__name",
            "organization__network_organisation_id",
        )
    )
    sort = request.GET.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    page = Paginator(qs.order_by(*SORTS[sort]), PAGE_SIZE).get_page(request.GET.get("page"))
    flag_before, hide_before = Service.verification_cutoffs()
    organisation_id = user_organisation_id(user)
    on_page = [service.pk for service in page.object_list]
    outdated_ids = set(
        Service.objects.filter(desk.service_outdated_q(among=on_page)).values_list("pk", flat=True)
    )
    for service in page.object_list:
        service.is_own = organisation_id and service.organization.network_organisation_id == organisation_id
        service.can_change = is_editor or (proposer and service.is_own)
        service.is_due = service.state == EditorialState.PUBLISHED and (
            service.last_verified_at is None or service.last_verified_at < flag_before
        )
        service.is_hidden = service.is_due and (
            service.last_verified_at is None or service.last_verified_at < hide_before
        )
        service.has_outdated = service.pk in outdated_ids
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "sort": sort,
        "can_create": is_editor or proposer,
        "is_editor": is_editor,
    }
    template = "directory/desk/_service_table.html" if request.htmx else "directory/desk/service_list.html"
    return render(request, template, context)


# --- services: create, edit, page ---------------------------------------------------------------------------


def organizations_for(user):
    if actions.can_edit_directly(user):
        return DirectoryOrganization.objects.order_by("name")
    membership = active_membership(user)
    return DirectoryOrganization.objects.proposable_by(membership).order_by("name")


def _terms_with(service: Service | None, needs) -> list[TaxonomyTerm]:
    """The needs chosen in the form, keeping the service's other (imported) categories."""
    others = list(service.terms.filter(is_need=False)) if service is not None else []
    return [*needs, *others]


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request):
    user = request.user
    require_view(user)
    if not (actions.can_edit_directly(user) or actions.can_propose(user)):
        raise PermissionDenied
    organizations = organizations_for(user)
    if not organizations.exists():
        messages.error(
            request,
            _(
                "Your organisation has no entry in the directory yet: ask the editors to create it and "
                "link it to your organisation."
            ),
        )
        return redirect("directory:service_list")
    form = ServiceForm(posted(request), instance=Service(), organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            service = actions.create_record(
                Service,
                form.changes(),
                acting_user=user,
                m2m={"terms": _terms_with(None, form.cleaned_data["needs"])},
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            if actions.can_edit_directly(user):
                messages.success(
                    request, _("Service created as a draft. Add its places and hours, then publish it.")
                )
            else:
                messages.success(
                    request,
                    _(
                        "Draft created. When it is complete, send it to review: the editors add places and "
                        "hours and publish it."
                    ),
                )
            return redirect("directory:service_detail", service.pk)
    return render(request, "directory/desk/service_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request, pk):
    user = request.user
    service = get_service(user, pk, change=True)
    editing = actions.can_edit_directly(user)
    # The form works on its own copy: a proposal is compared with the stored values.
    form = ServiceForm(
        posted(request),
        instance=Service.objects.get(pk=service.pk),
        organizations=organizations_for(user)
        if editing
        else DirectoryOrganization.objects.filter(pk=service.organization_id),
        proposing=not editing,
    )
    pending = Revision.objects.pending().for_object(service).count()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if editing:
                version = service.version
                service = actions.update_record(
                    service,
                    form.changes(),
                    acting_user=user,
                    minor_edit=data["minor_edit"],
                    note=data["note"],
                    m2m={"terms": _terms_with(service, data["needs"])},
                )
                if service.version == version:
                    messages.info(request, _("Nothing changed."))
                else:
                    messages.success(request, _("Saved: version %(number)s.") % {"number": service.version})
            else:
                actions.propose_change(
                    service,
                    form.changes(ServiceForm.PROPOSABLE),
                    acting_user=user,
                    note=data["note"],
                    minor_edit=data["minor_edit"],
                )
                messages.success(
                    request,
                    _("Your proposal has been sent to the editors. Nothing changes until they approve it."),
                )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("directory:service_detail", service.pk)
    return render(
        request,
        "directory/desk/service_form.html",
        {"form": form, "service": service, "proposing": not editing, "pending": pending},
    )


@login_required
@require_GET
def service_detail(request, pk):
    user = request.user
    require_view(user)
    service = get_object_or_404(
        Service.objects.select_related("organization", "last_verified_by").prefetch_related(
            "translations",
            Prefetch("terms", queryset=TaxonomyTerm.objects.order_by("position", "name")),
            "schedules",
            "required_documents",
            Prefetch("languages", queryset=ServiceLanguage.objects.order_by("code")),
            "phones",
            "cost_options",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location__municipality__province")
                .prefetch_related("location__addresses", "location__accessibility")
                .order_by("location__name"),
            ),
        ),
        pk=pk,
    )
    is_editor = actions.can_edit_directly(user)
    can_propose = actions.can_propose(user, service)
    languages = desk.content_languages()
    for schedule in service.schedules.all():
        schedule.day_names = ", ".join(str(WEEKDAYS_ABBR[WEEKDAYS.index(day)]) for day in schedule.days())
    proposals = list(
        Revision.objects.for_object(service)
        .filter(status__in=[RevisionStatus.PENDING, RevisionStatus.REJECTED])
        .select_related("author", "author_organisation")
        .order_by("-created_at")[:10]
    )
    if not is_editor:
        organisation_id = user_organisation_id(user)
        proposals = [p for p in proposals if p.author_organisation_id == organisation_id]
    context = {
        "service": service,
        "is_editor": is_editor,
        "can_change": is_editor or can_propose,
        "can_propose": can_propose,
        "next_states": desk.allowed_states(service, user),
        "translation_status": actions.translation_status(service, languages),
        "proposals": proposals,
        "recent": list(
            Revision.objects.for_object(service)
            .filter(status=RevisionStatus.APPLIED)
            .select_related("author")
            .order_by("-number", "-created_at")[:5]
        ),
        "states": EditorialState,
        "statuses": ServiceStatus,
    }
    return render(request, "directory/desk/service_detail.html", context)


# --- workflow ----------------------------------------------------------------------------------------------


@login_required
@require_POST
def change_state(request, pk, model):
    obj = get_editorial(request.user, model, pk)
    state = request.POST.get("state", "")
    # A move the user may not make is a 403; an editor's impossible move is explained by a message.
    if not actions.can_edit_directly(request.user) and state not in desk.allowed_states(obj, request.user):
        raise PermissionDenied
    if state not in EditorialState.values:
        messages.error(request, _("Unknown state."))
        return redirect(editorial_url(obj))
    try:
        obj = actions.change_state(obj, state, acting_user=request.user, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Now “%(state)s” (version %(number)s).")
            % {
                "state": EditorialState(obj.state).label,
                "number": obj.version,
            },
        )
    return redirect(safe_next(request, editorial_url(obj)))


@login_required
@require_POST
def verify(request, pk, model):
    obj = get_editorial(request.user, model, pk)
    require_edit(request.user)
    actions.verify_record(obj, acting_user=request.user)
    messages.success(request, _("“%(name)s” verified today.") % {"name": obj})
    return redirect(safe_next(request, editorial_url(obj)))


# --- history -----------------------------------------------------------------------------------------------


def snapshot_rows(model, snapshot: dict, changed) -> list[dict]:
    return [
        {
            "name": name,
            "label": desk.field_label(model, name),
            "value": desk.display_value(value, model, name),
            "changed": name in changed,
        }
        for name, value in snapshot.items()
    ]


@login_required
@require_GET
def history(request, pk, model):
    obj = get_editorial(request.user, model, pk)
    model_class = type(obj)
    revisions = (
        Revision.objects.for_object(obj)
        .filter(status=RevisionStatus.APPLIED)
        .select_related("author", "author_organisation", "decided_by")
        .order_by("-number", "-created_at", "-pk")
    )
    page = Paginator(revisions, 20).get_page(request.GET.get("page"))
    for revision in page.object_list:
        revision.rows = snapshot_rows(model_class, revision.snapshot, set(revision.changed_fields))
        revision.changed_labels = [desk.field_label(model_class, name) for name in revision.changed_fields]
        revision.state_label = EditorialState(revision.state).label if revision.state else ""
    proposals = Revision.objects.for_object(obj).exclude(status=RevisionStatus.APPLIED)
    if not actions.can_edit_directly(request.user):
        proposals = proposals.filter(author_organisation_id=user_organisation_id(request.user))
    context = {
        "obj": obj,
        "model": model,
        "page": page,
        "proposals": proposals.select_related("author", "author_organisation", "decided_by"),
        "back_url": editorial_url(obj),
    }
    return render(request, "directory/desk/history.html", context)


# --- proposals ---------------------------------------------------------------------------------------------


def proposals_for(user):
    # A proposal is a pending or rejected revision, or an applied one an editor decided on (approved).
    qs = Revision.objects.filter(content_type=ContentType.objects.get_for_model(Service)).filter(
        Q(status__in=[RevisionStatus.PENDING, RevisionStatus.REJECTED]) | Q(decided_at__isnull=False)
    )
    if actions.can_edit_directly(user):
        return qs
    return qs.filter(author_organisation_id=user_organisation_id(user))


@login_required
@require_GET
def proposal_list(request):
    user = request.user
    require_view(user)
    status = request.GET.get("status", RevisionStatus.PENDING)
    if status not in RevisionStatus.values:
        status = RevisionStatus.PENDING
    qs = (
        proposals_for(user)
        .filter(status=status)
        .select_related("author", "author_organisation", "decided_by")
        .order_by("created_at" if status == RevisionStatus.PENDING else "-decided_at", "pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    names = dict(
        Service.objects.filter(pk__in=[r.object_id for r in page.object_list]).values_list("pk", "name")
    )
    for revision in page.object_list:
        revision.service_name = names.get(revision.object_id, "")
        revision.changed_labels = [desk.field_label(Service, name) for name in revision.changed_fields]
    context = {
        "page": page,
        "status": status,
        "statuses": RevisionStatus,
        "query": f"status={status}",
        "is_editor": actions.can_edit_directly(user),
    }
    return render(request, "directory/desk/proposal_list.html", context)


def get_proposal(user, pk) -> Revision:
    require_view(user)
    proposal = proposals_for(user).filter(pk=pk).first()
    if proposal is None:
        raise Http404
    return proposal


def proposal_context(proposal: Revision, form=None) -> dict:
    service = Service.objects.select_related("organization").get(pk=proposal.object_id)
    current = actions.snapshot(service)
    rows = []
    for name in proposal.changed_fields:
        old = desk.display_value(current.get(name), Service, name)
        new = desk.display_value(proposal.snapshot.get(name), Service, name)
        left, right = desk.word_diff(old, new) if proposal.status == RevisionStatus.PENDING else (old, new)
        rows.append(
            {"name": name, "label": desk.field_label(Service, name), "current": left, "proposed": right}
        )
    return {
        "proposal": proposal,
        "service": service,
        "rows": rows,
        "form": form or RejectProposalForm(),
    }


@login_required
@require_GET
def proposal_detail(request, pk):
    proposal = get_proposal(request.user, pk)
    context = proposal_context(proposal)
    context["is_editor"] = actions.can_edit_directly(request.user)
    return render(request, "directory/desk/proposal_detail.html", context)


@login_required
@require_POST
def proposal_approve(request, pk):
    proposal = get_proposal(request.user, pk)
    require_edit(request.user)
    try:
        applied = actions.approve_proposal(
            proposal, acting_user=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("directory:proposal_detail", proposal.pk)
    messages.success(request, _("Proposal applied: version %(number)s.") % {"number": applied.number})
    return redirect(safe_next(request, reverse("directory:service_detail", args=[proposal.object_id])))


@login_required
@require_POST
def proposal_reject(request, pk):
    proposal = get_proposal(request.user, pk)
    require_edit(request.user)
    form = RejectProposalForm(request.POST)
    if form.is_valid():
        try:
            actions.reject_proposal(proposal, acting_user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("Proposal rejected; the partner sees your reason."))
            return redirect("directory:proposal_list")
    context = proposal_context(proposal, form)
    context["is_editor"] = True
    return render(request, "directory/desk/proposal_detail.html", context)
