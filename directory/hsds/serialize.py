"""Directory records → HSDS 3.0 objects (plain dicts ready for JSON), for the API and the full export.

Conventions (docs/hsds.md says the same):
- empty optional fields are left out (no `""`, no `null`), so `uri`/`email` formats always validate; the
  fields a schema requires are always present;
- numbers that are whole come out as integers (`100`, not `100.0`); date-times in UTC with `Z`;
- whatever a record keeps in `extra` (funding, program, metadata, identifiers, attributes that are not taxonomy
  terms, unknown properties of an imported dataset) is merged back verbatim, after the modelled fields, which
  win when both have a key;
- foreign-key identifiers that nesting already says (`service_id` of a phone inside a service…) are not repeated;
- texts listed in a model's `TRANSLATABLE_FIELDS` come in `language` when a translation exists, else Italian;
- `Schedule.by_appointment_only` is an attribute of the schedule: `link_entity: "schedule"`,
  `link_type: "interazioni:by_appointment_only"`, `value: "true"`;
- a service marked free of charge without any cost option of amount 0 gets one (`amount: 0`), so `is_free`
  survives the round trip through HSDS.

Lists are serialised from querysets prefetched by the `*_queryset` helpers: a constant number of queries per
page, whatever its size.
"""

from __future__ import annotations

import datetime
import decimal
import math
import uuid
from urllib.parse import urlsplit

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext

from directory.models import (
    ITALIAN,
    Accessibility,
    Address,
    Contact,
    CostOption,
    DirectoryOrganization,
    Location,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
    Translation,
)
from directory.reference import NAMESPACE
from directory.search import public_services

HSDS_VERSION = "3.0"
BY_APPOINTMENT_LINK_TYPE = "interazioni:by_appointment_only"

SERVICE_FIELDS = (
    "id",
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "interpretation_services",
    "application_process",
    "fees_description",
    "wait_time",
    "fees",
    "accreditations",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "assurer_email",
    "licenses",
    "alert",
    "last_modified",
)
ORGANIZATION_FIELDS = (
    "id",
    "name",
    "alternate_name",
    "description",
    "email",
    "website",
    "tax_status",
    "tax_id",
    "year_incorporated",
    "legal_status",
    "logo",
    "uri",
)
LOCATION_FIELDS = (
    "id",
    "location_type",
    "url",
    "name",
    "alternate_name",
    "description",
    "transportation",
    "latitude",
    "longitude",
    "external_identifier",
    "external_identifier_type",
)
ADDRESS_FIELDS = (
    "id",
    "attention",
    "address_1",
    "address_2",
    "city",
    "region",
    "state_province",
    "postal_code",
    "country",
    "address_type",
)
PHONE_FIELDS = ("id", "number", "extension", "type", "description")
CONTACT_FIELDS = ("id", "name", "title", "department", "email")
LANGUAGE_FIELDS = ("id", "name", "code", "note")
ACCESSIBILITY_FIELDS = ("id", "description", "details", "url")
SCHEDULE_FIELDS = (
    "id",
    "valid_from",
    "valid_to",
    "dtstart",
    "timezone",
    "until",
    "count",
    "wkst",
    "freq",
    "interval",
    "byday",
    "byweekno",
    "bymonthday",
    "byyearday",
    "description",
    "opens_at",
    "closes_at",
    "schedule_link",
    "attending_type",
    "notes",
)
SERVICE_AREA_FIELDS = ("id", "name", "description", "extent", "extent_type", "uri")
COST_OPTION_FIELDS = ("id", "valid_from", "valid_to", "option", "currency", "amount", "amount_description")
REQUIRED_DOCUMENT_FIELDS = ("id", "document", "uri")
SAL_FIELDS = ("id", "description")
TAXONOMY_FIELDS = ("id", "name", "description", "uri", "version")
TERM_FIELDS = ("id", "code", "name", "description")

# Fields the schemas require: always written, even when empty.
REQUIRED = {
    "service": {"id", "name", "status"},
    "organization": {"id", "name", "description"},
    "location": {"id", "location_type"},
    "address": {"id", "address_1", "city", "state_province", "postal_code", "country", "address_type"},
    "phone": {"id", "number"},
    "taxonomy": {"id", "name", "description"},
    "taxonomy_term": {"id", "name", "description"},
}
URI_FIELDS = {"url", "website", "uri", "schedule_link", "term_uri"}
URI_EXCEPTIONS = {("service_area", "uri")}  # service_area.uri has no format in the schema
EMAIL_FIELDS = {"email", "assurer_email"}

