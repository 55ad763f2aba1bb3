"""Places: Italian provinces and municipalities, social districts, countries and languages."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

CAMPANIA_REGION_CODE = "15"


class Province(models.Model):
    """An Italian province or metropolitan city (provincia, città metropolitana)."""

    istat_code = models.CharField(_("ISTAT code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    abbreviation = models.CharField(_("abbreviation"), max_length=2, db_index=True)
    region_code = models.CharField(_("region code"), max_length=2, db_index=True)
    region_name = models.CharField(_("region"), max_length=60)
    nuts3_code = models.CharField(_("NUTS 3 code"), max_length=5, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return f"{self.name} ({self.abbreviation})"


class MunicipalityQuerySet(models.QuerySet):
    def campania(self):
        return self.filter(province__region_code=CAMPANIA_REGION_CODE)


class Municipality(models.Model):
    """An Italian municipality (comune), with its ISTAT and cadastral (Belfiore) codes."""

    istat_code = models.CharField(_("ISTAT code"), max_length=6, unique=True)
    cadastral_code = models.CharField(_("cadastral code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=120, db_index=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="municipalities")
    is_province_capital = models.BooleanField(_("provincial capital"), default=False)
    social_district = models.ForeignKey(
        "SocialDistrict",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="municipalities",
        verbose_name=_("social district"),
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.name


class SocialDistrict(models.Model):
    """A social district of Campania (ambito territoriale sociale), grouping municipalities."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="social_districts")
    lead_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead municipality"),
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("social district")
        verbose_name_plural = _("social districts")

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("territory:district_detail", args=[self.pk])


class Country(models.Model):
    """A country (ISO 3166-1), with its Italian name and the code used in the codice fiscale."""

    iso_alpha2 = models.CharField(_("ISO alpha-2"), max_length=2, unique=True)
    iso_alpha3 = models.CharField(_("ISO alpha-3"), max_length=3, unique=True)
    name_it = models.CharField(_("Italian name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120)
    cadastral_code = models.CharField(_("codice fiscale code"), max_length=4, blank=True, db_index=True)
    is_eu = models.BooleanField(_("EU member state"), default=False)

    class Meta:
        ordering = ["name_it"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        from django.utils.translation import get_language

        return self.name_it if (get_language() or "it").startswith("it") else self.name_en

    @property
    def is_italy(self) -> bool:
        return self.iso_alpha2 == "IT"


class Language(models.Model):
    """A language (ISO 639-3), with Italian and English names."""

    code = models.CharField(_("ISO 639-3 code"), max_length=3, unique=True)
    name_it = models.CharField(_("Italian name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120)
    is_common = models.BooleanField(_("offered first in lists"), default=False)

    class Meta:
        ordering = ["-is_common", "name_it"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        from django.utils.translation import get_language

        return self.name_it if (get_language() or "it").startswith("it") else self.name_en
