from django.urls import path

from network import views

app_name = "network"

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("nuova/", views.organisation_create, name="organisation_create"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("<int:pk>/modifica/", views.organisation_edit, name="organisation_edit"),
]
