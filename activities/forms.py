"""Forms of the activities workspace: activities, sessions, enrolments, attendance, assessments."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User
from activities.models import (
    DEFAULT_ACTION,
    SKILLS,
    Activity,
    ActivityKind,
    ActivityStatus,
    AssessmentEvidence,
    Audience,
    CEFRLevel,
    CompletionRule,
    EnrolmentKind,
    LanguageCertificate,
    Session,
    TrainingTopic,
)
from core.roles import Role
from network.models import Organisation
from paths.models import Action
from people.forms import DateInput, MunicipalityChoiceField, municipality_choices
from territory.models import Language, Municipality

# Who may be assigned to teach an activity: these roles in the organiser organisation.
TRAINER_ROLES = (Role.TRAINER, Role.OPERATOR)
MAX_SERIES_SESSIONS = 200
DEFAULT_COMPLETION_RULE = "presenza-70"
# The dates an activity may have: any real course falls well inside, and date arithmetic (series of
# sessions, assessment margins) never reaches the calendar's ends.
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_SESSION_HOURS = Decimal("24")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def eligible_trainers(organisation, keep: Activity | None = None):
    """Users who may teach an activity of `organisation`: its active trainers and operators (and, when
    editing, whoever is assigned to `keep` already, even if their membership changed since)."""
    eligible = Membership.objects.filter(
        organisation=organisation, is_active=True, role__in=TRAINER_ROLES
    ).values("user_id")
    condition = Q(is_active=True, pk__in=eligible)
    if keep is not None and keep.pk:
        condition |= Q(pk__in=keep.trainers.values("pk"))
    return User.objects.filter(condition).order_by("last_name", "first_name", "email")


def add_action_errors(form, error: ValidationError) -> None:
    """Show an action's ValidationError on the form: next to the field it names, or at the top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def hours_between(start: datetime.time | None, end: datetime.time | None) -> Decimal | None:
    if start is None or end is None:
        return None
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return (Decimal(minutes) / 60).quantize(Decimal("0.01")) if minutes > 0 else None


def _clean_times_and_hours(form, data: dict) -> None:
    """Shared by the session forms: end after start; hours from the times when left empty."""
    start, end = data.get("start_time"), data.get("end_time")
    if start and end and end <= start:
        form.add_error("end_time", _("The end time must be after the start time."))
        return
    if data.get("hours") is None and "hours" not in form.errors:
        computed = hours_between(start, end)
        if computed is None:
            form.add_error("hours", _("Enter the hours, or the start and end times."))
        elif computed < Decimal("0.25"):
            form.add_error("hours", _("A session lasts at least a quarter of an hour."))
        else:
            data["hours"] = computed


# ----------------------------------------------------------------------------------------- activities


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=_("Title"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any")), *ActivityKind.choices])
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ActivityStatus.choices]
    )
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("Any")), *Action.choices])
    audience = forms.ChoiceField(
        label=_("Audience"), required=False, choices=[("", _("Any")), *Audience.choices]
    )
    municipality = MunicipalityChoiceField(
        required=False,
        label=_("Municipality"),
        queryset=Municipality.objects.campania().select_related("province").order_by("name"),
        empty_label=_("Any municipality"),
    )


