"""publiccode.yml stays valid against the publiccode.yml 0.4 standard's required fields."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CATEGORIES = {
    "case-management", "data-collection", "reporting-issues", "data-analytics", "data-visualization",
    "document-management", "knowledge-management", "workflow-management", "identity-management",
}  # fmt: skip


def test_publiccode_yml_has_the_required_fields_and_valid_values():
    data = yaml.safe_load((ROOT / "publiccode.yml").read_text())
    for key in ("publiccodeYmlVersion", "name", "url", "platforms", "categories", "developmentStatus",
                "softwareType", "description", "legal", "maintenance", "localisation"):  # fmt: skip
        assert key in data, key
    assert data["publiccodeYmlVersion"] == "0.4"
    assert set(data["categories"]) <= CATEGORIES
    assert data["developmentStatus"] in {"concept", "development", "beta", "stable", "obsolete"}
    assert data["softwareType"] in {"standalone/web", "standalone/backend", "library", "addon"}
    for language, description in data["description"].items():
        assert len(description["shortDescription"]) <= 150, language
        assert 150 <= len(description["longDescription"]) <= 10000, language
        assert description["features"], language
    assert data["legal"]["license"]
    assert data["maintenance"]["type"] in {"internal", "contract", "community", "none"}
    assert isinstance(data["localisation"]["localisationReady"], bool)
