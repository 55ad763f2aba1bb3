"""The public HSDS 3.0 API under /api/hsds/: the endpoints of Open Referral's `schema/openapi.json`, read-only.

No authentication: it serves only what the portal shows (`directory.directory_search.public_services()`: published,
verified recently, not inactive or defunct; the organisations that have such a service; every taxonomy and
term). Lists use the HSDS Page envelope; `per_page` is at most 100 (1,000 with `minimal=true`).
`?lang=fr` (an extension) gives the texts in that language where translated, Italian elsewhere.
Bad parameters answer 400/422 with a JSON `detail`; an unknown or non-public id answers 404.
docs/hsds.md describes it; the generated OpenAPI is at /api/hsds/openapi.json, the docs at /api/hsds/docs.
"""

from __future__ import annotations

import datetime
import json
import math
import uuid
from typing import Literal

from django.db.models import Avg, Exists, F, OuterRef, Q
from django.http import Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError

from directory import search as directory_search
from directory.hsds import serialize
from directory.hsds.export import public_organizations
from directory.models import (
    ITALIAN,
    Address,
    DirectoryOrganization,
    SearchEntry,
    Service,
    ServiceAtLocation,
    ServiceAttribute,
    Taxonomy,
    TaxonomyTerm,
    Translation,
)

hsds_api = NinjaAPI(
    title="InterAzioni HSDS 3.0",
    version="3.0",
    urls_namespace="hsds",
    description=(
        "The public service directory of InterAzioni (Regione Campania, FAMI 2021-2027) in Open Referral's "
        "Human Services Data Specification 3.0. Read-only, no authentication. Extension: `lang` returns the "
        "texts in one of the portal's languages (Italian where not translated)."
    ),
    docs_url="/docs",
)

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PER_PAGE_MINIMAL = 1000
MAX_SEARCH = 200
MAX_PAGE = 1_000_000  # beyond any real directory; keeps the SQL OFFSET within 64 bits
MAX_PROXIMITY_METRES = 200_000
SCHEMA_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
NDJSON_BATCH = 200


PAGE_PROPERTIES = {
    "total_items": {"type": "integer", "description": "The total number of entities in the result."},
    "total_pages": {"type": "integer", "description": "Count of total pages."},
    "page_number": {"type": "integer", "description": "The number of the current page."},
    "size": {"type": "integer", "description": "The number of entities in the current page."},
    "first_page": {"type": "boolean", "description": "Whether this is the first page."},
    "last_page": {"type": "boolean", "description": "Whether this is the last page."},
    "empty": {"type": "boolean", "description": "Whether this page is empty."},
}


def _response_schema(description: str, ref: str | None = None, page: bool = False, schema=None) -> dict:
    """The HSDS response schema of an endpoint for the generated OpenAPI (the views return plain dicts)."""
    if schema is None:
        schema = {"$ref": SCHEMA_URL + ref}
    if page:
        schema = {
            "type": "object",
            "properties": {**PAGE_PROPERTIES, "contents": {"type": "array", "items": schema}},
        }
    return {
        "responses": {200: {"description": description, "content": {"application/json": {"schema": schema}}}}
    }


META_SCHEMA = {
    "type": "object",
    "properties": {
        "version": {"type": "string", "description": "HSDS version of this API."},
        "profile": {"type": "string", "format": "uri", "description": "Page about this API's data."},
        "openapi_url": {"type": "string", "format": "uri", "description": "This API's OpenAPI description."},
    },
}


# --- query parameters (the names and meanings of HSDS `openapi.json`) ---------------------------------------

LANG = Field(
    None, description="Language of the texts (extension), e.g. fr, ar; Italian where not translated."
)


