"""The public portal's reading and searching pages (namespace `portal`): no account, no cookie, no JavaScript.

Every page takes its language from the address (`/ar/servizi/`), shows each text in that language or in
Italian marked as such, and counts its views without any visitor data (`directory.usage`).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import translate_url
from django.utils import timezone
from django.utils.translation import get_language, gettext

from directory import display
from directory.feedback import feedback_summary
from directory.forms_public import ArticleFilterForm, SearchForm, campania_provinces
from directory.models import ITALIAN, Article, ContentLanguage, ServiceLanguage, TaxonomyTerm
from directory.search import PAGE_SIZE, Filters, public_services, translations_in, with_card_data
from directory.search import search as search_services
from directory.usage import count_view

ARTICLES_PER_PAGE = 20
HOME_ARTICLES = 4
RELATED_SERVICES = 12
# The accessibility statement was last reviewed on this day (update it with each review).
ACCESSIBILITY_REVIEWED_ON = datetime.date(2026, 11, 25)
AGID_FEEDBACK_FORM = "https://form.agid.gov.it/"
DEFAULT_ACCESSIBILITY_EMAIL = "accessibilita@interazioni.example.org"
DEFAULT_PRIVACY_EMAIL = "privacy@interazioni.example.org"


# --- shared look-ups ---------------------------------------------------------------------------------------


def _needs(language: str) -> list[TaxonomyTerm]:
    return list(TaxonomyTerm.objects.filter(is_need=True).prefetch_related(translations_in(language)))


def _need_choices(needs, language: str) -> list[tuple[str, str]]:
    return [(term.code, display.localized(term, "name", language).text) for term in needs]


def _spoken_choices(names: dict) -> list[tuple[str, str]]:
    """The languages some service says it speaks: the portal's languages first, then by name."""
    codes = ServiceLanguage.objects.exclude(code="").order_by().values_list("code", flat=True).distinct()
    order = list(names)
    return sorted(
        ((code, display.language_label(code, names)) for code in codes),
        key=lambda choice: (
            order.index(choice[0]) if choice[0] in names else len(order),
            choice[1].casefold(),
        ),
    )


def _canonical_params(filters: Filters) -> dict[str, str]:
    """The search's valid filters as query parameters (invalid values the visitor typed are dropped)."""
    params = {
        "q": filters.query,
        "need": filters.need.code if filters.need else "",
        "province": filters.province.abbreviation if filters.province and not filters.municipality else "",
        "municipality": filters.municipality.name if filters.municipality else "",
        "spoken": filters.language_spoken,
        "open_now": "on" if filters.open_now else "",
        "free": "on" if filters.free_only else "",
        "near": "{},{}".format(*filters.near) if filters.near else "",
    }
    return {key: value for key, value in params.items() if value}


def _search_url(request, params: dict[str, str]) -> str:
    return request.path + ("?" + urlencode(params) if params else "")


def _active_filters(request, filters: Filters, form: SearchForm, language: str) -> list[tuple[str, str]]:
    """(label, address of the same search without that filter) for each filter in use."""
    params = _canonical_params(filters)
    spoken = dict(form.fields["spoken"].choices)
    labels = {
        "q": gettext("Words: %(words)s") % {"words": filters.query},
        "need": display.localized(filters.need, "name", language).text if filters.need else "",
        "municipality": filters.municipality.name if filters.municipality else "",
        "province": gettext("Province of %(name)s") % {"name": filters.province.name}
        if filters.province
        else "",
        "spoken": gettext("Language spoken: %(name)s") % {"name": spoken.get(filters.language_spoken, "")},
        "open_now": gettext("Open now"),
        "free": gettext("Free of charge"),
        "near": gettext("Near you"),
    }
    return [
        (labels[key], _search_url(request, {k: v for k, v in params.items() if k != key})) for key in params
    ]


def _suggestion_links(request, filters: Filters, form: SearchForm) -> list[tuple[str, str]]:
    """(town, address of the same search in that town) for the towns a misspelt name may mean."""
    params = _canonical_params(filters)
    return [(name, _search_url(request, {**params, "municipality": name})) for name in form.suggestions]


def _page_number(value) -> int:
    try:
        return min(max(1, int(value)), 100_000)
    except (TypeError, ValueError):
        return 1


def _language_urls(request, provenance) -> None:
    portal_languages = {code for code, _name in settings.LANGUAGES}
    for row in provenance:
        if row.code in portal_languages:
            row.url = translate_url(request.path, row.code)


def _provenance_context(request, obj, language: str, languages: list[ContentLanguage]) -> dict:
    languages = [lang for lang in languages if lang.is_active]
    rows = display.provenance(obj, display.all_translations(obj), languages)
    _language_urls(request, rows)
    current = next((row for row in rows if row.code == language), None)
    return {
        "provenance": [row for row in rows if row.code != ITALIAN],
        "current_provenance": current if language != ITALIAN else None,
        "italian_url": translate_url(request.path, ITALIAN) if language != ITALIAN else "",
    }


# --- pages -------------------------------------------------------------------------------------------------


def home(request):
    language = get_language()
    needs = _needs(language)
    articles = (
        Article.objects.public()
        .prefetch_related(translations_in(language))
        .order_by("-published_at", "title")[:HOME_ARTICLES]
    )
    form = SearchForm(needs=_need_choices(needs, language))
    count_view(request, "home")
    return render(
        request,
        "directory/portal/home.html",
        {
            "needs": [(term, display.localized(term, "name", language)) for term in needs],
            "articles": [
                (a, display.localized(a, "title", language), display.localized(a, "summary", language))
                for a in articles
            ],
            "form": form,
        },
    )


