"""Forms of the public events pages: the calendar filters and the registration without an account."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from activities.actions_events import MAX_PEOPLE, clean_contact
from territory.models import Municipality, Province

CAMPANIA = "15"
MONTHS_AHEAD = 12


def month_choices(today: datetime.date | None = None) -> list[tuple[str, str]]:
    """This month and the next eleven, as ("2025-06", "June 2025") in the active language."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    choices = []
    for _step in range(MONTHS_AHEAD):
        first = datetime.date(year, month, 1)
        choices.append((first.strftime("%Y-%m"), dateformat.format(first, "F Y")))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return choices


def month_bounds(value: str) -> tuple[datetime.date, datetime.date]:
    year, month = (int(part) for part in value.split("-"))
    first = datetime.date(year, month, 1)
    following = datetime.date(year + 1, 1, 1) if month == 12 else datetime.date(year, month + 1, 1)
    return first, following - datetime.timedelta(days=1)


class EventFilterForm(forms.Form):
    """GET filters of the calendar; a wrong value is ignored rather than an error page."""

    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.filter(region_code=CAMPANIA),
        required=False,
        empty_label=_("All provinces"),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("All municipalities"),
    )
    month = forms.ChoiceField(label=_("Month"), required=False)

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipalities is not None:
            self.fields["municipality"].queryset = municipalities
        self.fields["month"].choices = [("", _("Any month")), *month_choices()]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def filter(self, activities):
        if not self.is_bound:
            return activities
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("province"):
            activities = activities.filter(municipality__province=data["province"])
        if data.get("municipality"):
            activities = activities.filter(municipality=data["municipality"])
        if data.get("month"):
            first, last = month_bounds(data["month"])
            activities = activities.filter(start_date__lte=last, end_date__gte=first)
        return activities


def portal_language_choices():
    return [(code, name) for code, name in settings.LANGUAGES]


class PublicRegistrationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Name and surname"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "class": "form-control"}),
    )
    contact = forms.CharField(
        label=_("E-mail or phone"),
        max_length=200,
        help_text=_("We use it only to write to you about this event."),
        widget=forms.TextInput(attrs={"autocomplete": "email", "class": "form-control"}),
    )
    language = forms.ChoiceField(
        label=_("Language for our messages"),
        choices=portal_language_choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    people = forms.TypedChoiceField(
        label=_("How many people?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, MAX_PEOPLE + 1)],
        initial=1,
        help_text=_("Count yourself too: you and two children are 3 people."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and I agree that my name and contact are used for this event."
        ),
        required=True,
        error_messages={"required": _("Please accept the privacy notice to register.")},
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("language", get_language())
        super().__init__(*args, **kwargs)

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise ValidationError(_("Enter your name."))
        return name

    def clean_contact(self):
        return clean_contact(self.cleaned_data["contact"])
