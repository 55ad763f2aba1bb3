from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from api.api import api

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
    path(WORKSPACE + "account/", include("accounts.urls")),
    path("api/v1/", api.urls),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
