"""Information pages (schede informative), content languages and the needs taxonomy on the editorial desk.

Information pages and content languages are for editors only; the needs list is readable by anyone on the
desk (it leads to the needs' translations). Writes go through `directory.actions`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from directory import actions, desk
from directory.forms import ArticleFilterForm, ArticleForm, ContentLanguageForm, add_action_errors
from directory.models import Article, ContentLanguage, EditorialState, Revision, RevisionStatus, TaxonomyTerm
from directory.views_desk import PAGE_SIZE, posted, require_edit, require_view

# --- information pages -------------------------------------------------------------------------------------


@login_required
@require_GET
def article_list(request):
    require_edit(request.user)
    form = ArticleFilterForm(request.GET or None)
    qs = Article.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        for word in data["q"].split()[:8]:
            qs = qs.filter(title__icontains=word)
        if data["state"]:
            qs = qs.filter(state=data["state"])
        if data["stale"] == "due":
            qs = qs.stale()
        elif data["stale"] == "hidden":
            qs = qs.hidden_as_stale()
        if data["outdated"]:
            qs = qs.filter(desk.outdated_q(Article))
    qs = qs.select_related("province", "municipality").annotate(
        service_count=Count("services", distinct=True)
    )
    page = Paginator(qs.order_by("title", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    flag_before, _hide = Article.verification_cutoffs()
    for article in page.object_list:
        article.is_due = article.state == EditorialState.PUBLISHED and (
            article.last_verified_at is None or article.last_verified_at < flag_before
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/desk/article_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_form(request, pk=None):
    require_edit(request.user)
    article = get_object_or_404(Article, pk=pk) if pk else None
    # The form works on its own copy; the action compares with the stored record.
    instance = Article.objects.get(pk=article.pk) if article else Article()
    form = ArticleForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if article is None:
                article = actions.create_record(
                    Article, form.changes(), acting_user=request.user, m2m=form.m2m(), note=data["note"]
                )
                messages.success(request, _("Information page created as a draft."))
            else:
                version = article.version
                article = actions.update_record(
                    article,
                    form.changes(),
                    acting_user=request.user,
                    minor_edit=data["minor_edit"],
                    note=data["note"],
                    m2m=form.m2m(),
                )
                if article.version == version:
                    messages.info(request, _("Nothing changed."))
                else:
                    messages.success(request, _("Saved: version %(number)s.") % {"number": article.version})
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("directory:article_detail", article.pk)
    return render(
        request,
        "directory/desk/article_form.html",
        {"form": form, "article": article, "creating": article is None},
    )


@login_required
@require_GET
def article_detail(request, pk):
    require_edit(request.user)
    article = get_object_or_404(
        Article.objects.select_related("province", "municipality", "last_verified_by").prefetch_related(
            "translations", "needs", "services"
        ),
        pk=pk,
    )
    languages = desk.content_languages()
    context = {
        "article": article,
        "next_states": desk.allowed_states(article, request.user),
        "translation_status": actions.translation_status(article, languages),
        "recent": list(
            Revision.objects.for_object(article)
            .filter(status=RevisionStatus.APPLIED)
            .select_related("author")
            .order_by("-number", "-created_at")[:5]
        ),
        "states": EditorialState,
    }
    return render(request, "directory/desk/article_detail.html", context)


# --- content languages -------------------------------------------------------------------------------------


@login_required
@require_GET
def language_list(request):
    require_edit(request.user)
    return render(
        request,
        "directory/desk/language_list.html",
        {"languages": ContentLanguage.objects.order_by("position", "code")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def language_form(request, pk=None):
    require_edit(request.user)
    language = get_object_or_404(ContentLanguage, pk=pk) if pk else None
    instance = ContentLanguage.objects.get(pk=pk) if pk else ContentLanguage()
    form = ContentLanguageForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            language = actions.save_content_language(
                language or ContentLanguage(), form.values(), acting_user=request.user
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                _("Language saved. The public search is being rebuilt in the background for %(name)s.")
                % {"name": language.name_local},
            )
            return redirect("directory:language_list")
    return render(
        request,
        "directory/desk/language_form.html",
        {"form": form, "language": language, "creating": language is None},
    )


# --- needs -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def need_list(request):
    """The needs the portal offers, with their translation status (names and descriptions)."""
    require_view(request.user)
    languages = desk.content_languages()
    needs = list(
        TaxonomyTerm.objects.filter(is_need=True)
        .annotate(service_count=Count("services", distinct=True))
        .prefetch_related("translations")
        .order_by("position", "name")
    )
    outdated = set(
        TaxonomyTerm.objects.filter(is_need=True)
        .filter(desk.outdated_q(TaxonomyTerm))
        .values_list("pk", flat=True)
    )
    for need in needs:
        statuses = actions.translation_status(need, languages)
        need.complete = sum(1 for s in statuses if s["translated"] == s["fields"] and not s["outdated"])
        need.has_outdated = need.pk in outdated
    return render(
        request,
        "directory/desk/need_list.html",
        {
            "needs": needs,
            "language_count": len(languages),
            "is_editor": actions.can_edit_directly(request.user),
        },
    )
