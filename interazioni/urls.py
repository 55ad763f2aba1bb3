from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from api.api import api
from directory.api_hsds import hsds_api

WORKSPACE = "area-riservata/"

urlpatterns = [
    path("", include("core.urls")),
    path("", include("activities.public_urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path(WORKSPACE + "partecipanti/", include("people.urls")),
    path(WORKSPACE + "organizzazioni/", include("network.urls")),
    path(WORKSPACE + "rete/", include("network.urls_analytics")),
    path(WORKSPACE + "territorio/", include("territory.urls")),
    path(WORKSPACE + "percorsi/", include("paths.urls")),
    path(WORKSPACE + "attivita/", include("activities.urls")),
    path(WORKSPACE + "attivita/", include("activities.urls_documents")),
    path(WORKSPACE + "competenze/", include("skills.urls")),
    path(WORKSPACE + "competenze/", include("skills.urls_documents")),
    path(WORKSPACE + "elenco-servizi/", include("directory.urls")),
    path(WORKSPACE + "elenco-servizi/", include("directory.urls_moderation")),
    path(WORKSPACE + "monitoraggio/", include("monitoring.urls")),
    path(WORKSPACE + "account/", include("accounts.urls")),
    path("api/v1/", api.urls),
    path("api/hsds/", hsds_api.urls),
]

# The public portal: Italian without a prefix, every other language under its own (/en/, /ar/, …), so the
# language lives in the address and an anonymous visitor needs no cookie.
urlpatterns += i18n_patterns(
    path("", include("directory.urls_portal")),
    path("eventi/", include("activities.urls_portal")),
    path("associazioni/", include("network.urls_portal")),
    path("risultati/", include("monitoring.urls_public")),
    prefix_default_language=False,
)

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
