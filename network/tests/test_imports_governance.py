"""Imports of issue 5: the organisation profile's new columns and the `agreements` kind (all-or-nothing,
dry run, per-row and per-column errors)."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_organisation
from core.imports import build_template, get_kind, run_import
from network.models import (
    Agreement,
    AgreementStatus,
    Approval,
    NetworkStatus,
    Organisation,
    OrganisationKind,
    PartyRole,
)

pytestmark = pytest.mark.django_db

NAPOLI, CASERTA = "063049", "061022"
TODAY = timezone.localdate()


def xlsx(header: list[str], rows: list[list]) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("import.xlsx", buffer.getvalue())


def errors(report) -> list[tuple]:
    return [(e.row, e.column) for e in report.errors]


# --- Organisations ------------------------------------------------------------------------------------------

ORG_HEADER = [
    "name",
    "kind",
    "municipality_istat",
    "sectors",
    "provinces_served",
    "network_status",
    "joined_on",
    "languages_offered",
    "reference_person",
    "reference_contact",
]


def test_organisations_import_the_profile_columns(coordinator):
    rows = [
        ["Cooperativa Ponte", "third_sector", NAPOLI, "social; LABOUR", "NA;ce", "", "15/03/2024", "ara;fra"],
        ["Istituto Nuovo", "school", CASERTA, "", "", "candidate", "", ""],
        ["Gruppo donne del Vasto", "informal_group", NAPOLI, "culture", "NA", "", "", "", "Fatou Diop", "333 1234567"],
        ["Associazione Amici", "migrant_association", NAPOLI, "", "", "", "", ""],
    ]  # fmt: skip

    report = run_import(get_kind("organisations"), xlsx(ORG_HEADER, rows), coordinator, dry_run=False)

    assert report.ok, [str(e) for e in report.errors]
    assert report.imported == 4
    ponte = Organisation.objects.get(name="Cooperativa Ponte")
    assert ponte.sectors == ["social", "labour"]
    assert sorted(p.abbreviation for p in ponte.provinces_served.all()) == ["CE", "NA"]
    assert sorted(lang.code for lang in ponte.languages_offered.all()) == ["ara", "fra"]
    assert ponte.network_status == NetworkStatus.ACTIVE and ponte.joined_on == datetime.date(2024, 3, 15)
    assert ponte.approval == Approval.NOT_NEEDED
    school = Organisation.objects.get(name="Istituto Nuovo")
    assert school.network_status == NetworkStatus.CANDIDATE and school.joined_on is None
    group = Organisation.objects.get(name="Gruppo donne del Vasto")
    assert (group.reference_person, group.reference_contact) == ("Fatou Diop", "333 1234567")
    # Imported by the Region: approved by that act, and active from today.
    assert group.approval == Approval.APPROVED and group.approved_by == coordinator and group.approved_at
    assert group.joined_on == TODAY
    assert Organisation.objects.get(name="Associazione Amici").approval == Approval.APPROVED


def test_organisation_profile_errors_are_reported_by_row_and_column(coordinator):
    future = (TODAY + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    rows = [
        ["Ente uno", "third_sector", NAPOLI, "social;sport", "", "", "", ""],
        ["Ente due", "third_sector", NAPOLI, "", "NA;XX", "", future, ""],
        ["Ente tre", "third_sector", NAPOLI, "", "", "asleep", "", "zzz"],
        ["Gruppo senza referente", "informal_group", NAPOLI, "", "", "", "", ""],
    ]

    report = run_import(get_kind("organisations"), xlsx(ORG_HEADER, rows), coordinator, dry_run=False)

    assert errors(report) == [
        (2, "sectors"),
        (3, "provinces_served"),
        (3, "joined_on"),
        (4, "network_status"),
        (4, "languages_offered"),
        (5, "reference_person"),
        (5, "reference_contact"),
    ]
    assert "sport" in report.errors[0].message
    assert not Organisation.objects.filter(name__startswith="Ente").exists()


def test_a_date_of_leaving_needs_the_status_left_and_comes_after_joining(coordinator):
    header = ["name", "kind", "municipality_istat", "network_status", "joined_on", "left_on"]
    rows = [
        ["Ente attivo", "school", NAPOLI, "active", "", "01/01/2024"],
        ["Ente uscito male", "school", NAPOLI, "left", "01/06/2024", "01/01/2024"],
        ["Ente uscito", "school", NAPOLI, "left", "01/01/2023", ""],
    ]
    report = run_import(get_kind("organisations"), xlsx(header, rows), coordinator, dry_run=True)
    assert errors(report) == [(2, "left_on"), (3, "left_on")]

    report = run_import(get_kind("organisations"), xlsx(header, rows[2:]), coordinator, dry_run=False)
    assert report.ok
    assert Organisation.objects.get(name="Ente uscito").left_on == TODAY


def test_the_old_organisation_template_still_imports(coordinator):
    header = ["name", "kind", "municipality_istat", "migrant_led"]
    report = run_import(
        get_kind("organisations"),
        xlsx(header, [["Ente vecchio stile", "school", NAPOLI, "no"]]),
        coordinator,
        dry_run=False,
    )
    assert report.ok and report.imported == 1
    organisation = Organisation.objects.get(name="Ente vecchio stile")
    assert organisation.sectors == [] and organisation.joined_on == TODAY


def test_the_organisation_template_lists_the_new_columns_and_languages(coordinator):
    workbook = openpyxl.load_workbook(io.BytesIO(build_template(get_kind("organisations"), coordinator)))
    header = [cell.value for cell in next(workbook.worksheets[0].iter_rows(max_row=1))]
    assert header[:10] == [
        "name",
        "kind",
        "tax_code",
        "municipality_istat",
        "address",
        "email",
        "phone",
        "website",
        "contact_person",
        "migrant_led",
    ]
    assert {"sectors", "provinces_served", "network_status", "joined_on", "languages_offered"} <= set(header)
    assert len(workbook.worksheets) >= 4  # data, instructions, municipalities, languages


# --- Agreements -----------------------------------------------------------------------------------------------

AGREEMENT_HEADER = [
    "kind",
    "subject",
    "status",
    "signed_on",
    "valid_from",
    "valid_until",
    "actions",
    "lead_organisation",
    "other_parties",
]


@pytest.fixture
def parties(region):
    return {
        "napoli": make_organisation(
            "Comune di Pozzuoli", kind=OrganisationKind.MUNICIPALITY, town="Pozzuoli", tax_code="80014890638"
        ),
        "caserta": make_organisation("Comune di Caserta", kind=OrganisationKind.MUNICIPALITY, town="Caserta"),
        "coop": make_organisation("Cooperativa Approdi", tax_code="01234567890"),
        "ndimbal": make_organisation("Associazione Ndimbal", kind=OrganisationKind.MIGRANT_ASSOCIATION),
        "region": region,
    }


def d(days: int) -> str:
    return (TODAY - datetime.timedelta(days=days)).strftime("%d/%m/%Y")


def test_coordinator_imports_agreements_with_their_parties(coordinator, parties):
    rows = [
        ["memorandum", "Protocollo d'intesa per l'accoglienza", "signed", d(100), d(100), d(-265), "01;2",
         "Regione Campania", "Comune di Pozzuoli:partner; 01234567890:adherent"],
        ["adhesion", "Lettera di adesione alla rete", "", "", "", "", "", "comune di  caserta", "Associazione Ndimbal"],
        ["convention", "Convenzione scaduta", "signed", d(800), d(800), d(400), "02", "01234567890",
         "Comune di Caserta:aderente;Associazione Ndimbal:sostenitore"],
    ]  # fmt: skip

    report = run_import(get_kind("agreements"), xlsx(AGREEMENT_HEADER, rows), coordinator, dry_run=False)

    assert report.ok, [str(e) for e in report.errors]
    assert report.imported == 3
    signed = Agreement.objects.get(title="Protocollo d'intesa per l'accoglienza")
    assert signed.status == AgreementStatus.SIGNED and signed.actions == ["01", "02"]
    assert signed.created_by == coordinator
    assert sorted(signed.parties.values_list("organisation__name", "role")) == [
        ("Comune di Pozzuoli", PartyRole.PARTNER),
        ("Cooperativa Approdi", PartyRole.ADHERENT),
        ("Regione Campania", PartyRole.LEAD),
    ]
    draft = Agreement.objects.get(title="Lettera di adesione alla rete")
    assert draft.status == AgreementStatus.DRAFT and draft.signed_on is None
    assert sorted(draft.parties.values_list("organisation__name", "role")) == [
        ("Associazione Ndimbal", PartyRole.PARTNER),
        ("Comune di Caserta", PartyRole.LEAD),
    ]
    expired = Agreement.objects.get(title="Convenzione scaduta")
    assert expired.status == AgreementStatus.EXPIRED  # signed, and its validity has ended
    assert expired.parties.get(role=PartyRole.LEAD).organisation == parties["coop"]  # by tax code
    assert set(expired.parties.values_list("role", flat=True)) == {"lead", "adherent", "supporter"}


def test_a_dry_run_saves_nothing(coordinator, parties):
    rows = [["memorandum", "Protocollo", "draft", "", "", "", "", "Regione Campania", "Comune di Pozzuoli"]]
    report = run_import(get_kind("agreements"), xlsx(AGREEMENT_HEADER, rows), coordinator, dry_run=True)
    assert report.ok and report.dry_run and len(report.valid_rows) == 1
    assert not Agreement.objects.exists()


def test_agreement_errors_are_reported_and_nothing_is_saved(coordinator, parties):
    make_organisation("Comune di Pozzuoli", kind=OrganisationKind.MUNICIPALITY, town="Caserta")  # a namesake
    rows = [
        ["memorandum", "Valido", "signed", d(10), "", "", "", "Regione Campania", "Cooperativa Approdi"],
        ["memorandum", "Ente ignoto", "draft", "", "", "", "", "Ente che non esiste", "Cooperativa Approdi"],
        ["memorandum", "Ambiguo", "draft", "", "", "", "", "Regione Campania", "Comune di Pozzuoli"],
        ["memorandum", "Date al contrario", "signed", d(10), d(5), d(30), "", "Regione Campania", "Cooperativa Approdi"],
        ["memorandum", "Senza data", "signed", "", "", "", "", "Regione Campania", "Cooperativa Approdi"],
        ["memorandum", "Bozza datata", "draft", d(3), "", "", "", "Regione Campania", "Cooperativa Approdi"],
        ["memorandum", "Valido", "draft", "", "", "", "", "Regione Campania", "Comune di Caserta"],
        ["memorandum", "Ruoli", "draft", "", "", "", "04", "Regione Campania", "Cooperativa Approdi:boss"],
        ["memorandum", "Doppio", "draft", "", "", "", "", "Regione Campania",
         "Cooperativa Approdi; Regione Campania:partner; Comune di Caserta:lead"],
        ["memorandum", "Futuro", "signed", d(-5), "", "", "", "Regione Campania", "Cooperativa Approdi"],
    ]  # fmt: skip

    report = run_import(get_kind("agreements"), xlsx(AGREEMENT_HEADER, rows), coordinator, dry_run=False)

    assert errors(report) == [
        (3, "lead_organisation"),  # unknown organisation
        (4, "other_parties"),  # two organisations with that name: use the tax code
        (5, "valid_until"),  # before valid_from
        (5, "valid_until"),  # before the signing date
        (6, "signed_on"),  # signed without date
        (7, "signed_on"),  # a draft with a signing date
        (8, "subject"),  # same kind, subject and lead as row 2
        (9, "actions"),
        (9, "other_parties"),  # "boss" is not a role
        (10, "other_parties"),  # the lead again
        (10, "other_parties"),  # a second lead
        (11, "signed_on"),  # in the future
    ]
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert "Ente che non esiste" in messages[(3, "lead_organisation")]
    assert "codice fiscale" in messages[(4, "other_parties")]  # the interface speaks Italian first
    assert not Agreement.objects.exists()


def test_an_agreement_already_registered_is_refused(coordinator, parties):
    rows = [
        ["memorandum", "Protocollo unico", "draft", "", "", "", "", "Regione Campania", "Comune di Caserta"]
    ]
    assert run_import(get_kind("agreements"), xlsx(AGREEMENT_HEADER, rows), coordinator, dry_run=False).ok

    report = run_import(get_kind("agreements"), xlsx(AGREEMENT_HEADER, rows), coordinator, dry_run=False)

    assert errors(report) == [(2, "subject")]
    assert Agreement.objects.count() == 1


def test_a_name_with_a_colon_is_still_found(coordinator, parties):
    make_organisation("Rete: Napoli Accoglie")
    rows = [
        [
            "memorandum",
            "Con i due punti",
            "draft",
            "",
            "",
            "",
            "",
            "Regione Campania",
            "Rete: Napoli Accoglie",
        ]
    ]
    report = run_import(get_kind("agreements"), xlsx(AGREEMENT_HEADER, rows), coordinator, dry_run=False)
    assert report.ok, [str(e) for e in report.errors]
    agreement = Agreement.objects.get()
    assert agreement.parties.get(role=PartyRole.PARTNER).organisation.name == "Rete: Napoli Accoglie"


@pytest.mark.parametrize("persona", ["admin_a", "operator_a", "viewer_a", "monitoring"])
def test_only_the_regional_coordinator_imports_agreements(request, persona, parties):
    user = request.getfixturevalue(persona)
    rows = [["memorandum", "Protocollo", "draft", "", "", "", "", "Regione Campania", "Comune di Pozzuoli"]]
    with pytest.raises(PermissionDenied):
        run_import(get_kind("agreements"), xlsx(AGREEMENT_HEADER, rows), user, dry_run=False)
    client = client_for(user)
    assert client.get(reverse("core:import_upload", args=["agreements"])).status_code == 403
    assert client.get(reverse("core:import_template", args=["agreements"])).status_code == 403
    assert not Agreement.objects.exists()


def test_the_coordinator_uploads_agreements_from_the_page(coordinator, parties):
    client = client_for(coordinator)
    template = client.get(reverse("core:import_template", args=["agreements"]))
    assert template.status_code == 200
    header = [
        c.value
        for c in next(openpyxl.load_workbook(io.BytesIO(template.content)).worksheets[0].iter_rows(max_row=1))
    ]
    assert header == [c.name for c in get_kind("agreements").columns]
    rows = [["partnership", "Accordo di partenariato FAMI", "signed", d(30), d(30), "", "01;02;03",
             "Regione Campania", "Comune di Pozzuoli:partner"]]  # fmt: skip
    response = client.post(
        reverse("core:import_upload", args=["agreements"]), {"file": xlsx(AGREEMENT_HEADER, rows)}
    )
    assert response.status_code == 200 and response.context["report"].imported == 1
    assert Agreement.objects.get().valid_until is None
