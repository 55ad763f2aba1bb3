from django.urls import path

from core import import_views, views

app_name = "core"

urlpatterns = [
    path("area-riservata/", views.home, name="home"),
    path("area-riservata/audit/", views.audit_log, name="audit_log"),
    path("area-riservata/audit/accessi/", views.access_log, name="access_log"),
    path("area-riservata/importazioni/", import_views.import_index, name="import_index"),
    path("area-riservata/importazioni/<slug:kind>/", import_views.import_upload, name="import_upload"),
    path(
        "area-riservata/importazioni/<slug:kind>/modello.xlsx",
        import_views.import_template,
        name="import_template",
    ),
]