_MISSING = object()
PREFETCHED = "hsds_"
# Where `Translatable.translated()` looks for already-fetched translation rows (a plain list).
TRANSLATION_CACHE = "_translation_rows_cache"


# --- values ------------------------------------------------------------------------------------------------


def json_value(value):
    """A model value as JSON: whole numbers as int, UTC date-times with Z, '' and None as missing."""
    if value is None or value == "":
        return _MISSING
    if isinstance(value, bool):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        value = value.astimezone(datetime.UTC)
        text = value.isoformat(timespec="milliseconds" if value.microsecond else "seconds")
        return text.replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, (decimal.Decimal, float)):
        if not math.isfinite(value):
            return _MISSING
        if value == int(value):
            return int(value)
        return float(value)
    return value


def _uri(value: str):
    """A web address as an absolute URI: `www.example.org` gains `https://`; text that is no address is dropped."""
    value = value.strip()
    if not value or " " in value:
        return _MISSING
    if "://" in value or value.startswith(("mailto:", "tel:", "urn:")):
        return value if urlsplit(value).scheme else _MISSING
    if "." not in value:
        return _MISSING
    return "https://" + value


def _email(value: str):
    value = value.strip()
    return value if value and "@" in value and " " not in value else _MISSING


def _scalars(obj, fields, kind: str, language: str | None) -> dict:
    required = REQUIRED.get(kind, {"id"})
    translatable = getattr(obj, "TRANSLATABLE_FIELDS", ())
    out = {}
    for name in fields:
        raw = obj.translated(name, language) if name in translatable else getattr(obj, name)
        if isinstance(raw, str) and name in URI_FIELDS and (kind, name) not in URI_EXCEPTIONS:
            value = _uri(raw)
        elif isinstance(raw, str) and name in EMAIL_FIELDS:
            value = _email(raw)
        else:
            value = json_value(raw)
        if value is _MISSING:
            if name in required:
                out[name] = ""
            continue
        out[name] = value
    return out


def _merge_extra(out: dict, extra: dict, *, lists: bool = True) -> dict:
    """Add the kept HSDS properties; `lists=False` keeps only one-to-one ones (for list representations)."""
    for key, value in (extra or {}).items():
        if key == "attributes":
            continue
        if not lists and isinstance(value, list):
            continue
        out.setdefault(key, value)
    return out


def _extra_attributes(extra: dict) -> list:
    attributes = (extra or {}).get("attributes")
    return list(attributes) if isinstance(attributes, list) else []


def _put_list(out: dict, key: str, items: list) -> None:
    if items:
        out[key] = items


def _rel(obj, name: str) -> list:
    """A to-many relation, from the list a `*_queryset` helper prefetched (`hsds_<name>`), else queried.

    Prefetching into plain lists (`to_attr`) spares Django a queryset per record, which for a page of fully
    nested services costs more than the queries themselves.
    """
    cached = getattr(obj, PREFETCHED + name, None)
    if cached is None:
        cached = list(getattr(obj, name).all())
        setattr(obj, PREFETCHED + name, cached)
    return cached


def _p(name: str, queryset) -> Prefetch:
    return Prefetch(name, queryset=queryset, to_attr=PREFETCHED + name)


def _tr(language: str | None) -> list:
    """The prefetch of a record's translations in `language` (none needed for Italian)."""
    if not language or language == ITALIAN:
        return []
    return [
        Prefetch(
            "translations", queryset=Translation.objects.filter(language=language), to_attr=TRANSLATION_CACHE
        )
    ]


# --- small parts -------------------------------------------------------------------------------------------


def language_dict(item) -> dict:
    out = _scalars(item, LANGUAGE_FIELDS, "language", None)
    _put_list(out, "attributes", _extra_attributes(item.extra))
    return _merge_extra(out, item.extra)


