"""The portal's GET forms: service search and information-page filters.

A bad value (an unknown need, a misspelt town, a broken position) never fails the page: the field reports
a friendly error, its filter is left out, and the other filters still apply.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from directory.search import normalise
from territory.models import CAMPANIA_REGION_CODE, Municipality, Province

MAX_QUERY_LENGTH = 200
MAX_SUGGESTIONS = 6


def campania_provinces():
    return list(Province.objects.filter(region_code=CAMPANIA_REGION_CODE).order_by("name"))


def find_municipality(name: str, province: Province | None = None):
    """(the Campania municipality called `name`, or None; similar names to suggest when none matches).

    Case, accents and punctuation do not matter ("sant anastasia" finds "Sant'Anastasia").
    """
    campania = Municipality.objects.campania().select_related("province")
    exact = list(campania.filter(name__iexact=name.strip())[:2])
    if len(exact) == 1:
        return exact[0], []
    key = normalise(name)
    if not key:
        return None, []
    every = list(campania.only("id", "name", "province__abbreviation", "province__name"))
    same = [m for m in every if normalise(m.name) == key]
    if len(same) == 1:
        return same[0], []
    pool = [m for m in every if province is None or m.province_id == province.pk]
    starts = [m for m in pool if normalise(m.name).startswith(key[:3])]
    contains = [m for m in pool if key in normalise(m.name) and m not in starts]
    return None, [m.name for m in (contains + starts)[:MAX_SUGGESTIONS]]


def parse_position(value: str) -> tuple[float, float] | None:
    """ "40.85,14.27" → (40.85, 14.27); None when it is not a position on Earth."""
    parts = value.replace(" ", "").split(",")
    if len(parts) != 2:
        return None
    try:
        latitude, longitude = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):  # also refuses NaN and infinity
        return None
    return round(latitude, 5), round(longitude, 5)


class SearchForm(forms.Form):
    """Search of the public service directory (GET, every field optional)."""

    q = forms.CharField(
        label=_("What are you looking for?"),
        required=False,
        widget=forms.SearchInput(attrs={"maxlength": MAX_QUERY_LENGTH}),
    )
    need = forms.ChoiceField(
        label=_("Need"),
        required=False,
        error_messages={"invalid_choice": _("We do not know this need: results for every need are shown.")},
    )
    province = forms.ChoiceField(
        label=_("Province"),
        required=False,
        error_messages={
            "invalid_choice": _("This is not a province of Campania: results for all of Campania are shown.")
        },
    )
    municipality = forms.CharField(
        label=_("Town or city"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    spoken = forms.ChoiceField(
        label=_("Language spoken at the service"),
        required=False,
        error_messages={
            "invalid_choice": _("No service lists this language: results in every language are shown.")
        },
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    free = forms.BooleanField(label=_("Free of charge"), required=False)
    near = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, needs=(), provinces=(), spoken=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.provinces = {p.abbreviation: p for p in provinces}
        self.suggestions: list[str] = []
        self.fields["need"].choices = [("", _("Any need")), *needs]
        self.fields["province"].choices = [
            ("", _("All of Campania")),
            *((p.abbreviation, p.name) for p in provinces),
        ]
        self.fields["spoken"].choices = [("", _("Any language")), *spoken]
        self.fields["municipality"].error_messages["max_length"] = _("This name is too long for a town.")

    def full_clean(self):
        super().full_clean()
        # Tie each error message to its field for screen readers.
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_error"

    def choice_fields(self):
        return [self[name] for name in ("need", "province", "municipality", "spoken")]

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())[:MAX_QUERY_LENGTH]

    def clean_province(self):
        code = self.cleaned_data["province"]
        return self.provinces.get(code)

    def clean_near(self):
        value = self.cleaned_data["near"].strip()
        if not value:
            return None
        position = parse_position(value)
        if position is None:
            raise forms.ValidationError(
                _("Your position could not be read: results are not sorted by distance.")
            )
        return position

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("municipality") or "").strip()
        if not name:
            cleaned["municipality"] = None
            return cleaned
        province = cleaned.get("province")
        place, self.suggestions = find_municipality(name, province)
        if place is None:
            self.add_error(
                "municipality",
                forms.ValidationError(
                    gettext("We could not find a town called “%(name)s” in Campania.") % {"name": name}
                ),
            )
            return cleaned
        cleaned["municipality"] = place
        if province is not None and place.province_id != province.pk:
            # The town is the more precise choice: search there, and say why the province changed.
            self.add_error(
                "province",
                forms.ValidationError(
                    gettext("%(town)s is in the province of %(province)s: results for %(town)s are shown.")
                    % {"town": place.name, "province": place.province.name}
                ),
            )
            cleaned["province"] = place.province
        return cleaned

    @property
    def active(self) -> bool:
        """True when the visitor chose at least one filter or typed something."""
        data = getattr(self, "cleaned_data", {})
        return any(
            data.get(name) for name in ("q", "need", "province", "municipality", "spoken", "open_now", "free")
        )


class ArticleFilterForm(forms.Form):
    """Filters of the information pages (GET)."""

    need = forms.ChoiceField(
        label=_("Need"),
        required=False,
        error_messages={"invalid_choice": _("We do not know this need: pages for every need are shown.")},
    )
    province = forms.ChoiceField(
        label=_("Province"),
        required=False,
        error_messages={
            "invalid_choice": _("This is not a province of Campania: pages for all of Campania are shown.")
        },
    )

    def __init__(self, *args, needs=(), provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.provinces = {p.abbreviation: p for p in provinces}
        self.fields["need"].choices = [("", _("Any need")), *needs]
        self.fields["province"].choices = [
            ("", _("All of Campania")),
            *((p.abbreviation, p.name) for p in provinces),
        ]

    def clean_province(self):
        return self.provinces.get(self.cleaned_data["province"])
