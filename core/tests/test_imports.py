"""Bulk imports: templates, validation of every row, all-or-nothing commit, dry run, permissions, CLI."""

from __future__ import annotations

import datetime
import io
import os

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Membership, User
from core.imports import get_kind, read_table, run_import, validate
from network.models import Organisation
from people.models import Participant
from territory.models import Country, Language, Municipality

NAPOLI = "063049"
CASERTA = "061022"

PARTICIPANT_HEADER = [
    "first_name",
    "last_name",
    "sex",
    "birth_date",
    "country_of_birth",
    "citizenships",
    "is_stateless",
    "codice_fiscale",
    "arrival_date",
    "permit_reason",
    "permit_expiry",
    "permit_being_renewed",
    "municipality_istat",
    "languages",
    "phone",
    "email",
    "education_level",
    "employment_status",
    "unaccompanied_minor",
]

# Codici fiscali made with python-codicefiscale from the same names, dates and countries of birth.
AMINA = {
    "first_name": "Amina",
    "last_name": "Benali",
    "sex": "F",
    "birth_date": datetime.datetime(1990, 3, 15),
    "country_of_birth": "MA",
    "citizenships": "MA",
    "codice_fiscale": "BNLMNA90C55Z330Z",
    "arrival_date": "01/06/2019",
    "permit_reason": "work_employed",
    "permit_expiry": "2027-06-30",
    "municipality_istat": NAPOLI,
    "languages": "ara;fra",
    "phone": 3331234567,
    "email": "amina@example.org",
    "education_level": "isced3",
    "employment_status": "employed",
}
CHIDI = {
    "first_name": "Chidi",
    "last_name": "Okafor",
    "sex": "M",
    "birth_date": "02/11/1985",
    "country_of_birth": "NG",
    "citizenships": "NG; GH",
    "codice_fiscale": "KFRCHD85S02Z335W",
    "permit_reason": "international_protection",
    "permit_being_renewed": "sì",
    "municipality_istat": 61022,  # an ISTAT code typed as a number loses its leading zero
    "languages": "eng",
}
OKSANA = {
    "first_name": "Oksana",
    "last_name": "Kovalenko",
    "sex": "F",
    "birth_date": "1978-07-21",
    "country_of_birth": "UA",
    "citizenships": "UA",
    "permit_reason": "temporary_protection",
    "is_stateless": "no",
    "unaccompanied_minor": "",
}


# --- Fixtures ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def imp_reference_loaded(django_db_setup, django_db_blocker):
    """Reference data (municipalities, countries, languages) loaded once for this module."""
    from territory.reference import load_all

    with django_db_blocker.unblock():
        if not Municipality.objects.filter(istat_code=NAPOLI).exists():
            load_all()


@pytest.fixture
def imp_reference(imp_reference_loaded, db):
    # Another module's transactional test may have emptied the tables since the module fixture ran.
    if not Municipality.objects.filter(istat_code=NAPOLI).exists():
        from territory.reference import load_all

        load_all()


def imp_make_user(email: str, organisation: Organisation, role: str) -> User:
    user = User.objects.create_user(email=email, password="irrelevant-password")
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    user.active_membership = membership
    user.save(update_fields=["active_membership"])
    return user


@pytest.fixture
def imp_org(imp_reference):
    return Organisation.objects.create(
        name="Cooperativa Ponti",
        kind="third_sector",
        municipality=Municipality.objects.get(istat_code=NAPOLI),
    )


@pytest.fixture
def imp_other_org(imp_reference):
    return Organisation.objects.create(
        name="Associazione Altrove",
        kind="migrant_association",
        municipality=Municipality.objects.get(istat_code=CASERTA),
    )


@pytest.fixture
def imp_region(imp_reference):
    return Organisation.objects.create(
        name="Regione Campania", kind="region", municipality=Municipality.objects.get(istat_code=NAPOLI)
    )


@pytest.fixture
def imp_operator(imp_org):
    return imp_make_user("operatore@example.org", imp_org, "operator")


@pytest.fixture
def imp_viewer(imp_org):
    return imp_make_user("lettore@example.org", imp_org, "viewer")


@pytest.fixture
def imp_coordinator(imp_region):
    return imp_make_user("coordinatore@example.org", imp_region, "regional_coordinator")


# --- Helpers -------------------------------------------------------------------------------------------


