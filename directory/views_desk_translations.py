"""The translation screen of any translatable directory record: per language, per field, the Italian, the
translation and its provenance (human or machine, by whom, from which revision of the Italian, verified
when and by whom). Anyone on the desk reads it; editors save (`actions.save_translation`) and verify
(`actions.verify_translation`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from directory import actions, desk
from directory.forms import TranslationFieldForm, TranslationLanguageForm, add_action_errors
from directory.models import (
    Accessibility,
    Article,
    DirectoryOrganization,
    Location,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    Translation,
    TranslationMethod,
)
from directory.views_desk import require_edit, require_view


def translations_url(obj, language: str | None = None) -> str:
    url = reverse("directory:translations", args=[obj._meta.model_name, obj.pk])
    return f"{url}?{urlencode({'lang': language})}" if language else url


def record_url(obj) -> str:
    """Where a record is edited on the desk (the translation screen's way back)."""
    if isinstance(obj, Article):
        return reverse("directory:article_detail", args=[obj.pk])
    if isinstance(obj, TaxonomyTerm):
        return reverse("directory:need_list")
    if isinstance(obj, DirectoryOrganization):
        return reverse("directory:service_list") + f"?{urlencode({'organization': obj.pk})}"
    if isinstance(obj, Service):
        return reverse("directory:service_detail", args=[obj.pk])
    if isinstance(obj, Accessibility):
        obj = obj.location
    service_id = getattr(obj, "service_id", None)
    if isinstance(obj, Location):
        service_id = (
            ServiceAtLocation.objects.filter(location=obj).values_list("service_id", flat=True).first()
        )
    if service_id:
        return reverse("directory:service_detail", args=[service_id])
    return reverse("directory:service_list")


def _get_record(model_name: str, pk):
    model = desk.translatable_models().get(model_name)
    if model is None:
        raise Http404
    translations = Prefetch(
        "translations", queryset=Translation.objects.select_related("verified_by", "translated_by")
    )
    return get_object_or_404(model.objects.prefetch_related(translations), pk=pk)


def _field_rows(obj, language, history, data=None) -> list[dict]:
    rows = []
    for name in obj.TRANSLATABLE_FIELDS:
        italian = getattr(obj, name) or ""
        translation = obj.translation_of(name, language.code)
        outdated = translation is not None and actions.is_outdated(translation, obj)
        initial = {"method": TranslationMethod.HUMAN}
        if translation is not None:
            initial = {
                "text": translation.text,
                "method": translation.method,
                "translator_name": translation.translator_name,
                "verified": translation.is_verified and not outdated,
            }
        rows.append(
            {
                "name": name,
                "label": desk.field_label(type(obj), name),
                "italian": italian,
                "multiline": "\n" in italian or len(italian) > 90,
                "translation": translation,
                "translated_by": translation.translator_name
                or (translation.translated_by.get_full_name() if translation.translated_by else "")
                if translation is not None
                else "",
                "outdated": outdated,
                "current_revision": obj.text_revision(name),
                "old_italian": history.get(name, {}).get(translation.source_revision) if outdated else None,
                "form": TranslationFieldForm(data, prefix=name, initial=initial) if italian else None,
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def translations(request, model, pk):
    user = request.user
    require_view(user)
    obj = _get_record(model, pk)
    languages = desk.content_languages()
    if not languages:
        messages.info(request, _("There is no active language to translate into."))
        return redirect(record_url(obj))
    is_editor = actions.can_edit_directly(user)
    by_code = {language.code: language for language in languages}
    requested = request.POST.get("language") if request.method == "POST" else request.GET.get("lang")
    language = by_code.get(requested or "")
    if language is None and requested and request.method == "GET":
        messages.warning(request, _("Unknown or inactive language: showing the first one of the list."))
    language = language or languages[0]
    history = desk.italian_history(obj)
    language_form = TranslationLanguageForm(
        request.POST if request.method == "POST" else None,
        languages=languages,
        initial={"language": language.code},
    )
    rows = _field_rows(obj, language, history, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        require_edit(user)
        forms = [row["form"] for row in rows if row["form"] is not None]
        if language_form.is_valid() and all(form.is_valid() for form in forms):
            changed = [row for row in rows if row["form"] is not None and row["form"].has_changed()]
            try:
                with transaction.atomic():
                    for row in changed:
                        data = row["form"].cleaned_data
                        actions.save_translation(
                            obj,
                            row["name"],
                            language.code,
                            data["text"],
                            acting_user=user,
                            method=data["method"],
                            translator_name=data["translator_name"],
                            verified=data["verified"],
                        )
            except ValidationError as error:
                add_action_errors(language_form, error)
            else:
                if changed:
                    messages.success(
                        request,
                        _("Translations saved (%(language)s).") % {"language": language.name_local},
                    )
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect(translations_url(obj, language.code))
    tabs = []
    for status in actions.translation_status(obj, languages):
        lang = status["language"]
        tabs.append(
            {
                "language": lang,
                "status": status,
                "url": translations_url(obj, lang.code),
                "current": lang.code == language.code,
                "missing": status["fields"] - status["translated"],
            }
        )
    context = {
        "obj": obj,
        "verbose_name": obj._meta.verbose_name,
        "language": language,
        "language_form": language_form,
        "rows": rows,
        "tabs": tabs,
        "is_editor": is_editor,
        "back_url": record_url(obj),
        "empty_labels": [row["label"] for row in rows if not row["italian"]],
        "has_history": bool(history) or hasattr(obj, "version"),
    }
    return render(request, "directory/desk/translations.html", context)


@login_required
@require_POST
def translation_verify(request, pk):
    """A person checked one translation against the current Italian: verified and up to date again."""
    require_view(request.user)
    require_edit(request.user)
    translation = get_object_or_404(Translation.objects.select_related("content_type"), pk=pk)
    model = translation.content_type.model_class()
    if model not in desk.translatable_models().values() or translation.content_type.app_label != "directory":
        raise Http404
    obj = get_object_or_404(model, pk=translation.object_id)
    actions.verify_translation(translation, acting_user=request.user)
    messages.success(
        request,
        _("“%(field)s” marked verified.") % {"field": desk.field_label(model, translation.field)},
    )
    return redirect(translations_url(obj, translation.language))
