"""Public summary of the feedback visitors gave on a service.

`feedback_summary(service)` counts the *approved* answers only, and hides every count under
`MIN_COUNT` (5): such a count comes back as None, to be shown as "fewer than 5", so that nobody can tell
what one or two identifiable visitors answered. Zero counts are hidden the same way (a 0 next to a 3 would
reveal the 3 when the total is known). The total itself follows the same rule.

    {
        "total": 12,                       # approved opinions, or None when fewer than 5
        "useful": {"yes": 9, "partly": None, "no": None},
        "could_access": {"yes": 7, "partly": None, "no": 5},
        "wait_time": {"none": 6, "days": None, "weeks": None, "months": None, "unknown": None},
        "questions": [                     # the same, ready for a template, labels in the active language
            {"field": "useful", "question": "Was it useful?",
             "answers": [{"value": "yes", "label": "Yes", "count": 9}, ...]},
            ...
        ],
    }

One query per call.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from directory.models import Answer, ServiceFeedback, WaitTime

MIN_COUNT = 5

QUESTIONS = (
    ("useful", _("Was it useful?"), Answer),
    ("could_access", _("Could you access the service?"), Answer),
    ("wait_time", _("How long did you wait?"), WaitTime),
)


def _shown(count: int) -> int | None:
    return count if count >= MIN_COUNT else None


def feedback_summary(service) -> dict:
    aggregates = {"total": Count("pk")}
    for field, _question, choices in QUESTIONS:
        for value in choices.values:
            aggregates[f"{field}__{value}"] = Count("pk", filter=Q(**{field: value}))
    row = ServiceFeedback.objects.approved().filter(service=service).aggregate(**aggregates)
    summary: dict = {"total": _shown(row["total"]), "questions": []}
    for field, question, choices in QUESTIONS:
        counts = {value: _shown(row[f"{field}__{value}"]) for value in choices.values}
        summary[field] = counts
        summary["questions"].append(
            {
                "field": field,
                "question": question,
                "answers": [
                    {"value": value, "label": label, "count": counts[value]}
                    for value, label in choices.choices
                ],
            }
        )
    return summary
