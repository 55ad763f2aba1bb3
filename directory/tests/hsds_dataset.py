"""A realistic directory for the HSDS tests: three public services of two organisations with every kind of
part (places, hours incl. by appointment, languages, phones, contacts, costs, areas, accessibility,
translations, kept HSDS extras), plus a draft, a stale and an inactive service that must never be exported."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from conftest import municipality
from directory.models import (
    Accessibility,
    Contact,
    CostOption,
    EditorialState,
    Phone,
    Schedule,
    ServiceArea,
    ServiceAttribute,
    ServiceLanguage,
    ServiceStatus,
    TaxonomyTerm,
)
from directory.reference import NEEDS_TAXONOMY_ID
from directory.tests.factories import make_directory_org, make_service, need, translate

FUNDING_ID = "0b6f4d8e-4a0e-4f4e-9b8e-2d1a3c9f7e10"


@dataclass
class Dataset:
    napoli: object
    caserta: object
    salerno: object
    draft: object
    stale: object
    inactive: object
    comune: object
    cooperativa: object
    child_term: object

    @property
    def public(self):
        return [self.napoli, self.caserta, self.salerno]

    @property
    def hidden(self):
        return [self.draft, self.stale, self.inactive]


def build_dataset() -> Dataset:
    comune = make_directory_org(
        "Comune di Napoli – Ufficio immigrazione",
        website="www.comune.napoli.it",
        email="immigrazione@comune.napoli.it",
        tax_id="80014890638",
        legal_status="Ente pubblico",
        year_incorporated=1946,
    )
    translate(comune, "description", "fr", "Un organisme qui offre des services aux étrangers.")
    Phone.objects.create(organization=comune, number="+39 081 795 1111", type="voice")
    office = Contact.objects.create(
        organization=comune, department="Sportello immigrati", email="sportello@comune.napoli.it"
    )
    Phone.objects.create(contact=office, number="+39 081 795 2222", description="Dal lunedì al venerdì")
    cooperativa = make_directory_org(
        "Cooperativa Dedalus", parent_organization=comune, uri="https://www.coopdedalus.it/"
    )

    child_term = TaxonomyTerm.objects.create(
        code="health-ssn",
        name="Iscrizione al Servizio sanitario",
        description="Tessera sanitaria, STP, scelta del medico.",
        parent=need("health"),
        taxonomy_id=NEEDS_TAXONOMY_ID,
        taxonomy_name="InterAzioni – bisogni",
        language="it",
    )

    napoli = make_service(
        "Sportello permesso di soggiorno",
        organization=comune,
        town="Napoli",
        needs=("residence-permit", "legal-help"),
        languages=("it", "en", "ar"),
        by_appointment=True,
        latitude=40.8518,
        longitude=14.2681,
        documents=("Passaporto", "Codice fiscale"),
        url="https://www.comune.napoli.it/immigrazione",
        email="permessi@comune.napoli.it",
        application_process="Prenota un appuntamento per telefono.",
        translations={
            "fr": {"name": "Guichet titre de séjour", "description": "Aide pour le titre de séjour."},
            "ar": {"name": "شباك تصريح الإقامة"},
        },
        index=False,
    )
    napoli.extra = {
        "funding": [{"id": FUNDING_ID, "source": "FAMI 2021-2027"}],
        "program": {
            "id": "5e0c0f7a-59a2-4b7f-8a4c-0f3f8f0e8d21",
            "name": "InterAzioni",
            "description": "Piano FAMI",
        },
    }
    napoli.save(update_fields=["extra"])
    sal = napoli.service_at_locations.get()
    Schedule.objects.create(
        service_at_location=sal,
        freq="WEEKLY",
        byday="SA",
        opens_at=datetime.time(9),
        closes_at=datetime.time(12),
    )
    Contact.objects.create(service_at_location=sal, name="Anna Esposito", title="Mediatrice")
    ServiceLanguage.objects.create(location=sal.location, code="ar", name="Arabo")

    caserta = make_service(
        "Ambulatorio STP",
        organization=cooperativa,
        town="Caserta",
        needs=("health",),
        is_free=False,
        languages=("it", "fr"),
        documents=(),
        index=False,
    )
    ServiceAttribute.objects.create(service=caserta, taxonomy_term=child_term)
    CostOption.objects.create(
        service=caserta, option="Visita", currency="EUR", amount="10.50", amount_description="a visita"
    )
    ServiceArea.objects.create(service=caserta, province=municipality("Caserta").province)
    phone = Phone.objects.create(service=caserta, number="+39 0823 123456", extension=12)
    ServiceLanguage.objects.create(phone=phone, code="fr", name="Francese")
    Contact.objects.create(service=caserta, name="Segreteria", email="segreteria@coopdedalus.it")

    salerno = make_service(
        "Corso di italiano A2",
        organization=cooperativa,
        town="Salerno",
        needs=("italian-courses",),
        hours=(("MO,WE", datetime.time(15), datetime.time(18)),),
        index=False,
    )
    ServiceArea.objects.create(service=salerno, whole_region=True)
    ServiceArea.objects.create(
        service=salerno, municipality=municipality("Salerno"), description="Corsi in sede"
    )
    location = salerno.service_at_locations.get().location
    Accessibility.objects.create(
        location=location, description="Ingresso senza gradini", url="www.coopdedalus.it/accessibile"
    )
    Phone.objects.create(location=location, number="+39 089 000000")
    Schedule.objects.create(
        location=location,
        freq="WEEKLY",
        byday="MO,TU,WE,TH,FR",
        opens_at=datetime.time(9),
        closes_at=datetime.time(19),
    )

    draft = make_service("Servizio in bozza", organization=comune, state=EditorialState.DRAFT, index=False)
    stale = make_service("Servizio non verificato", organization=comune, verified_days_ago=700, index=False)
    inactive = make_service(
        "Servizio sospeso", organization=cooperativa, status=ServiceStatus.INACTIVE, index=False
    )
    from directory import search

    search.rebuild_index()
    return Dataset(napoli, caserta, salerno, draft, stale, inactive, comune, cooperativa, child_term)


def random_id() -> str:
    return str(uuid.uuid4())
