"""Disclosure control (decision 0010): what controlled output shows, and the no-differencing-leak property.

The property is checked by brute force: the people behind the published tables are split into disjoint
groups ("atoms": women in January-March, men who came in April, ...); every published figure is the sum of
some atoms, shown controlled. An attacker who knows every published figure can only narrow each atom to
the integer values consistent with all of them; a suppressed figure ("<5") leaks when those values leave it
a single possibility.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable

import pytest

from conftest import make_member, make_organisation, make_participant, municipality
from core.roles import Role
from monitoring import disclosure
from monitoring.engine import Scope
from monitoring.models import Indicator, IndicatorTarget
from monitoring.report import as_dict, compute, compute_all
from monitoring.tests.factories import END, START, at, build_dataset, day, referral, service
from people.models import Sex

pytestmark = pytest.mark.django_db

PERIOD = Scope(START, END)
COUNT_UNITS = ("people", "organisations", "records")


# --- the figures themselves ----------------------------------------------------------------------------------


SMALL = [(0, 0), (1, "<5"), (2, "<5"), (3, "<5"), (4, "<5")]
ROUNDED = [(5, 5), (6, 5), (7, 5), (8, 10), (10, 10), (12, 10), (13, 15), (17, 15), (18, 20), (1002, 1000)]


@pytest.mark.parametrize(("true", "shown"), [*SMALL, *ROUNDED, (1003, 1005)])
def test_counts_show_under_five_as_less_than_five_and_round_the_rest_to_five(true, shown):
    for unit in COUNT_UNITS:
        assert disclosure.controlled(true, true, unit) == shown


def test_an_unknown_count_is_hidden():
    assert disclosure.controlled(None, 0, "people") == disclosure.HIDDEN


@pytest.mark.parametrize("contributors", [0, 1, 4])
def test_hours_shares_and_days_on_fewer_than_five_are_hidden(contributors):
    for unit, value in (("hours", 37.5), ("percent", 66.7), ("days", 6.5)):
        assert disclosure.controlled(value, contributors, unit) == disclosure.HIDDEN


def test_hours_round_to_five_and_shares_to_whole_percent_on_five_or_more():
    assert disclosure.controlled(37.5, 5, "hours") == 40
    assert disclosure.controlled(36.4, 9, "hours") == 35
    assert disclosure.controlled(66.6667, 6, "percent") == 67
    assert disclosure.controlled(6.5, 5, "days") in (6, 7)


def test_controlled_report_of_the_dataset(db):
    build_dataset()
    results = {
        r.code: r for r in compute_all(PERIOD, by=["sex", "province"], controlled=True, with_targets=False)
    }
    o23 = as_dict(results["O.2.3"])
    # 8 → 10; F 3 → "<5", M 5 → 5
    assert o23["value"] == 10 and o23["controlled"] is True
    assert {cell["key"]: cell["value"] for cell in o23["breakdown"]["sex"]} == {"F": "<5", "M": 5}
    # hours, share and median rest on 2, 4 and 3 records: hidden
    assert as_dict(results["P1.2"])["value"] == disclosure.HIDDEN  # 10.5 hours, 2 operators
    assert as_dict(results["P1.6.1"])["value"] == disclosure.HIDDEN  # 75%, 4 referrals answered
    assert as_dict(results["P1.6.2"])["value"] == disclosure.HIDDEN  # 5 days, 3 referrals
    assert as_dict(results["O.2.1"])["value"] == 0  # a true zero reveals no one


def test_a_share_on_five_or_more_is_shown_rounded(db):
    sender, receiver = make_organisation("Mittente"), make_organisation("Destinatario")
    user = make_member(sender, Role.OPERATOR)
    person = make_participant(sender)
    for n, status in enumerate(["accepted", "accepted", "rejected", "accepted", "completed", "rejected"], 1):
        referral(
            person, sender, receiver, user, at(2025, 4, n), answered_at=at(2025, 4, n + 2), status=status
        )
    share = compute(Indicator.objects.get(code="P1.6.1"), PERIOD, controlled=True, with_targets=False)
    assert share.value == 66.7  # 4 of 6, to one decimal
    assert share.shown == 67


# --- the brute-force checker ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Figure:
    """A published figure: the sum of some atoms, shown as `shown`."""

    name: str
    atoms: frozenset[str]
    shown: object


def consistent_assignments(atoms: list[str], figures: list[Figure], limit: int, shows=None) -> Iterable[dict]:
    """Every assignment of 0..limit to the atoms that gives back every published figure."""
    shows = shows or (lambda true: disclosure.controlled_count(true))
    for values in itertools.product(range(limit + 1), repeat=len(atoms)):
        assignment = dict(zip(atoms, values, strict=True))
        if all(shows(sum(assignment[a] for a in f.atoms)) == f.shown for f in figures):
            yield assignment


def possible_values(
    atoms, figures, secrets: dict[str, frozenset], limit: int = 20, shows=None
) -> dict[str, set]:
    """For each secret (a sum of atoms), the values it can take given the published figures."""
    found = {name: set() for name in secrets}
    for assignment in consistent_assignments(atoms, figures, limit, shows):
        for name, members in secrets.items():
            found[name].add(sum(assignment[a] for a in members))
    return found


def assert_no_leak(atoms, figures, truth: dict[str, int], secrets: dict[str, frozenset] | None = None):
    """Every suppressed figure (and every extra secret, e.g. a difference of two totals) keeps at least two
    possible values; the truth is always among them (the figures are right)."""
    secrets = dict(secrets or {})
    for figure in figures:
        if disclosure.is_suppressed(figure.shown):
            secrets[figure.name] = figure.atoms
    assert secrets, "nothing suppressed: the scenario tests nothing"
    found = possible_values(atoms, figures, secrets)
    for name, members in secrets.items():
        assert sum(truth[a] for a in members) in found[name], name
        assert len(found[name]) >= 2, f"{name} can be recovered: {sorted(found[name])}"


def test_the_checker_finds_the_leak_of_suppression_without_rounding():
    """With only the small cells suppressed and the rest exact, total 12 − women 9 gives back the 3 men."""
    atoms = ["F", "M"]

    def exact_but_small(true):
        return "<5" if 0 < true < 5 else true

    figures = [
        Figure("total", frozenset(atoms), 12),
        Figure("F", frozenset({"F"}), 9),
        Figure("M", frozenset({"M"}), "<5"),
    ]
    found = possible_values(atoms, figures, {"M": frozenset({"M"})}, shows=exact_but_small)
    assert found["M"] == {3}


# --- scenarios built in the database and published through the report ----------------------------------------


def supported(owner, operator, *, sex=Sex.FEMALE, town="Napoli", on=None):
    person = make_participant(owner, sex=sex, municipality=municipality(town))
    service(person, "housing_support", on or day(2025, 2, 10), owner, operator)
    return person


def published(code, scope, by=()) -> dict:
    return as_dict(compute(Indicator.objects.get(code=code), scope, by=list(by), controlled=True))


def cell(output: dict, dimension: str, key: str):
    """A published cell; a key absent from the breakdown is a published zero."""
    return {c["key"]: c["value"] for c in output["breakdown"][dimension]}.get(key, 0)


@pytest.fixture
def organisation(db):
    org = make_organisation("Ente", town="Napoli")
    return org, make_member(org, Role.OPERATOR)


def test_no_leak_total_and_sex_cells(organisation):
    org, operator = organisation
    for _ in range(9):
        supported(org, operator, sex=Sex.FEMALE)
    for _ in range(3):
        supported(org, operator, sex=Sex.MALE)
    out = published("O.2.3", PERIOD, by=["sex"])
    # total 12 → 10, F 9 → 10, M 3 → "<5"
    assert (out["value"], cell(out, "sex", "F"), cell(out, "sex", "M")) == (10, 10, "<5")
    atoms = ["F", "M"]
    figures = [
        Figure("total", frozenset(atoms), out["value"]),
        Figure("F", frozenset({"F"}), cell(out, "sex", "F")),
        Figure("M", frozenset({"M"}), cell(out, "sex", "M")),
    ]
    assert_no_leak(atoms, figures, {"F": 9, "M": 3})


def test_no_leak_small_province_next_to_the_region_total(organisation):
    org, operator = organisation
    for _ in range(10):
        supported(org, operator, town="Napoli")
    for _ in range(3):
        supported(org, operator, town="Caserta")
    napoli, caserta = municipality("Napoli").province_id, municipality("Caserta").province_id
    region = published("O.2.3", PERIOD, by=["province"])
    in_napoli = published("O.2.3", dataclasses.replace(PERIOD, province_id=napoli))
    in_caserta = published("O.2.3", dataclasses.replace(PERIOD, province_id=caserta))
    # region 13 → 15; Napoli 10 → 10 (cell and scope); Caserta 3 → "<5"
    assert (region["value"], in_napoli["value"], in_caserta["value"]) == (15, 10, "<5")
    atoms = ["NA", "CE", "other"]
    figures = [
        Figure("region", frozenset(atoms), region["value"]),
        Figure("NA cell", frozenset({"NA"}), cell(region, "province", str(napoli))),
        Figure("CE cell", frozenset({"CE"}), cell(region, "province", str(caserta))),
        Figure("NA scope", frozenset({"NA"}), in_napoli["value"]),
        Figure("CE scope", frozenset({"CE"}), in_caserta["value"]),
        # every other province (and "not stated") is absent from the breakdown: published zeros
        Figure("others", frozenset({"other"}), 0),
    ]
    assert_no_leak(
        atoms, figures, {"NA": 10, "CE": 3, "other": 0}, {"region − Napoli": frozenset({"CE", "other"})}
    )


def test_no_leak_between_overlapping_periods(organisation):
    """Jan-Mar and Jan-Apr side by side: April's 2 newcomers are their difference."""
    org, operator = organisation
    for _ in range(10):
        supported(org, operator, on=day(2025, 2, 10))
    for _ in range(2):
        supported(org, operator, on=day(2025, 4, 10))
    q1 = Scope(START, day(2025, 3, 31))
    to_april = Scope(START, day(2025, 4, 30))
    april = Scope(day(2025, 4, 1), day(2025, 4, 30))
    first, second = published("O.2.3", q1), published("O.2.3", to_april, by=["month"])
    only_april = published("O.2.3", april)
    # 10 → 10; 12 → 10; April's cell and April alone: 2 → "<5"
    assert (first["value"], second["value"], only_april["value"]) == (10, 10, "<5")
    # atoms: supported only in Feb, in Feb and in April, only in April
    atoms = ["feb", "both", "apr"]
    figures = [
        Figure("Jan-Mar", frozenset({"feb", "both"}), first["value"]),
        Figure("Jan-Apr", frozenset(atoms), second["value"]),
        Figure("Feb cell", frozenset({"feb", "both"}), cell(second, "month", "2025-02")),
        Figure("Apr cell", frozenset({"both", "apr"}), cell(second, "month", "2025-04")),
        Figure("Apr alone", frozenset({"both", "apr"}), only_april["value"]),
    ]
    assert_no_leak(
        atoms,
        figures,
        {"feb": 10, "both": 0, "apr": 2},
        {"April newcomers (Jan-Apr − Jan-Mar)": frozenset({"apr"})},
    )


