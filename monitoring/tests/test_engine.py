"""The engine's properties: breakdowns that add up (and those that need not), month keys, medians and
shares, empty data, the drill-down, agreement between a breakdown cell and the same scope asked directly,
portability (the suite runs on SQLite and PostgreSQL) and a query count that does not grow with the data.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import re

import pytest
from django.db import connection

from conftest import make_member, make_organisation, make_participant, municipality
from core.roles import Role
from monitoring.engine import Scope, subject_ids_sql
from monitoring.models import Breakdown, Indicator, IndicatorTarget
from monitoring.report import as_dict, compute, compute_all, spec_for
from monitoring.tests.factories import (
    END,
    START,
    activity,
    at,
    attend,
    build_dataset,
    day,
    enrol,
    referral,
    service,
    session,
)
from paths.models import Referral, ReferralStatus
from people.models import Participant, Sex

pytestmark = pytest.mark.django_db

PERIOD = Scope(START, END)
ALL_DIMENSIONS = list(Breakdown.values)
COUNT_UNITS = ("people", "organisations", "records")
PARTICIPANT_CODES = [
    "O.2.1",
    "O.2.3",
    "O.2.3.1",
    "O.2.3.2",
    "O.2.3.3",
    "O.2.5",
    "O.2.6",
    "R.2.8",
    "R.2.9",
    "R.2.10",
    "R.2.11",
    "P2.1",
    "P2.2",
    "P2.2.1",
    "P2.3",
    "P2.3.1",
    "P2.4",
]
# Records, operators and organisations that sit in one place each: their province cells add up too.
ONE_PLACE_CODES = [
    "O.2.4",
    "P1.1",
    "P1.2",
    "P1.4",
    "P1.5",
    "P1.6",
    "P1.7",
    "P1.7.1",
    "P2.4.1",
    "P3.2",
    "P3.2.1",
]
ALL_CODES = [
    *["O.2.1", "O.2.2", "O.2.3", "O.2.3.1", "O.2.3.2", "O.2.3.3", "O.2.4", "O.2.5", "O.2.6", "O.2.7"],
    *["R.2.8", "R.2.9", "R.2.10", "R.2.11", "P1.1", "P1.2", "P1.3", "P1.4", "P1.4.1", "P1.5", "P1.5.1"],
    *["P1.6", "P1.6.1", "P1.6.2", "P1.7", "P1.7.1", "P2.1", "P2.2", "P2.2.1", "P2.3", "P2.3.1", "P2.4"],
    *["P2.4.1", "P3.1", "P3.2", "P3.2.1", "P3.3", "P3.3.1", "P3.3.2"],
]


@pytest.fixture
def data(db):
    return build_dataset()


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def test_every_indicator_of_the_file_is_loaded_and_known_here():
    assert sorted(Indicator.objects.values_list("code", flat=True)) == sorted(ALL_CODES)


# --- breakdowns that add up, and those that need not -----------------------------------------------------------


@pytest.mark.parametrize("code", PARTICIPANT_CODES)
def test_sex_age_band_and_province_cells_add_up_to_the_total(data, code):
    result = compute(indicator(code), PERIOD, by=["sex", "age_band", "province"], with_targets=False)
    for dimension in ("sex", "age_band", "province"):
        assert sum(cell.value for cell in result.breakdowns[dimension]) == result.value, dimension


@pytest.mark.parametrize("code", ONE_PLACE_CODES)
def test_province_cells_of_records_add_up_to_the_total(data, code):
    result = compute(indicator(code), PERIOD, by=["province"], with_targets=False)
    assert result.value, "the dataset should give this indicator a value"
    assert sum(cell.value for cell in result.breakdowns["province"]) == result.value


def test_province_not_stated_has_the_empty_key_and_a_label(data):
    result = compute(indicator("O.2.3"), PERIOD, by=["province"], with_targets=False)
    [not_stated] = [cell for cell in result.breakdowns["province"] if cell.key == ""]
    assert not_stated.value == 1  # p5 has no municipality of residence
    assert str(not_stated.label)
    assert {str(cell.label) for cell in result.breakdowns["province"]} >= {"Napoli", "Caserta", "Salerno"}


def test_target_group_is_multi_valued(data):
    result = compute(indicator("O.2.3"), PERIOD, by=["target_group"], with_targets=False)
    groups = {cell.key: cell.value for cell in result.breakdowns["target_group"]}
    # p3 is both a newly-arrived and an unaccompanied minor: 3 + 1 + 1 + 2 = 7 people-in-groups of 8
    # people, some in none: the cells need not add up to the total
    assert groups == {"woman": 3, "newly_arrived_minor": 1, "unaccompanied_minor": 1, "second_generation": 2}
    assert sum(groups.values()) != result.value
    # a cell is the indicator restricted to the group: women supported = P2.3
    assert groups["woman"] == compute(indicator("P2.3"), PERIOD, with_targets=False).value


def test_citizenship_is_multi_valued(data):
    result = compute(indicator("O.2.3"), PERIOD, by=["citizenship"], with_targets=False)
    # p12 is Senegalese and Moroccan: 9 cells' worth for 8 people
    assert sum(cell.value for cell in result.breakdowns["citizenship"]) == result.value + 1


@pytest.mark.parametrize("code", [c for c in ALL_CODES if not c.startswith("P3.3")])
def test_month_keys_are_year_and_month_within_the_period(data, code):
    item = indicator(code)
    if "month" not in item.breakdowns:
        pytest.skip("no month breakdown")
    result = compute(item, PERIOD, by=["month"], with_targets=False)
    if spec_for(item, PERIOD).snapshot:
        assert "month" not in result.breakdowns  # a state at the end of the period has no months
        return
    for cell in result.breakdowns["month"]:
        assert re.fullmatch(r"2025-(0[1-9]|1[0-2])", cell.key), cell.key
        assert str(cell.label) != cell.key  # a readable month name


# --- a cell is the same number as the scope asked directly ---------------------------------------------------

SCOPE_FIELD = {
    "organisation": "organisation_id",
    "organisation_kind": "organisation_kind",
    "province": "province_id",
    "municipality": "municipality_id",
    "action": "action",
}
# Not expected to agree, by the counting rules:
NOT_A_SCOPE = {
    # an agreement is every party's (the organisation filters take any party) but broken down by its lead
    ("O.2.7", "organisation_kind"),
    ("P1.4.1", "organisation_kind"),
    # minors "on the first day of the period": a month of the year starts on another day than the year
    ("P2.3.1", "month"),
}


def _scope_for(dimension: str, key: str) -> Scope:
    if dimension == "month":
        year, month = (int(part) for part in key.split("-"))
        return Scope(day(year, month, 1), day(year, month, calendar.monthrange(year, month)[1]))
    typed = int(key) if dimension in ("organisation", "province", "municipality") else key
    return dataclasses.replace(PERIOD, **{SCOPE_FIELD[dimension]: typed})


@pytest.mark.parametrize("code", ALL_CODES)
def test_each_breakdown_cell_equals_the_scope_asked_directly(data, code):
    """Filtering the dashboard by a province, organisation, type, action or month gives the number shown in
    that cell of the breakdown (the same events, the same people)."""
    item = indicator(code)
    dimensions = [d for d in item.breakdowns if d in (*SCOPE_FIELD, "month") and (code, d) not in NOT_A_SCOPE]
    if not dimensions:
        pytest.skip("no breakdown that is also a scope")
    result = compute(item, PERIOD, by=dimensions, with_targets=False)
    mismatches = []
    for dimension, cells in result.breakdowns.items():
        for cell in cells:
            if cell.key == "":
                continue  # "not stated" is not a scope
            direct = compute(item, _scope_for(dimension, cell.key), with_targets=False).value
            if direct != pytest.approx(cell.value):
                mismatches.append(f"{dimension}={cell.key} ({cell.label}): cell {cell.value}, scope {direct}")
    assert not mismatches, mismatches


# --- medians and shares --------------------------------------------------------------------------------------


@pytest.fixture
def referrals(db):
    """Accepted referrals from one organisation, answered after 1, 2, 4 and 7 days; one rejected."""
    sender, receiver = make_organisation("Mittente"), make_organisation("Destinatario")
    user = make_member(sender, Role.OPERATOR)
    person = make_participant(sender)

    def send(sent_day, days, status=ReferralStatus.ACCEPTED):
        sent = at(2025, 3, sent_day)
        return referral(person, sender, receiver, user, sent, answered_at=sent + _days(days), status=status)

    for n, days in enumerate((7, 1, 4, 2), start=1):
        send(n, days)
    send(10, 30, ReferralStatus.REJECTED)
    return send


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def test_median_of_an_even_count_is_the_mean_of_the_middle_two(referrals):
    # 1, 2, 4, 7 → (2 + 4) / 2 = 3
    result = compute(indicator("P1.6.2"), PERIOD, with_targets=False)
    assert (result.value, result.contributors) == (3, 4)


def test_median_of_an_odd_count_is_the_middle_one(referrals):
    referrals(20, 20)
    # 1, 2, 4, 7, 20 → 4
    result = compute(indicator("P1.6.2"), PERIOD, with_targets=False)
    assert (result.value, result.contributors) == (4, 5)


def test_share_of_accepted_among_answered(referrals):
    # 4 accepted of 5 answered = 80%; one more sent but unanswered changes nothing
    assert compute(indicator("P1.6.1"), PERIOD, with_targets=False).value == 80
    referrals(25, 0, ReferralStatus.SENT)
    Referral.objects.filter(status=ReferralStatus.SENT).update(answered_at=None)
    assert compute(indicator("P1.6.1"), PERIOD, with_targets=False).value == 80
    assert compute(indicator("P1.6"), PERIOD, with_targets=False).value == 6


def test_days_are_counted_between_local_dates(db):
    """Sent at 00:30 and answered at 23:30 of the same day in Rome: 0 days. In UTC the sending falls on the
    day before, so a difference of UTC dates gives 1."""
    sender, receiver = make_organisation("Mittente"), make_organisation("Destinatario")
    user = make_member(sender, Role.OPERATOR)
    person = make_participant(sender)
    for _ in range(2):
        referral(
            person,
            sender,
            receiver,
            user,
            at(2025, 3, 10, 0, 30),
            answered_at=at(2025, 3, 10, 23, 30),
            status=ReferralStatus.ACCEPTED,
        )
    assert compute(indicator("P1.6.2"), PERIOD, with_targets=False).value == 0


# --- empty data ---------------------------------------------------------------------------------------------


def test_empty_data_gives_zero_counts_and_no_share_without_crashing(db):
    results = compute_all(PERIOD, by=ALL_DIMENSIONS, with_targets=False)
    assert len(results) == len(ALL_CODES)
    for result in results:
        if result.indicator.unit in COUNT_UNITS and spec_for(result.indicator, PERIOD).aggregate == "count":
            assert result.value == 0, result.code
        if result.indicator.unit in ("percent", "days"):
            assert result.value is None, result.code
        for cells in result.breakdowns.values():
            assert all(cell.value in (0, None) for cell in cells), result.code
    for result in compute_all(PERIOD, by=ALL_DIMENSIONS, controlled=True):
        as_dict(result)  # serialises


@pytest.mark.parametrize("code", ["P1.2", "P1.7.1", "P3.2.1"])
def test_empty_data_gives_a_zero_sum(db, code):
    """No hours attended, no mediation hours, nobody reached: 0, a number, not "no value"."""
    assert compute(indicator(code), PERIOD, with_targets=False).value == 0


def test_a_period_with_no_records_is_not_the_same_as_an_unknown_share(data):
    later = Scope(day(2030, 1, 1), day(2030, 12, 31))
    assert compute(indicator("O.2.3"), later, with_targets=False).value == 0
    assert compute(indicator("P1.6.1"), later, with_targets=False).value is None
    assert compute(indicator("P1.6.2"), later, with_targets=False).value is None


# --- the drill-down ------------------------------------------------------------------------------------------


def test_drill_down_lists_the_records_behind_a_records_indicator(data):
    spec = spec_for(indicator("P1.6"), PERIOD)
    sent = Referral.objects.filter(pk__in=subject_ids_sql(spec, PERIOD))
    assert sent.count() == 5
    assert not sent.filter(sent_at__lt=at(2025, 1, 1, 0, 0)).exists()


def test_drill_down_lists_the_enrolments_behind_operators_trained(data):
    from activities.models import Enrolment

    spec = spec_for(indicator("P1.1"), PERIOD)
    enrolments = Enrolment.objects.filter(pk__in=subject_ids_sql(spec, PERIOD, column="m_record"))
    # Giulia in two trainings + Mario = 3 enrolments for 2 operators
    assert sorted(enrolments.values_list("full_name", flat=True)) == ["Giulia Esposito"] * 2 + ["Mario Rossi"]


def test_drill_down_of_participants_respects_the_scope(data):
    scope = dataclasses.replace(PERIOD, province_id=municipality("Caserta").province_id)
    spec = spec_for(indicator("O.2.3"), scope)
    people = Participant.objects.filter(pk__in=subject_ids_sql(spec, scope))
    assert set(people) == {data.people["p2"], data.people["p11"]}


# --- portability and cost ------------------------------------------------------------------------------------


def test_runs_on_the_configured_backend(data):
    assert connection.vendor in ("sqlite", "postgresql")
    results = compute_all(PERIOD, by=ALL_DIMENSIONS, with_targets=False)
    assert {r.code: r.value for r in results}["O.2.3"] == 8


def _more_people(data, n: int) -> None:
    """n more participants, each with a service, a presence and a different sex / age / place."""
    course = activity(data.org_b, "italian_l2", town="Caserta")
    lesson = session(course, day(2025, 9, 15))
    towns = ("Napoli", "Caserta", "Salerno", "Avellino", "Benevento")
    for i in range(n):
        person = make_participant(
            data.org_b,
            citizenships=(("MA", "TN", "NG", "UA", "PK")[i % 5],),
            sex=(Sex.FEMALE, Sex.MALE)[i % 2],
            birth_date=day(1950 + i, 1 + i % 12, 1),
            municipality=municipality(towns[i % 5]),
        )
        service(person, "housing_support", day(2025, 1 + i % 12, 5), data.org_b, data.operator_b)
        attend(enrol(course, person), lesson)


def test_query_count_for_one_indicator_with_three_breakdowns_is_small_and_constant(
    data, django_assert_max_num_queries
):
    item = indicator("O.2.3")
    IndicatorTarget.objects.create(indicator=item, value=100)
    by = ["sex", "age_band", "province"]
    with django_assert_max_num_queries(10) as first:
        compute(item, PERIOD, by=by)
    _more_people(data, 40)
    with django_assert_max_num_queries(len(first.captured_queries)):
        result = compute(item, PERIOD, by=by)
    assert result.value == 8 + 40


def test_query_count_of_the_whole_set_does_not_grow_with_the_data(data, django_assert_max_num_queries):
    by = ["sex", "age_band", "province", "month"]
    with django_assert_max_num_queries(400) as first:
        compute_all(PERIOD, by=by)
    _more_people(data, 30)
    with django_assert_max_num_queries(len(first.captured_queries)):
        compute_all(PERIOD, by=by)
