from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from auditlog.registry import auditlog

        from activities import models

        auditlog.register(models.Activity, m2m_fields={"partners", "trainers"})
        auditlog.register(models.Session)
        auditlog.register(models.Enrolment, mask_fields=["note"])
        auditlog.register(models.Attendance)
        auditlog.register(models.LanguageAssessment)
        auditlog.register(models.SelfAssessment)
        auditlog.register(models.Certificate)
        auditlog.register(models.CompletionRule)
        auditlog.register(models.PublicRegistration, mask_fields=["full_name", "contact"])
