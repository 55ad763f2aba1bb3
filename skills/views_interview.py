"""The interview screen: one section at a time, in Italian and in the participant's language side by side,
with a pictogram per section; sections can be skipped or answered with "nothing to declare".

Every write goes through `skills.actions`; their ValidationErrors come back on the form, field by field."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import ModelMultipleChoiceField, MultipleChoiceField, model_to_dict
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language_info, gettext_lazy, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.scoping import get_for_user
from people.actions import log_participant_access
from people.models import WORK
from skills import actions
from skills.actions import section_states
from skills.forms import (
    AspirationsForm,
    ConstraintForm,
    DigitalSkillForm,
    DrivingLicenceForm,
    InterviewLanguageForm,
    LanguageSkillForm,
    MotherTonguesForm,
    NextStepForm,
    QualificationForm,
    SoftSkillForm,
    SummaryForm,
    WorkExperienceForm,
    interview_language_choices,
    parse_id,
    parse_ids,
)
from skills.models import (
    NOTHING_TO_DECLARE_SECTIONS,
    DigitalSkill,
    Occupation,
    Section,
    Skill,
    SkillsProfile,
)
from skills.reference import DigCompArea
from skills.views_common import (
    SECTION_ICONS,
    SECTION_MODELS,
    SECTION_QUESTIONS,
    STATE_LABELS,
    can_work,
    constraints_for,
    interview_started,
    next_steps,
    participant_in_scope,
    require_work,
    section_claims,
    sees_constraints,
    visible_profile,
)

# The words of the screen the person reads too, in both languages.
SCREEN_WORDS = {
    "save": gettext_lazy("Save"),
    "skip": gettext_lazy("Skip for now"),
    "nothing": gettext_lazy("Nothing to declare"),
    "previous": gettext_lazy("Previous"),
    "next": gettext_lazy("Next"),
}
SEARCH_MIN_CHARS = 2
SEARCH_LIMIT = 15
SECTIONS = list(Section)
SIMPLE_CLAIM_FORMS = {
    Section.EDUCATION: QualificationForm,
    Section.WORK: WorkExperienceForm,
    Section.LANGUAGES: LanguageSkillForm,
    Section.SOFT_SKILLS: SoftSkillForm,
    Section.LICENCES: DrivingLicenceForm,
}


# ------------------------------------------------------------------------------------------- languages


@dataclass
class Bilingual:
    """A text in Italian and in the participant's language (with its direction, for Arabic)."""

    it: str
    other: str
    lang: str
    rtl: bool

    @property
    def same(self) -> bool:
        return self.it == self.other


def bilingual(text, code: str) -> Bilingual:
    with override("it"):
        italian = str(text)
    with override(code):
        other = str(text)
    return Bilingual(italian, other, code, bool(get_language_info(code)["bidi"]))


def attach_bilingual_labels(form, code: str) -> None:
    """`bi_label` on every field of the form, drawn by skills/_field.html."""
    for field in form.fields.values():
        field.bi_label = bilingual(field.label or "", code)


def _registry_language(participant) -> str:
    """A language of the interface the person speaks, from the registry (ISO 639-3), if any."""
    import pycountry

    interface = {}
    for code, _name in interview_language_choices():
        found = pycountry.languages.get(alpha_2=code)
        if found is not None:
            interface[found.alpha_3] = code
    for language in participant.languages.all():
        if language.code in interface:
            return interface[language.code]
    return ""


def interview_language(request, profile: SkillsProfile, participant) -> str:
    codes = dict(interview_language_choices())
    for code in (request.GET.get("lingua", ""), profile.interview_language):
        if code in codes:
            return code
    return _registry_language(participant) or next(iter(codes), settings.LANGUAGE_CODE)


# ---------------------------------------------------------------------------------------------- helpers


