"""Checks made before registering a person: codice fiscale, third-country nationality, likely duplicates."""

from __future__ import annotations

import datetime

import pytest
from codicefiscale import codicefiscale

from conftest import country, make_participant
from people.eligibility import check_codice_fiscale, eligibility_errors, likely_duplicates
from people.models import Participant

BIRTH = datetime.date(1990, 5, 17)


def _cf(birthplace: str = "Marocco", *, gender: str = "F", birthdate: str = "17/05/1990") -> str:
    return codicefiscale.encode(
        lastname="Benali", firstname="Amina", gender=gender, birthdate=birthdate, birthplace=birthplace
    )


def _check_digit(ten_digits: str) -> str:
    """The control digit of an Italian 11-digit tax number, as the Agenzia delle Entrate defines it."""
    odd = sum(int(d) for d in ten_digits[0::2])
    even = sum(int(d) * 2 - 9 if int(d) * 2 > 9 else int(d) * 2 for d in ten_digits[1::2])
    return str((10 - (odd + even) % 10) % 10)


# --- Codice fiscale -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_valid_codice_fiscale_matching_the_registry_data_passes():
    # Given a code generated for a woman born in Morocco on 17/05/1990
    code = _cf()
    # When it is checked against the same data
    check = check_codice_fiscale(code, birth_date=BIRTH, sex="F", country_of_birth=country("MA"))
    # Then there are no errors and the decoded data is returned
    assert check.errors == []
    assert check.birth_date == BIRTH
    assert check.sex == "F"
    assert check.birthplace_code == country("MA").cadastral_code == "Z330"


def test_a_lower_case_code_with_spaces_is_accepted():
    assert check_codice_fiscale(f"  {_cf().lower()} ").errors == []


def test_an_empty_code_is_not_checked():
    assert check_codice_fiscale("").errors == []


def test_a_wrong_control_character_is_refused():
    code = _cf()
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    check = check_codice_fiscale(wrong)
    assert len(check.errors) == 1
    assert check.birth_date is None


@pytest.mark.parametrize("code", ["BNLMNA90E57Z330", "BNLMNA90E57Z330HX", "1234567890123456", "not a code"])
def test_a_malformed_code_is_refused(code):
    assert check_codice_fiscale(code).errors


@pytest.mark.django_db
def test_a_birth_date_mismatch_is_detected():
    check = check_codice_fiscale(_cf(), birth_date=datetime.date(1990, 5, 18), country_of_birth=country("MA"))
    assert len(check.errors) == 1
    assert "17/05/1990" in check.errors[0]


@pytest.mark.django_db
def test_a_sex_mismatch_is_detected():
    check = check_codice_fiscale(_cf(gender="F"), birth_date=BIRTH, sex="M", country_of_birth=country("MA"))
    assert len(check.errors) == 1


def test_sex_other_is_not_compared_with_the_code():
    assert check_codice_fiscale(_cf(gender="F"), birth_date=BIRTH, sex="X").errors == []


@pytest.mark.django_db
def test_a_different_foreign_country_of_birth_is_detected():
    # Given a code for someone born in Morocco, when Tunisia is entered as country of birth
    check = check_codice_fiscale(_cf("Marocco"), birth_date=BIRTH, sex="F", country_of_birth=country("TN"))
    # Then the mismatch is reported
    assert len(check.errors) == 1


@pytest.mark.django_db
def test_a_code_for_someone_born_in_italy_does_not_fit_a_foreign_country_of_birth():
    code = _cf("Napoli")
    check = check_codice_fiscale(code, birth_date=BIRTH, sex="F", country_of_birth=country("MA"))
    assert len(check.errors) == 1
    assert check.birthplace_code == "F839"


@pytest.mark.django_db
def test_a_code_for_someone_born_abroad_does_not_fit_italy_as_country_of_birth():
    check = check_codice_fiscale(_cf("Marocco"), birth_date=BIRTH, sex="F", country_of_birth=country("IT"))
    assert len(check.errors) == 1


@pytest.mark.django_db
def test_a_code_for_someone_born_in_italy_fits_italy_as_country_of_birth():
    assert (
        check_codice_fiscale(_cf("Napoli"), birth_date=BIRTH, sex="F", country_of_birth=country("IT")).errors
        == []
    )


@pytest.mark.django_db
def test_an_omocode_is_accepted_and_decoded():
    # Given an omocode variant (digits replaced by letters to resolve a clash)
    base = _cf()
    omocode = codicefiscale.decode(base)["omocodes"][-1]
    assert omocode != base
    # When it is checked, then it is valid and encodes the same person
    check = check_codice_fiscale(omocode, birth_date=BIRTH, sex="F", country_of_birth=country("MA"))
    assert check.errors == []
    assert check.birth_date == BIRTH


