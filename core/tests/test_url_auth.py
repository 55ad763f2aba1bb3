"""Walk the whole URLconf: nothing answers an anonymous visitor except the short public allowlist.

After 18F/tock's test_url_auth: every route is built with dummy arguments and fetched without a session.
A new view that forgets its login check fails here until it is protected or consciously made public.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern

# URL names an anonymous visitor may open. Keep it short: each entry is a public page by design.
PUBLIC_URL_NAMES = frozenset(
    {
        "landing",  # the public landing page
        "account_login",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",  # shows "invalid link" for a bad key
        "account_reset_password_from_key_done",
        # allauth's information pages: "sign-up is closed", "account inactive", "check your e-mail",
        # "this confirmation link is invalid". They show no data (see the sign-up test below).
        "account_signup",
        "account_inactive",
        "account_email_verification_sent",
        "account_confirm_email",
        "set_language",
        "javascript-catalog",
        # The API's documentation and schema describe the shape of the API, never its data; every data
        # endpoint still needs a token or a session (checked below).
        "openapi-view",
        "openapi-json",
        # Activities: the certificate check (initials only, rate-limited) and the feedback questionnaire
        # reached through a personal link (unknown tokens answer 404).
        "certificate_verify_form",
        "certificate_verify",
        "feedback_answer",
        "feedback_thanks",
    }
)
# Static files are served by WhiteNoise outside the URLconf; they are public by nature.
PUBLIC_PREFIXES = ("/static/",)

CONVERTER_SAMPLES = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": str(uuid.UUID(int=1))}
_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def _fill_route(route: str) -> str:
    return _ROUTE_PARAM.sub(lambda m: CONVERTER_SAMPLES.get(m.group("converter") or "str", "x"), route)


def _fill_regex(regex: str) -> str:
    return _REGEX_GROUP.sub("1", regex).replace("^", "").replace("$", "").replace("\\", "")


def walk(patterns=None, prefix: str = ""):
    """(url, name) for every route of the URLconf, arguments filled with dummy values."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        part = str(pattern.pattern)
        filled = _fill_regex(part) if isinstance(pattern.pattern, RegexPattern) else _fill_route(part)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + filled)
        elif isinstance(pattern, URLPattern):
            yield "/" + prefix + filled, pattern.name


ALL_URLS = sorted(set(walk()))
API_PREFIX = "/api/v1/"
API_PUBLIC = {"/api/v1/openapi.json", "/api/v1/docs"}


def test_the_walk_finds_the_workspace_and_the_api():
    urls = {url for url, _name in ALL_URLS}
    assert "/area-riservata/partecipanti/1/" in urls
    assert "/api/v1/participants/1" in urls
    assert "/accounts/login/" in urls


@pytest.mark.parametrize(("url", "name"), ALL_URLS, ids=[f"{name}:{url}" for url, name in ALL_URLS])
def test_no_url_answers_anonymous_visitors_unless_public(client, db, url, name):
    # Given no session, when the URL is fetched
    response = client.get(url)
    # Then only public pages answer 200
    if name in PUBLIC_URL_NAMES or url.startswith(PUBLIC_PREFIXES):
        return
    assert response.status_code != 200, (
        f"{url} ({name}) answers anonymous visitors; protect it or allowlist it"
    )


@pytest.mark.parametrize("url", [url for url, _name in ALL_URLS if url.startswith("/area-riservata/")])
def test_every_workspace_url_sends_anonymous_visitors_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302, url
    assert response["Location"].startswith(reverse("account_login") + "?next=")


API_DATA_URLS = sorted(
    {url for url, _name in ALL_URLS if url.startswith(API_PREFIX) and url not in API_PUBLIC}
)


@pytest.mark.parametrize("url", [u for u in API_DATA_URLS if u != API_PREFIX])
@pytest.mark.parametrize("method", ["get", "post", "put"])
def test_every_api_endpoint_answers_401_to_anonymous_callers(client, db, url, method):
    response = getattr(client, method)(url, data={}, content_type="application/json")
    # 405 is fine for a method a path does not offer; anything else must be "authenticate first".
    if response.status_code == 405:
        return
    assert response.status_code == 401, (url, method, response.status_code)


def test_a_wrong_api_token_answers_401(client, db):
    response = client.get("/api/v1/participants/", HTTP_AUTHORIZATION="Bearer iaz_not-a-real-token")
    assert response.status_code == 401


def test_the_openapi_schema_is_public_but_holds_no_records(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/participants/" in schema["paths"]


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/password/reset/", "/jsi18n/"])
def test_public_pages_answer_anonymous_visitors(client, db, path):
    assert client.get(path).status_code == 200


def test_sign_up_is_closed_and_a_posted_sign_up_creates_no_account(client, db):
    from accounts.models import User

    response = client.post(
        "/accounts/signup/",
        {
            "email": "intruder@example.org",
            "password1": "Una-Password-Lunga-2025!",
            "password2": "Una-Password-Lunga-2025!",
        },
    )
    assert response.status_code == 200
    assert b'name="password1"' not in response.content
    assert not User.objects.filter(email="intruder@example.org").exists()
