"""Agreements between network organisations: list, detail with history, create and edit with their
parties, status changes (sign, withdraw, renew), the signed PDF (upload and authenticated download)."""

from __future__ import annotations

import datetime
import json

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.scoping import CHANGE, VIEW, get_for_user, require_permission, user_can
from network import actions
from network.forms import (
    AgreementFilterForm,
    AgreementForm,
    DocumentUploadForm,
    RenewForm,
    SignForm,
    WithdrawForm,
    party_formset,
)
from network.models import Agreement, AgreementParty, AgreementStatus
from paths.models import Action

PAGE_SIZE = 30
HISTORY_LIMIT = 100
# Fields whose changes say nothing to a reader (bookkeeping, or shown through the entry's own text).
HISTORY_HIDDEN_FIELDS = frozenset(
    {"id", "created_at", "updated_at", "is_demo", "created_by", "parties", "agreement", "organisation"}
)


def _parties_prefetch():
    return Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation"))


@login_required
@require_GET
def agreement_list(request):
    require_permission(request.user, "governance.view")
    form = AgreementFilterForm(request.GET or None, user=request.user)
    qs = Agreement.objects.visible_to(request.user, VIEW)
    today = timezone.localdate()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(title__icontains=data["q"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["organisation"]:
            qs = qs.filter(parties__organisation=data["organisation"])
        if data["expiring"]:
            qs = qs.filter(
                status=AgreementStatus.SIGNED,
                valid_until__gte=today,
                valid_until__lte=today + datetime.timedelta(days=data["expiring"]),
            )
    qs = qs.prefetch_related(_parties_prefetch()).order_by("-signed_on", "-created_at", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "network/agreement_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": today,
            "can_create": user_can(request.user, "governance.change"),
        },
    )


def agreement_history(agreement: Agreement, limit: int = HISTORY_LIMIT) -> list[dict]:
    """The audit log of the agreement and of its parties (also the ones removed since), newest first."""
    types = ContentType.objects.get_for_models(Agreement, AgreementParty)
    agreement_type, party_type = types[Agreement], types[AgreementParty]
    pk = str(agreement.pk)
    # A party's creation and removal carry the agreement's id; its later changes only the party's own.
    party_ids = LogEntry.objects.filter(content_type=party_type).filter(
        Q(changes__agreement__1=pk) | Q(changes__agreement__0=pk)
    )
    entries = (
        LogEntry.objects.filter(
            Q(content_type=agreement_type, object_pk=pk)
            | Q(content_type=party_type, object_pk__in=party_ids.values("object_pk"))
        )
        .select_related("actor")
        .order_by("-timestamp", "-pk")[:limit]
    )
    return [_history_row(entry, agreement_type.pk) for entry in entries]


def _history_row(entry: LogEntry, agreement_type_id: int) -> dict:
    is_party = entry.content_type_id != agreement_type_id
    model = AgreementParty if is_party else Agreement
    if entry.action == LogEntry.Action.CREATE:
        what = (
            _("Party added: %(party)s") % {"party": entry.object_repr} if is_party else _("Agreement created")
        )
        changes = []
    elif entry.action == LogEntry.Action.DELETE:
        what = _("Party removed: %(party)s") % {"party": entry.object_repr} if is_party else _("Deleted")
        changes = []
    else:
        what = _("Party changed: %(party)s") % {"party": entry.object_repr} if is_party else _("Changed")
        changes = _readable_changes(model, entry.changes or {})
    return {"entry": entry, "what": what, "changes": changes}


def _readable_changes(model, changes: dict) -> list[tuple[str, str, str]]:
    rows = []
    for name, values in changes.items():
        if name in HISTORY_HIDDEN_FIELDS or not isinstance(values, list | tuple) or len(values) != 2:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a field removed since the entry was written is not shown
            continue
        rows.append((str(field.verbose_name), *(_readable_value(field, value) for value in values)))
    return rows


def _readable_value(field, value) -> str:
    if value in (None, "None", "", "[]"):
        return "—"
    if field.name == "actions":
        try:
            codes = json.loads(value)
        except (TypeError, ValueError):
            return str(value)
        labels = dict(Action.choices)
        return ", ".join(str(labels.get(code, code)) for code in codes) or "—"
    if field.name == "document":
        return _("a PDF document")
    if field.name == "document_sha256":
        return str(value)[:12] + "…"
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if field.get_internal_type() == "DateField":
        try:
            return datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    return str(value)


@login_required
@require_GET
def agreement_detail(request, pk):
    agreement = get_for_user(
        Agreement.objects.select_related("created_by").prefetch_related(_parties_prefetch()),
        request.user,
        VIEW,
        pk=pk,
    )
    can_change = Agreement.objects.visible_to(request.user, CHANGE).filter(pk=pk).exists()
    transitions = actions.allowed_transitions(agreement) if can_change else set()
    labels = dict(Action.choices)
    return render(
        request,
        "network/agreement_detail.html",
        {
            "agreement": agreement,
            "parties": list(agreement.parties.all()),
            "action_labels": [labels.get(code, code) for code in agreement.actions],
            "history": agreement_history(agreement),
            "can_change": can_change,
            "can_edit": can_change and agreement.status in actions.EDITABLE_STATUSES,
            "transitions": transitions,
            "sign_form": SignForm(initial={"signed_on": timezone.localdate()})
            if "sign" in transitions
            else None,
            "withdraw_form": WithdrawForm() if "withdraw" in transitions else None,
            "renew_form": RenewForm() if "renew" in transitions else None,
            "upload_form": DocumentUploadForm()
            if can_change and agreement.status in actions.EDITABLE_STATUSES
            else None,
            "today": timezone.localdate(),
        },
    )


def _agreement_page(request, form, formset, agreement=None):
    return render(
        request,
        "network/agreement_form.html",
        {"form": form, "formset": formset, "agreement": agreement},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    require_permission(request.user, "governance.change")
    form = AgreementForm(request.POST or None)
    formset = party_formset(request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            agreement = actions.create_agreement(
                acting_user=request.user, data=form.agreement_data(), parties=formset.parties()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Agreement saved as a draft."))
            return redirect(agreement)
    return _agreement_page(request, form, formset)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk):
    agreement = get_for_user(Agreement.objects.all(), request.user, CHANGE, pk=pk)
    if agreement.status not in actions.EDITABLE_STATUSES:
        messages.error(request, _("An expired or withdrawn agreement can no longer be changed."))
        return redirect(agreement)
    form = AgreementForm(request.POST or None, instance=agreement)
    formset = party_formset(request.user, data=request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            actions.update_agreement(
                agreement, acting_user=request.user, data=form.agreement_data(), parties=formset.parties()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(agreement)
    return _agreement_page(request, form, formset, agreement)


def _transition_page(request, agreement, form, title, submit_label):
    return render(
        request,
        "generic_form.html",
        {
            "form": form,
            "title": title,
            "submit_label": submit_label,
            "breadcrumbs": [
                (_("Agreements"), reverse("network:agreement_list")),
                (agreement.title, agreement.get_absolute_url()),
            ],
            "back_url": agreement.get_absolute_url(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_sign(request, pk):
    agreement = get_for_user(Agreement.objects.all(), request.user, CHANGE, pk=pk)
    form = SignForm(request.POST or None, initial={"signed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.sign_agreement(agreement, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Agreement signed."))
            return redirect(agreement)
    return _transition_page(
        request, agreement, form, _("Record the signature of %(title)s") % {"title": agreement}, _("Sign")
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_withdraw(request, pk):
    agreement = get_for_user(Agreement.objects.all(), request.user, CHANGE, pk=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.withdraw_agreement(
                agreement, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Agreement withdrawn."))
            return redirect(agreement)
    return _transition_page(
        request, agreement, form, _("Withdraw %(title)s") % {"title": agreement}, _("Withdraw")
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_renew(request, pk):
    agreement = get_for_user(Agreement.objects.all(), request.user, CHANGE, pk=pk)
    form = RenewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.renew_agreement(agreement, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Agreement renewed."))
            return redirect(agreement)
    return _transition_page(request, agreement, form, _("Renew %(title)s") % {"title": agreement}, _("Renew"))


@login_required
@require_http_methods(["GET", "POST"])
def agreement_document_upload(request, pk):
    agreement = get_for_user(Agreement.objects.all(), request.user, CHANGE, pk=pk)
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.attach_agreement_document(
                agreement, acting_user=request.user, upload=form.cleaned_data["document"]
            )
        except ValidationError as error:
            form.add_error("document", error)
        else:
            messages.success(request, _("Signed document uploaded."))
            return redirect(agreement)
    return _transition_page(
        request,
        agreement,
        form,
        _("Signed document of %(title)s") % {"title": agreement},
        _("Upload"),
    )


@login_required
@require_GET
def agreement_document(request, pk):
    """The signed PDF, only to users who see the agreement; never through MEDIA_URL."""
    agreement = get_for_user(Agreement.objects.all(), request.user, VIEW, pk=pk)
    if not agreement.document:
        raise Http404
    try:
        handle = agreement.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"accordo-{agreement.pk}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