def phone_dict(phone: Phone, language=None) -> dict:
    out = _scalars(phone, PHONE_FIELDS, "phone", language)
    _put_list(out, "languages", [language_dict(item) for item in _rel(phone, "languages")])
    _put_list(out, "attributes", _extra_attributes(phone.extra))
    return _merge_extra(out, phone.extra)


def contact_dict(contact: Contact, language=None) -> dict:
    out = _scalars(contact, CONTACT_FIELDS, "contact", language)
    _put_list(out, "phones", [phone_dict(p, language) for p in _rel(contact, "phones")])
    _put_list(out, "attributes", _extra_attributes(contact.extra))
    return _merge_extra(out, contact.extra)


def by_appointment_attribute(schedule: Schedule) -> dict:
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"by-appointment:{schedule.pk}")),
        "link_id": str(schedule.pk),
        "link_entity": "schedule",
        "link_type": BY_APPOINTMENT_LINK_TYPE,
        "value": "true",
    }


def schedule_dict(schedule: Schedule, language=None) -> dict:
    out = _scalars(schedule, SCHEDULE_FIELDS, "schedule", language)
    attributes = _extra_attributes(schedule.extra)
    if schedule.by_appointment_only:
        attributes.insert(0, by_appointment_attribute(schedule))
    _put_list(out, "attributes", attributes)
    return _merge_extra(out, schedule.extra)


def address_dict(address) -> dict:
    out = _scalars(address, ADDRESS_FIELDS, "address", None)
    _put_list(out, "attributes", _extra_attributes(address.extra))
    return _merge_extra(out, address.extra)


def accessibility_dict(item: Accessibility, language=None) -> dict:
    out = _scalars(item, ACCESSIBILITY_FIELDS, "accessibility", language)
    _put_list(out, "attributes", _extra_attributes(item.extra))
    return _merge_extra(out, item.extra)


def service_area_dict(area: ServiceArea) -> dict:
    out = _scalars(area, SERVICE_AREA_FIELDS, "service_area", None)
    if "name" not in out:
        # A name the importer maps back to the same place (see importer._area_of).
        name = None
        if area.municipality is not None:
            name = area.municipality.name
        elif area.province is not None:
            name = f"Provincia di {area.province.name}"
        elif area.whole_region:
            name = "Campania"
        if name:
            out = {"id": out["id"], "name": name, **{k: v for k, v in out.items() if k != "id"}}
    _put_list(out, "attributes", _extra_attributes(area.extra))
    return _merge_extra(out, area.extra)


def cost_option_dict(option: CostOption, language=None) -> dict:
    out = _scalars(option, COST_OPTION_FIELDS, "cost_option", language)
    _put_list(out, "attributes", _extra_attributes(option.extra))
    return _merge_extra(out, option.extra)


def free_cost_option(service: Service, language=None) -> dict:
    with translation.override(language or ITALIAN):
        option = gettext("Free of charge")
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"free:{service.pk}")),
        "option": option,
        "currency": "EUR",
        "amount": 0,
    }


def required_document_dict(document: RequiredDocument, language=None) -> dict:
    out = _scalars(document, REQUIRED_DOCUMENT_FIELDS, "required_document", language)
    _put_list(out, "attributes", _extra_attributes(document.extra))
    return _merge_extra(out, document.extra)


# --- taxonomies ------------------------------------------------------------------------------------------


def taxonomy_dict(taxonomy: Taxonomy) -> dict:
    out = _scalars(taxonomy, TAXONOMY_FIELDS, "taxonomy", None)
    return _merge_extra(out, taxonomy.extra)


def taxonomy_term_dict(term: TaxonomyTerm, language=None) -> dict:
    out = _scalars(term, TERM_FIELDS, "taxonomy_term", language)
    if term.parent_id:
        out["parent_id"] = str(term.parent_id)
    if term.taxonomy_name:
        out["taxonomy"] = term.taxonomy_name
    if term.taxonomy_id:
        out["taxonomy_detail"] = taxonomy_dict(term.taxonomy)
    term_language = term.language
    if language and language != ITALIAN and term.translation_of("name", language):
        term_language = language
    if term_language:
        out["language"] = term_language
    if term.term_uri:
        uri = _uri(term.term_uri)
        if uri is not _MISSING:
            out["term_uri"] = uri
    return _merge_extra(out, term.extra)


