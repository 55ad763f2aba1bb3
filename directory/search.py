"""Public search of the directory: full text in the visitor's language, with Italian fallback, plus filters.

Each public service has one `SearchEntry` per active content language. An entry holds the service's texts in
that language, and the Italian wherever a field is not translated, so a visitor finds every service whether
or not it has been translated yet; the entry also carries the Italian name and the need names so an Italian
word typed by a French speaker still finds the service. Text is normalised the same way on both sides (case
folding, accents and Arabic diacritics removed, Arabic/Urdu letter variants unified), then matched as
substrings, which also serves Chinese (no spaces between words). Matches in the name weigh more than matches
in the body; every word of the query must match.

Portable on SQLite and PostgreSQL (plain LIKE over one language's entries: 10,000 rows for 10,000 services);
`make bench` measures it.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
import zlib
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast
from django.utils import timezone

from directory.models import (
    ITALIAN,
    WEEKDAYS,
    ContentLanguage,
    RequiredDocument,
    Schedule,
    SearchEntry,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
    Translation,
)

PAGE_SIZE = 20
MAX_TOKENS = 8
# Word characters, plus the spacing vowel signs of the Indic scripts (Bengali "বাসা": "া" is a combining mark
# that `\w` does not match, and a word must not break on it).
_PUNCTUATION = re.compile(r"[^\w\u0900-\u0DFF]+", re.UNICODE)
# Letter variants that readers treat as the same letter (Arabic and Urdu keyboards differ).
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ک": "ك",
        "ة": "ه",
        "ہ": "ه",
        "ۀ": "ه",
        "ـ": "",  # tatweel
    }
)


def normalise(text: str) -> str:
    """Lower case, no accents or diacritics, one space between words."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def tokens(query: str) -> list[str]:
    words = normalise(query).split()
    # One-letter Latin words ("a", "e") match everything; CJK characters carry meaning alone.
    kept = [w for w in words if len(w) > 1 or not w.isascii()]
    return kept[:MAX_TOKENS]


# --- indexing ---------------------------------------------------------------------------------------------


def _text(obj, field_name, language, rows):
    italian = getattr(obj, field_name) or ""
    if language == ITALIAN or not italian:
        return italian
    return rows.get((obj.pk, field_name, language), italian)


def _entries_for(service: Service, languages: list[str], rows: dict) -> list[SearchEntry]:
    """`rows` maps (object id, field, language) → translated text for the service and its parts."""
    entries = []
    terms = list(service.terms.all())
    documents = list(service.required_documents.all())
    places = []
    for sal in service.service_at_locations.all():
        location = sal.location
        places.append(location.name)
        if location.municipality_id:
            places.append(location.municipality.name)
        places.extend(address.city for address in location.addresses.all())
    for language in languages:
        name = _text(service, "name", language, rows)
        body = [
            service.name if language != ITALIAN else "",
            service.alternate_name,
            service.organization.name,
            *(
                _text(service, f, language, rows)
                for f in ("description", "eligibility_description", "application_process")
            ),
            *(_text(term, "name", language, rows) for term in terms),
            *(term.name for term in terms if language != ITALIAN),
            *(_text(doc, "document", language, rows) for doc in documents),
            *places,
        ]
        entries.append(
            SearchEntry(
                service=service,
                language=language,
                name=normalise(name),
                body=normalise(" ".join(filter(None, body))),
                verified_at=service.last_verified_at,
            )
        )
    return entries


def _indexable():
    return (
        Service.objects.public()
        .exclude(status__in=[ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT])
        .select_related("organization")
        .prefetch_related(
            "terms",
            "required_documents",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location__municipality").prefetch_related(
                    "location__addresses"
                ),
            ),
        )
    )


def _translation_rows(services) -> dict:
    """All translations of the services' texts, their needs and their documents, keyed for `_entries_for`."""
    ids = set()
    for service in services:
        ids.add(service.pk)
        ids.update(term.pk for term in service.terms.all())
        ids.update(doc.pk for doc in service.required_documents.all())
    rows = {}
    for start in range(0, len(ids), 900):
        chunk = list(ids)[start : start + 900]
        for object_id, field_name, language, text in Translation.objects.filter(
            object_id__in=chunk
        ).values_list("object_id", "field", "language", "text"):
            rows[(object_id, field_name, language)] = text
    return rows


def _INDEXED_TYPES():
    return list(ContentType.objects.get_for_models(Service, TaxonomyTerm, RequiredDocument).values())


def active_languages() -> list[str]:
    return list(ContentLanguage.objects.filter(is_active=True).values_list("code", flat=True)) or [ITALIAN]


