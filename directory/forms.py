"""Forms of the directory's editorial desk: services and their parts, information pages, translations,
content languages, proposals and filters. Forms only validate; the views hand the values to actions."""

from __future__ import annotations

import re

from django import forms
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from directory.models import (
    WEEKDAYS,
    Article,
    ContentLanguage,
    CostOption,
    DirectoryOrganization,
    EditorialState,
    Location,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceLanguage,
    ServiceStatus,
    TaxonomyTerm,
    TranslationMethod,
)
from people.forms import DateInput, MunicipalityChoiceField, municipality_choices
from territory.models import CAMPANIA_REGION_CODE, Language, Municipality, Province

WEEKDAY_LABELS = {
    "MO": _("Monday"),
    "TU": _("Tuesday"),
    "WE": _("Wednesday"),
    "TH": _("Thursday"),
    "FR": _("Friday"),
    "SA": _("Saturday"),
    "SU": _("Sunday"),
}
# BCP 47 language tag, lower case: a language subtag and optional script/region subtags (zh-hans, pt-br).
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")
MINOR_EDIT_HELP = _(
    "Tick it only for a typo or punctuation: the translations stay marked as up to date. For any change "
    "of meaning leave it unticked, so translators see which texts to update."
)


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def _selected_id(form, name) -> int | None:
    value = str(form[name].value() or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else None


def _municipality_field(required=False, label=None):
    return MunicipalityChoiceField(
        queryset=Municipality.objects.select_related("province"),
        required=required,
        label=label or _("Municipality"),
        help_text=_("Municipalities of Campania are listed; any Italian municipality is accepted."),
    )


class NeedChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", TaxonomyTerm.objects.filter(is_need=True).order_by("position", "name"))
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Needs"))
        super().__init__(**kwargs)


def add_action_errors(form, error: ValidationError) -> None:
    """Show an action's ValidationError on the form: next to the field it names, or at the top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


# --- filters -----------------------------------------------------------------------------------------------


class ServiceFilterForm(forms.Form):
    STALE_CHOICES = [
        ("", _("Any")),
        ("due", _("To verify")),
        ("hidden", _("Hidden as not verified")),
    ]

    q = forms.CharField(label=_("Name or organisation"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *EditorialState.choices]
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=DirectoryOrganization.objects.order_by("name").only("id", "name"),
        empty_label=_("Any organisation"),
    )
    need = forms.ModelChoiceField(
        label=_("Need"),
        required=False,
        queryset=TaxonomyTerm.objects.filter(is_need=True).order_by("position", "name"),
        empty_label=_("Any need"),
    )
    municipality = MunicipalityChoiceField(
        required=False,
        label=_("Municipality"),
        queryset=Municipality.objects.select_related("province"),
        empty_label=_("Any municipality"),
    )
    stale = forms.ChoiceField(label=_("Verification"), required=False, choices=STALE_CHOICES)
    outdated = forms.BooleanField(label=_("With outdated translations"), required=False)
    proposals = forms.BooleanField(label=_("With proposals to review"), required=False)
    mine = forms.BooleanField(label=_("Only my organisation's services"), required=False)

    def __init__(self, *args, show_mine=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_mine:
            del self.fields["mine"]
        self.fields["municipality"].widget.choices = municipality_choices(_selected_id(self, "municipality"))


class ArticleFilterForm(forms.Form):
    q = forms.CharField(label=_("Title"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *EditorialState.choices]
    )
    stale = forms.ChoiceField(
        label=_("Verification"), required=False, choices=ServiceFilterForm.STALE_CHOICES
    )
    outdated = forms.BooleanField(label=_("With outdated translations"), required=False)


# --- services ----------------------------------------------------------------------------------------------


class ServiceForm(forms.ModelForm):
    """The Italian texts and simple facts of a service. Editors save, partners propose (see the views)."""

    needs = NeedChoiceField()
    minor_edit = forms.BooleanField(
        label=_("Minor edit (typo: translations stay up to date)"), required=False, help_text=MINOR_EDIT_HELP
    )
    note = forms.CharField(
        label=_("Note for the history"),
        required=False,
        max_length=500,
        help_text=_("Why the change, for whoever reads the history (optional)."),
    )

    class Meta:
        model = Service
        fields = [
            "organization",
            "name",
            "description",
            "eligibility_description",
            "application_process",
            "fees_description",
            "wait_time",
            "interpretation_services",
            "alert",
            "url",
            "email",
            "status",
            "minimum_age",
            "maximum_age",
            "is_free",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "eligibility_description": forms.Textarea(attrs={"rows": 3}),
            "application_process": forms.Textarea(attrs={"rows": 3}),
            "fees_description": forms.Textarea(attrs={"rows": 2}),
            "interpretation_services": forms.Textarea(attrs={"rows": 2}),
            "alert": forms.Textarea(attrs={"rows": 2}),
            "url": forms.URLInput(),
        }

    # Fields whose value a partner's proposal can carry (a proposal holds the service's own values only).
    PROPOSABLE = (
        "name",
        "description",
        "eligibility_description",
        "application_process",
        "fees_description",
        "wait_time",
        "interpretation_services",
        "alert",
        "url",
        "email",
        "status",
        "minimum_age",
        "maximum_age",
        "is_free",
    )

    def __init__(self, *args, organizations, proposing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposing = proposing
        field = self.fields["organization"]
        field.queryset = organizations
        field.empty_label = None if organizations.count() == 1 else field.empty_label
        self.fields["status"].choices = ServiceStatus.choices
        self.fields["url"].help_text = _("The service's own web page, starting with https://")
        if self.instance.pk:
            self.fields["needs"].initial = [term.pk for term in self.instance.terms.all() if term.is_need]
        if proposing and self.instance.pk:
            # The organisation and the needs are set by the editors; a proposal carries the texts and facts.
            for name in ("organization", "needs"):
                self.fields[name].disabled = True
            self.fields["needs"].help_text = _("Ask the editors in the note if the needs should change.")
            self.fields["note"].label = _("Note for the editors")
            self.fields["note"].help_text = _("What changed and why: the editors read it before approving.")

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        if url and not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
            raise ValidationError(_("Enter a full web address starting with https://"))
        return url

    def clean(self):
        data = super().clean()
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and high < low:
            self.add_error("maximum_age", _("The maximum age cannot be lower than the minimum age."))
        return data

    def changes(self, fields=None) -> dict:
        fields = fields or [name for name in self.Meta.fields if not self.fields[name].disabled]
        return {name: self.cleaned_data[name] for name in fields}


# --- parts of a service ------------------------------------------------------------------------------------


class PartForm(forms.ModelForm):
    """A small form for one part of a service; `values()` is what `actions.save_part` receives."""

    minor_edit = forms.BooleanField(
        label=_("Minor edit (typo: translations stay up to date)"), required=False, help_text=MINOR_EDIT_HELP
    )

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ScheduleForm(PartForm):
    days = forms.MultipleChoiceField(
        label=_("Days"),
        required=False,
        choices=[(code, WEEKDAY_LABELS[code]) for code in WEEKDAYS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Schedule
        fields = ["opens_at", "closes_at", "valid_from", "valid_to", "by_appointment_only", "notes"]
        widgets = {
            "opens_at": TimeInput(),
            "closes_at": TimeInput(),
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["days"].initial = self.instance.days()
        self.fields["notes"].help_text = _("E.g. “closed in August”, “ask for the Arabic-speaking mediator”.")

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        if bool(opens) != bool(closes) and "opens_at" not in self.errors and "closes_at" not in self.errors:
            self.add_error(
                "closes_at" if opens else "opens_at", _("Enter both the opening and closing times.")
            )
        if not data.get("by_appointment_only"):
            if not data.get("days"):
                self.add_error("days", _("Choose the days, or tick “by appointment only”."))
            if not opens and not closes and "opens_at" not in self.errors:
                self.add_error("opens_at", _("Enter the opening hours, or tick “by appointment only”."))
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end of validity cannot be before its start."))
        return data

    def values(self) -> dict:
        values = super().values()
        days = [code for code in WEEKDAYS if code in self.cleaned_data.get("days", [])]
        values["byday"] = ",".join(days)
        values["freq"] = "WEEKLY" if days else ""
        return values


class RequiredDocumentForm(PartForm):
    class Meta:
        model = RequiredDocument
        fields = ["document", "uri"]
        labels = {"uri": _("Link to the form or the official page (optional)")}


class ServiceLanguageForm(PartForm):
    minor_edit = None

    class Meta:
        model = ServiceLanguage
        fields = ["code", "name", "note"]
        labels = {"code": _("Language code"), "name": _("Language name")}
        help_texts = {
            "code": _("ISO 639 code, e.g. ar, fr, uk, zh, bn, ur, wo (Wolof), ti (Tigrinya)."),
            "name": _("Left empty, it is filled in from the code."),
        }

    def clean_code(self):
        code = self.cleaned_data["code"].strip().lower().replace("_", "-")
        if not LANGUAGE_TAG.match(code):
            raise ValidationError(_("Enter a language code such as ar, fr or zh-hans."))
        known = (
            code in LANG_INFO
            or code.split("-")[0] in LANG_INFO
            or ContentLanguage.objects.filter(code=code).exists()
            or Language.objects.filter(code=code).exists()
        )
        if not known:
            raise ValidationError(_("Unknown language code: use an ISO 639 code such as ar, fr or zh-hans."))
        return code

    def clean(self):
        data = super().clean()
        code = data.get("code")
        if code and not data.get("name"):
            info = LANG_INFO.get(code) or LANG_INFO.get(code.split("-")[0])
            content = ContentLanguage.objects.filter(code=code).first()
            language = Language.objects.filter(code=code).first()
            data["name"] = (
                content.name_it
                if content
                else info["name"]
                if info
                else language.name_it
                if language
                else code
            )
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("code", "name", "note")}


PHONE_NUMBER = re.compile(r"^\+?[0-9][0-9 ./-]{4,30}$")


class PhoneForm(PartForm):
    class Meta:
        model = Phone
        fields = ["number", "extension", "type", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        labels = {"type": _("Type (e.g. voice, fax, text, WhatsApp)")}

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if not PHONE_NUMBER.match(number):
            raise ValidationError(
                _("Enter a phone number with digits only (spaces and a leading + allowed).")
            )
        return number


class CostOptionForm(PartForm):
    class Meta:
        model = CostOption
        fields = ["option", "amount", "currency", "amount_description", "valid_from", "valid_to"]
        widgets = {"valid_from": DateInput(), "valid_to": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["currency"].initial = "EUR"

    def clean(self):
        data = super().clean()
        if data.get("amount") is not None and data["amount"] < 0:
            self.add_error("amount", _("An amount cannot be negative."))
        if not data.get("option") and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("option", _("Describe the cost or enter an amount."))
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end of validity cannot be before its start."))
        data["currency"] = (data.get("currency") or "").upper()
        return data


class PlaceForm(forms.Form):
    """A place of a service: an existing location of the organisation, or a new one with its address."""

    location = forms.ModelChoiceField(
        label=_("An existing place of the organisation"),
        required=False,
        queryset=Location.objects.none(),
        empty_label=_("— a new place —"),
    )
    name = forms.CharField(label=_("Name of the place"), required=False, max_length=250)
    address_1 = forms.CharField(label=_("Address"), required=False, max_length=250)
    postal_code = forms.CharField(label=_("Postcode"), required=False, max_length=5)
    municipality = _municipality_field()
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    transportation = forms.CharField(
        label=_("How to get there"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    accessibility = forms.CharField(
        label=_("Accessibility"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. step-free entrance, lift, accessible toilet, hearing loop."),
    )
    minor_edit = forms.BooleanField(
        label=_("Minor edit (typo: translations stay up to date)"), required=False, help_text=MINOR_EDIT_HELP
    )

    def __init__(self, *args, organization, editing=None, **kwargs):
        self.editing = editing
        if editing is not None and "initial" not in kwargs:
            address = editing.addresses.first()
            note = editing.accessibility.first()
            kwargs["initial"] = {
                "name": editing.name,
                "address_1": address.address_1 if address else "",
                "postal_code": address.postal_code if address else "",
                "municipality": editing.municipality_id,
                "latitude": editing.latitude,
                "longitude": editing.longitude,
                "transportation": editing.transportation,
                "accessibility": note.description if note else "",
            }
        super().__init__(*args, **kwargs)
        if editing is not None:
            del self.fields["location"]
        else:
            self.fields["location"].queryset = Location.objects.filter(organization=organization).order_by(
                "name"
            )
        self.fields["municipality"].widget.choices = municipality_choices(_selected_id(self, "municipality"))
        self.fields["latitude"].help_text = _("Optional, e.g. 40.8518: lets visitors search by distance.")

    def clean_postal_code(self):
        code = self.cleaned_data["postal_code"].strip()
        if code and not re.match(r"^\d{5}$", code):
            raise ValidationError(_("An Italian postcode has five digits."))
        return code

    def clean(self):
        data = super().clean()
        if data.get("location"):
            return data
        if not data.get("address_1") and "address_1" not in self.errors:
            self.add_error("address_1", _("Enter the address, or choose an existing place."))
        if not data.get("municipality") and "municipality" not in self.errors:
            self.add_error("municipality", _("Choose the municipality, or an existing place."))
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not (
            {"latitude", "longitude"} & set(self.errors)
        ):
            self.add_error("longitude", _("Enter both latitude and longitude, or neither."))
        return data

    def location_values(self) -> dict:
        data = self.cleaned_data
        municipality = data["municipality"]
        return {
            "name": data["name"] or f"{data['address_1']}, {municipality.name}",
            "municipality": municipality,
            "latitude": data["latitude"],
            "longitude": data["longitude"],
            "transportation": data["transportation"],
        }

    def address_values(self) -> dict:
        data = self.cleaned_data
        municipality = data["municipality"]
        return {
            "address_1": data["address_1"],
            "city": municipality.name,
            "state_province": municipality.province.abbreviation,
            "postal_code": data["postal_code"],
            "country": "IT",
            "address_type": "physical",
        }


# --- information pages -------------------------------------------------------------------------------------


class ArticleForm(forms.ModelForm):
    needs = NeedChoiceField()
    services = forms.ModelMultipleChoiceField(
        label=_("Related services"),
        required=False,
        queryset=Service.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Published services only. Hold Ctrl (⌘ on a Mac) to choose more than one."),
    )
    province = forms.ModelChoiceField(
        label=_("Province"),
        required=False,
        queryset=Province.objects.none(),
        empty_label=_("All of Campania"),
    )
    municipality = _municipality_field()
    minor_edit = forms.BooleanField(
        label=_("Minor edit (typo: translations stay up to date)"), required=False, help_text=MINOR_EDIT_HELP
    )
    note = forms.CharField(label=_("Note for the history"), required=False, max_length=500)

    class Meta:
        model = Article
        fields = ["title", "slug", "summary", "body", "province", "municipality"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14}), "summary": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "slug": _("The page's address on the portal; left empty, it is made from the title."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["province"].queryset = Province.objects.filter(region_code=CAMPANIA_REGION_CODE).order_by(
            "name"
        )
        published = Service.objects.published().only("id", "name")
        if self.instance.pk:
            linked = self.instance.services.values("pk")
            published = Service.objects.filter(pk__in=published.values("pk")) | Service.objects.filter(
                pk__in=linked
            )
            self.fields["needs"].initial = list(self.instance.needs.values_list("pk", flat=True))
            self.fields["services"].initial = list(linked.values_list("pk", flat=True))
        self.fields["services"].queryset = published.order_by("name")
        self.fields["municipality"].widget.choices = municipality_choices(_selected_id(self, "municipality"))

    def clean_slug(self):
        slug = slugify(self.cleaned_data.get("slug") or "")[:120]
        if not slug:
            return ""  # made from the title in clean(), unique
        clash = Article.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another information page already has this address."))
        return slug

    def clean(self):
        data = super().clean()
        if not data.get("slug") and data.get("title") and "slug" not in self.errors:
            base = slugify(data["title"])[:110] or "scheda"
            slug, n = base, 1
            while Article.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
                n += 1
                slug = f"{base}-{n}"
            data["slug"] = slug
        municipality, province = data.get("municipality"), data.get("province")
        if municipality and province and municipality.province_id != province.pk:
            self.add_error("municipality", _("This municipality is not in the chosen province."))
        return data

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def m2m(self) -> dict:
        return {"needs": list(self.cleaned_data["needs"]), "services": list(self.cleaned_data["services"])}


# --- translations ------------------------------------------------------------------------------------------


class TranslationFieldForm(forms.Form):
    """The translation of one field into one language (prefixed with the field's name)."""

    text = forms.CharField(label=_("Translation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    method = forms.ChoiceField(label=_("Method"), choices=TranslationMethod.choices)
    translator_name = forms.CharField(
        label=_("Translator"),
        required=False,
        max_length=120,
        help_text=_("Person or machine-translation engine."),
    )
    verified = forms.BooleanField(
        label=_("Verified by a person"),
        required=False,
        help_text=_("Tick when a person has checked the translation against the Italian text."),
    )

    def clean_text(self):
        return normalise_newlines(self.cleaned_data["text"])

    def has_changed(self) -> bool:
        """Changed by the editor? Line endings do not count: re-saving an unchanged outdated translation
        would mark it up to date without anyone reading it."""
        initial = {name: self.initial.get(name, field.initial) for name, field in self.fields.items()}
        for name, field in self.fields.items():
            value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            if name == "text":
                if normalise_newlines(value or "") != normalise_newlines(initial["text"] or ""):
                    return True
            elif field.has_changed(initial[name], value):
                return True
        return False

    def clean(self):
        data = super().clean()
        if data.get("verified") and data.get("method") == TranslationMethod.MACHINE:
            self.add_error(
                "verified",
                _("Change the method to human translation once a person has checked and corrected it."),
            )
        return data


class TranslationLanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"))

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(language.code, str(language)) for language in languages]
        self.fields["language"].error_messages["invalid_choice"] = _(
            "Unknown or inactive language: choose one of the list."
        )


# --- proposals, content languages ---------------------------------------------------------------------------


class RejectProposalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The partner reads it: say what to change for the proposal to be accepted."),
        error_messages={"required": _("Say why the proposal is rejected: the partner will read it.")},
    )


class ContentLanguageForm(forms.ModelForm):
    class Meta:
        model = ContentLanguage
        fields = ["code", "name_local", "name_it", "name_en", "bidi", "is_active", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Translations are stored by code: renaming it would orphan them.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code of an existing language cannot change.")

    def clean_code(self):
        code = self.cleaned_data["code"].strip().lower().replace("_", "-")
        if not LANGUAGE_TAG.match(code):
            raise ValidationError(_("Enter a BCP 47 language code such as ti, wo or pt-br."))
        return code

    def clean_is_active(self):
        active = self.cleaned_data["is_active"]
        if self.instance.pk and self.instance.code == "it" and not active:
            raise ValidationError(_("Italian is the source language and stays active."))
        return active

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if not self.fields[name].disabled}
