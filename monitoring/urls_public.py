"""The public results page of the portal (namespace `results`): controlled figures only."""

from django.urls import path

from monitoring import views_public

app_name = "results"

urlpatterns = [path("", views_public.results, name="index")]
