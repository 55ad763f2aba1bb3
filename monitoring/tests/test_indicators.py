"""Every indicator on the small hand-built dataset of `factories.py` (the year 2025), with the expected values
worked out by hand from the counting rules of `monitoring/data/indicators.json`.

Province keys are the province's primary key as text ("" when not stated); age bands are the age on the
first day of the period. Who counts is checked through the drill-down (`subject_ids_sql`) as well, so a
right total made of the wrong people fails.
"""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from conftest import make_participant, municipality
from directory.models import ContentLanguage, EditorialState, Service, ServiceStatus, TranslationMethod
from directory.tests.factories import make_directory_org, make_service, translate
from monitoring.engine import Scope, subject_ids_sql
from monitoring.models import Indicator
from monitoring.report import compute, spec_for
from monitoring.tests.factories import END, START, at, build_dataset, day, service
from paths.models import ServiceType
from people.models import NEWLY_ARRIVED_YEARS, Participant, Sex

pytestmark = pytest.mark.django_db

PERIOD = Scope(START, END)
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


@pytest.fixture
def data(db):
    return build_dataset()


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def value(code: str, scope: Scope = PERIOD):
    return compute(indicator(code), scope, with_targets=False).value


def cells(code: str, dimension: str, scope: Scope = PERIOD) -> dict:
    """{key: value} of one breakdown, without the empty cells (a target group nobody is in)."""
    result = compute(indicator(code), scope, by=[dimension], with_targets=False)
    assert dimension in result.breakdowns, f"{code} has no {dimension} breakdown"
    return {cell.key: cell.value for cell in result.breakdowns[dimension] if cell.value}


def who(data, code: str, scope: Scope = PERIOD) -> set[str]:
    """The participants behind a participant indicator, by their key in the dataset (p1, p2, ...)."""
    names = {person.pk: key for key, person in data.people.items()}
    ids = Participant.objects.filter(pk__in=subject_ids_sql(spec_for(indicator(code), scope), scope))
    return {names.get(pk, f"other {pk}") for pk in ids.values_list("pk", flat=True)}


def province(town: str) -> str:
    return str(municipality(town).province_id)


def scoped(**fields) -> Scope:
    return dataclasses.replace(PERIOD, **fields)


# --- section A ----------------------------------------------------------------------------------------------


def test_o21_pre_departure_is_zero_with_the_plans_service_types(data):
    # No service type of the taxonomy is linked to O.2.1 (the plan has no pre-departure measures).
    assert value("O.2.1") == 0
    assert cells("O.2.1", "sex") == {}


def test_o21_counts_a_service_type_the_region_links_to_it(data):
    linked = ServiceType.objects.create(code="pre_departure", name_it="Pre-partenza", name_en="Pre-departure")
    linked.indicator_code = "O.2.1"
    linked.save()
    service(data.people["p1"], "pre_departure", day(2025, 2, 2), data.org_a, data.operator_a)
    service(data.people["p1"], "pre_departure", day(2025, 3, 3), data.org_a, data.operator_a)  # once
    service(data.people["p6"], "pre_departure", day(2025, 3, 3), data.org_a, data.operator_a)  # Italian
    # p1 only (twice, once counted; p6 is an Italian citizen) = 1
    assert value("O.2.1") == 1
    assert cells("O.2.1", "sex") == {"F": 1}
    assert cells("O.2.1", "age_band") == {"25-34": 1}


def test_o22_public_authorities_supported(data):
    # org A (municipality): staff trained (Giulia), sessions held, services delivered;
    # the Region: its operator training had sessions in 2025;
    # not the prefecture (its operator was excused, its only service on 31 Dec 2024), not the third sector.
    # 2 = A + Region
    assert value("O.2.2") == 2
    assert cells("O.2.2", "organisation_kind") == {"municipality": 1, "region": 1}
    assert cells("O.2.2", "province") == {province("Napoli"): 2}


