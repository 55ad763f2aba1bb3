"""Workspace pages of activities (under /area-riservata/attivita/)."""

from django.urls import path

from activities import (
    views,
    views_assessments,
    views_checkin,
    views_enrolments,
    views_register,
    views_sessions,
)
from activities.models import AssessmentMoment

app_name = "activities"

ENTRY, EXIT = AssessmentMoment.ENTRY, AssessmentMoment.EXIT

urlpatterns = [
    # Activities
    path("", views.activity_list, name="list"),
    path("nuova/", views.activity_create, name="create"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/modifica/", views.activity_edit, name="edit"),
    path("<int:pk>/chiudi/", views.activity_close, name="close"),
    path("<int:pk>/argomenti/", views.topic_list, name="topics"),
    path("<int:pk>/argomenti/<int:topic_pk>/elimina/", views.topic_delete, name="topic_delete"),
    # Sessions
    path("<int:pk>/incontri/nuovo/", views_sessions.session_create, name="session_create"),
    path("<int:pk>/incontri/serie/", views_sessions.session_series, name="session_series"),
    path("<int:pk>/incontri/<int:session_pk>/modifica/", views_sessions.session_edit, name="session_edit"),
    path("<int:pk>/incontri/<int:session_pk>/annulla/", views_sessions.session_cancel, name="session_cancel"),
    # Attendance register
    path("<int:pk>/registro/", views_register.register_today, name="register_today"),
    path("<int:pk>/registro/<int:session_pk>/", views_register.register, name="register"),
    path(
        "<int:pk>/registro/<int:session_pk>/presenza/<int:enrolment_pk>/",
        views_register.register_mark,
        name="register_mark",
    ),
    path(
        "<int:pk>/registro/<int:session_pk>/tutti-presenti/",
        views_register.register_all_present,
        name="register_all_present",
    ),
    # Enrolments
    path("<int:pk>/iscrizioni/nuova/", views_enrolments.enrol, name="enrol"),
    path("<int:pk>/iscrizioni/cerca/", views_enrolments.enrol_search, name="enrol_search"),
    path("<int:pk>/iscrizioni/operatore/", views_enrolments.enrol_person, name="enrol_person"),
    path(
        "iscrizioni/<int:pk>/stato/<slug:status>/", views_enrolments.enrolment_status, name="enrolment_status"
    ),
    # Registrations from the public portal and the check-in desk (public events)
    path("<int:pk>/iscrizioni-pubbliche/", views_checkin.registrations, name="event_registrations"),
    path("<int:pk>/iscrizioni-pubbliche/accoglienza/", views_checkin.checkin, name="event_checkin"),
    # Language assessments
    path(
        "iscrizioni/<int:pk>/valutazione-ingresso/",
        views_assessments.assessment,
        {"moment": ENTRY},
        name="assessment_entry",
    ),
    path(
        "iscrizioni/<int:pk>/valutazione-uscita/",
        views_assessments.assessment,
        {"moment": EXIT},
        name="assessment_exit",
    ),
    path(
        "<int:pk>/valutazioni-ingresso/",
        views_assessments.assessment_grid,
        {"moment": ENTRY},
        name="assessment_grid_entry",
    ),
    path(
        "<int:pk>/valutazioni-uscita/",
        views_assessments.assessment_grid,
        {"moment": EXIT},
        name="assessment_grid_exit",
    ),
    # Operator training self-assessments
    path(
        "iscrizioni/<int:pk>/autovalutazione-iniziale/",
        views_assessments.self_assessment,
        {"moment": "pre"},
        name="self_assessment_pre",
    ),
    path(
        "iscrizioni/<int:pk>/autovalutazione-finale/",
        views_assessments.self_assessment,
        {"moment": "post"},
        name="self_assessment_post",
    ),
]