def search(request):
    language = get_language()
    needs = _needs(language)
    names = display.language_names()
    form = SearchForm(
        request.GET or None,
        needs=_need_choices(needs, language),
        provinces=campania_provinces(),
        spoken=_spoken_choices(names),
    )
    filters = Filters()
    if form.is_bound:
        form.is_valid()  # invalid fields are reported on the page and left out of the search
        data = form.cleaned_data
        by_code = {term.code: term for term in needs}
        filters = Filters(
            query=data.get("q") or "",
            need=by_code.get(data.get("need") or ""),
            municipality=data.get("municipality"),
            province=data.get("province"),
            language_spoken=data.get("spoken") or "",
            free_only=bool(data.get("free")),
            open_now=bool(data.get("open_now")),
            near=data.get("near"),
        )
    now = timezone.now()
    result = search_services(filters, language=language, page=_page_number(request.GET.get("page")), now=now)
    cards = [
        display.ServiceCard(service, language, now, names, result.distances.get(service.pk))
        for service in result.services
    ]
    count_view(request, "search", key=filters.need.code if filters.need else "")
    return render(
        request,
        "directory/portal/search.html",
        {
            "form": form,
            "filters": filters,
            "result": result,
            "cards": cards,
            "need_name": display.localized(filters.need, "name", language) if filters.need else None,
            "active_filters": _active_filters(request, filters, form, language),
            "suggestions": _suggestion_links(request, filters, form),
            "first": (result.page - 1) * PAGE_SIZE + 1 if result.total else 0,
            "last": (result.page - 1) * PAGE_SIZE + len(cards),
        },
    )


def service_detail(request, pk):
    language = get_language()
    service = get_object_or_404(display.service_page_queryset(language), pk=pk)
    languages = display.content_languages()
    names = display.language_names(languages)
    card = display.ServiceCard(service, language, timezone.now(), names, detailed=True)
    articles = [
        (a, display.localized(a, "title", language), display.localized(a, "summary", language))
        for a in service.public_articles
    ]
    count_view(request, "service", key=str(service.pk))
    return render(
        request,
        "directory/portal/service_detail.html",
        {
            "service": service,
            "card": card,
            "articles": articles,
            "needs": [(term, display.localized(term, "name", language)) for term in card.needs],
            "feedback": feedback_summary(service),
            **_provenance_context(request, service, language, languages),
        },
    )


def _article_filters(request, language):
    needs = _needs(language)
    form = ArticleFilterForm(
        request.GET or None, needs=_need_choices(needs, language), provinces=campania_provinces()
    )
    need = province = None
    if form.is_bound:
        form.is_valid()
        need = {term.code: term for term in needs}.get(form.cleaned_data.get("need") or "")
        province = form.cleaned_data.get("province")
    return form, need, province


def article_list(request):
    language = get_language()
    form, need, province = _article_filters(request, language)
    articles = Article.objects.public().select_related("province", "municipality")
    if need is not None:
        articles = articles.filter(needs=need)
    if province is not None:
        # Pages about the whole region apply to every province.
        articles = articles.filter(
            Q(province=province)
            | Q(municipality__province=province)
            | Q(province__isnull=True, municipality__isnull=True)
        )
    articles = articles.prefetch_related(
        translations_in(language),
        Prefetch("needs", queryset=TaxonomyTerm.objects.prefetch_related(translations_in(language))),
    ).order_by("-published_at", "title")
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        (
            a,
            display.localized(a, "title", language),
            display.localized(a, "summary", language),
            [display.localized(term, "name", language) for term in a.needs.all()],
        )
        for a in page.object_list
    ]
    count_view(request, "articles", key=need.code if need else "")
    return render(
        request,
        "directory/portal/article_list.html",
        {"form": form, "page": page, "rows": rows, "need": need, "province": province},
    )


def article_detail(request, slug):
    language = get_language()
    article = get_object_or_404(
        Article.objects.public()
        .select_related("province", "municipality")
        .prefetch_related(
            translations_in(language),
            Prefetch("needs", queryset=TaxonomyTerm.objects.prefetch_related(translations_in(language))),
        ),
        slug=slug,
    )
    now = timezone.now()
    languages = display.content_languages()
    names = display.language_names(languages)
    services = with_card_data(public_services().filter(articles=article), language).order_by("name")
    cards = [display.ServiceCard(s, language, now, names) for s in services[:RELATED_SERVICES]]
    count_view(request, "article", key=article.slug)
    return render(
        request,
        "directory/portal/article_detail.html",
        {
            "article": article,
            "title": display.localized(article, "title", language),
            "summary": display.localized(article, "summary", language),
            "body": display.localized(article, "body", language),
            "needs": [(term, display.localized(term, "name", language)) for term in article.needs.all()],
            "cards": cards,
            **_provenance_context(request, article, language, languages),
        },
    )


def accessibility(request):
    return render(
        request,
        "directory/portal/accessibility.html",
        {
            "contact_email": getattr(settings, "PORTAL_ACCESSIBILITY_EMAIL", DEFAULT_ACCESSIBILITY_EMAIL),
            "reviewed_on": ACCESSIBILITY_REVIEWED_ON,
            "agid_form": AGID_FEEDBACK_FORM,
        },
    )


def privacy(request):
    return render(
        request,
        "directory/portal/privacy.html",
        {"contact_email": getattr(settings, "PORTAL_PRIVACY_EMAIL", DEFAULT_PRIVACY_EMAIL)},
    )
