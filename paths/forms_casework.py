"""Forms for case work: individual plans, goals and steps, services delivered."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.scoping import active_membership
from paths.models import Action, Goal, GoalArea, GoalStatus, ServiceOutcome, ServiceType
from people.forms import DateInput
from people.models import WORK, Participant

GROUP_CHOICES_LIMIT = 300


def colleagues(user):
    """Users with an active membership of the acting organisation: who may own a goal."""
    membership = active_membership(user)
    if membership is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=membership.organisation_id,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


class PlanForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    next_review = forms.DateField(label=_("Next review"), required=False, widget=DateInput())


class GoalForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Area"), queryset=GoalArea.objects.filter(is_active=True))
    title = forms.CharField(label=_("Goal"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    review_date = forms.DateField(label=_("Review date"), required=False, widget=DateInput())
    steps = forms.CharField(
        label=_("First steps"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One step per line."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = colleagues(user)
        self.fields["owner"].initial = user.pk

    def goal_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("area", "title", "owner", "due_date", "review_date")}

    def step_lines(self) -> list[str]:
        return [line.strip()[:300] for line in self.cleaned_data["steps"].splitlines() if line.strip()]


class GoalEditForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "status", "owner", "due_date", "review_date"]
        widgets = {"due_date": DateInput(), "review_date": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = colleagues(user)
        self.fields["status"].choices = GoalStatus.choices

    def goal_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.Meta.fields}


class StepForm(forms.Form):
    description = forms.CharField(label=_("Step"), max_length=300)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())


class ServiceForm(forms.Form):
    """The fast entry of one service delivered."""

    service_type = forms.ModelChoiceField(
        label=_("Service"), queryset=ServiceType.objects.filter(is_active=True)
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=1440)
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("", _("The service type's action")), *Action.choices],
        required=False,
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ServiceOutcome.choices)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial",
            {"date": timezone.localdate(), "duration_minutes": 30, "outcome": ServiceOutcome.DELIVERED},
        )
        super().__init__(*args, **kwargs)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("A service cannot be recorded in the future."))
        return date

    def service_data(self) -> dict:
        data = {
            k: self.cleaned_data[k] for k in ("service_type", "date", "duration_minutes", "outcome", "note")
        }
        if self.cleaned_data["action"]:
            data["action"] = self.cleaned_data["action"]
        return data


class ParticipantIdsField(forms.MultipleChoiceField):
    """Participant ids as integers; the scope is checked by the action (403 for any id out of scope)."""

    def valid_value(self, value):
        return str(value).isdigit()

    def clean(self, value):
        return sorted({int(v) for v in super().clean(value)})


class GroupServiceForm(ServiceForm):
    """One service delivered to a group: the details once, then the people."""

    participants = ParticipantIdsField(
        label=_("Participants"), widget=forms.CheckboxSelectMultiple, error_messages={}
    )

    def __init__(self, *args, user, query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        candidates = Participant.objects.visible_to(user, WORK).search(query).order_by("-created_at", "-pk")
        self.fields["participants"].choices = [
            (p.pk, f"{p.last_name} {p.first_name} ({p.birth_date:%d/%m/%Y})")
            for p in candidates.only("pk", "first_name", "last_name", "birth_date")[:GROUP_CHOICES_LIMIT]
        ]


class ServiceFilterForm(forms.Form):
    service_type = forms.ModelChoiceField(
        label=_("Service"), queryset=ServiceType.objects.all(), required=False
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
