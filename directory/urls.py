"""The editorial desk of the directory in the workspace (namespace `directory`)."""

from django.urls import path

from directory import views_desk, views_desk_content, views_desk_parts, views_desk_translations

app_name = "directory"

SERVICE = {"model": "service"}
ARTICLE = {"model": "article"}

urlpatterns = [
    path("", views_desk.dashboard, name="dashboard"),
    # services
    path("servizi/", views_desk.service_list, name="service_list"),
    path("servizi/nuovo/", views_desk.service_create, name="service_create"),
    path("servizi/<uuid:pk>/", views_desk.service_detail, name="service_detail"),
    path("servizi/<uuid:pk>/modifica/", views_desk.service_edit, name="service_edit"),
    path("servizi/<uuid:pk>/stato/", views_desk.change_state, SERVICE, name="service_state"),
    path("servizi/<uuid:pk>/verificato/", views_desk.verify, SERVICE, name="service_verify"),
    path("servizi/<uuid:pk>/versioni/", views_desk.history, SERVICE, name="service_history"),
    # parts of a service
    path("servizi/<uuid:pk>/sedi/nuova/", views_desk_parts.place_form, name="place_create"),
    path("servizi/<uuid:pk>/sedi/<uuid:part_pk>/", views_desk_parts.place_form, name="place_edit"),
    path("servizi/<uuid:pk>/<slug:kind>/nuovo/", views_desk_parts.part_form, name="part_create"),
    path("servizi/<uuid:pk>/<slug:kind>/<uuid:part_pk>/", views_desk_parts.part_form, name="part_edit"),
    path(
        "servizi/<uuid:pk>/<slug:kind>/<uuid:part_pk>/rimuovi/",
        views_desk_parts.part_delete,
        name="part_delete",
    ),
    # partners' proposals
    path("proposte/", views_desk.proposal_list, name="proposal_list"),
    path("proposte/<int:pk>/", views_desk.proposal_detail, name="proposal_detail"),
    path("proposte/<int:pk>/approva/", views_desk.proposal_approve, name="proposal_approve"),
    path("proposte/<int:pk>/rifiuta/", views_desk.proposal_reject, name="proposal_reject"),
    # translations of any translatable record
    path("traduzioni/<slug:model>/<uuid:pk>/", views_desk_translations.translations, name="translations"),
    path(
        "traduzioni/verifica/<int:pk>/",
        views_desk_translations.translation_verify,
        name="translation_verify",
    ),
    # information pages
    path("schede/", views_desk_content.article_list, name="article_list"),
    path("schede/nuova/", views_desk_content.article_form, name="article_create"),
    path("schede/<uuid:pk>/", views_desk_content.article_detail, name="article_detail"),
    path("schede/<uuid:pk>/modifica/", views_desk_content.article_form, name="article_edit"),
    path("schede/<uuid:pk>/stato/", views_desk.change_state, ARTICLE, name="article_state"),
    path("schede/<uuid:pk>/verificato/", views_desk.verify, ARTICLE, name="article_verify"),
    path("schede/<uuid:pk>/versioni/", views_desk.history, ARTICLE, name="article_history"),
    # reference data
    path("lingue/", views_desk_content.language_list, name="language_list"),
    path("lingue/nuova/", views_desk_content.language_form, name="language_create"),
    path("lingue/<int:pk>/", views_desk_content.language_form, name="language_edit"),
    path("bisogni/", views_desk_content.need_list, name="need_list"),
]