def imp_xlsx(header: list[str], rows: list[dict | list], name: str = "import.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h) for h in header] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def imp_participants_xlsx(*rows: dict, name: str = "participants.xlsx") -> SimpleUploadedFile:
    return imp_xlsx(PARTICIPANT_HEADER, list(rows), name)


def imp_upload(client, kind: str, upload, dry_run: bool):
    data = {"file": upload}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("core:import_upload", args=[kind]), data)


def imp_errors(response) -> list[tuple]:
    report = response.context["report"]
    return [(e.row, e.column, e.letter) for e in report.errors]


# --- Participants ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_good_xlsx_dry_run_saves_nothing_then_imports(client, imp_operator, imp_org):
    client.force_login(imp_operator)
    response = imp_upload(client, "participants", imp_participants_xlsx(AMINA, CHIDI, OKSANA), dry_run=True)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok and report.dry_run and len(report.valid_rows) == 3
    assert Participant.objects.count() == 0
    # The page offers the form again, this time for the real import.
    assert response.context["form"].initial["dry_run"] is False

    response = imp_upload(client, "participants", imp_participants_xlsx(AMINA, CHIDI, OKSANA), dry_run=False)
    assert response.status_code == 200
    assert response.context["report"].imported == 3
    assert reverse("people:participant_list") in response.content.decode()
    assert Participant.objects.filter(owner=imp_org, created_by=imp_operator).count() == 3

    amina = Participant.objects.get(last_name="Benali")
    assert amina.birth_date == datetime.date(1990, 3, 15)
    assert amina.arrival_date == datetime.date(2019, 6, 1)
    assert amina.permit_expiry == datetime.date(2027, 6, 30)
    assert amina.municipality.istat_code == NAPOLI
    assert amina.phone == "3331234567"
    assert sorted(amina.languages.values_list("code", flat=True)) == ["ara", "fra"]
    chidi = Participant.objects.get(last_name="Okafor")
    assert sorted(chidi.citizenships.values_list("iso_alpha2", flat=True)) == ["GH", "NG"]
    assert chidi.permit_being_renewed is True
    assert chidi.municipality.istat_code == CASERTA
    oksana = Participant.objects.get(last_name="Kovalenko")
    assert oksana.education_level == "unknown" and oksana.codice_fiscale == "" and oksana.municipality is None


@pytest.mark.django_db
def test_one_bad_row_saves_nothing_and_names_row_and_column(client, imp_operator):
    client.force_login(imp_operator)
    bad = {**CHIDI, "sex": "Q"}
    response = imp_upload(client, "participants", imp_participants_xlsx(AMINA, bad, OKSANA), dry_run=False)
    assert response.status_code == 200
    assert imp_errors(response) == [(3, "sex", "C")]
    assert Participant.objects.count() == 0
    content = response.content.decode()
    assert "Q" in content and "<td>3</td>" in content


@pytest.mark.django_db
def test_wrong_headers_are_a_file_level_error(imp_operator):
    header = [h for h in PARTICIPANT_HEADER if h != "birth_date"] + ["nickname", "sex"]
    upload = imp_xlsx(header, [[*["x"] * len(header)]])
    report = run_import(get_kind("participants"), upload, imp_operator, dry_run=False)
    problems = {(e.row, e.column, e.letter) for e in report.errors}
    assert (1, "nickname", "S") in problems
    assert (1, "sex", "T") in problems  # duplicated
    assert (1, "birth_date", "") in problems  # required column missing
    assert all(e.row == 1 for e in report.errors)
    assert Participant.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_rows_inside_the_file(imp_operator):
    same_code = {**AMINA, "first_name": "Amina Fatima"}
    same_person = {**OKSANA, "first_name": "OKSANA ", "citizenships": "UA"}
    upload = imp_participants_xlsx(AMINA, OKSANA, same_code, same_person)
    report = run_import(get_kind("participants"), upload, imp_operator, dry_run=False)
    assert [(e.row, e.column) for e in report.errors] == [(4, "codice_fiscale"), (5, "first_name")]
    assert "2" in report.errors[0].message and "3" in report.errors[1].message
    assert Participant.objects.count() == 0


@pytest.mark.django_db
def test_eu_citizen_is_refused(imp_operator):
    upload = imp_participants_xlsx(AMINA, {**OKSANA, "citizenships": "FR"})
    report = run_import(get_kind("participants"), upload, imp_operator, dry_run=True)
    assert [(e.row, e.column, e.letter) for e in report.errors] == [(3, "citizenships", "F")]