def add_action_errors(form, error: ValidationError) -> None:
    """An action's ValidationError on the form: on the field it names, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def interview_url(participant_pk, section: str, **params) -> str:
    query = urlencode({"sezione": section, **{k: v for k, v in params.items() if v not in (None, "")}})
    return f"{reverse('skills:interview', args=[participant_pk])}?{query}"


def _neighbours(section: str) -> tuple[str | None, str | None]:
    index = Section.values.index(section)
    previous = Section.values[index - 1] if index > 0 else None
    following = Section.values[index + 1] if index + 1 < len(Section.values) else None
    return previous, following


def _initial_from_query(form_class, query) -> dict:
    """What a no-JavaScript search (a GET of the whole form) sent, to fill the form in again."""
    initial = {}
    for name, field in form_class.base_fields.items():
        if name in query:
            multiple = isinstance(field, ModelMultipleChoiceField | MultipleChoiceField)
            initial[name] = query.getlist(name) if multiple else query.get(name)
    return initial


def pks_from(values) -> list[int]:
    """The ids a picker was sent (a value or a list; model instances too), those that cannot be ids left
    out."""
    return parse_ids(values)


def occupation_options(chosen_pks, query: str) -> dict:
    chosen = list(Occupation.objects.filter(pk__in=chosen_pks[:1]))
    results = []
    if len(query.strip()) >= SEARCH_MIN_CHARS:
        results = [
            o for o in Occupation.objects.search(query, limit=SEARCH_LIMIT + 1) if o.pk not in chosen_pks
        ]
    return {
        "chosen": chosen,
        "results": results[:SEARCH_LIMIT],
        "query": query,
        "min_chars": SEARCH_MIN_CHARS,
    }


def skill_options(chosen_pks, query: str) -> dict:
    chosen = list(Skill.objects.filter(pk__in=chosen_pks[:50]))
    results = []
    if len(query.strip()) >= SEARCH_MIN_CHARS:
        results = [
            s for s in Skill.objects.search(query, limit=SEARCH_LIMIT + len(chosen)) if s.pk not in chosen_pks
        ]
    return {
        "chosen": chosen,
        "results": results[:SEARCH_LIMIT],
        "query": query,
        "min_chars": SEARCH_MIN_CHARS,
    }


# --------------------------------------------------------------------------------------------- the forms


class SectionForms:
    """The forms of one section of the interview, unbound or bound to a POST that failed."""

    def __init__(self, request, profile: SkillsProfile, section: str, claims: dict):
        self.request, self.profile, self.section, self.claims = request, profile, section, claims
        self.edited = None  # the claim being corrected, if any
        self.forms: dict[str, object] = {}

    def claim_kwargs(self) -> dict:
        """Choices that depend on the profile: a language, skill or licence category is claimed once."""
        existing = self.claims.get(self.section, [])
        edited_pk = self.edited.pk if self.edited else None
        search = self.request.GET.get("altra_lingua", "")
        if self.section == Section.LANGUAGES:
            return {
                "exclude_pks": [c.language_id for c in existing if c.pk != edited_pk],
                "extra_pks": [c.language_id for c in existing]
                + list(self.profile.participant.languages.values_list("pk", flat=True)),
                "search": search,
            }
        if self.section == Section.SOFT_SKILLS:
            return {"exclude": [c.skill for c in existing if c.pk != edited_pk]}
        if self.section == Section.LICENCES:
            return {"exclude": [c.category for c in existing if c.pk != edited_pk]}
        return {}

    def build(self, bound: dict | None = None) -> dict:
        """Every form of the section; `bound` replaces some of them (a POST that failed)."""
        bound = bound or {}
        profile, section, query = self.profile, self.section, self.request.GET
        forms = {}
        if section == Section.SUMMARY:
            forms["summary"] = SummaryForm(initial={"summary": profile.summary})
        elif section == Section.ASPIRATIONS:
            forms["aspirations"] = AspirationsForm(initial={"aspirations": profile.aspirations})
            if sees_constraints(self.request.user):
                forms["constraint"] = ConstraintForm()
        elif section == Section.NEXT_STEPS:
            forms["next_step"] = NextStepForm()
        elif section == Section.DIGITAL:
            by_area = {c.area: c for c in self.claims.get(section, [])}
            for area in DigCompArea.values:
                claim = by_area.get(area)
                initial = model_to_dict(claim, fields=DigitalSkillForm._meta.fields) if claim else {}
                form = DigitalSkillForm(area=area, initial=initial)
                form.claim = claim
                forms[f"digital-{area}"] = form
        if section == Section.LANGUAGES:
            forms["mother_tongues"] = MotherTonguesForm(
                initial={"mother_tongues": list(profile.mother_tongues.all())},
                extra_pks=list(profile.mother_tongues.values_list("pk", flat=True))
                + list(profile.participant.languages.values_list("pk", flat=True)),
                search=query.get("altra_lingua", ""),
            )
        if section in SIMPLE_CLAIM_FORMS:
            form_class = SIMPLE_CLAIM_FORMS[section]
            claim_pk = query.get("modifica") or query.get("claim")
            if claim_pk and "claim" not in bound:
                self.edited = self.claim_for(claim_pk)
            initial = model_to_dict(self.edited, fields=form_class._meta.fields) if self.edited else {}
            forms["claim"] = form_class(initial=initial, **self.claim_kwargs())
        forms.update(bound)
        self.forms = forms
        return forms

    def claim_for(self, pk):
        """The claim of this section and profile: 404 for anything else, ids that cannot be ids included."""
        model = SECTION_MODELS[self.section]
        pk = parse_id(pk)
        if pk is None:
            raise Http404
        return get_for_user(model.objects.all(), self.request.user, WORK, pk=pk, profile=self.profile)


def _save_post(request, profile: SkillsProfile, section: str, section_forms: SectionForms) -> dict | None:
    """Handle the form the POST names. None when saved; otherwise the bound form(s) to show again."""
    which = request.POST.get("form", "")
    user = request.user
    if which == "summary" and section == Section.SUMMARY:
        form = SummaryForm(request.POST)
        if form.is_valid():
            actions.update_profile(profile, acting_user=user, data={"summary": form.cleaned_data["summary"]})
            return None
        return {"summary": form}
    if which == "aspirations" and section == Section.ASPIRATIONS:
        form = AspirationsForm(request.POST)
        if form.is_valid():
            data = {"aspirations": form.cleaned_data["aspirations"]}
            actions.update_profile(profile, acting_user=user, data=data)
            return None
        return {"aspirations": form}
    if which == "mother_tongues" and section == Section.LANGUAGES:
        form = MotherTonguesForm(
            request.POST, extra_pks=list(profile.mother_tongues.values_list("pk", flat=True))
        )
        if form.is_valid():
            data = {"mother_tongues": list(form.cleaned_data["mother_tongues"])}
            actions.update_profile(profile, acting_user=user, data=data)
            return None
        return {"mother_tongues": form}
    if which == "constraint" and section == Section.ASPIRATIONS and sees_constraints(user):
        form = ConstraintForm(request.POST)
        if form.is_valid():
            try:
                actions.add_constraint(profile, acting_user=user, **form.cleaned_data)
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                return None
        return {"constraint": form}
    if which == "next_step" and section == Section.NEXT_STEPS:
        form = NextStepForm(request.POST)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in ("text", "area", "due_date")}
            try:
                actions.add_next_step(
                    profile, acting_user=user, data=data, make_goal=form.cleaned_data["make_goal"]
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                return None
        return {"next_step": form}
    if which.startswith("digital-") and section == Section.DIGITAL:
        area = which.removeprefix("digital-")
        if area not in DigCompArea.values:
            raise Http404
        form = DigitalSkillForm(request.POST, area=area)
        claim = DigitalSkill.objects.filter(profile=profile, area=area).first()
        form.claim = claim
        if form.is_valid():
            data = form.claim_data() | {"area": area}
            try:
                actions.save_claim(profile, DigitalSkill, acting_user=user, data=data, claim=claim)
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                return None
        return {which: form}
    if which == "claim" and section in SIMPLE_CLAIM_FORMS:
        form_class = SIMPLE_CLAIM_FORMS[section]
        claim_pk = request.POST.get("claim", "")
        section_forms.edited = section_forms.claim_for(claim_pk) if claim_pk else None
        form = form_class(request.POST, **section_forms.claim_kwargs())
        if form.is_valid():
            extra = {"skills": list(form.cleaned_data["skills"])} if section == Section.WORK else {}
            try:
                actions.save_claim(
                    profile,
                    SECTION_MODELS[section],
                    acting_user=user,
                    data=form.claim_data(),
                    claim=section_forms.edited,
                    **extra,
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                return None
        return {"claim": form}
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def interview(request, participant_pk):
    participant = participant_in_scope(request.user, participant_pk)
    profile = visible_profile(request.user, participant)
    if profile is None:
        return redirect("skills:profile", participant.pk)
    section = request.GET.get("sezione") or request.POST.get("sezione") or Section.SUMMARY
    if section not in Section.values:
        raise Http404
    writable = can_work(request.user, participant)
    if writable and not interview_started(profile):
        # A profile a course assessment opened: the profile page starts the interview (it counts from then).
        messages.info(request, _("Start the interview first."))
        return redirect("skills:profile", participant.pk)
    previous, following = _neighbours(section)
    claims = section_claims(profile, sections={section})
    section_forms = SectionForms(request, profile, section, claims)
    bound = None
    pickers = request.GET
    if request.method == "POST" and section == Section.WORK and request.POST.get("cerca"):
        # The pickers' search without JavaScript: the form comes back as typed, with what was found.
        require_work(request.user, participant)
        claim_pk = request.POST.get("claim", "")
        section_forms.edited = section_forms.claim_for(claim_pk) if claim_pk else None
        initial = _initial_from_query(WorkExperienceForm, request.POST)
        bound, pickers = {"claim": WorkExperienceForm(initial=initial)}, request.POST
    elif request.method == "POST":
        require_work(request.user, participant)
        bound = _save_post(request, profile, section, section_forms)
        if bound is None:
            messages.success(request, _("Saved."))
            if section == Section.SUMMARY and following:
                return redirect(interview_url(participant.pk, following))
            return redirect(interview_url(participant.pk, section))
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    else:
        log_participant_access(participant, acting_user=request.user, request=request)
    forms = section_forms.build(bound) if writable else {}
    code = interview_language(request, profile, participant)
    for form in forms.values():
        attach_bilingual_labels(form, code)
    states = {state.section: state.state for state in section_states(profile)}
    steps = [
        {
            "code": s.value,
            "title": bilingual(s.label, code),
            "icon": SECTION_ICONS[s],
            "state": states[s.value],
            "state_label": STATE_LABELS[states[s.value]],
            "url": interview_url(participant.pk, s.value),
            "current": s.value == section,
            "number": index,
        }
        for index, s in enumerate(SECTIONS, start=1)
    ]
    context = {
        "participant": participant,
        "profile": profile,
        "section": section,
        "section_title": bilingual(Section(section).label, code),
        "question": bilingual(SECTION_QUESTIONS[section], code),
        "icon": SECTION_ICONS[section],
        "state": states[section],
        "steps": steps,
        "step_number": Section.values.index(section) + 1,
        "step_count": len(SECTIONS),
        "claims": claims.get(section, []),
        "forms": forms,
        "edited": section_forms.edited,
        "can_work": writable,
        "started": interview_started(profile),
        "may_declare_nothing": section in NOTHING_TO_DECLARE_SECTIONS,
        "previous_url": interview_url(participant.pk, previous) if previous else "",
        "next_url": interview_url(participant.pk, following) if following else "",
        "lang": code,
        "lang_rtl": bool(get_language_info(code)["bidi"]),
        "language_form": InterviewLanguageForm(initial={"interview_language": code}),
        "words": {name: bilingual(text, code) for name, text in SCREEN_WORDS.items()},
    }
    if section == Section.LANGUAGES:
        context["mother_tongues"] = list(profile.mother_tongues.all())
        context["language_search"] = request.GET.get("altra_lingua", "")
    if section == Section.ASPIRATIONS:
        context["constraints"] = constraints_for(request.user, profile)
        context["sees_constraints"] = sees_constraints(request.user)
    if section == Section.NEXT_STEPS:
        context["steps_agreed"] = next_steps(profile)
    if section == Section.WORK and "claim" in forms:
        form = forms["claim"]
        context["occupation_picker"] = occupation_options(
            pks_from(form["occupation"].value()), pickers.get("occupation_q", "")
        )
        context["skills_picker"] = skill_options(
            pks_from(form["skills"].value()), pickers.get("skills_q", "")
        )
    if section == Section.DIGITAL:
        context["digital_forms"] = [
            forms[f"digital-{area}"] for area in DigCompArea.values if f"digital-{area}" in forms
        ]
        for form in context["digital_forms"]:
            form.bi_area = bilingual(form.area_label, code)
    return render(request, "skills/interview.html", context)


@login_required
@require_POST
def set_interview_language(request, participant_pk):
    participant = participant_in_scope(request.user, participant_pk)
    require_work(request.user, participant)
    profile = get_for_user(SkillsProfile.objects.all(), request.user, WORK, participant=participant)
    section = request.POST.get("sezione", Section.SUMMARY)
    if section not in Section.values:
        section = Section.SUMMARY
    form = InterviewLanguageForm(request.POST)
    if form.is_valid():
        actions.update_profile(
            profile,
            acting_user=request.user,
            data={"interview_language": form.cleaned_data["interview_language"]},
        )
    else:
        messages.error(request, _("Choose one of the languages of the list."))
    return redirect(interview_url(participant.pk, section))


@login_required
@require_POST
def nothing_to_declare(request, participant_pk):
    participant = participant_in_scope(request.user, participant_pk)
    require_work(request.user, participant)
    profile = get_for_user(SkillsProfile.objects.all(), request.user, WORK, participant=participant)
    section = request.POST.get("sezione", "")
    if section not in NOTHING_TO_DECLARE_SECTIONS:
        raise Http404
    value = request.POST.get("value", "1") == "1"
    try:
        actions.set_nothing_to_declare(profile, section, value, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(interview_url(participant.pk, section))
    if value:
        messages.success(request, _("Marked as “nothing to declare”."))
        _previous, following = _neighbours(section)
        return redirect(interview_url(participant.pk, following or section))
    messages.success(request, _("“Nothing to declare” removed."))
    return redirect(interview_url(participant.pk, section))
