"""The participant's timeline and the case worker's caseload dashboard."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from activities import timeline as activity_timeline
from core.scoping import VIEW, active_membership, get_for_user, require_permission
from paths.models import (
    OPEN_REFERRAL_STATUSES,
    Goal,
    GoalStatus,
    IndividualPlan,
    MediationRequest,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ServiceRecord,
)
from people.actions import log_participant_access
from people.models import Consent, Participant
from skills import timeline as skills_timeline

# Events per page of the timeline; older ones load on demand ("Show earlier events").
TIMELINE_PAGE = 50
CASELOAD_PARTICIPANTS = 30
# Rows of each caseload list; the referral lists link to their full queue.
CASELOAD_ROWS = 20
MINE_PER_SOURCE = 100
RECENT_SERVICE_DAYS = 90
DUE_SOON_DAYS = 7
# A goal saved again more than this long after its creation counts as updated on the timeline.
UPDATE_GRACE = datetime.timedelta(seconds=5)


@dataclass
class TimelineItem:
    """One line of a participant's timeline."""

    when: datetime.datetime
    kind: str
    text: str
    who: str = ""
    url: str = ""
    date_only: bool = False


def _at_day(day: datetime.date, moment: datetime.datetime | None = None) -> datetime.datetime:
    """A date as a moment for sorting: the day, at the time the record was saved (or midday)."""
    time = timezone.localtime(moment).time() if moment else datetime.time(12)
    return timezone.make_aware(datetime.datetime.combine(day, time))


@dataclass(frozen=True)
class TimelineWindow:
    """The page asked for: events strictly before `before` (None: the newest), at most `limit` of them.

    Each source returns at most `limit + 1` items from its own window, so the merged timeline knows
    whether older events exist without counting them."""

    before: datetime.datetime | None = None
    limit: int = TIMELINE_PAGE

    def newest(self, queryset, field: str):
        """`queryset` ordered newest first by the datetime `field`, restricted to the window."""
        if self.before is not None:
            queryset = queryset.filter(**{f"{field}__lt": self.before})
        return queryset[: self.limit + 1]

    def newest_by_day(self, queryset, field: str):
        """Same for a date `field` (the exact moment is decided by the source, then cut by `timeline_items`)."""
        if self.before is not None:
            queryset = queryset.filter(**{f"{field}__lte": timezone.localtime(self.before).date()})
        return queryset[: self.limit + 1]


# Each source answers with one or two queries whatever the number of rows; a new source (enrolments,
# assessments…) is one more function in TIMELINE_SOURCES, with the signature (participant, user, window).


def _registration(participant, user, window: TimelineWindow) -> list[TimelineItem]:
    return [
        TimelineItem(
            when=participant.created_at,
            kind="registration",
            text=_("Registered by %(organisation)s") % {"organisation": participant.owner.name},
            who=str(participant.created_by or ""),
            url=participant.get_absolute_url(),
        )
    ]


def _consents(participant, user, window: TimelineWindow) -> list[TimelineItem]:
    items = []
    consents = (
        Consent.objects.visible_to(user, VIEW)
        .filter(participant=participant)
        .select_related("recorded_by", "withdrawn_by")
    )
    # A withdrawal is a later event of the same consent: take the window on whichever came last.
    consents = window.newest(
        consents.annotate(last_event=Coalesce("withdrawn_at", "recorded_at")).order_by("-last_event", "-pk"),
        "last_event",
    )
    url = participant.get_absolute_url() + "#consents"
    for consent in consents:
        answer = _("given") if consent.granted else _("refused")
        items.append(
            TimelineItem(
                when=consent.recorded_at,
                kind="consent",
                text=_("Consent %(answer)s: %(purpose)s")
                % {"answer": answer, "purpose": consent.get_purpose_display()},
                who=str(consent.recorded_by),
                url=url,
            )
        )
        if consent.withdrawn_at:
            items.append(
                TimelineItem(
                    when=consent.withdrawn_at,
                    kind="consent",
                    text=_("Consent withdrawn: %(purpose)s") % {"purpose": consent.get_purpose_display()},
                    who=str(consent.withdrawn_by or ""),
                    url=url,
                )
            )
    return items


