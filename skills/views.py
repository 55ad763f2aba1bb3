"""Workspace pages of a participant's skills profile: the profile, starting and closing the interview, and
the single-claim actions (remove, change the evidence, close a constraint, turn a next step into a goal or
remove it).

A profile a course assessment opened (its language level) has no interview yet: its page shows what the
courses recorded and offers to start the interview (`actions.start_profile`).

The interview screen is in views_interview.py, the ESCO search in views_search.py, the overview in
views_overview.py. Every write goes through `skills.actions`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import model_to_dict
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.scoping import get_for_user
from people.actions import log_participant_access
from people.models import WORK, Participant
from skills import actions
from skills.actions import section_states
from skills.forms import EvidenceForm
from skills.models import NextStep, ProfileConstraint, Section, SkillsProfile
from skills.views_common import (
    SECTION_ICONS,
    SECTION_MODELS,
    STATE_LABELS,
    can_work,
    constraints_for,
    export_links,
    history_for,
    interview_started,
    matching_hints,
    next_steps,
    participant_in_scope,
    require_work,
    section_claims,
    sees_constraints,
    visible_profile,
)
from skills.views_interview import add_action_errors, interview_url


@login_required
@require_GET
def profile(request, participant_pk):
    participant = participant_in_scope(request.user, participant_pk)
    log_participant_access(participant, acting_user=request.user, request=request)
    skills_profile = visible_profile(request.user, participant)
    writable = can_work(request.user, participant)
    context = {"participant": participant, "profile": skills_profile, "can_work": writable}
    if skills_profile is not None:
        started = interview_started(skills_profile)
        claims = section_claims(skills_profile)
        sections = [
            {
                "code": state.section,
                "label": Section(state.section).label,
                "icon": SECTION_ICONS[state.section],
                "state": state.state,
                "state_label": STATE_LABELS[state.state],
                "claims": claims.get(state.section, []),
                "url": interview_url(participant.pk, state.section),
            }
            for state in section_states(skills_profile)
        ]
        if not started:  # only what the courses recorded: the sections with something in them
            sections = [s for s in sections if s["claims"]]
        sees_sensitive = sees_constraints(request.user)
        context.update(
            {
                "started": started,
                "sections": sections,
                "todo": [s for s in sections if s["state"] == "todo"],
                "mother_tongues": list(skills_profile.mother_tongues.all()),
                "steps_agreed": next_steps(skills_profile),
                "constraints": constraints_for(request.user, skills_profile),
                "sees_constraints": sees_sensitive,
                "history": history_for(request.user, skills_profile),
                "exports": export_links(participant),
                "sensitive_exports": export_links(participant, sensitive=True) if sees_sensitive else [],
                "hints": matching_hints(skills_profile, request.user),
            }
        )
    return render(request, "skills/profile.html", context)


@login_required
@require_POST
def start(request, participant_pk):
    """Start the interview: a new profile, or the one a course assessment opened."""
    participant = participant_in_scope(request.user, participant_pk)
    require_work(request.user, participant)
    actions.start_profile(participant, acting_user=request.user)
    messages.success(request, _("Skills profile started: the interview can begin."))
    return redirect(interview_url(participant.pk, Section.SUMMARY))


def _writable_profile(request, participant_pk) -> tuple[Participant, SkillsProfile]:
    """404 out of scope (or no profile yet), 403 for the roles that only read."""
    participant = participant_in_scope(request.user, participant_pk)
    if visible_profile(request.user, participant) is None:
        raise Http404
    require_work(request.user, participant)
    return participant, get_for_user(SkillsProfile.objects.all(), request.user, WORK, participant=participant)


@login_required
@require_POST
def complete(request, participant_pk):
    participant, skills_profile = _writable_profile(request, participant_pk)
    try:
        actions.complete_profile(skills_profile, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Interview concluded: the profile is complete."))
    return redirect("skills:profile", participant.pk)


def _claim(request, skills_profile, section: str, claim_pk):
    model = SECTION_MODELS.get(section)
    if model is None:
        raise Http404
    return get_for_user(model.objects.all(), request.user, WORK, pk=claim_pk, profile=skills_profile)


def _back(request, participant_pk, section: str):
    if request.POST.get("da") == "profilo" or request.GET.get("da") == "profilo":
        return redirect("skills:profile", participant_pk)
    return redirect(interview_url(participant_pk, section))


@login_required
@require_http_methods(["GET", "POST"])
def claim_remove(request, participant_pk, section, claim_pk):
    participant, skills_profile = _writable_profile(request, participant_pk)
    claim = _claim(request, skills_profile, section, claim_pk)
    if request.method == "POST":
        actions.remove_claim(claim, acting_user=request.user)
        messages.success(request, _("Removed; the history keeps what it said."))
        return _back(request, participant.pk, section)
    log_participant_access(participant, acting_user=request.user, request=request)
    return render(
        request,
        "skills/claim_remove.html",
        {
            "participant": participant,
            "claim": claim,
            "section": section,
            "section_label": Section(section).label,
            "back": request.GET.get("da", ""),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_evidence(request, participant_pk, section, claim_pk):
    participant, skills_profile = _writable_profile(request, participant_pk)
    claim = _claim(request, skills_profile, section, claim_pk)
    form = EvidenceForm(
        request.POST or None, initial=model_to_dict(claim, fields=["evidence_level", "evidence_note"])
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_evidence(
                claim,
                form.cleaned_data["evidence_level"],
                form.cleaned_data["evidence_note"],
                acting_user=request.user,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("Evidence updated."))
            return _back(request, participant.pk, section)
    if request.method == "GET":
        log_participant_access(participant, acting_user=request.user, request=request)
    return render(
        request,
        "skills/claim_evidence.html",
        {
            "participant": participant,
            "claim": claim,
            "section": section,
            "section_label": Section(section).label,
            "form": form,
            "back": request.POST.get("da") or request.GET.get("da", ""),
        },
    )


@login_required
@require_POST
def constraint_close(request, participant_pk, pk):
    participant, skills_profile = _writable_profile(request, participant_pk)
    constraint = get_for_user(
        ProfileConstraint.objects.all(), request.user, WORK, pk=pk, profile=skills_profile
    )
    actions.close_constraint(constraint, acting_user=request.user)
    messages.success(request, _("Constraint marked as no longer current."))
    return _back(request, participant.pk, Section.ASPIRATIONS)


@login_required
@require_POST
def next_step_goal(request, participant_pk, pk):
    participant, skills_profile = _writable_profile(request, participant_pk)
    step = get_for_user(NextStep.objects.all(), request.user, WORK, pk=pk, profile=skills_profile)
    try:
        actions.next_step_to_goal(step, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The next step is now a goal of the individual plan."))
    return _back(request, participant.pk, Section.NEXT_STEPS)


@login_required
@require_http_methods(["GET", "POST"])
def next_step_remove(request, participant_pk, pk):
    """Remove a next step entered by mistake, after asking; a goal made from it stays in the plan."""
    participant, skills_profile = _writable_profile(request, participant_pk)
    step = get_for_user(
        NextStep.objects.select_related("area", "goal", "created_by"),
        request.user,
        WORK,
        pk=pk,
        profile=skills_profile,
    )
    if request.method == "POST":
        had_goal = step.goal_id is not None
        actions.remove_next_step(step, acting_user=request.user)
        if had_goal:
            messages.success(
                request,
                _("Next step removed. Its goal stays in the individual plan: change or close it there."),
            )
        else:
            messages.success(request, _("Next step removed; the history keeps what it said."))
        return _back(request, participant.pk, Section.NEXT_STEPS)
    log_participant_access(participant, acting_user=request.user, request=request)
    return render(
        request,
        "skills/next_step_remove.html",
        {"participant": participant, "step": step, "back": request.GET.get("da", "")},
    )
