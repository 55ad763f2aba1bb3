from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User
from core.roles import ALL_RECORDS_ROLES, REGIONAL_ROLES, Role
from network.models import Organisation


def assignable_roles(acting_membership) -> list[tuple[str, str]]:
    """Roles the acting user may hand out: local roles for an org admin; regional roles only by the Region."""
    if acting_membership.role in ALL_RECORDS_ROLES:
        return list(Role.choices)
    return [(value, label) for value, label in Role.choices if value not in REGIONAL_ROLES]


class StaffMemberForm(forms.Form):
    """Add a person to an organisation: a new account, or a new membership for an existing one."""

    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Organisation"))
    role = forms.ChoiceField(label=_("Role"))
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty for an existing account, or to send a password-reset link."),
    )

    def __init__(self, *args, acting_membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.acting_membership = acting_membership
        if acting_membership.role in ALL_RECORDS_ROLES:
            self.fields["organisation"].queryset = Organisation.objects.active().order_by("name")
        else:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                pk=acting_membership.organisation_id
            )
            self.fields["organisation"].initial = acting_membership.organisation_id
        self.fields["role"].choices = assignable_roles(acting_membership)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        existing = User.objects.filter(email__iexact=data.get("email", "")).first()
        self.existing_user = existing
        if (
            existing
            and data.get("organisation")
            and data.get("role")
            and Membership.objects.filter(
                user=existing, organisation=data["organisation"], role=data["role"]
            ).exists()
        ):
            raise forms.ValidationError(_("This person already has this role in this organisation."))
        password = data.get("password")
        if password and not existing:
            candidate = User(
                email=data.get("email", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "is_active"]

    def __init__(self, *args, acting_membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = assignable_roles(acting_membership)


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email_notifications"]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("What will use it, e.g. 'monthly export script'.")
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[(30, _("30 days")), (90, _("90 days")), (365, _("1 year")), (0, _("No expiry"))],
        initial=90,
    )
