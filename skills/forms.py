"""Forms of the skills interview: one per section (or per kind of claim), and the overview's period.

The forms only check what each field can check alone. The rules of a claim (evidence needs a note, recognition
needs its dates, years in order, ...) live in `skills.actions`; the views put the actions' ValidationErrors
back on these forms, field by field, so nothing is checked twice in two different ways."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from paths.models import GoalArea
from people.forms import DateInput
from skills.models import (
    DigitalSkill,
    DrivingLicence,
    EvidenceLevel,
    LanguageSkill,
    Occupation,
    Qualification,
    Skill,
    SoftSkill,
    WorkExperience,
)
from skills.reference import DIGCOMP_COMPETENCES, ConstraintKind, DigCompArea, QualificationDocument
from territory.models import Country, Language

EVIDENCE_FIELDS = ["evidence_level", "evidence_note"]
# Languages found by the "another language" search of the languages section.
LANGUAGE_SEARCH_LIMIT = 30
# The longest record id a form or a query string may carry (as activities.forms): longer ones, and digits that
# are not ASCII ("²", "٣"), never reach the database, where SQLite refuses integers past 64 bits.
MAX_ID_DIGITS = 9


def parse_id(value) -> int | None:
    """A record id sent by the browser, or None when it cannot be one."""
    value = str(getattr(value, "pk", value))
    if value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS:
        return int(value)
    return None


def parse_ids(values, limit: int | None = None) -> list[int]:
    """The ids among `values` (a value or a list), in order, the others left out."""
    if values in (None, ""):
        return []
    if not isinstance(values, list | tuple):
        values = [values]
    ids = [pk for pk in (parse_id(value) for value in values) if pk is not None]
    return ids[:limit] if limit is not None else ids


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A model choice whose value must look like an id before it is looked up: "not a valid choice" instead
    of a server error for "²" or a number past the database's integers."""

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, models.Model) and parse_id(value) is None:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return super().to_python(value)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        try:
            values = list(value)
        except TypeError:
            values = []
        for pk in values:
            if not isinstance(pk, models.Model) and parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


def bounded_formfield(db_field, **kwargs):
    """`formfield_callback` of the skills model forms: relations get the bounded choice fields."""
    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", BoundedModelChoiceField)
    return db_field.formfield(**kwargs)


def interview_language_choices() -> list[tuple[str, str]]:
    """The interface languages other than Italian: the participant's side of the interview screen."""
    return [(code, name) for code, name in settings.LANGUAGES if code != "it"]


def language_queryset(*, extra_pks=(), search: str = ""):
    """Common languages first, plus the ones already chosen and those found by name (a person may speak any
    of the ~7,000 ISO 639-3 languages: the select offers the usual ones and a search finds the others)."""
    condition = Q(is_common=True) | Q(pk__in=[pk for pk in extra_pks if pk])
    search = (search or "").strip()
    if len(search) >= 2:
        found = (
            Language.objects.filter(
                Q(name_it__icontains=search) | Q(name_en__icontains=search) | Q(code=search)
            )
            .order_by("name_it")
            .values_list("pk", flat=True)[:LANGUAGE_SEARCH_LIMIT]
        )
        condition |= Q(pk__in=list(found))
    return Language.objects.filter(condition).order_by("-is_common", "name_it")


def _chosen_pks(form, name: str) -> list[int]:
    """The language pks a bound form was sent (so a language found by the search stays valid on POST)."""
    if not form.is_bound:
        return []
    values = form.data.getlist(form.add_prefix(name)) if hasattr(form.data, "getlist") else []
    return parse_ids(list(values), limit=50)


def _countries():
    return Country.objects.order_by("name_it")


class ClaimForm(forms.ModelForm):
    """A claim of the profile. Never saved by the form: the view passes `claim_data()` to
    `actions.save_claim`, which validates the claim as a whole."""

    class Meta:
        formfield_callback = bounded_formfield  # each form's Meta inherits this one

    def _post_clean(self):
        # The model's own checks run in the action (with clearer messages for the constraints); running them
        # here too would show a second, generic message for the same mistake.
        pass

    def claim_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name != "skills"}


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Personal summary"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("In the person's words: who they are, what they like doing, what they are proud of."),
    )


