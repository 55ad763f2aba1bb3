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

# URL names (with their namespace, "portal:search") an anonymous visitor may open. Keep it short: each entry
# is a public page by design.
PUBLIC_URL_NAMES = frozenset(
    {
        # The public portal (issue 7): reading and searching the directory, information pages, statements,
        # anonymous feedback on a service, open data.
        "portal:home",
        "portal:search",
        "portal:service_detail",
        "portal:service_feedback",
        "portal:article_list",
        "portal:article_detail",
        "portal:accessibility",
        "portal:privacy",
        "portal:open_data",
        "portal:hsds_download",
        # The plan's results in figures (issue 8): controlled aggregates only.
        "results:index",
        # Public events: calendar, registration without an account, a registration reached by its code.
        "events:list",
        "events:detail",
        "events:register",
        "events:registration",
        "events:cancel",
        # Approved migrant associations that asked to be listed.
        "associations:list",
        "associations:detail",
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
        "api-1.0.0:openapi-view",
        "api-1.0.0:openapi-json",
        # Activities: the certificate check (initials only, rate-limited) and the feedback questionnaire
        # reached through a personal link (unknown tokens answer 404).
        "certificate_verify_form",
        "certificate_verify",
        "feedback_answer",
        "feedback_thanks",
    }
)
# Whole namespaces that are public by design: the HSDS 3.0 API publishes the service directory as open data
# (only public records; it has no write endpoint).
PUBLIC_NAMESPACES = ("hsds",)
# Static files are served by WhiteNoise outside the URLconf; they are public by nature.
PUBLIC_PREFIXES = ("/static/",)

CONVERTER_SAMPLES = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": str(uuid.UUID(int=1))}
_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def _fill_route(route: str) -> str:
    return _ROUTE_PARAM.sub(lambda m: CONVERTER_SAMPLES.get(m.group("converter") or "str", "x"), route)


def _fill_regex(regex: str) -> str:
    return _REGEX_GROUP.sub("1", regex).replace("^", "").replace("$", "").replace("\\", "")


def walk(patterns=None, prefix: str = "", namespace: str = ""):
    """(url, namespaced name) for every route of the URLconf, arguments filled with dummy values.

    Names carry their namespace ("portal:home", "core:home"), so allowing one app's page never allows
    another app's page of the same name."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        part = str(pattern.pattern)
        filled = _fill_regex(part) if isinstance(pattern.pattern, RegexPattern) else _fill_route(part)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + filled, inner)
        elif isinstance(pattern, URLPattern):
            yield "/" + prefix + filled, f"{namespace}{pattern.name}" if pattern.name else None


def is_public(name: str | None, url: str) -> bool:
    if url.startswith(PUBLIC_PREFIXES):
        return True
    if name is None:
        return False
    return name in PUBLIC_URL_NAMES or name.split(":", 1)[0] in PUBLIC_NAMESPACES


ALL_URLS = sorted(set(walk()))
API_PREFIX = "/api/v1/"
API_PUBLIC = {"/api/v1/openapi.json", "/api/v1/docs"}


def test_the_walk_finds_the_workspace_the_api_and_the_portal():
    urls = {url for url, _name in ALL_URLS}
    assert "/area-riservata/partecipanti/1/" in urls
    assert "/api/v1/participants/1" in urls
    assert "/accounts/login/" in urls
    names = {name for _url, name in ALL_URLS}
    assert {"portal:home", "portal:search", "core:home", "events:list"} <= names


def test_allowing_a_portal_page_does_not_allow_a_workspace_page_of_the_same_name():
    assert is_public("portal:home", "/")
    assert not is_public("core:home", "/area-riservata/")
    assert is_public("hsds:services", "/api/hsds/services")
    assert not is_public("api-1.0.0:participants", "/api/v1/participants/")


@pytest.mark.parametrize(("url", "name"), ALL_URLS, ids=[f"{name}:{url}" for url, name in ALL_URLS])
def test_no_url_answers_anonymous_visitors_unless_public(client, db, url, name):
    # Given no session, when the URL is fetched
    response = client.get(url)
    # Then only public pages answer 200
    if is_public(name, url):
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


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/ar/",
        "/servizi/",
        "/informazioni/",
        "/accessibilita/",
        "/privacy/",
        "/accounts/login/",
        "/accounts/password/reset/",
        "/jsi18n/",
    ],
)
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
