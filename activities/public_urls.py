"""Public pages of activities: certificate verification and the feedback questionnaire (no account)."""

from django.urls import path

from activities import views_public

urlpatterns = [
    path("verifica/", views_public.certificate_verify_form, name="certificate_verify_form"),
    path("verifica/<str:code>/", views_public.certificate_verify, name="certificate_verify"),
    path("questionario/<str:token>/", views_public.feedback_answer, name="feedback_answer"),
    path("questionario/<str:token>/grazie/", views_public.feedback_thanks, name="feedback_thanks"),
]
