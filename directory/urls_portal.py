"""The public portal's directory pages (namespace `portal`), mounted under i18n_patterns."""

from django.urls import path

from directory import views_feedback, views_opendata, views_public

app_name = "portal"

urlpatterns = [
    path("", views_public.home, name="home"),
    path("servizi/", views_public.search, name="search"),
    path("servizi/<uuid:pk>/", views_public.service_detail, name="service_detail"),
    path("servizi/<uuid:pk>/opinione/", views_feedback.service_feedback, name="service_feedback"),
    path("informazioni/", views_public.article_list, name="article_list"),
    path("informazioni/<slug:slug>/", views_public.article_detail, name="article_detail"),
    path("accessibilita/", views_public.accessibility, name="accessibility"),
    path("privacy/", views_public.privacy, name="privacy"),
    path("dati-aperti/", views_opendata.open_data, name="open_data"),
    path("dati-aperti/hsds.json", views_opendata.hsds_download, name="hsds_download"),
]
