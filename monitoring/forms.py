"""Forms of the monitoring pages: the dashboard's filters (which become a `Scope`), the wording and counting
rule of an indicator, and the grid of targets."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.engine import Scope
from monitoring.models import Breakdown, Indicator, IndicatorTarget, Unit, project_period
from network.models import Organisation, OrganisationKind
from paths.models import Action
from people.forms import MunicipalityChoiceField
from territory.models import CAMPANIA_REGION_CODE, Municipality, Province

THIS_YEAR, LAST_YEAR, PROJECT, CUSTOM = "year", "last-year", "project", "custom"
MAX_PERIOD_DAYS = 366 * 10
SCOPE_FIELDS = (
    "period",
    "start",
    "end",
    "province",
    "municipality",
    "organisation",
    "organisation_kind",
    "action",
)


def _quarters(year: int) -> list[tuple[str, str]]:
    return [(f"{year}-q{n}", _("Quarter %(n)s %(year)s") % {"n": n, "year": year}) for n in range(1, 5)]


def period_choices(today: datetime.date) -> list[tuple[str, str]]:
    return [
        (THIS_YEAR, _("This year (%(year)s)") % {"year": today.year}),
        (LAST_YEAR, _("Last year (%(year)s)") % {"year": today.year - 1}),
        *_quarters(today.year),
        *_quarters(today.year - 1),
        (PROJECT, _("Whole project")),
        (CUSTOM, _("Other period (from… to…)")),
    ]


def period_dates(period: str, today: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day of a preset period; None for the custom one."""
    if period == THIS_YEAR:
        return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    if period == LAST_YEAR:
        return datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)
    if period == PROJECT:
        return project_period()
    if "-q" in period:
        year, quarter = (int(part) for part in period.split("-q"))
        first_month = 3 * (quarter - 1) + 1
        last_month = first_month + 2
        return (
            datetime.date(year, first_month, 1),
            datetime.date(year, last_month, calendar.monthrange(year, last_month)[1]),
        )
    return None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DashboardFilterForm(forms.Form):
    """What the figures are about. Organisation and organisation type are offered to the Region's roles only;
    the others always see their own organisation (`scope()` forces it, whatever the query string says)."""

    period = forms.ChoiceField(label=_("Period"))
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.filter(region_code=CAMPANIA_REGION_CODE),
        required=False,
        empty_label=_("All provinces"),
    )
    municipality = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.campania().select_related("province").order_by("name"),
        required=False,
        empty_label=_("All municipalities"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("All organisations"),
    )
    organisation_kind = forms.ChoiceField(
        label=_("Organisation type"),
        required=False,
        choices=[("", _("All types")), *OrganisationKind.choices],
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *Action.choices]
    )
    breakdown = forms.ChoiceField(
        label=_("Break down by"),
        required=False,
        choices=[("", _("No breakdown")), *Breakdown.choices],
    )
    trend = forms.ChoiceField(label=_("Monthly trend of"), required=False)

    def __init__(self, data=None, *, network: bool, trend_indicators=(), today=None, **kwargs):
        self.today = today or timezone.localdate()
        if data is not None:
            data = data.copy()
            data.setdefault("period", THIS_YEAR)
        super().__init__(data, **kwargs)
        self.network = network
        self.fields["period"].choices = period_choices(self.today)
        self.fields["trend"].choices = [
            (indicator.code, f"{indicator.code} {indicator.name}") for indicator in trend_indicators
        ]
        if not network:
            del self.fields["organisation"], self.fields["organisation_kind"]

    def clean(self):
        data = super().clean()
        period = data.get("period")
        if period == CUSTOM:
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("For another period, give both the first and the last day."))
            if start > end:
                self.add_error("end", _("The end date comes before the start date."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("end", _("Choose a period of at most ten years."))
        province, municipality = data.get("province"), data.get("municipality")
        if province and municipality and municipality.province_id != province.pk:
            self.add_error("municipality", _("This municipality is not in the province chosen."))
        return data

    def dates(self) -> tuple[datetime.date, datetime.date]:
        """The period asked for, or this year when the filters are not valid."""
        if self.is_bound and self.is_valid():
            period = self.cleaned_data["period"]
            if period == CUSTOM:
                return self.cleaned_data["start"], self.cleaned_data["end"]
            return period_dates(period, self.today)
        return period_dates(THIS_YEAR, self.today)

    def scope(self, own_organisation_id: int | None = None) -> Scope:
        """The scope of the figures; `own_organisation_id` (organisations' roles) overrides any choice."""
        start, end = self.dates()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        municipality = data.get("municipality")
        province = data.get("province")
        organisation = data.get("organisation")
        return Scope(
            start,
            end,
            province_id=province.pk if province else (municipality.province_id if municipality else None),
            municipality_id=municipality.pk if municipality else None,
            organisation_id=own_organisation_id or (organisation.pk if organisation else None),
            organisation_kind="" if own_organisation_id else data.get("organisation_kind", ""),
            action=data.get("action", ""),
        )

    def value(self, name: str, default=""):
        """A cleaned value, or `default` when absent or when the filters are not valid."""
        if not (self.is_bound and self.is_valid()):
            return default
        return self.cleaned_data.get(name) or default

    def scope_fields(self):
        return [self[name] for name in SCOPE_FIELDS if name in self.fields]

    def view_fields(self):
        return [self["breakdown"], self["trend"]]


class IndicatorForm(forms.ModelForm):
    """What the Region may change of an indicator: its wording and counting rule, and whether it is shown."""

    class Meta:
        model = Indicator
        fields = ["name_it", "name_en", "rule_it", "rule_en", "is_active"]
        widgets = {
            "rule_it": forms.Textarea(attrs={"rows": 6}),
            "rule_en": forms.Textarea(attrs={"rows": 6}),
        }


def target_years() -> list[int]:
    start, end = project_period()
    return list(range(start.year, end.year + 1))


def _plain(value: Decimal | None) -> str | None:
    """500.00 as "500", 12.50 as "12.5": what a person would type."""
    if value is None:
        return None
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class TargetGridForm(forms.Form):
    """One field per indicator and column (whole project, then each year of the project). An empty field
    means no target; saving writes the whole grid in one transaction."""

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        self.years = target_years()
        existing = {
            (t.indicator_id, t.year): t.value
            for t in IndicatorTarget.objects.filter(indicator__in=self.indicators)
        }
        self.rows = []
        for indicator in self.indicators:
            cells = []
            for year in [None, *self.years]:
                name = self.field_name(indicator, year)
                self.fields[name] = forms.DecimalField(
                    label=_("%(code)s, %(column)s")
                    % {"code": indicator.code, "column": year or _("whole project")},
                    required=False,
                    min_value=Decimal(0),
                    max_value=Decimal(100) if indicator.unit == Unit.PERCENT else None,
                    max_digits=12,
                    decimal_places=2,
                    initial=_plain(existing.get((indicator.pk, year))),
                    widget=forms.NumberInput(attrs={"step": "any", "min": "0", "class": "form-control"}),
                )
                cells.append(name)
            self.rows.append((indicator, cells))

    @staticmethod
    def field_name(indicator: Indicator, year: int | None) -> str:
        return f"target-{indicator.pk}-{year or 'project'}"

    def grid(self):
        """(indicator, [bound fields]) per row, for the template."""
        return [(indicator, [self[name] for name in names]) for indicator, names in self.rows]

    @transaction.atomic
    def save(self) -> int:
        """Write every cell (an empty one removes the target); returns how many targets changed."""
        existing = {
            (t.indicator_id, t.year): t for t in IndicatorTarget.objects.filter(indicator__in=self.indicators)
        }
        changed = 0
        for indicator in self.indicators:
            for year in [None, *self.years]:
                value = self.cleaned_data.get(self.field_name(indicator, year))
                target = existing.get((indicator.pk, year))
                if value is None:
                    if target is not None:
                        target.delete()
                        changed += 1
                elif target is None:
                    IndicatorTarget.objects.create(indicator=indicator, year=year, value=value)
                    changed += 1
                elif target.value != value:
                    target.value = value
                    target.save(update_fields=["value"])
                    changed += 1
        return changed