def _services(participant, user, window: TimelineWindow) -> list[TimelineItem]:
    records = window.newest_by_day(
        ServiceRecord.objects.visible_to(user, VIEW)
        .filter(participant=participant)
        .select_related("service_type", "operator", "organisation")
        .only(
            "date",
            "created_at",
            "duration_minutes",
            "outcome",
            "service_type__name_it",
            "service_type__name_en",
            "operator__first_name",
            "operator__last_name",
            "operator__email",
            "organisation__name",
        )
        .order_by("-date", "-pk"),
        "date",
    )
    url = reverse("paths:service_list")
    return [
        TimelineItem(
            when=_at_day(record.date, record.created_at),
            kind="service",
            text=_("Service: %(service)s (%(minutes)s min, %(outcome)s) — %(organisation)s")
            % {
                "service": record.service_type,
                "minutes": record.duration_minutes,
                "outcome": record.get_outcome_display(),
                "organisation": record.organisation.name,
            },
            who=str(record.operator),
            url=url,
            date_only=True,
        )
        for record in records
    ]


def _referrals(participant, user, window: TimelineWindow) -> list[TimelineItem]:
    referrals = Referral.objects.visible_to(user, VIEW).filter(participant=participant)
    events = window.newest(
        ReferralEvent.objects.filter(referral__in=referrals)
        .select_related("referral__service_type", "referral__to_organisation", "actor", "organisation")
        .order_by("-at", "-pk"),
        "at",
    )
    return [
        TimelineItem(
            when=event.at,
            kind="referral",
            text=_("Referral to %(organisation)s for %(service)s: %(status)s")
            % {
                "organisation": event.referral.to_organisation.name,
                "service": event.referral.service_type,
                "status": ReferralStatus(event.to_status).label,
            },
            who=f"{event.actor} ({event.organisation.name})",
            url=event.referral.get_absolute_url(),
        )
        for event in events
    ]


def _plans(participant, user, window: TimelineWindow) -> list[TimelineItem]:
    plans = window.newest(
        IndividualPlan.objects.visible_to(user, VIEW)
        .filter(participant=participant)
        .select_related("created_by", "organisation")
        .order_by("-created_at", "-pk"),
        "created_at",
    )
    base = reverse("paths:plan", args=[participant.pk])
    return [
        TimelineItem(
            when=plan.created_at,
            kind="plan",
            text=(
                _("Individual plan started")
                if plan.version == 1
                else _("Individual plan: version %(version)s") % {"version": plan.version}
            ),
            who=f"{plan.created_by} ({plan.organisation.name})",
            url=base if plan.is_current else f"{base}?version={plan.version}",
        )
        for plan in plans
    ]


def _goals(participant, user, window: TimelineWindow) -> list[TimelineItem]:
    """Goals added and updated. A revision copies the goals, so copies are folded into the first one."""
    goals = (
        Goal.objects.visible_to(user, VIEW)
        .filter(plan__participant=participant)
        .select_related("plan", "area", "owner")
        .order_by("plan__version", "pk")
    )
    url = reverse("paths:plan", args=[participant.pk])
    first: dict[tuple, Goal] = {}
    latest: dict[tuple, Goal] = {}
    for goal in goals:
        key = (goal.area_id, goal.title)
        first.setdefault(key, goal)
        latest[key] = goal
    items = []
    for key, goal in first.items():
        items.append(
            TimelineItem(
                when=goal.created_at,
                kind="goal",
                text=_("Goal added (%(area)s): %(goal)s") % {"area": goal.area, "goal": goal.title},
                who=str(goal.owner or ""),
                url=url,
            )
        )
        last = latest[key]
        if last.updated_at - last.created_at > UPDATE_GRACE:
            items.append(
                TimelineItem(
                    when=last.updated_at,
                    kind="goal",
                    text=_("Goal updated: %(goal)s (%(status)s)")
                    % {"goal": last.title, "status": last.get_status_display()},
                    who=str(last.owner or ""),
                    url=url,
                )
            )
    return items


def _mediations(participant, user, window: TimelineWindow) -> list[TimelineItem]:
    mediations = window.newest(
        MediationRequest.objects.visible_to(user, VIEW)
        .filter(participant=participant)
        .select_related("language", "requested_by")
        .order_by("-starts_at", "-pk"),
        "starts_at",
    )
    return [
        TimelineItem(
            when=mediation.starts_at,
            kind="mediation",
            text=_("Cultural mediation in %(language)s: %(context)s (%(status)s)")
            % {
                "language": mediation.language,
                "context": mediation.service_context,
                "status": mediation.get_status_display(),
            },
            who=str(mediation.requested_by),
            url=mediation.get_absolute_url(),
        )
        for mediation in mediations
    ]


TIMELINE_SOURCES: list[Callable[[Participant, object, TimelineWindow], list[TimelineItem]]] = [
    _registration,
    _consents,
    _services,
    _referrals,
    _plans,
    _goals,
    _mediations,
    activity_timeline.enrolments,
    activity_timeline.assessments,
    skills_timeline.profile_events,
    skills_timeline.recognition_requests,
]


