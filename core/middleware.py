"""Language selection: the public portal takes it from the URL, the workspace from the user's choice.

The portal's pages are `i18n_patterns` (Italian unprefixed, `/en/…`, `/ar/…`), so an anonymous visitor needs
no cookie to keep a language. Django's own middleware, once `i18n_patterns` are in use without a prefix for
the default language, would force Italian on every unprefixed path, the workspace included; here the
workspace, the API and the other non-portal areas keep the cookie / Accept-Language choice they had.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation

# Paths that are not portal pages: their language follows the user's choice (cookie, then browser).
NON_PORTAL_PREFIXES = (
    "/area-riservata/",
    "/accounts/",
    "/api/",
    "/i18n/",
    "/jsi18n/",
    "/admin/",
    "/verifica/",
    "/questionario/",
    "/" + settings.STATIC_URL.lstrip("/"),
)


def is_portal_path(path: str) -> bool:
    return not path.startswith(NON_PORTAL_PREFIXES)


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_request(self, request):
        if is_portal_path(request.path_info):
            return super().process_request(request)
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None