def test_o23_participants_supported(data):
    # p1 p2 p3 p5 p7 p8 p11 p12 = 8 (p4 EU after correction, p6 Italian, p9 outside the period,
    # p10 a cancelled session only)
    assert value("O.2.3") == 8
    assert who(data, "O.2.3") == {"p1", "p2", "p3", "p5", "p7", "p8", "p11", "p12"}
    # F: p1 p7 p11 = 3; M: p2 p3 p5 p8 p12 = 5
    assert cells("O.2.3", "sex") == {"F": 3, "M": 5}
    # On 1 Jan 2025: p3 17 | p8 18 | p1 34, p7 25, p12 32 | p2 39, p11 36 | p5 64
    assert cells("O.2.3", "age_band") == {"0-17": 1, "18-24": 1, "25-34": 3, "35-54": 2, "55+": 1}
    # p5 stateless → ""; p12 SN and MA → under both (MA: p1 p12 = 2)
    assert cells("O.2.3", "citizenship") == {
        "": 1,
        "AF": 1,
        "BD": 1,
        "EG": 1,
        "MA": 2,
        "NG": 1,
        "SN": 1,
        "TN": 1,
    }
    # Napoli: p1 p7 p8 p12 = 4; Caserta: p2 p11 = 2; Salerno: p3 = 1; not stated: p5 = 1
    assert cells("O.2.3", "province") == {
        province("Napoli"): 4,
        province("Caserta"): 2,
        province("Salerno"): 1,
        "": 1,
    }
    # women p1 p7 p11; p3 newly arrived and unaccompanied minor; second generation p8 (arrived aged 3),
    # p12 (born in Italy)
    assert cells("O.2.3", "target_group") == {
        "woman": 3,
        "newly_arrived_minor": 1,
        "unaccompanied_minor": 1,
        "second_generation": 2,
    }


def test_o231_language_course_participants(data):
    # L2: p1, p3, p8 present (p2 absent, p10 at a cancelled session, p9 in Dec 2024); work: p1 again
    # = p1 p3 p8 = 3 (p1 once for two courses)
    assert value("O.2.3.1") == 3
    assert who(data, "O.2.3.1") == {"p1", "p3", "p8"}
    assert cells("O.2.3.1", "sex") == {"F": 1, "M": 2}
    assert cells("O.2.3.1", "age_band") == {"0-17": 1, "18-24": 1, "25-34": 1}
    # p1 counts for both organisers: A (L2) and B (work-oriented)
    assert cells("O.2.3.1", "organisation_kind") == {"municipality": 3, "third_sector": 1}


def test_o232_civic_orientation(data):
    # p7 at the civic course + p8 civic service (p4's service: EU after correction) = 2
    assert value("O.2.3.2") == 2
    assert who(data, "O.2.3.2") == {"p7", "p8"}
    assert cells("O.2.3.2", "sex") == {"F": 1, "M": 1}
    assert cells("O.2.3.2", "age_band") == {"18-24": 1, "25-34": 1}


def test_o233_professional_guidance(data):
    # p5 guidance service (stateless, no residence) + p12 at the vocational activity = 2
    assert value("O.2.3.3") == 2
    assert who(data, "O.2.3.3") == {"p5", "p12"}
    assert cells("O.2.3.3", "sex") == {"M": 2}
    assert cells("O.2.3.3", "age_band") == {"25-34": 1, "55+": 1}
    assert cells("O.2.3.3", "citizenship") == {"": 1, "MA": 1, "SN": 1}
    assert cells("O.2.3.3", "province") == {"": 1, province("Napoli"): 1}


def test_o24_information_events_held(data):
    # E1 (session 9 Sep 2025) = 1; E2 only a cancelled session, E3 session on 1 Jan 2026
    assert value("O.2.4") == 1
    assert cells("O.2.4", "province") == {province("Caserta"): 1}
    assert cells("O.2.4", "organisation_kind") == {"third_sector": 1}


def test_o25_family_reunification(data):
    # p2's service on 1 Jan 2025, the first day = 1
    assert value("O.2.5") == 1
    assert who(data, "O.2.5") == {"p2"}
    assert cells("O.2.5", "sex") == {"M": 1}
    assert cells("O.2.5", "age_band") == {"35-54": 1}
    assert cells("O.2.5", "month") == {"2025-01": 1}