def attribute_dict(attribute: ServiceAttribute, language=None) -> dict:
    out = {"id": str(attribute.pk)}
    if attribute.link_type:
        out["link_type"] = attribute.link_type
    out["link_entity"] = attribute.extra.get("link_entity", "service")
    if attribute.value:
        out["value"] = attribute.value
    out["taxonomy_term"] = taxonomy_term_dict(attribute.taxonomy_term, language)
    return _merge_extra(out, attribute.extra)


# --- locations -------------------------------------------------------------------------------------------


def location_basic(location: Location, language=None) -> dict:
    out = _scalars(location, LOCATION_FIELDS, "location", language)
    return _merge_extra(out, location.extra, lists=False)


def location_full(location: Location, language=None) -> dict:
    out = _scalars(location, LOCATION_FIELDS, "location", language)
    _put_list(out, "languages", [language_dict(item) for item in _rel(location, "languages")])
    _put_list(out, "addresses", [address_dict(a) for a in _rel(location, "addresses")])
    _put_list(out, "contacts", [contact_dict(c, language) for c in _rel(location, "contacts")])
    _put_list(
        out, "accessibility", [accessibility_dict(a, language) for a in _rel(location, "accessibility")]
    )
    _put_list(out, "phones", [phone_dict(p, language) for p in _rel(location, "phones")])
    _put_list(out, "schedules", [schedule_dict(s, language) for s in _rel(location, "schedules")])
    _put_list(out, "attributes", _extra_attributes(location.extra))
    return _merge_extra(out, location.extra)


# --- organizations ---------------------------------------------------------------------------------------


def _organization_scalars(org: DirectoryOrganization, language) -> dict:
    out = _scalars(org, ORGANIZATION_FIELDS, "organization", language)
    parent = org.parent_organization_id or org.parent_organization_ref
    if parent:
        out["parent_organization_id"] = str(parent)
    return out


def organization_basic(org: DirectoryOrganization, language=None) -> dict:
    return _merge_extra(_organization_scalars(org, language), org.extra, lists=False)


def organization_full(org: DirectoryOrganization, language=None, *, services: str | None = None) -> dict:
    """`services`: None (no `services` array), "basic" or "full" (from `public_service_list`, prefetched)."""
    out = _organization_scalars(org, language)
    _put_list(out, "contacts", [contact_dict(c, language) for c in _rel(org, "contacts")])
    _put_list(out, "phones", [phone_dict(p, language) for p in _rel(org, "phones")])
    _put_list(out, "locations", [location_full(loc, language) for loc in _public_location_list(org)])
    _put_list(out, "attributes", _extra_attributes(org.extra))
    _merge_extra(out, org.extra)
    if services == "basic":
        out["services"] = [service_basic(s, language, organization=False) for s in _public_service_list(org)]
    elif services == "full":
        out["services"] = [service_full(s, language, organization=None) for s in _public_service_list(org)]
    return out


def _public_location_list(org):
    # Prefetched by `organization_queryset`; a plain record costs a query.
    if not hasattr(org, "public_location_list"):
        org.public_location_list = list(public_locations().filter(organization=org).order_by("name", "pk"))
    return org.public_location_list


def _public_service_list(org):
    if not hasattr(org, "public_service_list"):
        org.public_service_list = list(public_services().filter(organization=org).order_by("name", "pk"))
    return org.public_service_list


# --- services --------------------------------------------------------------------------------------------


def service_basic(service: Service, language=None, *, organization: bool = True) -> dict:
    """The one-to-one fields (HSDS list representation), with the organization's own one-to-one fields."""
    out = _scalars(service, SERVICE_FIELDS, "service", language)
    if organization:
        out["organization"] = organization_basic(service.organization, language)
    return _merge_extra(out, service.extra, lists=False)


def sal_in_service(sal: ServiceAtLocation, language=None) -> dict:
    out = _scalars(sal, SAL_FIELDS, "service_at_location", None)
    _put_list(out, "contacts", [contact_dict(c, language) for c in _rel(sal, "contacts")])
    _put_list(out, "phones", [phone_dict(p, language) for p in _rel(sal, "phones")])
    _put_list(out, "schedules", [schedule_dict(s, language) for s in _rel(sal, "schedules")])
    out["location"] = location_full(sal.location, language)
    _put_list(out, "attributes", _extra_attributes(sal.extra))
    return _merge_extra(out, sal.extra)


