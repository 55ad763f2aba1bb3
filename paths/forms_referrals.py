"""Forms for referrals between organisations and cultural mediation."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User
from core.roles import Role
from core.scoping import VIEW, active_membership, user_can
from network.models import Organisation
from paths.models import MediationRequest, MediatorProfile, ServiceType
from people.models import WORK, Participant
from territory.models import Language


class ReferralForm(forms.Form):
    """Send a participant to another organisation; the override reason only for roles that may use it."""

    to_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Receiving organisation")
    )
    service_type = forms.ModelChoiceField(queryset=ServiceType.objects.none(), label=_("Service requested"))
    reason = forms.CharField(
        label=_("Reason for the referral"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Seen by the receiving organisation only after it accepts the referral."),
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    override_reason = forms.CharField(
        label=_("Reason for sending without a consent"),
        max_length=300,
        required=False,
        help_text=_(
            "Only when no consent in force covers the receiving organisation. It is recorded and audited."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        membership = active_membership(user)
        self.fields["to_organisation"].queryset = (
            Organisation.objects.visible_to(user, VIEW)
            .filter(is_active=True)
            .exclude(pk=membership.organisation_id if membership else None)
            .order_by("name")
        )
        self.fields["service_type"].queryset = ServiceType.objects.filter(is_active=True)
        self.fields["to_organisation"].widget.attrs["hx-get"] = ""
        self.fields["to_organisation"].widget.attrs["hx-target"] = "#consent-status"
        self.fields["to_organisation"].widget.attrs["hx-trigger"] = "change"
        self.can_override = user_can(user, "referral.override_consent")
        if not self.can_override:
            del self.fields["override_reason"]


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Reason for the rejection"), max_length=300)


class TransitionNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AssignReferralForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Case worker"))

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(
            pk__in=Membership.objects.active()
            .filter(organisation_id=referral.to_organisation_id, role__in=[Role.ORG_ADMIN, Role.OPERATOR])
            .values("user_id"),
            is_active=True,
        ).order_by("last_name", "first_name")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MediationRequestForm(forms.ModelForm):
    """A request for a mediator, for one participant (in the work scope) or for a meeting."""

    class Meta:
        model = MediationRequest
        fields = [
            "participant",
            "meeting",
            "language",
            "service_context",
            "starts_at",
            "planned_minutes",
            "place",
        ]
        widgets = {"starts_at": DateTimeInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = Participant.objects.visible_to(user, WORK).order_by(
            "last_name", "first_name"
        )
        self.fields["participant"].required = False
        self.fields["language"].queryset = Language.objects.order_by("-is_common", "name_it")
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at and starts_at < timezone.now() - datetime.timedelta(days=1):
            raise forms.ValidationError(_("The date is in the past."))
        return starts_at

    def clean(self):
        data = super().clean()
        if not data.get("participant") and not (data.get("meeting") or "").strip():
            raise forms.ValidationError(_("Choose a participant or describe the meeting."))
        return data


class AssignMediatorForm(forms.Form):
    mediator = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Mediator"))

    def __init__(self, *args, mediation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = User.objects.filter(
            is_active=True,
            mediator_profile__is_available=True,
            mediator_profile__languages=mediation.language_id,
        ).order_by("last_name", "first_name")


class MediationAnswerForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours worked"), max_digits=5, decimal_places=2, min_value=0, max_value=24, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MediatorProfileForm(forms.ModelForm):
    class Meta:
        model = MediatorProfile
        fields = ["languages", "availability", "is_available"]
        widgets = {"languages": forms.SelectMultiple(attrs={"size": 10})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].queryset = Language.objects.order_by("-is_common", "name_it")
        self.fields["availability"].help_text = _("For example: weekday mornings, Napoli and online.")


class MediationFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        from paths.models import MediationStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *MediationStatus.choices]