def test_o26_mobility_schemes_is_zero_then_counts_a_linked_type(data):
    assert value("O.2.6") == 0
    linked = ServiceType.objects.create(code="mobility", name_it="Mobilità", name_en="Mobility")
    ServiceType.objects.filter(pk=linked.pk).update(indicator_code="O.2.6")
    service(data.people["p11"], "mobility", END, data.org_b, data.operator_b)  # last day
    service(data.people["p2"], "mobility", day(2024, 12, 31), data.org_b, data.operator_b)  # outside
    # p11 = 1
    assert value("O.2.6") == 1
    assert cells("O.2.6", "sex") == {"F": 1}
    assert cells("O.2.6", "age_band") == {"35-54": 1}


def test_o27_integration_agreements_led_by_public_authorities(data):
    # convention led by A (municipality), in force 2024-06..2026-06 = 1; the partnership is led by the
    # third sector; the draft convention is not signed
    assert value("O.2.7") == 1
    assert cells("O.2.7", "organisation_kind") == {"municipality": 1}


def test_r28_language_level_improved(data):
    # p1 A1→A2 (exit 30 Jun) + p3 pre-A1→A1 (exit on 1 Jan, the first day) = 2;
    # p8 has no exit level, p9's exit was on 31 Dec 2024, p1's second course had no gain (still once)
    assert value("R.2.8") == 2
    assert who(data, "R.2.8") == {"p1", "p3"}
    assert cells("R.2.8", "sex") == {"F": 1, "M": 1}
    assert cells("R.2.8", "age_band") == {"0-17": 1, "25-34": 1}
    assert cells("R.2.8", "month") == {"2025-01": 1, "2025-06": 1}


def test_r29_helpful_for_integration(data):
    # p1 (5 and 4: once) + p7 (4, on 31 Dec 23:00) = 2; p8 answered 3, p2 answered on 1 Jan 2026 00:30,
    # the anonymous answer cannot be counted
    assert value("R.2.9") == 2
    assert who(data, "R.2.9") == {"p1", "p7"}
    assert cells("R.2.9", "sex") == {"F": 2}
    assert cells("R.2.9", "age_band") == {"25-34": 2}


def test_r210_recognition_applied_from_both_sources(data):
    # p7 foreign qualification applied 2 Jul 2025 + p12 recognition service = 2; p1's title is Italian,
    # p8 applied in 2024
    assert value("R.2.10") == 2
    assert who(data, "R.2.10") == {"p7", "p12"}
    assert cells("R.2.10", "sex") == {"F": 1, "M": 1}
    assert cells("R.2.10", "age_band") == {"25-34": 2}
    # the skills profile belongs to no organisation: with B asked for, the service alone = p12
    assert who(data, "R.2.10", scoped(organisation_id=data.org_b.pk)) == {"p12"}


def test_r211_long_term_permit(data):
    # p2's service on 31 Dec 2025, the last day = 1; p9's on 1 Jan 2026 does not count
    assert value("R.2.11") == 1
    assert who(data, "R.2.11") == {"p2"}
    assert cells("R.2.11", "sex") == {"M": 1}
    assert cells("R.2.11", "age_band") == {"35-54": 1}


# --- section B ----------------------------------------------------------------------------------------------


def test_p11_operators_trained(data):
    # Giulia (account, org A: two trainings, once) + Mario Rossi (no account, org B) = 2;
    # Lucia Bianchi was excused, Anna Verdi attended only on 31 Dec 2024
    assert value("P1.1") == 2
    assert cells("P1.1", "organisation_kind") == {"municipality": 1, "third_sector": 1}
    assert cells("P1.1", "province") == {province("Napoli"): 1, province("Caserta"): 1}