@pytest.mark.django_db
def test_stateless_without_citizenship_is_accepted_but_nothing_at_all_is_not(imp_operator):
    stateless = {**OKSANA, "citizenships": "", "is_stateless": "x"}
    nothing = {**CHIDI, "citizenships": "", "codice_fiscale": ""}
    report = run_import(get_kind("participants"), imp_participants_xlsx(stateless, nothing), imp_operator)
    assert [(e.row, e.column) for e in report.errors] == [(3, "citizenships")]


@pytest.mark.django_db
def test_invalid_codice_fiscale(imp_operator):
    wrong_check_char = {**AMINA, "codice_fiscale": "BNLMNA90C55Z330A"}
    wrong_date = {**CHIDI, "birth_date": "03/11/1985"}  # the code says 2 November
    report = run_import(
        get_kind("participants"), imp_participants_xlsx(wrong_check_char, wrong_date), imp_operator
    )
    assert [(e.row, e.column, e.letter) for e in report.errors] == [
        (2, "codice_fiscale", "H"),
        (3, "codice_fiscale", "H"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "valid"),
    [
        ({}, True),
        ({"codice_fiscale": "DLLMSS08E10F83VR"}, True),  # omocode variant of the same code
        ({"sex": "F"}, False),
        ({"sex": "X"}, True),  # not stated: the sex is not compared
        ({"birth_date": "11/05/2008"}, False),
        ({"country_of_birth": "SN"}, False),  # the code says born in Italy
        ({"codice_fiscale": "DLLMSS08E10F839D"}, False),  # wrong check character
        ({"codice_fiscale": "DLLMSS08E10Z999X"}, False),  # unknown place
        ({"codice_fiscale": "12345678903"}, True),  # a well-formed temporary code
        ({"codice_fiscale": "12345678901"}, False),
    ],
)
def test_codice_fiscale_of_a_person_born_in_italy(imp_operator, changes, valid):
    """The fast pre-check and the full check_codice_fiscale must agree."""
    row = {
        "first_name": "Moussa",
        "last_name": "Diallo",
        "sex": "M",
        "birth_date": "10/05/2008",
        "country_of_birth": "IT",
        "citizenships": "SN",
        "codice_fiscale": "DLLMSS08E10F839C",
        **changes,
    }
    report = run_import(get_kind("participants"), imp_participants_xlsx(row), imp_operator)
    assert report.ok is valid, report.errors
    assert all(e.column == "codice_fiscale" for e in report.errors)


@pytest.mark.django_db
def test_unknown_codes_and_bad_formats(imp_operator):
    row = {
        **OKSANA,
        "municipality_istat": "999999",
        "country_of_birth": "QQ",
        "languages": "ukr;zzz",
        "email": "not-an-email",
        "arrival_date": "31/02/2020",
        "permit_being_renewed": "forse",
        "education_level": "phd",
    }
    report = run_import(get_kind("participants"), imp_participants_xlsx(row), imp_operator)
    assert {e.column for e in report.errors} == {
        "municipality_istat",
        "country_of_birth",
        "languages",
        "email",
        "arrival_date",
        "permit_being_renewed",
        "education_level",
    }
    assert all(e.row == 2 for e in report.errors)


@pytest.mark.django_db
def test_impossible_dates(imp_operator):
    future = (datetime.date.today() + datetime.timedelta(days=10)).strftime("%d/%m/%Y")
    born_future = {**OKSANA, "birth_date": future}
    arrived_before_birth = {**CHIDI, "codice_fiscale": "", "arrival_date": "01/01/1980"}
    arrived_future = {**AMINA, "arrival_date": future}
    report = run_import(
        get_kind("participants"),
        imp_participants_xlsx(born_future, arrived_before_birth, arrived_future),
        imp_operator,
    )
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "birth_date"),
        (3, "arrival_date"),
        (4, "arrival_date"),
    ]


@pytest.mark.django_db
def test_required_values_missing(imp_operator):
    report = run_import(
        get_kind("participants"), imp_participants_xlsx({**OKSANA, "last_name": " "}), imp_operator
    )
    assert [(e.row, e.column, e.letter) for e in report.errors] == [(2, "last_name", "B")]


