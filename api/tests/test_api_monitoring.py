"""/api/v1/indicators: definitions and values, the same numbers as `monitoring.report`, scoped by role."""

from __future__ import annotations

import pytest

from api.tests.test_api import Api
from conftest import make_member
from core.roles import Role
from monitoring.engine import Scope
from monitoring.models import Indicator
from monitoring.report import as_dict, compute
from monitoring.tests.factories import END, START, build_dataset

pytestmark = pytest.mark.django_db

PERIOD = {"from": START.isoformat(), "to": END.isoformat()}


@pytest.fixture
def data():
    d = build_dataset()
    d.coordinator = make_member(d.region, Role.REGIONAL_COORDINATOR)
    d.officer = make_member(d.region, Role.MONITORING_OFFICER)
    return d


def test_definitions_carry_the_counting_rule(operator_a):
    response = Api(operator_a).get("/api/v1/indicators")
    assert response.status_code == 200
    by_code = {row["code"]: row for row in response.json()}
    assert by_code["O.2.3.1"]["parent"] == "O.2.3"
    assert "terzo" in by_code["O.2.3"]["rule_it"] and by_code["O.2.3"]["breakdowns"]


def test_values_equal_the_report_for_the_coordinator(data):
    response = Api(data.coordinator).get("/api/v1/indicators/values", code="O.2.3,P1.2", by="sex", **PERIOD)
    assert response.status_code == 200, response.content
    rows = {row["code"]: row for row in response.json()}
    for code in ("O.2.3", "P1.2"):
        expected = as_dict(compute(Indicator.objects.get(code=code), Scope(START, END), ["sex"]))
        assert rows[code]["value"] == expected["value"]
        assert rows[code]["breakdown"] == expected["breakdown"]


def test_monitoring_officers_get_controlled_figures(data):
    rows = Api(data.officer).get("/api/v1/indicators/values", code="O.2.3", by="sex", **PERIOD).json()
    exact = compute(Indicator.objects.get(code="O.2.3"), Scope(START, END), ["sex"])
    assert rows[0]["controlled"] is True
    for cell, shown in zip(exact.breakdowns["sex"], rows[0]["breakdown"]["sex"], strict=True):
        assert shown["value"] == ("<5" if 0 < cell.value < 5 else shown["value"])
        assert not (isinstance(shown["value"], int) and 0 < shown["value"] < 5)


def test_organisation_roles_get_their_own_figures_and_403_for_another(data):
    indicator = Indicator.objects.get(code="O.2.3")
    own = Api(data.operator_a).get("/api/v1/indicators/values", code="O.2.3", **PERIOD).json()
    expected = compute(indicator, Scope(START, END, organisation_id=data.org_a.pk))
    assert own[0]["value"] == expected.value
    assert expected.value != compute(indicator, Scope(START, END)).value
    other = Api(data.operator_a).get(
        "/api/v1/indicators/values", code="O.2.3", organisation=str(data.org_b.pk), **PERIOD
    )
    assert other.status_code == 403


def test_a_bad_filter_is_a_400_with_the_reason(coordinator):
    response = Api(coordinator).get("/api/v1/indicators/values", **{"from": "2025-12-31", "to": "2025-01-01"})
    assert response.status_code == 400
    assert response.json()["detail"]


def test_without_the_permission_the_api_answers_403(outsider):
    assert Api(outsider).get("/api/v1/indicators").status_code in (401, 403)
