from django.urls import path

from network import views, views_agreements, views_associations, views_dashboard, views_tables

app_name = "network"

urlpatterns = [
    # organisations and their contact people
    path("", views.organisation_list, name="organisation_list"),
    path("nuova/", views.organisation_create, name="organisation_create"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("<int:pk>/modifica/", views.organisation_edit, name="organisation_edit"),
    path("<int:pk>/contatti/nuovo/", views.contact_create, name="contact_create"),
    path("contatti/<int:pk>/modifica/", views.contact_edit, name="contact_edit"),
    path("contatti/<int:pk>/elimina/", views.contact_delete, name="contact_delete"),
    # registry of migrant associations and informal groups
    path("associazioni/", views_associations.association_list, name="association_list"),
    path("associazioni/proponi/", views_associations.association_propose, name="association_propose"),
    path("associazioni/da-approvare/", views_associations.association_queue, name="association_queue"),
    path(
        "associazioni/<int:pk>/approva/", views_associations.association_approve, name="association_approve"
    ),
    path("associazioni/<int:pk>/rifiuta/", views_associations.association_reject, name="association_reject"),
    # agreements
    path("accordi/", views_agreements.agreement_list, name="agreement_list"),
    path("accordi/nuovo/", views_agreements.agreement_create, name="agreement_create"),
    path("accordi/<int:pk>/", views_agreements.agreement_detail, name="agreement_detail"),
    path("accordi/<int:pk>/modifica/", views_agreements.agreement_edit, name="agreement_edit"),
    path("accordi/<int:pk>/firma/", views_agreements.agreement_sign, name="agreement_sign"),
    path("accordi/<int:pk>/ritira/", views_agreements.agreement_withdraw, name="agreement_withdraw"),
    path("accordi/<int:pk>/rinnova/", views_agreements.agreement_renew, name="agreement_renew"),
    path("accordi/<int:pk>/documento/", views_agreements.agreement_document, name="agreement_document"),
    path(
        "accordi/<int:pk>/documento/carica/",
        views_agreements.agreement_document_upload,
        name="agreement_document_upload",
    ),
    # consultation tables, meetings, action items
    path("tavoli/", views_tables.table_list, name="table_list"),
    path("tavoli/nuovo/", views_tables.table_create, name="table_create"),
    path("tavoli/<int:pk>/", views_tables.table_detail, name="table_detail"),
    path("tavoli/<int:pk>/modifica/", views_tables.table_edit, name="table_edit"),
    path("tavoli/<int:pk>/incontri/nuovo/", views_tables.meeting_create, name="meeting_create"),
    path("incontri/<int:pk>/", views_tables.meeting_detail, name="meeting_detail"),
    path("incontri/<int:pk>/modifica/", views_tables.meeting_edit, name="meeting_edit"),
    path("incontri/<int:pk>/partecipanti/", views_tables.meeting_participants, name="meeting_participants"),
    path("incontri/<int:pk>/calendario.ics", views_tables.meeting_ics, name="meeting_ics"),
    path("incontri/<int:pk>/azioni/nuova/", views_tables.action_item_create, name="action_item_create"),
    path("azioni/", views_tables.action_item_list, name="action_item_list"),
    path("azioni/<int:pk>/", views_tables.action_item_update, name="action_item_update"),
    # the Region's dashboard
    path("governance/", views_dashboard.governance_dashboard, name="governance_dashboard"),
]
