"""Statistical disclosure control for figures shown outside the workspace (decision 0010).

Public pages and the aggregate exports of monitoring officers show *controlled* figures:

- a count of people (or organisations, records) from 1 to 4 is shown as "<5";
- every other count is rounded to the nearest multiple of 5 (5, 6 and 7 show as 5; 8 to 12 as 10), totals
  included, each figure on its own;
- hours, shares and medians resting on fewer than 5 people or records are not shown; otherwise hours are
  rounded to the nearest 5 and shares to whole percent.

Suppression alone leaks: a total minus the visible cells gives back the hidden one, and two overlapping
periods or places give back the difference. With every published count rounded to a multiple of 5, any such
difference is only known to within ±4, which covers every value a "<5" cell can hold, so a suppressed cell
cannot be recovered by differencing, whichever totals are put side by side. A true zero stays 0: it reveals
no one.
"""

from __future__ import annotations

LESS_THAN_5 = "<5"
HIDDEN = "—"
THRESHOLD = 5
BASE = 5


def round_to_base(value: float, base: int = BASE) -> int:
    """Half up, to the nearest multiple of `base`, never below `base` for a positive count."""
    rounded = int((value + base / 2) // base * base)
    return max(base, rounded)


def controlled_count(value) -> int | str:
    if value is None:
        return HIDDEN
    if value == 0:
        return 0
    if value < THRESHOLD:
        return LESS_THAN_5
    return round_to_base(value)


def controlled(value, contributors: int, unit: str) -> int | float | str:
    """The figure as it may be shown outside the workspace."""
    if unit in ("people", "organisations", "records"):
        # Counts of people may also be sums (people reached by events): the figure itself is checked.
        return controlled_count(value)
    if value is None or contributors < THRESHOLD:
        return HIDDEN
    if unit == "hours":
        return round_to_base(value)
    if unit == "percent":
        return round(value)
    return round(value)


def is_suppressed(shown) -> bool:
    return shown in (LESS_THAN_5, HIDDEN)
