"""Forms for participants, consents and vulnerabilities."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import restrict_form_fields
from network.models import Organisation
from people.eligibility import check_codice_fiscale, date_errors, eligibility_errors, likely_duplicates
from people.models import (
    AGE_BANDS,
    Consent,
    ConsentScope,
    Participant,
    ParticipantStatus,
    TargetGroup,
    VulnerabilityFlag,
)
from territory.models import Country, Language, Municipality


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.province.abbreviation})"


def municipality_choices(selected_id: int | None = None, query: str = "") -> list[tuple]:
    """Options for a municipality select: Campania's by default (550), or a search over all of Italy.

    Validation always accepts any Italian municipality; only what is rendered is narrowed."""
    qs = Municipality.objects.select_related("province").order_by("name")
    if query:
        qs = qs.filter(name__icontains=query.strip())[:50]
    else:
        qs = qs.campania()
    options = [(m.pk, f"{m.name} ({m.province.abbreviation})") for m in qs]
    if selected_id and selected_id not in {pk for pk, _label in options}:
        current = Municipality.objects.select_related("province").filter(pk=selected_id).first()
        if current:
            options.insert(0, (current.pk, f"{current.name} ({current.province.abbreviation})"))
    return [("", "---------"), *options]


class ParticipantForm(forms.ModelForm):
    """Registration and editing; runs the eligibility, codice fiscale and duplicate checks."""

    municipality = MunicipalityChoiceField(
        queryset=Municipality.objects.select_related("province"),
        required=False,
        label=_("Municipality of residence"),
        help_text=_("Municipalities of Campania; search to choose one elsewhere in Italy."),
        widget=forms.Select(attrs={"data-municipality-select": "1"}),
    )
    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label=_("I have checked: this is a different person"),
    )

    class Meta:
        model = Participant
        fields = [
            "first_name",
            "last_name",
            "sex",
            "birth_date",
            "country_of_birth",
            "citizenships",
            "is_stateless",
            "codice_fiscale",
            "arrival_date",
            "permit_reason",
            "permit_expiry",
            "permit_being_renewed",
            "municipality",
            "languages",
            "phone",
            "email",
            "education_level",
            "employment_status",
            "unaccompanied_minor",
            "status",
        ]
        widgets = {
            "birth_date": DateInput(),
            "arrival_date": DateInput(),
            "permit_expiry": DateInput(),
            "citizenships": forms.SelectMultiple(attrs={"size": 6}),
            "languages": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.duplicates = []
        restrict_form_fields(self, user)
        self.fields["country_of_birth"].queryset = Country.objects.order_by("name_it")
        self.fields["citizenships"].queryset = Country.objects.order_by("name_it")
        self.fields["citizenships"].help_text = _("Hold Ctrl (Cmd on Mac) to choose more than one.")
        self.fields["languages"].queryset = Language.objects.filter(is_common=True).order_by("name_it") | (
            Language.objects.filter(pk__in=self.instance.languages.values("pk"))
            if self.instance.pk
            else Language.objects.none()
        )
        selected = self["municipality"].value()
        self.fields["municipality"].widget.choices = municipality_choices(
            int(selected) if str(selected or "").isascii() and str(selected or "").isdigit() else None
        )
        if not self.instance.pk:
            del self.fields["status"]

    def clean_codice_fiscale(self):
        return (self.cleaned_data.get("codice_fiscale") or "").strip().upper()

    def clean(self):
        data = super().clean()
        citizenships = list(data.get("citizenships") or [])
        for message in eligibility_errors(citizenships, is_stateless=bool(data.get("is_stateless"))):
            self.add_error("citizenships", message)
        code = data.get("codice_fiscale")
        if code:
            check = check_codice_fiscale(
                code,
                birth_date=data.get("birth_date"),
                sex=data.get("sex"),
                country_of_birth=data.get("country_of_birth"),
            )
            for message in check.errors:
                self.add_error("codice_fiscale", message)
        birth, arrival = data.get("birth_date"), data.get("arrival_date")
        for field, messages in date_errors(birth, arrival).items():
            for message in messages:
                self.add_error(field, message)
        if not self.errors:
            self.duplicates = list(
                likely_duplicates(
                    Participant.objects.visible_to(self.user),
                    first_name=data.get("first_name", ""),
                    last_name=data.get("last_name", ""),
                    birth_date=birth,
                    citizenships=citizenships,
                    codice_fiscale=code or "",
                    exclude_pk=self.instance.pk,
                )[:5]
            )
            if self.duplicates and not data.get("confirm_not_duplicate"):
                raise forms.ValidationError(
                    _("This person may already be registered. Check the records below before saving."),
                    code="duplicate",
                )
        return data

    def domain_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        return data


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Name, codice fiscale or e-mail"))
    age_band = forms.ChoiceField(
        required=False, label=_("Age"), choices=[("", _("Any age"))] + [(b[0], b[0]) for b in AGE_BANDS]
    )
    citizenship = forms.ModelChoiceField(
        required=False,
        label=_("Citizenship"),
        queryset=Country.objects.filter(is_eu=False).order_by("name_it"),
        empty_label=_("Any citizenship"),
    )
    target_group = forms.ChoiceField(
        required=False, label=_("Target group"), choices=[("", _("Any")), *list(TargetGroup.choices)]
    )
    municipality = MunicipalityChoiceField(
        required=False,
        label=_("Municipality"),
        queryset=Municipality.objects.campania().select_related("province").order_by("name"),
        empty_label=_("Any municipality"),
    )
    status = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[("", _("Any status")), *list(ParticipantStatus.choices)],
        initial=ParticipantStatus.ACTIVE,
    )


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = [
            "purpose",
            "granted",
            "scope",
            "organisations",
            "given_on",
            "evidence",
            "evidence_reference",
        ]
        widgets = {"given_on": DateInput(), "organisations": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.visible_to(user).active()
        self.fields["given_on"].initial = timezone.localdate()

    def clean_given_on(self):
        value = self.cleaned_data["given_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("scope") == ConsentScope.LISTED and not data.get("organisations"):
            self.add_error("organisations", _("List the organisations the consent covers."))
        if data.get("scope") != ConsentScope.LISTED:
            data["organisations"] = []
        return data


class WithdrawConsentForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class VulnerabilityForm(forms.ModelForm):
    class Meta:
        model = VulnerabilityFlag
        fields = ["kind", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"note": _("Encrypted; visible only to your organisation's case workers.")}
