"""The editorial desk of the directory in the workspace (namespace `directory`)."""

from django.urls import path

from directory import views_desk

app_name = "directory"

urlpatterns = [
    path("", views_desk.dashboard, name="dashboard"),
]