def test_p12_operator_training_hours(data):
    # Giulia 3 + 2.5 (Region's training) + 2 (B's) + Mario 3 = 10.5
    assert value("P1.2") == 10.5
    assert cells("P1.2", "province") == {province("Napoli"): 7.5, province("Caserta"): 3}
    assert cells("P1.2", "month") == {"2025-03": 8.5, "2025-10": 2}


def test_p13_operators_improved(data):
    # Giulia 2.5 → 3.5 = 1; Mario 3 → 3; Lucia's "after" recorded in 2026; Anna has no "before"
    assert value("P1.3") == 1
    assert cells("P1.3", "organisation_kind") == {"municipality": 1}


def test_p14_organisations_in_the_network(data):
    # A, B, Region, prefecture, the association, the group, the one joined on 31 Dec 2025 = 7;
    # not: left on 31 Dec 2024, candidate, awaiting approval, joined on 1 Jan 2026
    assert value("P1.4") == 7
    assert cells("P1.4", "organisation_kind") == {
        "municipality": 1,
        "third_sector": 2,
        "region": 1,
        "prefecture": 1,
        "migrant_association": 1,
        "informal_group": 1,
    }


def test_p141_agreements_in_force(data):
    # the convention (2024-06..2026-06), the partnership (signed Mar 2025), the memorandum withdrawn on
    # 1 Feb 2025 (in force in January) = 3; not: expired on 31 Dec 2024, signed in 2026, draft
    assert value("P1.4.1") == 3
    assert cells("P1.4.1", "organisation_kind") == {"municipality": 1, "third_sector": 1, "region": 1}


def test_p15_meetings_held(data):
    # 5 May + 1 Jan 00:30 (local time) = 2; not: 31 Dec 2024 23:30, the planned one
    assert value("P1.5") == 2
    assert cells("P1.5", "month") == {"2025-01": 1, "2025-05": 1}
    assert cells("P1.5", "province") == {province("Napoli"): 2}


def test_p151_organisations_at_meetings(data):
    # A (twice, once) + B + the association = 3; the Region was excused, the prefecture was at the
    # meeting of 31 Dec 2024, the group at a meeting only planned
    assert value("P1.5.1") == 3
    assert cells("P1.5.1", "organisation_kind") == {
        "municipality": 1,
        "third_sector": 1,
        "migrant_association": 1,
    }


def test_p16_referrals_sent(data):
    # 1 Feb, 1 Mar, 1 Apr, 1 May (from A) + 1 Jun (from B) = 5; not the one of 31 Dec 2024 23:00
    assert value("P1.6") == 5
    assert cells("P1.6", "province") == {province("Napoli"): 4, province("Caserta"): 1}
    assert cells("P1.6", "organisation") == {str(data.org_a.pk): 4, str(data.org_b.pk): 1}


def test_p161_referrals_accepted_share(data):
    # answered: accepted, rejected, completed (A) + accepted (B) = 4; accepted or completed 3 → 75%
    assert value("P1.6.1") == 75
    shares = cells("P1.6.1", "province")
    assert shares[province("Caserta")] == 100  # 1 of 1
    assert shares[province("Napoli")] == 66.7  # 2 of 3, to one decimal


def test_p162_referral_median_days(data):
    # accepted or completed, sent in the period: 3, 10, 5 days → median 5 (odd)
    assert value("P1.6.2") == 5
    # from A: 3 and 10 → (3 + 10) / 2 = 6.5 (even); from B: 5
    assert cells("P1.6.2", "province") == {province("Napoli"): 6.5, province("Caserta"): 5}


def test_p17_mediations_delivered(data):
    # p11's (2 Feb), the meeting one (31 Dec 23:30), p6's (4 Apr: a record, whoever it was for) = 3;
    # not: only confirmed, 31 Dec 2024 23:59
    assert value("P1.7") == 3
    assert cells("P1.7", "language") == {"ara": 2, "eng": 1}
    assert cells("P1.7", "month") == {"2025-02": 1, "2025-04": 1, "2025-12": 1}


