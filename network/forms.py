"""Forms of the network: organisation profiles and contacts, the associations registry, agreements,
consultation tables, meetings and action items.

Every model-choice field is limited to what the user may see (`visible_to`); the writes are checked
again by `network.actions`."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import VIEW, active_membership
from network.models import (
    NEEDS_APPROVAL,
    ActionItemStatus,
    Agreement,
    AgreementKind,
    AgreementStatus,
    Approval,
    ConsultationTable,
    ContactPerson,
    MeetingStatus,
    Organisation,
    OrganisationKind,
    PartyRole,
    Presence,
    Sector,
)
from paths.models import Action
from people.forms import DateInput, MunicipalityChoiceField, municipality_choices
from territory.models import CAMPANIA_REGION_CODE, Language, Municipality, Province, SocialDistrict

ASSOCIATION_KINDS = [
    (OrganisationKind.MIGRANT_ASSOCIATION.value, OrganisationKind.MIGRANT_ASSOCIATION.label),
    (OrganisationKind.INFORMAL_GROUP.value, OrganisationKind.INFORMAL_GROUP.label),
]
# Profile fields only the Region decides.
REGION_ONLY_FIELDS = ("kind", "is_active", "network_status", "joined_on", "left_on")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def campania_provinces():
    return Province.objects.filter(region_code=CAMPANIA_REGION_CODE).order_by("name")


def offered_languages(selected=()):
    """The common languages, plus any already chosen: a short list instead of 7,000 ISO codes."""
    return Language.objects.filter(Q(is_common=True) | Q(pk__in=list(selected))).order_by("name_it")


def party_organisations(user, *, extra_ids=()):
    """Organisations that can be chosen as a party, owner or participant: the active ones the user sees
    (not rejected associations), plus the ones already chosen."""
    return (
        Organisation.objects.visible_to(user, VIEW)
        .filter(Q(is_active=True) | Q(pk__in=list(extra_ids)))
        .exclude(Q(approval=Approval.REJECTED) & ~Q(pk__in=list(extra_ids)))
        .order_by("name")
    )


def organisation_choices(user, *, extra_ids=(), empty_label="---------") -> list[tuple]:
    """(pk, name) of `party_organisations`, computed once for a whole page of forms."""
    return [("", empty_label), *party_organisations(user, extra_ids=extra_ids).values_list("pk", "name")]


class _SharedChoicesOrganisationField(forms.ModelChoiceField):
    """An organisation select whose options come from a list computed once per page (many rows, one query)."""

    def __init__(self, *, user, choices=None, extra_ids=(), **kwargs):
        super().__init__(queryset=party_organisations(user, extra_ids=extra_ids), **kwargs)
        self.choices = choices if choices is not None else organisation_choices(user, extra_ids=extra_ids)


# ------------------------------------------------------------------------------------- organisations


class OrganisationForm(forms.ModelForm):
    municipality = MunicipalityChoiceField(
        queryset=Municipality.objects.select_related("province"), label=_("Municipality (seat)")
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=200)
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"), choices=Sector.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    provinces_served = forms.ModelMultipleChoiceField(
        label=_("Provinces served"),
        queryset=Province.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages_offered = forms.ModelMultipleChoiceField(
        label=_("Languages offered"),
        queryset=Language.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Languages in which the organisation can receive people, with its staff or mediators."),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "tax_code",
            "municipality",
            "address",
            "provinces_served",
            "districts_served",
            "areas_served",
            "sectors",
            "languages_offered",
            "migrant_led",
            "email",
            "phone",
            "website",
            "contact_person",
            "reference_person",
            "reference_contact",
            "network_status",
            "joined_on",
            "left_on",
            "listed_publicly",
            "require_mfa",
            "is_active",
        ]
        widgets = {
            "areas_served": forms.SelectMultiple(attrs={"size": 8}),
            "districts_served": forms.SelectMultiple(attrs={"size": 8}),
            "joined_on": DateInput(),
            "left_on": DateInput(),
        }

    def __init__(self, *args, can_create: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        selected = self["municipality"].value()
        self.fields["municipality"].widget.choices = municipality_choices(
            int(selected) if str(selected or "").isdigit() else None
        )
        self.fields["areas_served"].queryset = Municipality.objects.campania().order_by("name")
        self.fields["districts_served"].queryset = SocialDistrict.objects.order_by("code")
        self.fields["provinces_served"].queryset = campania_provinces()
        chosen = self.instance.languages_offered.values_list("pk", flat=True) if self.instance.pk else ()
        self.fields["languages_offered"].queryset = offered_languages(chosen)
        # A missing status keeps the current one (older forms and imports do not send it).
        self.fields["network_status"].required = False
        self.fields["reference_person"].help_text = _(
            "Required for an informal group, which has no tax code."
        )
        if not can_create:
            # Kind, status in the network and active state are the Region's decisions.
            for name in REGION_ONLY_FIELDS:
                self.fields[name].disabled = True
        instance = self.instance
        if instance.kind in NEEDS_APPROVAL and instance.approval != Approval.APPROVED:
            self.fields["listed_publicly"].disabled = True
            self.fields["listed_publicly"].help_text = _(
                "Available once the Region has approved the association."
            )

    def clean_network_status(self):
        return self.cleaned_data.get("network_status") or self.instance.network_status


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Name"))
    kind = forms.ChoiceField(
        required=False, label=_("Kind"), choices=[("", _("Any kind")), *list(OrganisationKind.choices)]
    )
    migrant_led = forms.BooleanField(required=False, label=_("Migrant-led only"))


class ContactPersonForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "role", "email", "phone", "is_primary"]


# ------------------------------------------------------------------ migrant associations, informal groups


class AssociationProposalForm(forms.ModelForm):
    """Propose a migrant association or an informal group for the registry (the Region approves it)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ASSOCIATION_KINDS, widget=forms.RadioSelect)
    municipality = MunicipalityChoiceField(
        queryset=Municipality.objects.select_related("province"), label=_("Municipality (seat)")
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=200)
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"), choices=Sector.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    languages_offered = forms.ModelMultipleChoiceField(
        label=_("Languages offered"),
        queryset=Language.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "tax_code",
            "reference_person",
            "reference_contact",
            "municipality",
            "address",
            "email",
            "phone",
            "website",
            "migrant_led",
            "sectors",
            "languages_offered",
        ]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("migrant_led", True)
        super().__init__(*args, **kwargs)
        selected = self["municipality"].value()
        self.fields["municipality"].widget.choices = municipality_choices(
            int(selected) if str(selected or "").isdigit() else None
        )
        self.fields["languages_offered"].queryset = offered_languages()
        self.fields["tax_code"].help_text = _("Required for an association.")
        self.fields["reference_person"].help_text = _(
            "Required for an informal group: the person who answers for it."
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == OrganisationKind.MIGRANT_ASSOCIATION and not (data.get("tax_code") or "").strip():
            self.add_error("tax_code", _("An association gives its tax code."))
        if kind == OrganisationKind.INFORMAL_GROUP:
            if not (data.get("reference_person") or "").strip():
                self.add_error("reference_person", _("An informal group needs a reference person."))
            if not (data.get("reference_contact") or "").strip():
                self.add_error(
                    "reference_contact", _("Give a phone number or e-mail of the reference person.")
                )
        return data


class AssociationFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Name"))
    kind = forms.ChoiceField(
        required=False, label=_("Kind"), choices=[("", _("Any kind")), *ASSOCIATION_KINDS]
    )
    province = forms.ModelChoiceField(
        required=False, label=_("Province"), queryset=Province.objects.none(), empty_label=_("Any province")
    )
    approval = forms.ChoiceField(
        required=False,
        label=_("Approval"),
        choices=[
            ("", _("Approved associations")),
            ("pending", _("Awaiting approval")),
            ("rejected", _("Rejected")),
        ],
    )

    def __init__(self, *args, can_approve: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = campania_provinces()
        if not can_approve:
            del self.fields["approval"]


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectionForm(forms.Form):
    note = forms.CharField(
        label=_("Reason for the rejection"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent to whoever proposed it."),
    )


# ---------------------------------------------------------------------------------------- agreements


class AgreementForm(forms.ModelForm):
    actions = forms.MultipleChoiceField(
        label=_("Actions covered"),
        choices=Action.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Agreement
        fields = ["kind", "title", "description", "actions", "objectives", "valid_from", "valid_until"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "valid_from": DateInput(),
            "valid_until": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.status != AgreementStatus.DRAFT:
            # The validity of a signed agreement changes only through a renewal.
            for name in ("valid_from", "valid_until"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Changed by a renewal.")

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end of validity comes after its start."))
        return data

    def agreement_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if not self.fields[name].disabled}


class AgreementFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Subject"))
    kind = forms.ChoiceField(
        required=False, label=_("Kind"), choices=[("", _("Any kind")), *AgreementKind.choices]
    )
    status = forms.ChoiceField(
        required=False, label=_("Status"), choices=[("", _("Any status")), *AgreementStatus.choices]
    )
    organisation = forms.ModelChoiceField(
        required=False, label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=_("Any")
    )
    expiring = forms.IntegerField(
        required=False,
        label=_("Expiring within (days)"),
        min_value=1,
        max_value=3650,
        help_text=_("Signed agreements whose validity ends within this many days."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.visible_to(user, VIEW)
        field.choices = organisation_choices(user, empty_label=_("Any"))


class PartyForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Organisation"))
    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices, initial=PartyRole.PARTNER)

    def __init__(self, *args, user, organisation_options=None, extra_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = _SharedChoicesOrganisationField(
            user=user, choices=organisation_options, extra_ids=extra_ids, label=_("Organisation")
        )


class BasePartyFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        leads = 0
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            organisation = form.cleaned_data.get("organisation")
            if organisation is None:
                continue
            if organisation.pk in seen:
                raise forms.ValidationError(_("Each organisation is a party only once."))
            seen.add(organisation.pk)
            leads += form.cleaned_data.get("role") == PartyRole.LEAD
        if not seen:
            raise forms.ValidationError(_("Add the parties of the agreement."))
        if leads != 1:
            raise forms.ValidationError(_("An agreement has exactly one lead organisation."))

    def parties(self) -> list[tuple[Organisation, str]]:
        return [
            (form.cleaned_data["organisation"], form.cleaned_data["role"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("organisation")
        ]


PartyFormSet = forms.formset_factory(
    PartyForm, formset=BasePartyFormSet, extra=2, can_delete=True, max_num=200, validate_max=True
)


def party_formset(user, *, data=None, agreement=None) -> BasePartyFormSet:
    if agreement is not None and agreement.pk:
        parties = list(agreement.parties.all())
        initial = [{"organisation": p.organisation_id, "role": p.role} for p in parties]
        extra_ids = [p.organisation_id for p in parties]
    else:
        membership = active_membership(user)
        own = membership.organisation_id if membership else None
        initial = [{"organisation": own, "role": PartyRole.LEAD}] if own else []
        extra_ids = [own] if own else []
    options = organisation_choices(user, extra_ids=extra_ids)
    return PartyFormSet(
        data,
        # A bound formset compares each row with its initial values and skips unchanged extra rows.
        initial=initial if data is None else None,
        prefix="parties",
        form_kwargs={"user": user, "organisation_options": options, "extra_ids": extra_ids},
    )


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty means the signing date."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for an open-ended agreement."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a signed agreement."),
    )


class RenewForm(forms.Form):
    valid_from = forms.DateField(
        label=_("New validity from"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the day after the current validity ends (today, if it has already expired)."),
    )
    valid_until = forms.DateField(label=_("New validity until"), widget=DateInput())
    signed_on = forms.DateField(
        label=_("Renewal signed on"), required=False, widget=DateInput(), help_text=_("Optional.")
    )


class DocumentUploadForm(forms.Form):
    document = forms.FileField(
        label=_("Signed document (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
        help_text=_("A PDF file of at most 10 MB, without scripts, attachments or password."),
    )


# --------------------------------------------------------------------------------------------- tables


class ConsultationTableForm(forms.ModelForm):
    class Meta:
        model = ConsultationTable
        fields = ["name", "theme", "province", "district", "coordinator", "members", "is_active"]
        widgets = {"members": forms.SelectMultiple(attrs={"size": 10})}

    def __init__(self, *args, user, can_choose_coordinator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = campania_provinces()
        self.fields["province"].empty_label = _("Regional table")
        self.fields["district"].queryset = SocialDistrict.objects.order_by("code")
        visible = Organisation.objects.visible_to(user, VIEW)
        current_members = list(self.instance.members.values_list("pk", flat=True)) if self.instance.pk else []
        self.fields["members"].queryset = (
            visible.filter(Q(is_active=True) | Q(pk__in=current_members))
            .exclude(approval=Approval.REJECTED)
            .order_by("name")
        )
        coordinator = self.fields["coordinator"]
        if can_choose_coordinator:
            coordinator.queryset = visible.filter(is_active=True).order_by("name")
        else:
            membership = active_membership(user)
            coordinator.queryset = visible.filter(pk=membership.organisation_id)
            coordinator.initial = membership.organisation_id
            coordinator.empty_label = None

    def clean(self):
        data = super().clean()
        district, province = data.get("district"), data.get("province")
        if district and province and district.province_id != province.pk:
            self.add_error("district", _("The social district is in another province."))
        return data


class TableFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Name or theme"))
    province = forms.ModelChoiceField(
        required=False, label=_("Province"), queryset=Province.objects.none(), empty_label=_("Any province")
    )
    mine = forms.BooleanField(required=False, label=_("My organisation's tables"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = campania_provinces()


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput())
    place = forms.CharField(label=_("Place"), max_length=250, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https", max_length=200)
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Plain text (a blank line starts a new paragraph) or basic formatting: paragraphs, bold, "
            "italics, lists, links, headings. Anything else is removed."
        ),
    )
    decisions = forms.CharField(
        label=_("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=MeetingStatus.choices, initial=MeetingStatus.PLANNED
    )

    @classmethod
    def initial_for(cls, meeting) -> dict:
        starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        return {
            "title": meeting.title,
            "date": starts.date(),
            "start_time": starts.time().replace(second=0, microsecond=0),
            "end_time": ends.time().replace(second=0, microsecond=0),
            "place": meeting.place,
            "online_url": meeting.online_url,
            "agenda": meeting.agenda,
            "minutes": meeting.minutes,
            "decisions": meeting.decisions,
            "status": meeting.status,
        }

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("The meeting ends after it starts."))
            else:
                zone = timezone.get_current_timezone()
                data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, start), zone)
                data["ends_at"] = timezone.make_aware(datetime.datetime.combine(day, end), zone)
        if not (data.get("place") or "").strip() and not data.get("online_url"):
            self.add_error("place", _("Give the place or the online link."))
        return data

    def meeting_data(self) -> dict:
        data = self.cleaned_data
        fields = ("title", "place", "online_url", "agenda", "minutes", "decisions", "status")
        return {"starts_at": data["starts_at"], "ends_at": data["ends_at"], **{k: data[k] for k in fields}}


class PresenceForm(forms.Form):
    person_name = forms.CharField(label=_("Represented by"), max_length=120, required=False)
    presence = forms.ChoiceField(label=_("Presence"), choices=Presence.choices)
    remove = forms.BooleanField(label=_("Remove"), required=False)


class AddParticipantForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Organisation"))
    person_name = forms.CharField(label=_("Represented by"), max_length=120, required=False)
    presence = forms.ChoiceField(label=_("Presence"), choices=Presence.choices, initial=Presence.INVITED)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = _SharedChoicesOrganisationField(user=user, label=_("Organisation"))


class ActionItemForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Owner organisation"))
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args, user, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        # The organisations around the table: its members and whoever took part in the meeting.
        self.fields["owner"].queryset = (
            Organisation.objects.visible_to(user, VIEW)
            .filter(
                Q(tables=meeting.table_id)
                | Q(pk=meeting.table.coordinator_id)
                | Q(meeting_presences__meeting=meeting)
            )
            .distinct()
            .order_by("name")
        )


class ActionItemUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItemStatus.choices)
    note = forms.CharField(label=_("Follow-up note"), max_length=300, required=False)


class ActionItemFilterForm(forms.Form):
    mine = forms.BooleanField(required=False, label=_("My organisation"))
    table = forms.ModelChoiceField(
        required=False,
        label=_("Table"),
        queryset=ConsultationTable.objects.none(),
        empty_label=_("Any table"),
    )
    overdue = forms.BooleanField(required=False, label=_("Overdue only"))
    state = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[("", _("Open")), ("closed", _("Closed")), ("all", _("All"))],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["table"].queryset = ConsultationTable.objects.visible_to(user, VIEW).order_by("name")
