"""Registering, listing and classifying participants."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, country, make_participant, municipality, participant_form_data
from people.models import (
    Participant,
    ParticipantStatus,
    PermitReason,
    Sex,
    TargetGroup,
    VulnerabilityFlag,
    years_before,
)

LIST_URL = reverse("people:participant_list")
CREATE_URL = reverse("people:participant_create")


def _listed(client, **params) -> list[Participant]:
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


# --- Registration ---------------------------------------------------------------------------------


def test_registering_through_the_form_creates_a_participant_owned_by_the_org(operator_a, org_a):
    # Given operator A fills the registration form for a person with two citizenships
    data = participant_form_data(
        first_name="Fatima",
        last_name="Zahra",
        citizenships=[str(country("MA").pk), str(country("TN").pk)],
        arrival_date="2024-09-01",
        permit_reason=PermitReason.FAMILY,
    )
    # When it is submitted
    response = client_for(operator_a).post(CREATE_URL, data)
    # Then the participant exists, owned by A, with both citizenships, and the browser goes to its page
    participant = Participant.objects.get(first_name="Fatima", last_name="Zahra")
    assert response.status_code == 302
    assert response["Location"] == participant.get_absolute_url()
    assert participant.owner == org_a
    assert participant.created_by == operator_a
    assert {c.iso_alpha2 for c in participant.citizenships.all()} == {"MA", "TN"}
    assert participant.municipality == municipality("Napoli")
    assert participant.status == ParticipantStatus.ACTIVE


def test_registering_an_eu_citizen_shows_the_error_and_saves_nothing(operator_a):
    data = participant_form_data(citizenships=[str(country("FR").pk)])
    response = client_for(operator_a).post(CREATE_URL, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["citizenships"]
    assert any(str(country("FR")) in message for message in errors)
    assert not Participant.objects.exists()


def test_registering_without_citizenship_needs_the_stateless_box(operator_a):
    client = client_for(operator_a)
    response = client.post(CREATE_URL, participant_form_data(citizenships=[]))
    assert response.status_code == 200
    assert "citizenships" in response.context["form"].errors
    response = client.post(CREATE_URL, participant_form_data(citizenships=[], is_stateless="on"))
    assert response.status_code == 302
    assert Participant.objects.get().is_stateless


def test_registering_with_a_mismatching_codice_fiscale_saves_nothing(operator_a):
    from codicefiscale import codicefiscale

    code = codicefiscale.encode(
        lastname="Zahra", firstname="Fatima", gender="F", birthdate="05/03/1992", birthplace="Marocco"
    )
    response = client_for(operator_a).post(CREATE_URL, participant_form_data(codice_fiscale=code))
    assert response.status_code == 200
    assert "codice_fiscale" in response.context["form"].errors
    assert not Participant.objects.exists()


def test_a_future_birth_date_is_refused(operator_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(operator_a).post(CREATE_URL, participant_form_data(birth_date=tomorrow.isoformat()))
    assert "birth_date" in response.context["form"].errors
    assert not Participant.objects.exists()


def test_a_likely_duplicate_shows_a_warning_and_needs_confirmation(operator_a, org_a):
    # Given A already registered Fatima Zahra, born 4/3/1992, Moroccan
    existing = make_participant(
        org_a, first_name="Fatima", last_name="Zahra", birth_date=datetime.date(1992, 3, 4)
    )
    client = client_for(operator_a)

    # When the same person is registered again
    response = client.post(CREATE_URL, participant_form_data())

    # Then the form shows the possible duplicate and saves nothing
    assert response.status_code == 200
    form = response.context["form"]
    assert form.duplicates == [existing]
    assert "duplicate" in [error.code for error in form.non_field_errors().as_data()]
    assert b'name="confirm_not_duplicate"' in response.content
    assert Participant.objects.count() == 1

    # When the operator confirms it is a different person, then it is saved
    response = client.post(CREATE_URL, participant_form_data(confirm_not_duplicate="on"))
    assert response.status_code == 302
    assert Participant.objects.count() == 2


def test_a_duplicate_in_another_organisation_is_not_revealed(operator_a, org_b):
    make_participant(org_b, first_name="Fatima", last_name="Zahra", birth_date=datetime.date(1992, 3, 4))
    response = client_for(operator_a).post(CREATE_URL, participant_form_data())
    assert response.status_code == 302


def test_editing_keeps_the_record_its_own_non_duplicate(operator_a, participant_a):
    url = reverse("people:participant_edit", args=[participant_a.pk])
    data = participant_form_data(
        first_name=participant_a.first_name,
        last_name=participant_a.last_name,
        birth_date=participant_a.birth_date.isoformat(),
        phone="+39 333 1234567",
        status="active",
    )
    response = client_for(operator_a).post(url, data)
    assert response.status_code == 302
    participant_a.refresh_from_db()
    assert participant_a.phone == "+39 333 1234567"


def test_closing_a_participant_through_the_edit_form(operator_a, participant_a):
    data = participant_form_data(
        first_name=participant_a.first_name,
        last_name=participant_a.last_name,
        birth_date=participant_a.birth_date.isoformat(),
        status="closed",
    )
    client_for(operator_a).post(reverse("people:participant_edit", args=[participant_a.pk]), data)
    participant_a.refresh_from_db()
    assert participant_a.status == ParticipantStatus.CLOSED


# --- Derived target groups ------------------------------------------------------------------------

TODAY = datetime.date(2025, 6, 15)


def _born(years: int, days_later: int = 0) -> datetime.date:
    return years_before(TODAY, years) + datetime.timedelta(days=days_later)


# name → (fields, expected groups as of TODAY)
TARGET_CASES = {
    "adult woman": ({"sex": Sex.FEMALE, "birth_date": _born(30)}, {TargetGroup.WOMAN}),
    "adult man": ({"sex": Sex.MALE, "birth_date": _born(30)}, set()),
    "boy arrived a year ago": (
        {"sex": Sex.MALE, "birth_date": _born(15), "arrival_date": _born(1)},
        {TargetGroup.NEWLY_ARRIVED_MINOR},
    ),
    "boy arrived exactly two years ago": (
        {"sex": Sex.MALE, "birth_date": _born(15), "arrival_date": _born(2)},
        {TargetGroup.NEWLY_ARRIVED_MINOR},
    ),
    "boy arrived three years ago": (
        {"sex": Sex.MALE, "birth_date": _born(15), "arrival_date": _born(3)},
        set(),
    ),
    "unaccompanied girl": (
        {"sex": Sex.FEMALE, "birth_date": _born(16), "arrival_date": _born(3), "unaccompanied_minor": True},
        {TargetGroup.WOMAN, TargetGroup.UNACCOMPANIED_MINOR},
    ),
    "boy with an unaccompanied-minor permit, just arrived": (
        {
            "sex": Sex.MALE,
            "birth_date": _born(17),
            "arrival_date": _born(0, days_later=-180),
            "permit_reason": PermitReason.UNACCOMPANIED_MINOR,
        },
        {TargetGroup.NEWLY_ARRIVED_MINOR, TargetGroup.UNACCOMPANIED_MINOR},
    ),
    "turned 18 today, arrived last year, unaccompanied": (
        {"sex": Sex.MALE, "birth_date": _born(18), "arrival_date": _born(1), "unaccompanied_minor": True},
        set(),
    ),
    "turns 18 tomorrow, arrived last year": (
        {"sex": Sex.MALE, "birth_date": _born(18, days_later=1), "arrival_date": _born(1)},
        {TargetGroup.NEWLY_ARRIVED_MINOR},
    ),
    "born in Italy": (
        {"sex": Sex.MALE, "birth_date": _born(20), "country_of_birth": "IT"},
        {TargetGroup.SECOND_GENERATION},
    ),
    "arrived aged 5": (
        {"sex": Sex.MALE, "birth_date": _born(20), "arrival_date": _born(15)},
        {TargetGroup.SECOND_GENERATION},
    ),
    "arrived aged 6": (
        {"sex": Sex.MALE, "birth_date": _born(20), "arrival_date": _born(14)},
        set(),
    ),
    "girl born in Italy, 10": (
        {"sex": Sex.FEMALE, "birth_date": _born(10), "country_of_birth": "IT"},
        {TargetGroup.WOMAN, TargetGroup.SECOND_GENERATION},
    ),
}


@pytest.fixture
def target_people(org_a):
    return {name: make_participant(org_a, **fields) for name, (fields, _groups) in TARGET_CASES.items()}


def test_target_groups_are_derived_from_the_registry_data(target_people):
    for name, participant in target_people.items():
        fresh = Participant.objects.select_related("country_of_birth").get(pk=participant.pk)
        assert set(fresh.target_groups(TODAY)) == TARGET_CASES[name][1], name


@pytest.mark.parametrize("group", list(TargetGroup))
def test_the_target_group_filter_agrees_with_target_groups(target_people, group):
    # Given the same people, when the database filter is applied for a group
    in_sql = set(Participant.objects.in_target_group(group, today=TODAY).values_list("pk", flat=True))
    # Then it returns exactly those whose derived groups include it
    in_python = {
        p.pk
        for p in Participant.objects.select_related("country_of_birth")
        if group in p.target_groups(TODAY)
    }
    assert in_sql == in_python
    assert in_sql == {
        target_people[name].pk for name, (_f, groups) in TARGET_CASES.items() if group in groups
    }


def test_arrival_age_is_recomputed_when_the_dates_change(org_a):
    participant = make_participant(org_a, birth_date=_born(20), arrival_date=_born(10))
    assert not participant.arrived_before_school_age
    participant.arrival_date = _born(17)
    participant.save(update_fields=["arrival_date"])
    participant.refresh_from_db()
    assert participant.arrived_before_school_age


# --- The list: filters and sorting ----------------------------------------------------------------


@pytest.fixture
def listed_people(org_a, org_b):
    today = timezone.localdate()
    people = {
        "amina": make_participant(
            org_a, first_name="Amina", last_name="Benali", sex=Sex.FEMALE, birth_date=years_before(today, 30)
        ),
        "youssef": make_participant(
            org_a,
            first_name="Youssef",
            last_name="Alaoui",
            sex=Sex.MALE,
            birth_date=years_before(today, 20),
            municipality=municipality("Caserta"),
            citizenships=("TN",),
            codice_fiscale="",
        ),
        "chidi": make_participant(
            org_a,
            first_name="Chidi",
            last_name="Okafor",
            sex=Sex.MALE,
            birth_date=years_before(today, 45),
            municipality=municipality("Salerno"),
            citizenships=("NG",),
            email="chidi@example.org",
        ),
        "closed": make_participant(
            org_a,
            first_name="Olena",
            last_name="Koval",
            citizenships=("UA",),
            status=ParticipantStatus.CLOSED,
        ),
        # Another organisation's record never appears in A's list, whatever the filter.
        "other": make_participant(org_b, first_name="Amina", last_name="Benali"),
    }
    return people


def _names(participants) -> list[str]:
    return [p.first_name for p in participants]


def test_the_list_shows_active_participants_of_the_org_by_name(operator_a, listed_people):
    assert _names(_listed(client_for(operator_a))) == ["Youssef", "Amina", "Chidi"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("benali", ["Amina"]), ("AMINA benali", ["Amina"]), ("chidi@example.org", ["Chidi"]), ("nobody", [])],
)
def test_the_list_searches_names_and_email(operator_a, listed_people, query, expected):
    assert _names(_listed(client_for(operator_a), q=query)) == expected


def test_the_list_searches_the_codice_fiscale_exactly(operator_a, org_a, listed_people):
    from codicefiscale import codicefiscale

    code = codicefiscale.encode(
        lastname="Rossi", firstname="Sara", gender="F", birthdate="01/02/1990", birthplace="Marocco"
    )
    make_participant(org_a, first_name="Sara", last_name="Rossi", codice_fiscale=code)
    assert _names(_listed(client_for(operator_a), q=code.lower())) == ["Sara"]


@pytest.mark.parametrize(("band", "expected"), [("18-24", ["Youssef"]), ("45-54", ["Chidi"]), ("0-17", [])])
def test_the_list_filters_by_age_band(operator_a, listed_people, band, expected):
    assert _names(_listed(client_for(operator_a), age_band=band, status="active")) == expected


def test_the_age_band_boundaries_follow_birthdays(org_a):
    today = timezone.localdate()
    eighteen_today = make_participant(org_a, birth_date=years_before(today, 18))
    eighteen_tomorrow = make_participant(
        org_a, birth_date=years_before(today, 18) + datetime.timedelta(days=1)
    )
    assert set(Participant.objects.age_band("18-24", today)) == {eighteen_today}
    assert set(Participant.objects.age_band("0-17", today)) == {eighteen_tomorrow}
    assert not Participant.objects.age_band("no-such-band", today).exists()


def test_the_list_filters_by_citizenship(operator_a, listed_people):
    assert _names(_listed(client_for(operator_a), citizenship=country("TN").pk)) == ["Youssef"]


def test_the_list_filters_by_target_group(operator_a, listed_people):
    assert _names(_listed(client_for(operator_a), target_group="woman", status="active")) == ["Amina"]


def test_the_list_filters_by_municipality(operator_a, listed_people):
    assert _names(_listed(client_for(operator_a), municipality=municipality("Salerno").pk)) == ["Chidi"]


def test_the_list_filters_by_status(operator_a, listed_people):
    client = client_for(operator_a)
    assert _names(_listed(client, status="closed")) == ["Olena"]
    assert _names(_listed(client, status="")) == ["Youssef", "Amina", "Olena", "Chidi"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Youssef", "Amina", "Chidi"]),
        ("-name", ["Chidi", "Amina", "Youssef"]),
        ("birth", ["Chidi", "Amina", "Youssef"]),
        ("-birth", ["Youssef", "Amina", "Chidi"]),
        ("municipality", ["Youssef", "Amina", "Chidi"]),
        ("-municipality", ["Chidi", "Amina", "Youssef"]),
        ("not-a-sort", ["Youssef", "Amina", "Chidi"]),
    ],
)
def test_the_list_sorts(operator_a, listed_people, sort, expected):
    assert _names(_listed(client_for(operator_a), sort=sort, status="active")) == expected


def test_the_list_answers_htmx_with_the_table_only(operator_a, listed_people):
    response = client_for(operator_a).get(LIST_URL, {"q": "benali"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Benali" in response.content


# --- Vulnerability notes are encrypted at rest ----------------------------------------------------


def test_a_vulnerability_note_is_stored_encrypted_and_read_back_decrypted(operator_a, participant_a):
    # Given operator A records a vulnerability with a confidential note
    secret = "Segue percorso antiviolenza presso il centro X"
    response = client_for(operator_a).post(
        reverse("people:vulnerability_create", args=[participant_a.pk]), {"kind": "violence", "note": secret}
    )
    assert response.status_code == 302
    flag = VulnerabilityFlag.objects.get(participant=participant_a)

    # When the raw column is read
    table = VulnerabilityFlag._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT note FROM {table} WHERE id = %s", [flag.pk])  # noqa: S608
        (raw,) = cursor.fetchone()

    # Then it is ciphertext, and the model reads the plain text back
    assert raw.startswith("fernet:")
    assert secret not in raw
    assert "antiviolenza" not in raw
    assert VulnerabilityFlag.objects.get(pk=flag.pk).note == secret
    assert flag.recorded_by == operator_a


def test_an_empty_vulnerability_note_stays_empty(operator_a, participant_a):
    client_for(operator_a).post(
        reverse("people:vulnerability_create", args=[participant_a.pk]), {"kind": "disability", "note": ""}
    )
    assert VulnerabilityFlag.objects.get(participant=participant_a).note == ""


def test_closing_a_vulnerability_keeps_it_as_no_longer_current(operator_a, participant_a):
    flag = VulnerabilityFlag.objects.create(participant=participant_a, kind="housing", recorded_by=operator_a)
    response = client_for(operator_a).post(
        reverse("people:vulnerability_close", args=[participant_a.pk, flag.pk])
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert not flag.is_active
