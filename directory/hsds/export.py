"""The full export of the public directory as one HSDS 3.0 JSON document (`hsds_export`, the open-data download).

Shape (docs/hsds.md):

    {"version": "3.0", "generated_at": "…Z", "language": "it",
     "taxonomies": [taxonomy…], "taxonomy_terms": [taxonomy_term…],
     "organizations": [organization, fully nested, without `services`…],
     "services": [service, fully nested with its service_at_locations and their locations, with
                  `organization_id` instead of a nested organization…]}

Each service's service_at_locations are inside the service (as in HSDS `service_full`), not repeated at the top.
Only what the portal shows is exported: public services (published, verified recently, not inactive or
defunct), the organisations that have one, every taxonomy and term. The document is produced in chunks of
`BATCH` records with a fixed number of queries per chunk, so it can be streamed however big it gets.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.db.models import Exists, OuterRef
from django.utils import timezone

from directory.hsds import serialize
from directory.models import ITALIAN, DirectoryOrganization, Taxonomy, TaxonomyTerm
from directory.search import public_services

BATCH = 200


def public_organizations():
    return DirectoryOrganization.objects.filter(Exists(public_services().filter(organization=OuterRef("pk"))))


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _batched(ids: list, fetch, write) -> Iterator[str]:
    first = True
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        by_id = {obj.pk: obj for obj in fetch(chunk)}
        for pk in chunk:
            obj = by_id.get(pk)
            if obj is None:
                continue
            yield ("" if first else ",") + _dump(write(obj))
            first = False


def export_chunks(language: str | None = None) -> Iterator[str]:
    """The export document, piece by piece (join them, or stream them)."""
    language = language or ITALIAN
    head = {
        "version": serialize.HSDS_VERSION,
        "generated_at": serialize.json_value(timezone.now()),
        "language": language,
    }
    yield _dump(head)[:-1]

    yield ',"taxonomies":['
    ids = list(Taxonomy.objects.order_by("name", "pk").values_list("pk", flat=True))
    yield from _batched(ids, lambda chunk: Taxonomy.objects.filter(pk__in=chunk), serialize.taxonomy_dict)
    yield "]"

    yield ',"taxonomy_terms":['
    ids = list(
        TaxonomyTerm.objects.order_by("taxonomy_id", "position", "name", "pk").values_list("pk", flat=True)
    )
    yield from _batched(
        ids,
        lambda chunk: serialize.taxonomy_term_queryset(language).filter(pk__in=chunk),
        lambda term: serialize.taxonomy_term_dict(term, language),
    )
    yield "]"

    yield ',"organizations":['
    ids = list(public_organizations().order_by("name", "pk").values_list("pk", flat=True))
    yield from _batched(
        ids,
        lambda chunk: serialize.organization_queryset(language).filter(pk__in=chunk),
        lambda org: serialize.organization_full(org, language),
    )
    yield "]"

    yield ',"services":['
    ids = list(public_services().order_by("name", "pk").values_list("pk", flat=True))
    yield from _batched(
        ids,
        lambda chunk: serialize.service_queryset(language, organization=None).filter(pk__in=chunk),
        lambda service: serialize.service_full(service, language, organization="id"),
    )
    yield "]}"


def export_document(language: str | None = None) -> dict:
    return json.loads("".join(export_chunks(language)))