_BLOCK_BITS = 40


def _language_block(language: str) -> int:
    """The first id of a language's block of entries (a stable hash of its code; two codes sharing a block
    only share its ordering, ids stay unique)."""
    return (zlib.crc32(language.encode()) & 0xFFFFF) + 1 << _BLOCK_BITS


def _cluster(entries: list[SearchEntry]) -> None:
    """On SQLite, give entries ids in their language's block: a table is stored in id order, so one
    language's entries sit together and a search reads an eighth of the table, not the whole of it
    (`make bench`: half the time of a text scan). Writers are serialised on SQLite, so "highest id in the
    block + 1" cannot collide; PostgreSQL keeps its sequence (its search uses trigram indexes)."""
    if connection.vendor != "sqlite":
        return
    by_language: dict[str, list[SearchEntry]] = {}
    for entry in entries:
        by_language.setdefault(entry.language, []).append(entry)
    for language, group in by_language.items():
        block = _language_block(language)
        last = (
            SearchEntry.objects.filter(pk__gte=block, pk__lt=block + (1 << _BLOCK_BITS))
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        for offset, entry in enumerate(group, start=(last or block) + 1):
            entry.pk = offset


@transaction.atomic
def index_service(service_id) -> int:
    """Rebuild one service's entries (none when it is not public). Returns how many entries it has."""
    SearchEntry.objects.filter(service_id=service_id).delete()
    service = _indexable().filter(pk=service_id).first()
    if service is None:
        return 0
    entries = _entries_for(service, active_languages(), _translation_rows([service]))
    _cluster(entries)
    SearchEntry.objects.bulk_create(entries)
    return len(entries)


@transaction.atomic
def rebuild_index(batch_size: int = 500) -> int:
    """Rebuild every entry (after an import, a bulk change or a change of the active languages)."""
    SearchEntry.objects.all().delete()
    languages = active_languages()
    total = 0
    ids = list(_indexable().values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        services = list(_indexable().filter(pk__in=ids[start : start + batch_size]))
        rows = _translation_rows(services)
        entries = [entry for service in services for entry in _entries_for(service, languages, rows)]
        _cluster(entries)
        SearchEntry.objects.bulk_create(entries, batch_size=1000)
        total += len(entries)
    return total


# --- querying ---------------------------------------------------------------------------------------------


@dataclass
class Filters:
    query: str = ""
    need: TaxonomyTerm | None = None
    municipality: object | None = None  # territory.Municipality
    province: object | None = None  # territory.Province
    language_spoken: str = ""
    free_only: bool = False
    open_now: bool = False
    near: tuple[float, float] | None = None  # (latitude, longitude) the visitor shared


@dataclass
class SearchResult:
    services: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    language: str = ITALIAN
    tokens: list = field(default_factory=list)
    distances: dict = field(default_factory=dict)  # service id → km, when the visitor shared a position


def public_services():
    return Service.objects.public().exclude(status__in=[ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT])


def open_schedules(moment: datetime.datetime):
    """Schedules open at `moment` (weekly hours; appointment-only schedules never count as open)."""
    local = timezone.localtime(moment)
    day = local.date()
    return (
        Schedule.objects.filter(
            byday__contains=WEEKDAYS[day.weekday()],
            opens_at__lte=local.time(),
            closes_at__gt=local.time(),
            by_appointment_only=False,
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    )


def apply_filters(services, filters: Filters, now=None):
    """Narrow `services` with non-correlated `IN (subquery)` conditions: each subquery runs once over its own
    indexed table, instead of once per service as a correlated EXISTS would (decision 0009, `make bench`)."""
    Attribute = Service.terms.through
    Area = Service.service_areas.rel.related_model
    Language = Service.languages.rel.related_model
    if filters.need is not None:
        term_ids = [
            filters.need.pk,
            *TaxonomyTerm.objects.filter(parent=filters.need).values_list("pk", flat=True),
        ]
        services = services.filter(
            pk__in=Attribute.objects.filter(taxonomy_term_id__in=term_ids).values("service_id")
        )
    if filters.municipality is not None:
        m = filters.municipality
        services = services.filter(
            Q(pk__in=ServiceAtLocation.objects.filter(location__municipality=m).values("service_id"))
            | Q(
                pk__in=Area.objects.filter(
                    Q(municipality=m) | Q(province_id=m.province_id) | Q(whole_region=True)
                ).values("service_id")
            )
        )
    elif filters.province is not None:
        p = filters.province
        services = services.filter(
            Q(
                pk__in=ServiceAtLocation.objects.filter(location__municipality__province=p).values(
                    "service_id"
                )
            )
            | Q(
                pk__in=Area.objects.filter(
                    Q(province=p) | Q(municipality__province=p) | Q(whole_region=True)
                ).values("service_id")
            )
        )
    if filters.language_spoken:
        code = filters.language_spoken
        services = services.filter(
            Q(pk__in=Language.objects.filter(code=code, service__isnull=False).values("service_id"))
            | Q(
                pk__in=ServiceAtLocation.objects.filter(
                    location_id__in=Language.objects.filter(code=code, location__isnull=False).values(
                        "location_id"
                    )
                ).values("service_id")
            )
        )
    if filters.free_only:
        services = services.filter(is_free=True)
    if filters.open_now:
        schedules = open_schedules(now or timezone.now())
        services = services.filter(
            Q(pk__in=schedules.filter(service__isnull=False).values("service_id"))
            | Q(
                pk__in=ServiceAtLocation.objects.filter(
                    pk__in=schedules.filter(service_at_location__isnull=False).values(
                        "service_at_location_id"
                    )
                ).values("service_id")
            )
            | Q(
                pk__in=ServiceAtLocation.objects.filter(
                    location_id__in=schedules.filter(location__isnull=False).values("location_id")
                ).values("service_id")
            )
        )
    return services


def _distance_expression(latitude: float, longitude: float):
    """Squared equirectangular distance in degrees² (plain arithmetic: SQLite has no trigonometry)."""
    k = math.cos(math.radians(latitude))
    dlat = F("location__latitude") - Value(latitude)
    dlon = (F("location__longitude") - Value(longitude)) * Value(k)
    return dlat * dlat + dlon * dlon


def _has_filters(filters: Filters) -> bool:
    return any(
        (
            filters.need is not None,
            filters.municipality is not None,
            filters.province is not None,
            filters.language_spoken,
            filters.free_only,
            filters.open_now,
        )
    )


def matching_entries(filters: Filters, language: str, words: list[str], now=None):
    """The entries in `language` of public services matching the filters and every word.

    Entries exist only for published, active services (the index follows every change), and carry the
    service's last verification, so without filters the search reads the entries alone; filters add one
    `service_id IN (subquery)`."""
    _flag, hide_before = Service.verification_cutoffs(now)
    entries = SearchEntry.objects.filter(language=language, verified_at__gte=hide_before)
    if _has_filters(filters):
        entries = entries.filter(
            service_id__in=apply_filters(Service.objects.all(), filters, now=now).values("pk")
        )
    for word in words:
        entries = entries.filter(Q(name__contains=word) | Q(body__contains=word))
    return entries


def search(
    filters: Filters, language: str, page: int = 1, now=None, page_size: int = PAGE_SIZE
) -> SearchResult:
    """One page of public services matching `filters`, best first, with what the result cards show.

    One query ranks the matches, counts them (a window count) and returns the page's ids, so the text is
    read once and only a page of rows leaves the database (decision 0009, `make bench`)."""
    result = SearchResult(language=language, tokens=tokens(filters.query))
    entries = matching_entries(filters, language, result.tokens, now=now)
    page = max(1, page)
    if filters.near is not None:
        ids = _nearest_page(entries, filters.near, result, page, page_size)
    else:
        score = Value(0, output_field=IntegerField())
        for token in result.tokens:
            score = score + Case(When(name__contains=token, then=Value(3)), default=Value(0))
            score = score + Case(When(name__startswith=token, then=Value(2)), default=Value(0))
        ranked = entries.annotate(score=score, total=Window(Count("*"))).order_by(
            "-score", "name", "service_id"
        )
        start = (page - 1) * page_size
        rows = list(ranked.values_list("service_id", "total")[start : start + page_size])
        if not rows and page > 1:  # past the last page (an old link): show the last one
            total = entries.count()
            last = max(1, math.ceil(total / page_size))
            rows = list(ranked.values_list("service_id", "total")[(last - 1) * page_size : last * page_size])
        result.total = rows[0][1] if rows else 0
        ids = [row[0] for row in rows]
    result.pages = max(1, math.ceil(result.total / page_size))
    result.page = min(page, result.pages)
    by_id = {service.pk: service for service in card_services(ids, language)}
    result.services = [by_id[pk] for pk in ids if pk in by_id]
    if filters.near is not None:
        result.distances = distances_km(result.services, filters.near)
    return result


def _nearest_page(
    entries, near: tuple[float, float], result: SearchResult, page: int, page_size: int
) -> list:
    """The page's ids ordered by the distance of each service's nearest place (services without coordinates
    last), with the total in the same query."""
    latitude, longitude = near
    nearest = (
        ServiceAtLocation.objects.filter(service=OuterRef("service_id"), location__latitude__isnull=False)
        .annotate(d=_distance_expression(latitude, longitude))
        .order_by("d")
        .values("d")[:1]
    )
    ranked = entries.annotate(
        distance=Cast(Subquery(nearest), FloatField()), total=Window(Count("*"))
    ).order_by(F("distance").asc(nulls_last=True), "name", "service_id")
    rows = list(ranked.values_list("service_id", "total")[(page - 1) * page_size : page * page_size])
    if not rows and page > 1:
        last = max(1, math.ceil(entries.count() / page_size))
        rows = list(ranked.values_list("service_id", "total")[(last - 1) * page_size : last * page_size])
    result.total = rows[0][1] if rows else 0
    return [row[0] for row in rows]


def card_services(ids, language: str) -> list[Service]:
    """The services a result page shows, with their parts, and their translations in `language` attached in
    one query (a translation prefetch per level costs more than the rows it reads)."""
    services = list(
        Service.objects.filter(pk__in=ids)
        .select_related("organization")
        .prefetch_related(
            "terms",
            "required_documents",
            "schedules",
            "languages",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related(
                    "location__municipality__province"
                ).prefetch_related("location__addresses", "location__schedules", "schedules"),
            ),
        )
    )
    attach_translations(services, language)
    return services


def _loaded_objects(roots):
    """Every model instance reachable from `roots` through already loaded relations (no query)."""
    seen: dict[int, object] = {}
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen[id(obj)] = obj
        for cached in getattr(obj, "_prefetched_objects_cache", {}).values():
            stack.extend(cached)
        stack.extend(value for value in obj._state.fields_cache.values() if value is not None)
    return seen.values()


def attach_translations(roots, language: str) -> None:
    """Give every translatable record loaded under `roots` its translations in `language`, in one query."""
    from directory.models import Translatable

    objects = [obj for obj in _loaded_objects(roots) if isinstance(obj, Translatable)]
    rows: dict = {}
    if language != ITALIAN and objects:
        # By object and language (index `translation_object_language`); ids are UUIDs, unique across types.
        for translation in Translation.objects.filter(
            object_id__in={obj.pk for obj in objects}, language=language
        ):
            rows.setdefault(translation.object_id, []).append(translation)
    for obj in objects:
        obj._translation_rows_cache = rows.get(obj.pk, [])


def translations_in(language: str):
    return Prefetch("translations", queryset=Translation.objects.filter(language=language))


def with_card_data(services, language: str):
    """Prefetch what a result card or a service page shows, translations in `language` only."""
    tr = translations_in(language)
    return services.select_related("organization").prefetch_related(
        tr,
        Prefetch("terms", queryset=TaxonomyTerm.objects.prefetch_related(tr)),
        Prefetch("required_documents", queryset=RequiredDocument.objects.prefetch_related(tr)),
        Prefetch("schedules", queryset=Schedule.objects.prefetch_related(tr)),
        "languages",
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related(
                "location__municipality__province"
            ).prefetch_related(
                "location__addresses",
                Prefetch("location__schedules", queryset=Schedule.objects.prefetch_related(tr)),
                Prefetch("schedules", queryset=Schedule.objects.prefetch_related(tr)),
                Prefetch("location__translations", queryset=Translation.objects.filter(language=language)),
            ),
        ),
    )


def distances_km(services, near: tuple[float, float]) -> dict:
    latitude, longitude = near
    out = {}
    for service in services:
        best = None
        for sal in service.service_at_locations.all():
            location = sal.location
            if location.latitude is None or location.longitude is None:
                continue
            km = haversine_km(latitude, longitude, location.latitude, location.longitude)
            best = km if best is None else min(best, km)
        if best is not None:
            out[service.pk] = round(best, 1)
    return out


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


def is_open_now(service: Service, now=None) -> bool | None:
    """True/False from the prefetched schedules; None when the service publishes no weekly hours."""
    moment = timezone.localtime(now or timezone.now())
    schedules = list(service.schedules.all())
    for sal in service.service_at_locations.all():
        schedules.extend(sal.schedules.all())
        schedules.extend(sal.location.schedules.all())
    weekly = [s for s in schedules if s.opens_at and s.closes_at and not s.by_appointment_only]
    if not weekly:
        return None
    return any(s.is_open_at(moment) for s in weekly)


__all__ = [
    "Filters",
    "SearchResult",
    "apply_filters",
    "attach_translations",
    "card_services",
    "index_service",
    "is_open_now",
    "normalise",
    "rebuild_index",
    "search",
    "tokens",
    "with_card_data",
]
