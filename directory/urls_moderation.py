"""Feedback moderation and portal usage in the workspace (namespace `directory_moderation`)."""

from django.urls import path

from directory import views_moderation

app_name = "directory_moderation"

urlpatterns = [
    path("opinioni/", views_moderation.feedback_queue, name="feedback_queue"),
    path("statistiche-portale/", views_moderation.portal_usage, name="portal_usage"),
]
