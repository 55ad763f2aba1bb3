"""Workspace pages of activities (under /area-riservata/attivita/)."""

app_name = "activities"

urlpatterns: list = []
