"""Public list of approved migrant associations and informal groups (namespace `associations`)."""

from django.urls import path

from network import views_portal

app_name = "associations"

urlpatterns = [
    path("", views_portal.association_list, name="list"),
    path("<int:pk>/", views_portal.association_detail, name="detail"),
]