def timeline_items(
    participant, user, window: TimelineWindow | None = None
) -> tuple[list[TimelineItem], bool]:
    """The window's events, newest first, and whether older ones exist."""
    window = window or TimelineWindow()
    items = [item for source in TIMELINE_SOURCES for item in source(participant, user, window)]
    if window.before is not None:
        items = [item for item in items if item.when < window.before]
    items.sort(key=lambda item: item.when, reverse=True)
    return items[: window.limit], len(items) > window.limit


def _parse_before(value: str) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@login_required
@require_GET
def timeline(request, participant_id):
    participant = get_for_user(
        Participant.objects.select_related("owner", "created_by"), request.user, VIEW, pk=participant_id
    )
    window = TimelineWindow(before=_parse_before(request.GET.get("prima", "")))
    if window.before is None:
        # Reading the first page is reading the record; older pages are the same reading, continued.
        log_participant_access(participant, acting_user=request.user, request=request)
    items, has_more = timeline_items(participant, request.user, window)
    context = {
        "participant": participant,
        "items": items,
        "has_more": has_more,
        "older_url": "?" + urlencode({"prima": items[-1].when.isoformat()}) if has_more and items else "",
        "page_size": window.limit,
    }
    if request.htmx and window.before is not None:
        return render(request, "paths/_timeline_items.html", context)
    return render(request, "paths/timeline.html", context)


@login_required
@require_GET
def caseload(request):
    """What the case worker has on their plate: their people, goals due soon, referrals waiting."""
    user = request.user
    require_permission(user, "plan.change")
    membership = active_membership(user)
    org = membership.organisation
    today = timezone.localdate()

    # The user's own rows first (small, indexed by owner/assignee/operator), then the scope decides what
    # may be shown: driving the query from the whole organisation's participants would scan thousands.
    since = today - datetime.timedelta(days=RECENT_SERVICE_DAYS)
    # Three small indexed lists (the most recent of each), so the page costs the same for a busy operator.
    mine = {
        *Goal.objects.filter(
            owner=user, plan__is_current=True, status__in=[GoalStatus.OPEN, GoalStatus.IN_PROGRESS]
        )
        .order_by("due_date")
        .values_list("plan__participant_id", flat=True)[:MINE_PER_SOURCE],
        *Referral.objects.filter(assigned_to=user, status=ReferralStatus.ACCEPTED)
        .order_by("-answered_at")
        .values_list("participant_id", flat=True)[:MINE_PER_SOURCE],
        *ServiceRecord.objects.filter(operator=user, date__gte=since)
        .order_by("-date")
        .values_list("participant_id", flat=True)[:MINE_PER_SOURCE],
    }
    visible = Participant.objects.visible_to(user, VIEW)
    participants = list(
        visible.filter(pk__in=mine)
        .only("pk", "first_name", "last_name")
        .order_by("last_name", "first_name", "pk")[:CASELOAD_PARTICIPANTS]
    )
    # Goals of the organisation's plans (the goal form assigns owners among its own staff), due soon or late.
    goals = list(
        Goal.objects.visible_to(user, VIEW)
        .open()
        .filter(
            owner_organisation=org,
            plan__is_current=True,
            due_date__isnull=False,
            due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        )
        .select_related("plan__participant", "owner")
        .only(
            "title",
            "due_date",
            "plan__participant__first_name",
            "plan__participant__last_name",
            "owner__first_name",
            "owner__last_name",
            "owner__email",
        )
        .order_by("due_date", "pk")[:CASELOAD_ROWS]
    )
    for goal in goals:
        goal.days_late = (today - goal.due_date).days
    referrals = (
        Referral.objects.visible_to(user, VIEW)
        .select_related("service_type", "from_organisation", "to_organisation")
        .only(
            "sent_at",
            "status",
            "urgent",
            "summary",
            "service_type__name_it",
            "service_type__name_en",
            "from_organisation__name",
            "to_organisation__name",
        )
    )
    totals = Referral.objects.visible_to(user, VIEW).aggregate(
        awaiting=Count("pk", filter=Q(to_organisation=org, status=ReferralStatus.SENT)),
        sent_open=Count("pk", filter=Q(from_organisation=org, status__in=OPEN_REFERRAL_STATUSES)),
    )
    awaiting = list(referrals.awaiting_answer_from(org).order_by("sent_at")[:CASELOAD_ROWS])
    sent_open = list(referrals.sent_open_by(org).order_by("sent_at")[:CASELOAD_ROWS])
    return render(
        request,
        "paths/caseload.html",
        {
            "participants": participants,
            "goals": goals,
            "awaiting": awaiting,
            "sent_open": sent_open,
            "totals": totals,
            "today": today,
            "limit": CASELOAD_PARTICIPANTS,
        },
    )
