"""Downloads of a skills profile (under /area-riservata/competenze/): the bilingual PDF, the Europass XML and
the "take your data with you" JSON.

Each takes the profile through `get_for_user` (out of scope: 404), needs `skills.view` (403 otherwise),
records the read in the participant's access log, and is never cached. Constraints go into the PDF and the
JSON only with `?sensibili=1` and only for users who may see them (`skills.exports` decides); the access log
keeps the path with its query string, `sensibili=1` included only when the download carried them."""

from __future__ import annotations

import copy

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from core.scoping import VIEW, get_for_user, require_permission
from people.actions import log_participant_access
from skills import exports


def _profile_for(request, participant_pk: int, *, may_carry_constraints: bool = True):
    require_permission(request.user, "skills.view")
    profile = get_for_user(exports.profile_queryset(), request.user, VIEW, participant_id=participant_pk)
    carried = may_carry_constraints and exports.includes_constraints(
        request.user, requested=_wants_sensitive(request)
    )
    log_participant_access(
        profile.participant, acting_user=request.user, request=_as_logged(request, carried)
    )
    return profile


def _as_logged(request, constraints_included: bool):
    """The request as the access log records it: the path with the query string (the language of the PDF,
    and `sensibili=1` only when the download carried the constraints)."""
    query = request.GET.copy()
    if not constraints_included:
        query.pop("sensibili", None)
    logged = copy.copy(request)
    logged.path = f"{request.path}?{query.urlencode()}" if query else request.path
    return logged


def _wants_sensitive(request) -> bool:
    return request.GET.get("sensibili") == "1"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def profile_pdf(request, participant_pk):
    """The profile in Italian and in the participant's language (`?lingua=` one of the interface's)."""
    profile = _profile_for(request, participant_pk)
    second = exports.second_language(profile, request.GET.get("lingua"))
    content = exports.profile_pdf(profile, request.user, sensitive=_wants_sensitive(request), second=second)
    return _attachment(content, "application/pdf", exports.filename(profile, "pdf"))


@login_required
@require_GET
def profile_europass_xml(request, participant_pk):
    """The Europass-compatible XML (never with constraints), to import in the Europass editor."""
    profile = _profile_for(request, participant_pk, may_carry_constraints=False)
    content = exports.europass_xml(profile)
    return _attachment(content, "application/xml; charset=utf-8", exports.filename(profile, "xml"))


@login_required
@require_GET
def profile_json(request, participant_pk):
    """The whole profile as JSON (format `interazioni-skills-profile`, version 1)."""
    profile = _profile_for(request, participant_pk)
    content = exports.profile_json(profile, request.user, sensitive=_wants_sensitive(request))
    return _attachment(content, "application/json; charset=utf-8", exports.filename(profile, "json"))