def test_p171_mediation_hours(data):
    # 1.5 + 2 = 3.5 (p6's has no hours recorded)
    assert value("P1.7.1") == 3.5
    assert cells("P1.7.1", "language") == {"ara": 1.5, "eng": 2}


def test_p21_skills_profiles_completed(data):
    # p7 (1 Jul 2025) = 1; p1 completed in 2024, p8 not completed, p4 EU after correction
    assert value("P2.1") == 1
    assert who(data, "P2.1") == {"p7"}
    assert cells("P2.1", "sex") == {"F": 1}
    assert cells("P2.1", "age_band") == {"25-34": 1}


def test_p22_work_oriented_italian(data):
    # p1 = 1
    assert value("P2.2") == 1
    assert who(data, "P2.2") == {"p1"}
    assert cells("P2.2", "sex") == {"F": 1}
    assert cells("P2.2", "age_band") == {"25-34": 1}


def test_p221_digital_skills(data):
    # p12 = 1 (p4 was there too: EU after correction)
    assert value("P2.2.1") == 1
    assert who(data, "P2.2.1") == {"p12"}
    assert cells("P2.2.1", "sex") == {"M": 1}
    assert cells("P2.2.1", "age_band") == {"25-34": 1}


def test_p23_women_supported(data):
    # p1 p7 p11 = 3 (p4 EU, p6 Italian, p9 outside)
    assert value("P2.3") == 3
    assert who(data, "P2.3") == {"p1", "p7", "p11"}
    assert cells("P2.3", "sex") == {"F": 3}
    assert cells("P2.3", "age_band") == {"25-34": 2, "35-54": 1}


def test_p231_newly_arrived_minors_in_school_inclusion(data):
    # p3: minor on 1 Jan 2025 (18 on 2 Jan), arrived Mar 2024; served in Sep 2025 when 18 = 1
    assert value("P2.3.1") == 1
    assert who(data, "P2.3.1") == {"p3"}
    assert cells("P2.3.1", "sex") == {"M": 1}
    assert cells("P2.3.1", "age_band") == {"0-17": 1}
    # from 2 Jan 2025 he is an adult on the first day of the period: no longer a minor
    assert value("P2.3.1", scoped(start=day(2025, 1, 2))) == 0


def test_p231_rule_and_target_group_agree_on_newly_arrived(data):
    # A 12-year-old who arrived 2 years and 6 months before the period: "less than 3 years" per the rule.
    child = make_participant(
        data.org_a,
        citizenships=("AL",),
        sex=Sex.FEMALE,
        birth_date=day(2012, 3, 3),
        arrival_date=day(2022, 7, 1),
    )
    service(child, "school_inclusion", day(2025, 10, 1), data.org_a, data.operator_a)
    rule = indicator("P2.3.1")
    stated = f"{NEWLY_ARRIVED_YEARS} years" in rule.rule_en and f"{NEWLY_ARRIVED_YEARS} anni" in rule.rule_it
    # p3 + the child = 2, as the rule reads; or the rule states the registry's number of years
    assert value("P2.3.1") == 2 or stated


def test_p24_participants_with_a_plan(data):
    # p2 (v2 created 1 Feb 2025; v1 in 2024) + p12 (1 Mar 2025) = 2; p4 EU after correction
    assert value("P2.4") == 2
    assert who(data, "P2.4") == {"p2", "p12"}
    assert cells("P2.4", "sex") == {"M": 2}
    assert cells("P2.4", "age_band") == {"25-34": 1, "35-54": 1}


def test_p241_plans_with_a_goal_reached(data):
    # p2's current plan (goal reached 15 Feb) = 1; not p2's old version, not p12's (reached on
    # 1 Jan 2026 00:30 local time)
    assert value("P2.4.1") == 1
    assert cells("P2.4.1", "organisation_kind") == {"third_sector": 1}


def test_p31_associations_supported(data):
    # the migrant association + the informal group = 2 (B's representative is not an association)
    assert value("P3.1") == 2
    assert cells("P3.1", "organisation_kind") == {"migrant_association": 1, "informal_group": 1}
    assert cells("P3.1", "month") == {"2025-11": 2}