@pytest.mark.django_db
def test_likely_duplicate_of_a_registered_participant_in_scope(imp_operator, imp_org, imp_other_org):
    from people import actions

    morocco = Country.objects.get(iso_alpha2="MA")
    actions.register_participant(
        acting_user=imp_operator,
        data={
            "first_name": "amina",
            "last_name": "BENALI",
            "sex": "F",
            "birth_date": datetime.date(1990, 3, 15),
            "country_of_birth": morocco,
            "citizenships": [morocco],
        },
    )
    report = run_import(
        get_kind("participants"), imp_participants_xlsx(AMINA, OKSANA), imp_operator, dry_run=False
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "first_name")]
    assert "remove" in report.errors[0].message.lower() or "riga" in report.errors[0].message.lower()
    assert Participant.objects.count() == 1

    # The same person registered by another organisation is out of the operator's scope: no error.
    other_operator = imp_make_user("altro@example.org", imp_other_org, "operator")
    report = run_import(get_kind("participants"), imp_participants_xlsx(AMINA), other_operator, dry_run=False)
    assert report.ok and report.imported == 1


@pytest.mark.django_db
def test_corrupt_file_gives_one_clear_error(client, imp_operator):
    client.force_login(imp_operator)
    for name in ("random.xlsx", "random.csv", "random.bin"):
        upload = SimpleUploadedFile(name, os.urandom(4096))
        response = imp_upload(client, "participants", upload, dry_run=True)
        assert response.status_code == 200
        errors = response.context["report"].errors
        assert len(errors) == 1 and errors[0].row is None
    # A zip that is not a workbook.
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    response = imp_upload(
        client, "participants", SimpleUploadedFile("fake.xlsx", buffer.getvalue()), dry_run=True
    )
    assert response.status_code == 200 and len(response.context["report"].errors) == 1


@pytest.mark.django_db
def test_csv_with_semicolons(imp_operator):
    lines = [
        ";".join(PARTICIPANT_HEADER),
        "Amina;Benali;F;15/03/1990;MA;MA;;BNLMNA90C55Z330Z;;;;;063049;ara;;;;;",
        "Chidi;Okafor;M;1985-11-02;NG;NG,GH;no;;;;;;;;;;;;",
        "",
        "",
    ]
    content = ("\r\n".join(lines)).encode("utf-8-sig")
    report = run_import(
        get_kind("participants"), SimpleUploadedFile("p.csv", content), imp_operator, dry_run=False
    )
    assert report.ok, report.errors
    assert report.imported == 2
    okafor = Participant.objects.get(last_name="Okafor")
    assert sorted(okafor.citizenships.values_list("iso_alpha2", flat=True)) == ["GH", "NG"]


@pytest.mark.django_db
def test_values_in_a_column_without_header(imp_operator):
    upload = imp_xlsx(PARTICIPANT_HEADER, [[*[AMINA.get(h) for h in PARTICIPANT_HEADER], "stray"]])
    report = run_import(get_kind("participants"), upload, imp_operator)
    assert [(e.row, e.letter) for e in report.errors] == [(1, "T")]


@pytest.mark.django_db
def test_csv_with_commas_and_quotes(imp_operator):
    header = "first_name,last_name,sex,birth_date,country_of_birth,citizenships"
    content = f'{header}\nAmina,"Benali, detta Mina",F,15/03/1990,MA,"MA;TN"\n'.encode()
    report = run_import(
        get_kind("participants"), SimpleUploadedFile("p.csv", content), imp_operator, dry_run=False
    )
    assert report.ok and report.imported == 1
    assert Participant.objects.get().last_name == "Benali, detta Mina"


@pytest.mark.django_db
def test_empty_trailing_rows_are_ignored_and_rows_keep_their_numbers(imp_operator):
    upload = imp_xlsx(
        PARTICIPANT_HEADER,
        [
            [AMINA.get(h) for h in PARTICIPANT_HEADER],
            [None] * len(PARTICIPANT_HEADER),
            [{**OKSANA, "sex": "?"}.get(h) for h in PARTICIPANT_HEADER],
            [None] * 3,
            ["", "  "],
        ],
    )
    report = run_import(get_kind("participants"), upload, imp_operator)
    assert report.total_rows == 2
    assert [(e.row, e.column) for e in report.errors] == [(4, "sex")]


@pytest.mark.django_db
def test_header_only_file(imp_operator):
    report = run_import(get_kind("participants"), imp_participants_xlsx(), imp_operator)
    assert len(report.errors) == 1 and report.errors[0].row is None


