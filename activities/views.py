"""Workspace pages of activities: the list, create and edit, the activity's page, closing, training topics.

Sessions, enrolments, the attendance register and assessments have their own modules (views_*.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities import actions
from activities.forms import ActivityFilterForm, ActivityForm, TopicForm
from activities.models import (
    HOLDS_PLACE,
    REGISTER,
    Activity,
    ActivityStatus,
    AssessmentMoment,
    Enrolment,
    EnrolmentKind,
    EnrolmentStatus,
    TrainingTopic,
)
from core.scoping import CHANGE, VIEW, active_membership, get_for_user, require_permission, user_can
from people.models import Participant

PAGE_SIZE = 25
SORTS = {"start_date": ("start_date", "title", "pk"), "-start_date": ("-start_date", "title", "pk")}

# Enrolment and participant fields a row of the activity's page needs (nothing else of the person is read).
ENROLMENT_ROW_FIELDS = (
    "id",
    "activity_id",
    "kind",
    "participant_id",
    "user_id",
    "full_name",
    "email",
    "organisation_id",
    "role_title",
    "status",
    "enrolled_at",
    "status_changed_at",
    "childcare_needed",
    "attended_hours",
    "note",
    "participant__id",
    "participant__first_name",
    "participant__last_name",
    "organisation__id",
    "organisation__name",
)


def can(user, activity: Activity, action: str) -> bool:
    """May the user do `action` (CHANGE, REGISTER) on this activity? Asks the scope, one query."""
    return Activity.objects.visible_to(user, action).filter(pk=activity.pk).exists()


def attach_visible_participants(user, enrolments) -> None:
    """`visible_participant` on each enrolment: the participant when the user may open the record; and
    `shows_childcare`: whether the user may see that the person needs childcare (as in the API: for a
    participant, only who may open the record).

    Trainers see the register's names only: they never get a link to the participant's record."""
    ids = {e.participant_id for e in enrolments if e.participant_id}
    visible = set()
    if ids and user_can(user, "participant.view"):
        visible = set(
            Participant.objects.visible_to(user, VIEW).filter(pk__in=ids).values_list("pk", flat=True)
        )
    for enrolment in enrolments:
        enrolment.visible_participant = enrolment.participant if enrolment.participant_id in visible else None
        enrolment.shows_childcare = enrolment.participant_id is None or enrolment.participant_id in visible


# ----------------------------------------------------------------------------------------------- list


@login_required
@require_GET
def activity_list(request):
    require_permission(request.user, "activity.view")
    form = ActivityFilterForm(request.GET or None)
    qs = (
        Activity.objects.visible_to(request.user, VIEW)
        .select_related("organiser", "municipality__province")
        .annotate(
            places_taken=Count("enrolments", filter=Q(enrolments__status__in=HOLDS_PLACE)),
            waiting_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
        )
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            for word in data["q"].split():
                qs = qs.filter(title__icontains=word)
        for field in ("kind", "status", "action", "audience"):
            if data[field]:
                qs = qs.filter(**{field: data[field]})
        if data["municipality"]:
            qs = qs.filter(municipality=data["municipality"])
    sort = request.GET.get("sort", "-start_date")
    if sort not in SORTS:
        sort = "-start_date"
    page = Paginator(qs.order_by(*SORTS[sort]), PAGE_SIZE).get_page(request.GET.get("page"))
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
    }
    template = "activities/_activity_table.html" if request.htmx else "activities/activity_list.html"
    return render(request, template, context)


# ------------------------------------------------------------------------------------ create and edit


@transaction.atomic
def save_activity(form: ActivityForm, *, acting_user, organiser=None) -> tuple[Activity, list[Enrolment]]:
    """Save a valid ActivityForm. A new activity belongs to `organiser`; on an existing one a change of
    places goes through `actions.set_capacity`, which promotes from the waiting list (or refuses, and
    then nothing is saved). Returns the activity and the people promoted."""
    activity = form.save(commit=False)
    if activity.pk is None:
        require_permission(acting_user, "activity.change")
        activity.organiser = organiser
        activity.created_by = acting_user
        activity.save()
        form.save_m2m()
        return activity, []
    get_for_user(Activity.objects.all(), acting_user, CHANGE, pk=activity.pk)
    new_capacity, activity.capacity = activity.capacity, form.initial.get("capacity")
    activity.save()
    form.save_m2m()
    promoted = []
    if new_capacity != activity.capacity:
        promoted = actions.set_capacity(activity, new_capacity, acting_user=acting_user)
        activity.capacity = new_capacity
    return activity, promoted


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    require_permission(request.user, "activity.change")
    organiser = active_membership(request.user).organisation
    form = ActivityForm(request.POST or None, user=request.user, organiser=organiser)
    if request.method == "POST" and form.is_valid():
        activity, _promoted = save_activity(form, acting_user=request.user, organiser=organiser)
        messages.success(request, _("Activity created. Now add its sessions."))
        return redirect(activity)
    return render(request, "activities/activity_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity = get_for_user(Activity.objects.select_related("organiser"), request.user, CHANGE, pk=pk)
    form = ActivityForm(
        request.POST or None, instance=activity, user=request.user, organiser=activity.organiser
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity, promoted = save_activity(form, acting_user=request.user)
        except ValidationError as error:
            form.add_error("capacity", error.messages)
        else:
            messages.success(request, _("Activity saved."))
            if promoted:
                messages.info(request, promoted_message(promoted))
            return redirect(activity)
    return render(request, "activities/activity_form.html", {"form": form, "activity": activity})


def promoted_message(promoted) -> str:
    names = ", ".join(e.person_name for e in promoted)
    return ngettext(
        "A place has been given to %(names)s from the waiting list.",
        "Places have been given to %(names)s from the waiting list.",
        len(promoted),
    ) % {"names": names}


# ----------------------------------------------------------------------------------------------- detail


def enrolment_rows(user, activity: Activity, total_hours):
    """The enrolments of the activity the user may see, with everything the page shows about each.

    Three queries whatever the number of people: enrolments with names, assessments, certificates."""
    enrolments = list(
        Enrolment.objects.visible_to(user, VIEW)
        .filter(activity=activity)
        .select_related("participant", "organisation")
        .only(*ENROLMENT_ROW_FIELDS)
        .prefetch_related("assessments", "certificates")
        .order_by("enrolled_at", "pk")
    )
    for enrolment in enrolments:
        enrolment.activity = activity
        by_moment = {a.moment: a for a in enrolment.assessments.all()}
        enrolment.entry = by_moment.get(AssessmentMoment.ENTRY)
        enrolment.exit = by_moment.get(AssessmentMoment.EXIT)
        enrolment.improvement = actions.cefr_improvement(enrolment.entry, enrolment.exit)
        enrolment.check = actions.check_completion(
            enrolment, total_hours, has_exit=enrolment.exit is not None
        )
        enrolment.percent = enrolment.check.percent
        enrolment.certificate_list = list(enrolment.certificates.all())
        enrolment.transitions = sorted(actions.ENROLMENT_TRANSITIONS.get(enrolment.status, ()))
    attach_visible_participants(user, enrolments)
    return enrolments


def group_enrolments(enrolments) -> list[tuple[str, str, list]]:
    """(key, title, rows) for the page's groups; the waiting list in order, with each one's position."""
    waiting = [e for e in enrolments if e.status == EnrolmentStatus.WAITING]
    for position, enrolment in enumerate(waiting, start=1):
        enrolment.position = position
    return [
        ("enrolled", _("Enrolled"), [e for e in enrolments if e.status == EnrolmentStatus.ENROLLED]),
        ("waiting", _("Waiting list"), waiting),
        ("completed", _("Completed"), [e for e in enrolments if e.status == EnrolmentStatus.COMPLETED]),
        (
            "ended",
            _("Withdrawn or dropped out"),
            [e for e in enrolments if e.status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.DROPPED_OUT)],
        ),
    ]


@login_required
@require_GET
def activity_detail(request, pk):
    user = request.user
    activity = get_for_user(
        Activity.objects.select_related(
            "organiser", "municipality__province", "language_of_instruction", "completion_rule", "created_by"
        ).prefetch_related("partners", "trainers"),
        user,
        VIEW,
        pk=pk,
    )
    can_change = can(user, activity, CHANGE)
    can_register = can(user, activity, REGISTER)
    sessions = list(
        activity.sessions.annotate(marks=Count("attendance")).order_by("date", "start_time", "pk")
    )
    total_hours = actions.activity_hours(activity)
    enrolments = enrolment_rows(user, activity, total_hours)
    context = {
        "activity": activity,
        "can_change": can_change,
        "can_register": can_register,
        "can_issue": can_change and user_can(user, "certificate.issue"),
        "sessions": sessions,
        "total_hours": total_hours,
        "groups": group_enrolments(enrolments),
        "enrolment_count": len(enrolments),
        "places_taken": sum(1 for e in enrolments if e.status in HOLDS_PLACE),
        "is_closed": activity.status in (ActivityStatus.COMPLETED, ActivityStatus.CANCELLED),
        "growth": actions.competence_growth(activity) if activity.is_operator_training else None,
        "show_levels": activity.is_language_course
        or any(e.entry or e.exit for e in enrolments if e.kind == EnrolmentKind.PARTICIPANT),
    }
    return render(request, "activities/activity_detail.html", context)


# ------------------------------------------------------------------------------------------------ close


@login_required
@require_http_methods(["GET", "POST"])
def activity_close(request, pk):
    """Confirm, then close: enrolments meeting the completion rule become completed."""
    activity = get_for_user(Activity.objects.select_related("completion_rule"), request.user, CHANGE, pk=pk)
    if activity.status in (ActivityStatus.COMPLETED, ActivityStatus.CANCELLED):
        messages.info(request, _("This activity is already closed."))
        return redirect(activity)
    if request.method == "POST":
        counts = actions.close_activity(activity, acting_user=request.user)
        messages.success(
            request,
            _("Activity closed: %(completed)s completed, %(not_met)s did not meet the completion rule.")
            % counts,
        )
        return redirect(activity)
    total_hours = actions.activity_hours(activity)
    enrolled = [
        e for e in enrolment_rows(request.user, activity, total_hours) if e.status == EnrolmentStatus.ENROLLED
    ]
    return render(
        request,
        "activities/activity_close.html",
        {
            "activity": activity,
            "met": [e for e in enrolled if e.check.met],
            "not_met": [e for e in enrolled if not e.check.met],
            "total_hours": total_hours,
        },
    )


# ------------------------------------------------------------------------------------ training topics


@transaction.atomic
def add_topic(activity: Activity, title: str, *, acting_user) -> TrainingTopic:
    get_for_user(Activity.objects.all(), acting_user, CHANGE, pk=activity.pk)
    last = activity.topics.order_by("-position").values_list("position", flat=True).first()
    return TrainingTopic.objects.create(activity=activity, title=title, position=(last or 0) + 1)


@transaction.atomic
def remove_topic(topic: TrainingTopic, *, acting_user) -> None:
    """Remove a topic nobody has rated yet (ratings are evidence of the training's effect)."""
    get_for_user(Activity.objects.all(), acting_user, CHANGE, pk=topic.activity_id)
    if topic.ratings.exists():
        raise ValidationError(_("This topic already has self-assessments: it cannot be removed."))
    topic.delete()


@login_required
@require_http_methods(["GET", "POST"])
def topic_list(request, pk):
    activity = get_for_user(Activity.objects.all(), request.user, CHANGE, pk=pk)
    if not activity.is_operator_training:
        raise Http404
    form = TopicForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        add_topic(activity, form.cleaned_data["title"], acting_user=request.user)
        messages.success(request, _("Topic added."))
        return redirect("activities:topics", activity.pk)
    topics = activity.topics.annotate(rating_count=Count("ratings"))
    return render(request, "activities/topics.html", {"activity": activity, "form": form, "topics": topics})


@login_required
@require_POST
def topic_delete(request, pk, topic_pk):
    activity = get_for_user(Activity.objects.all(), request.user, CHANGE, pk=pk)
    topic = get_object_or_404(activity.topics, pk=topic_pk)
    try:
        remove_topic(topic, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Topic removed."))
    return redirect("activities:topics", activity.pk)
