"""Language assessments (entry and exit CEFR levels, one person or the whole class at once) and the
self-assessments of operator trainings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from activities import actions
from activities.forms import (
    SKILL_LABELS,
    AssessmentDetailsForm,
    AssessmentForm,
    AssessmentLevelsForm,
    SelfAssessmentForm,
    add_action_errors,
    assessment_initial,
)
from activities.models import (
    REGISTER,
    SKILLS,
    Activity,
    AssessmentMoment,
    Enrolment,
    EnrolmentKind,
    LanguageAssessment,
    SelfAssessment,
)
from activities.views import attach_visible_participants
from core.scoping import get_for_user

DETAIL_FIELDS = ("date", "evidence", "certificate_name", "assessor_name")


def _register_enrolment(request, pk) -> Enrolment:
    return get_for_user(
        Enrolment.objects.select_related("activity", "participant"), request.user, REGISTER, pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment(request, pk, moment):
    """The entry or exit assessment of one participant (recorded or corrected)."""
    enrolment = _register_enrolment(request, pk)
    if enrolment.kind != EnrolmentKind.PARTICIPANT:
        raise Http404
    activity = enrolment.activity
    existing = LanguageAssessment.objects.filter(enrolment=enrolment, moment=moment).first()
    form = AssessmentForm(request.POST or None, initial=assessment_initial(existing))
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_assessment(enrolment, acting_user=request.user, data=form.assessment_data(moment))
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            saved = (
                _("Entry assessment of %(name)s saved.")
                if moment == AssessmentMoment.ENTRY
                else _("Exit assessment of %(name)s saved.")
            )
            messages.success(request, saved % {"name": enrolment.person_name})
            return redirect(activity.get_absolute_url() + "#enrolments")
    return render(
        request,
        "activities/assessment_form.html",
        {
            "form": form,
            "enrolment": enrolment,
            "activity": activity,
            "moment": AssessmentMoment(moment),
            "existing": existing,
            "skills": SKILLS,
        },
    )


def _grid_rows(request, activity: Activity, moment: str):
    """The participants on the register, each with their current assessment for `moment`."""
    enrolments = list(
        Enrolment.objects.visible_to(request.user, REGISTER)
        .filter(activity=activity, kind=EnrolmentKind.PARTICIPANT, status__in=actions.ON_REGISTER)
        .select_related("participant")
        .only(
            "id",
            "activity_id",
            "kind",
            "participant_id",
            "status",
            "participant__first_name",
            "participant__last_name",
        )
        .order_by("participant__last_name", "participant__first_name", "pk")
    )
    existing = {
        a.enrolment_id: a
        for a in LanguageAssessment.objects.filter(enrolment__in=[e.pk for e in enrolments], moment=moment)
    }
    attach_visible_participants(request.user, enrolments)
    for enrolment in enrolments:
        enrolment.activity = activity
        enrolment.current = existing.get(enrolment.pk)
    return enrolments


@login_required
@require_http_methods(["GET", "POST"])
def assessment_grid(request, pk, moment):
    """The whole class at once: one form, saved entirely or not at all. Rows left empty or unchanged are not
    touched."""
    activity = get_for_user(Activity.objects.all(), request.user, REGISTER, pk=pk)
    enrolments = _grid_rows(request, activity, moment)
    data = request.POST if request.method == "POST" else None
    details = AssessmentDetailsForm(data, prefix="all", initial=assessment_initial(None))
    rows = []
    for enrolment in enrolments:
        initial = {}
        if enrolment.current is not None:
            initial = {f: getattr(enrolment.current, f) for f in ("overall", *SKILLS)}
        rows.append(
            (
                enrolment,
                AssessmentLevelsForm(
                    data, prefix=f"e{enrolment.pk}", initial=initial, overall_required=False
                ),
            )
        )
    if request.method == "POST":
        valid = details.is_valid()
        for _enrolment, row_form in rows:  # every row, so that each shows its own errors
            valid = row_form.is_valid() and valid
        to_save = []
        if valid:
            shared = details.details()
            for enrolment, row_form in rows:
                # Rows left empty, and rows showing the levels already recorded, are not touched: an
                # assessment keeps its own date, evidence, certificate and assessor unless its levels change.
                if not row_form.has_levels() or not row_form.has_changed():
                    continue
                payload = {"moment": moment, **row_form.levels(), **shared}
                try:
                    actions.validate_assessment(enrolment, payload)
                except ValidationError as error:
                    _split_errors(error, details, row_form)
                    valid = False
                else:
                    to_save.append((enrolment, payload))
        if valid and not to_save:
            if any(row_form.has_levels() for _enrolment, row_form in rows):
                details.add_error(None, _("No level was changed: there is nothing to save."))
            else:
                details.add_error(None, _("Enter at least one level."))
            valid = False
        if valid:
            try:
                with transaction.atomic():
                    for enrolment, payload in to_save:
                        actions.record_assessment(enrolment, acting_user=request.user, data=payload)
            except ValidationError as error:
                details.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    ngettext("%(count)s assessment saved.", "%(count)s assessments saved.", len(to_save))
                    % {"count": len(to_save)},
                )
                return redirect(activity.get_absolute_url() + "#enrolments")
    return render(
        request,
        "activities/assessment_grid.html",
        {
            "activity": activity,
            "moment": AssessmentMoment(moment),
            "details": details,
            "rows": rows,
            "skills": [(s, SKILL_LABELS[s]) for s in SKILLS],
            "has_errors": request.method == "POST",
        },
    )


def _split_errors(error: ValidationError, details, row_form) -> None:
    """Errors about the shared details go on top (once), the others on the person's row."""
    for field, messages_ in error.message_dict.items():
        if field in DETAIL_FIELDS:
            if field not in details.errors:
                details.add_error(field, messages_)
        else:
            row_form.add_error(field if field in row_form.fields else None, messages_)


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment(request, pk, moment):
    """A trainee's 1-5 rating of their competence on each topic of an operator training."""
    enrolment = _register_enrolment(request, pk)
    activity = enrolment.activity
    if not activity.is_operator_training:
        raise Http404
    topics = list(activity.topics.all())
    current = {s.topic_id: s.score for s in SelfAssessment.objects.filter(enrolment=enrolment, moment=moment)}
    form = SelfAssessmentForm(
        request.POST if request.method == "POST" else None,
        topics=topics,
        initial={f"topic_{t}": score for t, score in current.items()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = actions.record_self_assessment(enrolment, moment, form.scores(), acting_user=request.user)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                ngettext("%(count)s rating saved.", "%(count)s ratings saved.", count) % {"count": count},
            )
            return redirect(activity.get_absolute_url() + "#enrolments")
    return render(
        request,
        "activities/self_assessment.html",
        {"form": form, "enrolment": enrolment, "activity": activity, "moment": moment, "topics": topics},
    )