def test_no_leak_across_sex_cells_of_two_overlapping_periods(organisation):
    """Jan-Mar: 9 women, 3 men; April adds 2 men. Both periods published with their sex breakdown."""
    org, operator = organisation
    for _ in range(9):
        supported(org, operator, sex=Sex.FEMALE)
    for _ in range(3):
        supported(org, operator, sex=Sex.MALE)
    for _ in range(2):
        supported(org, operator, sex=Sex.MALE, on=day(2025, 4, 10))
    first = published("O.2.3", Scope(START, day(2025, 3, 31)), by=["sex"])
    second = published("O.2.3", Scope(START, day(2025, 4, 30)), by=["sex"])
    # Jan-Mar 12 → 10 (F 10, M "<5"); Jan-Apr 14 → 15 (F 10, M 5 → 5)
    assert (first["value"], cell(first, "sex", "M"), second["value"], cell(second, "sex", "M")) == (
        10,
        "<5",
        15,
        5,
    )
    atoms = ["F1", "M1", "F2", "M2"]  # 1: supported by March, 2: new in April
    figures = [
        Figure("Jan-Mar", frozenset({"F1", "M1"}), first["value"]),
        Figure("Jan-Mar F", frozenset({"F1"}), cell(first, "sex", "F")),
        Figure("Jan-Mar M", frozenset({"M1"}), cell(first, "sex", "M")),
        Figure("Jan-Apr", frozenset(atoms), second["value"]),
        Figure("Jan-Apr F", frozenset({"F1", "F2"}), cell(second, "sex", "F")),
        Figure("Jan-Apr M", frozenset({"M1", "M2"}), cell(second, "sex", "M")),
    ]
    truth = {"F1": 9, "M1": 3, "F2": 0, "M2": 2}
    assert_no_leak(atoms, figures, truth, {"men new in April": frozenset({"M2"})})


