"""Workspace documents of activities (under /area-riservata/attivita/, next to `activities.urls`):
certificates, feedback QR cards, typed-in questionnaires and their summary, register exports."""

from django.urls import path

from activities import views_documents as views

app_name = "activity_docs"

urlpatterns = [
    # Certificates
    path("documenti/iscrizioni/<int:pk>/attestato/", views.certificate_issue, name="certificate_issue"),
    path("<int:pk>/documenti/attestati/", views.certificate_issue_all, name="certificate_issue_all"),
    path("documenti/attestati/<int:pk>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("documenti/attestati/<int:pk>/revoca/", views.certificate_revoke, name="certificate_revoke"),
    # Feedback
    path("<int:pk>/documenti/questionari/qr/", views.feedback_qr_sheet, name="feedback_qr_sheet"),
    path("<int:pk>/documenti/questionari/qr.pdf", views.feedback_qr_sheet_pdf, name="feedback_qr_sheet_pdf"),
    path("<int:pk>/documenti/questionari/nuovo/", views.feedback_enter, name="feedback_enter"),
    path("<int:pk>/documenti/questionari/risultati/", views.feedback_summary, name="feedback_summary"),
    # Register exports
    path("<int:pk>/documenti/registro.xlsx", views.register_xlsx, name="register_xlsx"),
    path("<int:pk>/documenti/fogli-firme.pdf", views.signature_sheets, name="signature_sheets"),
    path(
        "<int:pk>/documenti/sessioni/<int:session_pk>/foglio-firme.pdf",
        views.signature_sheet,
        name="signature_sheet",
    ),
]
