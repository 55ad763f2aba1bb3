"""Indicator definitions, targets and age bands: data the Region edits, never constants in code.

The wording, counting rule, unit and allowed breakdowns of every indicator come from
`monitoring/data/indicators.json` (loaded by `load_reference` and migration 0002) and are edited by the
Region afterwards; *how* a number is computed is a named computation in `monitoring.computations`, with
parameters kept here (which activity kinds or service types count, which answers are positive, ...).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class IndicatorKind(models.TextChoices):
    OUTPUT = "output", _("Output")
    RESULT = "result", _("Result")


class Unit(models.TextChoices):
    PEOPLE = "people", _("people")
    ORGANISATIONS = "organisations", _("organisations")
    RECORDS = "records", _("records")
    HOURS = "hours", _("hours")
    PERCENT = "percent", _("%")
    DAYS = "days", _("days")


class Breakdown(models.TextChoices):
    """The dimensions a number can be broken down by (an indicator lists the ones that make sense for it)."""

    SEX = "sex", _("Sex")
    AGE_BAND = "age_band", _("Age band")
    CITIZENSHIP = "citizenship", _("Citizenship")
    TARGET_GROUP = "target_group", _("Target group")
    PROVINCE = "province", _("Province")
    MUNICIPALITY = "municipality", _("Municipality")
    ACTION = "action", _("Action")
    ORGANISATION = "organisation", _("Organisation")
    ORGANISATION_KIND = "organisation_kind", _("Organisation type")
    MONTH = "month", _("Month")
    LANGUAGE = "language", _("Language")


class Indicator(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    section = models.CharField(_("section"), max_length=1, help_text=_("A: AMIF common; B: project"))
    objective = models.CharField(_("objective"), max_length=20, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    name_it = models.CharField(_("wording (Italian)"), max_length=400)
    name_en = models.CharField(_("wording (English)"), max_length=400)
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    rule_it = models.TextField(_("counting rule (Italian)"))
    rule_en = models.TextField(_("counting rule (English)"))
    computation = models.CharField(_("computation"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    breakdowns = models.JSONField(_("allowed breakdowns"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return self.name_it if (get_language() or "it").startswith("it") else self.name_en

    @property
    def rule(self) -> str:
        return self.rule_it if (get_language() or "it").startswith("it") else self.rule_en


class IndicatorTarget(models.Model):
    """A target for the whole project (no year) or for one calendar year."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        ordering = ["indicator__position", "year"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_once_per_year"),
            models.UniqueConstraint(
                fields=["indicator"], condition=models.Q(year__isnull=True), name="target_once_per_project"
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.year or _('whole project')}: {self.value}"


class AgeBand(models.Model):
    """Age bands of the breakdowns (kept as data: the funder's bands may change)."""

    label = models.CharField(_("label"), max_length=20, unique=True)
    min_age = models.PositiveSmallIntegerField(_("from age"))
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "min_age"]
        verbose_name = _("age band")
        verbose_name_plural = _("age bands")

    def __str__(self):
        return self.label


def project_period() -> tuple[datetime.date, datetime.date]:
    """The whole project (settings MONITORING_PROJECT_START / _END, ISO dates)."""
    return (
        datetime.date.fromisoformat(settings.MONITORING_PROJECT_START),
        datetime.date.fromisoformat(settings.MONITORING_PROJECT_END),
    )
