"""Deployment settings, the SQLite set-up, and the language and accessibility basics of every page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection
from django.urls import reverse

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION_SECRET = "k3Y-" + "Zq9xW2vR7tL4mN8pB1cF6hJ0sD5gA3eU" * 2


def _run(code_or_args: list[str], **env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"INTERAZIONI_TESTING", "SECRET_KEY", "DEBUG"}}
    env.update({"DJANGO_SETTINGS_MODULE": "interazioni.settings", "PYTHONDONTWRITEBYTECODE": "1"})
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(  # noqa: S603
        [sys.executable, *code_or_args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- Production settings --------------------------------------------------------------------------


def test_check_deploy_reports_no_issues_with_production_settings():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_ENV="production",
        SECRET_KEY=PRODUCTION_SECRET,
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="interazioni.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _run(
        ["-c", "from django.conf import settings; settings.SECRET_KEY"],
        DJANGO_ENV="production",
        SECRET_KEY=None,
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = _run(
        ["-c", "from django.conf import settings; settings.SECRET_KEY"],
        DJANGO_ENV="production",
        SECRET_KEY="short",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_refuses_to_start_without_field_encryption_keys():
    result = _run(
        ["-c", "from django.conf import settings; settings.SECRET_KEY"],
        DJANGO_ENV="production",
        SECRET_KEY=PRODUCTION_SECRET,
        FIELD_ENCRYPTION_KEYS=None,
    )
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must be set" in result.stderr


def test_development_defaults_are_safe_enough_for_cookies_and_frames():
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert settings.SECURE_CONTENT_TYPE_NOSNIFF


# --- SQLite ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sqlite_connections_use_wal_and_wait_for_locks(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip(f"WAL is a SQLite setting; the database here is {connection.vendor}")
    from django.db.backends.sqlite3.base import DatabaseWrapper

    # The test database is in memory, where WAL is impossible; open a file database with the same OPTIONS.
    settings_dict = {**connection.settings_dict, "NAME": str(tmp_path / "wal-check.sqlite3")}
    wrapper = DatabaseWrapper(settings_dict, alias="wal_check")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20000
    finally:
        wrapper.close()


def test_the_configured_sqlite_options_ask_for_wal():
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("not configured for SQLite")
    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"


# --- Language, direction and accessibility basics -------------------------------------------------


def _html_tag(response) -> str:
    match = re.search(rb"<html[^>]*>", response.content)
    assert match, "no <html> tag"
    return match.group(0).decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_pages_are_italian_and_left_to_right_by_default(client, path):
    tag = _html_tag(client.get(path))
    assert 'lang="it"' in tag
    assert 'dir="ltr"' in tag


WORKSPACE_PAGE = "/accounts/login/"


@pytest.mark.django_db
def test_workspace_pages_are_arabic_and_right_to_left_with_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    tag = _html_tag(client.get(WORKSPACE_PAGE))
    assert 'lang="ar"' in tag
    assert 'dir="rtl"' in tag


@pytest.mark.django_db
def test_workspace_pages_follow_the_browser_accept_language(client):
    tag = _html_tag(client.get(WORKSPACE_PAGE, HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5"))
    assert 'lang="ar"' in tag
    assert 'dir="rtl"' in tag


@pytest.mark.django_db
def test_the_language_switcher_sets_the_workspace_language(client):
    response = client.post(reverse("set_language"), {"language": "ar", "next": WORKSPACE_PAGE})
    assert response.status_code == 302
    tag = _html_tag(client.get(WORKSPACE_PAGE))
    assert 'lang="ar"' in tag and 'dir="rtl"' in tag
    client.post(reverse("set_language"), {"language": "en", "next": WORKSPACE_PAGE})
    tag = _html_tag(client.get(WORKSPACE_PAGE))
    assert 'lang="en"' in tag and 'dir="ltr"' in tag


@pytest.mark.django_db
def test_the_workspace_switcher_offers_only_the_fully_translated_languages(client):
    content = client.get(WORKSPACE_PAGE).content.decode()
    offered = re.findall(r'<option value="([\w-]+)" lang=', content)
    assert offered == list(settings.WORKSPACE_LANGUAGES)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "lang", "direction"),
    [("", "it", "ltr"), ("/ar", "ar", "rtl"), ("/ur", "ur", "rtl"), ("/zh-hans", "zh-hans", "ltr")],
)
def test_portal_language_follows_the_address_not_the_cookie(client, prefix, lang, direction):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    tag = _html_tag(client.get(f"{prefix}/accessibilita/"))
    assert f'lang="{lang}"' in tag and f'dir="{direction}"' in tag


@pytest.mark.django_db
def test_the_language_switcher_refuses_an_external_next_url(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert not response.get("Location", "").startswith("https://evil.example")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [None, "operator_a"])
def test_every_workspace_page_has_a_skip_link_main_landmark_and_language_switcher(request, persona):
    from conftest import client_for

    user = request.getfixturevalue(persona) if persona else None
    path = reverse("people:participant_list") if user else reverse("account_login")
    content = client_for(user).get(path).content.decode()
    assert re.search(r'<a[^>]+href="#main"', content), "skip link to #main"
    assert content.index('href="#main"') < content.index("<header"), "the skip link comes first"
    assert re.search(r'<main[^>]+id="main"', content)
    assert f'action="{reverse("set_language")}"' in content
    assert re.search(r'<select[^>]+name="language"', content)
    assert 'lang="ar"' in content, "each language is named in its own language"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/ar/servizi/", "/ur/informazioni/"])
def test_every_portal_page_has_a_skip_link_main_landmark_and_language_links(client, path):
    content = client.get(path).content.decode()
    assert content.index('href="#main"') < content.index("<header"), "the skip link comes first"
    assert re.search(r'<main[^>]+id="main"', content)
    for code, _name in settings.LANGUAGES:
        assert f'hreflang="{code}"' in content, code
    assert 'lang="ur"' in content and 'lang="zh-hans"' in content, (
        "each language is named in its own language"
    )


@pytest.mark.django_db
def test_the_javascript_catalog_is_served(client):
    response = client.get("/jsi18n/")
    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]
