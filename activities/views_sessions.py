"""Sessions of an activity: add one, add a weekly series, edit, cancel or restore.

Sessions are kept by whoever keeps the register (the organiser's staff and the activity's trainers)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from activities import actions
from activities.forms import SessionForm, SessionSeriesForm, add_action_errors
from activities.models import REGISTER, Activity, AttendanceStatus, Enrolment, Session
from core.scoping import get_for_user

# ---------------------------------------------------------------------------------------------- writes


def _check(activity_id, acting_user) -> Activity:
    return get_for_user(Activity.objects.all(), acting_user, REGISTER, pk=activity_id)


@transaction.atomic
def add_session(activity: Activity, form: SessionForm, *, acting_user) -> Session:
    _check(activity.pk, acting_user)
    session = form.save(commit=False)
    session.activity = activity
    session.save()
    return session


@transaction.atomic
def add_session_series(activity: Activity, data: dict, *, acting_user) -> list[Session]:
    """Create the sessions of a weekly series in one go (each saved, so each is in the audit log)."""
    _check(activity.pk, acting_user)
    sessions = []
    for day in data["dates"]:
        session = Session(
            activity=activity,
            date=day,
            start_time=data["start_time"],
            end_time=data["end_time"],
            hours=data["hours"],
            topic=data["topic"],
            venue=data["venue"],
        )
        session.save()
        sessions.append(session)
    return sessions


def _refresh_enrolments_of(session: Session) -> None:
    actions.refresh_attended_hours(Enrolment.objects.filter(attendance__session=session).distinct())


@transaction.atomic
def update_session(session: Session, form: SessionForm, *, acting_user, old_hours) -> Session:
    """Save an edited session. When its hours change, full-time presences follow the new length and
    partial ones are capped at it, so attended hours stay true."""
    _check(session.activity_id, acting_user)
    session = form.save(commit=False)
    if session.date > timezone.localdate() and session.attendance.exists():
        raise ValidationError(
            {"date": _("Attendance is recorded for this session: it cannot move to the future.")}
        )
    session.save()
    if session.hours != old_hours:
        for mark in session.attendance.filter(status=AttendanceStatus.PRESENT):
            new = session.hours if mark.hours == old_hours else min(mark.hours, session.hours)
            if new != mark.hours:
                mark.hours = new
                mark.save(update_fields=["hours", "recorded_at"])
        _refresh_enrolments_of(session)
    return session


@transaction.atomic
def set_session_cancelled(session: Session, cancelled: bool, *, acting_user) -> Session:
    """Cancel (or restore) a session: its hours and marks stop (or start again) counting."""
    _check(session.activity_id, acting_user)
    session.is_cancelled = cancelled
    session.save(update_fields=["is_cancelled"])
    _refresh_enrolments_of(session)
    return session


# ----------------------------------------------------------------------------------------------- views


def _activity(request, pk) -> Activity:
    return get_for_user(Activity.objects.all(), request.user, REGISTER, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request, pk):
    activity = _activity(request, pk)
    form = SessionForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        session = add_session(activity, form, acting_user=request.user)
        messages.success(request, _("Session of %(date)s added.") % {"date": f"{session.date:%d/%m/%Y}"})
        if "add_another" in request.POST:
            return redirect("activities:session_create", activity.pk)
        return redirect(activity.get_absolute_url() + "#sessions")
    return render(
        request, "activities/session_form.html", {"form": form, "activity": activity, "creating": True}
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_series(request, pk):
    activity = _activity(request, pk)
    form = SessionSeriesForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        sessions = add_session_series(activity, form.cleaned_data, acting_user=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)s session added, from %(first)s to %(last)s.",
                "%(count)s sessions added, from %(first)s to %(last)s.",
                len(sessions),
            )
            % {
                "count": len(sessions),
                "first": f"{sessions[0].date:%d/%m/%Y}",
                "last": f"{sessions[-1].date:%d/%m/%Y}",
            },
        )
        return redirect(activity.get_absolute_url() + "#sessions")
    return render(request, "activities/session_series.html", {"form": form, "activity": activity})


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk, session_pk):
    activity = _activity(request, pk)
    session = get_object_or_404(Session.objects.filter(activity=activity), pk=session_pk)
    old_hours = session.hours
    form = SessionForm(request.POST or None, instance=session, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            update_session(session, form, acting_user=request.user, old_hours=old_hours)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("Session saved."))
            return redirect(activity.get_absolute_url() + "#sessions")
    return render(
        request, "activities/session_form.html", {"form": form, "activity": activity, "session": session}
    )


@login_required
@require_POST
def session_cancel(request, pk, session_pk):
    """Cancel the session, or restore it when the form says `restore`."""
    activity = _activity(request, pk)
    session = get_object_or_404(Session.objects.filter(activity=activity), pk=session_pk)
    restore = request.POST.get("restore") == "1"
    set_session_cancelled(session, not restore, acting_user=request.user)
    if restore:
        messages.success(request, _("Session of %(date)s restored.") % {"date": f"{session.date:%d/%m/%Y}"})
    else:
        messages.success(
            request,
            _("Session of %(date)s cancelled: its hours no longer count.")
            % {"date": f"{session.date:%d/%m/%Y}"},
        )
    return redirect(activity.get_absolute_url() + "#sessions")