class Paging(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    per_page: int = Field(DEFAULT_PER_PAGE, ge=1, description="Results per page, at most 100.")
    format: Literal["json", "ndjson"] = Field(
        "json", description="`ndjson`: every result, one JSON object a line, without paging."
    )


class ServiceFilters(Schema):
    search: str | None = Field(
        None, max_length=MAX_SEARCH, description="Full-text search in the `lang` language (Italian fallback)."
    )
    taxonomy_term_id: uuid.UUID | None = Field(None, description="Services with this term (or a child term).")
    taxonomy_id: uuid.UUID | None = Field(None, description="Services with a term of this taxonomy.")
    organization_id: uuid.UUID | None = Field(None, description="Services of this organization.")
    modified_after: datetime.datetime | None = Field(
        None, description="Services modified on or after this ISO 8601 date-time (UTC if no offset)."
    )
    lang: str | None = LANG


class ServiceListQuery(Paging, ServiceFilters):
    per_page: int = Field(
        DEFAULT_PER_PAGE, ge=1, description="Results per page, at most 100 (1,000 if minimal)."
    )
    minimal: bool = Field(False, description="Only `id` and `last_modified` of each service.")
    full: bool = Field(False, description="Fully nested services.")


class ServiceAtLocationListQuery(Paging, ServiceFilters):
    full: bool = Field(False, description="Fully nested services at locations.")
    postcode: str | None = Field(
        None, max_length=20, description="Places with an address in this postcode (CAP)."
    )
    proximity: float | None = Field(
        None, gt=0, description="Metres from the centre of the known places of `postcode` (needs postcode)."
    )


class OrganizationListQuery(Paging):
    search: str | None = Field(None, max_length=MAX_SEARCH, description="Words in the organization's name.")
    full: bool = Field(False, description="Fully nested organizations (their services as one-to-one fields).")
    full_service: bool = Field(False, description="Fully nested organizations with fully nested services.")
    lang: str | None = LANG


class TaxonomyListQuery(Paging):
    search: str | None = Field(None, max_length=MAX_SEARCH, description="Words in the taxonomy's name.")


class TaxonomyTermListQuery(Paging):
    search: str | None = Field(
        None, max_length=MAX_SEARCH, description="Words in the term's name or code, in `lang` or Italian."
    )
    taxonomy_id: uuid.UUID | None = Field(None, description="Terms of this taxonomy.")
    top_only: bool = Field(False, description="Only terms at the top of their taxonomy (without a parent).")
    parent_id: uuid.UUID | None = Field(None, description="Terms whose parent is this term.")
    lang: str | None = LANG


class LanguageQuery(Schema):
    lang: str | None = LANG


class OrganizationQuery(LanguageQuery):
    full_service: bool = Field(False, description="Services fully nested.")


# --- parameters ------------------------------------------------------------------------------------------


def _language(lang: str | None) -> str:
    if not lang:
        return ITALIAN
    if lang not in directory_search.active_languages():
        raise HttpError(
            400, f"Unknown language {lang!r}: use one of {', '.join(directory_search.active_languages())}."
        )
    return lang


def _per_page(per_page: int, minimal: bool = False) -> int:
    limit = MAX_PER_PAGE_MINIMAL if minimal else MAX_PER_PAGE
    if per_page > limit:
        raise HttpError(400, f"per_page must be at most {limit}.")
    return per_page


def _uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise Http404 from exc


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment, datetime.UTC) if timezone.is_naive(moment) else moment


def _page(ids_query, page: int, per_page: int, fetch, write) -> dict:
    """The HSDS Page envelope: `ids_query` gives the ordered ids, `fetch` the prefetched records of some ids."""
    total = ids_query.count()
    total_pages = math.ceil(total / per_page)
    start = (page - 1) * per_page
    ids = list(ids_query[start : start + per_page])
    contents = []
    if ids:
        by_id = {obj.pk: obj for obj in fetch(ids)}
        contents = [write(by_id[pk]) for pk in ids if pk in by_id]
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _ndjson(ids_query, fetch, write) -> StreamingHttpResponse:
    """Every result, one JSON object a line, without paging (`format=ndjson`)."""
    ids = list(ids_query)

    def lines():
        for start in range(0, len(ids), NDJSON_BATCH):
            chunk = ids[start : start + NDJSON_BATCH]
            by_id = {obj.pk: obj for obj in fetch(chunk)}
            for pk in chunk:
                if pk in by_id:
                    yield json.dumps(write(by_id[pk]), ensure_ascii=False) + "\n"

    return StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")


