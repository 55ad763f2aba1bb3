"""The partnership network: organisations taking part in the plan."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import ALL_RECORDS_ROLES, role_can
from core.scoping import CHANGE, VIEW, ScopedQuerySet


class OrganisationKind(models.TextChoices):
    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Municipality")
    SOCIAL_DISTRICT = "social_district", _("Social district")
    PREFECTURE = "prefecture", _("Prefecture")
    HEALTH_AUTHORITY = "health_authority", _("Health authority")
    JOB_CENTRE = "job_centre", _("Job centre")
    SCHOOL = "school", _("School or adult-education centre")
    UNIVERSITY = "university", _("University")
    THIRD_SECTOR = "third_sector", _("Third-sector body")
    MIGRANT_ASSOCIATION = "migrant_association", _("Migrant association")
    INFORMAL_GROUP = "informal_group", _("Informal group")
    SOCIAL_PARTNER = "social_partner", _("Social partner")
    EMPLOYER = "employer", _("Employer")


class OrganisationQuerySet(ScopedQuerySet):
    def scope(self, membership, action):
        if action == VIEW:
            return self if role_can(membership.role, "organisation.view") else self.none()
        if action == CHANGE and role_can(membership.role, "organisation.change"):
            if membership.role in ALL_RECORDS_ROLES:
                return self
            return self.filter(pk=membership.organisation_id)
        return self.none()

    def active(self):
        return self.filter(is_active=True)


class Organisation(models.Model):
    """A partner organisation of the network (ente partner): public body, school, third sector, association."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices, db_index=True)
    tax_code = models.CharField(_("tax code / VAT number"), max_length=16, blank=True)
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("municipality"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    areas_served = models.ManyToManyField(
        "territory.Municipality",
        blank=True,
        related_name="served_by",
        verbose_name=_("municipalities served"),
    )
    districts_served = models.ManyToManyField(
        "territory.SocialDistrict",
        blank=True,
        related_name="served_by",
        verbose_name=_("social districts served"),
    )
    migrant_led = models.BooleanField(
        _("migrant-led"), default=False, help_text=_("Led mainly by people with a migrant background.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=120, blank=True)
    require_mfa = models.BooleanField(
        _("two-factor authentication required"),
        default=False,
        help_text=_("Staff acting for this organisation must set up an authenticator app."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["name", "municipality"], name="organisation_unique_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("network:organisation_detail", args=[self.pk])

    @property
    def is_region(self) -> bool:
        return self.kind == OrganisationKind.REGION
