from django.urls import path

from paths import views_dashboard, views_inbox, views_mediation, views_plans, views_referrals, views_services

app_name = "paths"

urlpatterns = [
    # Caseload dashboard and inbox
    path("lavoro/", views_dashboard.caseload, name="caseload"),
    path("notifiche/", views_inbox.inbox, name="inbox"),
    path("notifiche/lette/", views_inbox.mark_read, name="inbox_mark_read"),
    # Individual plan
    path("partecipante/<int:participant_id>/piano/", views_plans.plan, name="plan"),
    path(
        "partecipante/<int:participant_id>/piano/nuova-versione/", views_plans.plan_revise, name="plan_revise"
    ),
    path(
        "partecipante/<int:participant_id>/piano/obiettivi/nuovo/",
        views_plans.goal_create,
        name="goal_create",
    ),
    path("obiettivi/<int:pk>/", views_plans.goal_edit, name="goal_edit"),
    path("obiettivi/<int:pk>/passi/nuovo/", views_plans.step_create, name="step_create"),
    path("passi/<int:pk>/fatto/", views_plans.step_toggle, name="step_toggle"),
    # Timeline
    path("partecipante/<int:participant_id>/cronologia/", views_dashboard.timeline, name="timeline"),
    # Services delivered
    path("servizi/", views_services.service_list, name="service_list"),
    path("servizi/gruppo/", views_services.service_group, name="service_group"),
    path(
        "partecipante/<int:participant_id>/servizi/nuovo/",
        views_services.service_create,
        name="service_create",
    ),
    # Referrals
    path("invii/", views_referrals.referral_queues, name="referral_queues"),
    path(
        "partecipante/<int:participant_id>/invii/nuovo/",
        views_referrals.referral_create,
        name="referral_create",
    ),
    path("invii/<int:pk>/", views_referrals.referral_detail, name="referral_detail"),
    path("invii/<int:pk>/assegna/", views_referrals.referral_assign, name="referral_assign"),
    path(
        "invii/<int:pk>/stato/<slug:status>/", views_referrals.referral_transition, name="referral_transition"
    ),
    # Cultural mediation
    path("mediazione/", views_mediation.mediation_list, name="mediation_list"),
    path("mediazione/nuova/", views_mediation.mediation_create, name="mediation_create"),
    path("mediazione/<int:pk>/", views_mediation.mediation_detail, name="mediation_detail"),
    path("mediazione/<int:pk>/assegna/", views_mediation.mediation_assign, name="mediation_assign"),
    path(
        "mediazione/<int:pk>/stato/<slug:status>/",
        views_mediation.mediation_transition,
        name="mediation_transition",
    ),
    path("mediatori/", views_mediation.mediator_list, name="mediator_list"),
    path("mediatori/profilo/", views_mediation.mediator_profile, name="mediator_profile"),
]