def test_p32_events_held(data):
    # E1 (information) + the community event on 31 Dec = 2
    assert value("P3.2") == 2
    assert cells("P3.2", "month") == {"2025-09": 1, "2025-12": 1}


def test_p321_people_reached(data):
    # E1: registrations checked in 3 + 2 (the 1 not checked in does not count) + p1 present = 6;
    # the community event: 4; E2 (cancelled) and E3 (2026) not = 10
    assert value("P3.2.1") == 10
    assert cells("P3.2.1", "province") == {province("Caserta"): 6, province("Napoli"): 4}


# --- the directory (P3.3) -------------------------------------------------------------------------------------


def translate_all(service_, language, *, verified=True):
    for name in service_.TRANSLATABLE_FIELDS:
        if getattr(service_, name):
            method = TranslationMethod.HUMAN if verified else TranslationMethod.MACHINE
            translate(service_, name, language, f"{name} [{language}]", verified=verified, method=method)


@pytest.fixture
def services(db):
    """Services: s1 (Jun 2025), s5 (31 Dec 23:00) visible; s2 (1 Jan 2026 00:30), s3 draft, s4 inactive,
    s6 hidden as stale. Content languages other than Italian: French and Arabic only."""
    ContentLanguage.objects.exclude(code__in=["it", "fr", "ar"]).update(is_active=False)
    organisation = make_directory_org()
    s = {}
    for key, published_at, fields in (
        ("s1", at(2025, 6, 1), {}),
        ("s2", at(2026, 1, 1, 0, 30), {}),
        ("s3", None, {"state": EditorialState.DRAFT}),
        ("s4", at(2025, 3, 1), {"status": ServiceStatus.INACTIVE}),
        ("s5", at(2025, 12, 31, 23, 0), {}),
        ("s6", at(2025, 2, 1), {"verified_days_ago": 2000}),
    ):
        s[key] = make_service(f"Servizio {key}", organization=organisation, index=False, **fields)
        Service.objects.filter(pk=s[key].pk).update(published_at=published_at)
    translate_all(s["s1"], "fr")
    translate_all(s["s1"], "ar", verified=False)
    translate_all(s["s5"], "fr", verified=False)
    return s


def test_p33_services_published_and_visible_at_the_end_of_the_period(services):
    # s1 + s5 = 2 (s2 published in 2026 local time, s3 draft, s4 inactive, s6 hidden as not verified)
    assert value("P3.3") == 2
    assert value("P3.3", scoped(end=day(2025, 12, 30))) == 1  # s5 not yet


def test_p331_share_translated_per_language(services):
    # published: s1 s2 s4 s5 s6 = 5 (a current state); fr: s1, s5 → 40%; ar: s1 → 20%; mean 30
    assert value("P3.3.1") == 30
    assert cells("P3.3.1", "language") == {"fr": 40, "ar": 20}


def test_p332_share_translated_and_verified_per_language(services):
    # fr: s1 verified → 20%; ar: none (machine, unverified) → 0%; mean 10
    assert value("P3.3.2") == 10
    assert cells("P3.3.2", "language") == {"fr": 20}


# --- edge cases of issue 8 ------------------------------------------------------------------------------------


def test_a_participant_with_two_courses_counts_once(data):
    p1 = data.people["p1"]
    assert p1.enrolments.count() == 3  # L2, work-oriented, the information event
    assert "p1" in who(data, "O.2.3") and "p1" in who(data, "O.2.3.1")
    # O.2.3.1 women: p1 only, although present at two courses
    assert cells("O.2.3.1", "sex")["F"] == 1


def test_citizenship_corrected_to_eu_counts_nowhere(data):
    assert list(data.people["p4"].citizenships.values_list("iso_alpha2", flat=True)) == ["RO"]
    for code in PARTICIPANT_CODES:
        assert "p4" not in who(data, code), code


def test_an_italian_dual_citizen_counts_nowhere(data):
    for code in PARTICIPANT_CODES:
        assert "p6" not in who(data, code), code