def _listing(format, ids_query, page, per_page, fetch, write):
    if format == "ndjson":
        return _ndjson(ids_query, fetch, write)
    return _page(ids_query, page, per_page, fetch, write)


def _matching_entries(text: str, language: str):
    """Search entries (the portal's index, in `language` with Italian fallback) matching every word."""
    words = directory_search.tokens(text or "")
    if not words:
        return None
    entries = SearchEntry.objects.filter(language=language)
    for word in words:
        entries = entries.filter(Q(name__contains=word) | Q(body__contains=word))
    return entries


def _filter_services(
    services, *, language, text, taxonomy_term_id, taxonomy_id, organization_id, modified_after
):
    """Filters on a queryset of services (the same for /services and, through `service`, /service_at_locations)."""
    if taxonomy_term_id:
        services = services.filter(
            Exists(
                ServiceAttribute.objects.filter(service=OuterRef("pk")).filter(
                    Q(taxonomy_term_id=taxonomy_term_id) | Q(taxonomy_term__parent_id=taxonomy_term_id)
                )
            )
        )
    if taxonomy_id:
        services = services.filter(
            Exists(
                ServiceAttribute.objects.filter(
                    service=OuterRef("pk"), taxonomy_term__taxonomy_id=taxonomy_id
                )
            )
        )
    if organization_id:
        services = services.filter(organization_id=organization_id)
    if modified_after:
        services = services.filter(last_modified__gte=_aware(modified_after))
    entries = _matching_entries(text, language)
    if entries is not None:
        services = services.filter(pk__in=entries.values("service_id"))
    return services


def _italian_url(name: str) -> str:
    with translation.override(ITALIAN):
        return reverse(name)


# --- endpoints -----------------------------------------------------------------------------------------------


@hsds_api.get(
    "/",
    summary="Information about this API and its relationship with HSDS",
    openapi_extra=_response_schema("HSDS version and links", schema=META_SCHEMA),
)
def api_meta(request):
    return {
        "version": serialize.HSDS_VERSION,
        "profile": request.build_absolute_uri(_italian_url("portal:open_data")),
        "openapi_url": request.build_absolute_uri(reverse("hsds:openapi-json")),
    }


def _minimal_services(chunk):
    return Service.objects.filter(pk__in=chunk).only("pk", "last_modified")


def _minimal_service(service) -> dict:
    return {"id": str(service.pk), "last_modified": serialize.json_value(service.last_modified)}


def _services(q: ServiceFilters, language: str):
    return _filter_services(
        directory_search.public_services(),
        language=language,
        text=q.search,
        taxonomy_term_id=q.taxonomy_term_id,
        taxonomy_id=q.taxonomy_id,
        organization_id=q.organization_id,
        modified_after=q.modified_after,
    )


@hsds_api.get(
    "/services",
    summary="Paginated list of services (one-to-one fields; full=true for fully nested ones)",
    openapi_extra=_response_schema("A page of services", "compiled/service_list.json", page=True),
)
def list_services(request, q: Query[ServiceListQuery]):
    language = _language(q.lang)
    per_page = _per_page(q.per_page, q.minimal)
    ids = _services(q, language).order_by("name", "pk").values_list("pk", flat=True)
    if q.minimal:
        fetch, write = _minimal_services, _minimal_service
    elif q.full:
        org_cache = {}

        def fetch(chunk):
            return serialize.service_queryset(language, base=Service.objects.filter(pk__in=chunk))

        def write(service):
            return serialize.service_full(service, language, org_cache=org_cache)

    else:

        def fetch(chunk):
            return serialize.service_basic_queryset(language, base=Service.objects.filter(pk__in=chunk))

        def write(service):
            return serialize.service_basic(service, language)

    return _listing(q.format, ids, q.page, per_page, fetch, write)


@hsds_api.get(
    "/services/{id}",
    summary="A fully nested service",
    openapi_extra=_response_schema("A service with all its related data", "compiled/service.json"),
)
def get_service(request, id: str, q: Query[LanguageQuery]):
    language = _language(q.lang)
    service = serialize.service_queryset(language).filter(pk=_uuid_or_404(id)).first()
    if service is None:
        raise Http404
    return serialize.service_full(service, language)


