from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import Organisation, OrganisationKind
from people.forms import MunicipalityChoiceField, municipality_choices
from territory.models import Municipality, SocialDistrict


class OrganisationForm(forms.ModelForm):
    municipality = MunicipalityChoiceField(
        queryset=Municipality.objects.select_related("province"), label=_("Municipality (seat)")
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "tax_code",
            "municipality",
            "address",
            "areas_served",
            "districts_served",
            "migrant_led",
            "email",
            "phone",
            "website",
            "contact_person",
            "require_mfa",
            "is_active",
        ]
        widgets = {"areas_served": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, can_create: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        selected = self["municipality"].value()
        self.fields["municipality"].widget.choices = municipality_choices(
            int(selected) if str(selected or "").isdigit() else None
        )
        self.fields["areas_served"].queryset = Municipality.objects.campania().order_by("name")
        self.fields["districts_served"].queryset = SocialDistrict.objects.order_by("code")
        if not can_create:
            # Kind and active state are the Region's decisions, not the organisation's.
            for name in ("kind", "is_active"):
                self.fields[name].disabled = True


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Name"))
    kind = forms.ChoiceField(
        required=False, label=_("Kind"), choices=[("", _("Any kind")), *list(OrganisationKind.choices)]
    )
    migrant_led = forms.BooleanField(required=False, label=_("Migrant-led only"))