class ActivityForm(forms.ModelForm):
    """Create or edit an activity. A change of places goes through `actions.set_capacity` (see views)."""

    municipality = MunicipalityChoiceField(
        queryset=Municipality.objects.select_related("province"),
        required=False,
        label=_("Municipality"),
        help_text=_("Municipalities of Campania; search to choose one elsewhere in Italy."),
    )

    class Meta:
        model = Activity
        fields = [
            "title",
            "description",
            "kind",
            "action",
            "audience",
            "status",
            "partners",
            "municipality",
            "venue",
            "online",
            "start_date",
            "end_date",
            "planned_hours",
            "capacity",
            "language_of_instruction",
            "target_level",
            "childcare_offered",
            "completion_rule",
            "trainers",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "partners": forms.SelectMultiple(attrs={"size": 6}),
            "trainers": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, organiser: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        self.fields["action"].required = False
        self.fields["action"].choices = [("", _("The kind's usual action")), *Action.choices]
        self.fields["action"].help_text = _(
            "Left empty: 02 for courses and workshops, 01 for operator training, 03 for events and associations."
        )
        self.fields["partners"].queryset = (
            Organisation.objects.visible_to(user)
            .filter(is_active=True)
            .exclude(pk=organiser.pk)
            .order_by("name")
        )
        self.fields["partners"].help_text = _("Hold Ctrl (Cmd on Mac) to choose more than one.")
        languages = Language.objects.filter(is_common=True)
        if instance.language_of_instruction_id:
            languages = languages | Language.objects.filter(pk=instance.language_of_instruction_id)
        self.fields["language_of_instruction"].queryset = languages.order_by("name_it")
        self.fields["trainers"].queryset = eligible_trainers(organiser, keep=instance)
        self.fields["trainers"].help_text = _("Trainers and operators of %(organisation)s.") % {
            "organisation": organiser.name
        }
        self.fields["completion_rule"].queryset = CompletionRule.objects.all()
        statuses = [
            c for c in ActivityStatus.choices if c[0] != ActivityStatus.COMPLETED or instance.status == c[0]
        ]
        self.fields["status"].choices = statuses
        self.fields["status"].help_text = _("To end an activity use “Close activity” on its page.")
        selected = str(self["municipality"].value() or "")
        self.fields["municipality"].widget.choices = municipality_choices(
            int(selected) if selected.isascii() and selected.isdigit() and len(selected) <= 9 else None
        )
        if not instance.pk:
            self.fields["completion_rule"].initial = (
                CompletionRule.objects.filter(code=DEFAULT_COMPLETION_RULE)
                .values_list("pk", flat=True)
                .first()
            )
            self.fields["language_of_instruction"].initial = (
                Language.objects.filter(code="ita").values_list("pk", flat=True).first()
            )

    def clean(self):
        data = super().clean()
        for name in ("start_date", "end_date"):
            day = data.get(name)
            if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(
                    name,
                    _("Enter a date between the years %(first)s and %(last)s.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR},
                )
                data.pop(name, None)
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        if not data.get("action") and data.get("kind"):
            data["action"] = DEFAULT_ACTION[ActivityKind(data["kind"])]
        return data


class TopicForm(forms.ModelForm):
    class Meta:
        model = TrainingTopic
        fields = ["title"]

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if TrainingTopic.objects.filter(activity=self.activity, title__iexact=title).exists():
            raise forms.ValidationError(_("This training already has this topic."))
        return title


# ------------------------------------------------------------------------------------------- sessions


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["date", "start_time", "end_time", "hours", "topic", "venue"]
        widgets = {"date": DateInput(), "start_time": TimeInput(), "end_time": TimeInput()}

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.fields["hours"].required = False
        self.fields["hours"].help_text = _("Left empty: computed from the start and end times.")
        self.fields["venue"].help_text = _("Only if different from the activity's venue.")

    def clean_date(self):
        date = self.cleaned_data["date"]
        if not self.activity.start_date <= date <= self.activity.end_date:
            raise forms.ValidationError(
                _("The date must fall between %(start)s and %(end)s (the activity's dates).")
                % {
                    "start": f"{self.activity.start_date:%d/%m/%Y}",
                    "end": f"{self.activity.end_date:%d/%m/%Y}",
                }
            )
        return date

    def clean(self):
        data = super().clean()
        _clean_times_and_hours(self, data)
        return data


class SessionSeriesForm(forms.Form):
    """A weekly series: the same time on the chosen weekdays, from a first date, so many sessions."""

    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=list(WEEKDAYS.items()),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    first_date = forms.DateField(label=_("From"), widget=DateInput())
    count = forms.IntegerField(label=_("Number of sessions"), min_value=1, max_value=MAX_SERIES_SESSIONS)
    start_time = forms.TimeField(label=_("Start time"), required=False, widget=TimeInput())
    end_time = forms.TimeField(label=_("End time"), required=False, widget=TimeInput())
    hours = forms.DecimalField(
        label=_("Hours per session"),
        required=False,
        min_value=Decimal("0.25"),
        max_value=MAX_SESSION_HOURS,
        max_digits=5,
        decimal_places=2,
        help_text=_("Left empty: computed from the start and end times."),
    )
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    venue = forms.CharField(label=_("Venue"), max_length=250, required=False)

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.fields["first_date"].initial = max(activity.start_date, timezone.localdate())

    def clean(self):
        data = super().clean()
        _clean_times_and_hours(self, data)
        first, count, weekdays = data.get("first_date"), data.get("count"), data.get("weekdays")
        if first and count and weekdays:
            if first < self.activity.start_date:
                self.add_error(
                    "first_date",
                    _("The activity starts on %(date)s.") % {"date": f"{self.activity.start_date:%d/%m/%Y}"},
                )
            if first > self.activity.end_date:  # checked before counting days that may not exist
                self.add_error(
                    "first_date",
                    _("The activity ends on %(date)s.") % {"date": f"{self.activity.end_date:%d/%m/%Y}"},
                )
                return data
            try:
                dates = series_dates(first, set(weekdays), count)
            except OverflowError:  # past the year 9999: only for an activity ending near the calendar's end
                self.add_error(
                    "count",
                    _("The activity ends on %(date)s.") % {"date": f"{self.activity.end_date:%d/%m/%Y}"},
                )
                return data
            if dates[-1] > self.activity.end_date:
                self.add_error(
                    "count",
                    _("The last session would fall on %(last)s, after the activity ends (%(end)s).")
                    % {"last": f"{dates[-1]:%d/%m/%Y}", "end": f"{self.activity.end_date:%d/%m/%Y}"},
                )
            data["dates"] = dates
        return data


def series_dates(first: datetime.date, weekdays: set[int], count: int) -> list[datetime.date]:
    """The first `count` days from `first` (included) that fall on one of `weekdays` (0 = Monday)."""
    dates, day = [], first
    while len(dates) < count:
        if day.weekday() in weekdays:
            dates.append(day)
        day += datetime.timedelta(days=1)
    return dates


# ----------------------------------------------------------------------------------------- enrolments


class EnrolParticipantForm(forms.Form):
    participant = forms.IntegerField(widget=forms.HiddenInput)
    childcare_needed = forms.BooleanField(label=_("Needs childcare"), required=False)


class EnrolPersonForm(forms.Form):
    """An operator (who may have no account) or an association's representative."""

    kind = forms.ChoiceField(
        label=_("Enrolled as"),
        choices=[
            (EnrolmentKind.OPERATOR, EnrolmentKind.OPERATOR.label),
            (EnrolmentKind.ASSOCIATION, EnrolmentKind.ASSOCIATION.label),
        ],
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    role_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    link_account = forms.BooleanField(
        label=_("Link the platform account with this e-mail, if there is one"), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, activity: Activity, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "kind": EnrolmentKind.ASSOCIATION
                if activity.audience == Audience.ASSOCIATIONS
                else EnrolmentKind.OPERATOR
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            Organisation.objects.visible_to(user).filter(is_active=True).order_by("name")
        )
        self.account = None

    def clean(self):
        data = super().clean()
        if data.get("link_account"):
            email = (data.get("email") or "").strip()
            organisation = data.get("organisation")
            if not email:
                self.add_error("email", _("Enter the e-mail of the account to link."))
            elif organisation is None:
                if "organisation" not in self.errors:
                    self.add_error("organisation", _("Choose the organisation of the account to link."))
            else:
                # Only accounts acting for the chosen organisation: whether the e-mail has an account
                # elsewhere is not for this form to tell.
                self.account = (
                    User.objects.filter(
                        email__iexact=email,
                        is_active=True,
                        memberships__is_active=True,
                        memberships__organisation=organisation,
                    )
                    .distinct()
                    .first()
                )
                if self.account is None:
                    self.add_error("email", _("No account of this organisation has this e-mail."))
        return data

    def enrol_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "full_name": data["full_name"],
            "email": data["email"],
            "organisation": data["organisation"],
            "role_title": data["role_title"],
            "note": data["note"],
            "user": self.account,
        }


# ---------------------------------------------------------------------------------------- assessments


def _level_field(label, required=False):
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "—"), *CEFRLevel.choices],
        coerce=int,
        empty_value=None,
        required=required,
    )