@pytest.mark.django_db
def test_limits(settings, imp_operator):
    settings.IMPORT_MAX_ROWS = 2
    report = run_import(get_kind("participants"), imp_participants_xlsx(AMINA, CHIDI, OKSANA), imp_operator)
    assert len(report.errors) == 1 and "2" in report.errors[0].message
    settings.IMPORT_MAX_ROWS = 100
    settings.IMPORT_MAX_FILE_SIZE = 1000
    report = run_import(get_kind("participants"), imp_participants_xlsx(AMINA), imp_operator)
    assert len(report.errors) == 1 and report.errors[0].row is None


@pytest.mark.django_db
def test_failure_at_commit_time_rolls_everything_back(monkeypatch, imp_operator):
    from people import actions

    original = actions.register_participant
    calls = []

    def failing(*, acting_user, data):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(acting_user=acting_user, data=data)

    monkeypatch.setattr(actions, "register_participant", failing)
    report = run_import(
        get_kind("participants"), imp_participants_xlsx(AMINA, CHIDI, OKSANA), imp_operator, dry_run=False
    )
    assert not report.ok and report.imported == 0
    assert report.errors[0].row == 4
    assert Participant.objects.count() == 0


# --- Organisations -------------------------------------------------------------------------------------------

ORGANISATION_HEADER = [
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


@pytest.mark.django_db
def test_coordinator_imports_organisations(client, imp_coordinator, imp_org):
    client.force_login(imp_coordinator)
    rows = [
        [
            "Comune di Caserta",
            "municipality",
            "00137350617",
            CASERTA,
            "Piazza Vanvitelli 1",
            "info@comune.caserta.it",
        ],
        [
            "Associazione Sunugal",
            "migrant_association",
            "",
            NAPOLI,
            "",
            "",
            "",
            "www.sunugal.example.it",
            "",
            "sì",
        ],
    ]
    response = imp_upload(client, "organisations", imp_xlsx(ORGANISATION_HEADER, rows), dry_run=False)
    assert response.status_code == 200
    assert response.context["report"].imported == 2
    sunugal = Organisation.objects.get(name="Associazione Sunugal")
    assert sunugal.migrant_led and sunugal.website == "https://www.sunugal.example.it"
    assert sunugal.kind == "migrant_association"


@pytest.mark.django_db
def test_organisation_errors(imp_coordinator, imp_org):
    rows = [
        ["Cooperativa Ponti", "third_sector", "", NAPOLI],  # already registered (imp_org)
        ["Nuova Onlus", "charity", "12345678901", NAPOLI],  # unknown kind, wrong check digit
        ["Nuova Onlus", "third_sector", "", "000000"],  # unknown ISTAT code
        ["Doppia", "school", "", NAPOLI],
        ["DOPPIA", "school", "", NAPOLI],  # same as the row above
    ]
    report = run_import(
        get_kind("organisations"), imp_xlsx(ORGANISATION_HEADER, rows), imp_coordinator, dry_run=False
    )
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "name"),
        (3, "kind"),
        (3, "tax_code"),
        (4, "municipality_istat"),
        (6, "name"),
    ]
    assert Organisation.objects.count() == 2  # imp_org and the Region


# --- Permissions, pages, templates ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_viewer_gets_403(client, imp_viewer):
    client.force_login(imp_viewer)
    url = reverse("core:import_upload", args=["participants"])
    assert client.get(url).status_code == 403
    upload = imp_participants_xlsx(AMINA)
    assert client.post(url, {"file": upload, "dry_run": "on"}).status_code == 403
    assert client.get(reverse("core:import_template", args=["participants"])).status_code == 403
    response = client.get(reverse("core:import_index"))
    assert response.status_code == 200 and response.context["kinds"] == []


@pytest.mark.django_db
def test_operator_sees_only_participants(client, imp_operator):
    client.force_login(imp_operator)
    response = client.get(reverse("core:import_index"))
    assert [k.slug for k in response.context["kinds"]] == [
        "participants",
        "services",
        "enrolments",
        "attendance",
        "assessments",
    ]
    assert reverse("core:import_upload", args=["organisations"]) not in response.content.decode()
    assert client.get(reverse("core:import_upload", args=["organisations"])).status_code == 403
    upload = imp_xlsx(["name", "kind", "municipality_istat"], [["Ente", "school", NAPOLI]])
    assert imp_upload(client, "organisations", upload, dry_run=False).status_code == 403
    assert Organisation.objects.filter(name="Ente").count() == 0
    assert client.get(reverse("core:import_template", args=["organisations"])).status_code == 403
    assert client.get(reverse("core:import_upload", args=["nothing"])).status_code == 404


