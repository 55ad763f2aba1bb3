"""The open-data page of the portal (`/dati-aperti/`) and the full HSDS 3.0 export as a download."""

from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from directory.hsds.export import export_chunks, public_organizations
from directory.models import ITALIAN, ContentLanguage
from directory.search import public_services

# The licence of the directory's data. Italian public bodies publish open by default (CAD art. 52); AgID's
# guidelines recommend CC BY 4.0. A deployment may set DIRECTORY_OPEN_DATA_LICENSE = (name, url).
DEFAULT_LICENSE = ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/deed.it")
DOWNLOAD_MAX_AGE = 3600


def _export_language() -> str:
    language = translation.get_language() or ITALIAN
    active = set(ContentLanguage.objects.filter(is_active=True).values_list("code", flat=True))
    return language if language in active else ITALIAN


@require_safe
def open_data(request):
    languages = ContentLanguage.objects.filter(is_active=True)
    downloads = []
    for language in languages:
        with translation.override(language.code):
            downloads.append((language, reverse("portal:hsds_download")))
    license_name, license_url = getattr(settings, "DIRECTORY_OPEN_DATA_LICENSE", DEFAULT_LICENSE)
    return render(
        request,
        "directory/opendata/open_data.html",
        {
            "api_url": request.build_absolute_uri(reverse("hsds:api_meta")),
            "api_docs_url": request.build_absolute_uri(reverse("hsds:openapi-view")),
            "openapi_url": request.build_absolute_uri(reverse("hsds:openapi-json")),
            "services_url": request.build_absolute_uri(reverse("hsds:list_services")),
            "downloads": downloads,
            "service_count": public_services().count(),
            "organization_count": public_organizations().count(),
            "license_name": license_name,
            "license_url": license_url,
        },
    )


@require_safe
def hsds_download(request):
    """The whole public directory as one HSDS 3.0 document, streamed, in the language of the address."""
    language = _export_language()
    response = StreamingHttpResponse(export_chunks(language), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="interazioni-hsds-3.0-{language}.json"'
    response["Cache-Control"] = f"public, max-age={DOWNLOAD_MAX_AGE}"
    response["Content-Language"] = language
    return response