@hsds_api.get(
    "/organizations",
    summary="Paginated list of organizations",
    openapi_extra=_response_schema("A page of organizations", "compiled/organization_list.json", page=True),
)
def list_organizations(request, q: Query[OrganizationListQuery]):
    language = _language(q.lang)
    per_page = _per_page(q.per_page)
    orgs = public_organizations()
    for word in (q.search or "").split()[:8]:
        orgs = orgs.filter(Q(name__icontains=word) | Q(alternate_name__icontains=word))
    ids = orgs.order_by("name", "pk").values_list("pk", flat=True)
    if q.full or q.full_service:
        nested = "full" if q.full_service else "basic"
        return _listing(
            q.format,
            ids,
            q.page,
            per_page,
            lambda chunk: serialize.organization_queryset(
                language, services=nested, base=DirectoryOrganization.objects.filter(pk__in=chunk)
            ),
            lambda org: serialize.organization_full(org, language, services=nested),
        )
    return _listing(
        q.format,
        ids,
        q.page,
        per_page,
        lambda chunk: serialize.organization_basic_queryset(language, chunk),
        lambda org: serialize.organization_basic(org, language),
    )


@hsds_api.get(
    "/organizations/{id}",
    summary="A fully nested organization with its services (one-to-one fields, or full with full_service)",
    openapi_extra=_response_schema("An organization", "compiled/organization.json"),
)
def get_organization(request, id: str, q: Query[OrganizationQuery]):
    language = _language(q.lang)
    nested = "full" if q.full_service else "basic"
    org = (
        serialize.organization_queryset(language, services=nested, base=public_organizations())
        .filter(pk=_uuid_or_404(id))
        .first()
    )
    if org is None:
        raise Http404
    return serialize.organization_full(org, language, services=nested)


def _postcode_centroid(postcode: str):
    centre = Address.objects.filter(
        postal_code__iexact=postcode, location__latitude__isnull=False, location__longitude__isnull=False
    ).aggregate(lat=Avg("location__latitude"), lon=Avg("location__longitude"))
    if centre["lat"] is None:
        return None
    return centre["lat"], centre["lon"]


def _within(sals, centre, metres: float):
    """Services at locations within `metres` of `centre` (equirectangular distance: fine at a region's scale)."""
    latitude, longitude = centre
    degrees = metres / 111_320.0
    k = math.cos(math.radians(latitude))
    dlat = F("location__latitude") - latitude
    dlon = (F("location__longitude") - longitude) * k
    return (
        sals.filter(
            location__latitude__range=(latitude - degrees, latitude + degrees),
            location__longitude__isnull=False,
        )
        .annotate(distance2=dlat * dlat + dlon * dlon)
        .filter(distance2__lte=degrees * degrees)
    )


@hsds_api.get(
    "/service_at_locations",
    summary="Paginated list of services at locations",
    openapi_extra=_response_schema(
        "A page of services at locations", "compiled/service_at_location_list.json", page=True
    ),
)
def list_service_at_locations(request, q: Query[ServiceAtLocationListQuery]):
    language = _language(q.lang)
    per_page = _per_page(q.per_page)
    if q.proximity is not None and not q.postcode:
        raise HttpError(400, "proximity needs a postcode.")
    if q.proximity is not None and q.proximity > MAX_PROXIMITY_METRES:
        raise HttpError(400, f"proximity must be at most {MAX_PROXIMITY_METRES} metres.")
    sals = ServiceAtLocation.objects.filter(service__in=_services(q, language))
    if q.postcode:
        postcode = q.postcode.strip()
        centre = _postcode_centroid(postcode) if q.proximity is not None else None
        if centre is not None:
            sals = _within(sals, centre, q.proximity)
        else:
            sals = sals.filter(
                Exists(Address.objects.filter(location=OuterRef("location"), postal_code__iexact=postcode))
            )
    ids = sals.order_by("service__name", "location__name", "pk").values_list("pk", flat=True)
    full = q.full
    org_cache = {}

    def fetch(chunk):
        base = ServiceAtLocation.objects.filter(pk__in=chunk)
        if full:
            return serialize.sal_full_queryset(language, base=base)
        return serialize.sal_basic_queryset(language, base=base)

    def write(sal):
        return (
            serialize.sal_full(sal, language, org_cache=org_cache)
            if full
            else serialize.sal_basic(sal, language)
        )

    return _listing(q.format, ids, q.page, per_page, fetch, write)


