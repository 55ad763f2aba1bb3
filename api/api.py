"""The REST API (django-ninja) under /api/v1/: the same scoping as the workspace pages.

Authentication: a personal token (`Authorization: Bearer iaz_...`) or the browser session (with CSRF).
The OpenAPI schema is at /api/v1/openapi.json and the interactive documentation at /api/v1/docs.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from accounts.models import ApiToken
from api.activities import router as activities_router
from api.monitoring import router as monitoring_router
from api.network import governance_router
from api.network import router as network_router
from api.paths_casework import router as casework_router
from api.paths_referrals import router as referrals_router
from api.people import router as people_router
from api.skills import router as skills_router


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        if not token:
            return None
        api_token = ApiToken.authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class TokenHeaderAuth(APIKeyHeader):
    """The same token in an `X-API-Key` header, for clients that cannot set Authorization."""

    param_name = "X-API-Key"

    def authenticate(self, request, key):
        return TokenAuth().authenticate(request, key)


api = NinjaAPI(
    title="InterAzioni API",
    version="1.0.0",
    description=(
        "API of InterAzioni, Regione Campania's FAMI 2021-2027 integration platform. Every endpoint applies "
        "the caller's organisation scope: records out of scope answer 404; writes a role may not make answer 403."
    ),
    auth=[TokenAuth(), TokenHeaderAuth(), django_auth],
    urls_namespace="api-1.0.0",
    docs_url="/docs",
)
api.add_router("/participants", people_router)
api.add_router("/organisations", network_router)
api.add_router("/", casework_router)  # /plans, /services
api.add_router("/", referrals_router)  # /referrals, /mediation
api.add_router("/", activities_router)  # /activities, /sessions, /enrolments
api.add_router("/", governance_router)  # /agreements, /tables, /meetings, /action-items, /network
api.add_router("/", skills_router)  # /skills-profiles, /esco
api.add_router("/", monitoring_router)  # /indicators, /indicators/values


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(
        request, {"detail": "You do not have permission to perform this action."}, status=403
    )


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return api.create_response(
        request, {"detail": exc.message_dict if hasattr(exc, "error_dict") else exc.messages}, status=422
    )


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    return api.create_response(request, {"detail": "Authentication required."}, status=401)