class AspirationsForm(forms.Form):
    aspirations = forms.CharField(
        label=_("Wishes for work and study"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class InterviewLanguageForm(forms.Form):
    interview_language = forms.ChoiceField(
        label=_("Participant's language"), choices=interview_language_choices
    )


class MotherTonguesForm(forms.Form):
    mother_tongues = BoundedModelMultipleChoiceField(
        label=_("Mother tongues"),
        queryset=Language.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (Cmd on Mac) to choose more than one."),
    )

    def __init__(self, *args, extra_pks=(), search="", **kwargs):
        super().__init__(*args, **kwargs)
        extra = [*extra_pks, *_chosen_pks(self, "mother_tongues")]
        self.fields["mother_tongues"].queryset = language_queryset(extra_pks=extra, search=search)


class QualificationForm(ClaimForm):
    documents_held = forms.MultipleChoiceField(
        label=_("Documents held"),
        choices=QualificationDocument.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta(ClaimForm.Meta):
        model = Qualification
        fields = [
            "title",
            "institution",
            "country",
            "year",
            "completed",
            "eqf_level",
            "field_of_study",
            "documents_held",
            "recognition_status",
            "recognition_applied_on",
            "recognition_body",
            "recognised_on",
            *EVIDENCE_FIELDS,
        ]
        widgets = {"recognition_applied_on": DateInput(), "recognised_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = _countries()


class WorkExperienceForm(ClaimForm):
    """The occupation and the skills are chosen with the ESCO pickers (search-as-you-type radio buttons and
    check boxes named `occupation` and `skills`); the template draws them."""

    occupation = BoundedModelChoiceField(
        label=_("Occupation (ESCO)"), queryset=Occupation.objects.all(), required=False
    )
    skills = BoundedModelMultipleChoiceField(
        label=_("Skills used (ESCO)"), queryset=Skill.objects.all(), required=False
    )

    class Meta(ClaimForm.Meta):
        model = WorkExperience
        fields = [
            "occupation",
            "job_title",
            "employer",
            "country",
            "years",
            "start_year",
            "end_year",
            "is_informal",
            "tasks",
            "skills",
            *EVIDENCE_FIELDS,
        ]
        widgets = {"tasks": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = _countries()


class LanguageSkillForm(ClaimForm):
    class Meta(ClaimForm.Meta):
        model = LanguageSkill
        fields = [
            "language",
            "overall",
            "listening",
            "reading",
            "spoken_interaction",
            "spoken_production",
            "writing",
            *EVIDENCE_FIELDS,
        ]

    def __init__(self, *args, extra_pks=(), search="", exclude_pks=(), **kwargs):
        super().__init__(*args, **kwargs)
        extra = [*extra_pks, *_chosen_pks(self, "language")]
        self.fields["language"].queryset = language_queryset(extra_pks=extra, search=search).exclude(
            pk__in=list(exclude_pks)
        )


class DigitalSkillForm(ClaimForm):
    """One DigComp area: the level and the competences of that area the person showed."""

    competences = forms.MultipleChoiceField(
        label=_("Competences shown"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta(ClaimForm.Meta):
        model = DigitalSkill
        fields = ["area", "level", "competences", *EVIDENCE_FIELDS]
        widgets = {"area": forms.HiddenInput()}

    def __init__(self, *args, area: str, **kwargs):
        kwargs.setdefault("prefix", f"area{area}")
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("area", area)
        super().__init__(*args, **kwargs)
        self.area = area
        self.area_label = DigCompArea(area).label
        self.fields["competences"].choices = [
            (code, f"{code} {label}")
            for code, (code_area, label) in DIGCOMP_COMPETENCES.items()
            if code_area == area
        ]
        self.fields["area"].choices = [(area, self.area_label)]


class SoftSkillForm(ClaimForm):
    class Meta(ClaimForm.Meta):
        model = SoftSkill
        fields = ["skill", "example", *EVIDENCE_FIELDS]

    def __init__(self, *args, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["skill"]
        field.choices = [(value, label) for value, label in field.choices if value not in exclude]


class DrivingLicenceForm(ClaimForm):
    class Meta(ClaimForm.Meta):
        model = DrivingLicence
        fields = ["category", "country", "status", "expires_on", *EVIDENCE_FIELDS]
        widgets = {"expires_on": DateInput()}

    def __init__(self, *args, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = _countries()
        field = self.fields["category"]
        field.choices = [(value, label) for value, label in field.choices if value not in exclude]


CLAIM_FORMS = {
    Qualification: QualificationForm,
    WorkExperience: WorkExperienceForm,
    LanguageSkill: LanguageSkillForm,
    DigitalSkill: DigitalSkillForm,
    SoftSkill: SoftSkillForm,
    DrivingLicence: DrivingLicenceForm,
}


class EvidenceForm(forms.Form):
    evidence_level = forms.TypedChoiceField(label=_("Evidence"), choices=EvidenceLevel.choices, coerce=int)
    evidence_note = forms.CharField(
        label=_("Evidence detail"),
        max_length=300,
        required=False,
        help_text=_("Which test, certificate or decision: needed from “tested or certified” up."),
    )


class ConstraintForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ConstraintKind.choices)
    note = forms.CharField(
        label=_("Confidential note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Seen only by the operators of the case; kept encrypted."),
    )


class NextStepForm(forms.Form):
    text = forms.CharField(label=_("Next step"), max_length=200)
    area = BoundedModelChoiceField(label=_("Area"), queryset=GoalArea.objects.filter(is_active=True))
    due_date = forms.DateField(label=_("To be done by"), required=False, widget=DateInput())
    make_goal = forms.BooleanField(
        label=_("Create a goal in the individual plan"), required=False, initial=True
    )


class OverviewFilterForm(forms.Form):
    """The period of the figures: interviews concluded (P2.1) and recognition applied for (R.2.10) in it."""

    start = forms.DateField(label=_("Period from"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Period to"), required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date comes before the start date."))
        return cleaned
