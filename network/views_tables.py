"""Consultation tables (tavoli di concertazione), their meetings (with participants, minutes, .ics) and
the action items followed until they are closed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.scoping import CHANGE, VIEW, active_membership, get_for_user, require_permission, user_can
from network import actions, ics
from network.forms import (
    ActionItemFilterForm,
    ActionItemForm,
    ActionItemUpdateForm,
    AddParticipantForm,
    ConsultationTableForm,
    MeetingForm,
    PresenceForm,
    TableFilterForm,
)
from network.models import (
    ActionItem,
    ActionItemStatus,
    ConsultationTable,
    Meeting,
    MeetingStatus,
)

PAGE_SIZE = 30
ACTION_ITEMS_PAGE_SIZE = 50


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --------------------------------------------------------------------------------------------- tables


@login_required
@require_GET
def table_list(request):
    require_permission(request.user, "governance.view")
    form = TableFilterForm(request.GET or None)
    qs = ConsultationTable.objects.visible_to(request.user, VIEW)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(name__icontains=data["q"]) | Q(theme__icontains=data["q"]))
        if data["province"]:
            qs = qs.filter(province=data["province"])
        if data["mine"]:
            membership = active_membership(request.user)
            qs = qs.filter(
                Q(coordinator_id=membership.organisation_id)
                | Q(
                    pk__in=ConsultationTable.members.through.objects.filter(
                        organisation_id=membership.organisation_id
                    ).values("consultationtable_id")
                )
            )
    qs = (
        qs.select_related("coordinator", "province", "district")
        .annotate(
            member_count=Count("members", distinct=True),
            next_meeting=Min(
                "meetings__starts_at",
                filter=Q(meetings__starts_at__gte=timezone.now(), meetings__status=MeetingStatus.PLANNED),
            ),
        )
        .order_by("-is_active", "name")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "network/table_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_create": user_can(request.user, "governance.change"),
        },
    )


@login_required
@require_GET
def table_detail(request, pk):
    table = get_for_user(
        ConsultationTable.objects.select_related("coordinator", "province", "district"),
        request.user,
        VIEW,
        pk=pk,
    )
    meetings = table.meetings.annotate(
        present=Count("participants", filter=Q(participants__presence="present"))
    ).order_by("-starts_at")[:50]
    items = (
        ActionItem.objects.visible_to(request.user, VIEW)
        .filter(meeting__table=table)
        .open()
        .select_related("owner", "meeting")
        .order_by("due_date", "pk")
    )
    return render(
        request,
        "network/table_detail.html",
        {
            "table": table,
            "members": table.members.order_by("name"),
            "meetings": meetings,
            "items": items,
            "today": timezone.localdate(),
            "can_change": ConsultationTable.objects.visible_to(request.user, CHANGE).filter(pk=pk).exists(),
        },
    )


def _table_form(request, table=None):
    return ConsultationTableForm(
        request.POST or None,
        instance=table,
        user=request.user,
        can_choose_coordinator=actions.acts_for_region(request.user),
    )


@login_required
@require_http_methods(["GET", "POST"])
def table_create(request):
    require_permission(request.user, "governance.change")
    form = _table_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            table = actions.create_table(acting_user=request.user, form=form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Consultation table created."))
            return redirect(table)
    return render(request, "network/table_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def table_edit(request, pk):
    table = get_for_user(ConsultationTable.objects.all(), request.user, CHANGE, pk=pk)
    form = _table_form(request, table)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_table(table, acting_user=request.user, form=form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(table)
    return render(request, "network/table_form.html", {"form": form, "table": table})


# ------------------------------------------------------------------------------------------- meetings


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, pk):
    table = get_for_user(ConsultationTable.objects.all(), request.user, CHANGE, pk=pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.create_meeting(table, acting_user=request.user, data=form.meeting_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Meeting created: the members of the table are invited."))
            return redirect(meeting)
    return render(request, "network/meeting_form.html", {"form": form, "table": table})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = get_for_user(Meeting.objects.select_related("table"), request.user, CHANGE, pk=pk)
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_meeting(meeting, acting_user=request.user, data=form.meeting_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(meeting)
    return render(
        request, "network/meeting_form.html", {"form": form, "table": meeting.table, "meeting": meeting}
    )


def _meeting_page(request, meeting: Meeting, action_item_form=None, status=200):
    can_change = Meeting.objects.visible_to(request.user, CHANGE).filter(pk=meeting.pk).exists()
    items = list(meeting.action_items.select_related("owner").order_by("due_date", "pk"))
    updatable = set(
        ActionItem.objects.visible_to(request.user, CHANGE)
        .filter(meeting=meeting)
        .values_list("pk", flat=True)
    )
    for item in items:
        item.can_update = item.pk in updatable
    if can_change and action_item_form is None:
        action_item_form = ActionItemForm(user=request.user, meeting=meeting)
    return render(
        request,
        "network/meeting_detail.html",
        {
            "meeting": meeting,
            "table": meeting.table,
            "participants": meeting.participants.select_related("organisation"),
            "items": items,
            "can_change": can_change,
            "action_item_form": action_item_form if can_change else None,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_GET
def meeting_detail(request, pk):
    meeting = get_for_user(
        Meeting.objects.select_related("table__coordinator", "table__province"), request.user, VIEW, pk=pk
    )
    return _meeting_page(request, meeting)


@login_required
@require_GET
def meeting_ics(request, pk):
    meeting = get_for_user(Meeting.objects.select_related("table"), request.user, VIEW, pk=pk)
    response = HttpResponse(ics.meeting_calendar(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, ics.calendar_filename(meeting))
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def meeting_participants(request, pk):
    """Who was invited and who came: presence and the person who represented each organisation."""
    meeting = get_for_user(Meeting.objects.select_related("table"), request.user, CHANGE, pk=pk)
    participants = list(meeting.participants.select_related("organisation"))
    adding = request.method == "POST" and "add" in request.POST
    rows = [
        (
            participant,
            PresenceForm(
                request.POST if request.method == "POST" and not adding else None,
                prefix=f"p{participant.pk}",
                initial={"person_name": participant.person_name, "presence": participant.presence},
            ),
        )
        for participant in participants
    ]
    add_form = AddParticipantForm(request.POST if adding else None, user=request.user, prefix="add")
    if request.method == "POST":
        try:
            if adding and add_form.is_valid():
                actions.add_meeting_participant(meeting, acting_user=request.user, **add_form.cleaned_data)
                messages.success(request, _("Added to the list."))
                return redirect("network:meeting_participants", meeting.pk)
            if not adding and all(form.is_valid() for _participant, form in rows):
                actions.record_presence(
                    meeting,
                    acting_user=request.user,
                    rows={p.pk: form.cleaned_data for p, form in rows if not form.cleaned_data["remove"]},
                    remove=[p.pk for p, form in rows if form.cleaned_data["remove"]],
                )
                messages.success(request, _("Presence saved."))
                return redirect(meeting)
        except ValidationError as error:
            messages.error(request, _error_text(error))
    return render(
        request,
        "network/meeting_participants.html",
        {"meeting": meeting, "table": meeting.table, "rows": rows, "add_form": add_form},
    )


# --------------------------------------------------------------------------------------- action items


@login_required
@require_POST
def action_item_create(request, pk):
    meeting = get_for_user(
        Meeting.objects.select_related("table__coordinator", "table__province"), request.user, CHANGE, pk=pk
    )
    form = ActionItemForm(request.POST, user=request.user, meeting=meeting)
    if form.is_valid():
        try:
            actions.add_action_item(meeting, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Action added."))
            return redirect(reverse("network:meeting_detail", args=[meeting.pk]) + "#actions")
    return _meeting_page(request, meeting, action_item_form=form, status=400)


@login_required
@require_GET
def action_item_list(request):
    """Follow-up: open (or closed) action items, filtered by my organisation, table, overdue."""
    require_permission(request.user, "governance.view")
    form = ActionItemFilterForm(request.GET or None, user=request.user)
    qs = ActionItem.objects.visible_to(request.user, VIEW)
    today = timezone.localdate()
    state = ""
    if form.is_valid():
        data = form.cleaned_data
        state = data["state"]
        if data["mine"]:
            membership = active_membership(request.user)
            qs = qs.filter(owner_id=membership.organisation_id)
        if data["table"]:
            qs = qs.filter(meeting__table=data["table"])
        if data["overdue"]:
            qs = qs.overdue(today)
    if state == "closed":
        qs = qs.filter(status__in=actions.CLOSED_ACTION_ITEM_STATUSES)
    elif state != "all":
        qs = qs.open()
    qs = qs.select_related("owner", "meeting__table").order_by("due_date", "pk")
    page = Paginator(qs, ACTION_ITEMS_PAGE_SIZE).get_page(request.GET.get("page"))
    _annotate_rows(request.user, page.object_list, today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "network/action_item_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": today,
            "statuses": ActionItemStatus.choices,
            "next": request.get_full_path(),
        },
    )


def _annotate_rows(user, items, today) -> None:
    """Set `can_update` (one query for the page) and `days_late` on each row."""
    items = list(items)
    updatable = set(
        ActionItem.objects.visible_to(user, CHANGE)
        .filter(pk__in=[item.pk for item in items])
        .values_list("pk", flat=True)
    )
    for item in items:
        item.can_update = item.pk in updatable
        item.days_late = (today - item.due_date).days if item.is_overdue else 0


def _safe_next(request) -> str | None:
    next_url = request.POST.get("next") or request.GET.get("next")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return None


@login_required
@require_http_methods(["GET", "POST"])
def action_item_update(request, pk):
    """The owner (or the table's coordinator, or the Region) updates status and note; htmx swaps the row."""
    item = get_for_user(
        ActionItem.objects.select_related("owner", "meeting__table"), request.user, CHANGE, pk=pk
    )
    form = ActionItemUpdateForm(request.POST or None, initial={"status": item.status, "note": item.note})
    if request.method == "POST" and form.is_valid():
        try:
            item = actions.update_action_item(item, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.htmx:
                item = ActionItem.objects.select_related("owner", "meeting__table").get(pk=item.pk)
                today = timezone.localdate()
                _annotate_rows(request.user, [item], today)
                return render(
                    request,
                    "network/_action_item_row.html",
                    {
                        "item": item,
                        "today": today,
                        "next": _safe_next(request) or "",
                        "statuses": ActionItemStatus.choices,
                        "saved": True,
                    },
                )
            messages.success(request, _("Action updated."))
            return redirect(_safe_next(request) or reverse("network:action_item_list"))
    return render(
        request,
        "network/action_item_form.html",
        {"form": form, "item": item, "next": _safe_next(request) or ""},
        status=400 if form.errors else 200,
    )