def service_full(
    service: Service,
    language=None,
    *,
    organization: str | None = "full",
    service_at_locations: bool = True,
    org_cache: dict | None = None,
) -> dict:
    """A fully nested service. `organization`: "full" (nested, without its services), "id"
    (`organization_id` only, as in the export) or None (inside an organization)."""
    out = _scalars(service, SERVICE_FIELDS, "service", language)
    if organization == "id":
        out = {"id": out["id"], "organization_id": str(service.organization_id), **out}
    _put_list(out, "phones", [phone_dict(p, language) for p in _rel(service, "phones")])
    _put_list(out, "schedules", [schedule_dict(s, language) for s in _rel(service, "schedules")])
    _put_list(out, "service_areas", [service_area_dict(a) for a in _rel(service, "service_areas")])
    if service_at_locations:
        _put_list(
            out,
            "service_at_locations",
            [sal_in_service(sal, language) for sal in _rel(service, "service_at_locations")],
        )
    _put_list(out, "languages", [language_dict(item) for item in _rel(service, "languages")])
    if organization == "full":
        if org_cache is not None and service.organization_id in org_cache:
            out["organization"] = org_cache[service.organization_id]
        else:
            out["organization"] = organization_full(service.organization, language)
            if org_cache is not None:
                org_cache[service.organization_id] = out["organization"]
    costs = [cost_option_dict(c, language) for c in _rel(service, "cost_options")]
    if service.is_free and not any(
        c.amount is not None and c.amount == 0 for c in _rel(service, "cost_options")
    ):
        costs.insert(0, free_cost_option(service, language))
    _put_list(out, "cost_options", costs)
    _put_list(
        out,
        "required_documents",
        [required_document_dict(d, language) for d in _rel(service, "required_documents")],
    )
    _put_list(out, "contacts", [contact_dict(c, language) for c in _rel(service, "contacts")])
    attributes = [attribute_dict(a, language) for a in _rel(service, "attributes")]
    _put_list(out, "attributes", attributes + _extra_attributes(service.extra))
    return _merge_extra(out, service.extra)


# --- services at locations -------------------------------------------------------------------------------


def sal_basic(sal: ServiceAtLocation, language=None) -> dict:
    out = _scalars(sal, SAL_FIELDS, "service_at_location", None)
    out["location"] = location_basic(sal.location, language)
    out["service"] = service_basic(sal.service, language)
    return _merge_extra(out, sal.extra, lists=False)


def sal_full(sal: ServiceAtLocation, language=None, *, org_cache: dict | None = None) -> dict:
    out = sal_in_service(sal, language)
    service = service_full(sal.service, language, service_at_locations=False, org_cache=org_cache)
    # Keep `service` after the modelled arrays and before the kept extra properties, as in the HSDS example.
    extra_keys = [k for k in out if k in (sal.extra or {}) and k != "attributes"]
    tail = {k: out.pop(k) for k in extra_keys}
    out["service"] = service
    out.update(tail)
    return out


# --- querysets with everything a serialiser reads ----------------------------------------------------------


def _phones(language):
    return Phone.objects.prefetch_related(
        _p("languages", ServiceLanguage.objects.order_by("pk")), *_tr(language)
    ).order_by("pk")


def _contacts(language):
    return Contact.objects.prefetch_related(_p("phones", _phones(language))).order_by("pk")


def _schedules(language):
    return Schedule.objects.prefetch_related(*_tr(language)).order_by("byday", "opens_at", "pk")


def _locations(language):
    return Location.objects.prefetch_related(
        *_tr(language),
        _p("languages", ServiceLanguage.objects.order_by("pk")),
        _p("addresses", Address.objects.order_by("pk")),
        _p("contacts", _contacts(language)),
        _p("accessibility", Accessibility.objects.prefetch_related(*_tr(language)).order_by("pk")),
        _p("phones", _phones(language)),
        _p("schedules", _schedules(language)),
    )


def _sal_parts(language) -> list:
    return [
        Prefetch("location", queryset=_locations(language)),
        _p("contacts", _contacts(language)),
        _p("phones", _phones(language)),
        _p("schedules", _schedules(language)),
    ]


