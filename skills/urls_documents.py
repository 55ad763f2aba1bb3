"""Downloads of skills profiles (under /area-riservata/competenze/, next to `skills.urls`)."""

from django.urls import path

from skills import views_exports as views

app_name = "skills_docs"

urlpatterns = [
    path("<int:participant_pk>/profilo.pdf", views.profile_pdf, name="profile_pdf"),
    path("<int:participant_pk>/europass.xml", views.profile_europass_xml, name="profile_europass_xml"),
    path("<int:participant_pk>/profilo.json", views.profile_json, name="profile_json"),
]
