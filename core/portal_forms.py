"""Protection of the public portal's anonymous forms, without any cookie.

The portal sets no cookie for anonymous visitors, so Django's CSRF protection (which needs the CSRF cookie)
cannot guard its forms. The views that accept anonymous posts are `csrf_exempt` and use `portal_form`
instead, which refuses a post unless:

- it is not cross-site: the browser's `Sec-Fetch-Site` header (when sent) says same-origin or "none", and
  the `Origin` header (when sent) is this site or one of `CSRF_TRUSTED_ORIGINS` — a forged post from another
  site is what CSRF is about, and every current browser sends at least one of the two headers on a post;
- it carries a signed, timestamped form token rendered by `{% portal_form_fields "purpose" %}`, at least
  `MIN_AGE_SECONDS` old (a human needs more than that to fill a form; a bot replaying the page does not) and at
  most `MAX_AGE_SECONDS` (a page left open for longer is reloaded);
- the honeypot field, hidden from people, is empty;
- the client address made fewer than `settings.PORTAL_FORM_RATE_LIMIT` posts in the current hour. The address
  is only hashed (keyed) into the key of a shared-cache counter that expires with the window: it is never
  stored.

A refusal is a short page in the visitor's language with status 400 (or 429 with Retry-After), never a 500,
and the view is not called, so nothing is saved.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

TOKEN_FIELD = "form_token"  # noqa: S105 (a field name, not a secret)
HONEYPOT_FIELD = "website"  # a name bots like to fill in
MIN_AGE_SECONDS = 2
MAX_AGE_SECONDS = 2 * 60 * 60
RATE_WINDOW_SECONDS = 60 * 60
REFUSED_TEMPLATE = "core/portal_form_refused.html"


class _Signer(signing.TimestampSigner):
    """A TimestampSigner whose clock can be set, so tests (and only tests) can mint an older token."""

    def __init__(self, *args, issued_at: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._issued_at = issued_at

    def timestamp(self):
        if self._issued_at is None:
            return super().timestamp()
        return signing.b62_encode(int(self._issued_at))


def _salt(purpose: str) -> str:
    return f"core.portal_forms:{purpose}"


def make_token(purpose: str, *, issued_at: float | None = None) -> str:
    """A new form token for a form of the given purpose (e.g. "feedback", "event-registration")."""
    return _Signer(salt=_salt(purpose), issued_at=issued_at).sign(secrets.token_urlsafe(8))


def token_problem(token: str, purpose: str, *, now: float | None = None) -> str | None:
    """None when the token is valid for this purpose now, else a short reason (for logs and tests)."""
    if not token or len(token) > 200:
        return "missing"
    signer = signing.TimestampSigner(salt=_salt(purpose))
    try:
        signer.unsign(token, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        return "expired"
    except signing.BadSignature:
        return "bad-signature"
    issued_at = signing.b62_decode(token.rsplit(signer.sep, 2)[1])
    if (now if now is not None else time.time()) - issued_at < MIN_AGE_SECONDS:
        return "too-fast"
    return None


def _own_origins(request) -> set[str]:
    origins = {f"{request.scheme}://{request.get_host()}"}
    origins.update(origin.rstrip("/") for origin in getattr(settings, "CSRF_TRUSTED_ORIGINS", []))
    return origins


def is_cross_site(request) -> bool:
    """True when the browser says the post comes from another site (Sec-Fetch-Site or Origin)."""
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site and fetch_site not in ("same-origin", "none"):
        return True
    origin = request.META.get("HTTP_ORIGIN")
    if origin:
        if origin == "null":
            return True
        parts = urlsplit(origin)
        if f"{parts.scheme}://{parts.netloc}" not in _own_origins(request):
            return True
    return False


def client_address(request) -> str:
    """The caller's address, trusting only the configured reverse proxies (see activities.views_public)."""
    from activities.views_public import client_address as shared_client_address

    return shared_client_address(request)


def over_rate_limit(request, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt of the caller in `scope`; True once they went over `limit` in this window.

    The counter lives in the shared (database) cache and expires with the window.
    """
    window = int(time.time() // window_seconds)
    # A keyed digest, not the address itself, even in the short-lived cache row.
    digest = hmac.new(
        settings.SECRET_KEY.encode(), client_address(request).encode(), hashlib.sha256
    ).hexdigest()
    key = f"portal-form:{scope}:{digest[:32]}:{window}"
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        count = 1
    return count > limit


def refusal(request, reason: str):
    """The friendly page shown instead of processing a refused post."""
    if reason == "rate-limit":
        response = render(
            request,
            REFUSED_TEMPLATE,
            {
                "title": _("Too many attempts"),
                "message": _(
                    "This form was sent too many times from your connection. Please try again in an hour."
                ),
            },
            status=429,
        )
        response["Retry-After"] = str(RATE_WINDOW_SECONDS)
        return response
    if reason in ("too-fast",):
        message = _("The form was sent too quickly. Please go back, check your answers and send it again.")
    elif reason in ("expired", "missing", "bad-signature"):
        message = _(
            "The form has expired or is incomplete. Please go back, reload the page and fill it in again."
        )
    else:
        message = _("The form could not be accepted. Please go back, reload the page and try again.")
    return render(
        request,
        REFUSED_TEMPLATE,
        {"title": _("The form could not be sent"), "message": message},
        status=400,
    )


def check_post(request, purpose: str):
    """None when the anonymous post may be processed, else the refusal response."""
    if is_cross_site(request):
        return refusal(request, "cross-site")
    if over_rate_limit(
        request, purpose, getattr(settings, "PORTAL_FORM_RATE_LIMIT", 10), RATE_WINDOW_SECONDS
    ):
        return refusal(request, "rate-limit")
    if request.POST.get(HONEYPOT_FIELD):
        return refusal(request, "honeypot")
    problem = token_problem(request.POST.get(TOKEN_FIELD, ""), purpose)
    if problem:
        return refusal(request, problem)
    return None


def portal_form(purpose: str):
    """Decorator for a portal view taking anonymous posts: csrf_exempt, and every POST goes through
    `check_post` first. GET requests pass untouched."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                refused = check_post(request, purpose)
                if refused is not None:
                    return refused
            return view(request, *args, **kwargs)

        return csrf_exempt(wrapped)

    return decorator