def test_nobody_outside_the_period_absent_or_at_a_cancelled_session_counts(data):
    for code in PARTICIPANT_CODES:
        assert not {"p9", "p10"} & who(data, code), code
    # p2 was enrolled in the L2 course but absent at every session
    assert "p2" not in who(data, "O.2.3.1")


def test_an_exit_level_missing_does_not_count(data):
    assert "p8" in who(data, "O.2.3.1")
    assert "p8" not in who(data, "R.2.8")


def test_a_withdrawn_consent_still_counts_in_the_aggregates(data):
    p7 = data.people["p7"]
    assert not p7.consents.in_force().exists()
    for code in ("O.2.3", "O.2.3.2", "R.2.9", "R.2.10", "P2.1", "P2.3"):
        assert "p7" in who(data, code), code


def test_a_stateless_participant_counts_under_the_empty_citizenship(data):
    assert "p5" in who(data, "O.2.3")
    assert cells("O.2.3.3", "citizenship")[""] == 1
    # no municipality of residence: under "not stated", in no province
    assert cells("O.2.3.3", "province")[""] == 1


def test_a_participant_who_turned_18_is_in_the_band_of_the_first_day(data):
    salerno = scoped(province_id=municipality("Salerno").province_id)  # p3 only lives there
    assert who(data, "O.2.3", salerno) == {"p3"}
    assert cells("O.2.3", "age_band", salerno) == {"0-17": 1}
    assert cells("O.2.3", "target_group", salerno) == {"newly_arrived_minor": 1, "unaccompanied_minor": 1}
    # A period starting on his birthday: 18 on the first day, and no longer a minor
    from_birthday = dataclasses.replace(salerno, start=day(2025, 1, 2))
    assert cells("O.2.3", "age_band", from_birthday) == {"18-24": 1}
    assert cells("O.2.3", "target_group", from_birthday) == {}
    # p8 turned 18 on the first day itself: 18-24
    napoli = scoped(municipality_id=municipality("Napoli").pk)
    assert cells("O.2.3.1", "age_band", napoli) == {"18-24": 1, "25-34": 1}  # p8, p1


def test_records_on_the_boundaries_count_and_just_outside_do_not(data):
    # services on 1 Jan and 31 Dec 2025 (p2) count; 31 Dec 2024 and 1 Jan 2026 (p9) do not
    assert who(data, "O.2.5") == {"p2"} and who(data, "R.2.11") == {"p2"}
    assert value("O.2.5", scoped(start=day(2025, 1, 2))) == 0
    assert value("R.2.11", scoped(end=day(2025, 12, 30))) == 0


def test_moments_are_judged_on_the_local_date(data):
    # 1 Jan 2025 00:30 in Rome is 31 Dec 2024 in UTC: the meeting counts in 2025, not in 2024
    assert value("P1.5", Scope(day(2024, 12, 31), day(2024, 12, 31))) == 1  # the 23:30 one only
    assert value("P1.5", Scope(START, START)) == 1
    # 1 Jan 2026 00:30 in Rome (31 Dec 2025 in UTC): p2's answer is outside 2025
    assert "p2" not in who(data, "R.2.9")
    assert who(data, "R.2.9", Scope(day(2026, 1, 1), day(2026, 1, 1))) == {"p2"}


def test_the_dataset_has_people_outside_the_period(data):
    # p9 counts in 2024 and 2026, so the period, not the data, keeps her out of 2025
    assert "p9" in who(data, "O.2.3", Scope(day(2024, 12, 31), day(2024, 12, 31)))
    assert "p9" in who(data, "R.2.11", Scope(day(2026, 1, 1), day(2026, 1, 1)))
    assert value("R.2.8", Scope(day(2024, 12, 31), day(2024, 12, 31))) == 1  # p9's exit


# --- scope filters --------------------------------------------------------------------------------------------


