"""Workspace pages for individual plans: the plan and its versions, goals and steps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.scoping import VIEW, get_for_user, user_can
from paths import actions
from paths.forms_casework import GoalEditForm, GoalForm, PlanForm, StepForm
from paths.models import Goal, GoalStep, IndividualPlan
from people.actions import log_participant_access, participant_for
from people.models import WORK, Participant


def _can_work(user, participant) -> bool:
    return (
        user_can(user, "plan.change")
        and Participant.objects.visible_to(user, WORK).filter(pk=participant.pk).exists()
    )


@login_required
@require_GET
def plan(request, participant_id):
    participant = participant_for(request.user, participant_id, VIEW)
    log_participant_access(participant, acting_user=request.user, request=request)
    versions = list(
        IndividualPlan.objects.visible_to(request.user, VIEW)
        .filter(participant=participant)
        .select_related("created_by", "organisation")
    )
    current = next((p for p in versions if p.is_current), None)
    shown = current
    requested = request.GET.get("version", "")
    if requested:
        shown = next((p for p in versions if str(p.version) == requested), None)
        if shown is None:
            raise Http404
    goals = []
    if shown is not None:
        goals = list(
            shown.goals.select_related("area", "owner", "owner_organisation")
            .prefetch_related(Prefetch("steps", queryset=GoalStep.objects.order_by("due_date", "pk")))
            .order_by("area__position", "area__code", "due_date", "pk")
        )
    can_work = _can_work(request.user, participant)
    return render(
        request,
        "paths/plan.html",
        {
            "participant": participant,
            "plan": shown,
            "current": current,
            "versions": versions,
            "goals": goals,
            "read_only": shown is None or not shown.is_current or not can_work,
            "can_work": can_work,
            "plan_form": PlanForm(initial={"summary": current.summary, "next_review": current.next_review})
            if current
            else PlanForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_revise(request, participant_id):
    """Start the first plan, or a new version of the current one (the earlier one is kept, read-only)."""
    participant = get_for_user(Participant.objects.all(), request.user, WORK, pk=participant_id)
    current = actions.current_plan(participant)
    initial = {"summary": current.summary, "next_review": current.next_review} if current else {}
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = actions.start_plan(participant, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if new.version == 1:
                messages.success(request, _("The individual plan has been started."))
            else:
                messages.success(
                    request, _("Version %(version)s of the plan saved.") % {"version": new.version}
                )
            return redirect("paths:plan", participant.pk)
    return render(
        request, "paths/plan_form.html", {"form": form, "participant": participant, "current": current}
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_create(request, participant_id):
    participant = get_for_user(Participant.objects.all(), request.user, WORK, pk=participant_id)
    current = actions.current_plan(participant)
    if current is None:
        messages.info(request, _("Start the individual plan before adding goals."))
        return redirect("paths:plan", participant.pk)
    form = GoalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_goal(
                current, acting_user=request.user, data=form.goal_data(), steps=form.step_lines()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Goal added."))
            return redirect("paths:plan", participant.pk)
    return render(
        request, "paths/goal_form.html", {"form": form, "participant": participant, "plan": current}
    )


def _goal_for(user, pk, action=WORK) -> Goal:
    return get_for_user(Goal.objects.select_related("plan__participant", "area"), user, action, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request, pk):
    goal = _goal_for(request.user, pk)
    participant = goal.plan.participant
    form = GoalEditForm(request.POST or None, instance=goal, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.goal_data()
        goal.refresh_from_db()  # the form wrote the new values on the instance: compare with the stored ones
        try:
            actions.update_goal(goal, acting_user=request.user, data=data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Goal updated."))
            return redirect("paths:plan", participant.pk)
    return render(
        request,
        "paths/goal_edit.html",
        {"form": form, "goal": goal, "participant": participant, "plan": goal.plan},
    )


@login_required
@require_http_methods(["GET", "POST"])
def step_create(request, pk):
    goal = _goal_for(request.user, pk)
    participant = goal.plan.participant
    form = StepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_step(goal, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Step added."))
            return redirect("paths:plan", participant.pk)
    return render(
        request, "paths/goal_step_form.html", {"form": form, "goal": goal, "participant": participant}
    )


@login_required
@require_POST
def step_toggle(request, pk):
    """Mark a step done or not done: htmx swaps the step's row; without JavaScript, back to the plan."""
    goal_scope = Goal.objects.visible_to(request.user, VIEW)
    step = GoalStep.objects.select_related("goal__plan").filter(pk=pk, goal__in=goal_scope).first()
    if step is None:
        raise Http404
    try:
        step = actions.toggle_step(step, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect("paths:plan", step.goal.plan.participant_id)
    if request.htmx:
        return render(request, "paths/_casework_step.html", {"step": step, "read_only": False})
    return redirect("paths:plan", step.goal.plan.participant_id)
