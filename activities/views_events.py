"""The public events calendar and registration without an account (namespace `events`, under /eventi/).

Only activities whose audience is the general public appear. Nothing here sets a cookie: the forms are
protected by `core.portal_forms` (signed token, origin check, honeypot, rate limit) instead of the CSRF
cookie, and the outcome of an action is carried in the address (`?done=…`), not in a session message.
A registration's private page is reached only through its secret token (e-mailed or bookmarked).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from activities import actions_events
from activities.forms_events import EventFilterForm, PublicRegistrationForm
from activities.models import (
    HOLDS_PLACE,
    Activity,
    ActivityStatus,
    Audience,
    Enrolment,
    PublicRegistration,
    RegistrationStatus,
)
from core.portal_forms import portal_form
from territory.models import Municipality

PAGE_SIZE = 20


def _count_view(request, page: str, key: str = "") -> None:
    try:
        from directory.usage import count_view
    except ImportError:  # the usage counter is optional
        return
    count_view(request, page, key)


def _private(response):
    """Pages reached by a secret link: not cached by proxies, not indexed, the link not leaked onwards."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def upcoming():
    return Activity.objects.public().filter(end_date__gte=timezone.localdate())


def with_places(activities):
    """Annotate `places_used` (confirmed registrations' people + enrolments holding a place) in SQL."""
    registered = (
        PublicRegistration.objects.filter(activity=OuterRef("pk"), status=RegistrationStatus.CONFIRMED)
        .order_by()
        .values("activity")
        .annotate(total=Sum("people"))
        .values("total")
    )
    enrolled = (
        Enrolment.objects.filter(activity=OuterRef("pk"), status__in=HOLDS_PLACE)
        .order_by()
        .values("activity")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return activities.annotate(
        places_used=Coalesce(Subquery(registered, output_field=IntegerField()), Value(0))
        + Coalesce(Subquery(enrolled, output_field=IntegerField()), Value(0))
    )


def _places_left(activity) -> int | None:
    if activity.capacity is None:
        return None
    return max(activity.capacity - activity.places_used, 0)


@require_GET
def event_list(request):
    base = upcoming()
    municipalities = Municipality.objects.filter(
        pk__in=base.exclude(municipality=None).values("municipality")
    ).order_by("name")
    form = EventFilterForm(request.GET or None, municipalities=municipalities)
    activities = with_places(
        form.filter(base)
        .select_related("organiser", "municipality__province")
        .order_by("start_date", "title", "pk")
    )
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    for activity in page.object_list:
        activity.places_left = _places_left(activity)
    query = request.GET.copy()
    query.pop("page", None)
    _count_view(request, "events")
    return render(
        request,
        "activities/portal/event_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "filtered": form.is_bound},
    )


def _public_activity(pk):
    """A public activity, cancelled ones included (their page says so); any other activity is 404."""
    return get_object_or_404(
        with_places(Activity.objects.filter(audience=Audience.PUBLIC)).select_related(
            "organiser", "municipality__province"
        ),
        pk=pk,
    )


@require_GET
def event_detail(request, pk):
    activity = _public_activity(pk)
    activity.places_left = _places_left(activity)
    sessions = list(activity.sessions.filter(is_cancelled=False).order_by("date", "start_time", "pk"))
    partners = list(activity.partners.all())
    _count_view(request, "events", str(activity.pk))
    return render(
        request,
        "activities/portal/event_detail.html",
        {
            "activity": activity,
            "sessions": sessions,
            "partners": partners,
            "is_open": actions_events.is_registration_open(activity),
            "is_cancelled": activity.status == ActivityStatus.CANCELLED,
        },
    )


@require_http_methods(["GET", "POST"])
@portal_form("event-registration")
def register(request, pk):
    activity = get_object_or_404(
        with_places(Activity.objects.public()).select_related("organiser", "municipality"), pk=pk
    )
    activity.places_left = _places_left(activity)
    context = {"activity": activity, "consent_version": actions_events.CONSENT_TEXT_VERSION}
    if not actions_events.is_registration_open(activity):
        return render(
            request,
            "activities/portal/register_closed.html",
            context,
            status=400 if request.method == "POST" else 200,
        )
    form = PublicRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = actions_events.register_public(
                activity,
                full_name=form.cleaned_data["full_name"],
                contact=form.cleaned_data["contact"],
                people=form.cleaned_data["people"],
                consent=form.cleaned_data["consent"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            if error.code == "closed":
                return render(request, "activities/portal/register_closed.html", context, status=400)
            form.add_error(None, error)
        else:
            return redirect(
                reverse("events:registration", args=[registration.cancel_token]) + "?done=registered"
            )
    context["form"] = form
    return render(request, "activities/portal/register.html", context)


def _registration(token) -> PublicRegistration:
    if not token or len(token) > 64:
        raise Http404
    return get_object_or_404(
        PublicRegistration.objects.select_related("activity__organiser", "activity__municipality"),
        cancel_token=token,
        activity__audience=Audience.PUBLIC,
    )


@require_GET
def registration(request, token):
    registration = _registration(token)
    activity = registration.activity
    response = render(
        request,
        "activities/portal/registration.html",
        {
            "registration": registration,
            "activity": activity,
            "done": request.GET.get("done", ""),
            "is_email": actions_events.is_email(registration.contact),
            "can_cancel": registration.status != RegistrationStatus.CANCELLED
            and activity.end_date >= timezone.localdate(),
            "language_name": dict(settings.LANGUAGES).get(registration.language, registration.language),
        },
    )
    return _private(response)


@require_http_methods(["GET", "POST"])
@portal_form("event-cancel")
def cancel(request, token):
    """GET: the confirmation step; POST: cancel, then back to the registration page."""
    registration = _registration(token)
    target = reverse("events:registration", args=[registration.cancel_token])
    if registration.status == RegistrationStatus.CANCELLED:
        return redirect(target)
    error = None
    if request.method == "POST":
        try:
            actions_events.cancel_registration(registration)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            return redirect(target + "?done=cancelled")
    response = render(
        request,
        "activities/portal/cancel.html",
        {"registration": registration, "activity": registration.activity, "error": error},
        status=400 if error else 200,
    )
    return _private(response)