# --- nothing exact from 1 to 4 anywhere ----------------------------------------------------------------------


def _numbers(node, path=""):
    """Every number in an as_dict output, with where it is (the Region's own targets left out)."""
    if isinstance(node, dict):
        for key, child in node.items():
            if key not in ("target", "period", "code", "name", "kind", "unit", "key", "label"):
                yield from _numbers(child, f"{path}.{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _numbers(child, f"{path}[{index}]")
    elif isinstance(node, int | float) and not isinstance(node, bool):
        yield path, node


def test_controlled_values_and_cells_never_show_an_exact_1_to_4(db):
    build_dataset()
    for result in compute_all(PERIOD, by=["sex", "age_band", "citizenship", "target_group", "province",
                                          "action", "organisation_kind", "month", "language"],
                              controlled=True, with_targets=False):  # fmt: skip
        output = as_dict(result)
        for path, number in _numbers({"value": output["value"], "breakdown": output["breakdown"]}):
            assert not 0 < number < 5, f"{result.code}{path} = {number}"


def test_controlled_output_never_shows_an_exact_1_to_4_even_with_targets(db):
    """Progress towards a known target and the forecast are figures too: 0.5% of a target of 200 gives
    back 1 person, and a forecast of 1 is an exact small count."""
    data = build_dataset()
    for item in Indicator.objects.all():
        IndicatorTarget.objects.create(indicator=item, value=200)
    scope = dataclasses.replace(PERIOD, province_id=municipality("Salerno").province_id)  # p3 alone
    leaks = []
    for result in compute_all(scope, by=["sex"], controlled=True):
        output = as_dict(result)
        progress = output.pop("progress_percent")  # a percentage, not a count: checked below
        for path, number in _numbers(output):
            if 0 < number < 5:
                leaks.append(f"{result.code}{path} = {number}")
        if output["value"] == disclosure.LESS_THAN_5 and progress is not None:
            leaks.append(f"{result.code}: progress {progress}% of 200 behind {output['value']!r}")
    assert data.people["p3"].municipality.name == "Salerno"
    assert not leaks, leaks


def test_controlled_progress_and_forecast_depend_only_on_controlled_figures(db):
    """Supported so far in the project: 9, then 10 with one more person; both publish as 10. Progress
    towards a known target and the forecast must then publish the same too, or they give back the exact
    count (4.5% of 200 is 9 people)."""
    data = build_dataset()
    item = Indicator.objects.get(code="O.2.3")
    IndicatorTarget.objects.create(indicator=item, value=200)
    before = as_dict(compute(item, PERIOD, controlled=True))
    newcomer = make_participant(data.org_a, citizenships=("PE",))
    service(newcomer, "legal_advice", day(2025, 11, 11), data.org_a, data.operator_a)
    after = as_dict(compute(item, PERIOD, controlled=True))
    assert compute(item, PERIOD).value == 9  # 8 + the newcomer
    assert before["value"] == after["value"] == 10
    assert (before["progress_percent"], before["forecast"]) == (after["progress_percent"], after["forecast"])
