from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("cambia-ente/", views.switch_membership, name="switch_membership"),
    path("profilo/", views.profile, name="profile"),
    path("profilo/token/", views.token_create, name="token_create"),
    path("profilo/token/<int:pk>/revoca/", views.token_revoke, name="token_revoke"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/nuovo/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.membership_edit, name="membership_edit"),
]
