"""Social districts (ambiti territoriali sociali): an editable registry kept by the Region."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.scoping import require_permission, user_can
from territory.models import Municipality, Province, SocialDistrict


class SocialDistrictForm(forms.ModelForm):
    municipalities = forms.ModelMultipleChoiceField(
        queryset=Municipality.objects.campania().order_by("name"),
        required=False,
        label=gettext_lazy("Municipalities"),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    class Meta:
        model = SocialDistrict
        fields = ["code", "name", "province", "lead_municipality"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.filter(region_code="15")
        self.fields["lead_municipality"].queryset = Municipality.objects.campania().order_by("name")
        if self.instance.pk:
            self.fields["municipalities"].initial = self.instance.municipalities.all()

    def clean(self):
        data = super().clean()
        lead, chosen = data.get("lead_municipality"), data.get("municipalities")
        if lead and chosen is not None and lead not in chosen:
            self.add_error(
                "lead_municipality", _("The lead municipality must be one of the district's municipalities.")
            )
        return data


@login_required
@require_GET
def district_list(request):
    districts = SocialDistrict.objects.select_related("province", "lead_municipality").annotate(
        municipality_count=Count("municipalities")
    )
    return render(
        request,
        "territory/district_list.html",
        {"districts": districts, "can_change": user_can(request.user, "district.change")},
    )


@login_required
@require_GET
def district_detail(request, pk):
    district = get_object_or_404(
        SocialDistrict.objects.select_related("province", "lead_municipality"), pk=pk
    )
    return render(
        request,
        "territory/district_detail.html",
        {
            "district": district,
            "municipalities": district.municipalities.order_by("name"),
            "can_change": user_can(request.user, "district.change"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def district_edit(request, pk=None):
    require_permission(request.user, "district.change")
    district = get_object_or_404(SocialDistrict, pk=pk) if pk else None
    form = SocialDistrictForm(request.POST or None, instance=district)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            district = form.save()
            chosen = form.cleaned_data["municipalities"]
            Municipality.objects.filter(social_district=district).exclude(pk__in=chosen).update(
                social_district=None
            )
            Municipality.objects.filter(pk__in=chosen).update(social_district=district)
        messages.success(request, _("Social district saved."))
        return redirect(district)
    title = _("Edit social district") if district else _("New social district")
    return render(
        request,
        "generic_form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": [(_("Social districts"), reverse("territory:district_list"))],
            "back_url": district.get_absolute_url() if district else reverse("territory:district_list"),
            "intro": _(
                "A municipality belongs to one district: choosing it here moves it from its previous one."
            ),
        },
    )
