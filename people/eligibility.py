"""Checks made before a person is registered: codice fiscale, eligibility, likely duplicates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from codicefiscale import codicefiscale
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from territory.models import Country


@dataclass(frozen=True)
class CodiceFiscaleCheck:
    errors: list[str]
    birth_date: datetime.date | None = None
    sex: str | None = None
    birthplace_code: str | None = None


def check_codice_fiscale(
    code: str,
    *,
    birth_date: datetime.date | None = None,
    sex: str | None = None,
    country_of_birth: Country | None = None,
) -> CodiceFiscaleCheck:
    """Validate a codice fiscale and cross-check what it encodes against the registry data.

    Temporary numeric codes (11 digits, given to some newly-arrived people) carry no personal data, so
    only their format is checked.
    """
    code = (code or "").strip().upper()
    if not code:
        return CodiceFiscaleCheck(errors=[])
    if len(code) == 11 and code.isdigit():
        return CodiceFiscaleCheck(
            errors=[] if _luhn_like_ok(code) else [_("The temporary tax code is not valid.")]
        )
    if len(code) != 16 or not codicefiscale.is_valid(code):
        return CodiceFiscaleCheck(
            errors=[_("The codice fiscale is not valid (check letters, digits and control character).")]
        )
    decoded = codicefiscale.decode(code)
    errors = []
    encoded_date = decoded["birthdate"].date()
    encoded_sex = decoded["gender"]
    if birth_date and encoded_date != birth_date:
        errors.append(
            _("The codice fiscale encodes the birth date %(date)s, which differs from the one entered.")
            % {"date": encoded_date.strftime("%d/%m/%Y")}
        )
    if sex in ("F", "M") and encoded_sex != sex:
        errors.append(_("The codice fiscale encodes a different sex from the one entered."))
    place = (decoded.get("birthplace") or {}).get("code", "")
    if country_of_birth is not None and place:
        born_abroad = place.startswith("Z")
        if country_of_birth.iso_alpha2 == "IT" and born_abroad:
            errors.append(_("The codice fiscale says the person was born abroad, but Italy was entered."))
        elif country_of_birth.iso_alpha2 != "IT" and not born_abroad:
            errors.append(_("The codice fiscale says the person was born in Italy."))
        elif born_abroad and country_of_birth.cadastral_code and country_of_birth.cadastral_code != place:
            errors.append(_("The codice fiscale encodes a different country of birth."))
    return CodiceFiscaleCheck(errors=errors, birth_date=encoded_date, sex=encoded_sex, birthplace_code=place)


def _luhn_like_ok(code: str) -> bool:
    """Control digit of an 11-digit Italian tax number (partita IVA / temporary codice fiscale)."""
    digits = [int(c) for c in code]
    total = 0
    for index, digit in enumerate(digits[:10]):
        if index % 2 == 0:
            total += digit
        else:
            doubled = digit * 2
            total += doubled - 9 if doubled > 9 else doubled
    return (10 - total % 10) % 10 == digits[10]


def eligibility_errors(citizenships: list[Country], *, is_stateless: bool = False) -> list[str]:
    """A participant must be a third-country national: not Italian and not a citizen of another EU state."""
    if not citizenships and not is_stateless:
        return [_("Enter at least one citizenship, or mark the person as stateless.")]
    blocking = [c for c in citizenships if c.is_eu]
    if blocking:
        names = ", ".join(str(c) for c in blocking)
        return [
            _(
                "%(countries)s: citizens of Italy and of other EU countries are not third-country nationals and "
                "cannot be registered as participants of the FAMI plan."
            )
            % {"countries": names}
        ]
    return []


def date_errors(birth_date: datetime.date | None, arrival_date: datetime.date | None) -> dict[str, list[str]]:
    """Dates that cannot be right, by field: in the future, over 110 years ago, arrival before birth."""
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if birth_date and birth_date > today:
        errors.setdefault("birth_date", []).append(_("The birth date cannot be in the future."))
    if birth_date and birth_date.year < today.year - 110:
        errors.setdefault("birth_date", []).append(_("Check the birth date: the person would be over 110."))
    if birth_date and arrival_date and arrival_date < birth_date:
        errors.setdefault("arrival_date", []).append(_("The arrival date is before the birth date."))
    if arrival_date and arrival_date > today:
        errors.setdefault("arrival_date", []).append(_("The arrival date cannot be in the future."))
    return errors


def likely_duplicates(
    queryset,
    *,
    first_name: str,
    last_name: str,
    birth_date: datetime.date | None,
    citizenships: list[Country],
    codice_fiscale: str = "",
    exclude_pk: int | None = None,
):
    """Participants that look like the same person: same codice fiscale, or same names, birth date and
    one citizenship in common. `queryset` must already be scoped to what the user may see."""
    q = Q(pk__in=[])
    code = (codice_fiscale or "").strip().upper()
    if code:
        q |= Q(codice_fiscale=code)
    if first_name and last_name and birth_date and citizenships:
        q |= Q(
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
            birth_date=birth_date,
            citizenships__in=citizenships,
        )
    qs = queryset.filter(q)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.distinct().select_related("owner")
