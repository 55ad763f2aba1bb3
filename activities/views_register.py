"""The attendance register: one grid per session, one tap or keystroke per person, saved with htmx.

Without JavaScript every mark is a plain form POST that comes back to the register. The page costs the
same number of queries for 3 people or 30; saving one mark is a handful of queries and answers htmx
with the person's row only."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from activities import actions
from activities.models import REGISTER, Activity, Attendance, AttendanceStatus, Enrolment, Session
from activities.views import can
from core.scoping import VIEW, get_for_user

ROW_FIELDS = (
    "id",
    "activity_id",
    "kind",
    "participant_id",
    "full_name",
    "status",
    "attended_hours",
    "participant__id",
    "participant__first_name",
    "participant__last_name",
)
ROW_TEMPLATE = "activities/_register_row.html"


def register_rows(user, activity: Activity, session: Session, *, on_register_only: bool = True):
    """The people on the register of `session`, by name, each with their mark (one query)."""
    marks = Attendance.objects.filter(session=session, enrolment=OuterRef("pk"))
    rows = Enrolment.objects.visible_to(user, VIEW).filter(activity=activity)
    if on_register_only:
        rows = rows.filter(status__in=actions.ON_REGISTER)
    return (
        rows.select_related("participant")
        .only(*ROW_FIELDS)
        .annotate(
            mark_status=Subquery(marks.values("status")[:1]),
            mark_hours=Subquery(marks.values("hours")[:1]),
        )
        .order_by(Coalesce("participant__last_name", "full_name"), "participant__first_name", "pk")
    )


def _prepare(row, session: Session, total_hours) -> None:
    row.percent = actions.attendance_percent(row.attended_hours, total_hours)
    # The hours box shows a late arrival's hours; a full presence leaves it empty.
    row.partial_hours = (
        _plain(row.mark_hours)
        if row.mark_status == AttendanceStatus.PRESENT and row.mark_hours != session.hours
        else None
    )


def _plain(hours):
    """2.50 as 2.5 and 3.00 as 3, whatever the database returns (PostgreSQL keeps the column's scale)."""
    text = f"{Decimal(hours).quantize(Decimal('0.01')):f}"
    return Decimal(text.rstrip("0").rstrip(".") if "." in text else text)


def _markable(session: Session, writable: bool) -> bool:
    return writable and not session.is_cancelled and session.date <= timezone.localdate()


@login_required
@require_GET
def register_today(request, pk):
    """Open the register on the chosen session (?session=), today's, or the last one held."""
    activity = get_for_user(Activity.objects.all(), request.user, VIEW, pk=pk)
    sessions = activity.sessions.all()
    chosen = request.GET.get("session", "")
    if chosen.isascii() and chosen.isdigit():  # isdigit() alone also accepts '²', which int() refuses
        session = get_object_or_404(sessions, pk=chosen)
    else:
        today = timezone.localdate()
        session = (
            sessions.filter(date=today, is_cancelled=False).first()
            or sessions.filter(date__lte=today, is_cancelled=False)
            .order_by("-date", "-start_time", "-pk")
            .first()
            or sessions.first()
        )
    if session is None:
        messages.info(request, _("This activity has no sessions yet: add them first."))
        return redirect(activity.get_absolute_url() + "#sessions")
    return redirect("activities:register", activity.pk, session.pk)


@login_required
@require_GET
def register(request, pk, session_pk):
    user = request.user
    activity = get_for_user(Activity.objects.all(), user, VIEW, pk=pk)
    writable = can(user, activity, REGISTER)
    sessions = list(activity.sessions.all())
    index = next((i for i, s in enumerate(sessions) if s.pk == session_pk), None)
    if index is None:
        raise Http404
    session = sessions[index]
    total_hours = actions.activity_hours(activity)
    rows = list(register_rows(user, activity, session))
    for row in rows:
        _prepare(row, session, total_hours)
    counts = {value: sum(1 for r in rows if r.mark_status == value) for value in AttendanceStatus.values}
    return render(
        request,
        "activities/register.html",
        {
            "activity": activity,
            "session": session,
            "sessions": sessions,
            "previous": sessions[index - 1] if index > 0 else None,
            "next": sessions[index + 1] if index + 1 < len(sessions) else None,
            "rows": rows,
            "total_hours": total_hours,
            "writable": writable,
            "markable": _markable(session, writable),
            "is_future": session.date > timezone.localdate(),
            "counts": counts,
            "unmarked": sum(1 for r in rows if r.mark_status is None),
        },
    )


@login_required
@require_POST
def register_mark(request, pk, session_pk, enrolment_pk):
    """Save one person's mark. htmx gets the updated row back; a plain form post goes back to the page."""
    user = request.user
    session = get_object_or_404(
        Session.objects.visible_to(user, VIEW).select_related("activity"), pk=session_pk, activity_id=pk
    )
    enrolment = get_object_or_404(
        Enrolment.objects.visible_to(user, VIEW).filter(activity_id=pk).only("id", "activity_id", "status"),
        pk=enrolment_pk,
    )
    error = None
    try:
        actions.mark_attendance(
            session,
            enrolment,
            request.POST.get("status", ""),
            acting_user=user,
            hours=request.POST.get("hours", "").strip() or None,
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(reverse("activities:register", args=[pk, session_pk]) + f"#row-{enrolment.pk}")
    activity = session.activity
    # Also someone who has just left the register, so that the row can say why the mark was refused.
    row = get_object_or_404(register_rows(user, activity, session, on_register_only=False), pk=enrolment.pk)
    _prepare(row, session, actions.activity_hours(activity))
    html = render_to_string(
        ROW_TEMPLATE,
        {
            "row": row,
            "activity": activity,
            "session": session,
            "markable": True,
            "error": error,
            "csrf_token": get_token(request),
        },
    )
    return HttpResponse(html)


@login_required
@require_POST
def register_all_present(request, pk, session_pk):
    session = get_object_or_404(
        Session.objects.visible_to(request.user, VIEW).select_related("activity"),
        pk=session_pk,
        activity_id=pk,
    )
    try:
        count = actions.mark_all_present(session, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext("%(count)s person marked present.", "%(count)s people marked present.", count)
            % {"count": count},
        )
    return redirect("activities:register", pk, session_pk)