def test_a_temporary_numeric_code_with_a_valid_check_digit_is_accepted():
    code = "8000123456" + _check_digit("8000123456")
    assert check_codice_fiscale(code, birth_date=BIRTH, sex="F").errors == []
    assert check_codice_fiscale("01234567897").errors == []


def test_a_temporary_numeric_code_with_a_wrong_check_digit_is_refused():
    good = "8000123456" + _check_digit("8000123456")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert len(check_codice_fiscale(bad).errors) == 1


# --- Eligibility: third-country nationals only ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("codes", [["FR"], ["IT"], ["MA", "IT"], ["DE", "UA"]])
def test_italian_and_eu_citizens_are_refused_naming_the_country(codes):
    citizenships = [country(code) for code in codes]
    errors = eligibility_errors(citizenships)
    assert len(errors) == 1
    for c in citizenships:
        if c.is_eu:
            assert str(c) in errors[0]
        else:
            assert str(c) not in errors[0]


@pytest.mark.django_db
@pytest.mark.parametrize("codes", [["MA"], ["UA"], ["NG", "GH"], ["XK"], ["GB"], ["CH"]])
def test_third_country_nationals_are_accepted(codes):
    assert eligibility_errors([country(code) for code in codes]) == []


def test_a_stateless_person_without_citizenship_is_accepted():
    assert eligibility_errors([], is_stateless=True) == []


def test_no_citizenship_and_not_stateless_is_refused():
    assert len(eligibility_errors([], is_stateless=False)) == 1


# --- Likely duplicates ----------------------------------------------------------------------------


def _duplicates(user, **overrides):
    query = {
        "first_name": "Amina",
        "last_name": "Benali",
        "birth_date": BIRTH,
        "citizenships": [country("MA")],
        "codice_fiscale": "",
    }
    query.update(overrides)
    return list(likely_duplicates(Participant.objects.visible_to(user), **query))


def test_a_duplicate_is_found_by_codice_fiscale(org_a, operator_a):
    code = _cf()
    existing = make_participant(org_a, first_name="Aminata", last_name="Ben Ali", codice_fiscale=code)
    found = _duplicates(operator_a, first_name="Someone", last_name="Else", codice_fiscale=code.lower())
    assert found == [existing]


def test_a_duplicate_is_found_by_name_birth_date_and_citizenship_ignoring_case(org_a, operator_a):
    existing = make_participant(
        org_a, first_name="Amina", last_name="Benali", birth_date=BIRTH, citizenships=("MA", "TN")
    )
    assert _duplicates(
        operator_a, first_name=" amina ", last_name="BENALI", citizenships=[country("TN")]
    ) == [existing]


def test_a_duplicate_with_both_matches_is_reported_once(org_a, operator_a):
    code = _cf()
    existing = make_participant(
        org_a, first_name="Amina", last_name="Benali", birth_date=BIRTH, codice_fiscale=code
    )
    assert _duplicates(operator_a, codice_fiscale=code, citizenships=[country("MA"), country("TN")]) == [
        existing
    ]


def test_a_different_birth_date_is_not_a_duplicate(org_a, operator_a):
    make_participant(org_a, first_name="Amina", last_name="Benali", birth_date=BIRTH)
    assert _duplicates(operator_a, birth_date=datetime.date(1991, 5, 17)) == []


def test_no_citizenship_in_common_is_not_a_duplicate(org_a, operator_a):
    make_participant(org_a, first_name="Amina", last_name="Benali", birth_date=BIRTH, citizenships=("MA",))
    assert _duplicates(operator_a, citizenships=[country("TN")]) == []


def test_the_record_being_edited_is_not_its_own_duplicate(org_a, operator_a):
    existing = make_participant(org_a, first_name="Amina", last_name="Benali", birth_date=BIRTH)
    query = {
        "first_name": "Amina",
        "last_name": "Benali",
        "birth_date": BIRTH,
        "citizenships": [country("MA")],
    }
    found = likely_duplicates(Participant.objects.visible_to(operator_a), exclude_pk=existing.pk, **query)
    assert list(found) == []


def test_a_duplicate_in_another_organisation_is_not_reported_to_the_operator(org_b, operator_a, coordinator):
    # Given the same person registered by organisation B
    code = _cf()
    in_b = make_participant(
        org_b, first_name="Amina", last_name="Benali", birth_date=BIRTH, codice_fiscale=code
    )
    # When operator A checks, then nothing outside A's scope is revealed
    assert _duplicates(operator_a, codice_fiscale=code) == []
    # While the regional coordinator, who sees every record, is told
    assert _duplicates(coordinator, codice_fiscale=code) == [in_b]