def _sals(language):
    return ServiceAtLocation.objects.prefetch_related(*_sal_parts(language)).order_by("pk")


def _terms(language):
    return TaxonomyTerm.objects.select_related("taxonomy").prefetch_related(*_tr(language))


def public_locations():
    """Locations with no service at all, or with at least one public service: never a draft's new office."""
    at = ServiceAtLocation.objects.filter(location=OuterRef("pk"))
    return Location.objects.filter(~Exists(at) | Exists(at.filter(service__in=public_services())))


def organization_queryset(language=None, *, services: str | None = None, base=None):
    """Organisations prefetched for `organization_full` (`services`: None, "basic" or "full")."""
    base = base if base is not None else DirectoryOrganization.objects.all()
    prefetches = [
        *_tr(language),
        _p("contacts", _contacts(language)),
        _p("phones", _phones(language)),
        Prefetch(
            "locations",
            queryset=_locations(language)
            .filter(pk__in=public_locations().values("pk"))
            .order_by("name", "pk"),
            to_attr="public_location_list",
        ),
    ]
    if services == "basic":
        prefetches.append(
            Prefetch(
                "services",
                queryset=public_services().prefetch_related(*_tr(language)).order_by("name", "pk"),
                to_attr="public_service_list",
            )
        )
    elif services == "full":
        prefetches.append(
            Prefetch(
                "services",
                queryset=service_queryset(language, organization=None).order_by("name", "pk"),
                to_attr="public_service_list",
            )
        )
    return base.prefetch_related(*prefetches)


def service_queryset(
    language=None, *, organization: str | None = "full", service_at_locations: bool = True, base=None
):
    """Public services prefetched for `service_full` (organization "full", "id" or None)."""
    base = base if base is not None else public_services()
    prefetches = [
        *_tr(language),
        _p("phones", _phones(language)),
        _p("schedules", _schedules(language)),
        _p("service_areas", ServiceArea.objects.select_related("municipality", "province").order_by("pk")),
        _p("languages", ServiceLanguage.objects.order_by("pk")),
        _p("cost_options", CostOption.objects.prefetch_related(*_tr(language)).order_by("pk")),
        _p("required_documents", RequiredDocument.objects.prefetch_related(*_tr(language)).order_by("pk")),
        _p("contacts", _contacts(language)),
        _p(
            "attributes",
            ServiceAttribute.objects.prefetch_related(
                Prefetch("taxonomy_term", queryset=_terms(language))
            ).order_by("pk"),
        ),
    ]
    if service_at_locations:
        prefetches.append(_p("service_at_locations", _sals(language)))
    if organization == "full":
        prefetches.append(Prefetch("organization", queryset=organization_queryset(language)))
    return base.prefetch_related(*prefetches)


def organization_basic_queryset(language=None, ids=None):
    base = (
        DirectoryOrganization.objects.all()
        if ids is None
        else DirectoryOrganization.objects.filter(pk__in=ids)
    )
    return base.prefetch_related(*_tr(language))


def service_basic_queryset(language=None, base=None):
    base = base if base is not None else public_services()
    return base.prefetch_related(
        *_tr(language),
        Prefetch("organization", queryset=DirectoryOrganization.objects.prefetch_related(*_tr(language))),
    )


def sal_basic_queryset(language=None, base=None):
    base = base if base is not None else ServiceAtLocation.objects.filter(service__in=public_services())
    return base.prefetch_related(
        Prefetch("location", queryset=Location.objects.prefetch_related(*_tr(language))),
        Prefetch("service", queryset=service_basic_queryset(language, base=Service.objects.all())),
    )


def sal_full_queryset(language=None, base=None):
    base = base if base is not None else ServiceAtLocation.objects.filter(service__in=public_services())
    return base.prefetch_related(
        *_sal_parts(language),
        Prefetch(
            "service",
            queryset=service_queryset(language, service_at_locations=False, base=Service.objects.all()),
        ),
    )


def taxonomy_term_queryset(language=None, base=None):
    base = base if base is not None else TaxonomyTerm.objects.all()
    return base.select_related("taxonomy").prefetch_related(*_tr(language))
