from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("", views.participant_list, name="participant_list"),
    path("nuovo/", views.participant_create, name="participant_create"),
    path("comuni/", views.municipality_options, name="municipality_options"),
    path("<int:pk>/", views.participant_detail, name="participant_detail"),
    path("<int:pk>/modifica/", views.participant_edit, name="participant_edit"),
    path("<int:pk>/consensi/nuovo/", views.consent_create, name="consent_create"),
    path("<int:pk>/consensi/<int:consent_pk>/revoca/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/vulnerabilita/nuova/", views.vulnerability_create, name="vulnerability_create"),
    path(
        "<int:pk>/vulnerabilita/<int:flag_pk>/chiudi/", views.vulnerability_close, name="vulnerability_close"
    ),
]