@hsds_api.get(
    "/service_at_locations/{id}",
    summary="A fully nested service at a location",
    openapi_extra=_response_schema(
        "A service at a location with all related data", "compiled/service_at_location.json"
    ),
)
def get_service_at_location(request, id: str, q: Query[LanguageQuery]):
    language = _language(q.lang)
    sal = serialize.sal_full_queryset(language).filter(pk=_uuid_or_404(id)).first()
    if sal is None:
        raise Http404
    return serialize.sal_full(sal, language)


@hsds_api.get(
    "/taxonomies",
    summary="Paginated list of taxonomies",
    openapi_extra=_response_schema("A page of taxonomies", "taxonomy.json", page=True),
)
def list_taxonomies(request, q: Query[TaxonomyListQuery]):
    per_page = _per_page(q.per_page)
    taxonomies = Taxonomy.objects.all()
    for word in (q.search or "").split()[:8]:
        taxonomies = taxonomies.filter(name__icontains=word)
    ids = taxonomies.order_by("name", "pk").values_list("pk", flat=True)
    return _listing(
        q.format,
        ids,
        q.page,
        per_page,
        lambda chunk: Taxonomy.objects.filter(pk__in=chunk),
        serialize.taxonomy_dict,
    )


@hsds_api.get(
    "/taxonomies/{id}",
    summary="A taxonomy",
    openapi_extra=_response_schema("A taxonomy", "taxonomy.json"),
)
def get_taxonomy(request, id: str):
    taxonomy = Taxonomy.objects.filter(pk=_uuid_or_404(id)).first()
    if taxonomy is None:
        raise Http404
    return serialize.taxonomy_dict(taxonomy)


@hsds_api.get(
    "/taxonomy_terms",
    summary="Paginated list of taxonomy terms",
    openapi_extra=_response_schema("A page of taxonomy terms", "taxonomy_term.json", page=True),
)
def list_taxonomy_terms(request, q: Query[TaxonomyTermListQuery]):
    language = _language(q.lang)
    per_page = _per_page(q.per_page)
    terms = TaxonomyTerm.objects.all()
    if q.taxonomy_id:
        terms = terms.filter(taxonomy_id=q.taxonomy_id)
    if q.top_only:
        terms = terms.filter(parent__isnull=True).exclude(extra__has_key="parent_id")
    if q.parent_id:
        terms = terms.filter(parent_id=q.parent_id)
    for word in (q.search or "").split()[:8]:
        translated = Translation.objects.filter(
            object_id=OuterRef("pk"), language=language, field="name", text__icontains=word
        )
        terms = terms.filter(Q(name__icontains=word) | Q(code__icontains=word) | Exists(translated))
    ids = terms.order_by("taxonomy_id", "position", "name", "pk").values_list("pk", flat=True)
    return _listing(
        q.format,
        ids,
        q.page,
        per_page,
        lambda chunk: serialize.taxonomy_term_queryset(
            language, base=TaxonomyTerm.objects.filter(pk__in=chunk)
        ),
        lambda term: serialize.taxonomy_term_dict(term, language),
    )


@hsds_api.get(
    "/taxonomy_terms/{id}",
    summary="A taxonomy term",
    openapi_extra=_response_schema("A taxonomy term", "taxonomy_term.json"),
)
def get_taxonomy_term(request, id: str, q: Query[LanguageQuery]):
    language = _language(q.lang)
    term = serialize.taxonomy_term_queryset(language).filter(pk=_uuid_or_404(id)).first()
    if term is None:
        raise Http404
    return serialize.taxonomy_term_dict(term, language)


@hsds_api.exception_handler(Http404)
def not_found(request, exc):
    return hsds_api.create_response(request, {"detail": "Not found."}, status=404)
