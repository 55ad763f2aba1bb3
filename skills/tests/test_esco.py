"""ESCO reference data: the shipped fixtures, search by label, and official labels from the ESCO portal."""

import io

import pytest
from django.core.management import CommandError, call_command

from skills.esco import LabelFileError, load_esco, load_labels
from skills.models import LabelSource, Occupation, Skill

pytestmark = pytest.mark.django_db

COOK = "http://data.europa.eu/esco/occupation/90f75f67-495d-49fa-ab57-2f320e251d7e"


def test_the_fixtures_carry_every_occupation_isco_group_and_skill_with_uris():
    assert Occupation.objects.count() == 3658
    assert Skill.objects.count() == 13939
    assert Occupation.objects.exclude(isco_code="").count() == 619
    assert not Occupation.objects.exclude(uri__startswith="http://data.europa.eu/esco/").exists()
    assert Occupation.objects.get(isco_code="5120").label == "Cooks"


def test_loading_again_adds_nothing_and_keeps_loaded_labels():
    Occupation.objects.filter(uri=COOK).update(label_it="cuoco/cuoca di mestiere")
    counts = load_esco()
    assert counts["ESCO occupations"] == 3658
    assert Occupation.objects.get(uri=COOK).label_it == "cuoco/cuoca di mestiere"


def test_search_puts_labels_starting_with_the_text_first():
    results = list(Occupation.objects.search("cook"))
    assert results and results[0].label.lower().startswith("cook")
    assert any(o.uri == COOK for o in results)
    assert len(results) <= 15
    assert not Occupation.objects.search("  ").exists()


def test_common_occupations_are_found_in_italian_before_the_official_labels_are_loaded():
    assert Occupation.objects.search("muratore").first().label == "bricklayer"
    assert Occupation.objects.search("badante").first().label == "home care aide"
    assert Occupation.objects.search("cuoco").first().uri == COOK
    waiter = [o for o in Occupation.objects.search("cameriere") if o.label_it.startswith("cameriere/")]
    assert waiter[0].label == "waiter/waitress"  # a derived English label fixed by the curated file


def test_search_needs_every_word_and_reads_alternative_labels():
    results = Occupation.objects.search("kitchen assistant")
    assert results.exists()
    for occupation in results:
        text = f"{occupation.label} {occupation.alt_labels}".lower()
        assert "kitchen" in text and "assistant" in text


def test_italian_labels_from_the_esco_portal_are_searched_and_shown():
    csv_text = f"conceptType,conceptUri,preferredLabel,altLabels\nOccupation,{COOK},cuoco/cuoca di mestiere,\nOccupation,http://data.europa.eu/esco/occupation/unknown,ignoto,\n"
    counts = load_labels(io.StringIO(csv_text), "it")
    assert counts == {"occupations": 1, "skills": 0}
    assert Occupation.objects.search("cuoco di mestiere").first().uri == COOK
    from django.utils import translation

    with translation.override("it"):
        assert str(Occupation.objects.get(uri=COOK)) == "cuoco/cuoca di mestiere"
    with translation.override("en"):
        assert str(Occupation.objects.get(uri=COOK)) == "cook"


def test_official_english_labels_replace_derived_ones():
    skill = Skill.objects.filter(label_source=LabelSource.DERIVED).first()
    load_labels(
        io.StringIO(f"conceptUri,preferredLabel,altLabels\n{skill.uri},official label,alt one\n"), "en"
    )
    skill.refresh_from_db()
    assert (skill.label, skill.label_source) == ("official label", LabelSource.OFFICIAL)


def test_a_label_file_without_the_expected_columns_is_refused(tmp_path):
    with pytest.raises(LabelFileError):
        load_labels(io.StringIO("uri,label\nx,y\n"), "it")
    bad = tmp_path / "bad.csv"
    bad.write_text("uri,label\nx,y\n")
    with pytest.raises(CommandError, match="conceptUri"):
        call_command("load_esco_labels", str(bad), "--language", "it")
