"""Exports of a skills profile: the Europass XML parses and carries ESCO, EQF, CEFR, DigComp and licence codes;
the JSON is complete and versioned; the PDF is bilingual (Italian, then the participant's language, right to
left for Arabic); constraints appear only when asked for by someone who may see them; access like the pages."""

from __future__ import annotations

import datetime
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from activities.models import CEFRLevel
from conftest import client_for, country
from paths.models import GoalArea
from people.models import ParticipantAccessLog
from skills import actions, exports
from skills.models import (
    DigitalSkill,
    DrivingLicence,
    EvidenceLevel,
    LanguageSkill,
    Occupation,
    Qualification,
    Skill,
    SoftSkill,
    WorkExperience,
)
from skills.reference import ConstraintKind
from territory.models import Language

pytestmark = pytest.mark.django_db

NS = {
    "e": "http://www.europass.eu/1.0",
    "hr": "http://www.hr-xml.org/3",
    "oa": "http://www.openapplications.org/oagis/9",
    "eures": "http://www.europass_eures.eu/1.0",
}
SECRET_NOTE = "Diabete, controlli ogni mese al Cardarelli"


def language(code: str) -> Language:
    return Language.objects.get(code=code)


@pytest.fixture
def cook():
    return Occupation.objects.get(label="cook", isco_code="")


@pytest.fixture
def profile(participant_a, operator_a, cook):
    """Amina's profile: a diploma (EQF 4, ISCED-F 07, recognition applied for), two jobs (a cook from ESCO,
    with two ESCO skills; a free-text job), Italian (A2, writing pre-A1) and English, DigComp area 1 at level
    4, a soft skill, a B licence, a health constraint and a next step."""
    profile = actions.start_profile(participant_a, acting_user=operator_a)
    actions.update_profile(
        profile,
        acting_user=operator_a,
        data={
            "summary": "Cuoca con esperienza.\nCerco lavoro nella ristorazione.",
            "aspirations": "Lavorare in una cucina di un albergo.",
            "interview_language": "ar",
            "mother_tongues": [language("ary")],
        },
    )
    actions.save_claim(
        profile,
        Qualification,
        acting_user=operator_a,
        data={
            "title": "Diploma di tecnico alberghiero",
            "institution": "Lycée technique de Fès",
            "country": country("MA"),
            "year": 2008,
            "eqf_level": 4,
            "field_of_study": "10",
            "recognition_status": "applied",
            "recognition_applied_on": datetime.date(2025, 2, 3),
        },
    )
    actions.save_claim(
        profile,
        WorkExperience,
        acting_user=operator_a,
        data={
            "occupation": cook,
            "employer": "Riad Fès",
            "country": country("MA"),
            "start_year": 2010,
            "end_year": 2018,
            "tasks": "Preparazione dei piatti\nGestione del magazzino",
            "evidence_level": EvidenceLevel.OBSERVED,
        },
        skills=list(Skill.objects.search("cook")[:2]),
    )
    actions.save_claim(
        profile,
        WorkExperience,
        acting_user=operator_a,
        data={"job_title": "Aiuto in un negozio di famiglia", "years": 2, "is_informal": True},
    )
    actions.save_claim(
        profile,
        LanguageSkill,
        acting_user=operator_a,
        data={
            "language": language("ita"),
            "overall": CEFRLevel.A2,
            "listening": CEFRLevel.B1,
            "writing": CEFRLevel.PRE_A1,
            "evidence_level": EvidenceLevel.TESTED,
            "evidence_note": "Test CPIA di Napoli",
        },
    )
    actions.save_claim(
        profile,
        LanguageSkill,
        acting_user=operator_a,
        data={"language": language("eng"), "overall": CEFRLevel.B1},
    )
    actions.save_claim(
        profile,
        DigitalSkill,
        acting_user=operator_a,
        data={"area": "1", "level": 4, "competences": ["1.1", "1.2"]},
    )
    actions.save_claim(
        profile, SoftSkill, acting_user=operator_a, data={"skill": "teamwork", "example": "Brigata di cucina"}
    )
    actions.save_claim(
        profile,
        DrivingLicence,
        acting_user=operator_a,
        data={"category": "B", "country": country("MA"), "status": "to_convert"},
    )
    actions.add_constraint(profile, acting_user=operator_a, kind=ConstraintKind.HEALTH, note=SECRET_NOTE)
    actions.add_next_step(
        profile,
        acting_user=operator_a,
        data={"text": "Iscrizione al corso HACCP", "area": GoalArea.objects.get(code="work")},
    )
    return exports.profile_queryset().get(pk=profile.pk)


