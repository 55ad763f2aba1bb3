from django.urls import path

from skills import views, views_interview, views_overview, views_search

app_name = "skills"

urlpatterns = [
    path("panoramica/", views_overview.overview, name="overview"),
    path("ricerca/occupazioni/", views_search.occupation_search, name="occupation_search"),
    path("ricerca/competenze/", views_search.skill_search, name="skill_search"),
    path("<int:participant_pk>/", views.profile, name="profile"),
    path("<int:participant_pk>/avvia/", views.start, name="start"),
    path("<int:participant_pk>/concludi/", views.complete, name="complete"),
    path("<int:participant_pk>/colloquio/", views_interview.interview, name="interview"),
    path(
        "<int:participant_pk>/colloquio/lingua/",
        views_interview.set_interview_language,
        name="interview_language",
    ),
    path(
        "<int:participant_pk>/colloquio/niente/",
        views_interview.nothing_to_declare,
        name="nothing_to_declare",
    ),
    path(
        "<int:participant_pk>/voci/<slug:section>/<int:claim_pk>/elimina/",
        views.claim_remove,
        name="claim_remove",
    ),
    path(
        "<int:participant_pk>/voci/<slug:section>/<int:claim_pk>/evidenza/",
        views.claim_evidence,
        name="claim_evidence",
    ),
    path("<int:participant_pk>/vincoli/<int:pk>/chiudi/", views.constraint_close, name="constraint_close"),
    path("<int:participant_pk>/passi/<int:pk>/obiettivo/", views.next_step_goal, name="next_step_goal"),
    path("<int:participant_pk>/passi/<int:pk>/elimina/", views.next_step_remove, name="next_step_remove"),
]
