"""Factories for directory records in tests: published, verified services with places and translations."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from conftest import municipality
from directory import search
from directory.models import (
    Address,
    Article,
    DirectoryOrganization,
    EditorialState,
    Location,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceLanguage,
    TaxonomyTerm,
    Translation,
    TranslationMethod,
)
from directory.reference import need_id

_n = itertools.count(1)


def need(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(pk=need_id(code))


def make_directory_org(name=None, network_organisation=None, **fields) -> DirectoryOrganization:
    return DirectoryOrganization.objects.create(
        name=name or f"Ente dell'elenco {next(_n)}",
        description=fields.pop("description", "Un ente che offre servizi ai cittadini stranieri."),
        network_organisation=network_organisation,
        **fields,
    )


def translate(obj, field: str, language: str, text: str, *, method=TranslationMethod.HUMAN, verified=True):
    now = timezone.now()
    return Translation.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        field=field,
        language=language,
        text=text,
        method=method,
        source_revision=obj.text_revision(field),
        translated_at=now,
        verified_at=now if verified else None,
    )


def make_service(
    name=None,
    *,
    organization=None,
    town="Napoli",
    needs=("residence-permit",),
    state=EditorialState.PUBLISHED,
    verified_days_ago=10,
    is_free=True,
    languages=("it",),
    hours=(("MO,TU,WE,TH,FR", datetime.time(9), datetime.time(13)),),
    by_appointment=False,
    latitude=None,
    longitude=None,
    documents=("Passaporto",),
    translations=None,
    index=True,
    **fields,
) -> Service:
    """A service at one place in `town`; `translations` maps language → {field: text}."""
    now = timezone.now()
    service = Service.objects.create(
        organization=organization or make_directory_org(),
        name=name or f"Servizio di prova {next(_n)}",
        description=fields.pop("description", "Un servizio per i cittadini stranieri."),
        state=state,
        version=1,
        is_free=is_free,
        published_at=now if state == EditorialState.PUBLISHED else None,
        last_verified_at=now - datetime.timedelta(days=verified_days_ago)
        if verified_days_ago is not None
        else None,
        **fields,
    )
    for code in needs:
        ServiceAttribute.objects.create(service=service, taxonomy_term=need(code))
    place = municipality(town)
    location = Location.objects.create(
        name=f"Sede di {town}",
        organization=service.organization,
        municipality=place,
        latitude=latitude,
        longitude=longitude,
    )
    Address.objects.create(
        location=location,
        address_1="Via Roma 1",
        city=town,
        state_province=place.province.abbreviation,
        postal_code="80100",
        country="IT",
        address_type="physical",
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    for code in languages:
        ServiceLanguage.objects.create(service=service, code=code, name=code)
    for days, opens, closes in hours:
        Schedule.objects.create(service=service, freq="WEEKLY", byday=days, opens_at=opens, closes_at=closes)
    if by_appointment:
        Schedule.objects.create(service=service, by_appointment_only=True, description="Su appuntamento")
    for document in documents:
        RequiredDocument.objects.create(service=service, document=document)
    for language, texts in (translations or {}).items():
        for field, text in texts.items():
            translate(service, field, language, text)
    if index:
        search.index_service(service.pk)
    return service


def make_article(title=None, *, state=EditorialState.PUBLISHED, verified_days_ago=10, **fields) -> Article:
    now = timezone.now()
    title = title or f"Scheda informativa {next(_n)}"
    return Article.objects.create(
        slug=fields.pop("slug", f"scheda-{next(_n)}"),
        title=title,
        summary=fields.pop("summary", "Cosa fare, dove andare, che cosa portare."),
        body=fields.pop("body", "Primo paragrafo.\n\n- un punto\n- un altro punto"),
        state=state,
        version=1,
        published_at=now if state == EditorialState.PUBLISHED else None,
        last_verified_at=now - datetime.timedelta(days=verified_days_ago)
        if verified_days_ago is not None
        else None,
        **fields,
    )
