"""The monitoring pages of the workspace: dashboard, one indicator, drill-down, PDF, definitions and targets.

Given: org A (Comune di Napoli) served 3 participants this year and org B (Cooperativa Esempio) 9, so the
whole network counts 12 participants supported (O.2.3): exact for the regional coordinator, "10" for the
monitoring officer (rounded to 5), "<5" for org A alone under disclosure control.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_consent, make_participant
from monitoring.forms import TargetGridForm
from monitoring.models import Breakdown, Indicator, IndicatorTarget
from monitoring.report import pseudonym
from paths.models import ServiceRecord, ServiceType
from people.models import ConsentPurpose, ParticipantAccessLog, Sex, years_before

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("monitoring:dashboard")


def today() -> datetime.date:
    return timezone.localdate()


def serve(participant, organisation, operator, *, action: str = "02", day: datetime.date | None = None):
    """One legal-advice service (it counts in O.2.3 only)."""
    return ServiceRecord.objects.create(
        participant=participant,
        service_type=ServiceType.objects.get(code="legal_advice"),
        date=day or today(),
        operator=operator,
        organisation=organisation,
        action=action,
    )


@pytest.fixture
def people(org_a, org_b, operator_a, operator_b):
    """3 people served by org A (2 women, 1 man), 9 by org B (all men)."""
    served_a = [
        make_participant(org_a, first_name="Zainab", last_name="Alfa"),
        make_participant(org_a, first_name="Hana", last_name="Beta"),
        make_participant(org_a, first_name="Omar", last_name="Gamma", sex=Sex.MALE),
    ]
    served_b = [make_participant(org_b, last_name=f"Delta{n}", sex=Sex.MALE) for n in range(9)]
    for person in served_a:
        serve(person, org_a, operator_a)
    for person in served_b:
        serve(person, org_b, operator_b)
    return {"a": served_a, "b": served_b}


def rows(response) -> dict:
    return {
        row["indicator"].code: row
        for section in response.context["sections"]
        for objective in section["objectives"]
        for row in objective["rows"]
    }


def text(response) -> str:
    return response.content.decode()


# --- who sees what ---------------------------------------------------------------------------------------------


def test_coordinator_sees_exact_figures_of_the_whole_network(coordinator, people):
    response = client_for(coordinator).get(DASHBOARD)
    assert response.status_code == 200
    assert rows(response)["O.2.3"]["value"] == "12"
    assert rows(response)["O.2.3"]["drill"]
    assert 'id="controlled-note"' not in text(response)


def test_monitoring_officer_sees_controlled_figures_everywhere(monitoring, org_a, people):
    client = client_for(monitoring)
    network = client.get(DASHBOARD)
    assert rows(network)["O.2.3"]["value"] == "10"  # 12 rounded to 5
    assert 'id="controlled-note"' in text(network)
    # Org A alone served 3 people: shown as "<5", in the list and in the table by province.
    only_a = client.get(DASHBOARD, {"organisation": org_a.pk})
    assert rows(only_a)["O.2.3"]["value"] == "<5"
    assert "&lt;5" in text(only_a)
    assert ">3<" not in re.sub(r"\s+", "", text(only_a).split('id="indicator-O.2.3"')[1].split("</tr>")[0])
    assert not rows(only_a)["O.2.3"]["drill"]  # never a list of people


def test_operator_sees_only_own_organisation_even_when_asking_for_another(operator_a, org_a, org_b, people):
    response = client_for(operator_a).get(
        DASHBOARD, {"organisation": org_b.pk, "organisation_kind": "third_sector"}
    )
    assert response.status_code == 200
    assert rows(response)["O.2.3"]["value"] == "3"
    assert response.context["view"].scope.organisation_id == org_a.pk
    assert response.context["view"].scope.organisation_kind == ""
    assert "organisation" not in response.context["form"].fields
    assert org_a.name in response.context["scope_text"]


def test_viewer_reads_figures_but_cannot_change_targets_or_definitions(viewer_a, people):
    client = client_for(viewer_a)
    assert rows(client.get(DASHBOARD))["O.2.3"]["value"] == "3"
    assert client.get(reverse("monitoring:targets")).status_code == 403
    indicator = Indicator.objects.get(code="O.2.3")
    response = client.post(
        reverse("monitoring:definition_edit", args=["O.2.3"]),
        {"name_it": "Cambiato", "name_en": "Changed", "rule_it": "x", "rule_en": "x", "is_active": "on"},
    )
    assert response.status_code == 403
    indicator.refresh_from_db()
    assert indicator.name_it != "Cambiato"
    target = client.post(reverse("monitoring:targets"), {f"target-{indicator.pk}-project": "5"})
    assert target.status_code == 403 and not IndicatorTarget.objects.filter(indicator=indicator).exists()


@pytest.mark.parametrize(
    "name",
    ["dashboard", "dashboard_pdf", "definitions", "targets", "indicator", "drilldown", "definition_edit"],
)
def test_outsider_and_roles_without_monitoring_get_403_anonymous_goes_to_login(outsider, trainer_a, name):
    url = reverse(
        f"monitoring:{name}", args=["O.2.3"] if name in ("indicator", "drilldown", "definition_edit") else []
    )
    assert client_for(outsider).get(url).status_code == 403
    assert client_for(trainer_a).get(url).status_code == 403
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


# --- filters ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"period": "custom", "start": str(today())},
        {"period": "custom", "start": "2026-13-45", "end": "nope"},
        {"period": "custom", "start": "2025-06-01", "end": "2025-01-01"},
        {"period": "bogus"},
        {"province": "abc", "breakdown": "shoe-size", "trend": "X.9"},
    ],
)
def test_bad_filters_are_explained_and_the_page_falls_back_to_this_year(coordinator, people, query):
    response = client_for(coordinator).get(DASHBOARD, query)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'id="filters-fallback"' in text(response)
    assert response.context["view"].scope.start == datetime.date(today().year, 1, 1)
    assert rows(response)["O.2.3"]["value"] == "12"


def test_period_presets_and_custom_dates_set_the_scope(coordinator, org_a, operator_a, people):
    last_year = today().replace(year=today().year - 1, month=6, day=1)
    serve(people["a"][0], org_a, operator_a, day=last_year)
    client = client_for(coordinator)
    previous = client.get(DASHBOARD, {"period": "last-year"})
    assert previous.context["view"].scope.start == datetime.date(last_year.year, 1, 1)
    assert rows(previous)["O.2.3"]["value"] == "1"
    quarter = client.get(DASHBOARD, {"period": f"{last_year.year}-q2"})
    assert (quarter.context["view"].scope.start, quarter.context["view"].scope.end) == (
        datetime.date(last_year.year, 4, 1),
        datetime.date(last_year.year, 6, 30),
    )
    assert rows(quarter)["O.2.3"]["value"] == "1"
    custom = client.get(DASHBOARD, {"period": "custom", "start": str(last_year), "end": str(today())})
    assert rows(custom)["O.2.3"]["value"] == "12"


def test_breakdown_by_sex_and_the_tables_by_action_and_province(coordinator, people):
    response = client_for(coordinator).get(DASHBOARD, {"breakdown": "sex"})
    cells = {cell["key"]: cell["value"] for cell in rows(response)["O.2.3"]["cells"]}
    assert cells == {"F": "2", "M": "10"}
    by_action = {line["indicator"].code: line["cells"] for line in response.context["by_action"]["rows"]}
    assert by_action["O.2.3"] == ["0", "12", "0"]  # actions 01, 02, 03
    provinces = dict(response.context["by_province"]["columns"])
    assert {str(label) for label in provinces.values()} == {"Napoli"}
    html = text(response)
    assert 'id="by-action-table"' in html and 'id="by-province-table"' in html
    sex = str(Breakdown.SEX.label).lower()
    assert re.search(rf'<caption class="caption-top">O\.2\.3 \w+ {sex}</caption>', html)


def test_every_chart_is_svg_with_a_text_alternative_next_to_a_table(coordinator, people):
    indicator = Indicator.objects.get(code="O.2.3")
    IndicatorTarget.objects.create(indicator=indicator, year=None, value=Decimal(100))
    response = client_for(coordinator).get(DASHBOARD)
    html = text(response)
    assert html.count('role="img"') == 2
    for chart_id, table_id in (("chart-targets", "targets-table"), ("chart-trend", "trend-table")):
        assert f'<title id="{chart_id}-title">' in html and f'<desc id="{chart_id}-desc">' in html
        assert f'id="{table_id}"' in html
    trend = {row["key"]: row["text"] for row in response.context["trend"]["rows"]}
    assert trend[today().strftime("%Y-%m")] == "12"
    assert len(trend) == 12
    assert rows(response)["O.2.3"]["target_project"] == "100"


def test_dashboard_queries_do_not_grow_with_the_records(
    coordinator, org_a, operator_a, people, django_assert_max_num_queries
):
    client = client_for(coordinator)
    client.get(DASHBOARD)  # warm the session and caches
    with CaptureQueriesContext(connection) as before:
        client.get(DASHBOARD, {"breakdown": "age_band"})
    for n in range(15):
        serve(make_participant(org_a, last_name=f"Extra{n}"), org_a, operator_a)
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(DASHBOARD, {"breakdown": "age_band"})
    assert rows(response)["O.2.3"]["value"] == "27"
    # One query or two per indicator (value, whole-project progress) and one per breakdown: a fixed budget.
    assert len(before.captured_queries) <= 200


# --- one indicator -----------------------------------------------------------------------------------------------


def test_indicator_page_shows_every_breakdown_with_drill_down_links(coordinator, people):
    response = client_for(coordinator).get(reverse("monitoring:indicator", args=["O.2.3"]))
    assert response.status_code == 200
    tables = {table["dimension"]: table for table in response.context["tables"]}
    assert set(tables) == set(Indicator.objects.get(code="O.2.3").breakdowns)
    sex = {cell["key"]: cell for cell in tables["sex"]["cells"]}
    assert sex["M"]["value"] == "10" and sex["M"]["drill"] == "by=sex&key=M"
    assert response.context["trend"] is not None
    assert "Un partecipante è un cittadino di paese terzo" in text(response)


def test_monitoring_officer_indicator_page_has_no_links_to_people(monitoring, people):
    response = client_for(monitoring).get(reverse("monitoring:indicator", args=["O.2.3"]))
    assert response.status_code == 200
    assert response.context["row"]["value"] == "10"
    assert all(not cell["drill"] for table in response.context["tables"] for cell in table["cells"])
    assert reverse("monitoring:drilldown", args=["O.2.3"]) not in text(response)


def test_unknown_indicator_is_404(coordinator):
    assert client_for(coordinator).get(reverse("monitoring:indicator", args=["X.1"])).status_code == 404


# --- drill-down ------------------------------------------------------------------------------------------------


def drill(user, code="O.2.3", **query):
    return client_for(user).get(reverse("monitoring:drilldown", args=[code]), query)


def listed(response) -> set[str]:
    return {row["person"].last_name for row in response.context["people_rows"] if row["person"]}


def test_drill_down_lists_exactly_the_people_behind_the_number(
    coordinator, people, django_assert_max_num_queries
):
    client, url = client_for(coordinator), reverse("monitoring:drilldown", args=["O.2.3"])
    with django_assert_max_num_queries(14 + 12):  # the page, plus one access-log row per person named
        response = client.get(url)
    assert response.status_code == 200
    assert listed(response) == {p.last_name for p in people["a"] + people["b"]}
    women = drill(coordinator, by="sex", key="F")
    assert listed(women) == {"Alfa", "Beta"}
    napoli = drill(coordinator, by="province", key=str(people["a"][0].municipality.province_id))
    assert len(listed(napoli)) == 12
    assert reverse("people:participant_detail", args=[people["a"][0].pk]) in text(response)


def test_drill_down_by_age_band_uses_the_age_on_the_first_day_of_the_period(coordinator, org_a, operator_a):
    start = datetime.date(today().year, 1, 1)
    thirty = make_participant(org_a, last_name="Trenta", birth_date=years_before(start, 30))
    turns_25_later = make_participant(
        org_a, last_name="Ventiquattro", birth_date=years_before(start, 25) + datetime.timedelta(days=1)
    )
    for person in (thirty, turns_25_later):
        serve(person, org_a, operator_a)
    assert listed(drill(coordinator, by="age_band", key="25-34")) == {"Trenta"}
    assert listed(drill(coordinator, by="age_band", key="18-24")) == {"Ventiquattro"}


def test_drill_down_respects_the_operators_scope(operator_a, org_a, org_b, operator_b, people):
    # A person of org B served by org A counts in org A's figure but is not in org A's records.
    outsider = make_participant(org_b, last_name="Esterno")
    serve(outsider, org_a, operator_a)
    response = drill(operator_a, organisation=org_b.pk)
    assert listed(response) == {"Alfa", "Beta", "Gamma"}
    assert response.context["not_listed"] == 1
    assert drill(operator_a, by="organisation", key=str(org_b.pk)).status_code == 404


def test_monitoring_officer_gets_403_for_people_but_may_list_organisations(monitoring, org_a, people):
    assert drill(monitoring).status_code == 403
    assert drill(monitoring, by="sex", key="F").status_code == 403
    organisations = drill(monitoring, code="P1.4")
    assert organisations.status_code == 200
    assert org_a.name in {row["label"] for row in organisations.context["record_rows"]}


def test_viewer_may_list_own_organisations_people(viewer_a, people):
    assert listed(drill(viewer_a)) == {"Alfa", "Beta", "Gamma"}


@pytest.mark.parametrize(
    "query",
    [
        {"by": "language", "key": "it"},
        {"by": "age_band", "key": "99-100"},
        {"by": "month", "key": "1999-01"},
        {"by": "month", "key": "junk"},
        {"by": "province", "key": "x"},
        {"by": "action", "key": "07"},
        {"by": "target_group", "key": "astronauts"},
    ],
)
def test_drill_down_refuses_cells_that_do_not_exist(coordinator, people, query):
    assert drill(coordinator, **query).status_code == 404


def test_withdrawn_consent_shows_only_the_pseudonym_and_reads_are_logged(
    coordinator, org_a, operator_a, people
):
    withdrawn = people["a"][0]
    consent = make_consent(withdrawn, operator_a, purpose=ConsentPurpose.SERVICES)
    consent.withdrawn_at = timezone.now()
    consent.save()
    given_again = people["a"][1]
    old = make_consent(given_again, operator_a, purpose=ConsentPurpose.SERVICES)
    old.withdrawn_at = timezone.now() - datetime.timedelta(days=2)
    old.save()
    make_consent(given_again, operator_a, purpose=ConsentPurpose.SERVICES)
    response = drill(coordinator)
    html = text(response)
    assert pseudonym(withdrawn.pk) in html
    assert withdrawn.last_name not in html and withdrawn.first_name not in html
    assert given_again.last_name in html
    assert len(response.context["people_rows"]) == 12
    logged = set(
        ParticipantAccessLog.objects.filter(user=coordinator).values_list("participant_id", flat=True)
    )
    assert logged == {p.pk for p in people["a"] + people["b"]} - {withdrawn.pk}


def test_records_drill_down_lists_activities_with_date_and_organiser(coordinator, monitoring, org_a):
    from conftest import make_activity, make_sessions

    event = make_activity(org_a, kind="information_event", title="Sportello informativo", action="03")
    make_sessions(event, count=1, start_days_ago=0)
    for user in (coordinator, monitoring):
        response = drill(user, code="O.2.4")
        assert response.status_code == 200
        assert [row["label"] for row in response.context["record_rows"]] == ["Sportello informativo"]
        assert response.context["record_rows"][0]["organisation"] == org_a


# --- PDF -----------------------------------------------------------------------------------------------------------


def test_dashboard_pdf_is_a_pdf_with_the_same_numbers(monitoring, people):
    from pypdf import PdfReader

    response = client_for(monitoring).get(reverse("monitoring:dashboard_pdf"), {"period": "year"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    year = today().year
    assert f"monitoraggio-{year}-01-01-{year}-12-31.pdf" in response["Content-Disposition"]
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert re.search(r"O\.2\.3\s+Numero di partecipanti sostenuti\s+10\b", pdf_text)
    assert "<5" in pdf_text


# --- definitions and targets --------------------------------------------------------------------------------------


def test_definitions_are_readable_by_every_monitoring_role_and_editable_by_the_coordinator(
    coordinator, viewer_a, monitoring
):
    for user in (viewer_a, monitoring):
        response = client_for(user).get(reverse("monitoring:definitions"))
        assert response.status_code == 200
        assert "Un partecipante è un cittadino di paese terzo" in text(response)
        assert reverse("monitoring:definition_edit", args=["O.2.3"]) not in text(response)
    url = reverse("monitoring:definition_edit", args=["O.2.3"])
    client = client_for(coordinator)
    assert url in text(client.get(reverse("monitoring:definitions")))
    response = client.post(
        url,
        {
            "name_it": "Partecipanti sostenuti (nuova dicitura)",
            "name_en": "Participants supported (new wording)",
            "rule_it": "Regola aggiornata.",
            "rule_en": "Updated rule.",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(code="O.2.3")
    assert indicator.name_it == "Partecipanti sostenuti (nuova dicitura)"
    assert indicator.rule_en == "Updated rule." and indicator.updated_by == coordinator
    assert "Regola aggiornata." in text(client_for(viewer_a).get(reverse("monitoring:definitions")))


def test_definition_edit_rejects_an_empty_wording(coordinator):
    response = client_for(coordinator).post(
        reverse("monitoring:definition_edit", args=["O.2.3"]),
        {"name_it": "", "name_en": "x", "rule_it": "x", "rule_en": "x"},
    )
    assert response.status_code == 200 and response.context["form"].errors["name_it"]
    assert Indicator.objects.get(code="O.2.3").name_it


def test_coordinator_sets_project_and_year_targets_in_one_form(coordinator):
    participants = Indicator.objects.get(code="O.2.3")
    share = Indicator.objects.get(code="P1.6.1")
    IndicatorTarget.objects.create(indicator=share, year=None, value=Decimal(50))  # emptied below: removed
    client = client_for(coordinator)
    page = client.get(reverse("monitoring:targets"))
    assert page.status_code == 200 and f'name="target-{participants.pk}-2025"' in text(page)
    response = client.post(
        reverse("monitoring:targets"),
        {f"target-{participants.pk}-project": "1200", f"target-{participants.pk}-2025": "300.5"},
    )
    assert response.status_code == 302
    saved = dict(IndicatorTarget.objects.values_list("year", "value").filter(indicator=participants))
    assert saved == {None: Decimal("1200"), 2025: Decimal("300.5")}
    assert not IndicatorTarget.objects.filter(indicator=share).exists()
    assert 'value="1200"' in text(client.get(reverse("monitoring:targets")))


@pytest.mark.parametrize(("code", "value"), [("O.2.3", "-1"), ("P1.6.1", "101"), ("O.2.3", "abc")])
def test_targets_must_be_non_negative_numbers_and_shares_at_most_100(coordinator, code, value):
    indicator = Indicator.objects.get(code=code)
    other = Indicator.objects.get(code="P1.1")
    response = client_for(coordinator).post(
        reverse("monitoring:targets"),
        {f"target-{indicator.pk}-project": value, f"target-{other.pk}-project": "40"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"target-{indicator.pk}-project"]
    assert not IndicatorTarget.objects.exists()  # nothing saved, not even the valid cell


def test_targets_are_saved_atomically(coordinator, monkeypatch):
    participants = Indicator.objects.get(code="O.2.3")
    trained = Indicator.objects.get(code="P1.1")
    IndicatorTarget.objects.create(indicator=participants, year=None, value=Decimal(100))
    form = TargetGridForm(
        {f"target-{participants.pk}-project": "200", f"target-{trained.pk}-2025": "50"},
        indicators=Indicator.objects.all(),
    )
    assert form.is_valid()

    def fail(*args, **kwargs):
        raise IntegrityError("disk full")

    monkeypatch.setattr(IndicatorTarget.objects, "create", fail)
    with pytest.raises(IntegrityError):
        form.save()
    assert IndicatorTarget.objects.get(indicator=participants, year=None).value == Decimal(100)


def test_chart_geometry_scales_bars_and_draws_suppressed_figures_as_empty_bars():
    from monitoring import charts

    chart = charts.bar_chart(
        [{"label": "O.2.3", "value": 50, "text": "50%"}, {"label": "P1.1", "value": "<5", "text": "<5"}],
        scale_max=100,
        markers=[{"value": 100, "label": "target"}],
    )
    assert [row["bar"] for row in chart["rows"]] == [charts.BAR_WIDTH // 2, 0]
    assert chart["markers"][0]["x"] == charts.BAR_X + charts.BAR_WIDTH
    columns = charts.column_chart([{"value": 4}, {"value": 8}, {"value": "<5"}])["rows"]
    assert [column["height"] for column in columns] == [
        charts.COLUMN_AREA_HEIGHT / 2,
        charts.COLUMN_AREA_HEIGHT,
        0,
    ]
    assert charts.months(datetime.date(2025, 11, 15), datetime.date(2026, 2, 1)) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