SKILL_LABELS = {
    "listening": _("Listening"),
    "reading": _("Reading"),
    "spoken_interaction": _("Spoken interaction"),
    "spoken_production": _("Spoken production"),
    "writing": _("Writing"),
}


class AssessmentDetailsForm(forms.Form):
    """What an assessment was based on: date, evidence, certificate, assessor."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    evidence = forms.ChoiceField(label=_("Evidence"), choices=AssessmentEvidence.choices)
    certificate_name = forms.ChoiceField(
        label=_("Certificate"),
        choices=[("", "—"), *LanguageCertificate.choices],
        required=False,
        help_text=_("Required when the evidence is a certificate."),
    )
    assessor_name = forms.CharField(
        label=_("Assessor"),
        max_length=200,
        required=False,
        help_text=_("Left empty: you are recorded as the assessor."),
    )

    def details(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("date", "evidence", "certificate_name", "assessor_name")}


class AssessmentLevelsForm(forms.Form):
    """The levels of one assessment: overall and, optionally, the five skills."""

    overall = _level_field(_("Overall level"))

    def __init__(self, *args, overall_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["overall"].required = overall_required
        for skill in SKILLS:
            self.fields[skill] = _level_field(SKILL_LABELS[skill])

    def levels(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("overall", *SKILLS)}

    def has_levels(self) -> bool:
        return any(v is not None for v in self.levels().values())

    def clean(self):
        data = super().clean()
        if data.get("overall") is None and any(data.get(s) is not None for s in SKILLS):
            self.add_error("overall", _("The overall level is required."))
        return data


class AssessmentForm(AssessmentLevelsForm, AssessmentDetailsForm):
    """One enrolment's entry or exit assessment."""

    field_order = ["overall", *SKILLS, "date", "evidence", "certificate_name", "assessor_name"]

    def assessment_data(self, moment: str) -> dict:
        return {"moment": moment, **self.levels(), **self.details()}


def assessment_initial(assessment) -> dict:
    if assessment is None:
        return {"date": timezone.localdate(), "evidence": AssessmentEvidence.TEACHER}
    fields = ("overall", *SKILLS, "date", "evidence", "certificate_name", "assessor_name")
    return {f: getattr(assessment, f) for f in fields}


# ----------------------------------------------------------------------------------- self-assessments

SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class SelfAssessmentForm(forms.Form):
    """One 1-5 rating per topic of an operator training. Topics left unanswered are not saved."""

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = list(topics)
        for topic in self.topics:
            self.fields[f"topic_{topic.pk}"] = forms.TypedChoiceField(
                label=topic.title,
                choices=SCORE_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
            )

    def clean(self):
        data = super().clean()
        if not any(data.get(f"topic_{t.pk}") for t in self.topics):
            raise forms.ValidationError(_("Rate at least one topic."))
        return data

    def scores(self) -> dict[int, int]:
        return {
            t.pk: self.cleaned_data[f"topic_{t.pk}"]
            for t in self.topics
            if self.cleaned_data.get(f"topic_{t.pk}") is not None
        }
