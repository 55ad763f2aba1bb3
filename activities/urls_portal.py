"""Public events calendar and registration without an account (namespace `events`)."""

from django.urls import path

from activities import views_events

app_name = "events"

urlpatterns = [
    path("", views_events.event_list, name="list"),
    path("<int:pk>/", views_events.event_detail, name="detail"),
    path("<int:pk>/iscrizione/", views_events.register, name="register"),
    path("iscrizione/<str:token>/", views_events.registration, name="registration"),
    path("iscrizione/<str:token>/annulla/", views_events.cancel, name="cancel"),
]