def test_province_of_residence_for_people(data):
    napoli, caserta = municipality("Napoli").province_id, municipality("Caserta").province_id
    assert who(data, "O.2.3", scoped(province_id=napoli)) == {"p1", "p7", "p8", "p12"}
    assert who(data, "O.2.3", scoped(province_id=caserta)) == {"p2", "p11"}
    # p1 took the work-oriented course in Caserta but lives in Napoli
    assert who(data, "O.2.3.1", scoped(province_id=caserta)) == set()
    assert who(data, "O.2.3", scoped(municipality_id=municipality("Napoli").pk)) == {"p1", "p7", "p8", "p12"}


def test_province_of_the_organisation_for_records(data):
    napoli, caserta = municipality("Napoli").province_id, municipality("Caserta").province_id
    # referrals from A (Napoli) 4, from B (Caserta) 1
    assert value("P1.6", scoped(province_id=napoli)) == 4
    assert value("P1.6", scoped(province_id=caserta)) == 1
    # mediations by A: p11's and p6's = 2; by B: the meeting one = 1
    assert value("P1.7", scoped(province_id=napoli)) == 2
    assert value("P1.7.1", scoped(province_id=caserta)) == 2
    # operators by their organisation's province: Giulia (A, Napoli) 3 + 2.5 + 2 = 7.5
    assert value("P1.2", scoped(province_id=napoli)) == 7.5
    # organisations in the network in the province of Salerno: the association, joined on 31 Dec = 2
    assert value("P1.4", scoped(province_id=municipality("Salerno").province_id)) == 2


def test_organisation_filter(data):
    # with B: p1 (work course, event), p2 (services), p5 (guidance), p12 (recognition service) = 4
    assert who(data, "O.2.3", scoped(organisation_id=data.org_b.pk)) == {"p1", "p2", "p5", "p12"}
    # with A: p1 (advice, L2), p3, p7, p8, p11 (mediation), p12 = 6
    assert who(data, "O.2.3", scoped(organisation_id=data.org_a.pk)) == {"p1", "p3", "p7", "p8", "p11", "p12"}
    assert value("P1.6", scoped(organisation_id=data.org_b.pk)) == 1
    assert value("P1.7", scoped(organisation_id=data.org_b.pk)) == 1
    assert value("P2.4.1", scoped(organisation_id=data.org_a.pk)) == 0
    assert value("P1.5.1", scoped(organisation_id=data.org_b.pk)) == 1


def test_organisation_kind_filter(data):
    assert value("O.2.3", scoped(organisation_kind="municipality")) == 6
    assert value("O.2.3", scoped(organisation_kind="third_sector")) == 4
    assert value("O.2.3", scoped(organisation_kind="region")) == 0
    assert value("P1.6", scoped(organisation_kind="third_sector")) == 1
    assert value("P1.4", scoped(organisation_kind="third_sector")) == 2


def test_action_filter(data):
    # 02: p1 p2 p3 p5 p7 p8 p12 = 7; 03: p1 at the information event = 1
    assert value("O.2.3", scoped(action="02")) == 7
    assert who(data, "O.2.3", scoped(action="03")) == {"p1"}
    assert value("P3.2", scoped(action="03")) == 2
    assert value("P3.2", scoped(action="02")) == 0
    assert value("P1.1", scoped(action="01")) == 2
    assert value("P1.6", scoped(action="02")) == 0  # referrals belong to no action


def test_mediations_count_under_their_action_01(data):
    # A completed mediation is support under action 01 (m_act "01"): p11 = 1; P1.7 = 3, P1.7.1 = 3.5
    assert who(data, "O.2.3", scoped(action="01")) == {"p11"}
    assert value("P2.3", scoped(action="01")) == 1
    assert value("P1.7", scoped(action="01")) == 3
    assert value("P1.7.1", scoped(action="01")) == 3.5
    assert value("P1.7", scoped(action="02")) == 0


def test_period_start_is_the_day_of_age_and_target_groups_not_today(data):
    # p3 is an adult today (2026) and was a minor on 1 Jan 2025: P2.3.1 follows the period
    assert data.people["p3"].age(datetime.date.today()) >= 18
    assert value("P2.3.1") == 1