def url(name: str, profile, **params) -> str:
    path = reverse(f"skills_docs:{name}", args=[profile.participant_id])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def parse(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 (our own output, no entities)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def health_label(language_code: str) -> str:
    with translation.override(language_code):
        return str(ConstraintKind.HEALTH.label)


# --- Europass XML ----------------------------------------------------------------------------------------------


def test_the_europass_xml_parses_as_utf8_in_the_europass_namespace(profile):
    content = exports.europass_xml(profile)

    assert content.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
    root = parse(content)
    assert root.tag == "{http://www.europass.eu/1.0}Candidate"
    assert root.find("e:CandidatePerson/e:PersonName/oa:GivenName", NS).text == "Amina"
    assert root.find("e:CandidatePerson/e:NationalityCode", NS).text == "ma"
    assert root.find("e:CandidatePerson/hr:BirthDate", NS).text == "1990-05-17"
    mother_tongue = root.find("e:CandidatePerson/e:PrimaryLanguageCode", NS)
    assert (mother_tongue.get("name"), mother_tongue.text) == ("NORMAL", "ara")  # Moroccan Arabic -> Arabic
    assert root.find("e:CandidateProfile", NS).get("languageCode") == "it"
    assert "<p>Cuoca con esperienza.</p>" in root.find("e:CandidateProfile/hr:ExecutiveSummary", NS).text


def test_the_europass_xml_carries_the_esco_occupation_and_skills_of_the_work_experience(profile, cook):
    root = parse(exports.europass_xml(profile))

    positions = root.findall("e:CandidateProfile/e:EmploymentHistory/e:EmployerHistory/e:PositionHistory", NS)
    assert len(positions) == 2
    esco = next(p for p in positions if p.find("e:PositionTitle", NS).get("typeCode") == "URI")
    assert esco.find("e:PositionTitle", NS).get("languageID") == cook.uri
    assert (
        esco.find("e:PositionTitle", NS)
        .get("languageID")
        .startswith("http://data.europa.eu/esco/occupation/")
    )
    assert esco.find("eures:EmploymentPeriod/eures:StartDate/hr:FormattedDateTime", NS).text == "2010"
    assert esco.find("eures:EmploymentPeriod/eures:EndDate/hr:FormattedDateTime", NS).text == "2018"
    assert esco.find("eures:EmploymentPeriod/hr:CurrentIndicator", NS).text == "false"
    assert esco.find("e:Country", NS).text == "ma"
    assert "<p>Gestione del magazzino</p>" in esco.find("oa:Description", NS).text
    skill_uris = [c.find("e:CompetencyID", NS).text for c in esco.findall("e:PersonCompetency", NS)]
    work = profile.work_experiences.get(occupation=cook)
    assert sorted(skill_uris) == sorted(s.uri for s in work.skills.all()) and len(skill_uris) == 2
    free = next(p for p in positions if p.find("e:PositionTitle", NS).get("typeCode") == "FREETEXT")
    assert free.find("e:PositionTitle", NS).text == "Aiuto in un negozio di famiglia"


def test_the_europass_xml_carries_the_eqf_level_and_isced_field(profile):
    root = parse(exports.europass_xml(profile))

    attendance = root.find("e:CandidateProfile/e:EducationHistory/e:EducationOrganizationAttendance", NS)
    assert attendance.find("e:EducationLevelCode", NS).text == "4"
    assert attendance.find("e:EducationDegree/hr:DegreeName", NS).text == "Diploma di tecnico alberghiero"
    field = attendance.find("e:EducationDegree/e:FieldOfStudy/e:MainFieldOfStudy/e:ProgramConcentration", NS)
    assert field.text == "10"
    assert attendance.find("e:OrganizationContact/e:Communication/e:Address/e:CountryCode", NS).text == "ma"
    assert attendance.find("e:AttendancePeriod/e:EndDate/hr:FormattedDateTime", NS).text == "2008"


def test_the_europass_xml_carries_cefr_levels_per_dimension_and_leaves_pre_a1_out(profile):
    root = parse(exports.europass_xml(profile))

    competencies = root.findall("e:CandidateProfile/e:PersonQualifications/e:PersonCompetency", NS)
    by_code = {c.find("e:CompetencyID", NS).text: c for c in competencies}
    assert set(by_code) == {"ita", "eng"}
    assert all(c.find("hr:TaxonomyID", NS).text == "language" for c in competencies)
    italian = {
        d.find("hr:CompetencyDimensionTypeCode", NS).text: d.find("eures:Score/hr:ScoreText", NS).text
        for d in by_code["ita"].findall("eures:CompetencyDimension", NS)
    }
    # Listening has its own level, the others take the overall A2; writing is pre-A1: no Europass level.
    assert italian == {
        "CEF-Understanding-Listening": "B1",
        "CEF-Understanding-Reading": "A2",
        "CEF-Speaking-Interaction": "A2",
        "CEF-Speaking-Production": "A2",
    }
    english = by_code["eng"].findall("eures:CompetencyDimension", NS)
    assert len(english) == 5 and {d.find("eures:Score/hr:ScoreText", NS).text for d in english} == {"B1"}


def test_the_europass_xml_carries_digcomp_codes_and_levels(profile):
    root = parse(exports.europass_xml(profile))

    group = root.find("e:CandidateProfile/e:Skills/e:SkillsGroup", NS)
    assert group.find("e:Title", NS).text == "DigComp 2.2"
    items = {c.find("e:CompetencyID", NS).text: c for c in group.findall("e:PersonCompetency", NS)}
    assert set(items) == {"1", "1.1", "1.2"}
    area = items["1"]
    assert area.find("e:CompetencyID", NS).attrib == {"schemeName": "DigComp", "schemeVersionID": "2.2"}
    assert area.find("hr:TaxonomyID", NS).text == "Digital_Skill"
    assert area.find("eures:ProficiencyLevel/hr:ScoreText", NS).text == "4"


def test_the_europass_xml_carries_licence_categories_and_soft_skills(profile):
    root = parse(exports.europass_xml(profile))

    codes = [
        e.text for e in root.findall("e:CandidateProfile/eures:Licenses/eures:License/hr:LicenseTypeCode", NS)
    ]
    assert codes == ["B"]
    others = root.findall("e:CandidateProfile/e:Others", NS)
    assert [o.find("e:Other/e:Description", NS).text for o in others] == ["<p>Brigata di cucina</p>"]


def test_the_europass_xml_never_carries_constraints_wishes_or_next_steps(profile):
    text = exports.europass_xml(profile).decode()

    assert SECRET_NOTE not in text
    assert health_label("it") not in text and "health" not in text
    assert "Lavorare in una cucina" not in text and "HACCP" not in text


def test_a_language_without_an_iso_639_1_code_goes_as_free_text():
    assert exports.europass_language(language("fra")) == ("NORMAL", "fre")
    assert exports.europass_language(language("ita")) == ("NORMAL", "ita")
    assert exports.europass_language(language("cmn")) == ("NORMAL", "chi")
    assert exports.europass_language(language("snk")) == ("FREE_TEXT", "Soninke")


# --- JSON -------------------------------------------------------------------------------------------------------


def test_the_json_export_is_versioned_and_carries_every_section_with_its_codes(profile, operator_a, cook):
    data = json.loads(exports.profile_json(profile, operator_a))

    assert (data["format"], data["version"]) == ("interazioni-skills-profile", 1)
    assert data["person"]["citizenships"][0]["iso_alpha2"] == "MA"
    assert data["person"]["mother_tongues"][0]["iso639_3"] == "ary"
    assert [s["code"] for s in data["profile"]["sections"]] == [
        "summary",
        "education",
        "work",
        "languages",
        "digital",
        "soft_skills",
        "licences",
        "aspirations",
        "next_steps",
    ]
    assert {s["state"] for s in data["profile"]["sections"]} == {"done"}
    diploma = data["education"][0]
    assert diploma["eqf"] == {
        "level": 4,
        "uri": "http://data.europa.eu/esco/eqf/4",
        "label": diploma["eqf"]["label"],
    }
    assert diploma["field_of_study"]["isced_f"] == "10"
    assert (
        diploma["recognition"]["code"] == "applied" and diploma["recognition"]["applied_on"] == "2025-02-03"
    )
    assert (
        diploma["evidence"]["code"] == "self_declared"
        and diploma["evidence"]["organisation"] == "Comune di Napoli"
    )
    job = next(w for w in data["work"] if w["occupation"])
    assert job["occupation"]["uri"] == cook.uri and len(job["skills"]) == 2
    assert job["skills"][0]["uri"].startswith("http://data.europa.eu/esco/skill/")
    assert job["evidence"]["level"] == 2 and job["evidence"]["code"] == "observed"
    italian = next(lang for lang in data["languages"] if lang["language"]["iso639_3"] == "ita")
    assert italian["overall"] == "A2"
    assert italian["levels"] == {
        "listening": "B1",
        "reading": None,
        "spoken_interaction": None,
        "spoken_production": None,
        "writing": "pre-A1",
    }
    assert italian["evidence"]["note"] == "Test CPIA di Napoli"
    digital = data["digital"][0]
    assert digital["area"]["code"] == "1" and digital["level"]["value"] == 4
    assert [c["code"] for c in digital["competences"]] == ["1.1", "1.2"]
    assert (
        data["licences"][0]["category"] == "B" and data["licences"][0]["use_in_italy"]["code"] == "to_convert"
    )
    assert data["soft_skills"][0]["code"] == "teamwork"
    assert data["next_steps"][0]["text"] == "Iscrizione al corso HACCP" and data["next_steps"][0]["goal_id"]
    assert data["history"] and all("@" not in json.dumps(entry) for entry in data["history"])


def test_the_json_leaves_constraints_out_unless_asked_for(profile, operator_a):
    data = json.loads(exports.profile_json(profile, operator_a))

    assert "constraints" not in data
    text = json.dumps(data)
    assert SECRET_NOTE not in text
    assert not any("constraint" in entry["changes"] for entry in data["history"])


def test_the_json_carries_constraints_when_the_operator_asks_for_them(profile, operator_a):
    response = client_for(operator_a).get(url("profile_json", profile, sensibili=1))

    data = response.json()
    assert [(c["kind"]["code"], c["note"]) for c in data["constraints"]] == [("health", SECRET_NOTE)]


def test_a_viewer_never_gets_constraints_even_asking_for_them(profile, viewer_a):
    response = client_for(viewer_a).get(url("profile_json", profile, sensibili=1))

    assert response.status_code == 200
    assert "constraints" not in response.json()
    assert SECRET_NOTE not in response.content.decode()


def test_the_region_never_gets_constraints_either(profile, coordinator):
    response = client_for(coordinator).get(url("profile_json", profile, sensibili=1))

    assert response.status_code == 200
    assert "constraints" not in response.json()


def test_the_json_export_takes_the_same_queries_whatever_the_number_of_claims(profile, operator_a, cook):
    client = client_for(operator_a)
    client.get(url("profile_json", profile))  # warm the session and the caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("profile_json", profile)).status_code == 200

    actions.save_claim(
        profile,
        WorkExperience,
        acting_user=operator_a,
        data={"occupation": cook, "start_year": 2019},
        skills=list(Skill.objects.search("cook")[2:5]),
    )
    actions.save_claim(
        profile,
        Qualification,
        acting_user=operator_a,
        data={"title": "Corso HACCP", "country": country("IT")},
    )
    actions.save_claim(
        profile, LanguageSkill, acting_user=operator_a, data={"language": language("fra"), "overall": 3}
    )
    actions.save_claim(profile, DigitalSkill, acting_user=operator_a, data={"area": "2", "level": 2})
    actions.save_claim(profile, SoftSkill, acting_user=operator_a, data={"skill": "reliability"})
    actions.save_claim(profile, DrivingLicence, acting_user=operator_a, data={"category": "AM"})
    actions.add_next_step(
        profile, acting_user=operator_a, data={"text": "Colloquio", "area": GoalArea.objects.get(code="work")}
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("profile_json", profile))

    assert len(response.json()["work"]) == 3
    assert len(many) == len(few)


def test_the_organisations_stay_those_of_the_time_when_the_operator_moves(profile, operator_a, org_b):
    from accounts.models import Membership
    from core.roles import Role

    operator_a.active_membership = Membership.objects.create(
        user=operator_a, organisation=org_b, role=Role.OPERATOR
    )
    operator_a.save(update_fields=["active_membership"])
    profile = exports.profile_queryset().get(pk=profile.pk)

    data = json.loads(exports.profile_json(profile, operator_a))

    names = {"Comune di Napoli"}
    claims = [*data["education"], *data["work"], *data["languages"], *data["digital"], *data["licences"]]
    assert {claim["evidence"]["organisation"] for claim in claims} == names
    assert {step["organisation"] for step in data["next_steps"]} == names
    assert {entry["organisation"] for entry in data["history"]} == names


# --- PDF --------------------------------------------------------------------------------------------------------


def test_the_pdf_has_an_italian_part_and_a_right_to_left_arabic_part(profile, operator_a):
    html = exports.profile_html(profile, operator_a, second=exports.second_language(profile))

    assert '<html lang="it">' in html
    assert 'lang="it" dir="ltr"' in html
    assert 'lang="ar" dir="rtl"' in html
    assert html.count('class="part"') == 2
    assert html.count("Riad Fès") == 2  # free text stays as entered, in both parts

    content = exports.profile_pdf(profile, operator_a, second="ar")
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    with translation.override("it"):
        heading = str(translation.gettext("Skills profile"))
    assert heading in text
    assert "Italiano" in text
    assert "Riad" in text
    # The Arabic part names its language in Arabic script (extraction order of the letters varies).
    assert any("\u0600" <= character <= "\u06ff" for character in text)
    assert "Documento generato da InterAzioni" in text or "Document generated by InterAzioni" in text


def test_the_pdf_language_can_be_chosen_among_the_interface_languages(profile, operator_a):
    assert exports.second_language(profile, "en") == "en"
    assert exports.second_language(profile, "it") is None  # Italian only
    assert exports.second_language(profile, "xx") == "ar"  # unknown: the interview language


def test_without_an_interview_language_the_pdf_follows_the_mother_tongue(profile, operator_a):
    actions.update_profile(profile, acting_user=operator_a, data={"interview_language": ""})
    profile = exports.profile_queryset().get(pk=profile.pk)

    assert exports.second_language(profile) == "ar"  # Moroccan Arabic -> the Arabic interface


def test_the_pdf_leaves_constraints_out_by_default_and_for_a_viewer(profile, operator_a, viewer_a):
    for user, params in ((operator_a, {}), (viewer_a, {"sensibili": 1})):
        response = client_for(user).get(url("profile_pdf", profile, lingua="en", **params))
        assert response.status_code == 200
        text = pdf_text(response.content)
        assert SECRET_NOTE not in text
        assert health_label("it") not in text and health_label("en") not in text


def test_the_pdf_shows_constraints_to_the_operator_who_asks(profile, operator_a):
    html = exports.profile_html(profile, operator_a, sensitive=True)

    assert SECRET_NOTE in html


# --- Access -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["profile_pdf", "profile_europass_xml", "profile_json"])
def test_the_operator_downloads_an_attachment_that_is_not_cached_and_the_read_is_logged(
    profile, operator_a, name
):
    response = client_for(operator_a).get(url(name, profile))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert f"profilo-competenze-amina-benali-{profile.participant_id}." in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    log = ParticipantAccessLog.objects.get(participant=profile.participant)
    assert (log.user, log.path) == (operator_a, url(name, profile))


@pytest.mark.parametrize("name", ["profile_pdf", "profile_json"])
def test_the_access_log_says_when_a_download_carried_the_constraints(profile, operator_a, viewer_a, name):
    client_for(operator_a).get(url(name, profile, sensibili=1, lingua="en"))
    client_for(viewer_a).get(url(name, profile, sensibili=1))  # a viewer never gets them

    logs = ParticipantAccessLog.objects.filter(participant=profile.participant)
    assert logs.get(user=operator_a).path == url(name, profile, sensibili=1, lingua="en")
    assert logs.get(user=viewer_a).path == url(name, profile)


def test_the_xml_never_logs_constraints_as_carried(profile, operator_a):
    client_for(operator_a).get(url("profile_europass_xml", profile, sensibili=1))

    assert ParticipantAccessLog.objects.get(participant=profile.participant).path == url(
        "profile_europass_xml", profile
    )


@pytest.mark.parametrize("name", ["profile_pdf", "profile_europass_xml", "profile_json"])
def test_another_organisation_gets_404(profile, operator_b, name):
    assert client_for(operator_b).get(url(name, profile)).status_code == 404
    assert not ParticipantAccessLog.objects.exists()


@pytest.mark.parametrize("name", ["profile_pdf", "profile_europass_xml", "profile_json"])
def test_a_trainer_may_not_download_profiles(profile, trainer_a, name):
    assert client_for(trainer_a).get(url(name, profile)).status_code == 403


@pytest.mark.parametrize("name", ["profile_pdf", "profile_europass_xml", "profile_json"])
def test_anonymous_is_sent_to_login(profile, client, name):
    response = client.get(url(name, profile))

    assert response.status_code == 302 and "login" in response["Location"]


def test_a_viewer_downloads_the_xml(profile, viewer_a):
    response = client_for(viewer_a).get(url("profile_europass_xml", profile))

    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    parse(response.content)


def test_a_participant_without_a_profile_gives_404(participant_b, admin_b):
    path = reverse("skills_docs:profile_json", args=[participant_b.pk])

    assert client_for(admin_b).get(path).status_code == 404


def test_downloads_accept_only_get(profile, operator_a):
    assert client_for(operator_a).post(url("profile_json", profile)).status_code == 405


def test_timestamps_in_the_json_are_iso_8601(profile, operator_a):
    data = json.loads(exports.profile_json(profile, operator_a))

    generated = datetime.datetime.fromisoformat(data["generated_at"].replace("Z", "+00:00"))
    assert abs(generated - timezone.now()) < datetime.timedelta(minutes=1)