@pytest.mark.django_db
def test_coordinator_sees_organisations_only(client, imp_coordinator):
    client.force_login(imp_coordinator)
    response = client.get(reverse("core:import_index"))
    assert [k.slug for k in response.context["kinds"]] == ["organisations", "agreements"]


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, imp_reference):
    response = client.get(reverse("core:import_upload", args=["participants"]))
    assert response.status_code == 302


@pytest.mark.django_db
def test_upload_page_has_a_multipart_form_with_dry_run_ticked(client, imp_operator):
    client.force_login(imp_operator)
    response = client.get(reverse("core:import_upload", args=["participants"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in content
    assert 'name="dry_run" id="id_dry_run" checked' in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "user_fixture"), [("participants", "imp_operator"), ("organisations", "imp_coordinator")]
)
def test_template_download_is_a_valid_xlsx(client, request, kind, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(reverse("core:import_template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="interazioni-modello-{kind}.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    data = workbook.worksheets[0]
    header = [cell.value for cell in next(data.iter_rows(max_row=1))]
    assert header == [c.name for c in get_kind(kind).columns]
    assert len(workbook.worksheets) >= 3  # data, instructions, codes
    instructions = workbook.worksheets[1]
    text = "\n".join(str(c.value) for row in instructions.iter_rows() for c in row if c.value)
    assert all(c.name in text for c in get_kind(kind).columns)
    assert data.data_validations.dataValidation  # drop-downs for the choice columns
    # The empty template read back: a header and no rows.
    table = read_table(SimpleUploadedFile("t.xlsx", response.content))
    assert table.header == header and table.rows == []


@pytest.mark.django_db
def test_filled_template_imports(imp_operator):
    content = build_filled_template(imp_operator)
    report = run_import(
        get_kind("participants"), SimpleUploadedFile("t.xlsx", content), imp_operator, dry_run=False
    )
    assert report.ok, report.errors
    assert report.imported == 1


def build_filled_template(user) -> bytes:
    from core.imports import build_template

    workbook = openpyxl.load_workbook(io.BytesIO(build_template(get_kind("participants"), user)))
    sheet = workbook.worksheets[0]
    for index, name in enumerate(PARTICIPANT_HEADER, start=1):
        sheet.cell(row=2, column=index, value=AMINA.get(name))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_validate_api_shape(imp_operator):
    kind = get_kind("participants")
    table = read_table(imp_participants_xlsx(AMINA, {**CHIDI, "sex": "?"}))
    report = validate(kind, table, imp_operator)
    assert len(report.valid_rows) == 1 and report.valid_rows[0].number == 2
    assert report.errors[0].row == 3 and report.errors[0].column == "sex" and report.errors[0].letter == "C"
    assert report.valid_rows[0].values["citizenships"] == [Country.objects.get(iso_alpha2="MA")]
    assert set(report.valid_rows[0].values["languages"]) == set(
        Language.objects.filter(code__in=["ara", "fra"])
    )


# --- Command line ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_management_command(tmp_path, imp_operator):
    good = tmp_path / "good.xlsx"
    good.write_bytes(imp_participants_xlsx(AMINA, CHIDI).read())
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_data", "participants", str(good), "--user", imp_operator.email, "--dry-run", stdout=out
    )
    assert "2" in out.getvalue()
    assert Participant.objects.count() == 0
    call_command("import_data", "participants", str(good), "--user", imp_operator.email, stdout=out)
    assert Participant.objects.count() == 2

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(imp_participants_xlsx({**OKSANA, "sex": "?"}).read())
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_data", "participants", str(bad), "--user", imp_operator.email, stdout=out, stderr=err
        )
    assert raised.value.returncode == 1
    assert err.getvalue().strip() == "row 2, column sex (C): " + err.getvalue().split(": ", 1)[1].strip()
    assert Participant.objects.count() == 2

    with pytest.raises(CommandError):
        call_command("import_data", "organisations", str(good), "--user", imp_operator.email)
    with pytest.raises(CommandError):
        call_command("import_data", "participants", str(good), "--user", "nobody@example.org")
