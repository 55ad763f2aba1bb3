"""ESCO occupations, ISCO-08 groups and ESCO skills: loading the shipped fixtures, and official labels from
the ESCO portal's CSV download (for Italian labels, or to replace derived English ones)."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

from django.db import transaction

from skills.models import LabelSource, Occupation, Skill

DATA = Path(__file__).resolve().parent / "data"
BATCH = 2000


def _rows(name: str):
    with gzip.open(DATA / f"esco_{name}.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


@transaction.atomic
def load_esco() -> dict[str, int]:
    """Insert the concepts not yet in the database (by URI); existing rows are left as they are, so labels
    loaded later from the ESCO portal are kept. Idempotent and offline."""
    counts = {}
    for name, model, extra in (("occupations", Occupation, "isco_code"), ("skills", Skill, "skill_type")):
        known = set(model.objects.values_list("uri", flat=True))
        new = [
            model(
                uri=row["uri"],
                label=row["label"][:300],
                label_source=row["label_source"] if row["label_source"] in LabelSource.values else "derived",
                alt_labels=row["alt_labels"],
                description=row["description"],
                **{extra: row[extra]},
            )
            for row in _rows(name)
            if row["uri"] not in known
        ]
        model.objects.bulk_create(new, batch_size=BATCH)
        counts[f"ESCO {name}"] = len(known) + len(new)
    counts["ESCO Italian labels (curated)"] = load_curated_labels()
    return counts


def load_curated_labels() -> int:
    """Italian labels written by the project for the occupations most common among participants (cook,
    farm worker, home care aide, ...), so that search in Italian works before the official Italian ESCO file
    is loaded. They fill only empty Italian labels, and fix a few derived English labels."""
    with open(DATA / "esco_labels_it_curated.csv", encoding="utf-8", newline="") as handle:
        rows = {row["uri"]: row for row in csv.DictReader(handle)}
    changed = []
    for occupation in Occupation.objects.filter(uri__in=rows):
        row = rows[occupation.uri]
        if not occupation.label_it:
            occupation.label_it = row["label_it"]
        if row["label_en"] and occupation.label_source == LabelSource.DERIVED:
            occupation.label = row["label_en"]
        changed.append(occupation)
    Occupation.objects.bulk_update(changed, ["label_it", "label"], batch_size=BATCH)
    return len(changed)


class LabelFileError(ValueError):
    pass


@transaction.atomic
def load_labels(handle: io.TextIOBase, language: str) -> dict[str, int]:
    """Official labels from an ESCO portal CSV (columns conceptUri, preferredLabel, altLabels), as downloaded
    from https://esco.ec.europa.eu/en/use-esco/download for one language: "it" fills the Italian labels,
    "en" replaces the English ones (and their source becomes official). Unknown URIs are ignored."""
    reader = csv.DictReader(handle)
    missing = {"conceptUri", "preferredLabel"} - set(reader.fieldnames or [])
    if missing:
        raise LabelFileError(f"missing columns: {', '.join(sorted(missing))}")
    updated = {"occupations": 0, "skills": 0}
    occupations = {o.uri: o for o in Occupation.objects.only("id", "uri")}
    skills = {s.uri: s for s in Skill.objects.only("id", "uri")}
    changed_occ, changed_skill = [], []
    for row in reader:
        uri, label = row["conceptUri"].strip(), row["preferredLabel"].strip()[:300]
        target = occupations.get(uri) or skills.get(uri)
        if target is None or not label:
            continue
        if language == "it":
            target.label_it = label
        else:
            target.label, target.label_source = label, LabelSource.OFFICIAL
            if row.get("altLabels"):
                target.alt_labels = " ".join(row["altLabels"].split())
        (changed_occ if isinstance(target, Occupation) else changed_skill).append(target)
    fields = ["label_it"] if language == "it" else ["label", "label_source", "alt_labels"]
    Occupation.objects.bulk_update(changed_occ, fields, batch_size=BATCH)
    Skill.objects.bulk_update(changed_skill, fields, batch_size=BATCH)
    updated["occupations"], updated["skills"] = len(changed_occ), len(changed_skill)
    return updated
