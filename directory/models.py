"""The public service directory, shaped on Open Referral HSDS 3.0, and its editorial life.

HSDS entities keep HSDS field names (`organization`, `service_at_location`, `opens_at`…) so that the API, the
export and the importer map one to one; what HSDS has and the portal does not use (funding, programs,
identifiers, metadata, attributes other than taxonomy terms) is kept verbatim in `extra` so a dataset exports
back as it came in.

Every public text is written in Italian on the record itself; other languages are `Translation` rows with
their provenance (human or machine, from which revision of the Italian, verified by whom and when). Each
translatable record counts the revisions of its Italian fields in `text_revisions`: a translation made from
an older revision is outdated, unless the change was saved as a minor edit.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ITALIAN = "it"


class ContentLanguage(models.Model):
    """A language the directory's public texts can be published in. More are added as data."""

    code = models.CharField(
        _("code"), max_length=12, unique=True, help_text=_("BCP 47 tag, e.g. it, ar, zh-hans.")
    )
    name_local = models.CharField(_("name in the language itself"), max_length=60)
    name_it = models.CharField(_("Italian name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60)
    bidi = models.BooleanField(_("right-to-left"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("content language")
        verbose_name_plural = _("content languages")

    def __str__(self):
        return f"{self.name_local} ({self.code})"

    @property
    def direction(self) -> str:
        return "rtl" if self.bidi else "ltr"


class EditorialState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class TranslationMethod(models.TextChoices):
    HUMAN = "human", _("Human translation")
    MACHINE = "machine", _("Machine translation")


class Translation(models.Model):
    """One public text field of one record in one language, with where it came from."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.UUIDField()
    field = models.CharField(_("field"), max_length=40)
    language = models.CharField(_("language"), max_length=12)
    text = models.TextField(_("text"))
    method = models.CharField(_("method"), max_length=8, choices=TranslationMethod.choices)
    source_revision = models.PositiveIntegerField(
        _("translated from Italian revision"),
        help_text=_("The revision of the Italian text this translation was made from."),
    )
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    translator_name = models.CharField(
        _("translator"), max_length=120, blank=True, help_text=_("Person or machine-translation engine.")
    )
    translated_at = models.DateTimeField(_("translated on"), default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified on"), null=True, blank=True)

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language"], name="translation_unique"
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "language"]),
            # The portal reads one page's records in one language: by object, not by type.
            models.Index(fields=["object_id", "language"], name="translation_object_language"),
        ]

    def __str__(self):
        return f"{self.field} [{self.language}]"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Translatable(models.Model):
    """A record with public texts: the Italian is on the record, other languages are `Translation` rows."""

    TRANSLATABLE_FIELDS: tuple[str, ...] = ()

    text_revisions = models.JSONField(default=dict, blank=True, editable=False)
    translations = GenericRelation(
        Translation, object_id_field="object_id", content_type_field="content_type"
    )

    class Meta:
        abstract = True

    def text_revision(self, field: str) -> int:
        return int(self.text_revisions.get(field, 1))

    def translated(self, field: str, language: str | None) -> str:
        """The field's text in `language`, or the Italian when there is no translation.

        Reads prefetched translations (`prefetch_related("translations")`) when present.
        """
        italian = getattr(self, field) or ""
        if not language or language == ITALIAN or not italian:
            return italian
        for translation in self._translation_rows():
            if translation.field == field and translation.language == language:
                return translation.text
        return italian

    def translation_of(self, field: str, language: str) -> Translation | None:
        for translation in self._translation_rows():
            if translation.field == field and translation.language == language:
                return translation
        return None

    def _translation_rows(self):
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "translations" in cache:
            return cache["translations"]
        if not hasattr(self, "_translation_rows_cache"):
            self._translation_rows_cache = list(self.translations.all())
        return self._translation_rows_cache


class Editorial(models.Model):
    """A record that goes draft → in review → published, and must be verified again every so often."""

    state = models.CharField(
        _("state"), max_length=10, choices=EditorialState.choices, default=EditorialState.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    last_verified_at = models.DateTimeField(_("last verified on"), null=True, blank=True, db_index=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        abstract = True

    @staticmethod
    def verification_cutoffs(now=None) -> tuple[datetime.datetime, datetime.datetime]:
        """(flag before, hide before): records last verified before these moments are stale / hidden."""
        now = now or timezone.now()
        months = settings.DIRECTORY_VERIFY_MONTHS
        grace = settings.DIRECTORY_HIDE_GRACE_MONTHS
        return now - datetime.timedelta(days=round(30.44 * months)), now - datetime.timedelta(
            days=round(30.44 * (months + grace))
        )

    @property
    def needs_verification(self) -> bool:
        flag_before, _hide = self.verification_cutoffs()
        return self.last_verified_at is None or self.last_verified_at < flag_before

    @property
    def hidden_as_stale(self) -> bool:
        _flag, hide_before = self.verification_cutoffs()
        return self.last_verified_at is None or self.last_verified_at < hide_before


class EditorialQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=EditorialState.PUBLISHED)

    def public(self, now=None):
        """What the portal shows: published and verified recently enough."""
        _flag, hide_before = Editorial.verification_cutoffs(now)
        return self.filter(state=EditorialState.PUBLISHED, last_verified_at__gte=hide_before)

    def stale(self, now=None):
        """Published but due for verification (shown to editors; hidden from the public after the grace)."""
        flag_before, _hide = Editorial.verification_cutoffs(now)
        return self.filter(state=EditorialState.PUBLISHED).filter(
            Q(last_verified_at__lt=flag_before) | Q(last_verified_at__isnull=True)
        )

    def hidden_as_stale(self, now=None):
        _flag, hide_before = Editorial.verification_cutoffs(now)
        return self.filter(state=EditorialState.PUBLISHED).filter(
            Q(last_verified_at__lt=hide_before) | Q(last_verified_at__isnull=True)
        )


# --- HSDS entities ----------------------------------------------------------------------------------------


class Taxonomy(models.Model):
    """A classification scheme (HSDS taxonomy), e.g. InterAzioni's needs of migrants."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    uri = models.CharField(_("URI"), max_length=500, blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")

    def __str__(self):
        return self.name


class TaxonomyTerm(Translatable):
    """A term of a taxonomy (HSDS taxonomy_term); the portal's needs (permesso di soggiorno, salute…) are terms."""

    TRANSLATABLE_FIELDS = ("name", "description")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("code"), max_length=100, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    taxonomy = models.ForeignKey(
        Taxonomy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="terms",
        verbose_name=_("taxonomy"),
    )
    taxonomy_name = models.CharField(
        _("taxonomy name"),
        max_length=200,
        blank=True,
        help_text=_("HSDS `taxonomy`, when no taxonomy record."),
    )
    language = models.CharField(_("language"), max_length=12, blank=True)
    term_uri = models.CharField(_("term URI"), max_length=500, blank=True)
    # Needs the public search offers as filters (the others come from imported taxonomies).
    is_need = models.BooleanField(_("offered as a need on the portal"), default=False)
    icon = models.CharField(_("pictogram"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=100)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")

    def __str__(self):
        return self.name


class DirectoryOrganizationQuerySet(models.QuerySet):
    def proposable_by(self, membership):
        """Directory organisations whose services this membership's organisation may propose changes to."""
        return self.filter(network_organisation_id=membership.organisation_id)


class DirectoryOrganization(Translatable):
    """An organisation that provides services (HSDS organization), linked to the network registry when a partner."""

    TRANSLATABLE_FIELDS = ("description",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=250)
    alternate_name = models.CharField(_("alternate name"), max_length=250, blank=True)
    description = models.TextField(_("description"))
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=500, blank=True)
    tax_status = models.CharField(_("tax status"), max_length=100, blank=True)
    tax_id = models.CharField(_("tax code / VAT number"), max_length=40, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(_("year incorporated"), null=True, blank=True)
    legal_status = models.CharField(_("legal status"), max_length=120, blank=True)
    logo = models.CharField(_("logo URL"), max_length=500, blank=True)
    uri = models.CharField(_("URI"), max_length=500, blank=True)
    parent_organization = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    # Kept as an identifier when the parent is not in this directory (HSDS parent_organization_id).
    parent_organization_ref = models.UUIDField(null=True, blank=True)
    network_organisation = models.OneToOneField(
        "network.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_organization",
        verbose_name=_("network partner"),
    )
    extra = models.JSONField(default=dict, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DirectoryOrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("directory organisation")
        verbose_name_plural = _("directory organisations")

    def __str__(self):
        return self.name


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Closed for good")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class ServiceQuerySet(EditorialQuerySet):
    def proposable_by(self, membership):
        return self.filter(organization__network_organisation_id=membership.organisation_id)


class Service(Translatable, Editorial):
    """A service offered to migrants (HSDS service): what it is, who may use it, how to access it."""

    TRANSLATABLE_FIELDS = (
        "name",
        "description",
        "eligibility_description",
        "application_process",
        "fees_description",
        "interpretation_services",
        "wait_time",
        "alert",
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        DirectoryOrganization,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=250)
    alternate_name = models.CharField(_("alternate name"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.CharField(_("web page"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    interpretation_services = models.TextField(_("interpretation"), blank=True)
    application_process = models.TextField(_("how to access"), blank=True)
    fees_description = models.TextField(_("costs"), blank=True)
    wait_time = models.CharField(_("waiting time"), max_length=250, blank=True)
    fees = models.CharField(_("fees (HSDS, deprecated)"), max_length=250, blank=True)
    accreditations = models.TextField(_("accreditations"), blank=True)
    eligibility_description = models.TextField(_("who can use it"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    assured_date = models.DateField(_("quality-assured on"), null=True, blank=True)
    assurer_email = models.EmailField(_("quality assurer's e-mail"), blank=True)
    licenses = models.CharField(_("licences"), max_length=250, blank=True)
    alert = models.TextField(_("alert"), blank=True, help_text=_("A temporary notice shown on top."))
    last_modified = models.DateTimeField(_("last modified"), default=timezone.now)
    is_free = models.BooleanField(_("free of charge"), default=False, db_index=True)
    terms = models.ManyToManyField(
        TaxonomyTerm,
        through="ServiceAttribute",
        related_name="services",
        verbose_name=_("needs and categories"),
    )
    extra = models.JSONField(default=dict, blank=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [models.Index(fields=["state", "last_verified_at"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portal:service_detail", args=[self.pk])


class ServiceAttribute(models.Model):
    """A taxonomy term attached to a service (HSDS attribute with link_entity = service)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes")
    link_type = models.CharField(max_length=100, blank=True)
    value = models.CharField(max_length=250, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        constraints = [
            models.UniqueConstraint(fields=["service", "taxonomy_term"], name="service_term_unique")
        ]

    def __str__(self):
        return f"{self.service_id} → {self.taxonomy_term_id}"


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("Physical place")
    POSTAL = "postal", _("Postal address")
    VIRTUAL = "virtual", _("Online")


class Location(Translatable):
    """A place where services are delivered (HSDS location), linked to an Italian municipality when known."""

    TRANSLATABLE_FIELDS = ("description", "transportation")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location_type = models.CharField(
        _("type"), max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    url = models.CharField(_("web address"), max_length=500, blank=True)
    organization = models.ForeignKey(
        DirectoryOrganization, on_delete=models.CASCADE, null=True, blank=True, related_name="locations"
    )
    name = models.CharField(_("name"), max_length=250, blank=True)
    alternate_name = models.CharField(_("alternate name"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(_("how to get there"), blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    external_identifier = models.CharField(max_length=250, blank=True)
    external_identifier_type = models.CharField(max_length=100, blank=True)
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directory_locations",
        verbose_name=_("municipality"),
    )
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self):
        return self.name or str(self.id)


class Address(models.Model):
    """A street or postal address of a location (HSDS address)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=250, blank=True)
    address_1 = models.CharField(_("address"), max_length=250)
    address_2 = models.CharField(_("address, line 2"), max_length=250, blank=True)
    city = models.CharField(_("city"), max_length=120)
    region = models.CharField(_("region"), max_length=120, blank=True)
    state_province = models.CharField(_("province"), max_length=120)
    postal_code = models.CharField(_("postcode"), max_length=20)
    country = models.CharField(_("country"), max_length=2)
    address_type = models.CharField(_("type"), max_length=10, choices=LocationType.choices)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self):
        return ", ".join(p for p in (self.address_1, self.postal_code, self.city) if p)


class ServiceAtLocation(models.Model):
    """A service delivered at a location (HSDS service_at_location)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(_("description"), blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")

    def __str__(self):
        return f"{self.service_id} @ {self.location_id}"


class Contact(models.Model):
    """A person or office to contact (HSDS contact)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        DirectoryOrganization, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.name or self.department or self.email or str(self.id)


class Phone(Translatable):
    """A phone number (HSDS phone) of an organisation, service, location, contact or service at a location."""

    TRANSLATABLE_FIELDS = ("description",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    organization = models.ForeignKey(
        DirectoryOrganization, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(_("number"), max_length=60)
    extension = models.PositiveIntegerField(_("extension"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")

    def __str__(self):
        return self.number


class ServiceLanguage(models.Model):
    """A language spoken at a service, location or phone line (HSDS language)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    code = models.CharField(_("code"), max_length=12, blank=True, db_index=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")

    def __str__(self):
        return self.name or self.code


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class Schedule(Translatable):
    """When a service or location is open (HSDS schedule, RFC 5545 recurrence), or by appointment only."""

    TRANSLATABLE_FIELDS = ("description", "notes")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.FloatField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True)
    freq = models.CharField(_("frequency"), max_length=10, blank=True)
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(_("days"), max_length=40, blank=True, help_text=_("e.g. MO,TU,WE"))
    byweekno = models.CharField(max_length=100, blank=True)
    bymonthday = models.CharField(max_length=100, blank=True)
    byyearday = models.CharField(max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    schedule_link = models.CharField(max_length=500, blank=True)
    attending_type = models.CharField(max_length=250, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    by_appointment_only = models.BooleanField(_("by appointment only"), default=False)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["byday", "opens_at"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self):
        if self.by_appointment_only:
            return str(_("By appointment only"))
        return f"{self.byday} {self.opens_at or ''}-{self.closes_at or ''}"

    def days(self) -> list[str]:
        return [d for d in self.byday.split(",") if d in WEEKDAYS]

    def is_open_at(self, moment: datetime.datetime) -> bool:
        if self.by_appointment_only or self.opens_at is None or self.closes_at is None:
            return False
        day = moment.date()
        if (self.valid_from and day < self.valid_from) or (self.valid_to and day > self.valid_to):
            return False
        if WEEKDAYS[day.weekday()] not in self.days():
            return False
        return self.opens_at <= moment.time() < self.closes_at


class ServiceArea(models.Model):
    """The territory a service covers (HSDS service_area): a municipality, a province or the whole region."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(_("name"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=40, blank=True)
    uri = models.CharField(max_length=500, blank=True)
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    province = models.ForeignKey(
        "territory.Province", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    whole_region = models.BooleanField(_("the whole region"), default=False)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")

    def __str__(self):
        return self.name or str(self.municipality or self.province or "")


class RequiredDocument(Translatable):
    """A document to bring (HSDS required_document)."""

    TRANSLATABLE_FIELDS = ("document",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="required_documents")
    document = models.CharField(_("document"), max_length=500)
    uri = models.CharField(_("link"), max_length=500, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("document to bring")
        verbose_name_plural = _("documents to bring")

    def __str__(self):
        return self.document


class CostOption(Translatable):
    """A price or fee of a service (HSDS cost_option)."""

    TRANSLATABLE_FIELDS = ("option", "amount_description")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.CharField(_("option"), max_length=250, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(_("amount description"), max_length=500, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("cost")
        verbose_name_plural = _("costs")

    def __str__(self):
        return self.option or str(self.amount)


class Accessibility(Translatable):
    """Accessibility of a location (HSDS accessibility): step-free access, hearing loop…"""

    TRANSLATABLE_FIELDS = ("description", "details")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(_("description"), blank=True)
    details = models.TextField(_("details"), blank=True)
    url = models.CharField(max_length=500, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("accessibility")
        verbose_name_plural = _("accessibility")

    def __str__(self):
        return self.description[:60]


# --- Qualified information pages ---------------------------------------------------------------------------


class ArticleQuerySet(EditorialQuerySet):
    pass


class Article(Translatable, Editorial):
    """A qualified information page (scheda informativa), e.g. how to renew a residence permit in Napoli."""

    TRANSLATABLE_FIELDS = ("title", "summary", "body")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400)
    body = models.TextField(
        _("text"),
        help_text=_("Paragraphs separated by a blank line; lines starting with '- ' or '1. ' are lists."),
    )
    needs = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="articles", verbose_name=_("needs"))
    services = models.ManyToManyField(
        Service, blank=True, related_name="articles", verbose_name=_("related services")
    )
    province = models.ForeignKey(
        "territory.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portal:article_detail", args=[self.slug])


# --- Version history and proposals -------------------------------------------------------------------------


class RevisionStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    PENDING = "pending", _("Waiting for an editor")
    REJECTED = "rejected", _("Rejected")


class RevisionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=RevisionStatus.PENDING)

    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Revision(models.Model):
    """A version of a directory record: applied (the history) or proposed by a partner and awaiting an editor."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.UUIDField(db_index=True)
    number = models.PositiveIntegerField(_("version"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RevisionStatus.choices, db_index=True)
    state = models.CharField(_("editorial state"), max_length=10, choices=EditorialState.choices)
    snapshot = models.JSONField(_("content"), default=dict)
    changed_fields = models.JSONField(default=list)
    minor_edit = models.BooleanField(_("minor edit"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=500, blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        indexes = [models.Index(fields=["content_type", "object_id", "status"])]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id} v{self.number or '?'} ({self.status})"

    @property
    def target(self):
        return self.content_type.get_object_for_this_type(pk=self.object_id)


# --- Public search index -----------------------------------------------------------------------------------


class SearchEntry(models.Model):
    """The searchable text of a published service in one language, normalised (lower case, no accents).

    Rebuilt by `directory.search.index_service` whenever a service or its translations change; only
    published services have entries. Filters read the service row, so an entry holds text only.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="search_entries")
    language = models.CharField(max_length=12)
    name = models.TextField()
    body = models.TextField()
    # A copy of the service's last verification, so the portal's "verified recently enough" test reads the
    # entry alone (the cut-off moves with time and settings, so it is applied when searching, not indexing).
    verified_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "language"], name="search_entry_unique")]
        indexes = [models.Index(fields=["language", "service"])]

    def __str__(self):
        return f"{self.service_id} [{self.language}]"


# --- Feedback and usage -------------------------------------------------------------------------------------


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class WaitTime(models.TextChoices):
    NONE = "none", _("No wait")
    DAYS = "days", _("A few days")
    WEEKS = "weeks", _("One to four weeks")
    MONTHS = "months", _("More than a month")
    UNKNOWN = "unknown", _("I don't know")


class ModerationStatus(models.TextChoices):
    PENDING = "pending", _("To moderate")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ServiceFeedbackQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=ModerationStatus.APPROVED)

    def pending(self):
        return self.filter(status=ModerationStatus.PENDING)


class ServiceFeedback(models.Model):
    """An anonymous opinion on a service from the portal. Only the day is kept: nothing links it to a visitor."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="feedback")
    submitted_on = models.DateField(_("day"), default=timezone.localdate)
    language = models.CharField(_("language"), max_length=12)
    useful = models.CharField(_("was it useful?"), max_length=8, choices=Answer.choices)
    could_access = models.CharField(_("could you access it?"), max_length=8, choices=Answer.choices)
    wait_time = models.CharField(_("waiting time"), max_length=8, choices=WaitTime.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    status = models.CharField(
        _("moderation"), max_length=8, choices=ModerationStatus.choices, default=ModerationStatus.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(_("moderated on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = ServiceFeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        verbose_name = _("service feedback")
        verbose_name_plural = _("service feedback")
        indexes = [
            models.Index(fields=["service", "status"]),
            models.Index(fields=["status", "submitted_on"]),
        ]

    def __str__(self):
        return f"{self.service_id} {self.submitted_on}"


class PageCount(models.Model):
    """How many times a portal page was shown on a day, in a language. No visitor data at all."""

    day = models.DateField(_("day"))
    page = models.CharField(_("page"), max_length=60)
    key = models.CharField(_("record"), max_length=120, blank=True, default="")
    language = models.CharField(_("language"), max_length=12)
    count = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("page count")
        verbose_name_plural = _("page counts")
        constraints = [
            models.UniqueConstraint(fields=["day", "page", "key", "language"], name="page_count_unique")
        ]

    def __str__(self):
        return f"{self.day} {self.page} {self.key} [{self.language}] {self.count}"
