"""Network analytics pages (included under /area-riservata/rete/)."""

from django.urls import path

from network import views_analytics

app_name = "network_analytics"

urlpatterns = [
    path("analisi/", views_analytics.analytics_overview, name="overview"),
    path("analisi/grafo.graphml", views_analytics.export_graphml, name="export_graphml"),
    path("analisi/grafo-csv.zip", views_analytics.export_csv, name="export_csv"),
]
