from django.urls import path

from territory import views

app_name = "territory"

urlpatterns = [
    path("ambiti/", views.district_list, name="district_list"),
    path("ambiti/nuovo/", views.district_edit, name="district_create"),
    path("ambiti/<int:pk>/", views.district_detail, name="district_detail"),
    path("ambiti/<int:pk>/modifica/", views.district_edit, name="district_edit"),
]
